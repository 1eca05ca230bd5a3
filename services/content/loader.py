"""Reading the curriculum files and loading them into the database, idempotently."""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extensions import db
from models import Course, Lesson, Quiz, QuizVersion, StaffUser, Survey, Unit
from models.base import utcnow
from services.common import safe_yaml
from services.common.digest import digest
from services.content import course_content, resolve, survey_content
from services.content import guard as content_guard
from services.content.course_schema import validate_course
from services.content.schema import validate_topic
from services.content.survey_schema import validate_survey


@dataclass
class ParsedTopic:
    path: str
    data: dict


@dataclass
class CheckResult:
    topics: list[ParsedTopic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    new_quiz_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Items changed in the browser that the files did not overwrite (see load()).
    skipped: list[str] = field(default_factory=list)


class ContentError(Exception):
    """The curriculum has errors; nothing was loaded."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def nfc(value):
    """Normalise every string in a parsed YAML tree (or a posted form) to Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    return value


class _UniqueKeyLoader(safe_yaml.BoundedLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML silently keeps the last)."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _display(path: Path, content_dir: Path) -> str:
    try:
        return str(Path(content_dir.name) / path.relative_to(content_dir))
    except ValueError:
        return str(path)


UNREADABLE = object()


def _parse(path: Path, name: str, errors: list[str]):
    """The file's YAML as NFC text, or UNREADABLE with the error added."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
    except UnicodeDecodeError:
        errors.append(f"{name}: the file is not UTF-8 text")
        return UNREADABLE
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(f"{name}: bad YAML: {where}{problem}")
        return UNREADABLE
    return nfc(data)


def _is_course(data) -> bool:
    return isinstance(data, dict) and data.get("kind") == "course"


def check(content_dir: Path) -> CheckResult:
    """Parse and validate every file; collect all errors rather than stop at the first.

    Courses are checked last, against the topics (with a quiz) the other files define; the
    parsed items list topics and surveys first, then courses."""
    result = CheckResult()
    media_dir = content_dir / "media"
    owners: dict[str, str] = {}
    courses: list[ParsedTopic] = []
    for path in sorted(content_dir.glob("*.yaml")) + sorted(content_dir.glob("*.yml")):
        name = _display(path, content_dir)
        data = _parse(path, name, result.errors)
        if data is UNREADABLE:
            continue
        if _is_course(data):
            courses.append(ParsedTopic(name, data))
            continue
        _accept(result, owners, ParsedTopic(name, data), validate(data, name, media_dir))
    quizzes = {t.data["id"] for t in result.topics if t.data["kind"] == "topic"}
    for course in courses:
        _accept(result, owners, course, validate_course(course.data, course.path, quizzes))
    if not result.topics and not result.errors:
        result.errors.append(f"{content_dir}: no topic files (*.yaml) found")
    return result


def _accept(result: CheckResult, owners: dict[str, str], item: ParsedTopic, errors) -> None:
    """Keep a valid item whose id no earlier file used; else record its errors."""
    errors = list(errors)
    item_id = item.data["id"] if not errors else None
    if item_id is not None and item_id in owners:
        errors.append(f"{item.path}: id: {item_id!r} is already used by {owners[item_id]}")
    if errors:
        result.errors.extend(errors)
        return
    owners[item_id] = item.path
    result.topics.append(item)


def validate(data, name: str, media_dir: Path) -> list[str]:
    """The schema's errors for one parsed file (a topic, a survey or a course, whose topics
    are not looked up here: see check); empty when valid."""
    if _is_course(data):
        return validate_course(data, name)
    if isinstance(data, dict) and data.get("kind") == "survey":
        return validate_survey(data, name)
    return validate_topic(data, name, media_dir)


def _quiz_definition(data: dict) -> dict:
    """The part of a topic that a quiz version freezes: questions, rules and their translations."""
    translations = {
        lang: {"questions": texts.get("questions", {})}
        for lang, texts in (data.get("translations") or {}).items()
        if texts.get("questions")
    }
    quiz = data["quiz"]
    definition = {
        "questions": quiz["questions"],
        "pass_mark": quiz["pass_mark"],
        "max_attempts": quiz["max_attempts"],
        "translations": translations,
    }
    if quiz.get("draw") is not None:  # only then: a quiz without a draw keeps its hash
        definition["draw"] = quiz["draw"]
    return definition


def _lesson_fields(data: dict, position: int) -> dict:
    translations = {
        lang: {k: v for k, v in texts.items() if k in ("title", "summary", "lesson")}
        for lang, texts in (data.get("translations") or {}).items()
    }
    fields = {
        "title": data["title"],
        "summary": data["summary"],
        "topic": data["topic"],
        "audience": data["audience"],
        "minutes": data["minutes"],
        "body_markdown": data["lesson"]["body"],
        "audio_path": _audio(data["lesson"]).get("vi"),
        "audio": _audio(data["lesson"]),
        "sources": data["sources"],
        "facts_checked": data["facts_checked"],
        "translations": translations,
        "position": position,
    }
    credits = audio_credits(data["lesson"])
    if credits:  # only then part of the lesson's hash: lessons without readers stay unchanged
        fields["audio_credits"] = credits
    return fields


def _audio(lesson: dict) -> dict:
    """Lesson audio per language; a plain path is the Vietnamese recording."""
    audio = lesson.get("audio")
    if audio is None:
        return {}
    return {"vi": audio} if isinstance(audio, str) else dict(audio)


def audio_credits(lesson: dict) -> dict:
    """Who read each recording, as stored: {lang: {"by": name, "recorded_at": ISO text}}."""
    credits = {}
    for lang, credit in (lesson.get("audio_credits") or {}).items():
        kept = {"by": credit["by"].strip()}
        when = credit.get("recorded_at")
        if when is not None:
            kept["recorded_at"] = when.isoformat() if isinstance(when, dt.date) else str(when)
        credits[lang] = kept
    return credits


def load(content_dir: Path, overwrite_edited: bool = False) -> LoadResult:
    """Load every topic and survey, then every course; refuses everything if any file has an
    error or would make a change that published answers cannot survive (ContentError).

    The files are the bundled curriculum; the office may change items in the browser. Such an
    item (edited_at set) is left exactly as it is and listed in `result.skipped`, unless
    `overwrite_edited`: then the file wins and the item is the bundled one again (published,
    commune-wide, no longer marked as edited). Drafts in progress are never touched.
    """
    checked = check(content_dir)
    errors = checked.errors or (
        communes_own(checked.topics) + conflicts(checked.topics, overwrite_edited)
    )
    if errors:
        raise ContentError(errors)
    result = LoadResult()
    for position, topic in enumerate(checked.topics, start=1):
        data = topic.data
        if data["kind"] == "course":
            db.session.flush()  # the topics it names, loaded above (courses come last)
            course_content.load_course(data, position, result)
            continue
        edited = _edited_item(data)
        if edited is not None and not overwrite_edited:
            result.skipped.append(data["id"])
            continue
        if data["kind"] == "survey":
            item = survey_content.load_survey(data, position, result)
        else:
            item = apply_topic(data, position, result)
        if edited is not None:
            _back_to_the_file(item)
    db.session.flush()
    return result


def communes_own(topics: list[ParsedTopic]) -> list[str]:
    """The files whose id a commune already uses for an item of its own: the files write the
    province's curriculum only, and never take over a commune's item."""
    errors: list[str] = []
    models = {"topic": Lesson, "survey": Survey, "course": Course}
    for topic in topics:
        model, slug = models[topic.data["kind"]], topic.data["id"]
        owner = db.session.scalar(
            db.select(Unit.name)
            .join(model, model.commune_id == Unit.id)
            .where(model.slug == slug, model.commune_id.is_not(None))
        )
        if owner is not None:
            errors.append(
                f"{topic.path}: id: {slug!r} is already used by {owner} for a topic of its own;"
                " give the file another id"
            )
    return errors


def conflicts(topics: list[ParsedTopic], overwrite_edited: bool = False) -> list[str]:
    """What loading these valid files would change about published items that their recorded
    answers cannot survive (services/content/guard.py): a question's type, a survey's
    anonymity once answered. Items that `load` leaves alone (edited in the browser, unless
    `overwrite_edited`) are not compared."""
    errors: list[str] = []
    for topic in topics:
        if topic.data["kind"] == "course":
            continue  # a course records no answers of its own
        if overwrite_edited or _edited_item(topic.data) is None:
            errors.extend(content_guard.conflicts(topic.data, topic.path))
    return errors


def _edited_item(data: dict) -> Lesson | Survey | None:
    """The live item this file would change, if it was changed in the browser."""
    model = Survey if data["kind"] == "survey" else Lesson
    item = model.query.filter_by(slug=data["id"]).one_or_none()
    return item if item is not None and item.edited_at is not None else None


def _back_to_the_file(item: Lesson | Survey) -> None:
    item.edited_at = None
    item.status = "published"
    if isinstance(item, Lesson):
        item.owner_id = None
        item.commune_wide = True


def apply_topic(
    data: dict, position: int, result: LoadResult, created_by: StaffUser | None = None
) -> Lesson:
    """Create or update one valid topic's lesson and quiz; a changed quiz gets a new version
    (by `created_by` when published in the browser). Returns the lesson."""
    slug = data["id"]
    fields = _lesson_fields(data, position)
    lesson_hash = digest(fields)
    lesson = Lesson.query.filter_by(slug=slug).one_or_none()
    if lesson is None:
        lesson = Lesson(slug=slug, content_hash=lesson_hash, **fields)
        db.session.add(lesson)
        result.created.append(slug)
    elif lesson.content_hash != lesson_hash:
        for key, value in ({"audio_credits": {}} | fields).items():
            setattr(lesson, key, value)
        lesson.content_hash = lesson_hash
        lesson.updated_at = utcnow()
        result.updated.append(slug)
    else:
        result.unchanged.append(slug)

    quiz = Quiz.query.filter_by(slug=slug).one_or_none()
    if quiz is None:
        quiz = Quiz(slug=slug, lesson=lesson, title=data["title"], position=position)
        db.session.add(quiz)
    quiz.title = data["title"]
    quiz.position = position
    quiz.training_for = data["quiz"].get("training_for", [])
    definition = _quiz_definition(data)
    definition_hash = digest(definition)
    if quiz.versions and quiz.current_version.content_hash == definition_hash:
        return lesson
    number = resolve.next_version_number(quiz.versions)
    version = QuizVersion(
        quiz=quiz,
        number=number,
        content_hash=definition_hash,
        pass_mark=definition["pass_mark"],
        max_attempts=definition["max_attempts"],
        definition=definition,
        created_by=created_by,
    )
    db.session.add(version)
    if number > 1:
        result.new_quiz_versions.append(f"{slug} v{number}")
    return lesson


def apply_commune_topic(
    origin: Lesson, data: dict, commune_id: int, result: LoadResult, created_by: StaffUser
) -> Lesson:
    """A commune's edit of the province topic `origin`: its shadow lesson (created or
    updated) and, when the questions differ from what the commune answers now, a commune
    version of the same quiz. The province's rows are not touched. Returns the shadow."""
    fields = _lesson_fields(data, origin.position)
    lesson_hash = digest(fields)
    shadow = resolve.shadow_of(origin, commune_id)
    if shadow is None:
        shadow = Lesson(
            slug=origin.slug,
            origin_id=origin.id,
            commune_id=commune_id,
            content_hash=lesson_hash,
            owner_id=origin.owner_id,
            commune_wide=origin.commune_wide,
            **fields,
        )
        db.session.add(shadow)
        result.created.append(origin.slug)
    elif shadow.content_hash != lesson_hash:
        for key, value in ({"audio_credits": {}} | fields).items():
            setattr(shadow, key, value)
        shadow.content_hash = lesson_hash
        shadow.updated_at = utcnow()
        result.updated.append(origin.slug)
    shadow.edited_at = utcnow()
    quiz = origin.quiz
    if quiz is None:
        return shadow
    definition = _quiz_definition(data)
    definition_hash = digest(definition)
    current = resolve.quiz_version_for(quiz, commune_id)
    if current is not None and current.content_hash == definition_hash:
        return shadow
    number = resolve.next_version_number(quiz.versions)
    db.session.add(
        QuizVersion(
            quiz=quiz,
            number=number,
            content_hash=definition_hash,
            pass_mark=definition["pass_mark"],
            max_attempts=definition["max_attempts"],
            definition=definition,
            created_by=created_by,
            commune_id=commune_id,
            based_on=current,
        )
    )
    result.new_quiz_versions.append(f"{origin.slug} v{number}")
    return shadow
