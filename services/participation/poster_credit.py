"""What a poster is credited with: the one rule of poster attribution.

A scan opens a poster visit for the person the browser named at scan time (or, for a
first-time visitor, the identity made right after the scan). Within POSTER_CREDIT_MINUTES the
poster is credited with that person opening or taking the poster's item, or the quiz of the
poster's lesson (the only thing "linked from" a lesson). Anything else — another person, a
class join (which ends the visit), a typed URL of another item, or a later time — is credited
to no poster.
"""

import datetime as dt

from models import Lesson, Poster, Quiz, Survey

KINDS = {Lesson: "lesson", Quiz: "quiz", Survey: "survey"}


def item_key(item) -> str:
    """ "lesson:3", "quiz:5", "survey:2": how an item is named in a poster visit."""
    return f"{KINDS[type(item)]}:{item.id}"


def credited_items(poster: Poster) -> list[str]:
    """The items a poster's visit may credit: its own item, and its lesson's quiz."""
    if poster.lesson is not None:
        quiz = poster.lesson.quiz
        return [item_key(poster.lesson)] + ([item_key(quiz)] if quiz is not None else [])
    return [item_key(poster.quiz or poster.survey)]


def poster_visit(poster: Poster, person_id: int | None, now: dt.datetime) -> dict:
    """The session state a scan starts (plain JSON, for the signed session cookie)."""
    return {
        "poster": poster.id,
        "person": person_id,
        "at": now.isoformat(timespec="seconds"),
        "items": credited_items(poster),
    }


def claimed(state: object, person_id: int) -> object:
    """The state once a first-time visitor identified right after the scan (unchanged when the
    scan already named someone)."""
    if isinstance(state, dict) and state.get("person") is None:
        return {**state, "person": person_id}
    return state


def poster_credit(
    state: object,
    person_id: int | None,
    item,
    now: dt.datetime,
    window: dt.timedelta = dt.timedelta(hours=2),
) -> int | None:
    """The poster credited with `person_id` opening or taking `item` now, or None."""
    if not isinstance(state, dict) or person_id is None or state.get("person") != person_id:
        return None
    poster_id, items = state.get("poster"), state.get("items")
    if not isinstance(poster_id, int) or not isinstance(items, list):
        return None
    if item is None or type(item) not in KINDS or item_key(item) not in items:
        return None
    try:
        scanned_at = dt.datetime.fromisoformat(str(state.get("at")))
    except ValueError:
        return None
    return poster_id if scanned_at <= now <= scanned_at + window else None
