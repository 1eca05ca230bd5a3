"""A quiz as its learner pages need it: the quiz, its lesson and its current version in one
query, the version's definition parsed once per process.

A published version never changes (a content change makes a new version, with a new id and
content hash), so its definition is kept by (id, content hash) and never goes stale; which
version is current is read from the database on every request, so a new version is picked up
at once by every worker.
"""

from functools import cache

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import contains_eager, defer
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from models import Lesson, Quiz, QuizVersion

MAX_KEPT = 1024  # definitions kept per process (a province's quizzes, each version once)
_definitions: dict[tuple[int, str], dict] = {}

# What the quiz pages read of the lesson: who may see it, and its texts (the body and media
# live on the lesson page).
LESSON_READ = (
    Lesson.slug,
    Lesson.title,
    Lesson.summary,
    Lesson.translations,
    Lesson.status,
    Lesson.owner_id,
    Lesson.commune_wide,
    Lesson.commune_id,
    Lesson.origin_id,
)


def _current_version_id():
    """SQL: the id of the version new attempts of the commune `:commune` answer: its newest,
    else the newest province version (services/content/resolve.quiz_version_for)."""
    return (
        select(QuizVersion.id)
        .where(
            QuizVersion.quiz_id == Quiz.id,
            or_(
                QuizVersion.commune_id.is_(None),
                QuizVersion.commune_id == bindparam("commune", type_=db.Integer),
            ),
        )
        .order_by(QuizVersion.commune_id.is_(None), QuizVersion.number.desc())
        .limit(1)
        .correlate(Quiz)
        .scalar_subquery()
    )


@cache
def _with_current_version():
    """The statement of with_current_version, built once (building one costs more than
    running it)."""
    return (
        select(Quiz, QuizVersion)
        .outerjoin(Quiz.lesson)
        .join(QuizVersion, QuizVersion.id == _current_version_id())
        .options(
            contains_eager(Quiz.lesson).load_only(*LESSON_READ),
            defer(QuizVersion.definition),
        )
        .where(
            Quiz.slug == bindparam("slug"),
            or_(Quiz.commune_id.is_(None), Quiz.commune_id == bindparam("commune")),
        )
    )


def with_current_version(
    slug: str, commune_id: int | None = None
) -> tuple[Quiz, QuizVersion] | None:
    """The quiz named `slug` with its lesson loaded and the version the commune's learners
    answer (`commune_id` None: the province's), in one query (None: no such quiz, another
    commune's own quiz, or one without a version)."""
    params = {"slug": slug, "commune": commune_id}
    row = db.session.execute(_with_current_version(), params).first()
    if row is None:
        return None
    quiz, version = row
    return quiz, with_definition(version)


def with_definition(version: QuizVersion) -> QuizVersion:
    """The version with its definition in place: the process's parsed copy when it has one
    (no query, nothing marked changed), else read once and kept. The copy is shared: nothing
    may change it (a published definition never changes)."""
    key = (version.id, version.content_hash)
    kept = _definitions.get(key)
    if kept is None:
        kept = version.definition  # loads it if it was deferred
        if len(_definitions) >= MAX_KEPT:
            _definitions.clear()
        _definitions[key] = kept
    elif "definition" not in version.__dict__:
        set_committed_value(version, "definition", kept)
    return version


def version_of(quiz: Quiz, version_id: int, current: QuizVersion) -> QuizVersion | None:
    """The version `version_id` of `quiz` (a form posted from an older version is scored on
    it); `current` is used as it is, without a query. None: not one of this quiz's."""
    if version_id == current.id:
        return current
    version = db.session.get(QuizVersion, version_id)
    if version is None or version.quiz_id != quiz.id:
        return None
    return with_definition(version)
