"""Chinese screenshots for the docs: the app in zh_CN, drawn by headless Chromium.

``streamlit run app.py`` on a copy of a sample store with ``KAMGRAPH_LANG=zh_CN`` (the server
and browser helpers of tests/test_ui_browser.py), then:

- ``portfolio-zh.png``: the portfolio page (1440x900, as docs/screenshots/portfolio.png);
- ``account-map-zh.png``: the account page of the diamond account A-01 with its org chart
  (1440 wide, taller than 900 so the map shows);
- ``briefing-zh.png``: the printed one-page briefing of the CEO's visit to the Lanxin chairman
  (:func:`kamgraph.report.visitplan.plan_html` in Chinese, A4 at 96 dpi, print media: made as
  docs/screenshots/briefing.png is made by tests/test_briefings.py).

For each page it prints the lines still showing English words once the data (names, titles,
notes, account and organization names...) is taken out, so what is left to translate is
listed beside the pictures. Needs Debian's chromium, playwright and a Chinese font
(``fc-list :lang=zh``; .ci/run installs fonts-wqy-microhei).

Usage::

    .venv/bin/python tests/screenshots_zh.py [OUT_DIR] [--store /tmp/k/sample.db]

``OUT_DIR`` defaults to docs/screenshots; without ``--store`` (or when it does not exist) the
sample is imported from data/sample into a temporary store. The given store is never written:
the app runs on a copy.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from test_ui_browser import (
    CHROMIUM,
    DIAMOND,
    SAMPLE,
    TIMEOUT_MS,
    app_server,
    launch_chromium,
    load_sample,
    wait_rendered,
)

LANG = "zh_CN"
DEFAULT_STORE = Path("/tmp/k/sample.db")
WIDTH = 1440
#: the briefing's page: A4 at 96 dpi, as docs/screenshots/briefing.png
A4 = {"width": 794, "height": 1123}
#: the contact of the briefing shown (the Lanxin chairman, the CEO's first visit)
BRIEFING_CONTACT = "C-001"


def zh(message: str) -> str:
    """``message`` as the Chinese app shows it (English while it has no translation)."""
    from kamgraph.i18n import _, use_language

    with use_language(LANG):
        return _(message)


def data_values(store_url: str) -> list[str]:
    """Every text value of the store (names, titles, notes...): data, never translated."""
    from kamgraph.names import shown_forms
    from kamgraph.store import open_store

    store = open_store(store_url)
    try:
        snap = store.snapshot()
    finally:
        store.close()
    values: set[str] = set()
    for frame in snap.frames.values():
        for col in frame.columns:
            if frame[col].dtype == object:
                for v in frame[col].dropna().unique():
                    if isinstance(v, str) and len(v) >= 3:
                        values.add(v)
                        values.update(f for f in shown_forms(v) if len(f) >= 2)  # 周建国（Zhou Jianguo）
                        # pieces of it (a tie's notes are shown up to the first ";"...)
                        values.update(p.strip() for p in re.split(r"[;,()\n]", v) if len(p.strip()) >= 3)
    return sorted(values, key=len, reverse=True)


#: a Material icon's name (``:material/arrow_forward:`` is drawn from the text "arrow_forward")
ICON = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
#: Streamlit's own words, not the app's: the screen-reader skip link and the toolbar's button
STREAMLIT = {"Skip to main content", "Deploy"}


def english_lines(text: str, data: list[str]) -> list[str]:
    """The lines of ``text`` that still have English words (3+ letters) once ``data`` is taken out."""
    out = []
    for line in text.splitlines():
        line = ICON.sub(" ", line).strip()  # Material icon names (drawn as icons, not read)
        if not line or line in STREAMLIT or re.fullmatch(r"[a-z]+", line):
            continue
        if line.endswith("…") and any(d.startswith(line[:-1].strip()) for d in data):
            continue  # a data value cut short
        rest = line
        for d in data:
            if d in rest:
                rest = rest.replace(d, " ")
        rest = re.sub(r"(?:sqlite|https?)://\S+|/\S+", " ", rest)  # store urls, paths
        rest = re.sub(r"(?<![A-Za-z])(?:CNY|EUR|USD|JPY|KAM|CEO|CFO|CTO|EMBA|README|kamgraph|Excel|CSV|HTML|zip)"
                      r"(?![A-Za-z])", " ", rest)  # codes, formats and names that stay as they are
        if re.search(r"[A-Za-z]{3,}", rest):
            out.append(line.strip())
    return list(dict.fromkeys(x for x in out if x))


def visible_text(page) -> str:
    """The page's text and that of its iframes (the map's legend)."""
    from playwright.sync_api import Error as PlaywrightError

    parts = [page.evaluate("() => document.body.innerText")]
    for frame in page.frames[1:]:
        try:
            parts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
        except PlaywrightError as e:  # a frame that went away
            print(f"(frame {frame.url[:60]} not read: {e.message[:80]})", file=sys.stderr)
    return "\n".join(parts)


def wait_map(page) -> None:
    """Until the account page's map (an iframe holding a vis-network) has drawn."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('iframe')).some(f => {"
        " try { const w = f.contentWindow; return w.network && w.network.body.data.nodes.length > 0"
        " && (!w.kgStarted || w.kgStarted()); } catch (e) { return false; } })", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1200)


def briefing_html(store_url: str) -> str:
    """The printed briefing of the CEO's visit to the Lanxin chairman, in Chinese."""
    from kamgraph.analysis.visits import plan_visits
    from kamgraph.i18n import use_language
    from kamgraph.report.visitplan import plan_html
    from kamgraph.settings import Settings
    from kamgraph.store import open_store

    store = open_store(store_url)
    try:
        snap = store.snapshot()
    finally:
        store.close()
    settings = Settings.load(SAMPLE / "kamgraph.toml").replace(tiers={"currency": "CNY"})
    with use_language(LANG):
        plan = plan_visits(snap, settings)
        ids = plan.visits["contact_id"].tolist()
        return plan_html(plan, only=ids.index(BRIEFING_CONTACT) if BRIEFING_CONTACT in ids else 0)


def take(out_dir: Path, store: Path | None, work: Path) -> dict[str, list[str]]:
    """Take the three screenshots into ``out_dir``; returns, per file, the lines still in English."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"Debian chromium not found at {CHROMIUM}")
    out_dir.mkdir(parents=True, exist_ok=True)
    db = work / "sample.db"
    if store is not None and store.exists():
        shutil.copyfile(store, db)
        url = f"sqlite:///{db}"
    else:
        url = load_sample(db)
    data = data_values(url)
    left: dict[str, list[str]] = {}
    os.environ["KAMGRAPH_LANG"] = LANG  # the app's default language (app_server passes the environment on)
    with app_server(url, work / "streamlit.log") as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900}, locale="zh-CN")

        page.goto(f"{base}/")
        wait_rendered(page, zh("Coverage by role"))
        page.screenshot(path=out_dir / "portfolio-zh.png")
        left["portfolio-zh.png"] = english_lines(visible_text(page), data)

        page.set_viewport_size({"width": WIDTH, "height": 1500})
        page.goto(f"{base}/account?account={DIAMOND}")
        wait_rendered(page, zh("Relationship map"))
        wait_map(page)
        page.screenshot(path=out_dir / "account-map-zh.png")
        left["account-map-zh.png"] = english_lines(visible_text(page), data)

        page.set_viewport_size(A4)
        page.set_content(briefing_html(url))
        page.emulate_media(media="print")
        page.add_style_tag(content="body { padding: 12mm 13mm; }")  # the @page margins, on screen
        page.wait_for_timeout(300)
        page.screenshot(path=out_dir / "briefing-zh.png", clip={"x": 0, "y": 0, **A4})
        left["briefing-zh.png"] = english_lines(visible_text(page), data)
        browser.close()
    return left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--store", default=str(DEFAULT_STORE),
                        help="a SQLite sample store to copy (default /tmp/k/sample.db; else data/sample is imported)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kamgraph-shots-zh-") as tmp:
        left = take(Path(args.out_dir), Path(args.store) if args.store else None, Path(tmp))
    for name, lines in left.items():
        print(f"{Path(args.out_dir) / name}: {len(lines)} line(s) with English words")
        for line in lines:
            print(f"    {line[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
