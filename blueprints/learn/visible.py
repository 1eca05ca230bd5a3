"""Learners only ever open what they may see: a draft, a withdrawn item, or a teacher's topic
outside that teacher's classes is "not found" on every learner page that names it by slug.

The item is loaded once per request, here, and the views take it from `requested()` (a quiz
with its lesson and current version, services/participation/quiz_versions.py)."""

from dataclasses import dataclass

from flask import abort, g, request

from blueprints.learn import bp, visitor
from models import Lesson, Quiz, QuizVersion, Survey
from services.content import resolve, visibility
from services.participation import quiz_versions

# Late answers (/offline/quizzes/…, /offline/surveys/…) are not here: they were given while the
# learner could see the item, and their signed stamp names it.
ITEMS = {
    "learn.lesson": Lesson,
    "learn.quiz": Quiz,
    "learn.survey": Survey,
    "learn.topic_pack": Lesson,  # what "save for offline" would download
}


@dataclass(frozen=True)
class Requested:
    """The item a learner page names by its slug (None: there is none), and for a quiz its
    current version."""

    item: Lesson | Quiz | Survey | None
    version: QuizVersion | None = None


def requested() -> Requested:
    """The item this request's page names, loaded once per request."""
    if "learner_item" not in g:
        g.learner_item = _load(ITEMS.get(request.endpoint or ""), request.view_args or {})
    return g.learner_item


def content_commune() -> int | None:
    """Whose version of the curriculum this learner reads (services/content/resolve)."""
    if "content_commune" not in g:
        g.content_commune = resolve.content_commune_for(
            participant=visitor.load_participant(touch=False), poster=visitor.via_poster()
        )
    return g.content_commune


def _load(model, view_args: dict) -> Requested:
    slug = view_args.get("slug")
    if model is None or not isinstance(slug, str):
        return Requested(None)
    if model is Quiz:
        found = quiz_versions.with_current_version(slug, content_commune())
        return Requested(*found) if found else Requested(None)
    return Requested(resolve.by_slug(model, slug, content_commune()))


@bp.before_request
def _only_what_the_learner_may_see():
    item = requested().item
    if item is not None and not visibility.may_see(
        item, visitor.load_participant(touch=False), visitor.via_poster()
    ):
        abort(404)
