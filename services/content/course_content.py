"""Loading course files into the database, after the topics they name."""

from extensions import db
from models import Course, CourseItem, Quiz
from models.base import utcnow
from services.common.digest import digest


def _fields(data: dict, position: int) -> dict:
    return {
        "title": data["title"],
        "summary": data["summary"],
        "audience": data["audience"],
        "translations": {
            lang: {k: v for k, v in texts.items() if k in ("title", "summary")}
            for lang, texts in (data.get("translations") or {}).items()
        },
        "position": position,
    }


def load_course(data: dict, position: int, result) -> Course:
    """Create or update one valid course whose topics are loaded; `result` (a LoadResult)
    records what happened. Loading the same file again changes nothing."""
    slug = data["id"]
    fields = _fields(data, position)
    content_hash = digest({**fields, "topics": data["topics"]})
    course = Course.query.filter_by(slug=slug).one_or_none()
    if course is None:
        course = Course(slug=slug, content_hash=content_hash, **fields)
        db.session.add(course)
        result.created.append(slug)
    elif course.content_hash != content_hash:
        for key, value in fields.items():
            setattr(course, key, value)
        course.content_hash = content_hash
        course.updated_at = utcnow()
        result.updated.append(slug)
    else:
        result.unchanged.append(slug)
        return course
    _set_items(course, data["topics"])
    return course


def _set_items(course: Course, topics: list[str]) -> None:
    """The course's items in the file's order; an item kept keeps its row (a quiz is in a
    course once), one no longer named goes."""
    quizzes = {q.slug: q for q in Quiz.query.filter(Quiz.slug.in_(topics))}
    existing = {item.quiz_id: item for item in course.items}
    items = []
    for position, slug in enumerate(topics, start=1):
        quiz = quizzes[slug]
        item = existing.pop(quiz.id, None) or CourseItem(quiz=quiz)
        item.position = position
        items.append(item)
    course.items = items  # the ones left in `existing` are orphans: deleted
