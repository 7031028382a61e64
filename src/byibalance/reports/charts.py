"""Small inline-SVG charts for the report: no browser, no network, no CDN."""

from __future__ import annotations

from html import escape

COLOURS = ("#1b5e8c", "#c0661e", "#3b7d3b", "#7a3b7d")


def line_chart_svg(
    series: dict[str, list[tuple[int, float]]], *, title: str, width: int = 640, height: int = 260
) -> str:
    """An SVG line chart of ``series`` (name -> [(year, value)]), y axis from the data's range.

    x = left + (year - y0) / (y1 - y0) * plot width; y = bottom - (v - lo) / (hi - lo) * height.
    """
    points = [p for s in series.values() for p in s]
    if not points:
        return f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="20"></svg>'
    y0, y1 = min(p[0] for p in points), max(p[0] for p in points)
    lo, hi = min(p[1] for p in points), max(p[1] for p in points)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    left, right, top, bottom = 70, width - 10, 30, height - 45
    sx = (right - left) / max(y1 - y0, 1)
    sy = (bottom - top) / (hi - lo)

    def xy(year: int, v: float) -> str:
        return f"{left + (year - y0) * sx:.1f},{bottom - (v - lo) * sy:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-size="11" '
        'font-family="sans-serif">',
        f'<text x="{left}" y="16" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#444"/>',
    ]
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        y = bottom - (v - lo) * sy
        label = f"{v:,.0f}".replace(",", ".")
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    step = 5 if y1 - y0 > 10 else 1
    for year in range(y0 - y0 % step + (step if y0 % step else 0), y1 + 1, step):
        x = left + (year - y0) * sx
        parts.append(f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle">{year}</text>')
    for i, (name, pts) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(xy(y, v) for y, v in pts)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        lx = left + i * 180
        parts.append(f'<rect x="{lx}" y="{height - 18}" width="12" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="{height - 13}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(
    items: list[tuple[str, float]], *, title: str, highlight: str | None = None, width: int = 640
) -> str:
    """A horizontal SVG bar chart of ``items`` (label, value), the ``highlight`` label in colour.

    bar length = |value| / max |value| * plot width, from a zero line (negatives to the left).
    """
    row, top, label_w = 16, 26, 130
    height = top + row * len(items) + 10
    biggest = max((abs(v) for _, v in items), default=0.0) or 1.0
    has_negative = any(v < 0 for _, v in items)
    plot = width - label_w - 70
    zero = label_w + (plot / 2 if has_negative else 0)
    scale = (plot / 2 if has_negative else plot) / biggest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-size="11" '
        'font-family="sans-serif">',
        f'<text x="4" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = top + i * row
        colour = COLOURS[1] if label == highlight else COLOURS[0]
        x = zero if value >= 0 else zero - abs(value) * scale
        weight = ' font-weight="bold"' if label == highlight else ""
        parts.append(f'<text x="{label_w - 4}" y="{y + 11}" text-anchor="end"{weight}>'
                     f"{escape(label)}</text>")  # fmt: skip
        parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{abs(value) * scale:.1f}" '
                     f'height="{row - 4}" fill="{colour}"/>')  # fmt: skip
        text = f"{value:.1%}" if abs(biggest) < 5 else f"{value:,.1f}"
        parts.append(f'<text x="{zero + max(value, 0) * scale + 4:.1f}" y="{y + 11}"{weight}>'
                     f"{escape(text)}</text>")  # fmt: skip
    parts.append(f'<line x1="{zero}" y1="{top}" x2="{zero}" y2="{height - 10}" stroke="#444"/>')
    parts.append("</svg>")
    return "".join(parts)
