"""The dashboard's charts, drawn on the server as SVG in the programs charts' style: an image with a title
and a description that carries the numbers, no JavaScript, and the same numbers in a table beside it."""

from markupsafe import Markup, escape

from cop.programs.charts import BAR_AREA, BAR_HEIGHT, LABEL_CHARACTERS, LABEL_HEIGHT, ROW, VALUE_WIDTH

# Lines over time: the plot's size inside the image, and room for the axis labels around it.
PLOT_WIDTH, PLOT_HEIGHT, LEFT, TOP, BOTTOM = 440, 180, 40, 12, 56
# Each series is told apart by its dash and its marker as well as its colour.
DASHES = ["", "6 4", "2 3", "10 3 2 3"]
# The same colours as presentation attributes, for renderers that do not apply the site's stylesheet to SVG
# (WeasyPrint, for the PDF report); on the site the stylesheet's rules take precedence over them.
COLOURS = ["#1d4e89", "#b4451f", "#2f6b3a", "#6a3d9a"]
INK, MUTED, TRACK, LINE = "#1b2430", "#4f5b6a", "#eef2f7", "#d5dbe3"
MARKERS = ["circle", "square", "diamond", "triangle"]


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="program-chart dash-chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(chart_id: str, title: str, bars: list[tuple[str, int | float, str]]) -> Markup:
    """Horizontal bars, one per (label, value, value as shown). Negative values (a topic that shrank) grow
    left from a middle axis, positive ones right, and the shown value carries the sign in words."""
    width = BAR_AREA + VALUE_WIDTH
    height = ROW * len(bars) + 4
    largest = max((abs(value) for _, value, _ in bars), default=0) or 1
    diverging = any(value < 0 for _, value, _ in bars)
    zero, scale = (BAR_AREA / 2, BAR_AREA / 2) if diverging else (0, BAR_AREA)
    description = "; ".join(f"{label}: {shown}" for label, _, shown in bars) + "." if bars else "No data."
    parts = _open(chart_id, title, description, width, height)
    for n, (label, value, shown) in enumerate(bars):
        y = n * ROW
        parts.append(f'<text class="pchart-label" fill="{INK}" font-size="13" x="0" y="{y + LABEL_HEIGHT - 4}">{escape(_short(label))}</text>')
        top = y + LABEL_HEIGHT
        parts.append(f'<rect class="pchart-track" fill="{TRACK}" x="0" y="{top}" width="{BAR_AREA}" height="{BAR_HEIGHT}" rx="3"/>')
        length = round(scale * abs(value) / largest, 1)
        if length:
            x = zero - length if value < 0 else zero
            css = "pchart-bar dchart-negative" if value < 0 else "pchart-bar"
            colour = COLOURS[1] if value < 0 else COLOURS[0]
            parts.append(f'<rect class="{css}" fill="{colour}" x="{x}" y="{top}" width="{length}" height="{BAR_HEIGHT}" rx="3"/>')
        if diverging:
            parts.append(f'<line class="dchart-axis" stroke="{INK}" x1="{zero}" x2="{zero}" y1="{top - 2}" '
                         f'y2="{top + BAR_HEIGHT + 2}"/>')
        parts.append(f'<text class="pchart-value" fill="{INK}" font-size="13" font-weight="700" x="{BAR_AREA + 8}" y="{top + BAR_HEIGHT - 4}">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _marker(kind: str, x: float, y: float, css: str, colour: str) -> str:
    if kind == "square":
        return f'<rect class="{css}" fill="{colour}" x="{x - 3}" y="{y - 3}" width="6" height="6"/>'
    if kind == "diamond":
        return f'<path class="{css}" fill="{colour}" d="M{x} {y - 4}L{x + 4} {y}L{x} {y + 4}L{x - 4} {y}Z"/>'
    if kind == "triangle":
        return f'<path class="{css}" fill="{colour}" d="M{x} {y - 4}L{x + 4} {y + 3}L{x - 4} {y + 3}Z"/>'
    return f'<circle class="{css}" fill="{colour}" cx="{x}" cy="{y}" r="3"/>'


def line_chart(chart_id: str, title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> Markup:
    """Several series over the same labels (weeks, months): one line each, with a legend that names them
    beside a sample of their dash and marker. The description gives every value."""
    width, height = LEFT + PLOT_WIDTH + 10, TOP + PLOT_HEIGHT + BOTTOM
    largest = max((v for _, values in series for v in values), default=0) or 1
    step = PLOT_WIDTH / max(len(labels) - 1, 1)
    description = " ".join(
        f"{name}: " + ", ".join(f"{label} {value}" for label, value in zip(labels, values)) + "."
        for name, values in series)
    parts = _open(chart_id, title, description, width, height)
    for fraction in (0, 0.5, 1):
        y = round(TOP + PLOT_HEIGHT * (1 - fraction), 1)
        parts.append(f'<line class="dchart-grid" stroke="{LINE}" x1="{LEFT}" x2="{LEFT + PLOT_WIDTH}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text class="dchart-tick" fill="{MUTED}" font-size="12" x="{LEFT - 6}" y="{y + 4}" text-anchor="end">'
                     f'{round(largest * fraction)}</text>')
    shown = {0, len(labels) - 1, (len(labels) - 1) // 2}
    for n, label in enumerate(labels):
        if n in shown:
            anchor = "start" if n == 0 and len(labels) > 1 else "end" if n == len(labels) - 1 and n else "middle"
            parts.append(f'<text class="dchart-tick" fill="{MUTED}" font-size="12" x="{round(LEFT + n * step, 1)}" y="{TOP + PLOT_HEIGHT + 16}" '
                         f'text-anchor="{anchor}">{escape(label)}</text>')
    for s, (name, values) in enumerate(series):
        css = f"dchart-series dchart-series-{s % len(DASHES)}"
        colour = COLOURS[s % len(COLOURS)]
        points = [(round(LEFT + n * step, 1), round(TOP + PLOT_HEIGHT * (1 - v / largest), 1))
                  for n, v in enumerate(values)]
        dash = f' stroke-dasharray="{DASHES[s % len(DASHES)]}"' if DASHES[s % len(DASHES)] else ""
        parts.append(f'<polyline class="{css}" fill="none" stroke="{colour}" stroke-width="2"{dash} points="'
                     + " ".join(f"{x},{y}" for x, y in points) + '"/>')
        if len(points) <= 60:
            parts.extend(_marker(MARKERS[s % len(MARKERS)], x, y, f"dchart-marker-{s % len(DASHES)}", colour)
                         for x, y in points)
        legend_x, legend_y = LEFT + (s % 2) * 220, TOP + PLOT_HEIGHT + 32 + (s // 2) * 16
        parts.append(f'<line class="{css}" stroke="{colour}" stroke-width="2"{dash} x1="{legend_x}" x2="{legend_x + 24}" y1="{legend_y - 4}" '
                     f'y2="{legend_y - 4}"/>')
        parts.append(_marker(MARKERS[s % len(MARKERS)], legend_x + 12, legend_y - 4,
                             f"dchart-marker-{s % len(DASHES)}", colour))
        parts.append(f'<text class="dchart-tick" fill="{INK}" font-size="12" x="{legend_x + 30}" y="{legend_y}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
