"""Uploaded lesson media checked by their bytes: images re-encoded small and clean, audio kept.

The bytes kept are named by their hash (`<32 hex>.<ext>`; services.content.media_files stores
them under uploads/): the same file uploaded twice is one file, and a stored name can never
point at other bytes. The type comes from the bytes, never from the file name or the browser's
word:
- images (JPEG, PNG, WebP) are decoded only after their pixel count is checked, turned upright,
  stripped of EXIF/XMP/ICC, shrunk to at most IMAGE_MAX_WIDTH px wide and re-encoded as WebP,
  quality stepped down (then the size) until the file weighs at most IMAGE_TARGET_BYTES;
- SVG is refused (it can carry scripts);
- audio (MP3, M4A, OGG Vorbis/Opus, WebM as browsers record it) is kept as uploaded, up to a
  configured size, once its first bytes show the container it claims to be; a WebM or MP4
  that carries a picture track is refused as video.
"""

import hashlib
import io
import re
import threading
import warnings
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from services.common.errors import InvalidInput

IMAGE_TARGET_BYTES = 60 * 1024
IMAGE_MAX_WIDTH = 1024
IMAGE_MAX_HEIGHT = 2048
IMAGE_MIN_WIDTH = 160  # below this, a picture that still weighs too much is refused
QUALITIES = (80, 70, 60, 50, 40, 30)
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
# Pillow's own guard, for any decoding in this process (it warns above, refuses at twice that).
HARD_PIXEL_LIMIT = 50_000_000
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > HARD_PIXEL_LIMIT:
    Image.MAX_IMAGE_PIXELS = HARD_PIXEL_LIMIT

CONTENT_TYPES = {
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "webm": "audio/webm",
}
AUDIO_SUFFIXES = ("mp3", "m4a", "ogg", "webm")
HASH_LENGTH = 32
NAME = re.compile(rf"^[0-9a-f]{{{HASH_LENGTH}}}\.(?:{'|'.join(CONTENT_TYPES)})$")
FIELD = "file"  # the upload form's field that refusals name
# Brands of MP4 audio: iTunes and phones (M4A, mp42…), and MediaRecorder's fragmented MP4
# (Chrome writes isom, Safari iso5/iso6 or mp42).
M4A_BRANDS = {
    b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"iso5", b"iso6", b"dash",
}  # fmt: skip


def _refuse(code: str, **params) -> InvalidInput:
    """An upload refused, as an error of the form's file field."""
    return InvalidInput.of(FIELD, code, **params)


@dataclass(frozen=True)
class Limits:
    image_max_bytes: int
    image_max_pixels: int
    audio_max_bytes: int

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(
            image_max_bytes=config["MEDIA_IMAGE_MAX_BYTES"],
            image_max_pixels=config["MEDIA_IMAGE_MAX_PIXELS"],
            audio_max_bytes=config["MEDIA_AUDIO_MAX_BYTES"],
        )

    @property
    def request_max_bytes(self) -> int:
        """The largest upload request: the largest file plus room for the form around it."""
        return max(self.image_max_bytes, self.audio_max_bytes) + 64 * 1024


# --- telling the type from the bytes ----------------------------------------------------------


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<svg" in head or head.startswith(b"<?xml"))


def _mp3_frame_at(data: bytes, i: int) -> bool:
    """An MPEG audio layer III frame header at offset i (sync, version, layer, rates valid)."""
    if len(data) < i + 4 or data[i] != 0xFF:
        return False
    b1, b2 = data[i + 1], data[i + 2]
    return (
        (b1 & 0xE0) == 0xE0
        and (b1 >> 3) & 3 != 1  # version: 01 is reserved
        and (b1 >> 1) & 3 == 1  # layer III
        and (b2 >> 4) not in (0, 15)  # bitrate index: free and bad are refused
        and (b2 >> 2) & 3 != 3  # sample rate: 11 is reserved
    )


def _is_mp3(data: bytes) -> bool:
    if data[:3] == b"ID3" and len(data) >= 10:
        size = 0
        for byte in data[6:10]:
            if byte & 0x80:
                return False  # an ID3 size is "syncsafe": 7 bits a byte
            size = (size << 7) | byte
        offset = 10 + size + (10 if data[5] & 0x10 else 0)
        return _mp3_frame_at(data, offset)
    return _mp3_frame_at(data, 0)


def _is_m4a(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in M4A_BRANDS


def _boxes(data: bytes, start: int, end: int):
    """(type, payload start, payload end) of the MP4 boxes in data[start:end]."""
    i = start
    while i + 8 <= end:
        size, kind = int.from_bytes(data[i : i + 4], "big"), data[i + 4 : i + 8]
        header = 8
        if size == 1 and i + 16 <= end:
            size, header = int.from_bytes(data[i + 8 : i + 16], "big"), 16
        elif size == 0:
            size = end - i
        if size < header:
            return
        yield kind, i + header, min(end, i + size)
        i += size


def _mp4_has_video(data: bytes) -> bool:
    """A track whose handler is a picture ('vide'), as far as the file's moov box says."""
    return any(
        hdlr == b"hdlr" and data[h_start + 8 : h_start + 12] == b"vide"
        for moov, start, end in _boxes(data, 0, len(data))
        if moov == b"moov"
        for trak, t_start, t_end in _boxes(data, start, end)
        if trak == b"trak"
        for mdia, m_start, m_end in _boxes(data, t_start, t_end)
        if mdia == b"mdia"
        for hdlr, h_start, _h_end in _boxes(data, m_start, m_end)
    )


# --- WebM (Matroska) as MediaRecorder writes it -------------------------------------------------

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE, SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, TRACK_TYPE = (
    0x4282, 0x18538067, 0x1F43B675, 0x1654AE6B, 0xAE, 0x83,
)  # fmt: skip
AUDIO_TRACK = 2
WEBM_SCAN_BYTES = 64 * 1024  # the tracks come before the first cluster, in the first bytes


def _vint(data: bytes, i: int, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-size integer at i: (value, offset after it), None if malformed."""
    if i >= len(data) or data[i] == 0:
        return None
    length = 9 - data[i].bit_length()
    if i + length > len(data):
        return None
    value = data[i] if keep_marker else data[i] & (0xFF >> length)
    for byte in data[i + 1 : i + length]:
        value = (value << 8) | byte
    return value, i + length


def _ebml(data: bytes, start: int, end: int):
    """(id, payload start, payload end) of each EBML element in data[start:end]; an element of
    unknown size (a live recording's segment or cluster) runs to `end`. Stops at junk."""
    i = start
    while i < end:
        element = _vint(data, i, True)
        if element is None:
            return
        element_id, i = element
        size = _vint(data, i, False)
        if size is None:
            return
        length, after = size[0], size[1]
        unknown = length == (1 << (7 * (after - i))) - 1
        stop = end if unknown else min(end, after + length)  # cut at the scan limit: what is there
        yield element_id, after, stop
        i = stop


def _webm_tracks(data: bytes) -> list[int] | None:
    """The track types of a WebM document (1 video, 2 audio…), None if it is no WebM with a
    track list before its first cluster."""
    head = data[:WEBM_SCAN_BYTES]
    elements = _ebml(head, 0, len(head))
    first = next(elements, None)
    if first is None or head[:4] != EBML_MAGIC:
        return None
    doctype = [head[s:e] for eid, s, e in _ebml(head, first[1], first[2]) if eid == EBML_DOCTYPE]
    if doctype != [b"webm"]:
        return None
    for element_id, start, end in elements:
        if element_id != SEGMENT:
            continue
        for child, c_start, c_end in _ebml(head, start, end):
            if child == CLUSTER:
                return None  # media before any track list
            if child == TRACKS:
                return [
                    int.from_bytes(head[f_start:f_end], "big")
                    for entry, e_start, e_end in _ebml(head, c_start, c_end)
                    if entry == TRACK_ENTRY
                    for field, f_start, f_end in _ebml(head, e_start, e_end)
                    if field == TRACK_TYPE
                ]
        return None
    return None


def _webm_kind(data: bytes) -> str | None:
    """ "webm" for audio only, "video" when a track is anything else, None for no WebM."""
    if data[:4] != EBML_MAGIC:
        return None
    tracks = _webm_tracks(data)
    if not tracks:
        return None
    return "webm" if all(t == AUDIO_TRACK for t in tracks) else "video"


def _is_ogg(data: bytes) -> bool:
    """An Ogg page whose first packet opens a Vorbis or Opus stream."""
    if len(data) < 28 or data[:4] != b"OggS" or data[4] != 0:
        return False
    start = 27 + data[26]
    packet = data[start : start + 8]
    return packet.startswith(b"\x01vorbis") or packet == b"OpusHead"


def _is_image(data: bytes) -> bool:
    return (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def sniff(data: bytes) -> str | None:
    """ "image", "mp3", "m4a", "ogg", "webm", "video" (a WebM or MP4 with a picture track),
    "svg", or None for anything else."""
    if _is_image(data):
        return "image"
    webm = _webm_kind(data)
    if webm is not None:
        return webm
    if _is_m4a(data):
        return "video" if _mp4_has_video(data) else "m4a"
    for kind, test in (("mp3", _is_mp3), ("ogg", _is_ogg)):
        if test(data):
            return kind
    if _looks_like_svg(data):
        return "svg"
    return None


# --- images -----------------------------------------------------------------------------------


_decoding = threading.Lock()


@contextmanager
def _strict_decoding():
    """Refuse truncated files while we decode (WeasyPrint lets Pillow accept them, globally):
    a half-uploaded photo must be uploaded again, not kept with a grey bottom."""
    with _decoding:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _open_image(data: bytes, max_pixels: int, formats=IMAGE_FORMATS) -> Image.Image:
    """Open and decode an image, refusing too many pixels before any decoding happens."""
    with _strict_decoding(), warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=formats)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _refuse("too_many_pixels", limit=max_pixels) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise _refuse("unreadable") from exc
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise _refuse("too_many_pixels", limit=max_pixels)
        # JPEG can decode straight to a smaller size: far less memory for phone photos.
        image.draft("RGB", (IMAGE_MAX_WIDTH, IMAGE_MAX_WIDTH))
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _refuse("too_many_pixels", limit=max_pixels) from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise _refuse("unreadable") from exc
    return image


def _clean(image: Image.Image) -> Image.Image:
    """Upright, in RGB(A), with no metadata at all, and no larger than the maximum."""
    with suppress(OSError, ValueError, SyntaxError):  # a broken EXIF block: keep pixels as is
        image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    try:
        pixels = image.convert("RGBA" if has_alpha else "RGB")
    except (OSError, ValueError) as exc:
        raise _refuse("unreadable") from exc
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)  # a fresh image: nothing of the original's info (EXIF, XMP, ICC) remains
    clean.thumbnail((IMAGE_MAX_WIDTH, IMAGE_MAX_HEIGHT), Image.Resampling.LANCZOS)
    return clean


def _encode_small(image: Image.Image) -> bytes:
    """WebP at the best quality that fits IMAGE_TARGET_BYTES, shrinking the picture if needed."""
    while True:
        for quality in QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, "WEBP", quality=quality, method=4)
            if buffer.tell() <= IMAGE_TARGET_BYTES:
                return buffer.getvalue()
        width, height = image.size
        if width * 3 // 4 < IMAGE_MIN_WIDTH:
            raise _refuse("too_complex")
        image = image.resize((width * 3 // 4, max(1, height * 3 // 4)), Image.Resampling.LANCZOS)


def reencode_image(data: bytes, max_pixels: int) -> bytes:
    """A JPEG, PNG or WebP re-encoded as a small WebP with no metadata."""
    return _encode_small(_clean(_open_image(data, max_pixels)))


# --- naming and checking -------------------------------------------------------------------


def _name_for(payload: bytes, suffix: str) -> str:
    return f"{hashlib.sha256(payload).hexdigest()[:HASH_LENGTH]}.{suffix}"


def prepare(data: bytes, limits: Limits) -> tuple[str, bytes]:
    """(stored name, bytes to store) for an upload, or InvalidInput saying why it is refused."""
    if not data:
        raise _refuse("empty")
    kind = sniff(data)
    if kind == "svg":
        raise _refuse("svg")
    if kind == "video":
        raise _refuse("video")
    if kind == "image":
        if len(data) > limits.image_max_bytes:
            raise _refuse("too_large", limit=limits.image_max_bytes)
        payload = reencode_image(data, limits.image_max_pixels)
        return _name_for(payload, "webp"), payload
    if kind in AUDIO_SUFFIXES:
        if len(data) > limits.audio_max_bytes:
            raise _refuse("too_large", limit=limits.audio_max_bytes)
        return _name_for(data, kind), data
    raise _refuse("unknown_type")


def prepare_audio(data: bytes, limits: Limits) -> tuple[str, bytes]:
    """As `prepare`, for a lesson recording: anything but audio is refused ("not_audio")."""
    if not data:
        raise _refuse("empty")
    kind = sniff(data)
    if kind == "video":
        raise _refuse("video")
    if kind not in AUDIO_SUFFIXES:
        raise _refuse("not_audio")
    return prepare(data, limits)


def verify_stored(name: str, data: bytes, limits: Limits) -> None:
    """A file that claims to be a stored upload (e.g. from an exported ZIP) really is one:
    its name is its hash, and its bytes are what the upload page would have kept."""
    if not NAME.match(name):
        raise _refuse("bad_name")
    suffix = name.rsplit(".", 1)[1]
    if _name_for(data, suffix) != name:
        raise _refuse("hash_mismatch")
    if suffix == "webp":
        if len(data) > IMAGE_TARGET_BYTES or sniff(data) != "image":
            raise _refuse("unknown_type")
        image = _open_image(data, limits.image_max_pixels, formats=("WEBP",))
        if image.width > IMAGE_MAX_WIDTH or image.height > IMAGE_MAX_HEIGHT:
            raise _refuse("too_many_pixels", limit=IMAGE_MAX_WIDTH * IMAGE_MAX_HEIGHT)
        return
    if sniff(data) != suffix:
        raise _refuse("unknown_type")
    if len(data) > limits.audio_max_bytes:
        raise _refuse("too_large", limit=limits.audio_max_bytes)
