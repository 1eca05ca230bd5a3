"""A lesson's audio and images as the learner sees them before anything downloads: one
"Nghe" link per recorded language with the file's size, and in data-saver mode a
tap-to-load placeholder with the size for each image."""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from i18n import current_language
from models import Lesson
from services.content.media_files import file_size, human_size, inside
from services.render.markdown import media_url

LISTEN = {"vi": _l("Nghe tiếng Việt"), "tay": _l("Nghe tiếng Tày"), "nun": _l("Nghe tiếng Nùng")}
# BCP 47 codes of the recorded languages (Tày: tyz, Nùng: nut), for hreflang.
LANGUAGE_TAGS = {"vi": "vi", "tay": "tyz", "nun": "nut"}
AUDIO_TYPES = {
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".webm": "audio/webm",
}  # fmt: skip


@dataclass(frozen=True)
class AudioChoice:
    language: str  # vi, tay, nun
    label: str  # "Nghe tiếng Việt"
    url: str
    size: str | None  # "2,1 MB"; None when the file is missing
    mime: str
    hreflang: str
    reader: str | None = None  # who read it ("Giọng đọc: …"), when the lesson says


FOLDERS = {"media/": "CONTENT_DIR", "uploads/": "MEDIA_UPLOAD_DIR"}


def media_file(path: str) -> Path | None:
    """The file behind a lesson's media path: "media/x.png" in the curriculum's media folder,
    "uploads/<hash>.webp" in the upload folder; None for anything else."""
    for prefix, setting in FOLDERS.items():
        if path.startswith(prefix) and current_app.config.get(setting):
            folder = Path(current_app.config[setting])
            return inside(folder / "media" if prefix == "media/" else folder, path[len(prefix) :])
    return None


def _size_text(path: str) -> str | None:
    found = media_file(path)
    size = file_size(found) if found is not None else None
    return human_size(size, current_language()) if size is not None else None


def audio_choices(lesson: Lesson) -> list[AudioChoice]:
    """One choice per language the lesson is recorded in, in the order vi, tay, nun."""
    audio = lesson.audio or ({"vi": lesson.audio_path} if lesson.audio_path else {})
    credits = lesson.audio_credits or {}
    return [
        AudioChoice(
            language=lang,
            label=str(LISTEN[lang]),
            url=media_url(audio[lang]),
            size=_size_text(audio[lang]),
            mime=AUDIO_TYPES.get(Path(audio[lang]).suffix.lower(), "audio/mpeg"),
            hreflang=LANGUAGE_TAGS[lang],
            reader=(credits.get(lang) or {}).get("by") or None,
        )
        for lang in LISTEN
        if isinstance(audio.get(lang), str)
    ]


def image_label(src: str) -> str:
    """The data-saver placeholder's text for a lesson image: "Ảnh 42 KB — bấm để xem"."""
    size = _size_text(src)
    if size is None:
        return _("Ảnh — bấm để xem")
    return _("Ảnh %(size)s — bấm để xem", size=size)
