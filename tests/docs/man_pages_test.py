#!/usr/bin/python3
"""The generated man pages (scripts/generate_cli_docs.py) against the program they describe.

For every command `vgsales --help` lists, vgsales-COMMAND.1 must render with `groff -ww -man -Tutf8` without a
single warning, and show every option and positional `vgsales COMMAND --help` shows (no more), each with the default
the flag declarations give (`vgsales --flag-table COMMAND`: --help itself prints no defaults). vgsales.1 must render
likewise and name every command's page.

MAN1_DIR is the build's (build/cli-docs/man1, plain pages) or an installed one (share/man/man1, pages gzipped).

Usage: man_pages_test.py VGSALES MAN1_DIR
"""
import gzip
import os
import re
import subprocess
import sys

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print(f"FAIL: {message}")


def run(*args):
    return subprocess.run(args, check=True, text=True, stdout=subprocess.PIPE).stdout


def page_path(man1, name):
    """NAME.1 in MAN1_DIR, or NAME.1.gz as installed; None when neither exists."""
    for candidate in (os.path.join(man1, name + ".1"), os.path.join(man1, name + ".1.gz")):
        if os.path.exists(candidate):
            return candidate
    return None


def render(path):
    """The page as plain text on wide lines (no wrapping), and groff's warnings."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        source = f.read()
    result = subprocess.run(["groff", "-ww", "-man", "-Tutf8", "-rLL=2000n", "-P-c", "-P-b", "-P-u", "-P-o"],
                            input=source, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return result.stdout, result.stderr.strip(), result.returncode


def help_parameters(help_text):
    """Long options (`--epochs`) and positionals (`DIR`) that `vgsales COMMAND --help` lists, --help aside."""
    names = set(re.findall(r"(?m)^  (?:-[a-zA-Z],)?(--[a-z][a-z0-9_-]*)", help_text)) - {"--help"}
    if "Positionals:" in help_text:
        section = help_text[help_text.index("Positionals:"):].split("\n\n")[0]
        names |= set(re.findall(r"\n  ([A-Za-z_][A-Za-z0-9_]*) ", section))
    return names


def declared_defaults(table):
    """{flag: default} from `vgsales --flag-table COMMAND`, code spans as plain text (as the page renders them)."""
    defaults = {}
    for line in table.splitlines():
        if line.startswith("| `"):
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            defaults[cells[0].strip("`").split(" ")[0]] = cells[1].replace("`", "")
    return defaults


def page_options(text):
    """{flag: default} as the rendered OPTIONS section shows them: a tag line, its text, then `Default: X.`."""
    options, current = {}, None
    section = text.split("\nOPTIONS\n", 1)[-1].split("\nSEE ALSO\n", 1)[0]
    for line in section.splitlines():
        tag = re.match(r"^ {7}(--[a-z][a-z0-9_-]*|[A-Z][A-Z0-9_]*)(?: |$)", line)
        if tag:
            current = tag.group(1)
            options[current] = None
        default = re.match(r"^ {14}Default: (.*)\.$", line)
        if default and current:
            options[current] = default.group(1)
    return options


def main():
    vgsales, man1 = sys.argv[1], sys.argv[2]
    top = run(vgsales, "--help")
    commands = re.findall(r"\n  ([a-z][a-z0-9_-]*) {2,}", top[top.index("Subcommands:"):])
    check(len(commands) >= 8, f"vgsales --help lists only {commands}")

    top_page = page_path(man1, "vgsales")
    if top_page is None:
        print(f"FAIL: no vgsales.1 in {man1}")
        return 1
    text, warnings, status = render(top_page)
    check(status == 0 and not warnings, f"vgsales.1: groff -ww: exit {status}: {warnings}")
    for command in commands:
        check(f"vgsales-{command}(1)" in text, f"vgsales.1 does not point to vgsales-{command}(1)")

    for command in commands:
        page = page_path(man1, f"vgsales-{command}")
        if page is None:
            check(False, f"no man page vgsales-{command}.1 in {man1}")
            continue
        text, warnings, status = render(page)
        check(status == 0 and not warnings, f"vgsales-{command}.1: groff -ww: exit {status}: {warnings}")
        shown = page_options(text)
        in_help = help_parameters(run(vgsales, command, "--help"))
        defaults = declared_defaults(run(vgsales, "--flag-table", command))
        check(in_help, f"vgsales {command} --help lists nothing")
        for name in sorted(in_help):
            if name not in shown:
                check(False, f"man vgsales-{command} does not show {name}, which --help shows")
            else:
                check(shown[name] == defaults.get(name),
                      f"man vgsales-{command}: {name} shows default [{shown[name]}], declared [{defaults.get(name)}]")
        extra = set(shown) - in_help
        check(not extra, f"man vgsales-{command} shows {sorted(extra)}, which --help does not")
        print(f"vgsales-{command}.1: {len(shown)} options, each with its default; groff -ww silent")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
