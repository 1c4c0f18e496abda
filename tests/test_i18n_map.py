"""The relationship map and org chart in Chinese (kamgraph.report.relmap under ``zh_CN``).

Fast checks on the hand-built account of tests/test_relmap.py: every box, tooltip, legend
line, message and political-timeline line is Chinese (no English word left once the data is
taken out), every box line still fits its box (a CJK character counts as two letters), the
canvas and the legend name a Chinese font, and English is unchanged before and after.

Browser checks (``slow``/``browser``, the helpers of tests/test_map_browser.py): the Chinese
default view at 30, 80, 150 and 500 contacts and the sample's diamond account have no
overlapping boxes, no line through a box and no box taller than the layout assumed (a label
that wrapped); the grey box's click toggles its Chinese "click to list/fold" words; and the
canvas draws real Chinese glyphs (two different characters give two different pictures, where
a missing font draws the same empty box for both).
"""

# ruff: noqa: F811  (the fixture `snap` of tests/test_relmap.py is imported and used by name)
from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_relmap import (
    SETTINGS,
    XSS_NAME,
    XSS_NOTES,
    node,
    snap,  # noqa: F401 (the hand-built account: a fixture, used by name)
    timeline_snapshot,
    vis_data,
)

from kamgraph.i18n import use_language
from kamgraph.report.relmap import (
    _LABEL_UNITS,
    _char_units,
    account_map,
    font_face,
    paths_map,
    political_timeline,
)

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
#: data in the hand-built account (names, titles, notes, the account): taken out before looking
#: for English words
DATA = ["Acme <b>Corp</b>", "Chen CEO", "Fang CFO", "Tao CTO", "Fei Finance", "Uma User", XSS_NAME, XSS_NOTES,
        "Vera VP", "Kim KAM", "Xu Friend", "Investor H\u200bREF club", "Investor HREF club",
        XSS_NOTES.replace("href", "h\u200bref")]


def english_words(text: str, data=DATA) -> list[str]:
    """The English words (3+ letters) in ``text`` once the data values are taken out."""
    for d in sorted(data, key=len, reverse=True):
        text = text.replace(d, " ")
        text = text.replace(html_lib.escape(d), " ")
    return re.findall(r"[A-Za-z]{3,}", text)


def legend_text(page: str) -> str:
    legend = page.split('id="kg-legend"', 1)[1]
    legend = re.sub(r"<style>.*?</style>", " ", legend, flags=re.DOTALL)
    legend = re.sub(r"<[^>]+>", " ", legend.split(">", 1)[1])
    return re.sub(r"\s+", " ", html_lib.unescape(legend))


def shown_texts(m, with_ties: bool = False) -> list[str]:
    """Everything a reader sees in a map: labels, tooltips (a tie's tooltip is the strength
    explanation of kamgraph.analysis.strength, left out unless asked), the people listed by
    the grey boxes, the legend and the message."""
    def unnamed(label: str) -> str:  # a box's first line is the person's name (data, maybe cut short)
        return label.split("\n", 1)[1] if "\n" in label else label

    out = [unnamed(x) for x in m.nodes["label"]] + list(m.nodes["tooltip"])
    e = m.edges if with_ties else m.edges[m.edges["kind"] != "tie"]
    out += list(e["tooltip"])
    for items in (m.hidden or {}).values():
        out += [unnamed(n["label"]) for n in items] + [n["title"] for n in items]
    out.append(legend_text(m.html))
    if m.message:
        out.append(m.message)
    return out


@pytest.fixture(scope="module")
def zh_map(snap):
    with use_language("zh_CN"):
        return account_map(snap, SETTINGS, "A1")


def test_every_text_of_the_chinese_map_is_chinese(zh_map):
    texts = shown_texts(zh_map)
    leftovers = {t: english_words(t) for t in texts if english_words(t)}
    assert leftovers == {}
    assert all(CJK.search(t) for t in zh_map.nodes["label"])  # every box says something in Chinese
    assert CJK.search(legend_text(zh_map.html))


def test_the_chinese_boxes_say_role_attitude_influence_and_coverage(zh_map):
    cto = node(zh_map, "cto")["label"].split("\n")
    assert cto[0] == "■ Tao CTO" and cto[2:] == ["技术评估者", "拥护者 · 影响力4/5", "✔ 0.60 Kim KAM"]
    assert node(zh_map, "cfo")["label"].split("\n")[-1] == "– 我方无人覆盖"
    ceo = node(zh_map, "ceo")
    assert ceo["label"].split("\n")[-1] == "✖ 未覆盖 · 0.33"
    assert "决策者 · 中立 · 影响力5/5" in ceo["tooltip"]
    assert "我方最强关系：Vera VP，强度0.33，最近一次见面2025年6月30日" in ceo["tooltip"]
    assert "未覆盖的决策者" in ceo["tooltip"]
    assert "汇报给Chen CEO" in node(zh_map, "cto")["tooltip"]
    more = node(zh_map, "~more:cfo")
    assert more["label"].split("\n") == ["+1人", "本分支其他人员", "（点击展开）"]
    assert zh_map.message.startswith("显示6位联系人中的5位；")
    influence = zh_map.edges[zh_map.edges["kind"] == "influence"]["tooltip"].iloc[0]
    assert influence == "Tao CTO的意见影响Chen CEO的决策（权重4/5）"
    # the grey box's click swaps the Chinese words, not the English ones
    assert '"（点击展开）"' in zh_map.html and '"（点击收起）"' in zh_map.html
    assert "'(click to list)'" not in zh_map.html


def test_every_chinese_box_line_fits_its_box():
    sys.path.insert(0, str(ROOT / "tests"))
    from test_map_browser import synthetic_account

    snap150, settings, account = synthetic_account(150)
    with use_language("zh_CN"):
        m = account_map(snap150, settings, account)
    labels = list(m.nodes["label"]) + [n["label"] for items in m.hidden.values() for n in items]
    widths = [sum(_char_units(ch) for ch in line) for lab in labels for line in lab.split("\n")]
    assert max(widths) <= _LABEL_UNITS
    assert sum(bool(CJK.search(lab)) for lab in labels) == len(labels)


def test_the_canvas_and_the_legend_name_a_chinese_font(snap, zh_map):
    face = {n["id"]: n for n in vis_data(zh_map.html, "nodes")}["cto"]["font"]["face"]
    assert face == font_face("zh_CN") and face.startswith("'Noto Sans CJK SC'")
    for name in ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC"):
        assert name in face and name in font_face("en")
    assert font_face("en").startswith("sans-serif")  # English letters keep their usual font
    legend_tag = zh_map.html.split('id="kg-legend"', 1)[1].split(">", 1)[0]
    assert "WenQuanYi Micro Hei" in legend_tag and legend_tag.count('"') == 2  # the style attribute stays whole
    assert "div.vis-tooltip{white-space:pre-wrap;max-width:420px;font-size:13px;font-family:'Noto" in zh_map.html


def test_messages_of_the_other_focuses_are_chinese(snap):
    from kamgraph.analysis.paths import access_paths

    with use_language("zh_CN"):
        fin = account_map(snap, SETTINGS, "A1", focus="contact", focus_id="fin")
        none = account_map(snap, SETTINGS, "A1", roles=["coach"])
        high = account_map(snap, SETTINGS, "A1", min_strength=0.99, show_external=False)
        ours = account_map(snap, SETTINGS, "A1", min_strength=0.99, focus="ours", focus_id="kam")
        empty_paths = paths_map(snap, SETTINGS, access_paths(snap, SETTINGS, "fin", as_of=SETTINGS.as_of))
    assert fin.message == "我方目前无人能接触到该联系人。"
    assert none.message == "该客户没有联系人担任所选角色。"
    assert high.message == "我方无人与采购决策小组有强度不低于0.99的关系。"
    assert ours.message == "我方无人与该客户的任何联系人有强度不低于0.99的关系。"
    assert empty_paths.message == "我方目前无人能接触到此人。"
    for m in (fin, none, high, ours):
        assert {t: english_words(t) for t in shown_texts(m) if english_words(t)} == {}


def test_the_political_timeline_in_chinese():
    from kamgraph.settings import Settings

    s = timeline_snapshot()
    with use_language("zh_CN"):
        t = political_timeline(s, Settings(as_of="2025-12-31"), "A1", "c")
    assert t["text"].tolist() == [
        "2025年1月10日：审批者 · 支持者 · 影响力3/5（评估人：Kim KAM；来源：account plan）",
        "2025年3月1日：重新评估，无变化：审批者 · 支持者 · 影响力3/5（未记录评估人）",
        "2025年5月20日：支持者 → 怀疑者；影响力3/5 → 影响力4/5（评估人：Kim KAM；来源：QBR）",
        "2025年9月1日：怀疑者 → 反对者（未记录评估人）",
    ]


def test_english_is_unchanged_before_and_after_a_chinese_map(snap):
    before = account_map(snap, SETTINGS, "A1")
    with use_language("zh_CN"):
        account_map(snap, SETTINGS, "A1")
    after = account_map(snap, SETTINGS, "A1")
    assert before.html == after.html and before.message == after.message
    assert node(after, "cto")["label"].split("\n") == ["■ Tao CTO", "level 2", "technical evaluator",
                                                       "champion · influence 4/5", "✔ 0.60 Kim KAM"]
    assert node(after, "ceo")["label"].split("\n")[-1] == "✖ UNCOVERED · 0.33"
    assert node(after, "~more:cfo")["label"] == "+1 person\nmore in this branch\n(click to list)"
    assert "'Noto Sans CJK SC'" not in after.html.split("div.vis-tooltip", 1)[1].split("</style>")[0]
    legend = legend_text(after.html)
    assert "org chart from reporting lines; drag to pan, scroll or +/− to zoom" in legend
    assert "✖ UNCOVERED decision-maker (thick red dashed border)" in legend
    assert "↘ COOLING / DORMANT key relationship (thick orange border)" in legend
    assert not CJK.search(legend)
    assert all(not CJK.search(t) for t in shown_texts(after))


# -- in a real browser ---------------------------------------------------------------------------

def _has_chinese_font() -> bool:
    fc = shutil.which("fc-list")
    if not fc:
        return False
    out = subprocess.run([fc, ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


@pytest.fixture(scope="module")
def zh_browser_page():
    from test_map_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    if not _has_chinese_font():
        pytest.skip("no Chinese font (fc-list :lang=zh is empty): apt-get install fonts-wqy-microhei "
                    "(.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport=VIEWPORT)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, errors
        browser.close()


def _check_layout(page, rmap, path: Path) -> dict:
    from test_map_browser import (
        READ_LAYOUT,
        crossing_segments,
        open_map,
        overlapping_boxes,
    )

    path.write_text(rmap.html, encoding="utf-8")
    open_map(page, path)
    layout = page.evaluate(READ_LAYOUT)
    assert {b[0] for b in layout["boxes"]} == set(rmap.nodes["id"])
    assert overlapping_boxes(layout["boxes"]) == []
    assert crossing_segments(layout["boxes"], layout["segments"]) == []
    sizes = np.array([[b[3] - b[1], b[4] - b[2]] for b in layout["boxes"]])
    assert sizes.max(axis=0).tolist() == pytest.approx([224.0, 104.0], abs=1.0)  # no Chinese label wrapped
    return layout


#: draws two characters in the map's canvas font; equal pictures mean a missing font (empty boxes)
GLYPHS = """(face) => {
  function pic(ch) {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const x = c.getContext('2d'); x.font = '26px ' + face; x.fillStyle = '#000'; x.textBaseline = 'top';
    x.fillText(ch, 4, 4);
    return Array.from(x.getImageData(0, 0, 40, 40).data).join(',');
  }
  const a = pic('决'), b = pic('策'), blank = pic(' ');
  return {differ: a !== b, inked: a !== blank && b !== blank, width: (function () {
    const x = document.createElement('canvas').getContext('2d'); x.font = '13px ' + face;
    return x.measureText('决策者').width; })()};
}"""


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("n", (30, 80, 150, 500))
def test_the_chinese_default_map_has_no_overlap_and_no_line_through_a_box(zh_browser_page, tmp_path, n):
    from test_map_browser import default_map, unfold_largest_fold

    page, errors = zh_browser_page
    with use_language("zh_CN"):
        rmap = default_map(n)
    layout = _check_layout(page, rmap, tmp_path / f"map-{n}-zh.html")
    glyphs = page.evaluate(GLYPHS, font_face("zh_CN"))
    assert glyphs["differ"] and glyphs["inked"], "Chinese characters are drawn as empty boxes"
    assert glyphs["width"] <= 3 * 13 * 1.1  # a CJK character is about one em: twice a letter's units

    unfolded = unfold_largest_fold(page, rmap, layout)
    if unfolded is not None:
        box, click = unfolded
        label = page.evaluate(f"() => network.body.data.nodes.get({box['id']!r}).label")
        assert label.endswith("（点击收起）")
        page.mouse.click(*click)
        page.wait_for_timeout(300)
        assert page.evaluate(f"() => network.body.data.nodes.get({box['id']!r}).label").endswith("（点击展开）")
    assert errors == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_sample_diamond_account_in_chinese_in_the_browser(zh_browser_page, tmp_path):
    from kamgraph.ingest import import_path
    from kamgraph.settings import Settings
    from kamgraph.store import open_store

    page, errors = zh_browser_page
    sample = ROOT / "data" / "sample"
    settings = Settings.load(sample / "kamgraph.toml")
    store = open_store(f"sqlite:///{tmp_path / 'sample.db'}")
    try:
        import_path(sample, store, today=settings.as_of_date())
        snap_ = store.snapshot(["A-01"])
    finally:
        store.close()
    with use_language("zh_CN"):
        rmap = account_map(snap_, settings, "A-01")
    _check_layout(page, rmap, tmp_path / "a01-zh.html")
    chairman = rmap.nodes.set_index("id").loc["C-001", "label"].split("\n")
    assert chairman[-1].startswith("✖ 未覆盖") and chairman[2] == "决策者"
    assert errors == []


@pytest.mark.slow
@pytest.mark.browser
def test_long_chinese_names_and_titles_are_cut_to_fit_their_boxes(zh_browser_page, snap, tmp_path):
    """Chinese has no spaces to wrap at: a long Chinese name or title is cut (…) by display width,
    so no box grows taller than the layout assumed and nothing overlaps."""
    people = snap.people.copy()
    customers = people["side"] == "customer"
    people.loc[customers, "name"] = "欧阳" + people.loc[customers, "id"].astype(str) + "诸葛慕容司马上官长孙"
    people.loc[customers, "title"] = "华东区销售与解决方案事业部常务副总经理兼首席数字化转型官"
    long_snap = snap.with_frames(people=people)
    with use_language("zh_CN"):
        rmap = account_map(long_snap, SETTINGS, "A1")
    lines = [line for lab in rmap.nodes["label"] for line in lab.split("\n")]
    assert any(line.endswith("…") and CJK.search(line) for line in lines)
    page, errors = zh_browser_page
    _check_layout(page, rmap, tmp_path / "long-zh.html")
    assert errors == []
