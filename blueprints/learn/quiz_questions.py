"""The quiz page's questions as HTML, drawn once per quiz version, language and order of
choices: a fresh form (nothing ticked, no error) always draws a question the same way."""

from flask import current_app
from markupsafe import Markup

from blueprints.learn import bp
from i18n import current_language

MAX_KEPT = 8192  # questions × orders of their choices × languages, for the quizzes in use
_kept: dict[tuple, Markup] = {}


@bp.app_template_global()
def question_choices(version, field, multiple: bool) -> Markup:
    """The `choices` macro (macros/forms.html) of a quiz question's field. For a fresh field,
    whose HTML depends only on the version, the language and the order its attempt shows the
    choices in, the HTML drawn the first time; a form sent back (answers ticked, errors
    named) is drawn each time."""
    draw = current_app.jinja_env.get_template("macros/forms.html").module.choices
    if field.data or field.errors:
        return draw(field, multiple=multiple)
    order = tuple(value for value, _label in field.choices)
    key = (version.id, version.content_hash, current_language(), field.name, order, multiple)
    kept = _kept.get(key)
    if kept is None:
        kept = draw(field, multiple=multiple)
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = kept
    return kept
