"""Learners only ever open what they may see: a draft, a withdrawn item, or a teacher's topic
outside that teacher's classes is "not found" on every learner page that names it by slug."""

from flask import abort, request

from blueprints.learn import bp, visitor
from models import Lesson, Quiz, Survey
from services.content import visibility

# Late answers (/offline/quizzes/…, /offline/surveys/…) are not here: they were given while the
# learner could see the item, and their signed stamp names it.
ITEMS = {
    "learn.lesson": Lesson,
    "learn.quiz": Quiz,
    "learn.survey": Survey,
    "learn.topic_pack": Lesson,  # what "save for offline" would download
}


@bp.before_request
def _only_what_the_learner_may_see():
    model = ITEMS.get(request.endpoint or "")
    slug = (request.view_args or {}).get("slug")
    if model is None or not isinstance(slug, str):
        return
    item = model.query.filter_by(slug=slug).first()
    if item is not None and not visibility.may_see(
        item, visitor.load_participant(touch=False), visitor.via_poster()
    ):
        abort(404)
