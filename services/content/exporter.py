"""Content in the database written back as files in the quizzes/ format (quizzes/README.md).

A topic (lesson and its quiz's current version) becomes a `kind: topic` file, a survey (its
current version) a `kind: survey` file, a course a `kind: course` file. Loading such a file
gives back the same lesson, quiz version, survey and course, field for field: export → import
changes nothing.
"""

import io
import zipfile
from pathlib import Path

import yaml
from sqlalchemy.orm import selectinload

from models import Course, CourseItem, Lesson, Quiz, Survey
from services.content import media_files
from services.content.schema import MEDIA_IMAGE

TOPIC_TRANSLATION_ORDER = ("title", "summary", "lesson", "questions")


class _Dumper(yaml.SafeDumper):
    """Readable YAML: multi-line text as literal blocks, Unicode as is, keys in our order."""


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(document: dict) -> str:
    return yaml.dump(
        document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )


def _ordered(texts: dict, order: tuple[str, ...]) -> dict:
    return {key: texts[key] for key in order if key in texts} | {
        key: value for key, value in texts.items() if key not in order
    }


def _topic_translations(lesson: Lesson, definition: dict) -> dict:
    """Lesson texts and question texts per language, merged back into one mapping."""
    merged: dict[str, dict] = {lang: dict(texts) for lang, texts in lesson.translations.items()}
    for lang, texts in (definition.get("translations") or {}).items():
        merged.setdefault(lang, {})["questions"] = texts["questions"]
    return {lang: _ordered(texts, TOPIC_TRANSLATION_ORDER) for lang, texts in merged.items()}


def _audio(lesson: Lesson):
    audio = dict(lesson.audio or {})
    if not audio and lesson.audio_path:
        audio = {"vi": lesson.audio_path}
    if list(audio) == ["vi"]:
        return audio["vi"]
    return audio or None


def topic_document(lesson: Lesson, quiz=None, version=None) -> dict:
    """A lesson and its quiz's current version as a topic file's mapping (a commune's shadow
    lesson passes its origin's quiz and the commune's version)."""
    document = {
        "kind": "topic",
        "id": lesson.slug,
        "title": lesson.title,
        "summary": lesson.summary,
        "topic": lesson.topic,
        "audience": list(lesson.audience),
        "minutes": lesson.minutes,
        "facts_checked": lesson.facts_checked,
        "sources": list(lesson.sources),
        "lesson": {"body": lesson.body_markdown},
    }
    audio = _audio(lesson)
    if audio:
        document["lesson"]["audio"] = audio
    if lesson.audio_credits:
        document["lesson"]["audio_credits"] = {
            lang: dict(credit) for lang, credit in lesson.audio_credits.items()
        }
    quiz = quiz if quiz is not None else lesson.quiz
    definition: dict = {}
    if quiz is not None and quiz.versions:
        version = version if version is not None else quiz.current_version
        definition = version.definition
        document["quiz"] = {"pass_mark": version.pass_mark, "max_attempts": version.max_attempts}
        if quiz.training_for:
            document["quiz"]["training_for"] = list(quiz.training_for)
        if definition.get("draw") is not None:
            document["quiz"]["draw"] = definition["draw"]
        document["quiz"]["questions"] = definition["questions"]
    translations = _topic_translations(lesson, definition)
    if translations:
        document["translations"] = translations
    return document


def survey_document(survey: Survey, version=None) -> dict:
    """A survey and its current version (or `version`) as a survey file's mapping."""
    definition = (version or survey.current_version).definition
    document = {
        "kind": "survey",
        "id": survey.slug,
        "title": survey.title,
        "summary": survey.summary,
        "audience": list(survey.audience),
        "anonymous": survey.anonymous,
        "reach": definition.get("reach", survey.counts_as_reach),
    }
    if survey.opens_on is not None:
        document["opens"] = survey.opens_on
    if survey.closes_on is not None:
        document["closes"] = survey.closes_on
    document["questions"] = definition["questions"]
    merged: dict[str, dict] = {lang: dict(texts) for lang, texts in survey.translations.items()}
    for lang, texts in (definition.get("translations") or {}).items():
        merged.setdefault(lang, {})["questions"] = texts["questions"]
    if merged:
        document["translations"] = {
            lang: _ordered(texts, ("title", "summary", "questions"))
            for lang, texts in merged.items()
        }
    return document


def course_document(course: Course) -> dict:
    """A course as a course file's mapping: its topics in order."""
    document = {
        "kind": "course",
        "id": course.slug,
        "title": course.title,
        "summary": course.summary,
        "audience": list(course.audience),
        "topics": [item.quiz.slug for item in course.items],
    }
    if course.translations:
        document["translations"] = {
            lang: _ordered(texts, ("title", "summary"))
            for lang, texts in course.translations.items()
        }
    return document


def courses() -> list[Course]:
    """Every course, in curriculum order."""
    return (
        Course.query.options(selectinload(Course.items).selectinload(CourseItem.quiz))
        .order_by(Course.position, Course.id)
        .all()
    )


def lessons() -> list[Lesson]:
    """Every lesson with its quiz and versions, in curriculum order."""
    return (
        Lesson.query.options(selectinload(Lesson.quiz).selectinload(Quiz.versions))
        .order_by(Lesson.position, Lesson.id)
        .all()
    )


def surveys() -> list[Survey]:
    """Every survey that has a version, in curriculum order."""
    found = (
        Survey.query.options(selectinload(Survey.versions))
        .order_by(Survey.position, Survey.id)
        .all()
    )
    return [survey for survey in found if survey.versions]


def media_paths(document: dict) -> list[str]:
    """The media files a document names: images in the lesson body, then its audio."""
    lesson = document.get("lesson") or {}
    paths = MEDIA_IMAGE.findall(lesson.get("body") or "")
    audio = lesson.get("audio")
    if isinstance(audio, str):
        paths.append(audio)
    elif isinstance(audio, dict):
        paths.extend(path for path in audio.values() if isinstance(path, str))
    return list(dict.fromkeys(paths))


def _media_file(path: str, content_dir: Path) -> Path | None:
    """The file behind a "media/…" (curriculum) or "uploads/…" (uploaded) path, if any."""
    if path.startswith(media_files.PREFIX):
        return media_files.find_upload(path, content_dir)
    name = path.removeprefix("media/")
    if not path.startswith("media/") or ".." in Path(name).parts or "\\" in name:
        return None
    full = content_dir / "media" / name
    return full if full.is_file() else None


def file_name(number: int, slug: str) -> str:
    """ "007-slug.yaml": the number keeps the curriculum's order when the folder is loaded."""
    return f"{number:03d}-{slug}.yaml"


def documents() -> list[dict]:
    """Every topic and survey in curriculum order (surveys after topics at equal positions),
    then every course."""
    items = [(lesson.position, 0, lesson.slug, topic_document(lesson)) for lesson in lessons()]
    items += [(survey.position, 1, survey.slug, survey_document(survey)) for survey in surveys()]
    items += [(course.position, 2, course.slug, course_document(course)) for course in courses()]
    return [document for *_, document in sorted(items, key=lambda item: item[:3])]


def zip_all(content_dir: Path) -> bytes:
    """Every topic, survey and course as a ZIP in the quizzes/ layout, with the media files they use
    (media/… from the curriculum, uploads/… from the upload folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        added: set[str] = set()
        for number, document in enumerate(documents(), start=1):
            archive.writestr(file_name(number, document["id"]), to_yaml(document))
            for path in media_paths(document):
                source = _media_file(path, content_dir)
                if source is not None and path not in added:
                    added.add(path)
                    archive.write(source, path)
    return buffer.getvalue()
