"""Charts as SVG strings, rendered on the server: no JavaScript, and the same SVG goes into PDFs.

Every label is escaped; the result is safe to inline in HTML.
"""

from markupsafe import Markup, escape

FONT = 'font-family="Liberation Serif, Times New Roman, serif"'
BAR = "#0b5a8a"
TARGET = "#b81d24"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def progress_bars(rows: list[tuple[str, float | None, int | None]], width: int = 640) -> Markup:
    """Horizontal bars: (label, share 0..1 or None, target percent or None) per row."""
    label_w, bar_w, row_h = 200, width - 260, 26
    height = row_h * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" {FONT} font-size="13">'
    ]
    for i, (label, value, target) in enumerate(rows):
        y = 10 + i * row_h
        length = 0 if value is None else min(1.0, value) * bar_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" fill="#e8ecef"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="16" fill="{BAR}"/>'
        )
        if target is not None:
            tx = label_w + min(100, target) / 100 * bar_w
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + 22}" '
                f'stroke="{TARGET}" stroke-width="2"/>'
            )
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}">{_pct(value)}</text>')
    legend_y = height - 6
    parts.append(
        f'<text x="{label_w}" y="{legend_y}" font-size="11" fill="{TARGET}">| chỉ tiêu</text></svg>'
    )
    return Markup("".join(parts))  # noqa: S704  (every label escaped above)


def column_chart(points: list[tuple[str, int]], width: int = 640, height: int = 180) -> Markup:
    """Vertical bars for counts over time: (label, count) per column."""
    top = max((count for _label, count in points), default=0) or 1
    n = max(1, len(points))
    plot_h, base = height - 40, height - 24
    step = (width - 40) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" {FONT} font-size="11">',
        f'<text x="0" y="12">{top}</text>',
        f'<line x1="30" y1="{base}" x2="{width}" y2="{base}" stroke="#8a8a80"/>',
    ]
    for i, (label, count) in enumerate(points):
        h = count / top * plot_h
        x = 34 + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{max(1.0, step - 3):.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{escape(label)}: {count}</title></rect>'
        )
        if n <= 12 or i % max(1, n // 8) == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every label escaped above)


def funnel(steps: list[tuple[str, int]], width: int = 640) -> Markup:
    """A funnel as bars relative to the first step: (label, count) per step."""
    first = steps[0][1] if steps and steps[0][1] else 1
    return progress_bars(
        [(f"{label} ({count})", count / first, None) for label, count in steps], width
    )
