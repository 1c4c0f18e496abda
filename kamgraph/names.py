"""People's names: shown in their own script, found by characters, pinyin, initials or English.

The data holds names in three shapes: Chinese only (``"谢天翼"``), romanized and Chinese side by
side (``"Zhou Jianguo 周建国"``, the romanized form first as an English address book writes it),
and Western only (``"Tobias Brandt"``). This module never changes what is stored; it decides
how a name is shown and what a search matches.

**Showing a name** (:func:`display_name`). A Chinese name is written family name first, with
no space (``"李建华"``). In English a name is shown exactly as stored (the pages and exports
have always shown ``"Zhou Jianguo 周建国"``, and tests compare it). In Chinese a name with
both forms is shown the Chinese way, characters first and the romanized form beside it in
full-width brackets: ``"周建国（Zhou Jianguo）"``; a one-form name is shown as stored (spaces
between Chinese characters dropped).

>>> display_name("Zhou Jianguo 周建国", "en"), display_name("Zhou Jianguo 周建国", "zh_CN")
('Zhou Jianguo 周建国', '周建国（Zhou Jianguo）')
>>> display_name("谢天翼", "zh_CN"), display_name("Tobias Brandt", "zh_CN"), display_name("李 建华", "zh_CN")
('谢天翼', 'Tobias Brandt', '李建华')

**Searching** (:func:`search_keys`, :func:`search_index`, :func:`matches`). A name is found by
any substring (case-insensitive) of any of its keys: the name as stored, the Chinese
characters, the full pinyin without tones and spaces (``zhoujianguo``), the pinyin the way a
name is romanized (``zhou jianguo``) and syllable by syllable (``zhou jian guo``), the pinyin
initials (``zjg``), the romanized / English form, and the initials of its words. A query's
spaces are also tried without them, so ``"zhou jianguo"``, ``"ZJG"``, ``"Jianguo"`` and
``"周建"`` all find 周建国.

>>> keys = search_keys("Zhou Jianguo 周建国")
>>> [k for k in ("zhoujianguo", "zhou jianguo", "zjg", "周建国") if k in keys]
['zhoujianguo', 'zhou jianguo', 'zjg', '周建国']
>>> import pandas as pd
>>> index = search_index(pd.Series(["Zhou Jianguo 周建国", "谢天翼", "Tobias Brandt"], index=["C1", "C4", "C9"]))
>>> [list(index[matches(q, index)].index) for q in ("ZJG", "zhou jianguo", "周建", "xty", "brandt", "")]
[['C1'], ['C1'], ['C1'], ['C4'], ['C9'], ['C1', 'C4', 'C9']]

**Surnames with two readings.** pypinyin (``Style.NORMAL``: no tones) reads a character the
common way, which is wrong for several family names: 单 is *dan* but the surname is *Shan*,
曾 *ceng* / *Zeng*, 解 *jie* / *Xie*, 区 *qu* / *Ou*, 仇 *chou* / *Qiu*, 朴 *pu* / *Piao*,
查 *cha* / *Zha*, 乐 *le* / *Yue* ... When a name is written in Chinese, its first character
(or its first two, for the compound surnames in :data:`SURNAME_READINGS`) is read with
:data:`SURNAME_READINGS`; the common reading is kept as a second set of keys, so a person who
types it still finds the name. ü is written ``v`` by pypinyin (吕 ``lv``); ``lu`` and ``lyu``
are keys too.

>>> pinyin_syllables("单雄信"), pinyin_syllables("曾国藩"), pinyin_syllables("区家麟")
(['shan', 'xiong', 'xin'], ['zeng', 'guo', 'fan'], ['ou', 'jia', 'lin'])
>>> "sxx" in search_keys("单雄信") and "dxx" in search_keys("单雄信")
True

**Joining a first and a last name** (:func:`join_name`, used by the CRM mappings): Chinese
parts are written family name first without a space; other names stay "First Last".

>>> join_name("建华", "李"), join_name("Tobias", "Brandt"), join_name(None, "李"), join_name("", "")
('李建华', 'Tobias Brandt', '李', None)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "SURNAME_READINGS", "display_name", "display_names", "has_han", "join_name", "label_name", "matches", "name_matches",
    "pinyin_syllables", "romanized", "search_index", "search_keys", "shown_forms", "split_name",
]

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")
_HAN_RUN = re.compile(f"[{_HAN_CHARS}·・]+(?:\\s+[{_HAN_CHARS}·・]+)*")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
#: joins the keys of one name in :func:`search_index` (never typed, so no match spans two keys)
_SEP = "\x1f"

#: family names whose reading differs from the character's common reading (first character(s)
#: of a name written in Chinese); compound surnames are two characters
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",), "曾": ("zeng",), "解": ("xie",), "区": ("ou",), "仇": ("qiu",), "朴": ("piao",),
    "查": ("zha",), "乐": ("yue",), "缪": ("miao",), "繁": ("po",), "黑": ("he",), "盖": ("ge",),
    "员": ("yun",), "覃": ("qin",), "召": ("shao",), "折": ("she",), "种": ("chong",), "能": ("nai",),
    "过": ("guo",), "重": ("chong",), "秘": ("bi",), "句": ("gou",), "隗": ("wei",), "冼": ("xian",),
    "那": ("na",), "尉": ("wei",), "车": ("che",), "牟": ("mou",), "翟": ("zhai",), "纪": ("ji",),
    "贾": ("jia",), "沈": ("shen",), "薄": ("bo",), "柏": ("bai",), "宿": ("su",), "藏": ("zang",),
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "澹台": ("tan", "tai"),
    "单于": ("chan", "yu"), "令狐": ("ling", "hu"), "皇甫": ("huang", "fu"), "欧阳": ("ou", "yang"),
}


def has_han(text: object) -> bool:
    """True when ``text`` holds a Chinese character.

    >>> has_han("Zhou 周"), has_han("Zhou"), has_han(None)
    (True, False, False)
    """
    return isinstance(text, str) and _HAN.search(text) is not None


def _clean(text: object) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip() if isinstance(text, str) else ""


def split_name(name: object) -> tuple[str, str]:
    """``(romanized or Western form, Chinese form)`` of a stored name; either may be ``""``.

    The Chinese form is the first run of Chinese characters (spaces inside it dropped); the
    other form is what is left.

    >>> split_name("Zhou Jianguo 周建国"), split_name("谢天翼"), split_name("Tobias Brandt")
    (('Zhou Jianguo', '周建国'), ('', '谢天翼'), ('Tobias Brandt', ''))
    >>> split_name("周建国 (Zhou Jianguo)")
    ('Zhou Jianguo', '周建国')
    """
    text = _clean(name)
    m = _HAN_RUN.search(text)
    if not m:
        return text, ""
    han = m.group(0).replace(" ", "")
    rest = (text[:m.start()] + " " + text[m.end():]).strip(" ()（）[]【】/,，-—|")
    return _SPACES.sub(" ", rest).strip(" ()（）"), han


def display_name(name: object, lang: str | None = None) -> str:
    """How ``name`` is shown in ``lang`` (default: the current language); see the module text.

    English: as stored. Chinese: a two-form name as ``"周建国（Zhou Jianguo）"``, characters
    first; a Chinese-only name without spaces between its characters; others as stored.
    """
    if not isinstance(name, str):
        return "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name)
    if lang is None:
        from kamgraph.i18n import current_language

        lang = current_language()
    if lang == "en" or not has_han(name):
        return name
    latin, han = split_name(name)
    return f"{han}（{latin}）" if latin else han


def display_names(names: pd.Series, lang: str | None = None) -> pd.Series:
    """:func:`display_name` of every name of a Series (same index), computed once per distinct
    name: the vectorized form for tables and columns. English returns the names unchanged (a
    copy, missing values kept); in Chinese a missing name stays missing.

    >>> s = pd.Series(["Zhou Jianguo 周建国", None, "Tobias Brandt", "Zhou Jianguo 周建国"], index=list("abcd"), dtype=object)
    >>> display_names(s, "zh_CN").tolist(), display_names(s, "en").tolist()[0]
    (['周建国（Zhou Jianguo）', None, 'Tobias Brandt', '周建国（Zhou Jianguo）'], 'Zhou Jianguo 周建国')
    """
    if lang is None:
        from kamgraph.i18n import current_language

        lang = current_language()
    if lang == "en" or len(names) == 0:
        return names.copy(deep=False)
    values = names.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    shown = np.array([display_name(u, lang) if isinstance(u, str) else u for u in uniques], dtype=object)
    out = np.empty(len(values), dtype=object)
    has = codes >= 0
    out[has] = shown[codes[has]]
    out[~has] = values[~has]
    return pd.Series(out, index=names.index, dtype=object, name=names.name)


def label_name(name: object, lang: str | None = None) -> str:
    """:func:`display_name`, with the romanization beside a name stored only in Chinese
    characters: how a person picker shows a name, so that typing pinyin finds it
    (:mod:`kamgraph.ui.pickers`).

    >>> label_name("谢天翼", "en"), label_name("谢天翼", "zh_CN"), label_name("Zhou Jianguo 周建国", "zh_CN")
    ('谢天翼 (Xie Tianyi)', '谢天翼（Xie Tianyi）', '周建国（Zhou Jianguo）')
    """
    if lang is None:
        from kamgraph.i18n import current_language

        lang = current_language()
    if not isinstance(name, str):
        return display_name(name, lang)
    return _label_name(name, lang)


@lru_cache(maxsize=65536)
def _label_name(name: str, lang: str) -> str:
    shown = display_name(name, lang)
    if not has_han(name):
        return shown
    latin, han = split_name(name)
    roman = "" if latin else romanized(han)
    if not roman:
        return shown
    return f"{shown} ({roman})" if lang == "en" else f"{shown}（{roman}）"


def shown_forms(name: object) -> list[str]:
    """Every way kamgraph may show ``name`` (stored, :func:`display_name` and :func:`label_name`
    in each language, the romanized part alone): data, for a check that takes data out of
    the text it reads (tests/i18n_walk.py).

    >>> shown_forms("Zhou Jianguo 周建国")
    ['Zhou Jianguo 周建国', '周建国（Zhou Jianguo）', 'Zhou Jianguo', '周建国']
    """
    if not isinstance(name, str) or not name.strip():
        return []
    forms = [name]
    for lang in ("en", "zh_CN"):
        forms += [display_name(name, lang), label_name(name, lang)]
    latin, han = split_name(name)
    forms += [latin, han, romanized(han) if han and not latin else ""]
    seen: dict[str, None] = {}
    for f in forms:
        if f and f not in seen:
            seen[f] = None
    return list(seen)


def join_name(first: object, last: object) -> str | None:
    """A full name from a CRM's first and last name fields (``None`` when both are blank).

    Chinese (either part in Chinese characters): family name first, no space (``"李建华"``).
    Otherwise ``"First Last"``.
    """
    f, l_ = _clean(first), _clean(last)
    if not f and not l_:
        return None
    if has_han(f) or has_han(l_):
        return f"{l_}{f}".replace(" ", "") if (has_han(f) and has_han(l_)) or not (f and l_) else f"{l_} {f}"
    return " ".join(p for p in (f, l_) if p)


@lru_cache(maxsize=65536)
def _syllable_readings(han: str) -> tuple[tuple[str, ...], ...]:
    """One or two readings (surname reading first) of a Chinese name, syllable by syllable."""
    from pypinyin import Style, lazy_pinyin

    common = tuple(s.lower() for s in lazy_pinyin(han, style=Style.NORMAL, errors="ignore") if s.strip())
    for n in (2, 1):
        surname = SURNAME_READINGS.get(han[:n])
        if surname and len(common) >= n:
            special = surname + common[n:]
            return (special, common) if special != common else (common,)
    return (common,)


def pinyin_syllables(han: str) -> list[str]:
    """The toneless pinyin of Chinese characters, syllable by syllable, a family name read as one."""
    readings = _syllable_readings(han)
    return list(readings[0]) if readings else []


def romanized(han: str) -> str:
    """The usual romanization of a Chinese name: family name, then the given name in one word.

    >>> romanized("周建国"), romanized("欧阳修"), romanized("单雄信")
    ('Zhou Jianguo', 'Ouyang Xiu', 'Shan Xiongxin')
    """
    syl = pinyin_syllables(han)
    if not syl:
        return ""
    n = 2 if han[:2] in SURNAME_READINGS and len(SURNAME_READINGS[han[:2]]) == 2 and len(syl) > 2 else 1
    family, given = "".join(syl[:n]), "".join(syl[n:])
    return " ".join(p.capitalize() for p in (family, given) if p)


def _pinyin_keys(han: str) -> list[str]:
    keys = []
    for syl in _syllable_readings(han):
        if not syl:
            continue
        n = 2 if len(syl) > 2 and han[:2] in SURNAME_READINGS and len(SURNAME_READINGS[han[:2]]) == 2 else 1
        variants = {"".join(syl), " ".join(syl), " ".join(["".join(syl[:n]), "".join(syl[n:])]).strip(),
                    "".join(s[0] for s in syl)}
        for v in list(variants):
            if "v" in v:  # ü: pypinyin writes v (lv); people type lu or lyu too
                variants |= {v.replace("v", "u"), v.replace("v", "yu")}
        keys += sorted(variants)
    return keys


@lru_cache(maxsize=65536)
def _keys(name: str) -> tuple[str, ...]:
    text = _clean(name)
    latin, han = split_name(text)
    keys = [text.lower()]
    if han:
        keys += [han] + _pinyin_keys(han)
    if latin:
        low = latin.lower()
        words = _WORDS.findall(low)
        keys += [low, "".join(words), "".join(w[0] for w in words)]
    seen: dict[str, None] = {}
    for k in keys:
        if k and k not in seen:
            seen[k] = None
    return tuple(seen)


def search_keys(name: object) -> list[str]:
    """Every lower-case string a search for ``name`` matches (by substring); see the module text.

    >>> search_keys("谢天翼")
    ['谢天翼', 'xie tian yi', 'xie tianyi', 'xietianyi', 'xty']
    >>> search_keys("Tobias Brandt")
    ['tobias brandt', 'tobiasbrandt', 'tb']
    """
    return list(_keys(name)) if isinstance(name, str) and name.strip() else []


def search_index(names: pd.Series) -> pd.Series:
    """The search keys of every name, one string per name (same index), for :func:`matches`."""
    values = names.to_numpy(dtype=object)
    joined = [_SEP.join(_keys(v)) if isinstance(v, str) else "" for v in values]
    return pd.Series(joined, index=names.index, dtype=object)


def _query(query: object) -> tuple[str, str]:
    q = _clean(query).lower()
    return q, q.replace(" ", "")


def matches(query: object, index: pd.Series) -> pd.Series:
    """Which names of ``index`` (from :func:`search_index`) ``query`` finds (all for a blank query)."""
    q, compact = _query(query)
    if not q:
        return pd.Series(True, index=index.index)
    found = index.str.contains(q, regex=False)
    if compact != q:
        found |= index.str.contains(compact, regex=False)
    return found.fillna(False).astype(bool)


def name_matches(query: object, name: object) -> bool:
    """:func:`matches` for one name.

    >>> name_matches("Jianguo", "Zhou Jianguo 周建国"), name_matches("zjg", "谢天翼")
    (True, False)
    """
    q, compact = _query(query)
    if not q:
        return True
    return any(q in k or compact in k for k in search_keys(name))
