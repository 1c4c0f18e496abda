"""End to end in a real browser: ``streamlit run app.py`` on the sample data, driven by headless Chromium.

What a person sees on the Account page: the relationship map is drawn (vis-network holds
nodes and its canvas has coloured pixels), the sample's decision-maker is named, and a
contact called ``<img src=x onerror=alert(1)>`` (with a ``javascript:`` link in their notes)
is shown as text, in the card and in the map's tooltip, without running any script.

Needs Debian's ``chromium`` at /usr/bin/chromium (``.ci/run`` installs it) and the Python
``playwright`` package (the ``test`` extra); browsers are never downloaded.

Run as a script to refresh the README screenshots (1440x900, one per page)::

    .venv/bin/python tests/test_ui_browser.py            # writes docs/screenshots/*.png
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT_MS = 180_000  # the first run of a page computes every analysis on a shared, busy machine

DIAMOND = "A-01"
DECISION_MAKER = "Zhou Jianguo"  # the diamond account's decision-maker (data/sample/README.md)
HOSTILE_ID = "C-XSS"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_NOTES = 'met at the fair <a href="javascript:alert(1)">profile</a>'

#: (url path, file name, text that shows the page is rendered)
PAGES = (("", "portfolio.png", "Coverage by role"),  # the default page lives at /
         ("account", "account.png", "Relationship map"),
         ("paths", "paths.png", "Ranked paths"),
         ("trends", "trends.png", "Strength over time"),
         ("data", "data.png", "What the store holds"))


def pages() -> tuple:
    """:data:`PAGES`, plus the visit planner's page when it is installed."""
    from kamgraph.ui.app import has_visits_page

    return PAGES + ((("visits", "visits.png", "Executive visits"),) if has_visits_page() else ())


# -- building blocks (also used by the screenshot script) --------------------------------------

def load_sample(db: Path, hostile: bool = False) -> str:
    """A SQLite store at ``db`` holding the sample, plus the hostile contact when asked."""
    from kamgraph.ingest import import_path
    from kamgraph.schema import normalize_frame
    from kamgraph.settings import Settings
    from kamgraph.store import open_store

    url = f"sqlite:///{db}"
    settings = Settings.load(SAMPLE / "kamgraph.toml")
    store = open_store(url)
    try:
        import_path(SAMPLE, store, today=settings.as_of_date())
        if hostile:
            store.write({
                "people": normalize_frame("people", pd.DataFrame([{
                    "id": HOSTILE_ID, "name": HOSTILE_NAME, "side": "customer", "title": "Procurement Manager",
                    "level": 4, "notes": HOSTILE_NOTES}])),
                "employment": normalize_frame("employment", pd.DataFrame([{
                    "person_id": HOSTILE_ID, "org_id": DIAMOND, "title": "Procurement Manager",
                    "since": pd.Timestamp("2024-01-01")}])),
                "assessments": normalize_frame("assessments", pd.DataFrame([{
                    "person_id": HOSTILE_ID, "account_id": DIAMOND, "assessed_on": pd.Timestamp("2026-10-01"),
                    "decision_role": "procurement", "attitude": "skeptic", "influence": 2}])),
                "ties": normalize_frame("ties", pd.DataFrame([{
                    "person_id": HOSTILE_ID, "other_id": "S-03", "kind": "business", "strength": 4,
                    "assessed_on": pd.Timestamp("2026-10-01"), "notes": HOSTILE_NOTES}])),
            })
    finally:
        store.close()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(store_url: str, log: Path):
    """``streamlit run app.py`` on a free port; yields the base URL; stops the process after."""
    port = free_port()
    env = dict(os.environ, KAMGRAPH_STORE=store_url, KAMGRAPH_CONFIG=str(SAMPLE / "kamgraph.toml"))
    env.pop("KAMGRAPH_AS_OF", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                        if r.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not answer on {base}: {log.read_text()[-2000:]}")
                time.sleep(0.5)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def wait_rendered(page, text: str) -> None:
    """Until ``text`` is visible and Streamlit has finished running the page script."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSpinner\"]')", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)  # tables and charts draw after the script has finished


def map_frame(page, title: str = "Relationship map"):
    """The map's iframe once vis-network has drawn it."""
    handle = page.locator(f'iframe[title="{title}"]').first
    handle.wait_for(state="attached", timeout=TIMEOUT_MS)
    frame = handle.element_handle().content_frame()
    frame.wait_for_function("() => typeof network !== 'undefined' && network.body.data.nodes.length > 0",
                            timeout=TIMEOUT_MS)
    page.wait_for_timeout(800)  # stabilization and first drawing
    return frame


def save_screenshots(out_dir: Path, work: Path) -> list[Path]:
    """Start the app on the sample and save one 1440x900 screenshot per page into ``out_dir``."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    url = load_sample(work / "sample.db")
    saved = []
    with app_server(url, work / "streamlit.log") as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport=VIEWPORT)
        for path, name, text in pages():
            page.goto(f"{base}/{path}")
            wait_rendered(page, text)
            if path == "account":
                map_frame(page)
            elif path == "paths":
                map_frame(page, "Access paths map")
            page.screenshot(path=out_dir / name)
            saved.append(out_dir / name)
        browser.close()
    return saved


# -- the test ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_session(tmp_path_factory):
    """One server and one browser page for every check of this module."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                                                  "(pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("ui_browser")
    url = load_sample(work / "sample.db", hostile=True)
    with app_server(url, work / "streamlit.log") as base, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport=VIEWPORT)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        yield {"base": base, "page": page, "dialogs": dialogs, "work": work}
        browser.close()


@pytest.mark.browser
def test_account_page_draws_the_map_names_the_decision_maker_and_shows_hostile_text_as_text(browser_session):
    page, base, work = browser_session["page"], browser_session["base"], browser_session["work"]
    page.goto(f"{base}/account?account={DIAMOND}&person={HOSTILE_ID}")
    wait_rendered(page, "Relationship map")
    frame = map_frame(page)

    # the map is drawn: vis-network holds the people, and the canvas has painted pixels
    n_nodes = frame.evaluate("() => network.body.data.nodes.length")
    assert n_nodes >= 10
    painted = frame.evaluate("""() => {
        const c = document.querySelector('#mynetwork canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
        return n;
    }""")
    assert painted > 5000, f"only {painted} painted pixels on the map canvas"
    assert frame.evaluate(f"() => network.body.data.nodes.get('{HOSTILE_ID}') !== null")

    # the decision-maker of the diamond account is named on the page (gap list, paths)
    assert page.get_by_text(DECISION_MAKER, exact=False).first.is_visible()

    # the hostile name is shown literally in the person card, and no element was injected
    card = page.get_by_text(HOSTILE_NAME, exact=True).first
    card.wait_for(state="visible", timeout=30_000)
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert frame.evaluate("() => document.querySelectorAll('img[src=\"x\"], a[href^=\"javascript\"]').length") == 0

    # hovering the contact shows the tooltip as plain text (no link element, notes visible);
    # the org chart starts readable at its top, so bring the contact into view first
    frame.evaluate(f"() => network.focus('{HOSTILE_ID}', {{scale: 1.0, animation: false,"
                   " offset: {x: 0, y: 120 - network.body.container.clientHeight / 2}})")
    page.wait_for_timeout(300)
    pos = frame.evaluate(f"""() => {{
        const p = network.getPositions(['{HOSTILE_ID}'])['{HOSTILE_ID}'];
        return network.canvasToDOM(p);
    }}""")
    box = page.locator('iframe[title="Relationship map"]').first.bounding_box()
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    frame.wait_for_selector("div.vis-tooltip", state="visible", timeout=10_000)
    tip = frame.evaluate("() => { const t = document.querySelector('div.vis-tooltip');"
                         " return {text: t.innerText, links: t.querySelectorAll('a').length,"
                         " imgs: t.querySelectorAll('img').length}; }")
    assert HOSTILE_NAME in tip["text"]
    assert "javascript:alert(1)" in tip["text"]
    assert tip["links"] == 0 and tip["imgs"] == 0

    page.screenshot(path=work / "account.png")
    assert (work / "account.png").stat().st_size > 20_000
    page.wait_for_timeout(500)
    assert browser_session["dialogs"] == [], f"a script ran: {browser_session['dialogs']}"


@pytest.mark.browser
def test_every_page_renders_without_an_exception(browser_session):
    page, base = browser_session["page"], browser_session["base"]
    for path, _, text in pages():
        page.goto(f"{base}/{path}")
        wait_rendered(page, text)
        assert page.locator('[data-testid="stException"]').count() == 0, f"exception on the {path or 'default'} page"
    assert browser_session["dialogs"] == []


if __name__ == "__main__":
    import tempfile

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory(prefix="kamgraph-shots-") as tmp:
        for p in save_screenshots(target, Path(tmp)):
            print(p)
