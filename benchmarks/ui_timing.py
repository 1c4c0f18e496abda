"""How long the app makes a person wait: a real headless Chromium against ``streamlit run app.py``.

    python benchmarks/ui_timing.py --scale M                  # generate + import into a temp store, then time
    python benchmarks/ui_timing.py --scale M --work /tmp/kui  # reuse <work>/<scale>.db when it exists
    python benchmarks/ui_timing.py --sample                   # the 12-account sample instead

Each figure is the wall time from the browser's request (``page.goto``, or the key press
for a filter change) until the page's content is visible, Streamlit has sent its own
"script finished" message for the run (read from the websocket) and no spinner is left;
for the account page also until vis-network holds the map's people. Scenarios, in order:

- ``portfolio_cold``: a new app server, the persisted analyses removed (as right after an
  import by another process, e.g. ``kamgraph import``), a fresh browser session on the
  default page (the portfolio);
- ``portfolio_new_session``: a second fresh browser session against the same server;
- ``portfolio_restart``: the server restarted (memory empty, persisted analyses on disk), a
  fresh session;
- ``account_first_open``: the largest account (most customer contacts), first opened in
  a fresh session;
- ``account_filter_change``: on that page, the "Minimum strength" slider moved one step;
- ``app_import_delta``: on the Data page, an import of one new interaction from a folder on
  the server (a new data version), until the page says it was imported;
- ``portfolio_after_app_import``: right after it, a fresh session on the portfolio (the
  analyses of the new version: computed in the background since the import, or waited for);
- ``account_restart``: the server restarted, the same account opened in a fresh session.

Needs Debian's ``chromium`` at /usr/bin/chromium and the ``playwright`` package (browsers
are never downloaded). Results: a table on stdout and ``benchmarks/results/ui-<scale>.json``
(``--tag`` keeps earlier runs). Timings on a shared machine are noisy: run it twice.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT_MS = 600_000
#: the synthetic portfolio's last day (kamgraph generate's default --end)
SYNTHETIC_AS_OF = "2026-06-30"

PORTFOLIO_TEXT = "Coverage by role"
ACCOUNT_TEXT = "Relationship map"
FINISHED_JS = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
               " && !document.querySelector('[data-testid=\"stSpinner\"]')")


def _run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def prepare_store(scale: str | None, work: Path) -> tuple[str, dict]:
    """The store (generated and imported unless ``<work>/<scale>.db`` exists) and the app's environment."""
    env = dict(os.environ)
    for name in ("KAMGRAPH_STORE", "KAMGRAPH_CONFIG", "KAMGRAPH_AS_OF"):
        env.pop(name, None)
    if scale is None:
        db = work / "sample.db"
        env["KAMGRAPH_CONFIG"] = str(SAMPLE / "kamgraph.toml")
        source = SAMPLE
    else:
        db = work / f"{scale}.db"
        env["KAMGRAPH_AS_OF"] = SYNTHETIC_AS_OF
        source = work / f"{scale}-csv"
    env["KAMGRAPH_STORE"] = f"sqlite:///{db}"
    env["KAMGRAPH_IMPORT_DIR"] = str(work / "imports")
    (work / "imports").mkdir(parents=True, exist_ok=True)
    if not db.exists():
        kamgraph = [str(Path(sys.executable).with_name("kamgraph"))]
        if scale is not None and not source.exists():
            _run(kamgraph + ["generate", "--scale", scale, "--seed", "1", "--out", str(source)], env)
        t = time.perf_counter()
        _run(kamgraph + ["import", str(source)], env)
        print(f"imported {source} into {db} in {time.perf_counter() - t:.1f} s", flush=True)
    return str(db), env


def largest_account(db: str) -> tuple[str, int]:
    """The account with the most customer contacts, and how many."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute(
            'SELECT e."org_id", COUNT(DISTINCT e."person_id") AS n FROM "employment" e '
            'JOIN "people" p ON p."id" = e."person_id" JOIN "accounts" a ON a."id" = e."org_id" '
            'WHERE p."side" = \'customer\' GROUP BY e."org_id" ORDER BY n DESC, e."org_id" LIMIT 1').fetchone()
    finally:
        con.close()
    return str(row[0]), int(row[1])


def clear_persisted(db: str) -> None:
    """Remove the analyses persisted beside the store (what a new data version makes stale)."""
    try:
        from kamgraph.report.persisted import cache_dir_for
    except ImportError:  # before the persisted analyses existed
        return
    folder = cache_dir_for(f"sqlite:///{db}")
    if folder is not None and folder.exists():
        shutil.rmtree(folder)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(env: dict, log: Path, cwd: Path):
    """``streamlit run app.py`` on a free port; yields the base URL; stops the process after."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
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
                    raise RuntimeError(f"streamlit did not answer on {base}")
                time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _finished(page) -> None:
    page.wait_for_function(FINISHED_JS, timeout=TIMEOUT_MS, polling=50)


def open_and_time(browser, url: str, text: str, map_drawn: bool = False):
    """A fresh browser context opens ``url``; seconds until ``text`` shows and the run finished."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.finished_runs = []  # perf_counter() of every script run Streamlit reported finished
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: _on_frame(page, payload)))
    t = time.perf_counter()
    page.goto(url)
    page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    _wait_runs(page, 1)  # Streamlit's own "script finished": the whole page, not just its top
    _finished(page)
    if map_drawn:
        _map_drawn(page)
    seconds = time.perf_counter() - t
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"an exception on {url}: {page.locator('[data-testid=stException]').first.inner_text()}")
    return seconds, page, context


def _on_frame(page, payload) -> None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # noqa: BLE001 - not a ForwardMsg (never expected)
        return
    if msg.WhichOneof("type") == "script_finished":
        page.finished_runs.append(time.perf_counter())


def _wait_runs(page, n: int) -> None:
    """Until Streamlit has reported ``n`` finished script runs of this page's session."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(page.finished_runs) < n:
        if time.monotonic() > deadline:
            raise TimeoutError("the script run did not finish")
        page.wait_for_timeout(20)


def _map_drawn(page) -> bool:
    """Wait for vis-network to hold the map's people; False when the page shows no map (refused)."""
    frame_el = page.locator(f'iframe[title="{ACCOUNT_TEXT}"]')
    if frame_el.count() == 0:
        return False
    frame = frame_el.first.element_handle().content_frame()
    frame.wait_for_function("() => typeof network !== 'undefined' && network.body.data.nodes.length > 0",
                            timeout=TIMEOUT_MS, polling=50)
    return True


def filter_change(page) -> float:
    """Move the "Minimum strength" slider one step right; seconds until Streamlit reports the rerun finished and the map is drawn."""
    slider = page.locator('input[type="range"][aria-label="Minimum strength"]').first
    before = float(slider.get_attribute("value"))
    after = round(before + 0.05, 2)
    slider.focus()
    t = time.perf_counter()
    runs = len(page.finished_runs)
    page.keyboard.press("ArrowRight")
    _wait_runs(page, runs + 1)  # Streamlit's own "script finished" message of the rerun
    if slider.get_attribute("value") not in (str(after), f"{after:.2f}", f"{after:g}"):
        raise RuntimeError(f"the slider did not move to {after}: {slider.get_attribute('value')}")
    _finished(page)
    _map_drawn(page)
    return time.perf_counter() - t


def delta_folder(db: str, work: Path) -> Path:
    """A folder inside the import folder with one new interaction (a call between the largest
    account's first contact and one of our staff, on the analysis date): a small import that
    makes a new data version."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        account, _ = largest_account(db)
        contact = con.execute('SELECT "person_id" FROM "employment" WHERE "org_id" = ? ORDER BY "person_id" LIMIT 1',
                              (account,)).fetchone()[0]
        ours = con.execute('SELECT "id" FROM "people" WHERE "side" = \'internal\' ORDER BY "id" LIMIT 1').fetchone()[0]
    finally:
        con.close()
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    folder = work / "imports" / f"delta-{stamp}"
    folder.mkdir(parents=True)
    (folder / "interactions.csv").write_text(f"id,date,kind,account_id,opportunity_id,subject\n"
                                             f"UI-{stamp},{SYNTHETIC_AS_OF},call,{account},,UI timing delta\n")
    (folder / "attendance.csv").write_text(f"interaction_id,person_id\nUI-{stamp},{contact}\nUI-{stamp},{ours}\n")
    return folder


def app_import(browser, base: str, folder: Path) -> float:
    """Import ``folder`` on the Data page (a path on the server); seconds until the flash says so."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.finished_runs = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: _on_frame(page, payload)))
    page.goto(base + "/data")
    box = page.get_by_placeholder("export")
    box.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    _wait_runs(page, 1)
    box.first.fill(str(folder))
    box.first.press("Enter")
    runs = len(page.finished_runs)
    _wait_runs(page, runs + 1)
    t = time.perf_counter()
    page.get_by_role("button", name="Import").first.click()
    page.get_by_text("Imported ", exact=False).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - t
    context.close()
    return seconds


def machine() -> dict:
    return {"cores": os.cpu_count(), "load_average": list(os.getloadavg()), "platform": platform.platform(),
            "python": platform.python_version()}


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], check=False, cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="M", choices=["XS", "S", "M", "L"])
    ap.add_argument("--sample", action="store_true", help="the 12-account sample instead of a generated portfolio")
    ap.add_argument("--work", type=Path, default=None, help="work folder (kept; reuses <scale>.db)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--tag", default="", help="suffix of the results file (ui-<scale>[-tag].json)")
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"needs Debian's chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    work = args.work or Path(tempfile.mkdtemp(prefix="kamgraph-ui-"))
    work.mkdir(parents=True, exist_ok=True)
    scale = None if args.sample else args.scale.lower()
    name = "sample" if args.sample else args.scale
    db, env = prepare_store(scale, work)
    account, contacts = largest_account(db)
    log = work / "streamlit.log"
    results: dict[str, float] = {}
    notes: dict[str, object] = {"account": account, "account_customer_contacts": contacts}

    def record(key: str, seconds: float) -> None:
        results[key] = round(seconds, 3)
        print(f"{key:28s} {seconds:8.2f} s", flush=True)

    clear_persisted(db)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        with app_server(env, log, work) as base:
            s, page, ctx = open_and_time(browser, base + "/", PORTFOLIO_TEXT)
            record("portfolio_cold", s)
            ctx.close()
            s, page, ctx = open_and_time(browser, base + "/", PORTFOLIO_TEXT)
            record("portfolio_new_session", s)
            ctx.close()
            s, page, ctx = open_and_time(browser, f"{base}/account?account={account}", ACCOUNT_TEXT, map_drawn=True)
            record("account_first_open", s)
            record("account_filter_change", filter_change(page))
            ctx.close()
            # an import through the app (Data page, a folder on the server), then the portfolio at once
            record("app_import_delta", app_import(browser, base, delta_folder(db, work)))
            s, page, ctx = open_and_time(browser, base + "/", PORTFOLIO_TEXT)
            record("portfolio_after_app_import", s)
            ctx.close()
        with app_server(env, log, work) as base:
            s, page, ctx = open_and_time(browser, base + "/", PORTFOLIO_TEXT)
            record("portfolio_restart", s)
            ctx.close()
            s, page, ctx = open_and_time(browser, f"{base}/account?account={account}", ACCOUNT_TEXT, map_drawn=True)
            record("account_restart", s)
            ctx.close()
        browser.close()

    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"ui-{name}{'-' + args.tag if args.tag else ''}.json"
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "scale": name, "store": db,
              "commit": git_commit(), "machine": machine(), "seconds": results, **notes,
              "command": " ".join([Path(sys.executable).name, *sys.argv])}
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
