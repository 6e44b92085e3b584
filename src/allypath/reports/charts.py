"""Charts as Vega-Lite specs (Altair) rendered to SVG on the server (vl-convert): one spec, the same
SVG in the web page and in the PDF, no JavaScript.

Each helper returns a :class:`Chart`: the spec, an accessible SVG (``role="img"`` with a ``<title>``
and ``<desc>``) and the data behind it as a table, because a chart alone shuts out screen-reader
users and anyone who needs the exact numbers. ``chart.html()`` gives a ``<figure>`` with both.

>>> import pandas as pd
>>> chart = bar_chart(pd.DataFrame({"scale": ["A", "B"], "alpha": [0.81, 0.64]}), x="alpha", y="scale",
...                   title="Reliability")  # doctest: +SKIP
>>> chart.svg.startswith("<svg")  # doctest: +SKIP
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

__all__ = [
    "GROUP_COLORS",
    "GROUP_LABEL_COLORS",
    "STAGE_COLORS",
    "Chart",
    "bar_chart",
    "heatmap",
    "line_chart",
    "printable",
    "render_svg",
    "stacked_bar_chart",
]

# Colour-blind-safe (Okabe-Ito) colours for the four stages, Apathy .. Energised, each at least 3:1
# against the white page and the white edges between segments (WCAG 1.4.11): Okabe-Ito's own grey,
# orange and sky blue were 2.3-2.8:1, so the grey is darkened and vermillion and blue take the
# lighter two's places (tests/web/test_accessible_colours.py).
STAGE_COLORS = ("#767676", "#D55E00", "#0072B2", "#009E73")
# Okabe-Ito's eight colours, darkest first, for lines and groups (no red against green); lines
# also carry their group's name at their end, so no colour has to be told apart
GROUP_COLORS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999")
GROUP_DASHES = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3))
#: Text on the white page needs 4.5:1 (WCAG 1.4.3): six of the eight line colours are lighter than that
#: (orange 2.3:1, sky blue 2.3:1, grey 2.9:1, pink 3.1:1, green 3.4:1, vermillion 3.9:1). A line keeps its
#: colour and its name at its end is drawn in the same colour darkened until it reaches 4.5:1.
_TEXT_CONTRAST = 4.5
_INK = "#000000"


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def label_colour(colour: str) -> str:
    """``colour`` (``#rrggbb``) darkened just enough to be read as text on white (4.5:1), the same hue;
    a colour already dark enough comes back as it is, and a colour that is no ``#rrggbb`` as black."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return _INK
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    for step in range(100, -1, -1):
        shade = "#{:02X}{:02X}{:02X}".format(*(round(c * step / 100) for c in rgb))
        if 1.05 / (_luminance(shade) + 0.05) >= _TEXT_CONTRAST:
            return shade if step < 100 else colour
    return _INK  # not reached: black is 21:1


#: The line colours as the names at the lines' ends are written (#C25600, #008662, #A36186, #9C6C00,
#: #3B7CA1 and #767676 for the six light ones).
GROUP_LABEL_COLORS = tuple(label_colour(c) for c in GROUP_COLORS)
_ACCENT = "#0072B2"
_RULE = "#D55E00"
_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    """A rendered chart.

    Attributes
    ----------
    title : the chart's title (also the SVG ``<title>``).
    description : what the chart shows, in a sentence (the SVG ``<desc>`` and the figure's caption;
        the alt text is the title).
    spec : the Vega-Lite specification (JSON-ready dict).
    svg : the rendered, accessible SVG.
    data : the numbers behind the chart, shown as the accessible table.
    """

    title: str
    description: str
    spec: dict[str, Any] = field(repr=False)
    svg: str = field(repr=False)
    data: pd.DataFrame = field(repr=False)

    def table_html(self, digits: int = 3) -> str:
        """The data as an HTML table with a caption and column headers."""
        head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in self.data.columns)
        rows = []
        for record in self.data.itertuples(index=False):
            cells = "".join(f"<td>{html.escape(_cell(v, digits))}</td>" for v in record)
            rows.append(f"<tr>{cells}</tr>")
        return (
            f'<table class="chart-data"><caption>{html.escape(self.title)}: data</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    @property
    def figure_svg(self) -> str:
        """The SVG for a figure whose caption says the description: without its ``<desc>``, which a
        screen reader reads as the image's description and then again as the caption. The ``svg``
        keeps it for a chart written to a file of its own, where nothing else says it."""
        return _DESC.sub("", self.svg, count=1)

    def html(self, digits: int = 3) -> str:
        """A ``<figure>``: the SVG, a caption and the data table behind a disclosure."""
        return (
            f'<figure class="chart">{self.figure_svg}'
            f"<figcaption>{html.escape(self.description)}</figcaption>"
            f'<details class="chart-table"><summary>Data behind the chart</summary>'
            f"{self.table_html(digits)}</details></figure>"
        )


_DESC = re.compile(r"<desc\b[^>]*>.*?</desc>", re.S)


def _cell(value: object, digits: int) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.{digits}f}"
    return str(value)


# --------------------------------------------------------------------------- rendering


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "chart"


def render_svg(spec: dict[str, Any], *, title: str, description: str) -> str:
    """Render a Vega-Lite spec to an accessible SVG string that can be inlined many times per page.

    Vega names clip paths and gradients with ids such as ``clip1`` that repeat across charts; inlined
    side by side, a chart would clip to another chart's rectangle. Every id is therefore prefixed
    with a digest of the spec, which also keeps the output deterministic.
    """
    import json

    import vl_convert as vlc

    raw = vlc.vegalite_to_svg(spec)
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode(), usedforsecurity=False)
    prefix = f"{_slug(title)}-{digest.hexdigest()[:8]}"
    raw = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', raw)
    raw = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", raw)
    raw = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', raw)
    # No inline size style: the page's CSS scales the SVG (``svg { max-width: 100%; height: auto }``);
    # WeasyPrint mis-sizes inline SVG boxes that carry such a style attribute. Named by its title only:
    # the figure's caption says the description, which in the name too a screen reader reads twice.
    raw = raw.replace("<svg", f'<svg role="img" aria-labelledby="{prefix}-title"', 1)
    opening_end = raw.index(">") + 1
    label = (
        f'<title id="{prefix}-title">{html.escape(title)}</title>'
        f'<desc id="{prefix}-desc">{html.escape(description)}</desc>'
    )
    return raw[:opening_end] + label + raw[opening_end:]


#: Scripts whose text must be shaped, or set right to left, to be read (Arabic, Hebrew, the Indic
#: scripts, Thai): WeasyPrint sets an SVG's text unshaped and left to right.
_NEEDS_SHAPING = re.compile("[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0e7f\ufb1d-\ufdff\ufe70-\ufeff]")
_INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_PRINT_SCALE = 3  # the chart's pixels per CSS pixel in print: 288 dpi, as sharp as the page's text


def printable(page: str) -> str:
    """``page`` (HTML) made ready for WeasyPrint: every inline SVG whose text is in a script that needs
    shaping is replaced by an image of it drawn by resvg (vl-convert), which shapes and orders the
    text as a browser does (WeasyPrint would print "الجميع" as unjoined letters, last first). The
    image keeps the SVG's size, and its title as its alt text, as WeasyPrint gives a vector chart: the
    figure's caption says the description, which in the alt text too a screen reader would read twice
    (a chart is a complex image: a short alt that names it, the long description beside it). Every
    other SVG stays as it is (vector). The web page keeps the SVG: browsers draw it right.
    """

    def image(match: re.Match[str]) -> str:
        svg = match.group(0)
        text = re.sub(r"<[^>]+>", " ", svg)
        if not _NEEDS_SHAPING.search(html.unescape(text)):
            return svg
        import vl_convert as vlc

        png = base64.b64encode(vlc.svg_to_png(svg, scale=_PRINT_SCALE)).decode("ascii")
        opening = svg[: svg.index(">")]
        size = " ".join(
            f'{name}="{found.group(1)}"'
            for name in ("width", "height")
            if (found := re.search(rf'\s{name}="([0-9.]+)"', opening))
        )
        title = re.search(r"<title\b[^>]*>(.*?)</title>", svg, re.S)
        alt = html.escape(html.unescape(title.group(1)).strip() if title else "", quote=True)
        return f'<img class="chart-image" src="data:image/png;base64,{png}" {size} alt="{alt}">'

    return _INLINE_SVG.sub(image, page)


def _finish(chart: alt.TopLevelMixin, data: pd.DataFrame, title: str, description: str) -> Chart:
    configured = (
        chart.configure(font=_FONT)
        .configure_view(stroke=None)
        # 12 px is the smallest text a chart writes (readable when a phone scales the SVG down);
        # long group names get room before they are cut
        .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=260, gridColor="#e6e6e6")
        .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=260)
        .configure_title(fontSize=14)
    )
    spec = configured.to_dict()
    svg = render_svg(spec, title=title, description=description)
    return Chart(title=title, description=description, spec=spec, svg=svg, data=data.reset_index(drop=True))


def _color(
    field_name: str,
    domain: Sequence[str] | None,
    colors: Sequence[str] | None,
    title: str,
    count: int,
    *,
    legend: bool = True,
) -> Any:
    # Okabe-Ito (colour-blind safe) up to eight groups; tableau20 keeps up to twenty apart
    if domain is not None and colors is not None:
        scale = alt.Scale(domain=list(domain), range=list(colors))
    elif count <= len(GROUP_COLORS):
        scale = alt.Scale(domain=list(domain) if domain else alt.Undefined, range=list(GROUP_COLORS))
    else:
        scale = alt.Scale(domain=list(domain) if domain else alt.Undefined, scheme="tableau20")
    return alt.Color(
        f"{field_name}:N",
        scale=scale,
        title=title,
        sort=list(domain) if domain else None,
        legend=alt.Undefined if legend else None,
    )


def _label_ink(group: str, names: Sequence[str], colors: Sequence[str] | None, count: int) -> str:
    """The text colour of ``group``'s name at its line's end: :func:`_color`'s colour for it, darkened."""
    spelled = [str(name) for name in names]
    if group not in spelled:
        return _INK
    if colors is not None:
        palette: Sequence[str] = colors
    elif count <= len(GROUP_COLORS):
        palette = GROUP_COLORS
    else:
        return _INK  # tableau20's colours: black text beside the line's own coloured point
    return label_colour(palette[spelled.index(group) % len(palette)])


#: Column names read out as other words (a statistic's name alone says little to HR).
_FIELD_WORDS = {"mean": "average score", "from": "first wave", "to": "second wave"}
_SPOKEN = "_spoken"  # the column of each mark's accessible text (the SVG's aria-label)


def _field_title(column: str, title: str | None = None) -> str:
    """A field's name as a screen reader says it: the axis title if there is one, else the column's name
    in words ("share of respondents" -> "Share of respondents", "index_before" -> "Index before")."""
    text = title or _FIELD_WORDS.get(column, column.replace("_", " ").strip())
    return text[:1].upper() + text[1:]


def _spoken_value(value: Any, value_format: str | None = None) -> str:
    """A value as the chart writes it: ``value_format`` (a d3 format, e.g. ``.0%`` or ``,.1f``) for the
    charted number, thousands separators for counts, up to three decimals for other numbers."""
    if value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)):
        return "no figure"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Real):
        if value_format:
            try:
                return format(value, value_format.replace("~", ""))
            except (TypeError, ValueError):  # a d3 format Python does not know (e.g. "s")
                pass
        if isinstance(value, numbers.Integral):
            return f"{int(value):,}"
        return f"{float(value):,.3f}".rstrip("0").rstrip(".")
    return str(value)


def _with_spoken(
    frame: pd.DataFrame,
    fields: Sequence[tuple[str, str | None, str | None]],
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``frame`` with the accessible text of each mark in a column of its own, read by screen readers.

    ``fields`` are (column, title, d3 format) in the order they are read; the other columns of the data
    follow with their own names, so each field is said once ("Group: Sales; Stage: Apathy; Share of
    respondents: 7%"), never a raw fraction beside its percentage. ``values`` replaces the values read
    (e.g. each segment's share of its bar when the bars are normalised).
    """
    shown = frame if values is None else values
    firsts = {column: (column, title, fmt) for column, title, fmt in reversed(fields)}  # each once
    order = [firsts.pop(column) for column, _, _ in fields if column in firsts]
    named = {column for column, _, _ in order}
    order += [(str(c), None, None) for c in frame.columns if not str(c).startswith("_") and c not in named]
    columns = {column: shown[column].tolist() for column, _, _ in order}
    spoken = [
        "; ".join(
            f"{_field_title(column, title)}: {_spoken_value(columns[column][i], fmt)}"
            for column, title, fmt in order
        )
        for i in range(len(frame))
    ]
    out = frame.copy()
    out[_SPOKEN] = spoken
    return out


def _description_channel() -> Any:
    return alt.Description(f"{_SPOKEN}:N")


# --------------------------------------------------------------------------- helpers


def bar_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    description: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    color: str | None = None,
    color_domain: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    rule: float | None = None,
    rule_label: str | None = None,
    domain: tuple[float, float] | None = None,
    value_format: str = ".2f",
    dodge: bool = True,
    width: int = 520,
    bar_height: int = 16,
) -> Chart:
    """Horizontal bars: one bar per category ``y`` with length ``x`` (quantitative).

    ``rule`` draws a vertical reference line (e.g. alpha = .70); ``color`` colours bars by a column,
    side by side within each category when ``dodge`` (grouped bars), else one bar per category
    (colour as a label, e.g. the factor of each item); the category order is the order of ``data``.
    """
    order = list(dict.fromkeys(data[y].astype(str)))
    groups = data[color].nunique() if color and dodge else 1
    height = max(60, bar_height * len(order) * groups)
    scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    spoken = [(y, y_title, None), *([(color, None, None)] if color else []), (x, x_title, value_format)]
    base = alt.Chart(_with_spoken(data, spoken))
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title or x, scale=scale, axis=alt.Axis(format=value_format)),
        "y": alt.Y(f"{y}:N", title=y_title if y_title is not None else y, sort=order),
        "tooltip": [alt.Tooltip(f"{c}") for c in data.columns],
        "description": _description_channel(),
    }
    if color:
        encoding["color"] = _color(color, color_domain, colors, color, data[color].nunique())
        if dodge:
            encoding["yOffset"] = alt.YOffset(f"{color}:N", sort=list(color_domain) if color_domain else None)
    else:
        encoding["color"] = alt.value(_ACCENT)
    layers: list[Any] = [base.mark_bar().encode(**encoding)]
    if rule is not None:
        rule_frame = pd.DataFrame({"value": [rule], "label": [rule_label or f"{rule:g}"]})
        rule_chart = alt.Chart(rule_frame)
        layers.append(
            rule_chart.mark_rule(
                color=_RULE, strokeDash=[4, 3], description=f"Reference line: {rule_label or f'{rule:g}'}"
            ).encode(x="value:Q")
        )
        layers.append(
            rule_chart.mark_text(
                color=_RULE, align="left", dx=3, dy=-4, baseline="bottom", fontSize=12, aria=False
            ).encode(x="value:Q", y=alt.value(0), text="label:N")
        )
    chart = alt.layer(*layers).properties(title=title, width=width, height=height)
    text = description or f"Bar chart of {x_title or x} by {y_title or y}."
    return _finish(chart, data, title, text)


def stacked_bar_chart(
    data: pd.DataFrame,
    *,
    category: str,
    value: str,
    stack: str,
    title: str,
    description: str | None = None,
    stack_domain: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    normalize: bool = True,
    value_title: str | None = None,
    category_title: str | None = None,
    width: int = 520,
    bar_height: int = 26,
) -> Chart:
    """Horizontal stacked bars: one bar per ``category``, segments ``stack`` sized by ``value``.

    With ``normalize`` the bars show shares (each sums to 100%), the usual view of a stage mix.
    """
    order = list(dict.fromkeys(data[category].astype(str)))
    stack_order = list(stack_domain) if stack_domain else list(dict.fromkeys(data[stack].astype(str)))
    value_name = value_title or (f"share of {value}" if normalize else value)
    read = data.copy()
    if normalize:  # each segment is read as its share of the bar, as the axis shows it
        amounts = pd.to_numeric(read[value], errors="coerce")
        totals = amounts.groupby(read[category].astype(str)).transform("sum")
        read[value] = amounts / totals.where(totals != 0)
    frame = _with_spoken(
        data,
        [
            (category, category_title, None),
            (stack, None, None),
            (value, value_name, ".0%" if normalize else ",.0f"),
        ],
        values=read,
    )
    frame["_order"] = frame[stack].astype(str).map({s: i for i, s in enumerate(stack_order)})
    chart = (
        alt.Chart(frame)
        # a white line between segments: neighbours whose colours are close in lightness (the grey and
        # the vermillion of the stage mix) stay apart for anyone who does not see the hue
        .mark_bar(stroke="#ffffff", strokeWidth=1.5)
        .encode(
            x=alt.X(
                f"sum({value}):Q",
                stack="normalize" if normalize else "zero",
                title=value_name,
                axis=alt.Axis(format=".0%" if normalize else ",.0f"),
            ),
            y=alt.Y(
                f"{category}:N", sort=order, title=category_title if category_title is not None else category
            ),
            color=_color(stack, stack_order, colors, stack, len(stack_order)),
            order=alt.Order("_order:Q"),
            tooltip=[alt.Tooltip(c) for c in data.columns],
            description=_description_channel(),
        )
        .properties(title=title, width=width, height=max(50, bar_height * len(order)))
    )
    text = description or f"Stacked bars of {value} by {stack} for each {category}."
    return _finish(chart, data, title, text)


def heatmap(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str,
    title: str,
    description: str | None = None,
    domain: tuple[float, float] = (-1.0, 1.0),
    colors: Sequence[str] = ("#4393c3", "#f7f7f7", "#d6604d"),
    value_format: str = ".2f",
    label_threshold: float | None = 0.3,
    cell_size: int = 34,
) -> Chart:
    """A grid of ``value`` by ``x`` (columns) and ``y`` (rows), with the values written in the cells.

    ``label_threshold`` writes values at least that large in absolute size in bold (the others in
    regular weight), the way loadings tables highlight salient loadings. ``colors`` are the low,
    middle and high ends of the diverging colour scale over ``domain``.
    """
    x_order = list(dict.fromkeys(data[x].astype(str)))
    y_order = list(dict.fromkeys(data[y].astype(str)))
    frame = _with_spoken(data, [(y, None, None), (x, None, None), (value, None, value_format)])
    threshold = label_threshold if label_threshold is not None else -math.inf
    frame["_salient"] = frame[value].abs() >= threshold
    # long column labels are slanted so the cells can stay square
    angle = 0 if max(map(len, x_order)) <= 4 else -40
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=None, axis=alt.Axis(orient="top", labelAngle=angle)),
        y=alt.Y(f"{y}:N", sort=y_order, title=None),
    )
    cells = base.mark_rect().encode(
        # pale diverging colours keep the written values legible; the values make a legend redundant
        color=alt.Color(
            f"{value}:Q",
            scale=alt.Scale(domain=[domain[0], (domain[0] + domain[1]) / 2, domain[1]], range=list(colors)),
            legend=None,
        ),
        tooltip=[alt.Tooltip(c) for c in data.columns],
        description=_description_channel(),
    )
    text_value = alt.Text(f"{value}:Q", format=value_format)
    # dark text on the pale cells keeps WCAG contrast; weight, not colour, marks the salient values.
    # The written values repeat their cell's, which a screen reader has already said: hidden from it.
    strong = base.mark_text(fontSize=12, fontWeight="bold", color="#000000", aria=False).encode(
        text=text_value
    )
    weak = base.mark_text(fontSize=12, color="#333333", aria=False).encode(text=text_value)
    labels = alt.layer(strong.transform_filter("datum._salient"), weak.transform_filter("!datum._salient"))
    chart = alt.layer(cells, labels).properties(
        title=title, width=cell_size * len(x_order), height=max(60, 18 * len(y_order))
    )
    text = description or f"Heatmap of {value} by {x} and {y}."
    return _finish(chart, data, title, text)


def line_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    description: str | None = None,
    color: str | None = None,
    color_domain: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    x_type: str = "O",
    x_title: str | None = None,
    y_title: str | None = None,
    rule: float | None = None,
    zero: bool = False,
    value_format: str = ",.2f",
    width: int = 520,
    height: int = 220,
    label_ends: bool = True,
    y_domain: tuple[float, float] | None = None,
) -> Chart:
    """Lines with points of ``y`` over ``x`` (ordinal by default: levels, k, iterations), one line per
    ``color`` group, each in its own colour (Okabe-Ito) and dash pattern and named at its last point
    with its value (``label_ends``), so no line is told apart by colour alone; ``rule`` draws a
    horizontal reference line."""
    x_order = list(dict.fromkeys(data[x])) if x_type in ("O", "N") else None
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:{x_type}", sort=x_order, title=x_title or x, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(
            f"{y}:Q",
            title=y_title or y,
            scale=alt.Scale(domain=list(y_domain)) if y_domain else alt.Scale(zero=zero),
            axis=alt.Axis(format=value_format),
        ),
        "tooltip": [alt.Tooltip(c) for c in data.columns],
        "description": _description_channel(),
    }
    encoding["color"] = (
        _color(color, color_domain, colors, color, data[color].nunique()) if color else alt.value(_ACCENT)
    )
    names: list[str] = []
    if color:
        names = list(color_domain) if color_domain else list(dict.fromkeys(data[color].astype(str)))
        dashes = [list(GROUP_DASHES[i % len(GROUP_DASHES)]) for i in range(len(names))]
        encoding["strokeDash"] = alt.StrokeDash(
            f"{color}:N", scale=alt.Scale(domain=names, range=dashes), legend=None
        )
        if label_ends:  # the lines are named where they end: a legend would only repeat the names
            # the domain given, so that the n-th name has the n-th colour, as its label below
            encoding["color"] = _color(color, names, colors, color, data[color].nunique(), legend=False)
    spoken = [*([(color, None, None)] if color else []), (x, x_title, None), (y, y_title, value_format)]
    layers: list[Any] = [
        alt.Chart(_with_spoken(data, spoken)).mark_line(point=True, strokeWidth=2.5).encode(**encoding)
    ]
    if color and label_ends:
        # each line named at its last point: the reader never has to match a colour to a legend
        ends = data.groupby(color, sort=False).tail(1).copy()
        ends["_label"] = [
            f"{group}: {value:{value_format}}" for group, value in zip(ends[color], ends[y], strict=True)
        ]
        # in its line's colour darkened to 4.5:1 (black past the eight Okabe-Ito colours)
        count = data[color].nunique()
        ends["_ink"] = [_label_ink(str(group), names, colors, count) for group in ends[color]]
        layers.append(
            alt.Chart(ends)
            .mark_text(align="left", dx=8, fontSize=12, fontWeight="bold", aria=False)  # the point said it
            .encode(
                x=alt.X(f"{x}:{x_type}", sort=x_order),
                y=alt.Y(f"{y}:Q"),
                text="_label:N",
                color=alt.Color("_ink:N", scale=None, legend=None),
            )
        )
    if rule is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"value": [rule]}))
            .mark_rule(color=_RULE, strokeDash=[4, 3], description=f"Reference line: {rule:g}")
            .encode(y="value:Q")
        )
    chart = alt.layer(*layers).properties(title=title, width=width, height=height)
    text = description or f"Line chart of {y_title or y} by {x_title or x}."
    return _finish(chart, data, title, text)
