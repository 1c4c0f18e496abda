"""Every message of the data coming in, in Chinese: file imports (problems, warnings, the
problems file), calendar and mail imports, edit refusals; and the same in English as before."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kamgraph.errors import ImportValidationError, KamgraphError, Problem
from kamgraph.i18n import use_language
from kamgraph.ingest.edit import EditRejected, add_person, assess, job_change
from kamgraph.ingest.messages import import_messages
from kamgraph.ingest.notices import (
    PROBLEM_COLUMNS,
    Notice,
    problem_line,
    problem_table,
    rejected_text,
    row_ranges,
)
from kamgraph.ingest.pipeline import import_path
from kamgraph.ingest.readers import read_path
from kamgraph.ingest.validate import validate
from kamgraph.schema import ENTITIES
from kamgraph.store import open_store

HAN = re.compile(r"[\u4e00-\u9fff]")

#: words that are not English prose: schema names, codes a file must hold, format codes
_NAMES = ({c.name for e in ENTITIES.values() for c in e.columns} | set(ENTITIES)
          | {v for e in ENTITIES.values() for c in e.columns for v in (c.enum or ())}
          | {"decision_role", "attitude", "influence", "assessed_on", "assessed_by", "source", "org_id",
             "YYYY", "MM", "DD", "UID", "PARTSTAT", "DECLINED", "STATUS", "CANCELLED", "DTSTART", "Message", "ID"})


def english_left(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """English words in ``text`` once quoted values, file names, schema names, codes and
    ``data`` are taken out."""
    for d in data:
        text = text.replace(d, " ")
    text = re.sub(r"'[^']*'", " ", text)  # values as quoted in messages: 'P9', 'technolgy'
    text = re.sub(r"[\w./-]*\.(csv|ics|xlsx|xls|eml|mbox)(?![A-Za-z])", " ", text)  # file names
    text = re.sub(r"\S+@\S+", " ", text)  # addresses
    return [w for w in re.findall(r"[A-Za-z_]{2,}", text) if w not in _NAMES]


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    """One of each: wrong date, unknown role, missing column, duplicate id, a near-duplicate
    spelling (a warning), an unknown reference."""
    _write(tmp_path, "people.csv", "id,name,side,title\nP1,Ann,customer,CEO\nP1,Bob,customer,CFO\n"
                                   "P3,Cy,customer,CTO\n")
    _write(tmp_path, "accounts.csv", "id,name,industry\n" + "".join(f"A{i},Acct {i},technology\n" for i in range(9))
           + "A9,Acct 9,technolgy\n")
    _write(tmp_path, "employment.csv", "person_id,org_id,since,decision_role\nP1,A1,31/03/2024,decision_maker\n"
                                       "P3,A1,2024-03-31,decison maker\nP9,A2,2024-01-01,user\n")
    _write(tmp_path, "ties.csv", "person_id,kind\nP1,friend\n")
    return tmp_path


def _rejected(folder: Path) -> ImportValidationError:
    with pytest.raises(ImportValidationError) as e:
        validate(read_path(folder))
    return e.value


def _by_column(error: ImportValidationError) -> dict[tuple[str, str | None], Problem]:
    return {(p.file, p.column): p for p in error.problems}


def test_a_bad_import_reads_in_chinese_naming_file_row_and_column(bad_folder):
    with use_language("zh_CN"):
        error = _rejected(bad_folder)
        lines = [problem_line(p) for p in error.problems]
        head = rejected_text(len(error.problems))
        warnings = list(error.warnings)
    found = _by_column(error)
    assert set(found) >= {("people.csv", "id"), ("employment.csv", "since"), ("employment.csv", "decision_role"),
                          ("employment.csv", "person_id"), ("ties.csv", "other_id")}
    assert head == f"导入被拒绝，未写入任何数据：共{len(error.problems)}个问题"
    for p, line in zip(error.problems, lines):
        assert HAN.search(p.message), p.message
        assert not english_left(p.message), (p.message, english_left(p.message))
        assert line.startswith(p.file), line  # the file stays named ...
        if p.row is not None:
            assert f"第{p.row}行" in line  # ... the row ...
        if p.column:
            assert f"'{p.column}'列" in line  # ... and the column
        assert not english_left(line), (line, english_left(line))

    assert found[("employment.csv", "since")].message == "since的值'31/03/2024'不是日期：请使用YYYY-MM-DD格式（如2024-03-31）"
    assert found[("employment.csv", "decision_role")].message == (
        "decision_role的值'decison maker'无效，是否应为'decision_maker'？可选值：decision_maker（决策者）、"
        "approver（审批者）、technical_evaluator（技术评估者）、user（使用者）、influencer（影响者）、procurement（采购）、"
        "coach（教练）")
    assert found[("people.csv", "id")].message == "人员id 'P1'重复：第2和3行"
    assert found[("employment.csv", "person_id")].message == "未知人员'P9'"
    assert found[("ties.csv", "other_id")].message == "缺少必填列'other_id'"
    with use_language("zh_CN"):
        assert problem_line(found[("employment.csv", "since")]).startswith("employment.csv，第2行，'since'列：")

    (near,) = [w for w in warnings if "technolgy" in w]
    assert near == ("accounts.csv：'industry'列：'technolgy'（1行）很可能是'technology'（9行）的近似拼写；"
                    "请在源数据中更正，如确为不同的值则保留：第11行")
    assert isinstance(near, Notice) and near.rows == (11,) and near.column == "industry"
    assert not english_left(near)


def test_the_same_import_in_english_is_unchanged(bad_folder):
    error = _rejected(bad_folder)
    found = _by_column(error)
    assert str(found[("employment.csv", "since")]) == (
        "employment.csv row 2 column 'since': since '31/03/2024' is not a date: use YYYY-MM-DD (e.g. 2024-03-31)")
    assert problem_line(found[("employment.csv", "since")]) == str(found[("employment.csv", "since")])
    assert found[("people.csv", "id")].message == "duplicate person id 'P1': rows 2 and 3"
    assert found[("employment.csv", "person_id")].message == "unknown person 'P9'"
    assert found[("ties.csv", "other_id")].message == "required column 'other_id' is missing"
    assert found[("employment.csv", "decision_role")].message == (
        "decision_role 'decison maker' is not one of decision_maker, approver, technical_evaluator, user, "
        "influencer, procurement, coach; did you mean 'decision_maker'?")
    assert rejected_text(len(error.problems)) == f"import rejected, nothing was written: {len(error.problems)} problems"
    assert rejected_text(1) == "import rejected, nothing was written: 1 problem"
    (near,) = [w for w in error.warnings if "technolgy" in w]
    assert near == ("accounts.csv: column 'industry': 'technolgy' (1 row) is probably 'technology' (9 rows), a "
                    "near-duplicate spelling; correct it in the source or keep it if it is a different value: row 11")
    assert row_ranges([40, 12, 13, 14, 15]) == "rows 12-15, 40"
    assert row_ranges(range(2, 100, 2), limit=3) == "rows 2, 4, 6 and 46 more rows"


def test_the_problems_file_keeps_english_column_names_and_codes_and_chinese_messages(bad_folder):
    with use_language("zh_CN"):
        error = _rejected(bad_folder)
        table = problem_table(error.problems, error.warnings)
    assert tuple(table.columns) == PROBLEM_COLUMNS == ("severity", "file", "row", "column", "value", "message")
    assert set(table["severity"]) == {"error", "warning"}
    assert all(HAN.search(m) for m in table["message"])
    assert "employment.csv" in set(table["file"]) and 11 in set(table["row"].dropna())


def test_reader_problems_and_warnings_in_chinese(tmp_path):
    _write(tmp_path, "peple.csv", "id,name\nP1,Ann\n")
    _write(tmp_path, "people.csv", "id,name,side\nP1,Ann,customer,extra\n")
    _write(tmp_path, "notes.txt", "hello")
    with use_language("zh_CN"):
        raw = read_path(tmp_path)
    messages = {p.file: p.message for p in raw.problems}
    assert messages["peple.csv"].startswith("未知的文件名'peple.csv'，是否应为people.csv？（文件须以实体命名：")
    assert messages["people.csv"] == "此行有4个字段，而表头有3个；未读取此行；可能某个值含有未加引号的逗号（请用双引号括起此类值）"
    assert raw.warnings == ["已忽略notes.txt：不是.csv文件"]
    for m in [*messages.values(), *raw.warnings]:
        assert not english_left(m, ("notes.txt",)), m
    raw = read_path(tmp_path)
    assert raw.warnings == ["ignored notes.txt: not a .csv file"]


def _store_with_people():
    store = open_store("sqlite:///:memory:")
    store.write({
        "accounts": pd.DataFrame({"id": ["A1"], "name": ["Acme"]}),
        "people": pd.DataFrame({"id": ["U1", "C1", "C2"], "name": ["Ann", "Wang Wei", "Li Na"],
                                "side": ["internal", "customer", "customer"],
                                "email": ["ann@us.example", "wang@acme.example", "wang@acme.example"]}),
    })
    return store


_ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        "BEGIN:VEVENT\r\nUID:u1\r\nDTSTART:20260105T073000Z\r\nSUMMARY:Breakfast\r\n"
        "ORGANIZER:mailto:ann@us.example\r\nATTENDEE:mailto:stranger@them.example\r\n"
        "ATTENDEE:mailto:wang@acme.example\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:u2\r\nSUMMARY:No start\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n")


def test_a_calendar_import_summary_and_its_warnings_in_chinese(tmp_path):
    ics = tmp_path / "team.ics"
    ics.write_text(_ICS, encoding="utf-8")
    store = _store_with_people()
    with use_language("zh_CN"):
        report = import_messages(ics, store, today="2026-06-30", dry_run=True)
    assert report.unknown.to_dict("records") == [{"address": "stranger@them.example", "name": None, "count": 1}]
    assert report.skipped == ("1个日程或邮件的已知参与者不足两人", "1个格式有误（警告中逐一列出）")
    assert report.warnings[0] == "team.ics第2个日程（UID u2）：缺少DTSTART（开始日期）；已跳过"
    assert report.warnings[1] == ("以下地址同时填在多人的email列中，因此不匹配其中任何人：wang@acme.example（C1、C2）；"
                                  "请让每个地址只属于一个人")
    for line in (*report.skipped, *report.warnings):
        assert HAN.search(line) and not english_left(line), line
    english = import_messages(ics, store, today="2026-06-30", dry_run=True)
    assert english.skipped == ("1 with fewer than two known people", "1 malformed (each named in the warnings)")
    assert english.warnings[0] == "team.ics event 2 (UID u2): no DTSTART (start date); skipped"
    assert english.warnings[1] == ("addresses given in the email column of several people match none of them: "
                                   "wang@acme.example (C1, C2); keep each address on one person")


def test_a_calendar_window_outside_is_counted_in_chinese_with_chinese_dates(tmp_path):
    ics = tmp_path / "team.ics"
    ics.write_text(_ICS, encoding="utf-8")
    with use_language("zh_CN"):
        report = import_messages(ics, _store_with_people(), start="2026-03-01", end="2026-03-31", dry_run=True)
    assert "1个不在时间范围2026年3月1日..2026年3月31日内" in report.skipped


def test_an_edit_refusal_and_an_edit_summary_in_chinese():
    store = open_store("sqlite:///:memory:")
    store.write({"accounts": pd.DataFrame([{"id": "A1", "name": "Acme"}])})
    add_person(store, "C1", name="Ann Lee", side="customer", title="CFO", org_id="A1")
    with use_language("zh_CN"):
        with pytest.raises(EditRejected) as e:
            assess(store, "C1", "A1", attitude="fan")
        summary = assess(store, "C1", "A1", attitude="skeptic", assessed_on="2026-11-20").summary()
        with pytest.raises(EditRejected) as moved:
            job_change(store, "C1", "A1", None)
    assert str(e.value) == ("未保存，未写入任何数据：attitude的值'fan'无效，可选值：champion（拥护者）、"
                            "supporter（支持者）、neutral（中立）、skeptic（怀疑者）、opponent（反对者）")
    assert summary == "评估：写入1条评估记录"
    assert str(moved.value) == ("未保存，未写入任何数据：since为必填项，但为空（即变动日期）；"
                                "org_id：新组织与本次职位变动要结束的组织相同")
    for text in (str(e.value), summary, str(moved.value)):
        assert not english_left(text), text
    with pytest.raises(EditRejected) as e:
        assess(store, "C1", "A1", attitude="fan")
    assert str(e.value) == ("not saved, nothing was written: attitude 'fan' is not one of champion, supporter, "
                            "neutral, skeptic, opponent")


def test_an_import_that_derives_levels_warns_in_chinese(tmp_path):
    _write(tmp_path, "people.csv", "id,name,side,title\nP1,Ann,customer,CEO\nP2,Bob,customer,Gardener\n")
    with use_language("zh_CN"):
        report = import_path(tmp_path, open_store("sqlite:///:memory:"), dry_run=True)
    assert list(report.warnings) == [
        "people：已为1人推导职级（1人依据职务）",
        "people：1人没有职级（无法推导职级的职务：'Gardener'）；请填写level列（1 = 董事会/首席执行官 … 5 = 普通员工），"
        "以便纳入按职级匹配的覆盖分析",
    ]
    english = import_path(tmp_path, open_store("sqlite:///:memory:"), dry_run=True)
    assert list(english.warnings) == [
        "people: level derived for 1 person (1 from their title)",
        "people: no level for 1 person (titles that give no level: 'Gardener'); set the level column "
        "(1 = board/CEO .. 5 = staff) to include them in level-matched coverage",
    ]


def test_mail_and_limit_messages_in_chinese(tmp_path):
    from kamgraph.settings import LimitsSettings

    box = tmp_path / "mail"
    box.mkdir()
    (box / "a.eml").write_text("From: ann@us.example\nTo: wang@acme.example\nSubject: Hi\n\nbody\n", encoding="utf-8")
    with use_language("zh_CN"):
        report = import_messages(box, _store_with_people(), dry_run=True)
        with pytest.raises(KamgraphError) as e:
            read_path(box / "a.eml")
        (tmp_path / "people.csv").write_text("id,name\nP1,Ann\nP2,Bob\n", encoding="utf-8")
        with pytest.raises(ImportValidationError) as big:
            read_path(tmp_path / "people.csv", limits=LimitsSettings(max_rows=1))
    assert report.warnings[0] == "a.eml：缺少Date邮件头；已跳过"
    assert str(e.value) == "a.eml：请导入一个存放CSV文件的文件夹、一个.csv文件或一个.xlsx工作簿"
    assert str(big.value).splitlines()[0] == "导入被拒绝，未写入任何数据：共1个问题"
    (p,) = big.value.problems
    assert p.message == "数据超过1行（[limits] max_rows）；请拆分文件或调高上限；未读取该文件"
    english = import_messages(box, _store_with_people(), dry_run=True)
    assert english.warnings[0] == "a.eml: no Date header; skipped"
