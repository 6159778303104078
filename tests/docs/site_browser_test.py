#!/usr/bin/env python3
"""The built documentation site in Debian's Chromium (Playwright from the checker environment, no browser download),
served over HTTP on 127.0.0.1 as a reader's local server would: the home page renders; the navigation, clicked link
by link, reaches every command page `vgsales --help` lists, each showing its flags; the search box finds
`interval`; no page throws, and no request leaves 127.0.0.1 (the site works offline: every other host is refused
and reported).

Usage: site_browser_test.py VGSALES SITE_DIR ARTIFACTS_DIR
"""
import functools
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Headless as root, with nothing that would reach beyond this machine (as tests/engines/tensorboard_web_page_test.py).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 15_000

failures = []


def check(ok, message):
    print(("ok: " if ok else "FAIL: ") + message, flush=True)
    if not ok:
        failures.append(message)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def commands_of(vgsales):
    top = subprocess.run([vgsales, "--help"], check=True, text=True, stdout=subprocess.PIPE).stdout
    return re.findall(r"\n  ([a-z][a-z0-9_-]*) {2,}", top[top.index("Subcommands:"):])


def flags_of(vgsales, command):
    table = subprocess.run([vgsales, "--flag-table", command], check=True, text=True, stdout=subprocess.PIPE).stdout
    return re.findall(r"(?m)^\| `([^` ]+)", table)


def main():
    vgsales, site, artifacts = sys.argv[1], sys.argv[2], sys.argv[3]
    if not os.path.exists(os.path.join(site, "index.html")):
        print(f"no built site in {site} (the DocsSite test builds it)")
        return 1
    os.makedirs(artifacts, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    outside, page_errors = [], []

    def only_this_machine(route):
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True,
                viewport={"width": 1400, "height": 900})
            browser.route("**/*", only_this_machine)
            page = browser.new_page()
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.set_default_timeout(WAIT_MS)

            page.goto(base + "index.html")
            page.get_by_role("heading", name="vgsales", level=1).wait_for()
            check("vgsales" in page.title(), f"the home page renders (title {page.title()!r})")
            page.screenshot(path=os.path.join(artifacts, "home.png"))

            # From the home page, the navigation's links, clicked as a reader would, one command after another.
            for command in commands_of(vgsales):
                link = page.locator("nav.md-nav--primary").get_by_role("link", name=f"vgsales {command}", exact=True)
                link.first.click()
                page.wait_for_url(re.compile(rf"/commands/{re.escape(command)}\.html$"))
                page.get_by_role("heading", name=f"vgsales {command}", level=1).wait_for()
                table = page.locator("article table").first.inner_text()
                missing = [flag for flag in flags_of(vgsales, command) if flag not in table]
                check(not missing, f"the navigation reaches commands/{command}.html, which lists every flag"
                                   + (f" (missing {missing})" if missing else ""))
            page.screenshot(path=os.path.join(artifacts, "command-page.png"))

            # The search box: type, and wait for the results the search worker finds.
            # Typed once the search worker has loaded the index (before, the box only says "Initializing search").
            search = page.locator("input.md-search__input")
            search.click()
            page.wait_for_function("""() => {
                const meta = document.querySelector('.md-search-result__meta');
                return meta && meta.textContent.trim() !== '' && !/Initializing/i.test(meta.textContent);
            }""")
            search.press_sequentially("interval", delay=20)
            results = page.locator(".md-search-result__item")
            results.first.wait_for()
            found = results.count()
            text = page.locator(".md-search-result").inner_text()
            check(found > 0 and "interval" in text.lower(), f"the search finds `interval` ({found} results)")
            page.screenshot(path=os.path.join(artifacts, "search.png"))
            browser.close()
    finally:
        server.shutdown()
    check(not page_errors, f"no uncaught error in the pages {page_errors}")
    check(not outside, f"no request leaves 127.0.0.1 {sorted(set(outside))}")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
