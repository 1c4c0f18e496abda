"""Paths: how someone on our side reaches a person, directly or through one intermediary.

Search a target by name, title or account (``?target=<id>`` opens one directly); the ranked
paths of :func:`kamgraph.analysis.paths.access_paths` are listed and drawn on a small map.
"""

from __future__ import annotations

import streamlit as st

from kamgraph.analysis.paths import access_paths, uncovered_decision_maker_paths
from kamgraph.analysis.people import internal_ids, person_labels
from kamgraph.report.relmap import paths_map
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import columns, md

#: most matches offered in the target list
MAX_MATCHES = 300


def render(ctx: PageContext) -> None:
    st.title("Access paths")
    st.caption("Direct ties and paths through exactly one intermediary (a person or a shared organization), "
               "ranked by score = strength(us, intermediary) × strength(intermediary, target) × kind factor. "
               "Longer chains are never proposed: they cost too much and fail.")
    asof = ctx.as_of_text
    labels = ctx.compute(person_labels, with_settings=False, as_of=asof)
    ours = set(ctx.compute(internal_ids, with_settings=False))
    candidates = labels[~labels.index.isin(ours)].sort_values()

    q_col, k_col = st.columns([3, 1])
    query = q_col.text_input("Search a person", key="paths_query", placeholder="name, title or account")
    k = k_col.number_input("Paths to show", min_value=1, max_value=20, value=max(ctx.settings.paths.top_k, 5),
                           key="paths_k")
    if query.strip():
        candidates = candidates[candidates.str.contains(query.strip(), case=False, regex=False)]
    if candidates.empty:
        st.info(f"Nobody matches {md(query)!s}.")
        return
    ids = candidates.index[:MAX_MATCHES].tolist()
    wanted = st.query_params.get("target")
    if wanted not in ids:
        # start from the most urgent case: the best-ranked decision-maker we do not cover yet
        urgent = ctx.compute(uncovered_decision_maker_paths, as_of=asof)
        wanted = next((t for t in urgent["target_id"] if t in ids), None)
    index = ids.index(wanted) if wanted in ids else 0
    st.caption(f"{len(candidates)} people match" + (f"; the first {MAX_MATCHES} are listed" if len(candidates) > MAX_MATCHES else ""))
    target = st.selectbox("Target", ids, index=index, key="paths_target", format_func=lambda i: str(labels.get(i, i)))
    if st.query_params.get("target") != target:
        st.query_params["target"] = target

    paths = ctx.compute(access_paths, target, as_of=asof, k=int(k))
    if paths.empty:
        st.warning(f"Nobody on our side can reach {md(labels.get(target, target))} directly or through one "
                   "intermediary. Look for a shared association, an alumni class or a former colleague to add.")
        return
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.subheader("Ranked paths")
        for r in paths.itertuples(index=False):
            st.markdown(f"**{int(r.rank)}.** score **{r.score:.2f}** · {md(r.kind)}  \n{md(r.explanation)}")
    with right:
        st.subheader("On the map")
        pmap = ctx.compute(paths_map, paths)
        st.iframe(pmap.html, height="content", alt="Access paths map")
        st.caption(f"{len(paths)} paths · the best one in orange · line width = strength of each leg")
    with st.expander("Details"):
        st.dataframe(columns(paths, {"rank": "#", "score": "score", "kind": "kind", "via_kind": "via",
                                     "first_strength": "our leg", "second_strength": "their leg",
                                     "factor": "factor", "explanation": "path"}),
                     hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.2f")
                                    for c in ("score", "our leg", "their leg", "factor")})


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
