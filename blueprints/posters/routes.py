"""Poster downloads. A poster's code is printed in public, so its artwork is public too."""

from flask import abort, request

from blueprints.common import tenant
from blueprints.common.downloads import download
from blueprints.posters import bp
from services import documents
from services.participation import attempts as participation
from services.render.qr import qr_png, qr_svg


def _poster(code: str):
    poster = participation.find_poster(code, everywhere=True)
    if poster is None:
        abort(404)
    tenant.enter_commune_of(poster)  # its unit and item are of its commune
    return poster


@bp.get("/<code>/qr.svg")
def qr_svg_download(code: str):
    """The poster's QR code as SVG, for people who make their own designs."""
    poster = _poster(code)
    svg = qr_svg(documents.poster_url(poster))
    return download(svg, "image/svg+xml", _filename(poster, "svg"))


@bp.get("/<code>/qr.png")
def qr_png_download(code: str):
    """The poster's QR code as a PNG."""
    poster = _poster(code)
    png = qr_png(documents.poster_url(poster))
    return download(png, "image/png", _filename(poster, "png"))


@bp.get("/<code>/poster.pdf")
def poster_pdf(code: str):
    """The printable poster, A4 (default) or A5 (?size=A5)."""
    poster = _poster(code)
    size = request.args.get("size", "A4").upper()
    if size not in documents.POSTER_SIZES:
        abort(400)
    pdf = documents.poster_pdf([poster], size)
    return download(pdf, "application/pdf", _filename(poster, "pdf"))


def _filename(poster, extension: str) -> str:
    return f"ap-phich-{poster.code}.{extension}"
