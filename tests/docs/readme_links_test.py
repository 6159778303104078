#!/usr/bin/python3
"""README.md stays an introduction: under 150 lines, and every link and image in it resolves, as GitHub and a
reader of the checkout follow them (a relative path to a file or folder of the repository, with its #anchor
present in a Markdown target). README links to nothing outside the repository, so nothing here needs a network.

Usage: readme_links_test.py SOURCE_DIR
"""
import os
import re
import sys

MAX_LINES = 150


def anchors_of(markdown):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    found = set()
    for heading in re.findall(r"(?m)^#{1,6} (.*)$", markdown):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def main():
    source = sys.argv[1]
    readme_path = os.path.join(source, "README.md")
    text = open(readme_path, encoding="utf-8").read()
    failures = []
    lines = text.count("\n")
    if lines >= MAX_LINES:
        failures.append(f"README.md has {lines} lines; it must stay under {MAX_LINES} (move detail to docs/)")
    # Markdown links and images, and HTML src/href attributes, outside code blocks.
    prose = re.sub(r"(?ms)^```.*?^```", "", text)
    targets = re.findall(r"\]\(([^)\s]+)\)", prose) + re.findall(r'(?:src|href)="([^"]+)"', prose)
    if not targets:
        failures.append("README.md links nowhere: it must point into docs/")
    for target in targets:
        if re.match(r"^[a-z]+:", target):
            failures.append(f"{target}: README.md links only within the repository (put external links in docs/)")
            continue
        path, _, anchor = target.partition("#")
        resolved = os.path.normpath(os.path.join(source, path)) if path else readme_path
        if not os.path.exists(resolved):
            failures.append(f"{target}: {resolved} does not exist")
        elif anchor and resolved.endswith(".md") and anchor not in anchors_of(open(resolved, encoding="utf-8").read()):
            failures.append(f"{target}: no heading with the anchor #{anchor} in {path or 'README.md'}")
    for failure in failures:
        print(f"FAIL: {failure}")
    if failures:
        return 1
    print(f"README.md: {lines} lines, {len(targets)} links, all resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
