"""Charts as SVG strings, rendered on the server: no JavaScript, and the same SVG goes into PDFs.

Every label is escaped; the result is safe to inline in HTML.
"""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from services.common.vietnamese import vn_percent

# Pages set their text in a sans-serif face; the administrative PDFs in Times New Roman's
# metric twin. A chart takes the face of the medium it sits in.
SANS = "Noto Sans, DejaVu Sans, Liberation Sans, Arial, sans-serif"
SERIF = "Liberation Serif, Times New Roman, serif"
BAR = "#0b5a8a"
TARGET = "#b81d24"


def _pct(value: float | None) -> str:
    return vn_percent(value)


def _svg(width: int, height: int, font: str, size: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" font-family="{font}" font-size="{size}">'
    )


def progress_bars(
    rows: list[tuple[str, float | None, int | None]], width: int = 640, font: str = SANS
) -> Markup:
    """Horizontal bars: (label, share 0..1 or None, target percent or None) per row; a red
    line marks each row's target, and the legend names the line only when one is drawn."""
    label_w, bar_w, row_h = 200, width - 260, 26
    has_target = any(target is not None for _label, _value, target in rows)
    height = row_h * len(rows) + (30 if has_target else 10)
    parts = [_svg(width, height, font, 13)]
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
    if has_target:
        legend_y = height - 10
        parts.append(
            f'<line x1="{label_w}" y1="{legend_y - 9}" x2="{label_w}" y2="{legend_y + 3}" '
            f'stroke="{TARGET}" stroke-width="2"/>'
            f'<text x="{label_w + 6}" y="{legend_y}" font-size="11" fill="{TARGET}">'
            f"{escape(_('chỉ tiêu'))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every label escaped above)


def column_chart(
    points: list[tuple[str, int]], width: int = 640, height: int = 180, font: str = SANS
) -> Markup:
    """Vertical bars for counts over time: (label, count) per column."""
    top = max((count for _label, count in points), default=0) or 1
    n = max(1, len(points))
    plot_h, base = height - 40, height - 24
    step = (width - 40) / n
    parts = [
        _svg(width, height, font, 11),
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


def funnel(steps: list[tuple[str, int]], width: int = 640, font: str = SANS) -> Markup:
    """A funnel as bars relative to the first step: (label, count) per step."""
    first = steps[0][1] if steps and steps[0][1] else 1
    return progress_bars(
        [(f"{label} ({count})", count / first, None) for label, count in steps], width, font
    )


def _short(label: str, limit: int = 90) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def answer_bars(rows: list[tuple[str, int, float]], width: int = 640, font: str = SANS) -> Markup:
    """Horizontal bars for answers: (label, count, share 0..1) per row. Each label sits on its
    own line above its bar (long answers are cut, whole in the tooltip)."""
    bar_w, row_h = width - 120, 40
    height = row_h * len(rows) + 6
    parts = [_svg(width, height, font, 13)]
    for i, (label, count, share) in enumerate(rows):
        y = 4 + i * row_h
        length = max(0.0, min(1.0, share)) * bar_w
        parts.append(
            f"<g><title>{escape(label)}: {count} ({_pct(share)})</title>"
            f'<text x="0" y="{y + 12}">{escape(_short(label))}</text>'
            f'<rect x="0" y="{y + 17}" width="{bar_w}" height="16" fill="#e8ecef"/>'
            f'<rect x="0" y="{y + 17}" width="{length:.1f}" height="16" fill="{BAR}"/>'
            f'<text x="{bar_w + 8}" y="{y + 30}">{count} ({_pct(share)})</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every label escaped above)


SCALE = ("#b81d24", "#e8898d", "#c9c9c1", "#7fb0d3", "#0b5a8a")
DARK = {"#b81d24", "#0b5a8a"}  # white text on these
FILL_WHITE = ' fill="#fff"'


def stacked_bar(segments: list[tuple[str, int]], width: int = 640, font: str = SANS) -> Markup:
    """One bar split by share, e.g. a Likert scale from disagree to agree: (label, count) per
    segment, with its share written in it when wide enough and a legend below."""
    total = sum(count for _label, count in segments)
    legend_h = 20
    height = 40 + legend_h * len(segments)
    parts = [
        _svg(width, height, font, 13),
        f'<rect x="0" y="4" width="{width}" height="24" fill="#e8ecef"/>',
    ]
    x = 0.0
    for i, (label, count) in enumerate(segments):
        colour = SCALE[i % len(SCALE)]
        share = count / total if total else 0.0
        w = share * width
        if w > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="24" fill="{colour}">'
                f"<title>{escape(label)}: {count} ({_pct(share)})</title></rect>"
            )
            if w >= 34:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="21" text-anchor="middle"'
                    f"{FILL_WHITE if colour in DARK else ''}>{_pct(share)}</text>"
                )
        y = 40 + i * legend_h
        parts.append(
            f'<rect x="0" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="18" y="{y + 11}">{escape(_short(label))}: {count} ({_pct(share)})</text>'
        )
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every label escaped above)
