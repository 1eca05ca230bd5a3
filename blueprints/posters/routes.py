"""Poster downloads. A poster's code is printed in public, so its artwork is public too."""

from flask import Response, abort, request

from blueprints.posters import bp
from services import documents
from services.participation import attempts as participation
from services.render.qr import qr_png, qr_svg


def _poster(code: str):
    poster = participation.find_poster(code)
    if poster is None:
        abort(404)
    return poster


@bp.get("/<code>/qr.svg")
def qr_svg_download(code: str):
    """The poster's QR code as SVG, for people who make their own designs."""
    poster = _poster(code)
    svg = qr_svg(documents.poster_url(poster))
    return Response(svg, mimetype="image/svg+xml", headers=_attachment(poster, "svg"))


@bp.get("/<code>/qr.png")
def qr_png_download(code: str):
    """The poster's QR code as a PNG."""
    poster = _poster(code)
    png = qr_png(documents.poster_url(poster))
    return Response(png, mimetype="image/png", headers=_attachment(poster, "png"))


@bp.get("/<code>/poster.pdf")
def poster_pdf(code: str):
    """The printable poster, A4 (default) or A5 (?size=A5)."""
    poster = _poster(code)
    size = request.args.get("size", "A4").upper()
    if size not in documents.POSTER_SIZES:
        abort(400)
    pdf = documents.poster_pdf([poster], size)
    return Response(pdf, mimetype="application/pdf", headers=_attachment(poster, "pdf"))


def _attachment(poster, extension: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="ap-phich-{poster.code}.{extension}"'}
