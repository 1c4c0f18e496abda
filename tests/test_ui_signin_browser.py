"""Sign-in in a real browser: ``streamlit run app.py`` with a users file beside the store.

Before signing in, every page shows the sign-in form and nothing of the data (no account or
contact name, no table). A viewer who signs in reads the Account page, where a contact
named like a set of links (``http://...``, ``<https://...>``, ``www.``, an e-mail address)
shows as text with no link element, and the Data page offers them no import and no erase.

Same building blocks as ``tests/test_ui_browser.py`` (Debian's chromium, the ``playwright``
package; skipped with a message when either is missing).
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_ui_browser import (CHROMIUM, SAMPLE, TIMEOUT_MS, VIEWPORT, app_server, launch_chromium, load_sample,
                             pages, wait_rendered)

from kamgraph import auth

SECRETS = ("Shanghai Lanxin", "Zhou Jianguo", "Bayern", "Sun Lihua")
VIEWER, PASSWORD = "vera", "vera's long password"
URL_ID = "C-URL"
URL_NAME = "http://evil.example/x <https://x> www.x.com"
URL_TITLE = "write to boss@evil.example"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def add_url_contact(url: str) -> None:
    from kamgraph.schema import normalize_frame
    from kamgraph.store import open_store

    store = open_store(url)
    try:
        store.write({
            "people": normalize_frame("people", pd.DataFrame([{
                "id": URL_ID, "name": URL_NAME, "side": "customer", "title": URL_TITLE, "level": 2}])),
            "employment": normalize_frame("employment", pd.DataFrame([{
                "person_id": URL_ID, "org_id": "A-01", "title": URL_TITLE, "since": pd.Timestamp("2024-01-01")}])),
            "assessments": normalize_frame("assessments", pd.DataFrame([{
                "person_id": URL_ID, "account_id": "A-01", "assessed_on": pd.Timestamp("2026-10-01"),
                "decision_role": "decision_maker", "attitude": "skeptic", "influence": 4}])),
        })
    finally:
        store.close()


@pytest.fixture(scope="module")
def signin_session(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                                                  "(pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("ui_signin_browser")
    url = load_sample(work / "sample.db")
    add_url_contact(url)
    auth.save_users(work / auth.USERS_FILE_NAME, auth.add_user({}, VIEWER, PASSWORD, "viewer"))  # beside the store
    with app_server(url, work / "streamlit.log") as base, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport=VIEWPORT)
        yield {"base": base, "page": page, "work": work}
        browser.close()


def test_every_page_shows_the_sign_in_form_and_no_data(signin_session):
    page, base = signin_session["page"], signin_session["base"]
    for path, _, _ in pages():
        page.goto(f"{base}/{path}")
        wait_rendered(page, "Sign in")
        assert page.locator('input[type="password"]').count() == 1, path
        body = page.evaluate("() => document.body.innerText")
        for secret in SECRETS:
            assert secret not in body, (path, secret)
        assert page.locator('[data-testid="stDataFrame"], [data-testid="stMetric"], iframe').count() == 0, path
    page.screenshot(path=signin_session["work"] / "sign-in.png")


def test_a_viewer_sees_link_like_names_as_text_and_no_import_or_erase(signin_session):
    page, base = signin_session["page"], signin_session["base"]
    page.goto(f"{base}/account?account=A-01&person={URL_ID}")
    wait_rendered(page, "Sign in")
    page.get_by_label("User").fill(VIEWER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_rendered(page, "Relationship map")
    page.get_by_text("evil.example/x", exact=False).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    links = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] a')]
                                   .map(a => a.getAttribute('href') || '')""")
    links = [h for h in links if not h.startswith("#")]  # headings' own anchors
    assert not [h for h in links if "evil" in h or "x.com" in h or h.startswith(("mailto:", "https://x"))], links
    assert "Zhou Jianguo" in page.evaluate("() => document.body.innerText")  # signed in: the data shows

    page.locator('[data-testid="stSidebarNav"] a', has_text="Data").first.click()  # same session
    wait_rendered(page, "What the store holds")
    body = page.evaluate("() => document.body.innerText")
    assert "Importing is for admins" in body
    assert page.get_by_role("button", name="Import").count() == 0
    assert page.get_by_role("button", name="Erase this person…").count() == 0
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
