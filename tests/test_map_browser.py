"""The account map as vis-network lays it out in a real browser, at 30, 80, 150 and 500 contacts.

For each size, one synthetic account (:mod:`kamgraph.synthetic`, one account of exactly that
many contacts) is drawn with the default view of :func:`kamgraph.report.relmap.account_map`
(the buying-center focus, the Account page's default minimum strength), saved as the offline
HTML and opened in headless Chromium. From what vis-network drew (``network.getPositions()``,
``network.getBoundingBox(id)``) the test checks that

- no two boxes (labels) overlap;
- no line segment passes through a box it does not join (bends are invisible points);
- the first view is readable (zoomed no further out than the map's minimum scale);
- clicking a grey ``+N people`` box lists its people, still without overlaps or crossings,
  and clicking again folds it.

Needs Debian's ``chromium`` at /usr/bin/chromium and the ``playwright`` package (skipped
cleanly without them). Run as a script to refresh docs/screenshots/map-{30,80,150,500}.png::

    .venv/bin/python tests/test_map_browser.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_ui_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

SIZES = (30, 80, 150, 500)
TIMEOUT_MS = 60_000

#: what the page reads from vis-network: every box's bounding box, every position, every segment
READ_LAYOUT = """() => {
  const ids = network.body.data.nodes.getIds();
  const pos = network.getPositions();
  const boxes = [];
  for (const id of ids) {
    const n = network.body.data.nodes.get(id);
    if (n.kgBend) continue;
    const b = network.getBoundingBox(id);
    boxes.push([id, b.left, b.top, b.right, b.bottom]);
  }
  const segs = network.body.data.edges.get().map(e => [e.from, e.to, pos[e.from].x, pos[e.from].y,
                                                      pos[e.to].x, pos[e.to].y, e.kgEdge]);
  return {boxes: boxes, segments: segs, scale: network.getScale(), n: ids.length};
}"""


def synthetic_account(n: int):
    """A snapshot of one synthetic account with exactly ``n`` customer contacts, its settings
    and the account id (deterministic: the seed is ``n``)."""
    from kamgraph.schema import normalize_frame
    from kamgraph.settings import Settings
    from kamgraph.snapshot import Snapshot
    from kamgraph.synthetic import DEFAULT_END, Scale, generate

    scale = Scale(f"map{n}", accounts=1, customers=n, internal=40, external=30, ties=3 * n, interactions=12 * n,
                  attendance=40 * n, organizations=12, opportunities=3)
    frames = generate(scale, seed=n)
    snap = Snapshot({k: normalize_frame(k, v) for k, v in frames.items()})
    return snap, Settings(as_of=DEFAULT_END), str(snap.accounts["id"].iloc[0])


def default_map(n: int):
    """The default view of the Account page for a synthetic account of ``n`` contacts."""
    from kamgraph.report.relmap import account_map

    snap, settings, account = synthetic_account(n)
    return account_map(snap, settings, account)


def overlapping_boxes(boxes: list) -> list[tuple]:
    """Pairs of box ids whose rectangles overlap by more than a pixel."""
    if len(boxes) < 2:
        return []
    ids = [b[0] for b in boxes]
    a = np.array([b[1:] for b in boxes], dtype=float)
    l, t, r, btm = a.T
    hit = ((l[:, None] < r[None, :] - 1) & (l[None, :] < r[:, None] - 1)
           & (t[:, None] < btm[None, :] - 1) & (t[None, :] < btm[:, None] - 1))
    np.fill_diagonal(hit, False)
    i, j = np.nonzero(np.triu(hit))
    return [(ids[x], ids[y]) for x, y in zip(i, j)]


def crossing_segments(boxes: list, segments: list) -> list[tuple]:
    """(segment from, segment to, box id) for every segment through a box it does not join."""
    from kamgraph.report.relmap import segment_box_hits

    if not boxes or not segments:
        return []
    ids = np.array([b[0] for b in boxes], dtype=object)
    a = np.array([b[1:] for b in boxes], dtype=float)
    s = pd.DataFrame(segments, columns=["a", "b", "x0", "y0", "x1", "y1", "edge"])
    hits = segment_box_hits(s[["x0", "y0"]].to_numpy(), s[["x1", "y1"]].to_numpy(), a, pad=1.0)
    own = (ids[None, :] == s["a"].to_numpy()[:, None]) | (ids[None, :] == s["b"].to_numpy()[:, None])
    i, j = np.nonzero(hits & ~own)
    return [(s["a"].iloc[x], s["b"].iloc[x], ids[y]) for x, y in zip(i, j)]


def straight_crossings(rmap) -> int:
    """How many of the map's lines would cross a box if each were drawn straight (the control:
    routing had work to do)."""
    from kamgraph.report.relmap import BOX, segment_box_hits

    n = rmap.nodes.set_index("id")
    boxes = np.column_stack([n["x"] - BOX["w"] / 2, n["y"] - BOX["h"] / 2, n["x"] + BOX["w"] / 2,
                             n["y"] + BOX["h"] / 2])
    e = rmap.edges
    p0 = n.loc[e["source"], ["x", "y"]].to_numpy(dtype=float)
    p1 = n.loc[e["target"], ["x", "y"]].to_numpy(dtype=float)
    hits = segment_box_hits(p0, p1, boxes, pad=1.0)
    idx = {k: i for i, k in enumerate(n.index)}
    rows = np.arange(len(e))
    hits[rows, [idx[s] for s in e["source"]]] = False
    hits[rows, [idx[t] for t in e["target"]]] = False
    return int(hits.any(axis=1).sum())


def open_map(page, html_path: Path):
    page.goto(html_path.as_uri())
    page.wait_for_function("() => typeof network !== 'undefined' && network.body.data.nodes.length > 0"
                           " && window.kgStarted && window.kgStarted()", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)


def save_screenshots(out_dir: Path, work: Path, sizes=SIZES) -> list[Path]:
    """Draw each size's default view and save ``map-<n>.png`` (1440x900) into ``out_dir``."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport=VIEWPORT)
        for n in sizes:
            path = work / f"map-{n}.html"
            path.write_text(default_map(n).html, encoding="utf-8")
            open_map(page, path)
            page.screenshot(path=out_dir / f"map-{n}.png")
            saved.append(out_dir / f"map-{n}.png")
        browser.close()
    return saved


# -- the test ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_page():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                                                  "(pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport=VIEWPORT)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, errors
        browser.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("n", SIZES)
def test_default_map_has_no_overlapping_labels_and_no_line_through_a_box(browser_page, tmp_path, n):
    from kamgraph.report.relmap import _MIN_SCALE

    page, errors = browser_page
    rmap = default_map(n)
    contacts = rmap.nodes[rmap.nodes["group"] == "contact"]
    counted = int(rmap.nodes.loc[rmap.nodes["group"] == "more", "hidden"].sum())
    assert len(contacts) + counted == n  # every contact is drawn or counted in a grey box
    path = tmp_path / f"map-{n}.html"
    path.write_text(rmap.html, encoding="utf-8")
    open_map(page, path)
    layout = page.evaluate(READ_LAYOUT)

    drawn = {b[0] for b in layout["boxes"]}
    assert set(rmap.nodes["id"]) == drawn
    assert len(layout["boxes"]) == len(rmap.nodes) and len(layout["segments"]) >= len(rmap.edges)
    assert overlapping_boxes(layout["boxes"]) == []
    assert crossing_segments(layout["boxes"], layout["segments"]) == []
    # the boxes are as large as the layout assumed (a label that wrapped would be taller)
    sizes = np.array([[b[3] - b[1], b[4] - b[2]] for b in layout["boxes"]])
    assert sizes.max(axis=0).tolist() == pytest.approx([224.0, 104.0], abs=1.0)
    # readable from the start: never zoomed out below the minimum scale
    assert layout["scale"] >= _MIN_SCALE - 1e-6
    if n >= 150:
        assert straight_crossings(rmap) > 0  # the control: straight lines would have crossed boxes

    # a grey box lists its people on click, in the room reserved under it, and folds again
    unfolded = unfold_largest_fold(page, rmap, layout)
    if unfolded is not None:
        _box, click = unfolded
        page.mouse.click(*click)
        page.wait_for_timeout(300)
        assert page.evaluate(READ_LAYOUT)["n"] == layout["n"]
    assert errors == []


def unfold_largest_fold(page, rmap, layout: dict):
    """Click the grey box that holds the most people and check its people show in the room
    reserved under it: one more box each, no overlapping boxes, no line through a box.
    Returns (that box's node row, the page point that clicks it again), or None when the map
    has no grey box."""
    more = rmap.nodes[rmap.nodes["group"] == "more"].sort_values("hidden", ascending=False)
    if not len(more):
        return None
    box = more.iloc[0]
    page.evaluate(f"() => network.moveTo({{position: {{x: {box['x']}, y: {box['y']}}}, scale: 1.0}})")
    page.wait_for_timeout(200)
    at = page.evaluate(f"() => network.canvasToDOM({{x: {box['x']}, y: {box['y']}}})")
    canvas = page.locator("#mynetwork canvas").bounding_box()
    click = (canvas["x"] + at["x"], canvas["y"] + at["y"])
    page.mouse.click(*click)
    page.wait_for_timeout(300)
    opened = page.evaluate(READ_LAYOUT)
    assert len(opened["boxes"]) == len(layout["boxes"]) + int(box["hidden"])
    assert overlapping_boxes(opened["boxes"]) == []
    assert crossing_segments(opened["boxes"], opened["segments"]) == []
    return box, click


if __name__ == "__main__":
    import tempfile

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory(prefix="kamgraph-maps-") as tmp:
        for p in save_screenshots(target, Path(tmp)):
            print(p)


@pytest.mark.slow
@pytest.mark.browser
def test_the_sample_diamond_account_in_the_browser(browser_page, tmp_path):
    """A-01 of the sample (Chinese names, the uncovered chairman): the same checks, and our CEO's
    line to the general manager does not run through the chairman's box."""
    from kamgraph.ingest import import_path
    from kamgraph.report.relmap import account_map
    from kamgraph.settings import Settings
    from kamgraph.store import open_store

    page, errors = browser_page
    sample = ROOT / "data" / "sample"
    settings = Settings.load(sample / "kamgraph.toml")
    store = open_store(f"sqlite:///{tmp_path / 'sample.db'}")
    try:
        import_path(sample, store, today=settings.as_of_date())
        snap = store.snapshot(["A-01"])
    finally:
        store.close()
    rmap = account_map(snap, settings, "A-01")
    path = tmp_path / "a01.html"
    path.write_text(rmap.html, encoding="utf-8")
    open_map(page, path)
    layout = page.evaluate(READ_LAYOUT)
    assert overlapping_boxes(layout["boxes"]) == []
    assert crossing_segments(layout["boxes"], layout["segments"]) == []
    sizes = np.array([[b[3] - b[1], b[4] - b[2]] for b in layout["boxes"]])
    assert sizes.max(axis=0).tolist() == pytest.approx([224.0, 104.0], abs=1.0)  # no label wrapped
    k = int(rmap.edges.index[(rmap.edges["source"] == "S-01") & (rmap.edges["target"] == "C-002")][0])
    ceo_gm = [s for s in layout["segments"] if s[6] == k]
    assert len(ceo_gm) >= 2  # bent around the chairman
    chairman = [b for b in layout["boxes"] if b[0] == "C-001"]
    assert crossing_segments(chairman, [s[:6] + [k] for s in ceo_gm]) == []
    assert errors == []
