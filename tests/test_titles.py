"""Tests for kamgraph.titles: seniority level from a free-text job title."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamgraph.titles import LEVEL_NAMES, level_from_title

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"

# --------------------------------------------------------------------------
# Hand-written table
# --------------------------------------------------------------------------

CASES: list[tuple[str | None, int | None]] = [
    # --- empty / unknown ---
    (None, None),
    ("", None),
    ("   ", None),
    ("\t\n", None),
    ("xyz", None),
    ("NA", None),
    ("N/A", None),
    ("---", None),
    ("Principal", None),
    # --- level 1: board / CEO ---
    ("CEO", 1),
    ("ceo", 1),
    ("C.E.O.", 1),
    ("ＣＥＯ", 1),  # full-width
    ("Chief Executive Officer", 1),
    ("President", 1),
    ("President & CEO", 1),
    ("Co-Founder & CEO", 1),
    ("Founder", 1),
    ("Owner", 1),
    ("Owner/Operator", 1),
    ("Chairman of the Board", 1),
    ("Chairwoman", 1),
    ("Vice Chairman", 1),  # a board seat
    ("Board Member", 1),
    ("Non-Executive Director", 1),
    ("Managing Director", 1),
    ("MD", 1),
    ("Managing Partner", 1),
    ("General Director", 1),
    ("董事长", 1),
    ("董事長", 1),  # traditional
    ("副董事长", 1),
    ("总裁", 1),
    ("總裁", 1),
    ("总经理", 1),
    ("總經理", 1),
    ("首席执行官", 1),
    ("执行董事", 1),
    ("创始人兼CEO", 1),
    # --- level 2: VP / GM / CxO ---
    ("Vice President", 2),
    ("Vice-President", 2),
    ("VP, Sales", 2),
    ("VP of Engineering", 2),
    ("V.P. Marketing", 2),
    ("SVP Operations", 2),
    ("Executive Vice President", 2),
    ("Senior Vice President, Global Sales", 2),
    ("General Manager", 2),
    ("GM", 2),
    ("Deputy General Manager", 2),
    ("Director & General Manager", 2),
    ("Deputy CEO", 2),
    ("CFO", 2),
    ("cto", 2),
    ("COO", 2),
    ("CIO", 2),
    ("CMO", 2),
    ("Chief Financial Officer", 2),
    ("Chief Risk Management Officer", 2),
    ("Partner", 2),
    ("General Counsel", 2),
    ("Country Manager", 2),
    ("Executive Director", 2),
    ("副总裁", 2),
    ("副总经理", 2),
    ("副總經理", 2),
    ("副总", 2),
    ("首席财务官", 2),
    ("首席技术官", 2),
    ("助理总经理", 2),
    ("华东区总经理", 2),
    ("销售副总经理", 2),
    ("总工程师", 2),
    # --- level 3: director / head ---
    ("Director", 3),
    ("Sales & Marketing Director", 3),
    ("Director of Sales", 3),
    ("Senior Director, Procurement", 3),
    ("Deputy Director", 3),
    ("Head of IT", 3),
    ("IT Head", 3),
    ("Chief of Staff", 3),
    ("Chief Engineer", 3),
    ("AVP", 3),
    ("Assistant Vice President", 3),
    ("Assistant General Manager", 3),
    ("Associate Partner", 3),
    ("总监", 3),
    ("销售总监", 3),
    ("副总监", 3),
    ("部长", 3),
    ("处长", 3),
    ("主任", 3),
    ("办公室主任", 3),
    ("采购部长", 3),
    # --- level 4: manager ---
    ("Manager", 4),
    ("Marketing Manager", 4),
    ("Accounting Manager", 4),
    ("Sales Manager", 4),
    ("SALES MANAGER", 4),
    ("Assistant Manager", 4),
    ("Associate Director", 4),
    ("Assistant Marketing Director", 4),
    ("Purchasing Mgr.", 4),
    ("Team Lead", 4),
    ("Supervisor", 4),
    ("Head Office Manager", 4),
    ("Partner Manager", 4),
    ("经理", 4),
    ("销售经理", 4),
    ("副经理", 4),
    ("主管", 4),
    ("组长", 4),
    ("課長", 4),
    # --- level 5: staff ---
    ("Sales Representative", 5),
    ("Sales Rep", 5),
    ("Order Administrator", 5),
    ("Sales Agent", 5),
    ("Marketing Assistant", 5),
    ("Sales Associate", 5),
    ("Inside Sales Coordinator", 5),
    ("Assistant Sales Agent", 5),
    ("Software Engineer", 5),
    ("Senior Analyst", 5),
    ("Account Executive", 5),
    ("Buyer", 5),
    ("Assistant to the CEO", 5),
    ("Executive Assistant to the President & CEO", 5),
    ("Assistant to the Chairman and CEO", 5),
    ("PA to MD", 5),
    ("CEO's Assistant", 5),
    ("Product Owner", 5),
    ("HR Business Partner", 5),
    ("Lead Generation Specialist", 5),
    ("In House Lawyer", 5),
    ("工程师", 5),
    ("高级工程师", 5),
    ("專員", 5),
    ("专员", 5),
    ("助理", 5),
    ("总经理助理", 5),
    ("總經理助理", 5),
    ("董事长秘书", 5),
    ("CEO助理", 5),
    ("主任工程师", 5),
    ("采购员", 5),
    ("销售代表", 5),
    # --- compound titles: most senior clear signal wins ---
    ("Owner/Marketing Assistant", 1),
    ("Vice President, Vice President & Chief of Staff", 2),
    ("Manager, Risk Management Head", 3),
    ("销售总监兼总经理助理", 3),
    ("Sales Director - EMEA", 3),
]


@pytest.mark.parametrize(("title", "expected"), CASES, ids=[repr(t) for t, _ in CASES])
def test_level_from_title_table(title: str | None, expected: int | None) -> None:
    assert level_from_title(title) == expected


def test_table_is_big_and_has_no_duplicates() -> None:
    titles = [t for t, _ in CASES]
    assert len(titles) >= 60
    assert len(titles) == len(set(titles))


def test_level_names() -> None:
    assert LEVEL_NAMES == {
        1: "board / CEO",
        2: "VP / GM",
        3: "director / head",
        4: "manager",
        5: "staff",
    }
    assert all(level_from_title(t) in LEVEL_NAMES for t, lvl in CASES if lvl is not None)


def test_non_string_input_is_unknown() -> None:
    assert level_from_title(123) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

LEVEL_1_TITLES = [t for t, lvl in CASES if lvl == 1 and t]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_stays_in_range(text: str) -> None:
    level = level_from_title(text)
    assert level is None or (isinstance(level, int) and 1 <= level <= 5)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(LEVEL_1_TITLES),
    st.sampled_from(["", " ", ", Group", " (Asia)", " & Founder"]),
)
def test_assistant_to_a_level_1_person_is_not_level_1(title: str, suffix: str) -> None:
    assert level_from_title(title + suffix) == 1
    for prefix in ("Assistant to the ", "assistant to ", "Executive Assistant to the "):
        assert level_from_title(prefix + title + suffix) != 1


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([t for t, lvl in CASES if t and lvl is not None]))
def test_case_and_padding_do_not_matter(title: str) -> None:
    expected = level_from_title(title)
    assert level_from_title(title.upper()) == expected
    assert level_from_title(title.lower()) == expected
    assert level_from_title(f"  {title}\t") == expected


# --------------------------------------------------------------------------
# Real datasets (../shared/datasets relative to the project root)
# --------------------------------------------------------------------------


def _distinct_column(path: Path, column: str) -> set[str]:
    """Distinct non-blank values of ``column``; tolerant of short/long rows."""
    if not path.is_file():
        pytest.skip(f"dataset not found: {path}")
    values: set[str] = set()
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header or column not in header:
            pytest.fail(f"{path}: no {column!r} column in header {header!r}")
        idx = header.index(column)
        for row in reader:
            if len(row) <= idx:
                continue  # malformed line
            value = row[idx].strip().strip('"').strip()
            if value:
                values.add(value)
    assert values, f"{path}: no values in column {column!r}"
    return values


NORTHWIND_CUSTOMER_TITLES = {
    "Sales Representative": 5,
    "Owner": 1,
    "Order Administrator": 5,
    "Marketing Manager": 4,
    "Accounting Manager": 4,
    "Sales Agent": 5,
    "Sales Associate": 5,
    "Marketing Assistant": 5,
    "Sales Manager": 4,
    "Owner/Marketing Assistant": 1,
    "Assistant Sales Agent": 5,
    "Assistant Sales Representative": 5,
}

NORTHWIND_EMPLOYEE_TITLES = {
    "Vice President, Sales": 2,
    "Sales Manager": 4,
    "Sales Representative": 5,
    "Inside Sales Coordinator": 5,
}

ENRON_POSITIONS = {
    "NA": None,
    "CEO": 1,
    "CEO, Enron America": 1,
    "CEO, Enron North America and Enron Enery Services": 1,
    "President": 1,
    "President, Enron Global Mkts": 1,
    "President, Enron Online": 1,
    "President, Enron Gas Pipeline": 1,
    "Managing Director": 1,
    "Managing Director, Legal Department": 1,  # see module docstring
    "Vice President": 2,
    "Vice President, Enron WholeSale Services": 2,
    "Vice President, Government Affairs": 2,
    "Vice President, Vice President & Chief of Staff": 2,
    "Vice President, Regulatory Affairs": 2,
    "Vice President, Enron Online": 2,
    "Vice President, Term": 2,
    "Vice President, Enery marketting and trading Florida": 2,
    "Vice President, Also Chief Financial Officer and Treasurer": 2,
    "Employee, Chief Operating Officer": 2,
    "Manager, Chief Risk Management Officer": 2,
    "Director": 3,
    "Director, Pipeline Business": 3,
    "Manager, Risk Management Head": 3,
    "Manager": 4,
    "Manager, Logistics Manager": 4,
    "Manager, Real time Trading Desk": 4,
    "Manager, Regulatory Affairs": 4,
    "Trader": 5,
    "Employee": 5,
    "Employee, Specialist": 5,
    "Employee, Senior Specialist": 5,
    "Employee, Sr.Specialist": 5,
    "Employee, Senior Specialist Logistics": 5,
    "Employee, Administrative Asisstant": 5,
    "Employee, Associate": 5,
    "Employee, Analyst": 5,
    "Employee, Senior Analyst Cash": 5,
    "Employee, Cash Analyst": 5,
    "Employee, Analyst Risk Management": 5,
    "Employee, Government Relation Executive": 5,
    "In House Lawyer": 5,
}


def _check_titles(
    titles: set[str],
    expected: dict[str, int | None],
    unknown: frozenset[str] = frozenset(),
) -> None:
    errors = []
    for title in sorted(titles):
        got = level_from_title(title)
        if title in expected:
            if got != expected[title]:
                errors.append(f"{title!r}: got {got}, expected {expected[title]}")
        elif title not in unknown and got is None:
            errors.append(f"{title!r}: no level")
    assert not errors, "\n".join(errors)


def test_northwind_customer_contact_titles() -> None:
    titles = _distinct_column(DATASETS / "northwind_neo4j" / "customers.csv", "contactTitle")
    assert {"Sales Representative", "Owner", "Marketing Manager"} <= titles
    assert all(level_from_title(t) is not None for t in titles)
    _check_titles(titles, NORTHWIND_CUSTOMER_TITLES)


def test_northwind_employee_titles() -> None:
    titles = _distinct_column(DATASETS / "northwind_neo4j" / "employees.csv", "title")
    assert "Sales Representative" in titles
    assert all(level_from_title(t) is not None for t in titles)
    _check_titles(titles, NORTHWIND_EMPLOYEE_TITLES)


def test_enron_positions() -> None:
    titles = _distinct_column(DATASETS / "enron_igraphdata" / "enron_vertices.csv", "Note")
    assert {"CEO", "Vice President", "Trader"} <= titles
    _check_titles(titles, ENRON_POSITIONS, unknown=frozenset({"NA"}))
    assert level_from_title("NA") is None


# --------------------------------------------------------------------------
# Chinese party, government and state-owned-enterprise titles: the context decides
# --------------------------------------------------------------------------

ZH_CADRE_CASES: list[tuple[str, int]] = [
    # the party: the customer's committee secretary decides
    ("党委书记", 1),
    ("黨委書記", 1),  # traditional
    ("党组书记", 1),
    ("书记", 1),
    ("市委书记", 1),
    ("集团党委书记", 1),
    ("党委书记、董事长", 1),
    ("党委书记兼董事长", 1),
    ("党委副书记", 2),
    ("党组副书记", 2),
    ("副书记", 2),
    ("县委副书记", 2),
    ("党委副书记兼总经理", 1),  # 兼: the higher post wins
    ("党委常委", 2),
    ("党组成员", 2),
    ("纪委书记", 2),
    ("纪检组长", 2),
    ("纪委副书记", 3),
    ("纪委书记兼工会主席", 2),
    ("分公司党委书记", 2),
    ("党总支书记", 3),
    ("党支部书记", 4),
    ("支部书记", 4),
    ("团委书记", 4),
    ("书记员", 5),  # a court clerk
    ("车间书记", 4),  # a workshop's secretary
    ("总支书记", 3),
    # 主任: a commission's head vs an office's
    ("发改委主任", 1),
    ("管委会主任", 1),
    ("人大常委会主任", 1),
    ("发改委副主任", 2),
    ("管委会副主任", 2),
    ("办公室主任", 3),
    ("信息中心主任", 3),
    ("车间主任", 3),
    ("总经理办公室主任", 3),
    ("党委办公室主任", 3),
    ("副主任", 4),
    ("办公室副主任", 4),
    ("主任科员", 5),
    # 部长: a ministry vs a company department
    ("商务部部长", 1),
    ("工业和信息化部部长", 1),
    ("财政部副部长", 2),
    ("设备工程部部长", 3),
    ("副部长", 4),
    # heads of public bodies; a unit of one ranks lower
    ("局长", 1),
    ("副局长", 2),
    ("分局局长", 2),
    ("厅长", 1),
    ("副厅长", 2),
    ("市长", 1),
    ("常务副市长", 2),
    ("区长", 1),
    ("县长", 1),
    ("院长", 1),
    ("副院长", 2),
    ("学院院长", 2),
    ("校长", 1),
    ("副校长", 2),
    ("行长", 1),
    ("副行长", 2),
    ("分行行长", 2),
    ("支行行长", 3),
    ("社长", 1),
    ("关长", 1),
    ("署长", 1),
    ("主席", 1),
    ("副主席", 2),
    ("工会主席", 2),
    ("监事会主席", 2),
    # ranks inside a ministry or department
    ("司长", 2),
    ("副司长", 3),
    ("处长", 3),
    ("副处长", 4),
    ("科长", 4),
    ("副科长", 4),
    ("秘书长", 2),
    ("副秘书长", 3),
    ("巡视员", 2),
    ("一级巡视员", 2),
    ("副巡视员", 3),
    ("二级巡视员", 3),
    ("调研员", 3),
    ("副调研员", 4),
    ("四级调研员", 4),
    # the leadership team of a state-owned enterprise
    ("董事长", 1),
    ("总经理", 1),
    ("总经济师", 2),
    ("总会计师", 2),
    ("总工程师", 2),
    ("总法律顾问", 2),
    ("副总工程师", 3),
    ("副总经济师", 3),
]


@pytest.mark.parametrize(("title", "expected"), ZH_CADRE_CASES, ids=[t for t, _ in ZH_CADRE_CASES])
def test_chinese_party_government_and_soe_titles(title: str, expected: int) -> None:
    assert level_from_title(title) == expected


def test_chinese_cadre_table_is_big_and_has_no_duplicates() -> None:
    titles = [t for t, _ in ZH_CADRE_CASES]
    assert len(titles) >= 60
    assert len(titles) == len(set(titles))


def test_a_deciding_party_secretary_is_senior() -> None:
    """The customer's party secretary decides: level 1-2, never below its deputy."""
    for title in ("党委书记", "党组书记", "集团党委书记", "党委书记、董事长"):
        assert level_from_title(title) in (1, 2)
    assert level_from_title("党委书记") < level_from_title("党委副书记") < level_from_title("纪委副书记")


PARTY_EN_CASES: list[tuple[str, int]] = [
    ("Party Secretary", 1),
    ("Party Committee Secretary", 1),
    ("Secretary of the Party Committee", 1),  # not "secretary of ..." = somebody's assistant
    ("Party Secretary & Chairman", 1),
    ("Deputy Party Secretary", 2),
    ("Discipline Inspection Secretary", 2),
    ("Secretary to the Party Secretary", 5),
]


@pytest.mark.parametrize(("title", "expected"), PARTY_EN_CASES, ids=[t for t, _ in PARTY_EN_CASES])
def test_party_titles_in_english(title: str, expected: int) -> None:
    assert level_from_title(title) == expected
