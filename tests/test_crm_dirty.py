"""CRM exports as they really are (issue 13): a dirty export written here, read through a
TOML mapping, and the Salesforce sample from ../shared/datasets.

The dirty export copies the shape of public CRM sales-opportunity exports: ``accounts.csv``
(sector and office location typed by hand, columns the mapping does not need),
``sales_teams.csv`` (agents and their managers) and ``sales_pipeline.csv`` (one row per
opportunity with its owner, some without an account). Every figure asserted below is
worked out by hand from the generator's rules, written next to it.
"""

from __future__ import annotations

import csv
import json
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from kamgraph.analysis.coverage import account_coverage
from kamgraph.analysis.data_period import data_ends_note, empty_reason
from kamgraph.analysis.gaps import gaps
from kamgraph.cli import main
from kamgraph.errors import ImportValidationError
from kamgraph.ingest import import_path, validate
from kamgraph.ingest.mappings import load_mapping
from kamgraph.ingest.near_duplicates import near_duplicates
from kamgraph.ingest.notices import Notice, problem_table, row_ranges
from kamgraph.settings import Settings
from kamgraph.store import open_store

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
LWC = DATASETS / "salesforce_lwc_recipes"

N_ACCOUNTS, N_OPPS, N_AGENTS = 30, 60, 7
STAGES = ("Won", "Lost", "Engaging", "Prospecting")  # stage of pipeline row i: STAGES[i % 4]
NO_ACCOUNT = (10, 11, 12, 13, 38)  # pipeline rows i without an account: spreadsheet rows 12-15, 40
# sector of account k: 12 'technology', 2 'technolgy' (k = 12, 13), 1 'Technology' (k = 14),
# 8 'retail', 7 'medical'
SECTORS = ["technology"] * 12 + ["technolgy"] * 2 + ["Technology"] + ["retail"] * 8 + ["medical"] * 7
# office of account k: 'Philipines' once (k = 6), 'Philippines' 5 times
OFFICES = ["United States"] * 6 + ["Philipines"] + ["Philippines"] * 5 + ["Kenya"] * 3 + ["United States"] * 15

MAPPING = """\
name = "dirty-crm"

[entities.accounts]
file = "accounts.csv"
columns = { id = "account", name = "account", industry = "sector", country = "office_location" }
aggregate.revenue = { file = "sales_pipeline.csv", by = "account", sum = "close_value", where = { deal_stage = "won" } }

[[entities.people]]
file = "sales_teams.csv"
columns = { id = "sales_agent", name = "sales_agent" }
constants = { side = "internal", title = "Sales Agent" }

[[entities.people]]
file = "sales_teams.csv"
columns = { id = "manager", name = "manager" }
constants = { side = "internal", title = "Sales Manager" }
drop_duplicates = true

[entities.reports_to]
file = "sales_teams.csv"
columns = { person_id = "sales_agent", manager_id = "manager" }

[entities.opportunities]
file = "sales_pipeline.csv"
columns = { id = "opportunity_id", name = "opportunity_id", account_id = "account", stage = "deal_stage", status = "deal_stage", amount = "close_value", close_date = "close_date" }
values.status = { Won = "won", Lost = "lost", Engaging = "open", Prospecting = "open" }
skip_blank = ["account_id"]
owner = { column = "sales_agent", team_role = "sr" }

[entities.interactions]
file = "sales_pipeline.csv"
columns = { id = "opportunity_id", date = "engage_date", account_id = "account" }
constants = { kind = "meeting" }

[entities.attendance]
file = "sales_pipeline.csv"
columns = { interaction_id = "opportunity_id", person_id = "sales_agent" }
"""


def account(k: int) -> str:
    return f"Acme {k + 1:02d}"


def agent(j: int) -> str:
    return f"Agent {j + 1}"


def write_export(folder: Path, broken: bool = False, n_opps: int = N_OPPS) -> Path:
    """The dirty export. Pipeline row i: account k = i % 30 (none for NO_ACCOUNT), agent
    i % 7, stage STAGES[i % 4], close_value 100 * (i + 1) for won and lost deals,
    engage_date 2017-01-01 + i days. ``broken``: every close_date is written d/m/Y (one
    problem per row) and one row names an account that does not exist, in a formula."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "accounts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["account", "sector", "year_established", "revenue", "employees", "office_location",
                    "subsidiary_of"])
        for k in range(N_ACCOUNTS):
            w.writerow([account(k), SECTORS[k], 1990 + k, 1000.5 * k, 10 * k, OFFICES[k], ""])
    with open(folder / "sales_teams.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["sales_agent", "manager", "regional_office"])
        for j in range(N_AGENTS):
            w.writerow([agent(j), "Manager A" if j < 4 else "Manager B", "East" if j < 4 else "West"])
    with open(folder / "sales_pipeline.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date",
                    "close_date", "close_value"])
        for i in range(n_opps):
            stage = STAGES[i % 4]
            acc = "" if i in NO_ACCOUNT else account(i % N_ACCOUNTS)
            if broken and i == 1:
                acc = '=HYPERLINK("http://evil.example","x")'
            engage = pd.Timestamp("2017-01-01") + pd.Timedelta(days=i)
            close = engage + pd.Timedelta(days=30)
            w.writerow([f"OPP{i:04d}", agent(i % N_AGENTS), "GTX Pro", acc, stage, f"{engage:%Y-%m-%d}",
                        f"{close:%d/%m/%Y}" if broken else f"{close:%Y-%m-%d}",
                        100 * (i + 1) if stage in ("Won", "Lost") else ""])
    return folder


@pytest.fixture
def mapping_file(tmp_path) -> Path:
    p = tmp_path / "dirty-crm.toml"
    p.write_text(MAPPING, encoding="utf-8")
    return p


@pytest.fixture
def export(tmp_path) -> Path:
    return write_export(tmp_path / "crm")


@pytest.fixture
def raw(export, mapping_file):
    return load_mapping(mapping_file).read(export)


# ---------------------------------------------------------------------------------------
# rows skipped, unused columns
# ---------------------------------------------------------------------------------------


def test_row_ranges_compress_consecutive_rows():
    assert row_ranges([40, 12, 13, 14, 15]) == "rows 12-15, 40"
    assert row_ranges([3]) == "row 3"
    assert row_ranges([2, 3, 5, 7, 8, 9], limit=2) == "rows 2-3, 5 and 3 more rows"  # 7, 8 and 9


def test_rows_skipped_by_a_mapping_rule_are_named_by_row(raw):
    skipped = [w for w in raw.warnings if "skipped" in w]
    assert skipped == ["sales_pipeline.csv: 5 rows without account_id skipped for opportunities (skip_blank): "
                       "rows 12-15, 40"]
    assert skipped[0].rows == (12, 13, 14, 15, 40)
    opp_rows = raw.tables["opportunities"].rows
    assert len(opp_rows) == N_OPPS - 5 and not set(opp_rows) & {12, 13, 14, 15, 40}


def test_source_columns_the_mapping_leaves_unused_are_listed_once_per_file(raw):
    unused = sorted(w for w in raw.warnings if "not used by the mapping" in w)
    assert unused == [
        "accounts.csv: 4 columns not used by the mapping dirty-crm.toml: 'year_established', 'revenue', "
        "'employees', 'subsidiary_of'",
        "sales_pipeline.csv: 1 column not used by the mapping dirty-crm.toml: 'product'",
        "sales_teams.csv: 1 column not used by the mapping dirty-crm.toml: 'regional_office'",
    ]


# ---------------------------------------------------------------------------------------
# near-duplicate values
# ---------------------------------------------------------------------------------------


def test_near_duplicate_spellings_are_warned_with_the_likely_value_and_the_rows(raw):
    checked = validate(raw, None, today="2026-11-26")
    near = sorted((w for w in checked.warnings if "near-duplicate" in w), key=lambda w: (w.column, w.value))
    # account k is on spreadsheet row k + 2: technolgy k = 12, 13 -> rows 14-15; Technology k = 14
    # -> row 16; Philipines k = 6 -> row 8
    assert [(w.file, w.column, w.value, w.rows) for w in near] == [
        ("accounts.csv", "country", "Philipines", (8,)),
        ("accounts.csv", "industry", "Technology", (16,)),
        ("accounts.csv", "industry", "technolgy", (14, 15)),
    ]
    assert str(near[2]) == ("accounts.csv: column 'industry': 'technolgy' (2 rows) is probably 'technology' "
                            "(12 rows), a near-duplicate spelling; correct it in the source or keep it if it is "
                            "a different value: rows 14-15")
    assert "'Philipines' (1 row) is probably 'Philippines' (5 rows)" in near[0]


def test_near_duplicates_never_look_at_ids_or_names_of_people(raw):
    checked = validate(raw, None, today="2026-11-26")
    # 'Agent 1' .. 'Agent 7' and 'Acme 01' .. 'Acme 30' are one edit apart, and both are ids and names
    assert not [w for w in checked.warnings if "near-duplicate" in w and w.column in ("id", "name")]


@pytest.mark.parametrize("values, expected", [
    # similar real categories of similar size are left alone ('West China' / 'East China' score 90)
    (["East China"] * 7 + ["West China"] * 6, []),
    # one missing letter in a short word is still caught ('Brazl' / 'Brazil': 1 - 1/11 = 90.9)
    (["Brazil"] * 9 + ["Brazl"] + ["Chile"] * 5, [("Brazl", "Brazil")]),
    # distinct real values stay below the threshold (85.7 and 87.5)
    (["Ireland"] * 9 + ["Iceland"] * 2 + ["Australia"] * 9 + ["Austria"] * 2, []),
    # a column of unique values is not categorical: no comparison at all
    ([f"Person {i}" for i in range(30)], []),
])
def test_near_duplicate_rule(values, expected):
    got = near_duplicates(pd.Series(values, dtype=object), np.arange(2, len(values) + 2))
    assert [(d.value, d.intended) for d in got] == expected


# ---------------------------------------------------------------------------------------
# aggregation and owners
# ---------------------------------------------------------------------------------------


def test_revenue_is_the_sum_of_won_deals_per_account(raw):
    revenue = dict(zip(raw.tables["accounts"].frame["id"], raw.tables["accounts"].frame["revenue"]))
    # account k has pipeline rows i = k and k + 30; won when i % 4 == 0, worth 100 * (i + 1)
    assert revenue[account(0)] == "100"  # i = 0 won (100), i = 30 engaging
    assert revenue[account(2)] == "3300"  # i = 2 engaging, i = 32 won (3,300)
    assert revenue[account(4)] == "500"  # i = 4 won (500), i = 34 engaging... 34 % 4 = 2
    assert revenue[account(12)] == "0"  # i = 12 won but has no account (skipped), i = 42 engaging
    assert revenue[account(1)] == "0"  # i = 1 lost, i = 31 prospecting
    # the source's own 'revenue' column (the customer's size) is not what is imported
    assert revenue[account(3)] == "0"  # i = 3 prospecting, i = 33 lost


def test_opportunity_owners_join_the_account_team(raw):
    emp = raw.tables["employment"]
    got = set(zip(emp.frame["person_id"], emp.frame["org_id"], emp.frame["team_role"]))
    # account k: rows i = k and k + 30 owned by agents i % 7, i.e. k % 7 and (k + 2) % 7
    want = {(agent(i % N_AGENTS), account(i % N_ACCOUNTS), "sr") for i in range(N_OPPS) if i not in NO_ACCOUNT}
    assert got == want and len(got) == len(emp.frame)  # once per (owner, account)
    assert (agent(0), account(0), "sr") in got and (agent(2), account(0), "sr") in got
    assert emp.source == "sales_pipeline.csv"


def test_the_dirty_export_imports_and_no_account_with_owners_is_unassigned(export, mapping_file):
    store = open_store("sqlite:///:memory:")
    report = import_path(export, store, mapping=load_mapping(mapping_file), today="2017-06-30")
    assert report.rows["accounts"] == N_ACCOUNTS and report.rows["opportunities"] == N_OPPS - 5
    snap = store.snapshot(None)
    g = gaps(snap, Settings(as_of="2017-06-30"))
    assert len(g) and not g["action"].str.contains("Nobody is assigned").any()


# ---------------------------------------------------------------------------------------
# the problems file
# ---------------------------------------------------------------------------------------


def read_problems(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_problem_table_has_one_row_per_problem_and_per_warned_row():
    from kamgraph.errors import Problem

    t = problem_table([Problem("a.csv", 3, "x", "=1+1", "bad")],
                      [Notice.at("b.csv", "odd", [4, 5], column="y", value="v"), "plain"])
    assert t.to_dict("list") == {
        "severity": ["error", "warning", "warning", "warning"], "file": ["a.csv", "b.csv", "b.csv", None],
        "row": [3, 4, 5, None], "column": ["x", "y", "y", None], "value": ["=1+1", "v", "v", None],
        "message": ["bad", "odd", "odd", "plain"]}


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_import_problems_file_lists_every_problem_neutralized(tmp_path, mapping_file):
    broken = write_export(tmp_path / "broken", broken=True, n_opps=250)
    with pytest.raises(ImportValidationError) as e:
        validate(load_mapping(mapping_file).read(broken), None, today="2026-11-26")
    n = len(e.value.problems)
    # 245 unreadable close dates (5 of the 250 rows are skipped) + the unknown account, named by
    # the opportunity, its interaction and its owner's place on the account team
    assert n == 248
    url = f"sqlite:///{tmp_path / 'k.db'}"
    out = tmp_path / "problems.csv"
    r = _invoke("--store", url, "import", str(broken), "--mapping", str(mapping_file), "--problems", str(out))
    assert r.exit_code == 1
    assert f"... and {n - 200} more: all of them in {out}" in r.output
    assert r.output.count("  - sales_pipeline.csv row") == 200
    rows = read_problems(out)
    errors = [x for x in rows if x["severity"] == "error"]
    assert len(errors) == n
    assert {(x["file"], x["row"], x["column"]) for x in errors} == {
        (p.file, str(p.row), p.column) for p in e.value.problems}
    formula = [x for x in errors if x["value"].lstrip("'").startswith("=HYPERLINK")]
    assert len(formula) == 3
    assert {x["value"] for x in formula} == {"'=HYPERLINK(\"http://evil.example\",\"x\")"}  # neutralized
    assert {(x["row"], x["column"]) for x in formula} == {("3", "account_id"), ("3", "org_id")}
    # the warnings of the rejected import are in the file too, row by row
    warned = {(x["column"], x["row"]) for x in rows if x["severity"] == "warning" and "technolgy" in x["message"]}
    assert warned == {("industry", "14"), ("industry", "15")}
    with open_store(url) as s:
        assert not sum(s.counts().values())  # nothing written


def test_without_problems_flag_the_console_says_how_to_get_them_all(tmp_path, mapping_file):
    broken = write_export(tmp_path / "broken", broken=True, n_opps=250)
    r = _invoke("--store", f"sqlite:///{tmp_path / 'k.db'}", "validate", str(broken), "--mapping", str(mapping_file))
    assert r.exit_code == 1
    assert "... and 48 more: use --problems FILE to get all of them" in r.output


def test_validate_problems_file_of_a_good_import_holds_the_warnings(tmp_path, export, mapping_file):
    out = tmp_path / "p.csv"
    r = _invoke("--store", f"sqlite:///{tmp_path / 'k.db'}", "validate", str(export), "--mapping",
                str(mapping_file), "--problems", str(out))
    assert r.exit_code == 0, r.output
    rows = read_problems(out)
    assert rows and {x["severity"] for x in rows} == {"warning"}
    skipped = [x["row"] for x in rows if "skip_blank" in x["message"]]
    assert skipped == ["12", "13", "14", "15", "40"]
    assert "warning: sales_pipeline.csv: 5 rows without account_id skipped" in r.output


# ---------------------------------------------------------------------------------------
# the data ends long before today; empty results explain themselves
# ---------------------------------------------------------------------------------------


def test_analysis_verbs_say_when_the_data_ends_and_which_as_of_to_use(tmp_path, export, mapping_file):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    r = _invoke("--store", url, "import", str(export), "--mapping", str(mapping_file))
    assert r.exit_code == 0, r.output
    last = pd.Timestamp("2017-01-01") + pd.Timedelta(days=N_OPPS - 1)  # engage date of the last row: 2017-03-01
    for verb in (["gaps"], ["coverage"], ["influence"], ["tiers"]):
        r = _invoke("--store", url, "--as-of", "2026-11-26", *verb)
        assert r.exit_code == 0, r.output
        assert f"The data ends on {last:%Y-%m-%d}" in r.output and f"use --as-of {last:%Y-%m-%d}" in r.output, verb
    r = _invoke("--store", url, "--as-of", f"{last + pd.Timedelta(days=30):%Y-%m-%d}", "gaps")
    assert "The data ends" not in r.output
    r = _invoke("--store", url, "--as-of", "2017-06-30", "coverage", "--contacts")
    assert "nothing to show: no customer contacts imported" in r.output


def test_data_ends_note_threshold_is_one_strength_half_life(export, mapping_file):
    store = open_store("sqlite:///:memory:")
    import_path(export, store, mapping=load_mapping(mapping_file), today="2017-06-30")
    snap = store.snapshot(None)
    s = Settings()
    assert s.strength.half_life_days == 90
    # last interaction 2017-03-01: 90 days later is quiet, 91 days later speaks
    assert data_ends_note(snap, s, "2017-05-30") is None
    assert data_ends_note(snap, s, "2017-05-31").startswith("The data ends on 2017-03-01: 91 days before")
    assert empty_reason(snap, s, "2026-11-26", ["interactions"]) == (
        "no interactions in the window 2025-11-26 to 2026-11-26 (the data runs from 2017-01-01 to 2017-03-01)")
    assert empty_reason(snap, s, "2017-03-01", ["interactions"]) is None
    assert empty_reason(snap, s, "2017-03-01", ["contacts"]) == "no customer contacts imported"


# ---------------------------------------------------------------------------------------
# Salesforce contact roles reach the account's buying center (the real sample)
# ---------------------------------------------------------------------------------------

#: Contact roles the test adds in sfdx tree format (the lwc-recipes sample exports none):
#: (contact, opportunity, Role, IsPrimary). Opportunity 1 is at account 1, 2 at account 2.
CONTACT_ROLES = [
    ("ContactRef3", "OpportunityRef1", "Decision Maker", True),  # Jennifer Wu, CEO, Alpha Dynamics
    ("ContactRef1", "OpportunityRef1", "Technical Buyer", False),  # Amy Taylor
    ("ContactRef5", "OpportunityRef1", "Executive Sponsor", False),  # Caroline Kingsley
    ("ContactRef2", "OpportunityRef2", "Economic Buyer", True),  # Michael Jones, Madison Investments
    ("ContactRef4", "OpportunityRef2", "Evaluator", False),
    ("ContactRef6", "OpportunityRef2", "Business User", False),
]


def test_salesforce_contact_roles_give_accounts_a_buying_center(tmp_path):
    if not LWC.is_dir():
        pytest.skip(f"Salesforce lwc-recipes export not found at {LWC} (../shared/datasets)")
    sf = tmp_path / "sf"
    shutil.copytree(LWC, sf)
    doc = {"records": [{"attributes": {"type": "OpportunityContactRole", "referenceId": f"OcrRef{i}"},
                        "ContactId": f"@{c}", "OpportunityId": f"@{o}", "Role": role, "IsPrimary": primary}
                       for i, (c, o, role, primary) in enumerate(CONTACT_ROLES, start=1)]}
    (sf / "OpportunityContactRoles.json").write_text(json.dumps(doc), encoding="utf-8")
    store = open_store("sqlite:///:memory:")
    import_path(sf, store, mapping=load_mapping("salesforce"), today="2025-07-01")
    snap = store.snapshot(None)
    s = Settings(as_of="2025-07-01")
    roles = snap.roles("2025-07-01").set_index("person_id")["decision_role"].to_dict()
    assert roles == {"ContactRef3": "decision_maker", "ContactRef1": "technical_evaluator",
                     "ContactRef5": "approver", "ContactRef2": "decision_maker",
                     "ContactRef4": "technical_evaluator", "ContactRef6": "user"}
    cov = account_coverage(snap, s).set_index("account_id")
    assert cov.loc["AccountRef1", "buying_center"] == 3 and cov.loc["AccountRef2", "buying_center"] == 3
    no_dm = set(gaps(snap, s, kinds=["no_decision_maker_known"])["account_id"])
    # the two accounts whose contacts have roles are not reported; the eight without contacts are
    assert not no_dm & {"AccountRef1", "AccountRef2"} and len(no_dm) == 8
    # re-importing the same export adds no assessment
    before = len(store.read("assessments"))
    import_path(sf, store, mapping=load_mapping("salesforce"), today="2025-07-02")
    assert len(store.read("assessments")) == before == 6


# ---------------------------------------------------------------------------------------
# mistakes in aggregate / owner
# ---------------------------------------------------------------------------------------


def test_an_aggregate_value_that_is_not_a_number_is_a_problem_at_its_row(tmp_path, mapping_file):
    folder = write_export(tmp_path / "crm")
    pipeline = folder / "sales_pipeline.csv"
    lines = pipeline.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",100", ',"1,000"')  # row 2: OPP0000, won, worth 100 -> "1,000"
    pipeline.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = load_mapping(mapping_file).read(folder)
    with pytest.raises(ImportValidationError) as e:
        validate(raw, None, today="2017-06-30")
    problems = [p for p in e.value.problems if p.column == "close_value"]
    assert [(p.file, p.row, p.value) for p in problems] == [("sales_pipeline.csv", 2, "1,000")]
    assert "accounts.revenue is the sum of close_value" in problems[0].message


@pytest.mark.parametrize("change, message", [
    (('owner = { column = "sales_agent", team_role = "sr" }', 'owner = { column = "sales_agent", team_role = "s r" }'),
     "owner.team_role 's r' is not a team role; did you mean 'sr'?"),
    (("[entities.reports_to]\n", '[entities.reports_to]\nowner = "manager"\n'),
     "owner is read for opportunities only"),
    (("sum = \"close_value\"", "total = \"close_value\""), "unknown key 'total'"),
    (('columns = { id = "account", name = "account",', 'columns = { name = "account",'),
     "aggregates are matched to this entity's id, so columns must give id"),
])
def test_mistakes_in_aggregate_and_owner_are_reported_when_the_mapping_loads(tmp_path, change, message):
    from kamgraph.errors import KamgraphError

    p = tmp_path / "m.toml"
    assert change[0] in MAPPING
    p.write_text(MAPPING.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(KamgraphError) as e:
        load_mapping(p)
    assert message in str(e.value)


def test_an_explicit_team_row_wins_over_the_owner_rule(tmp_path):
    folder = write_export(tmp_path / "crm")
    (folder / "teams.csv").write_text(f"person,account,role\n{agent(0)},{account(0)},ar\n", encoding="utf-8")
    p = tmp_path / "m.toml"
    p.write_text(MAPPING + textwrap.dedent("""
        [entities.employment]
        file = "teams.csv"
        columns = { person_id = "person", org_id = "account", team_role = "role" }
        """), encoding="utf-8")
    emp = load_mapping(p).read(folder).tables["employment"].frame
    rows = emp[(emp["person_id"] == agent(0)) & (emp["org_id"] == account(0))]
    assert rows["team_role"].tolist() == ["ar"]  # once, as the explicit row says
