"""Person pickers: a select box that finds people by Chinese characters, pinyin, initials or English.

How Streamlit 1.67 filters a select box: in the browser, on the text of each option's shown
label (``format_func``'s result; the option values never reach the browser) with
``filter_mode="fuzzy"`` (the default: the typed letters in order, gaps allowed, best match
first), ``"contains"`` or ``"prefix"``. Nothing else is searched, and a select box inside an
``st.form`` cannot rerun the script while the user types.

What we chose, and why:

* **The label carries what a search needs, visibly.** A name stored with both forms
  (``"Zhou Jianguo 周建国"``) already carries its pinyin: the fuzzy filter finds it by
  ``zhou jianguo``, ``zhoujianguo``, ``zjg``, ``Jianguo`` and ``周建``. A name stored only in
  Chinese characters (``"谢天翼"``) gets its romanization beside it, the way a two-form name is
  written: ``"谢天翼 (Xie Tianyi) — 副总经理, …"`` (Chinese: ``"谢天翼（Xie Tianyi）"``), so
  ``xty``, ``xietianyi`` and ``xie`` find it too. Family names with two readings are
  romanized the family-name way (单 *Shan*, 曾 *Zeng*: :mod:`kamgraph.names`). Invisible keys
  are not possible: the filter only sees the shown text, and what a person types must be in
  it. In Chinese, a two-form name is shown characters first (``"周建国（Zhou Jianguo）"``,
  :func:`kamgraph.names.display_name`); in English it is shown as stored, so English labels
  of two-form and Western names do not change.
* **Fuzzy, not contains.** Initials (``zjg``) are not a substring of ``Zhou Jianguo``; they
  are an in-order subsequence, which the fuzzy filter matches. Tried in headless Chromium
  (Playwright) on the sample's Paths page: in English ``zjg``, ``zhoujianguo``, ``周建`` and
  ``Jianguo`` list 周建国 first, ``xty`` and ``xietianyi`` list 谢天翼 first; in Chinese the
  same queries find them too, though ``zjg`` ranks 侯志伟（Hou Zhiwei）… (whose label also holds
  z…j…g) above 周建国 — a longer query (``zhouj``) narrows it. Initials of a long label can
  match by chance: the fuzzy filter finds, it does not exclude.
* **A search box only where the page reruns.** A text box above a select box can narrow the
  options with :func:`kamgraph.names.matches` (every key, with the surname readings and
  the ``lu``/``lyu`` spellings of ü), but only outside a form: the Paths page has one
  (``search=True`` here, or its own query box), the edit forms rely on the labels.

>>> labels = picker_labels({"C1": "Zhou Jianguo 周建国 — 董事长, Acme", "C4": "谢天翼 — 副总经理, Acme"},
...                        {"C1": "Zhou Jianguo 周建国", "C4": "谢天翼"}, lang="en")
>>> labels["C1"], labels["C4"]
('Zhou Jianguo 周建国 — 董事长, Acme', '谢天翼 (Xie Tianyi) — 副总经理, Acme')
>>> picker_labels({"C1": "Zhou Jianguo 周建国 — 董事长"}, {"C1": "Zhou Jianguo 周建国"}, lang="zh_CN")["C1"]
'周建国（Zhou Jianguo） — 董事长'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kamgraph.i18n import _, current_language
from kamgraph.names import display_name, label_name, matches, search_index

__all__ = ["filter_people", "person_multiselect", "person_picker", "picker_label", "picker_labels", "search_help"]


def search_help() -> str:
    """The help line of every person picker."""
    return _("Type part of a name: Chinese characters, pinyin, initials (zjg) or the English name.")


def picker_label(name: object, lang: str | None = None) -> str:
    """How a person's name starts their picker label: :func:`kamgraph.names.label_name` (the
    name in its own script, the romanization beside a name stored only in Chinese characters).

    >>> picker_label("谢天翼", "en"), picker_label("谢天翼", "zh_CN"), picker_label("Tobias Brandt", "zh_CN")
    ('谢天翼 (Xie Tianyi)', '谢天翼（Xie Tianyi）', 'Tobias Brandt')
    """
    return label_name(name, lang or current_language())


def picker_labels(labels: Mapping[str, str], names: Mapping[str, object] | None = None,
                  lang: str | None = None) -> dict[str, str]:
    """``labels`` (``{id: "Name — title, organization"}``) with each name as :func:`picker_label`
    shows it; a label that does not start with the person's name is kept as it is."""
    lang = lang or current_language()
    out = {}
    for pid, label in labels.items():
        label = str(label)
        name = names.get(pid) if names is not None else None
        if isinstance(name, str) and name.strip():
            for form in dict.fromkeys((name, " ".join(name.split()), display_name(name, lang))):
                if label.startswith(form):
                    label = picker_label(form, lang) + label[len(form):]
                    break
        out[pid] = label
    return out


def _as_labels(options) -> tuple[dict[str, str], dict[str, object] | None]:
    """``{id: label}`` and ``{id: name}`` from a people frame (``id``, ``name``, optional
    ``label``), a Series of labels by id, or a mapping of labels by id."""
    if isinstance(options, pd.DataFrame):
        ids = options["id"].astype(str).tolist()
        names = dict(zip(ids, options["name"]))
        source = options["label"] if "label" in options.columns else options["name"]
        labels = {i: (str(v) if isinstance(v, str) and v.strip() else i) for i, v in zip(ids, source)}
        return labels, names
    if isinstance(options, pd.Series):
        return {str(k): str(v) for k, v in options.items()}, None
    return dict(options), None


def filter_people(query: str, labels: Mapping[str, str], names: Mapping[str, object] | None = None) -> list[str]:
    """The ids whose name a search ``query`` finds (:func:`kamgraph.names.matches`: characters,
    pinyin, initials, English) or whose label holds it (a title, an organization).

    >>> filter_people("zjg", {"C1": "Zhou Jianguo 周建国 — 董事长", "C2": "谢天翼 — CFO"},
    ...               {"C1": "Zhou Jianguo 周建国", "C2": "谢天翼"})
    ['C1']
    >>> filter_people("cfo", {"C1": "Zhou Jianguo 周建国 — 董事长", "C2": "谢天翼 — CFO"})
    ['C2']
    """
    ids = list(labels)
    if not str(query or "").strip():
        return ids
    shown = pd.Series([labels[i] for i in ids], index=ids, dtype=object)
    found = shown.str.contains(str(query).strip(), case=False, regex=False)
    by_name = pd.Series([names.get(i) if names is not None else labels[i] for i in ids], index=ids, dtype=object)
    found |= matches(query, search_index(by_name))
    return [i for i, ok in zip(ids, found.to_numpy()) if ok]


def person_picker(label: str, options, key: str, *, names: Mapping[str, object] | None = None,
                  current: str | None = None, search: bool = False, where=None, placeholder: str = "—",
                  help: str | None = None, exclude: Sequence[str] = (), labelled: bool = False, **kw):
    """A select box of people (their ids) that finds them by characters, pinyin, initials or English.

    ``options``: a people frame (``id``, ``name``, optional ``label``), or labels by id (a
    Series or a mapping) with ``names`` (by id) for the search. ``current``: preselected.
    ``search``: a text box above (key ``<key>_search``) narrowing the options with
    :func:`filter_people` (not inside a form: a form does not rerun while one types).
    ``where``: the container (a column; default ``st``). ``labelled``: the labels already are
    :func:`picker_labels` (cached by the caller). Returns the chosen id or ``None``.
    """
    import streamlit as st

    where = where or st
    labels, frame_names = _as_labels(options)
    names = names if names is not None else frame_names
    shown = labels if labelled else picker_labels(labels, names)
    ids = [i for i in shown if i not in set(exclude)]
    if search:
        query = where.text_input(_("Search {label}").format(label=label), key=f"{key}_search",
                                 placeholder=_("name, pinyin or initials"), help=search_help())
        ids = [i for i in filter_people(query, {i: shown[i] for i in ids}, names)]
        if current in shown and current not in ids:
            ids.insert(0, current)
    index = ids.index(current) if current in ids else None
    return where.selectbox(label, ids, index=index, key=key, format_func=lambda i: shown.get(i, i),
                           placeholder=placeholder, help=help or search_help(), filter_mode="fuzzy", **kw)


def person_multiselect(label: str, options, key: str, *, names: Mapping[str, object] | None = None,
                       default: Sequence[str] = (), where=None, help: str | None = None, labelled: bool = False,
                       **kw) -> list[str]:
    """:func:`person_picker` for several people (a multiselect, same labels)."""
    import streamlit as st

    where = where or st
    labels, frame_names = _as_labels(options)
    shown = labels if labelled else picker_labels(labels, names if names is not None else frame_names)
    return where.multiselect(label, list(shown), default=[d for d in default if d in shown], key=key,
                             format_func=lambda i: shown.get(i, i), help=help or search_help(),
                             filter_mode="fuzzy", **kw)
