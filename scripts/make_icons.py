"""Draw the installable app's icons (static/icons/): ripples spreading from a point, the
meaning of "Lan Tỏa", white on the header's red. Run again only to change them:

    .venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

RED, WHITE = (184, 29, 36, 255), (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
SCALE = 4  # drawn large, then reduced: smooth edges without anti-aliasing support


def ripples(size: int, content: float, rounded: bool) -> Image.Image:
    """An icon `size` px square; the ripples fill `content` of its width."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = big * 0.22 if rounded else 0
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=RED)
    centre, reach = big / 2, big * content / 2
    dot = reach * 0.22
    draw.ellipse((centre - dot, centre - dot, centre + dot, centre + dot), fill=WHITE)
    width = max(SCALE, round(reach * 0.11))
    for share in (0.55, 0.85):
        r = reach * share
        draw.ellipse((centre - r, centre - r, centre + r, centre + r), outline=WHITE, width=width)
    # Two colours and their blends on the edges: a 32-colour palette keeps the files small.
    return image.resize((size, size), Image.LANCZOS).quantize(32, Image.Quantize.FASTOCTREE)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        ripples(size, 0.78, rounded=True).save(OUT / f"icon-{size}.png", optimize=True)
    # Maskable: the launcher crops to its own shape; keep everything in the central 80 % circle.
    ripples(512, 0.62, rounded=False).save(OUT / "maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
