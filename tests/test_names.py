"""kamgraph.names: names shown in their own script, found by characters, pinyin, initials or English;
CRM first/last names joined family name first for Chinese names."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from kamgraph.i18n import use_language
from kamgraph.ingest.mappings import load_mapping
from kamgraph.names import (
    display_name,
    join_name,
    label_name,
    matches,
    name_matches,
    pinyin_syllables,
    romanized,
    search_index,
    search_keys,
    shown_forms,
    split_name,
)
from kamgraph.store import open_store

ZHOU = "Zhou Jianguo 周建国"  # the sample's decision-maker at A-01: both forms
XIE = "谢天翼"  # Chinese only
BRANDT = "Tobias Brandt"  # Western only
SAMPLE_DB = Path("/tmp/k/sample.db")


# -- display ------------------------------------------------------------------------------------

def test_english_shows_the_name_as_stored():
    for name in (ZHOU, XIE, BRANDT, "李 建华"):
        assert display_name(name, "en") == name
    assert display_name(ZHOU) == ZHOU  # English is the default language


def test_chinese_shows_characters_first_with_the_romanized_form_beside():
    assert display_name(ZHOU, "zh_CN") == "周建国（Zhou Jianguo）"
    assert display_name("周建国 Zhou Jianguo", "zh_CN") == "周建国（Zhou Jianguo）"
    assert display_name(XIE, "zh_CN") == XIE
    assert display_name(BRANDT, "zh_CN") == BRANDT
    assert display_name("李 建华", "zh_CN") == "李建华"  # no space inside a Chinese name
    with use_language("zh_CN"):
        assert display_name(ZHOU) == "周建国（Zhou Jianguo）"


def test_display_of_missing_names():
    assert display_name(None, "zh_CN") == ""
    assert display_name(float("nan"), "en") == ""


def test_split_name():
    assert split_name(ZHOU) == ("Zhou Jianguo", "周建国")
    assert split_name(XIE) == ("", "谢天翼")
    assert split_name(BRANDT) == ("Tobias Brandt", "")
    assert split_name("  Wu   Haiyan  吴海燕 ") == ("Wu Haiyan", "吴海燕")


def test_label_name_romanizes_chinese_only_names():
    assert label_name(XIE, "en") == "谢天翼 (Xie Tianyi)"
    assert label_name(XIE, "zh_CN") == "谢天翼（Xie Tianyi）"
    assert label_name(ZHOU, "en") == ZHOU  # has its own romanized form: unchanged in English
    assert label_name(BRANDT, "zh_CN") == BRANDT


# -- search keys --------------------------------------------------------------------------------

def test_search_keys_of_a_two_form_name():
    keys = search_keys(ZHOU)
    for key in ("周建国", "zhoujianguo", "zhou jianguo", "zhou jian guo", "zjg", "zhou jianguo 周建国"):
        assert key in keys
    assert all(k == k.lower() for k in keys)


def test_search_keys_of_western_and_empty_names():
    assert search_keys(BRANDT) == ["tobias brandt", "tobiasbrandt", "tb"]
    assert search_keys("") == [] and search_keys(None) == []


@pytest.mark.parametrize("query", ["zhoujianguo", "zhou jianguo", "Zhou Jianguo", "ZJG", "zjg", "Jianguo",
                                   "jianguo", "周建", "周建国", "建国", "zhou jian guo", "ZHOU"])
def test_queries_that_find_zhou_jianguo(query):
    assert name_matches(query, ZHOU)
    index = search_index(pd.Series([ZHOU, XIE, BRANDT], index=["C-001", "C-004", "X"]))
    assert "C-001" in list(index[matches(query, index)].index)


@pytest.mark.parametrize("query", ["xty", "xietianyi", "xie tianyi", "Tianyi", "谢天"])
def test_queries_that_find_a_chinese_only_name(query):
    assert name_matches(query, XIE)


@pytest.mark.parametrize("query", ["zjg", "周建", "xty", "tobias", "Lee"])
def test_queries_that_do_not_match(query):
    names = {"zjg": XIE, "周建": XIE, "xty": ZHOU, "tobias": ZHOU, "Lee": XIE}
    assert not name_matches(query, names[query])


def test_matches_is_vectorized_and_blank_finds_everyone():
    index = search_index(pd.Series([ZHOU, XIE, None, BRANDT], index=list("abcd")))
    assert matches("", index).tolist() == [True] * 4
    assert matches("  ", index).all()
    assert matches("b", index).tolist() == [False, False, False, True]  # tobias brandt, tb
    assert matches("zhou jianguo", index).tolist() == [True, False, False, False]


# -- surnames with two readings -----------------------------------------------------------------

@pytest.mark.parametrize(("name", "surname", "common", "initials"), [
    ("单雄信", "shan", "dan", "sxx"),
    ("曾国藩", "zeng", "ceng", "zgf"),
    ("解缙", "xie", "jie", "xj"),
    ("区家麟", "ou", "qu", "ojl"),
    ("仇英", "qiu", "chou", "qy"),
    ("朴树", "piao", "pu", "ps"),
    ("查良镛", "zha", "cha", "zly"),
    ("乐嘉", "yue", "le", "yj"),
])
def test_surname_readings(name, surname, common, initials):
    assert pinyin_syllables(name)[0] == surname
    keys = search_keys(name)
    assert initials in keys
    # the common reading is kept as a key too: who types it still finds the person
    assert any(k.startswith(common) for k in keys)
    assert romanized(name).lower().startswith(surname)


def test_a_surname_reading_applies_to_the_first_character_only():
    # 单 inside a given name is read the common way
    assert pinyin_syllables("王单")[1] == "dan"


def test_compound_surnames_and_u_umlaut():
    assert romanized("欧阳修") == "Ouyang Xiu"
    assert romanized("尉迟恭") == "Yuchi Gong"
    keys = search_keys("吕布")
    assert {"lvbu", "lubu", "lyubu"} <= set(keys)


def test_shown_forms_cover_every_way_a_name_is_shown():
    forms = shown_forms(XIE)
    assert {"谢天翼", "谢天翼 (Xie Tianyi)", "谢天翼（Xie Tianyi）", "Xie Tianyi"} <= set(forms)
    assert "周建国（Zhou Jianguo）" in shown_forms(ZHOU)


# -- the sample's names ---------------------------------------------------------------------------

@pytest.mark.skipif(not SAMPLE_DB.exists(), reason="the shared sample store is not here")
def test_the_samples_chinese_names_are_found_by_pinyin():
    store = open_store(f"sqlite:///{SAMPLE_DB}")
    try:
        people = store.read("people")
    finally:
        store.close()
    names = people.set_index("id")["name"]
    index = search_index(names)
    for query in ("zhoujianguo", "zjg", "周建", "Jianguo"):
        assert "C-001" in set(index[matches(query, index)].index), query
    assert "C-004" in set(index[matches("xty", index)].index)  # 谢天翼, no romanized form stored
    # every Chinese name in the sample is found by its own initials
    for pid, name in names.items():
        _latin, han = split_name(name)
        if han:
            initials = "".join(s[0] for s in pinyin_syllables(han))
            assert pid in set(index[matches(initials, index)].index), name


# -- joining CRM first and last names ---------------------------------------------------------------

@pytest.mark.parametrize(("first", "last", "full"), [
    ("建华", "李", "李建华"),
    ("建华", "欧阳", "欧阳建华"),
    (" 建 华 ", "李", "李建华"),
    ("Tobias", "Brandt", "Tobias Brandt"),
    ("Claire", "Dubois", "Claire Dubois"),
    (None, "李", "李"),
    ("建华", None, "建华"),
    ("", "Brandt", "Brandt"),
    (None, None, None),
    ("  ", "", None),
])
def test_join_name(first, last, full):
    assert join_name(first, last) == full


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def test_salesforce_contacts_with_chinese_names_are_family_name_first(tmp_path):
    """Salesforce keeps FirstName / LastName; "建华 李" was the old reading of 李建华."""
    d = tmp_path / "sf"
    d.mkdir()
    acc = "001000000000001AAA"
    _write_csv(d / "Account.csv", ["Id", "Name"], [[acc, "上海澜芯半导体有限公司"]])
    _write_csv(d / "Contact.csv", ["Id", "AccountId", "FirstName", "LastName", "Title"],
               [["003000000000001AAA", acc, "建华", "李", "党委书记"],
                ["003000000000002AAA", acc, "Tobias", "Brandt", "CFO"],
                ["003000000000003AAA", acc, "", "欧阳", "总经理"]])
    _write_csv(d / "User.csv", ["Id", "FirstName", "LastName", "Title"],
               [["005000000000001AAA", "海燕", "吴", "大客户经理"], ["005000000000002AAA", "Sam", "Lee", "VP Sales"]])
    raw = load_mapping("salesforce").read(d)
    people = dict(zip(raw.tables["people"].frame["id"], raw.tables["people"].frame["name"]))
    assert people["003000000000001AAA"] == "李建华"
    assert people["003000000000002AAA"] == "Tobias Brandt"
    assert people["003000000000003AAA"] == "欧阳"
    assert people["005000000000001AAA"] == "吴海燕"
    assert people["005000000000002AAA"] == "Sam Lee"
    assert "建华 李" not in people.values()


def test_mapping_messages_in_chinese_and_english(tmp_path):
    from kamgraph.errors import KamgraphError

    empty = tmp_path / "empty"
    empty.mkdir()
    with use_language("zh_CN"), pytest.raises(KamgraphError) as zh:
        load_mapping("salesforce").read(empty)
    assert "中没有 Salesforce 导出" in str(zh.value) and "expected" not in str(zh.value)
    with pytest.raises(KamgraphError) as en:
        load_mapping("salesforce").read(empty)
    assert str(en.value).startswith("no Salesforce export found in")
    with use_language("zh_CN"), pytest.raises(KamgraphError) as zh:
        load_mapping("hubspot")
    assert "未知的映射 'hubspot'" in str(zh.value)


def test_toml_mapping_messages_in_chinese(tmp_path):
    from kamgraph.errors import KamgraphError

    bad = tmp_path / "bad.toml"
    bad.write_text('[entities.peopel]\nfile = "x.csv"\ncolumns = { id = "ID" }\n', encoding="utf-8")
    with pytest.raises(KamgraphError) as en:
        load_mapping(bad)
    assert "unknown entity [entities.peopel]; did you mean 'people'?" in str(en.value)
    with use_language("zh_CN"), pytest.raises(KamgraphError) as zh:
        load_mapping(bad)
    assert "未知的实体 [entities.peopel]；是否应为 'people'？" in str(zh.value)
    assert "unknown" not in str(zh.value)
