"""QR codes as SVG markup and PNG bytes (error correction M: survives a crease or a smudge)."""

import io
from functools import lru_cache

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


@lru_cache(maxsize=4096)
def qr_svg(data: str) -> str:
    """A standalone SVG document (a single path, scales to any print size).

    Cached: poster and verification URLs never change, and building a QR code (choosing its
    mask in pure Python) costs more than laying out the page around it.
    """
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def qr_png(data: str, box_size: int = 12) -> bytes:
    """A PNG image, `box_size` pixels per module."""
    code = _qr(data)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
