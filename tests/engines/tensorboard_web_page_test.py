"""What a person sees: TensorBoard's web page on two vgsales runs, in headless Chromium.

The real `tensorboard` serves a log directory of two runs (tensorboard_server.py); Playwright drives Debian's
/usr/bin/chromium (no browser download) through each tab and waits for what a person would look for there: the
runs and tags on Scalars, the `layer_1` box on Graphs, both runs with their hyperparameters on HParams, the plot on
Images, vgsales' layout on Custom Scalars, the model card on Text, the weight tags on Distributions and
Histograms. Every tab is saved as a screenshot under --artifacts.
"""
import os
import tempfile

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from engine_jobs import REFERENCE, Environment, Report
from tensorboard_server import RUNS, TensorBoard, write_two_runs

CHROMIUM = "/usr/bin/chromium"
# Headless as root, with nothing that would reach beyond this machine.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 30_000  # per text; TensorBoard loads and draws each tab in a few seconds

# tab (the URL fragment) -> texts that must be visible on it
EXPECTED = {
    "scalars": ["epoch_loss", "epoch_rmse", "run-a/train", "run-b/test"],
    "graphs": ["layer_1", "layer_2", "scaling", "optimizer", "cost"],
    "hparams": ["run-a", "run-b", "layers", "learning_rate", "50,100,50", "32,16"],
    "images": ["predicted_vs_actual", "run-a/test", "run-b/test"],
    "custom_scalars": ["vgsales: loss and error by split", "loss (scaled MSE): train vs validation vs test",
                       "total_earnings: RMSE and MAE in dollars"],
    "text": ["model_card", "vgsales model card: run-a", "vgsales model card: run-b"],
    "distributions": ["layer_1/kernel", "layer_1/activations"],
    "histograms": ["layer_1/kernel", "layer_2/bias"],
}


def shown(page, tab, text):
    """A locator for `text` as it is drawn on `tab`, visible elements only (TensorBoard keeps the tabs visited
    before in the page, hidden)."""
    if tab == "graphs":
        # A node's box label is an SVG <text class="nodelabel"> holding the name and a <title> with it again.
        locator = page.locator("svg text.nodelabel").filter(has=page.get_by_text(text, exact=True))
    else:
        locator = page.get_by_text(text, exact=True)
    return locator.filter(visible=True).first


def check_tab(report, page, board, tab, artifacts):
    page.goto(f"{board.url}/#{tab}")
    missing = []
    for text in EXPECTED[tab]:
        try:
            shown(page, tab, text).wait_for(state="visible", timeout=WAIT_MS)
        except PlaywrightError:
            missing.append(text)
    if tab == "images":
        # The plots themselves: decoded <img> elements as wide as the PNG vgsales wrote (640 pixels).
        try:
            page.wait_for_function("""() => {
                const walk = (root) => [...root.querySelectorAll('*')].flatMap(
                    (e) => [e, ...(e.shadowRoot ? walk(e.shadowRoot) : [])]);
                return walk(document).filter((e) => e.tagName === 'IMG' && e.naturalWidth === 640).length >= 2;
            }""", timeout=WAIT_MS)
        except PlaywrightError:
            missing.append("two decoded 640-pixel predicted_vs_actual images")
    page.wait_for_timeout(1500)  # let charts finish drawing before the picture
    path = os.path.join(artifacts, f"{tab}.png")
    page.screenshot(path=path)
    if report.check(not missing, f"TensorBoard's {tab} tab does not show {missing} (screenshot {path})"):
        report.measured(f"{tab} tab shows {EXPECTED[tab]}; screenshot {path}")


def main():
    environment = Environment([("--artifacts", {"required": True})])
    environment.require_data(REFERENCE.train_csv, REFERENCE.rows_csv)
    environment.fresh_work()
    artifacts = environment.args.artifacts
    os.makedirs(artifacts, exist_ok=True)
    report = Report()
    logdir = write_two_runs(environment)
    assert sorted(RUNS) == ["run-a", "run-b"], "EXPECTED names both runs"
    with TensorBoard(logdir, "auto", os.path.join(environment.work, "tensorboard.log")) as board, \
            tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        board.wait_until_loaded()
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True,
            viewport={"width": 1400, "height": 900})
        page = browser.new_page()
        page_errors = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        print(f"Chromium {browser.browser.version if browser.browser else ''} via Playwright")
        for tab in EXPECTED:
            check_tab(report, page, board, tab, artifacts)
        report.check(not page_errors, f"uncaught errors in TensorBoard's page: {page_errors}")
        browser.close()
    report.finish()


if __name__ == "__main__":
    main()
