"""Paths: how someone on our side reaches a person, directly or through one intermediary.

Search a target by name (Chinese characters, pinyin, initials or the English name: ``zjg``
finds 周建国), title or account (``?target=<id>`` opens one directly); the ranked paths of
:func:`kamgraph.analysis.paths.access_paths` are listed and drawn on a small map. Every text is
translated; names, titles and accounts are data and stay as stored (a name in Chinese is
shown characters first: :func:`kamgraph.names.display_name`).
"""

from __future__ import annotations

import streamlit as st

from kamgraph.analysis.paths import access_paths, uncovered_decision_maker_paths
from kamgraph.analysis.people import internal_ids, person_labels
from kamgraph.i18n import N_, NP_, _, fmt_number, ngettext, pgettext
from kamgraph.i18n.terms import term
from kamgraph.report.relmap import paths_map
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import columns, md
from kamgraph.ui.pickers import filter_people, person_picker, picker_labels, search_help

#: most matches offered in the target list
MAX_MATCHES = 300
#: the details table's columns (translated where shown)
DETAIL_COLUMNS = {"rank": N_("#"), "score": N_("score"), "kind": N_("kind"), "via_kind": N_("via"),
                  "first_strength": N_("our leg"), "second_strength": N_("their leg"), "factor": N_("factor"),
                  "explanation": N_("path")}
_NUMBER_COLUMNS = ("score", "first_strength", "second_strength", "factor")
#: a path's kind (kamgraph.analysis.paths: direct, through a person, through an organization) and
#: the intermediary's link kinds that are not tie kinds, in words (translated where shown)
PATH_KINDS = {"direct": NP_("path kind", "direct"), "person": NP_("path kind", "person"),
              "organization": NP_("path kind", "organization")}
VIA_KINDS = {"colleague": NP_("via kind", "colleague"), "association": NP_("via kind", "association"),
             "other": NP_("via kind", "interactions only")}


def path_kind(code: object) -> str:
    """A path kind code in words."""
    word = PATH_KINDS.get(str(code))
    return pgettext("path kind", word) if word else term("path_kind", code)


def via_kind(code: object) -> str:
    """How the intermediary knows the target, in words (a tie kind, a colleague, a shared organization)."""
    word = VIA_KINDS.get(str(code))
    return pgettext("via kind", word) if word else term("tie_kind", code)


def render(ctx: PageContext) -> None:
    st.title(_("Access paths"))
    st.caption(_("Direct ties and paths through exactly one intermediary (a person or a shared organization), "
                 "ranked by score = strength(us, intermediary) × strength(intermediary, target) × kind factor. "
                 "Longer chains are never proposed: they cost too much and fail."))
    asof = ctx.as_of_text
    labels = ctx.compute(person_labels, with_settings=False, as_of=asof)
    ours = set(ctx.compute(internal_ids, with_settings=False))
    candidates = labels[~labels.index.isin(ours)].sort_values()
    people = ctx.read("people")
    names = dict(zip(people["id"].astype(str), people["name"]))

    q_col, k_col = st.columns([3, 1])
    query = q_col.text_input(_("Search a person"), key="paths_query", placeholder=_("name, pinyin, title or account"),
                             help=search_help())
    k = k_col.number_input(_("Paths to show"), min_value=1, max_value=20, value=max(ctx.settings.paths.top_k, 5),
                           key="paths_k")
    # by name (characters, pinyin, initials, English) or by anything the label holds (title, account)
    found = filter_people(query, candidates.to_dict(), names)
    candidates = candidates[candidates.index.isin(found)]
    if candidates.empty:
        st.info(_("Nobody matches {query}.").format(query=md(query)))
        return
    ids = candidates.index[:MAX_MATCHES].tolist()
    wanted = st.query_params.get("target")
    if wanted not in ids:
        # start from the most urgent case: the best-ranked decision-maker we do not cover yet
        urgent = ctx.compute(uncovered_decision_maker_paths, as_of=asof)
        wanted = next((t for t in urgent["target_id"] if t in ids), None)
    if wanted not in ids:
        wanted = ids[0]
    n = len(candidates)
    if n > MAX_MATCHES:
        st.caption(_("{n} people match; the first {shown} are listed").format(n=fmt_number(n), shown=MAX_MATCHES))
    else:
        st.caption(ngettext("{n} person matches", "{n} people match", n).format(n=fmt_number(n)))
    target = person_picker(_("Target"), {i: labels[i] for i in ids}, "paths_target", names=names, current=wanted,
                           placeholder=_("pick a person"))
    if target is None:
        return
    if st.query_params.get("target") != target:
        st.query_params["target"] = target
    shown = picker_labels({target: str(labels.get(target, target))}, names)[target]

    paths = ctx.compute(access_paths, target, as_of=asof, k=int(k))
    if paths.empty:
        st.warning(_("Nobody on our side can reach {person} directly or through one intermediary. Look for a shared "
                     "association, an alumni class or a former colleague to add.").format(person=md(shown)))
        return
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.subheader(_("Ranked paths"))
        for r in paths.itertuples(index=False):
            st.markdown(_("**{rank}.** score **{score}** · {kind}  \n{explanation}").format(
                rank=int(r.rank), score=fmt_number(r.score, 2), kind=md(path_kind(r.kind)), explanation=md(r.explanation)))
    with right:
        st.subheader(_("On the map"))
        pmap = ctx.compute(paths_map, paths)
        st.iframe(pmap.html, height="content", alt=_("Access paths map"))
        st.caption(ngettext("{n} path · the best one in orange · line width = strength of each leg",
                            "{n} paths · the best one in orange · line width = strength of each leg",
                            len(paths)).format(n=len(paths)))
    with st.expander(_("Details")):
        headers = {c: _(h) for c, h in DETAIL_COLUMNS.items()}
        view = paths.assign(kind=paths["kind"].map(path_kind), via_kind=paths["via_kind"].map(via_kind))
        st.dataframe(columns(view, headers), hide_index=True, width="stretch",
                     column_config={headers[c]: st.column_config.NumberColumn(format="%.2f") for c in _NUMBER_COLUMNS})


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
