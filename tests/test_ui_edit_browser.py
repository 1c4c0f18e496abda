"""In a real browser: record an attitude change on the person card and see it on the page.

``streamlit run app.py`` on a private copy of the sample, driven by Debian's headless
Chromium through playwright (the pattern and helpers of tests/test_ui_browser.py); skipped
cleanly when either is missing. Jin Tianyi (C-003), Lanxin's CFO, is a champion in the
sample; a sales director learns at dinner that he has turned skeptic and records it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

try:
    from test_ui_browser import (
        CHROMIUM,
        VIEWPORT,
        app_server,
        launch_chromium,
        load_sample,
        wait_rendered,
    )
except ImportError:  # pragma: no cover - tests/ imported as a package
    from tests.test_ui_browser import (
        CHROMIUM,
        VIEWPORT,
        app_server,
        launch_chromium,
        load_sample,
        wait_rendered,
    )

ACCOUNT, CFO = "A-01", "C-003"
TIMEOUT_MS = 180_000


@pytest.mark.browser
def test_recording_an_attitude_on_the_person_card_shows_it_on_the_page(tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                                                  "(pip install -e '.[test]')")
    from kamgraph.store import open_store

    url = load_sample(tmp_path / "sample.db")
    store = open_store(url)
    before = len(store.read("assessments", "person_id", [CFO]))
    with app_server(url, tmp_path / "streamlit.log") as base, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport=VIEWPORT)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/account?account={ACCOUNT}&person={CFO}")
        wait_rendered(page, "Record what you learned about")
        card = page.get_by_text("Attitude", exact=False)
        assert page.get_by_text("champion", exact=False).first.is_visible()

        form = page.locator('[data-testid="stForm"]').filter(has_text="Record assessment").first
        form.scroll_into_view_if_needed()
        attitude = form.locator('[data-testid="stSelectbox"]').filter(has_text="Attitude").first
        attitude.click()
        page.get_by_role("option", name="skeptic", exact=True).click()
        form.get_by_label("Source").fill("dinner with the CFO")
        form.get_by_role("button", name="Record assessment").click()

        page.get_by_text("Assessment recorded", exact=False).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        wait_rendered(page, "Record what you learned about")
        summary = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="Influence").filter(
            has_text="Role").first
        summary.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert "Attitude skeptic" in " ".join(summary.inner_text().split())
        assert card.count() > 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=tmp_path / "after.png")
        browser.close()
    rows = store.read("assessments", "person_id", [CFO])
    assert len(rows) == before + 1
    assert (rows.iloc[-1]["attitude"], rows.iloc[-1]["source"]) == ("skeptic", "dinner with the CFO")
    assert dialogs == []
    store.close()
