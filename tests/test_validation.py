"""Validation rules: each one fires with the exact file, row, column and value, and stays
quiet on valid data.

Every test builds a small folder of CSV files in tmp_path. Row numbers are spreadsheet
rows: the header is row 1, so the first data row is row 2.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from kamgraph.errors import ImportValidationError
from kamgraph.ingest import ValidatedImport, read_path, validate
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.store import open_store

TODAY = "2024-06-01"

PEOPLE = """
id,name,side,title
P1,Ann Li,customer,CEO
P2,Bo Chen,customer,Purchasing Manager
P3,Cy Park,internal,Account Manager
"""
ACCOUNTS = """
id,name
A1,Acme Steel
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


def problems(tmp_path: Path, files: dict[str, str], store=None) -> list[str]:
    """The problem lines an import of ``files`` is rejected with (fails if it is accepted)."""
    with pytest.raises(ImportValidationError) as err:
        validate(read_path(write(tmp_path / "in", files)), store, today=TODAY)
    return [str(p) for p in err.value.problems]


def accepted(tmp_path: Path, files: dict[str, str], store=None) -> ValidatedImport:
    return validate(read_path(write(tmp_path / "in", files)), store, today=TODAY)


def base(**extra: str) -> dict[str, str]:
    return {"people.csv": PEOPLE, "accounts.csv": ACCOUNTS, **extra}


# ---------------------------------------------------------------------------------------
# valid data
# ---------------------------------------------------------------------------------------


def test_valid_folder_passes_with_canonical_dtypes(tmp_path):
    v = accepted(tmp_path, base(**{
        "ties.csv": """
            person_id,other_id,kind,strength,assessed_on
            P3,P1,Friend,4,2024-01-10
            """,
        "accounts.csv": """
            id,name,tier,problem,revenue,gross_margin,industry_influence
            A1,Acme Steel,Gold,no,1200000,0.32,4
            """,
    }))
    acc = v.tables["accounts"]
    assert acc.to_dict("records") == [{"id": "A1", "name": "Acme Steel", "tier": "gold", "problem": False,
                                       "revenue": 1_200_000.0, "gross_margin": 0.32, "industry_influence": 4}]
    assert str(acc["industry_influence"].dtype) == "Int64"
    assert str(acc["problem"].dtype) == "boolean"
    ties = v.tables["ties"]
    assert ties["assessed_on"].dtype == "datetime64[ns]"
    # undirected: stored with person_id < other_id
    assert ties[["person_id", "other_id", "kind", "strength"]].values.tolist() == [["P1", "P3", "friend", 4]]
    # only the columns the files gave (plus derived level), in schema order
    assert list(v.tables["people"].columns) == ["id", "name", "side", "title", "level"]


# ---------------------------------------------------------------------------------------
# columns
# ---------------------------------------------------------------------------------------


def test_unknown_column_is_an_error_with_a_suggestion(tmp_path):
    got = problems(tmp_path, {"people.csv": "id,nmae,side\nP1,Ann,customer\n"})
    assert got[0].startswith("people.csv column 'nmae': unknown column 'nmae'; did you mean 'name'?")
    # the required name column is then missing as well: both are reported
    assert "people.csv column 'name': required column 'name' is missing" in got


def test_unknown_column_without_close_match_lists_known_columns(tmp_path):
    got = problems(tmp_path, base(**{"ties.csv": "person_id,other_id,kind,zzz\nP1,P2,friend,1\n"}))
    assert got == ["ties.csv column 'zzz': unknown column 'zzz' (columns of ties.csv: person_id, other_id, "
                   "kind, strength, assessed_on, since, notes)"]


def test_required_column_missing(tmp_path):
    got = problems(tmp_path, {"people.csv": "id,name\nP1,Ann\n"})
    assert got == ["people.csv column 'side': required column 'side' is missing"]


def test_required_value_empty(tmp_path):
    got = problems(tmp_path, {"people.csv": "id,name,side\nP1,Ann,customer\nP2,   ,customer\n"})
    assert got == ["people.csv row 3 column 'name': name is required but empty"]


# ---------------------------------------------------------------------------------------
# types and ranges
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("strong", "strength 'strong' is not a whole number"),
    ("4.5", "strength '4.5' is not a whole number"),
    ("6", "strength 6 is out of range 1..5"),
    ("0", "strength 0 is out of range 1..5"),
])
def test_int_column(tmp_path, value, message):
    got = problems(tmp_path, base(**{"ties.csv": f"person_id,other_id,kind,strength\nP1,P2,friend,{value}\n"}))
    assert got == [f"ties.csv row 2 column 'strength': {message}"]


def test_int_accepts_whole_floats_as_excel_writes_them(tmp_path):
    v = accepted(tmp_path, base(**{"ties.csv": "person_id,other_id,kind,strength\nP1,P2,friend,5.0\n"}))
    assert v.tables["ties"]["strength"].tolist() == [5]


@pytest.mark.parametrize("column, value, message", [
    ("revenue", "1,000", "revenue '1,000' is not a number (use a decimal point and no thousands separators)"),
    ("revenue", "-5", "revenue -5 is out of range >= 0"),
    ("gross_margin", "1.5", "gross_margin 1.5 is out of range -1..1"),
    ("problem", "maybe", "problem 'maybe' is not true or false (use true/false, yes/no or 1/0)"),
])
def test_float_and_bool_columns(tmp_path, column, value, message):
    got = problems(tmp_path, {"accounts.csv": f'id,name,{column}\nA1,Acme,"{value}"\n'})
    assert got == [f"accounts.csv row 2 column '{column}': {message}"]


@pytest.mark.parametrize("value, expected", [
    ("2024-03-31", "2024-03-31"),
    ("2024/03/31", "2024-03-31"),
    ("2024-03-31 14:30:00", "2024-03-31"),
    ("2024-03-31 00:00:00.000", "2024-03-31"),
    ("2024/3/5", "2024-03-05"),
])
def test_accepted_date_forms(tmp_path, value, expected):
    v = accepted(tmp_path, base(**{"employment.csv": f"person_id,org_id,since\nP1,A1,{value}\n"}))
    assert v.tables["employment"]["since"].tolist() == [pd.Timestamp(expected)]


@pytest.mark.parametrize("value, message", [
    ("31/03/2024", "since '31/03/2024' is not a date: use YYYY-MM-DD (e.g. 2024-03-31)"),
    ("March 31 2024", "since 'March 31 2024' is not a date: use YYYY-MM-DD (e.g. 2024-03-31)"),
    ("2024-03/31", "since '2024-03/31' is not a date: use YYYY-MM-DD (e.g. 2024-03-31)"),
    ("20240331", "since '20240331' is not a date: use YYYY-MM-DD (e.g. 2024-03-31)"),
    ("2024-02-30", "since '2024-02-30' is not a valid calendar date"),
    ("2024-13-01", "since '2024-13-01' is not a valid calendar date"),
    ("2024-01-01 25:00:00", "since '2024-01-01 25:00:00' is not a valid calendar date"),
    ("0001-01-01", "since '0001-01-01' is not a valid calendar date"),
])
def test_rejected_dates(tmp_path, value, message):
    got = problems(tmp_path, base(**{"employment.csv": f"person_id,org_id,since\nP1,A1,{value}\n"}))
    assert got == [f"employment.csv row 2 column 'since': {message}"]


def test_until_before_since(tmp_path):
    got = problems(tmp_path, base(**{"employment.csv": "person_id,org_id,since,until\nP1,A1,2022-05-01,2021-01-01\n"}))
    assert got == ["employment.csv row 2 column 'until': until 2021-01-01 is before since 2022-05-01"]


# ---------------------------------------------------------------------------------------
# enums
# ---------------------------------------------------------------------------------------


def test_enum_error_message_with_suggestion(tmp_path):
    files = base(**{"employment.csv": "person_id,org_id,attitude\nP1,A1,supporter\nP2,A1,suporter\n"})
    assert problems(tmp_path, files) == [
        "employment.csv row 3 column 'attitude': attitude 'suporter' is not one of champion, supporter, "
        "neutral, skeptic, opponent; did you mean 'supporter'?"]


def test_enum_error_without_close_match_has_no_suggestion(tmp_path):
    got = problems(tmp_path, base(**{"ties.csv": "person_id,other_id,kind\nP1,P2,xyz\n"}))
    assert got == ["ties.csv row 2 column 'kind': kind 'xyz' is not one of business, friend, classmate, "
                   "former_colleague, relative, comrade, official, partner, other"]


def test_enum_values_are_case_insensitive_and_spaces_hyphens_mean_underscore(tmp_path):
    v = accepted(tmp_path, {
        "people.csv": "id,name,side\nP1,Ann, CUSTOMER \nP2,Bo,Internal\n",
        "accounts.csv": ACCOUNTS,
        "employment.csv": "person_id,org_id,decision_role,attitude\nP1,A1,Decision Maker,Champion\n",
        "ties.csv": "person_id,other_id,kind\nP1,P2,Former-Colleague\n",
    })
    assert v.tables["people"]["side"].tolist() == ["customer", "internal"]
    assert v.tables["assessments"][["decision_role", "attitude"]].values.tolist() == [["decision_maker", "champion"]]
    assert v.tables["ties"]["kind"].tolist() == ["former_colleague"]


# ---------------------------------------------------------------------------------------
# keys
# ---------------------------------------------------------------------------------------


def test_duplicate_id_names_both_rows(tmp_path):
    got = problems(tmp_path, {"people.csv": "id,name,side\nP1,Ann,customer\nP2,Bo,customer\nP1,Al,internal\n"})
    assert got == ["people.csv row 4 column 'id': duplicate person id 'P1': rows 2 and 4"]


def test_duplicate_composite_key(tmp_path):
    files = base(**{"employment.csv": "person_id,org_id,title\nP1,A1,CEO\nP2,A1,Buyer\nP1,A1,Chairman\n"})
    assert problems(tmp_path, files) == [
        "employment.csv row 4: duplicate employment (person_id='P1', org_id='A1'): rows 2 and 4"]


def test_tie_in_both_orientations_is_a_duplicate(tmp_path):
    files = base(**{"ties.csv": "person_id,other_id,kind\nP1,P2,friend\nP2,P1,friend\nP2,P1,business\n"})
    assert problems(tmp_path, files) == [
        "ties.csv row 3: duplicate tie (person_id='P1', other_id='P2', kind='friend'): rows 2 and 3 "
        "(a tie is undirected: A-B and B-A are the same tie)"]


@pytest.mark.parametrize("file, header, row, column, message", [
    ("ties.csv", "person_id,other_id,kind", "P2,P2,friend", "other_id",
     "a person cannot have a tie with themselves ('P2')"),
    ("reports_to.csv", "person_id,manager_id", "P1,P1", "manager_id", "a person cannot report to themselves ('P1')"),
    ("influence.csv", "source_id,target_id", "P3,P3", "target_id", "a person cannot influence themselves ('P3')"),
])
def test_self_links(tmp_path, file, header, row, column, message):
    got = problems(tmp_path, base(**{file: f"{header}\n{row}\n"}))
    assert got == [f"{file} row 2 column '{column}': {message}"]


def test_account_and_organization_ids_share_one_namespace(tmp_path):
    got = problems(tmp_path, base(**{"organizations.csv": "id,name\nO1,Steel Association\nA1,Acme Club\n"}))
    assert got == ["organizations.csv row 3 column 'id': id 'A1' is used by both an account and an organization; "
                   "ids must be unique across accounts and organizations"]


def test_id_already_used_by_the_other_kind_in_the_store(tmp_path):
    store = open_store("sqlite:///:memory:")
    store.write({"organizations": pd.DataFrame({"id": ["O1"], "name": ["Steel Association"]})})
    got = problems(tmp_path, {"accounts.csv": "id,name\nO1,Acme\n"}, store)
    assert got == ["accounts.csv row 2 column 'id': id 'O1' is already an organization in the store; "
                   "ids must be unique across accounts and organizations"]


# ---------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------


def test_dangling_reference(tmp_path):
    files = base(**{"ties.csv": """
        person_id,other_id,kind
        P1,P2,friend
        P1,P3,business
        P2,P3,friend
        P3,P-999,friend
        """})
    assert problems(tmp_path, files) == ["ties.csv row 5 column 'other_id': unknown person 'P-999'"]


def test_reference_to_either_accounts_or_organizations(tmp_path):
    files = base(**{"organizations.csv": "id,name\nO1,Steel Association\n",
                    "employment.csv": "person_id,org_id\nP1,A1\nP2,O1\nP3,X9\n"})
    assert problems(tmp_path, files) == ["employment.csv row 4 column 'org_id': unknown account or organization 'X9'"]


class SpyStore:
    """Wraps a store and records every read, to check only referenced ids are looked up."""

    def __init__(self, store):
        self.store = store
        self.reads: list[tuple] = []

    def read(self, entity, column=None, values=None):
        self.reads.append((entity, column, None if values is None else sorted(values)))
        return self.store.read(entity, column, values)


def test_references_resolve_against_the_store_reading_only_the_referenced_ids(tmp_path):
    inner = open_store("sqlite:///:memory:")
    inner.write({"people": pd.DataFrame({"id": ["OLD1", "OLD2", "OTHER"], "name": ["x", "y", "z"],
                                         "side": ["customer"] * 3})})
    spy = SpyStore(inner)
    v = accepted(tmp_path, {"people.csv": PEOPLE,
                            "ties.csv": "person_id,other_id,kind\nP1,OLD1,friend\nOLD2,P2,business\n"}, spy)
    assert len(v.tables["ties"]) == 2
    people_reads = [r for r in spy.reads if r[0] == "people"]
    assert ("people", "id", ["OLD1", "OLD2"]) in people_reads
    assert all(r[1] is not None for r in spy.reads), "never a full-table read"


def test_assessment_columns_on_employment_at_an_organization(tmp_path):
    files = base(**{"organizations.csv": "id,name\nO1,Steel Association\n",
                    "employment.csv": "person_id,org_id,attitude\nP1,O1,supporter\n"})
    assert problems(tmp_path, files) == [
        "employment.csv row 2 column 'org_id': 'O1' is an organization, not an account: decision_role, "
        "attitude and influence can only be given for accounts"]


def test_assessment_row_needs_something_to_assess(tmp_path):
    files = base(**{"assessments.csv": "person_id,account_id,assessed_on,source\nP1,A1,2024-01-01,crm\n"})
    assert problems(tmp_path, files) == [
        "assessments.csv row 2: an assessment needs at least one of decision_role, attitude, influence"]


# ---------------------------------------------------------------------------------------
# several problems together
# ---------------------------------------------------------------------------------------


def test_all_problems_of_all_files_are_reported_together(tmp_path):
    files = {
        "people.csv": "id,name,side\nP1,Ann,customer\nP2,Bo,custmer\nP1,Al,internal\n",
        "accounts.csv": "id,name,tier\nA1,Acme,platinum\n",
        "ties.csv": "person_id,other_id,kind,strength\nP1,P2,friend,7\nP1,P9,friend,\n",
    }
    assert problems(tmp_path, files) == [
        "accounts.csv row 2 column 'tier': tier 'platinum' is not one of diamond, gold, silver, standard",
        "people.csv row 3 column 'side': side 'custmer' is not one of customer, internal, external; "
        "did you mean 'customer'?",
        "people.csv row 4 column 'id': duplicate person id 'P1': rows 2 and 4",
        "ties.csv row 2 column 'strength': strength 7 is out of range 1..5",
        "ties.csv row 3 column 'other_id': unknown person 'P9'",
    ]


def test_problem_objects_carry_file_row_column_and_value(tmp_path):
    with pytest.raises(ImportValidationError) as err:
        validate(read_path(write(tmp_path / "in", base(**{"ties.csv": "person_id,other_id,kind\nP1,P-999,friend\n"}))))
    (p,) = err.value.problems
    assert (p.file, p.row, p.column, p.value) == ("ties.csv", 2, "other_id", "P-999")
    assert "nothing was written" in str(err.value)


def test_reader_problems_are_reported_with_validation_problems(tmp_path):
    folder = write(tmp_path / "in", {"accounts.csv": "id,name,tier\nA1,Acme,golden\n",
                                     "ties.csv": "person_id,other_id,kind\nP1,P2,friend\n"})
    (folder / "people.csv").write_bytes("id,name,side\nP1,José,customer\n".encode("cp1252"))
    with pytest.raises(ImportValidationError) as err:
        validate(read_path(folder))
    got = [str(p) for p in err.value.problems]
    assert got[0].startswith("people.csv: not UTF-8 text: line 2 contains the byte 0xe9")
    assert "did you mean 'gold'?" in got[1]
    # the unreadable people.csv does not bury the report under "unknown person" lines
    assert len(got) == 2


# ---------------------------------------------------------------------------------------
# derived values: level, assessments
# ---------------------------------------------------------------------------------------


def test_level_derived_from_title_then_from_employment_title(tmp_path):
    v = accepted(tmp_path, {
        "people.csv": """
            id,name,side,title,level
            P1,Ann,customer,CEO,
            P2,Bo,customer,,
            P3,Cy,internal,Account Manager,2
            P4,Di,customer,Widget wrangler,
            P5,Ed,customer,,
            """,
        "accounts.csv": ACCOUNTS,
        "employment.csv": "person_id,org_id,title\nP2,A1,总监\n",
    })
    assert v.tables["people"]["level"].tolist() == [1, 3, 2, pd.NA, pd.NA]
    assert v.warnings == [
        "people: level derived for 2 people (1 from their title, 1 from their employment title)",
        "people: no level for 2 people (titles that give no level: 'Widget wrangler'; 1 without any title); "
        "set the level column (1 = board/CEO .. 5 = staff) to include them in level-matched coverage",
    ]


def test_level_prefers_the_current_employment(tmp_path):
    v = accepted(tmp_path, {
        "people.csv": "id,name,side\nP1,Ann,customer\n",
        "accounts.csv": "id,name\nA1,Acme\nA2,Birch\n",
        "employment.csv": "person_id,org_id,title,since,until\nP1,A1,CEO,2010-01-01,2019-12-31\nP1,A2,Sales Manager,2020-01-01,\n",
    })
    assert v.tables["people"]["level"].tolist() == [4]


def test_employment_assessment_columns_become_assessments(tmp_path):
    v = accepted(tmp_path, base(**{"employment.csv": """
        person_id,org_id,title,decision_role,attitude,influence,assessed_on,source
        P1,A1,CEO,decision maker,Supporter,5,,crm
        P2,A1,Buyer,procurement,,,2024-02-01,
        P3,A1,Account Manager,,,,,
        """}))
    assert list(v.tables["employment"].columns) == ["person_id", "org_id", "title"]
    a = v.tables["assessments"]
    assert a.to_dict("records") == [
        {"person_id": "P1", "account_id": "A1", "assessed_on": pd.Timestamp(TODAY),
         "decision_role": "decision_maker", "attitude": "supporter", "influence": 5, "source": "crm"},
        {"person_id": "P2", "account_id": "A1", "assessed_on": pd.Timestamp("2024-02-01"),
         "decision_role": "procurement", "attitude": None, "influence": None, "source": None},
    ]


def test_empty_assessed_on_in_assessments_csv_is_today(tmp_path):
    v = accepted(tmp_path, base(**{"assessments.csv": "person_id,account_id,assessed_on,attitude\nP1,A1,,neutral\n"}))
    assert v.tables["assessments"]["assessed_on"].tolist() == [pd.Timestamp(TODAY)]


def test_same_assessment_in_both_files_is_one_assessment_a_conflict_is_a_duplicate(tmp_path):
    same = base(**{"assessments.csv": "person_id,account_id,attitude\nP1,A1,neutral\n",
                   "employment.csv": "person_id,org_id,attitude\nP1,A1,neutral\n"})
    assert len(accepted(tmp_path / "same", same).tables["assessments"]) == 1
    conflict = base(**{"assessments.csv": "person_id,account_id,attitude\nP1,A1,neutral\n",
                       "employment.csv": "person_id,org_id,attitude\nP1,A1,champion\n"})
    assert problems(tmp_path / "conflict", conflict) == [
        "employment.csv row 2: duplicate assessment (person_id='P1', account_id='A1', assessed_on=2024-06-01): "
        "assessments.csv row 2 and employment.csv row 2"]


# ---------------------------------------------------------------------------------------
# raw tables from CRM mappings (cells not stripped, headers as given)
# ---------------------------------------------------------------------------------------


def test_raw_tables_from_a_mapping_are_cleaned_the_same_way():
    frame = pd.DataFrame({"ID": ["C-1 ", "C-2"], "Name": ["  Ann", "Bo"], "Side": ["Customer", " customer "],
                          "Level": [" 2", ""]}, dtype=object)
    raw = RawImport({"people": RawTable("people", frame, "Contact.json", [7, 9])})
    v = validate(raw, today=TODAY)
    assert v.tables["people"][["id", "name", "side", "level"]].values.tolist() == [
        ["C-1", "Ann", "customer", 2], ["C-2", "Bo", "customer", pd.NA]]
    bad = RawImport({"people": RawTable("people", frame.assign(Level=["x", "1"]), "Contact.json", [7, 9])})
    with pytest.raises(ImportValidationError) as err:
        validate(bad)
    assert [str(p) for p in err.value.problems] == ["Contact.json row 7 column 'level': level 'x' is not a whole number"]


# -- near-duplicate spellings (kamgraph/ingest/near_duplicates.py) ---------------------------

def test_near_duplicate_countries_in_a_native_import_are_warned_with_rows():
    countries = ["Philippines"] * 8 + ["Philipines", "Kenya", "Kenya", "Kenya"]
    frame = pd.DataFrame({"id": [f"A{i}" for i in range(12)], "name": [f"Acct {i}" for i in range(12)],
                          "country": countries}, dtype=object)
    v = validate(RawImport({"accounts": RawTable("accounts", frame, "accounts.csv")}))
    near = [w for w in v.warnings if "near-duplicate" in w]
    # 'Philipines' is the 9th data row: spreadsheet row 10; 'Acct 1' .. 'Acct 11' (names) are never compared
    assert near == ["accounts.csv: column 'country': 'Philipines' (1 row) is probably 'Philippines' (8 rows), a "
                    "near-duplicate spelling; correct it in the source or keep it if it is a different value: row 10"]
    assert (near[0].file, near[0].rows, near[0].column, near[0].value) == ("accounts.csv", (10,), "country", "Philipines")


def test_a_rejected_import_keeps_its_warnings_for_the_problems_file():
    frame = pd.DataFrame({"id": [f"A{i}" for i in range(12)] + ["A0"], "name": ["x"] * 13,
                          "country": ["Philippines"] * 8 + ["Philipines"] + ["Kenya"] * 4}, dtype=object)
    with pytest.raises(ImportValidationError) as e:
        validate(RawImport({"accounts": RawTable("accounts", frame, "accounts.csv")}))
    assert any("duplicate" in p.message for p in e.value.problems)
    assert any("'Philipines'" in w for w in e.value.warnings)
