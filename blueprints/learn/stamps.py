"""Signed form stamps (services/participation/offline.py) in the learner's forms: written into
every quiz and survey form, and read back from a posted one."""

from datetime import timedelta

from flask import current_app, request

from blueprints.learn import bp, visitor
from models import Quiz
from services.participation import offline


@bp.app_template_global()
def offline_stamp(item, version, token: str, respondent: str | None = None) -> str:
    """The signed "fetched" field of a quiz or survey form; `respondent` is the key an
    anonymous survey's form answers for (a named one answers for the participant)."""
    if isinstance(item, Quiz):
        kind, owner = offline.QUIZ, visitor.load_participant().id
    elif item.anonymous:
        if respondent is None:
            raise ValueError("an anonymous survey's form needs its respondent key")
        kind, owner = offline.SURVEY, respondent
    else:
        kind, owner = offline.SURVEY, visitor.load_participant().id
    secret = current_app.config["SECRET_KEY"]
    return offline.stamp(secret, kind, item.id, version.id, token or "", owner)


def posted_stamp(kind: str, item, version, token: str):
    """(owner, fetch time) from the posted form's stamp, which must name this very form and be
    at most OFFLINE_SEND_DAYS old; raises offline.StampError."""
    config = current_app.config
    return offline.read_form_stamp(
        config["SECRET_KEY"],
        request.form.get("fetched", ""),
        timedelta(days=config["OFFLINE_SEND_DAYS"]),
        kind,
        item.id,
        version.id,
        token,
    )
