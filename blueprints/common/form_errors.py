"""Putting a service's InvalidInput on a form, in Vietnamese.

A view keeps one table of messages for the codes its service raises, keyed by (field, code) or,
for a code that means the same on every field, by code alone. Messages are lazy strings; any
`%(name)s` in them is filled from the error's params. A field the form does not have (or
WHOLE) goes to the form's own errors, shown above the fields.
"""

import contextlib
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from services.common.errors import InvalidInput

Messages = Mapping[tuple[str, str] | str, object]
FALLBACK = _l("Thông tin không hợp lệ.")


def message_for(field: str, code: str, messages: Messages, params: Mapping | None = None) -> str:
    """The Vietnamese message for one field's code."""
    template = messages.get((field, code), messages.get(code, FALLBACK))
    text = str(template)
    if params and "%(" in text:
        # a message that names no such parameter is shown as written
        with contextlib.suppress(KeyError, TypeError, ValueError):
            text = text % dict(params)
    return text


def put_errors(form: FlaskForm, exc: InvalidInput, messages: Messages) -> None:
    """Each error of `exc` next to its field (or above the form when the form has no such field)."""
    for field, code in exc.errors.items():
        text = message_for(field, code, messages, exc.params)
        target = getattr(form, field, None) if field else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*_as_list(target.errors), text]
        else:
            form.form_errors.append(text)


def _as_list(errors) -> list:
    return list(errors) if isinstance(errors, list | tuple) else []
