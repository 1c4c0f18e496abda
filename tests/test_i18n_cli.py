"""The CLI in Chinese and in English: table headers, titles, codes in cells, messages and
errors come from the catalogue (``--lang zh_CN`` or ``KAMGRAPH_LANG``); CSV and JSON stay
machine-readable, identical in every language; English stays as it was."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample_stores import copy_store

from kamgraph.cli import main, output
from kamgraph.errors import Problem
from kamgraph.i18n import set_process_language, use_language

SETTINGS = str(Path(__file__).resolve().parents[1] / "data" / "sample" / "kamgraph.toml")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
#: a wide terminal: rich folds nothing, every header and title is on one line
WIDE = {"COLUMNS": "400", "KAMGRAPH_LANG": ""}
#: Latin words a Chinese header or title may hold: product names and abbreviations
ALLOWED = {"PageRank", "UTC", "AR", "SR", "FR", "CSV", "URL", "sqlite", "kamgraph", "Neo4j"}
_HAN = re.compile(r"[\u4e00-\u9fff]")


def run(url, *args, lang: str | None = "zh_CN", env: dict | None = None):
    flags = ["--lang", lang] if lang else []
    result = CliRunner().invoke(main, [*flags, "--store", url, "--settings", SETTINGS, *args], env={**WIDE, **(env or {})})
    return result


@pytest.fixture(autouse=True)
def english_afterwards():
    """``--lang`` sets the process's language: leave English to the next test."""
    yield
    set_process_language("en")


@pytest.fixture(scope="module")
def url(sample_db_file, tmp_path_factory):
    return f"sqlite:///{copy_store(sample_db_file, tmp_path_factory.mktemp('cli_i18n') / 'k.db')}"


def table_parts(text: str) -> tuple[str, list[str], list[list[str]]]:
    """(title, headers, rows) of the first rich table in ``text``."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    # a title longer than its table wraps over several lines (at any character)
    title = "".join(line.strip() for line in lines[:top] if line.strip() and not line.startswith(("note", "注意")))
    headers = [c.strip() for c in lines[top + 1].strip("┃").split("┃")]
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in lines[top + 3:] if line.startswith("│")]
    return title, headers, rows


def english_words(text: str, data: set[str] = frozenset()) -> list[str]:
    """Latin words of three letters or more in ``text`` that are neither data nor allowed."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text) if w not in ALLOWED]


VERBS = [
    ("gaps",), ("coverage",), ("coverage", "--contacts"), ("coverage", "--opportunities"), ("trends",),
    ("trends", "--since", "2026-06-01"), ("what-if", "--without", "S-03"), ("paths", "--uncovered"),
    ("paths", "--to", "C-001"), ("influence",), ("tiers",), ("tiers", "--pareto"), ("tiers", "--policy"),
    ("audit", "--person", "S-03"), ("stats",), ("config",),
]


@pytest.mark.parametrize("verb", VERBS, ids=lambda v: " ".join(v))
def test_tables_read_in_chinese(url, verb):
    r = run(url, *verb)
    assert r.exit_code == 0, r.output
    title, headers, rows = table_parts(r.stdout)
    assert rows, r.stdout
    # every header in Chinese, no column name left
    for h in headers:
        assert _HAN.search(h) or h in ALLOWED, (verb, h)
        assert not english_words(h), (verb, h)
    # the title in Chinese, data (ids, the store's path) apart
    assert _HAN.search(title), (verb, title)
    assert not english_words(title, {url, "S-03", "C-001", SETTINGS, "Gu Weiming"}), (verb, title)


def test_codes_in_cells_are_words(url):
    _, headers, rows = table_parts(run(url, "gaps").stdout)
    kinds = {row[headers.index("类型")] for row in rows}
    assert "决策者未覆盖" in kinds or "单线联系" in kinds, kinds
    assert not any("_" in k for k in kinds), kinds
    _, headers, rows = table_parts(run(url, "coverage").stdout)
    assert {row[headers.index("客户等级")] for row in rows} <= {"钻石", "黄金", "白银", "标准", ""}
    assert {row[headers.index("铁三角完整")] for row in rows} <= {"是", "否"}
    _, headers, rows = table_parts(run(url, "trends").stdout)
    assert {row[headers.index("趋势")] for row in rows} <= {"新建", "升温", "稳定", "降温", "休眠"}
    assert any("年" in row[headers.index("最近互动")] for row in rows)  # dates per language
    _, headers, rows = table_parts(run(url, "stats").stdout)
    entities = [row[0] for row in rows]
    assert entities[0].startswith("人员") and entities[1].startswith("客户"), entities
    assert not any(re.search("[A-Za-z]", e) for e in entities), entities
    _, headers, rows = table_parts(run(url, "tiers", "--policy").stdout)
    assert rows[0][headers.index("铁三角")] == "客户责任人（AR）、解决方案责任人（SR）、交付责任人（FR）"


def test_english_is_unchanged(url):
    r = run(url, "gaps", lang="en")
    title, headers, rows = table_parts(r.stdout)
    assert title == "Gaps on 2026-11-15"
    assert headers == ["account_id", "kind", "priority", "target_name", "evidence", "action"]
    assert {row[1] for row in rows} >= {"uncovered decision maker"}
    title, headers, _ = table_parts(run(url, "stats", lang="en").stdout)
    assert headers == ["entity", "rows"] and "history from 2025-05-01" in title
    assert "No changes recorded for person nobody." in run(url, "audit", "--person", "nobody", lang="en").stdout
    _, headers, rows = table_parts(run(url, "coverage", lang="en").stdout)
    assert "iron_triangle_complete" in headers and {row[headers.index("iron_triangle_complete")] for row in rows} <= {
        "True", "False"}


#: columns of codes, ids and numbers: the same in every language (sentences an analysis writes
#: for people, such as a gap's evidence, are in the reader's language)
MACHINE_COLUMNS = {"account_id", "kind", "priority", "tier", "target_id", "contact_id", "level", "decision_role",
                   "attitude", "best_strength", "covered", "person_id", "other_id", "label", "strength_now", "slope",
                   "entity", "rows", "computed_tier", "declared_tier", "problem", "revenue", "seq", "key"}


@pytest.mark.parametrize("verb", [("gaps",), ("coverage", "--contacts"), ("trends",), ("stats",), ("tiers",),
                                  ("audit", "--person", "S-03")], ids=lambda v: " ".join(v))
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_keep_names_and_codes_in_every_language(url, verb, fmt):
    import io

    import pandas as pd

    zh = run(url, *verb, "--format", fmt)
    en = run(url, *verb, "--format", fmt, lang="en")
    assert zh.exit_code == en.exit_code == 0

    def frame(text):
        return pd.read_csv(io.StringIO(text), dtype=str) if fmt == "csv" else pd.DataFrame(json.loads(text))

    zf, ef = frame(zh.stdout), frame(en.stdout)
    assert list(zf.columns) == list(ef.columns) and len(zf) == len(ef) > 0
    assert not any(_HAN.search(c) for c in zf.columns)  # English column names
    shared = [c for c in zf.columns if c in MACHINE_COLUMNS]
    assert shared
    pd.testing.assert_frame_equal(zf[shared], ef[shared])


def test_environment_variable_chooses_chinese(url):
    r = CliRunner().invoke(main, ["--store", url, "--settings", SETTINGS, "gaps"], env={**WIDE, "KAMGRAPH_LANG": "zh_CN"})
    assert r.exit_code == 0 and table_parts(r.stdout)[0] == "覆盖缺口（截至2026年11月15日）"
    # the next run without it is English again
    assert table_parts(run(url, "gaps", lang=None).stdout)[0] == "Gaps on 2026-11-15"


def test_messages_in_chinese(url, tmp_path):
    r = run(url, "audit", "--person", "nobody")
    assert r.stdout == "人员nobody没有变更记录。\n"
    users = str(tmp_path / "users.json")
    r = run(url, "users", "list", "--file", users)
    last = r.stdout.splitlines()[-1]
    assert last == "没有用户：登录未开启（kamgraph users add NAME --role admin可开启）。"
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "--store", url, "users", "add", "ann", "--role", "editor",
                                  "--password-stdin", "--file", users], input="a long enough password\n", env=WIDE)
    assert r.exit_code == 0, r.output
    assert f"已在{users}中添加ann（编辑者）" in r.stdout and "登录已开启" in r.stdout
    r = run(url, "what-if", "--without", "C-012")
    assert r.exit_code == 0
    r = run(url, "tiers")
    assert re.search(r"前\d+%的客户（12个中的\d+个）贡献了\d+%的营收", r.stdout)


def test_import_dry_run_in_chinese(tmp_path):
    store = f"sqlite:///{tmp_path / 'new.db'}"
    r = run(store, "import", str(SAMPLE), "--dry-run")
    assert r.exit_code == 0, r.output
    title, headers, rows = table_parts(r.stdout)
    assert title == "将导入（试运行）" and headers == ["数据类别", "行数"] and rows[0][0].startswith("人员")
    assert re.search(r"试运行：已检查\d+行，未写入任何数据", r.stdout)


def test_usage_error_in_chinese(url):
    r = run(url, "coverage", "--contacts", "--opportunities")
    assert r.exit_code == 2
    assert "错误：--contacts和--opportunities只能选一个" in r.output and "用法：" in r.output
    r = run(url, "trends", "--label", "hot")
    assert r.exit_code == 2 and "'--label'的值无效" in r.output
    assert "Usage:" in run(url, "coverage", "--bogus", lang="en").output


@pytest.mark.parametrize("args, names", [
    (["--settings", "/nowhere/k.toml", "stats"], "/nowhere/k.toml"),
    (["--store", "foo://x", "stats"], "'foo://x'"),
    (["--as-of", "2026-13-01", "gaps"], "'2026-13-01'"),
])
def test_errors_in_chinese_are_one_line_naming_what_to_fix(args, names):
    r = CliRunner().invoke(main, ["--lang", "zh_CN", *args], env=WIDE)
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and names in lines[0], r.output
    assert not english_words(lines[0], {names, "sqlite:///path/to/kamgraph.db", "neo4j://host:7687",
                                        "bolt://host:7687", "KAMGRAPH_AS_OF"}), lines[0]


def test_a_bad_settings_file_names_the_file_in_chinese(tmp_path, url):
    bad = tmp_path / "bad.toml"
    bad.write_text("[coverage]\ncovered = 'high'\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "--store", url, "--settings", str(bad), "gaps"], env=WIDE)
    assert r.exit_code == 1
    assert r.output == f"错误：{bad}：coverage.covered必须是数字，实际为'high'\n"
    en = CliRunner().invoke(main, ["--lang", "en", "--store", url, "--settings", str(bad), "gaps"], env=WIDE)
    assert en.output == f"Error: {bad}: coverage.covered must be a number, got 'high'\n"


def test_a_problem_names_file_row_and_column_in_both_languages():
    p = Problem("people.csv", 3, "side", "x", "must be one of customer, internal, external")
    assert str(p) == "people.csv row 3 column 'side': must be one of customer, internal, external"
    with use_language("zh_CN"):
        text = str(p)
        assert text.startswith("people.csv") and "第3行" in text and "'side'列" in text, text
        assert text.endswith("：must be one of customer, internal, external"), text
        assert str(Problem("people.csv", None, None, None, "m")) == "people.csv：m"


def test_output_translates_only_the_table(capsys):
    import pandas as pd

    df = pd.DataFrame({"account_id": ["A-01"], "tier": ["gold"], "covered": [True]})
    output(df, "csv")
    english_csv = capsys.readouterr().out
    output(df, "table", title="t")
    english_table = capsys.readouterr().out
    with use_language("zh_CN"):
        output(df, "table", title="t")
        table = capsys.readouterr().out
        output(df, "csv")
        csv = capsys.readouterr().out
    assert "客户编号" in table and "黄金" in table and "是" in table
    assert "account_id" in english_table and "gold" in english_table and "True" in english_table
    assert csv == english_csv and csv.startswith("account_id,tier,covered\nA-01,gold,")


def test_an_empty_store_says_so_in_chinese(tmp_path):
    store = f"sqlite:///{tmp_path / 'empty.db'}"
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "--store", store, "gaps"], env=WIDE)
    assert r.exit_code == 1
    assert r.output == f"错误：数据存储{store}为空：请导入数据（kamgraph import PATH）或载入示例（kamgraph demo）\n"
    en = CliRunner().invoke(main, ["--store", store, "gaps"], env=WIDE)
    assert en.output == (f"Error: the store {store} is empty: import your data (kamgraph import PATH) "
                         "or load the sample (kamgraph demo)\n")


def test_audit_changes_name_fields_and_codes_in_chinese(url):
    from kamgraph.cli.audit import change_text

    before, after = {"attitude": "supporter", "title": None}, {"attitude": "skeptic", "title": "CFO"}
    with use_language("zh_CN"):
        assert change_text("insert", {"id": "P1"}, None, {"id": "P1", "name": "Ann", "side": "internal"},
                           "people") == "+ 姓名=Ann、归属=我方"
        assert change_text("update", {"person_id": "P1"}, before, after, "assessments") == \
            "态度：支持者 → 怀疑者；职务：（空） → CFO"
    # English: the stored values, as before
    assert change_text("update", {"person_id": "P1"}, before, after, "assessments") == \
        "attitude: supporter → skeptic; title: (empty) → CFO"
    r = run(url, "audit", "--person", "C-001")
    assert "+ 姓名=Zhou Jianguo" in r.stdout and "决策角色=决策者" in r.stdout
