"""The message catalogue and the language choice (kamgraph.i18n)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kamgraph.i18n import (LanguageError, _, current_language, fmt_day, fmt_money, fmt_number, ngettext,
                           normalize_language, resolve_language, use_language)
from kamgraph.i18n import catalog
from kamgraph.i18n.prefs import remember_language, remembered_language
from kamgraph.i18n.terms import TERMS, term, terms

ROOT = Path(__file__).resolve().parents[1]


def test_the_catalogue_has_no_missing_fuzzy_or_mismatched_entry_and_its_mo_is_current():
    problems = catalog.problems()
    assert problems == [], "\n".join(problems[:60]) + f"\n... {len(problems)} problems in all"


def test_the_po_file_says_it_has_no_fuzzy_entry_and_one_chinese_plural_form():
    text = catalog.PO_PATH.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text
    assert re.search(r"^msgstr \"\"\n\n", text, flags=re.M) is None or text.count('msgstr ""\n\n') == 0


def _marked_calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {
                "_", "N_", "NP_", "ngettext", "pgettext", "npgettext"}:
            yield node


def test_every_marked_string_is_a_literal_with_named_placeholders_only():
    """`_(f"...")` or `_(x)` with a literal would hide the string from the catalogue; `{}` and
    `%s` cannot be reordered by a translator."""
    bad = []
    for path in sorted((ROOT / "kamgraph").rglob("*.py")) + [ROOT / "app.py"]:
        for call in _marked_calls(path):
            for arg in call.args:
                if isinstance(arg, ast.JoinedStr):
                    bad.append(f"{path.relative_to(ROOT)}:{call.lineno}: f-string in {call.func.id}()")
                elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if "{}" in arg.value or re.search(r"%[sdif]", arg.value) or re.search(r"\{\d+\}", arg.value):
                        bad.append(f"{path.relative_to(ROOT)}:{call.lineno}: positional placeholder {arg.value!r}")
    assert not bad, "\n".join(bad)


def test_a_translated_template_keeps_its_placeholders_and_english_is_the_code_itself():
    with use_language("zh_CN"):
        assert _("never") == "从未"
        assert term("role", "decision_maker") == "决策者"
        assert current_language() == "zh_CN"
    assert current_language() == "en"
    assert _("never") == "never"
    assert ngettext("{n} account", "{n} accounts", 1).format(n=1) == "1 account"
    assert catalog.placeholders("{name} met {n:,} people") == {"name", "n"}


def test_every_term_has_a_chinese_word_and_unknown_codes_read_as_words():
    import pandas as pd

    with use_language("zh_CN"):
        for kind, words in TERMS.items():
            for code in words:
                assert re.search(r"[\u4e00-\u9fff]", term(kind, code)), (kind, code, term(kind, code))
        col = terms("attitude", pd.Series(["opponent", None, "made_up_value"]))
    assert list(col) == ["反对者", "—", "made up value"]


@pytest.mark.parametrize("value, code", [("zh-CN", "zh_CN"), ("zh", "zh_CN"), ("ZH_cn.UTF-8", "zh_CN"),
                                         ("中文", "zh_CN"), ("en_US", "en"), ("English", "en")])
def test_language_spellings(value, code):
    assert normalize_language(value) == code


def test_an_unknown_language_is_one_clear_error_naming_where_it_came_from():
    with pytest.raises(LanguageError, match=r"KAMGRAPH_LANG: unknown language 'fr': use one of en, zh_CN"):
        resolve_language(None, None, environ={"KAMGRAPH_LANG": "fr"})
    with pytest.raises(LanguageError, match="--lang"):
        resolve_language("klingon", None, environ={})


def test_the_choice_comes_first_then_the_environment_then_the_settings():
    assert resolve_language("en", "zh_CN", environ={"KAMGRAPH_LANG": "zh"}) == "en"
    assert resolve_language(None, "en", environ={"KAMGRAPH_LANG": "zh"}) == "zh_CN"
    assert resolve_language(None, "zh_CN", environ={}) == "zh_CN"
    assert resolve_language(None, "", environ={}) == "en"


def test_dates_numbers_and_money_per_language():
    assert fmt_day("2026-11-26") == "2026-11-26"
    assert fmt_number(1234567.891, 1) == "1,234,567.9"
    assert fmt_money(1_200_000, "CNY") == "CN¥1,200,000"
    assert fmt_money(1_200_000, "EUR") == "€1,200,000"
    with use_language("zh_CN"):
        assert fmt_day("2026-01-05") == "2026年1月5日"
        assert fmt_money(1_200_000, "CNY") == "¥1,200,000"
        assert fmt_day(None) == "从未"
    assert fmt_money(5, "XXZ") in {"XXZ 5", "XXZ5"}  # an unknown code stays readable


def test_each_users_language_is_remembered_apart_and_a_damaged_file_forgets_quietly(tmp_path):
    p = tmp_path / "kamgraph-prefs.json"
    remember_language(p, "li.wei", "zh")
    remember_language(p, "anna", "en")
    remember_language(p, None, "zh_CN")
    assert remembered_language(p, "li.wei") == "zh_CN"
    assert remembered_language(p, "anna") == "en"
    assert remembered_language(p, "") == "zh_CN"
    assert remembered_language(p, "nobody") is None
    assert oct(p.stat().st_mode & 0o777) == "0o600"
    assert json.loads(p.read_text(encoding="utf-8"))["language"]["li.wei"] == "zh_CN"
    p.write_text("{not json", encoding="utf-8")
    assert remembered_language(p, "li.wei") is None


def test_cli_lang_flag_and_environment(tmp_path, monkeypatch):
    from kamgraph.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAMGRAPH_LANG", raising=False)
    r = CliRunner().invoke(main, ["--lang", "fr", "--store", f"sqlite:///{tmp_path}/k.db", "stats"])
    assert r.exit_code == 1 and "unknown language 'fr'" in r.output, r.output
    monkeypatch.setenv("KAMGRAPH_LANG", "xx")
    r = CliRunner().invoke(main, ["--store", f"sqlite:///{tmp_path}/k.db", "stats"])
    assert r.exit_code == 1 and "KAMGRAPH_LANG: unknown language 'xx'" in r.output, r.output


def test_a_cli_run_leaves_the_process_language_as_it_found_it(tmp_path):
    from kamgraph.cli import main
    from kamgraph.i18n import set_process_language

    set_process_language("en")
    r = CliRunner().invoke(main, ["--lang", "zh_CN", "--store", f"sqlite:///{tmp_path}/k.db", "stats"])
    assert r.exit_code == 0 and any("\u4e00" <= ch <= "\u9fff" for ch in r.output), r.output
    assert current_language() == "en"


def test_common_opportunity_stages_read_in_chinese_and_a_crms_own_stage_stays_as_written():
    with use_language("zh_CN"):
        assert term("stage", "proposal") == "方案报价"
        assert term("stage", "Closed_Won") == "赢单"
        assert term("stage", "Proposal/Price Quote") == "Proposal/Price Quote"
    assert term("stage", "negotiation") == "negotiation"


def test_no_literal_is_marked_inside_an_f_string():
    """Babel's extractor reads an f-string as one token: `f"{_('x')}"` would never reach the
    catalogue and stay English."""
    names = {"_", "N_", "NP_", "ngettext", "pgettext", "npgettext"}
    bad = []
    for path in sorted((ROOT / "kamgraph").rglob("*.py")) + [ROOT / "app.py"]:
        for js in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(js, ast.JoinedStr):
                continue
            for call in ast.walk(js):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in names
                        and any(isinstance(a, ast.Constant) for a in call.args)):
                    bad.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)[:80]}")
    assert not bad, "\n".join(bad)
