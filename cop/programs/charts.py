"""Aggregates drawn on the server as SVG bar charts: no JavaScript, an image with a title and a
description carrying every number, and the same numbers in a table beside it (see _macros.html)."""

from markupsafe import Markup, escape

# Each answer takes two lines: its label in full width, then its bar with the count and share beside it.
ROW, LABEL_HEIGHT, BAR_HEIGHT, BAR_AREA, VALUE_WIDTH = 46, 18, 18, 380, 100
LABEL_CHARACTERS = 70


def bar_label(bar) -> str:
    return f"{bar.label} (yours)" if bar.is_yours else bar.label


def _share(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%" if total else "0%"


def bar_chart(aggregate) -> Markup:
    """Horizontal bars, one per value, longest = most programs; "yours" bars are drawn differently and
    say so in words, so colour is never the only cue."""
    chart_id = f"chart-{aggregate.key.replace('_', '-')}"
    width = BAR_AREA + VALUE_WIDTH
    height = ROW * len(aggregate.bars) + 4
    largest = aggregate.largest or 1
    description = (f"{aggregate.programs} programs at {aggregate.organizations} organizations. "
                   + "; ".join(f"{bar_label(b)}: {b.count} ({_share(b.count, aggregate.programs)})"
                               for b in aggregate.bars)
                   + (f". {aggregate.summary}." if aggregate.summary else "."))
    parts = [
        f'<svg class="program-chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(aggregate.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for n, bar in enumerate(aggregate.bars):
        y = n * ROW
        label = bar_label(bar)
        short = label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1].rstrip() + "…"
        parts.append(f'<text class="pchart-label{" pchart-label-yours" if bar.is_yours else ""}" x="0" '
                     f'y="{y + LABEL_HEIGHT - 4}">{escape(short)}</text>')
        top = y + LABEL_HEIGHT
        parts.append(f'<rect class="pchart-track" x="0" y="{top}" width="{BAR_AREA}" height="{BAR_HEIGHT}" rx="3"/>')
        length = round(BAR_AREA * bar.count / largest, 1)
        if length:
            css = "pchart-bar pchart-yours" if bar.is_yours else "pchart-bar"
            parts.append(f'<rect class="{css}" x="0" y="{top}" width="{length}" height="{BAR_HEIGHT}" rx="3"/>')
        parts.append(f'<text class="pchart-value" x="{BAR_AREA + 8}" y="{top + BAR_HEIGHT - 4}">'
                     f'{bar.count} · {_share(bar.count, aggregate.programs)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
