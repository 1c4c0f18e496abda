"""Self-contained HTML: the coverage report page, charts as inline SVG, shared building blocks.

Everything a page needs is inside the file: CSS in a ``<style>`` element, charts as inline
``<svg>`` generated here, no script, no font, no image and no link to a network address,
so a report opens offline, prints, and can be mailed. Every text that comes from data is
HTML-escaped (:func:`esc`), inside tables and inside the SVG alike. The output is
deterministic: fixed number formats, no timestamps, rows in the order given.

>>> esc('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from kamgraph.i18n import N_, _, current_language, fmt_day, fmt_money, fmt_month, pgettext
from kamgraph.i18n.terms import term

if TYPE_CHECKING:  # pragma: no cover
    from kamgraph.report.portfolio import CoverageReport

__all__ = ["esc", "cell_text", "table_html", "bar_chart_svg", "line_chart_svg", "page", "render_coverage_report",
           "render_map_index", "PALETTE"]

#: chart colours (colour-blind-safe Okabe-Ito order)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

CSS = """
body { font-family: -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC",
       "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif;
       margin: 2em; color: #222; max-width: 1400px; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ccc; padding-bottom: .2em; }
h3 { font-size: 1.05em; margin-top: 1.2em; }
.meta { color: #555; font-size: .9em; }
.scope { font-size: 1.1em; margin: .3em 0; }
table { border-collapse: collapse; font-size: .82em; margin: .6em 0 1em 0; }
th, td { border: 1px solid #ddd; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 2em; }
.note { color: #666; font-size: .85em; }
.card { border: 1px solid #ccc; border-radius: 4px; padding: .6em 1em; margin: .8em 0; page-break-inside: avoid; }
.card h4 { margin: .1em 0 .4em 0; font-size: 1em; }
.exec { page-break-before: always; }
.exec:first-of-type { page-break-before: auto; }
nav a { margin-right: 1em; }
@media print { body { margin: 1cm; } nav { display: none; } }
"""


def esc(value) -> str:
    """HTML-escaped text of any value (None and NaN become empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    return html.escape(str(value), quote=True)


def cell_text(v) -> str:
    """The displayed text of one table value: fixed decimals, dates (ISO in English), ``yes``/``no``."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return _("yes") if v else _("no")
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}" if abs(int(v)) >= 10000 else str(int(v))
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return ""
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:.3f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:.0f}"
    if isinstance(v, pd.Timestamp):
        if current_language() != "en" and v == v.normalize():
            return fmt_day(v)
        return v.strftime("%Y-%m-%d") if v == v.normalize() else v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, (list, tuple)):
        return "; ".join(cell_text(x) for x in v)
    return str(v)


def table_html(df: pd.DataFrame, max_rows: int | None = None, css_class: str = "",
               numeric_columns: Iterable[str] = ()) -> str:
    """An escaped ``<table>`` of ``df`` (numbers, and the text of ``numeric_columns``,
    right-aligned); a note when rows were cut."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    rows = df if max_rows is None else df.head(max_rows)
    right = [c in set(numeric_columns) for c in df.columns]
    body = []
    for values in rows.itertuples(index=False):
        cells = []
        for v, r in zip(values, right):
            numeric = r or (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)))
            cells.append(f'<td class="num">{esc(cell_text(v))}</td>' if numeric else f"<td>{esc(cell_text(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if max_rows is not None and len(df) > max_rows:
        more = '<p class="note">{}</p>'.format(esc(_("{n} more rows in the Excel workbook and CSV files.").format(
            n=len(df) - max_rows)))
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _n(x: float) -> str:
    return f"{x:.1f}"


def bar_chart_svg(items: Sequence[tuple[str, float]], title: str, max_value: float | None = None,
                  value_format: str = "{:.2f}", width: int = 520, bar_height: int = 20,
                  color: str = PALETTE[0]) -> str:
    """A horizontal bar chart as inline SVG; NaN values draw no bar and show "n/a"."""
    label_w, pad, top = 170, 8, 30
    values = [float(v) for _label, v in items]
    finite = [v for v in values if not math.isnan(v)]
    vmax = max_value if max_value is not None else (max(finite) if finite else 1.0)
    vmax = vmax if vmax > 0 else 1.0
    plot_w = width - label_w - 60
    not_available = _("n/a")
    height = top + len(items) * (bar_height + pad) + pad
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
             f"<title>{esc(title)}</title>",
             f'<text x="0" y="18" font-size="14" font-weight="bold">{esc(title)}</text>']
    for k, ((label, _value), v) in enumerate(zip(items, values)):
        y = top + k * (bar_height + pad)
        parts.append(f'<text x="{label_w - 6}" y="{_n(y + bar_height * 0.7)}" font-size="12" '
                     f'text-anchor="end">{esc(label)}</text>')
        if math.isnan(v):
            parts.append(f'<text x="{label_w + 4}" y="{_n(y + bar_height * 0.7)}" font-size="12" '
                         f'fill="#777">{esc(not_available)}</text>')
            continue
        w = max(0.0, min(1.0, v / vmax)) * plot_w
        parts.append(f'<rect x="{label_w}" y="{y}" width="{_n(w)}" height="{bar_height}" fill="{color}"/>')
        parts.append(f'<text x="{_n(label_w + w + 4)}" y="{_n(y + bar_height * 0.7)}" font-size="12">'
                     f"{esc(value_format.format(v))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(x_labels: Sequence[str], series: Mapping[str, Sequence[float]], title: str,
                   y_max: float = 1.0, width: int = 620, height: int = 300) -> str:
    """A line chart (one line per series, shared x labels) as inline SVG with a legend."""
    left, right, top, bottom = 44, 150, 30, 40
    pw, ph = width - left - right, height - top - bottom
    n = len(x_labels)
    step = pw / (n - 1) if n > 1 else 0.0

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + ph - max(0.0, min(1.0, v / y_max)) * ph

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
             f"<title>{esc(title)}</title>",
             f'<text x="0" y="18" font-size="14" font-weight="bold">{esc(title)}</text>']
    for k in range(5):  # gridlines at 0, 25, 50, 75, 100 % of y_max
        v = y_max * k / 4
        _x, y = xy(0, v)
        parts.append(f'<line x1="{left}" y1="{_n(y)}" x2="{left + pw}" y2="{_n(y)}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{_n(y + 4)}" font-size="10" text-anchor="end">{v:.2f}</text>')
    every = max(1, math.ceil(n / 6))
    for i, lab in enumerate(x_labels):
        if (n - 1 - i) % every == 0:  # evenly spaced, ending at the last month
            x, _y = xy(i, 0)
            parts.append(f'<text x="{_n(x)}" y="{top + ph + 16}" font-size="10" text-anchor="middle">'
                         f"{esc(lab)}</text>")
    for k, (name, values) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        pts = [xy(i, float(v)) for i, v in enumerate(values) if not math.isnan(float(v))]
        if pts:
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        ly = top + 14 * k + 6
        parts.append(f'<rect x="{left + pw + 12}" y="{ly}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{left + pw + 26}" y="{ly + 9}" font-size="11">{esc(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


#: the ``lang`` attribute of a page in each language
HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}


def page(title: str, body: str, extra_css: str = "") -> str:
    """A complete HTML document (UTF-8, inline CSS, no external resources) in the current language
    (``<html lang="zh-CN">`` for Chinese, so browsers pick CJK fonts and print them)."""
    lang = HTML_LANG.get(current_language(), "en")
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _defs(items: Iterable[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items) + "</table>"


# -- the coverage report --------------------------------------------------------------------

_SECTIONS = (
    ("accounts", N_("Accounts"), ["account_name", "account_id", "tier", "region", "owner_id", "revenue", "currency",
                              "contacts", "buying_center", "buying_center_covered", "coverage_score", "threads",
                              "iron_triangle_complete", "missing_team_roles", "gaps", "top_gap_priority"]),
    ("gaps", N_("Gaps"), ["account_name", "tier", "kind", "priority", "target_id", "action", "evidence"]),
    ("buying_centers", N_("Buying centers"), ["account_name", "contact_id", "title", "decision_role", "attitude",
                                          "influence", "best_strength", "best_internal_id", "covered", "peer_covered",
                                          "threads", "trend"]),
    ("access_paths", N_("Access paths"), ["account_name", "target_id", "decision_role", "rank", "score",
                                      "explanation"]),
    ("trends", N_("Changes since the previous period"), ["date", "kind", "description"]),
    ("team", N_("Team"), ["internal_id", "title", "level", "team_roles", "accounts", "threads", "strong_ties",
                      "best_tie_to", "sole_thread_to", "load_share", "key_person_risk"]),
)


def _html_table(report: "CoverageReport", key: str, cols: Sequence[str] | None = None) -> str:
    """:func:`_html_frame` as an HTML table, the numbers right-aligned."""
    frame, numeric = _html_frame(report, key, cols)
    return table_html(frame, numeric_columns=numeric)


def _html_frame(report: "CoverageReport", key: str,
                cols: Sequence[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """A report table as people read it (:meth:`CoverageReport.readable`), numbers written
    with their format: shares as %, revenue with its currency, strengths with two decimals;
    and the headers of those numbers."""
    r = report.readable(key)
    keep = [c.header for c in r.columns if cols is None or c.name in cols]
    if cols is not None:  # the order of ``cols``
        order = {name: i for i, name in enumerate(cols)}
        keep = [c.header for c in sorted((c for c in r.columns if c.name in order), key=lambda c: order[c.name])]
    out = r.frame[keep].copy()
    for h in keep:
        fmt = r.formats.get(h)
        if fmt is None:
            continue
        fmts = [fmt] * len(out) if isinstance(fmt, str) else list(fmt)
        out[h] = pd.Series([_formatted(v, f) for v, f in zip(out[h].tolist(), fmts)], index=out.index, dtype=object)
    numeric = [h for h in keep if r.formats.get(h) is not None
               and not (isinstance(r.formats[h], str) and r.formats[h].startswith("yyyy"))]
    return out, numeric


def _formatted(v, fmt: str | None):
    """``v`` as text in the spirit of its Excel number format (other values as they are)."""
    if fmt is None or v is None or isinstance(v, (bool, np.bool_, str)) or (isinstance(v, float) and math.isnan(v)):
        return v
    if isinstance(v, pd.Timestamp) or hasattr(v, "strftime"):
        if current_language() != "en":
            return fmt_month(v) if fmt == "yyyy-mm" else fmt_day(v)
        return pd.Timestamp(v).strftime("%Y-%m" if fmt == "yyyy-mm" else "%Y-%m-%d")
    if not isinstance(v, (int, float, np.integer, np.floating)):
        return v
    v = float(v)
    if fmt.startswith("+0%"):
        return f"{v:+.0%}"
    if "%" in fmt:
        return f"{v:.1%}" if fmt == "0.0%" else f"{v:.0%}"
    if fmt.startswith("+0.00"):
        return f"{v:+.2f}"
    if "#,##0" in fmt:
        literal = fmt.split('"')[1] if '"' in fmt else ""
        if literal and current_language() != "en":
            return fmt_money(v, literal)
        return f"{v:,.0f}" + (f" {literal}" if literal else "")
    if fmt == "0.00":
        return f"{v:.2f}"
    if fmt == "0":
        return f"{v:.0f}"
    return v


def render_coverage_report(report: "CoverageReport") -> str:
    """The report as one offline HTML page: the scope in words, KPIs, three charts, every table."""
    from kamgraph.report.columns import LABEL_WORDS
    from kamgraph.report.portfolio import about_item

    english = current_language() == "en"
    t = report.tables
    about = t["about"]

    def tier_word(x) -> str:  # a tier, or the line of every account, in words
        x = str(x)
        return x if english else (_(LABEL_WORDS[x]) if x in LABEL_WORDS else term("tier", x))

    body = [f"<h1>{esc(report.title)}</h1>",
            '<p class="scope"><strong>{}</strong></p>'.format(
                esc(_("Scope: {scope}").format(scope=report.scope_label))),
            '<p class="meta">{}</p>'.format(
                _("As of {day} · scope: {scope} · previous period from {previous} · settings {settings}").format(
                    day=f"<strong>{esc(fmt_day(report.as_of))}</strong>", scope=esc(report.scope_label),
                    previous=esc(fmt_day(report.previous)),
                    settings=esc(about.loc[about['item'] == 'settings_hash', 'value'].iloc[0]))),
            f'<p class="note">{esc(report.tiers_note)}</p>',
            "<nav>" + "".join(f'<a href="#{k}">{esc(_(label))}</a>' for k, label, _cols in
                              (("summary", N_("Summary"), None), ("charts", N_("Charts"), None), *_SECTIONS)) + "</nav>"]

    body.append('<h2 id="summary">{}</h2>'.format(esc(_("Summary"))))
    body.append(_html_table(report, "summary"))
    body.append("<h3>{}</h3>".format(esc(_("Tiers"))) + _html_table(report, "tiers"))
    body.append("<h3>{}</h3>".format(esc(_("Pareto"))) + _html_table(report, "pareto"))

    body.append('<h2 id="charts">{}</h2><div class="charts">'.format(esc(_("Charts"))))
    tiers = t["tiers"]
    body.append(bar_chart_svg([(tier_word(r.tier), float(r.mean_coverage_score)) for r in tiers.itertuples()],
                              _("Mean coverage score by tier"), max_value=1.0, value_format="{:.0%}"))
    counts = t["gaps"]["kind"].value_counts()
    from kamgraph.analysis.gaps import GAP_KINDS

    body.append(bar_chart_svg([(k.replace("_", " ") if english else term("gap_kind", k), float(counts.get(k, 0)))
                               for k in GAP_KINDS],
                              _("Open gaps by kind"), value_format="{:.0f}", color=PALETTE[3]))
    st = t["strength_trend"]
    if len(st):
        months = sorted(st["month"].unique())
        series = {}
        for tier in dict.fromkeys(st["tier"]):
            s = st[st["tier"] == tier].set_index("month")["mean_strength"].reindex(months)
            series[tier_word(tier)] = s.astype(float).tolist()
        body.append(line_chart_svg([pd.Timestamp(m).strftime("%Y-%m") if english else fmt_month(m) for m in months],
                                   series, _("Mean strength of the buying centers' best relationships")))
    body.append("</div>")

    for key, label, cols in _SECTIONS:
        df = t[key]
        rows = _("({n} rows)").format(n=len(df))
        body.append(f'<h2 id="{key}">{esc(_(label))} <span class="note">{esc(rows)}</span></h2>')
        body.append(_html_table(report, key, [c for c in cols if c in df.columns]))

    body.append('<h2 id="about">{}</h2>'.format(esc(_("About this report"))))
    body.append(_defs((str(i) if english else about_item(i), f"{v} ({n})" if n else str(v))
                      for i, v, n in about.itertuples(index=False)))
    return page(report.title, "\n".join(body))


def render_map_index(report: "CoverageReport", entries: Sequence[tuple[str, str, int, int, str | None]]) -> str:
    """An index page linking the per-account relationship maps (relative links only)."""
    names = report.snap.accounts.drop_duplicates("id").set_index("id")["name"]
    rows = "".join(
        f'<tr><td><a href="{esc(f)}">{esc(a)}</a></td><td>{esc(names.get(a, a))}</td>'
        f'<td class="num">{n}</td><td class="num">{e}</td><td>{esc(msg or "")}</td></tr>'
        for a, f, n, e, msg in entries)
    heads = "".join(f"<th>{esc(h)}</th>" for h in (_("account"), pgettext("account", "name"), _("people"), _("links"),
                                                               _("note")))
    meta = _("As of {day} · scope: {scope}").format(day=fmt_day(report.as_of), scope=report.scope_label)
    heading = _("Relationship maps")
    body = (f"<h1>{esc(heading)}</h1><p class=\"meta\">{esc(meta)}</p>"
            f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>")
    return page(_("Relationship maps, {day}").format(day=fmt_day(report.as_of)), body)
