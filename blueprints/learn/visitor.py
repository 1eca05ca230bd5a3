"""Who is visiting: the participant cookie and the poster a visit came through."""

import datetime as dt
from datetime import timedelta

from flask import current_app, g, request, session

from models import Participant, Poster
from models.base import utcnow
from services.participation import attempts, identity, poster_credit
from services.participation.survey_attribution import Arrival

# The poster visit a scan started (services.participation.poster_credit says what it credits).
POSTER_KEY = "via_poster"
CLASS_KEY = "join_class"
SCAN_KEY = "scan"
# The poster of an anonymous survey, kept apart from POSTER_KEY: nothing the person does later
# (a lesson, a quiz) is attributed to that poster, which would tie them to its answers.
SURVEY_POSTER_KEY = "via_survey_poster"
# A random secret per device, only for anonymous surveys: it lets the device find and edit its
# own anonymous answers while the database keeps no link to any participant.
DEVICE_COOKIE = "lt_device"
# The participant this browser session said it is ("Bạn là …?" answered "Đúng", or just
# identified): a shared phone asks again in every new browser session.
CONFIRMED_KEY = "confirmed"
# Anonymous surveys this browser session answered, with when (epoch seconds): only then may the
# page show the answers back (the device cookie outlives the person who answered).
ANSWERED_KEY = "answered_anonymously"
ARRIVAL_KEYS = (POSTER_KEY, CLASS_KEY, SCAN_KEY, SURVEY_POSTER_KEY)


def load_participant(touch: bool = True) -> Participant | None:
    """The participant recognised by the cookie, cached for the request.

    `touch` records that they were seen now; pages of anonymous surveys pass False, so that
    the participant's last-seen time cannot be matched with an anonymous scan or answer.
    """
    if "participant" not in g:
        cookie = current_app.config["PARTICIPANT_COOKIE"]
        g.participant = identity.find_participant(request.cookies.get(cookie))
        g.participant_touched = False
    if touch and g.participant is not None and not g.participant_touched:
        identity.touch(g.participant)
        g.participant_touched = True
    return g.participant


def remember_participant(response, token: str) -> None:
    """Put the participant token in a long-lived, HttpOnly cookie."""
    config = current_app.config
    response.set_cookie(
        config["PARTICIPANT_COOKIE"],
        token,
        max_age=int(timedelta(days=config["PARTICIPANT_COOKIE_DAYS"]).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
    )


def device_token() -> str | None:
    """This device's anonymous-survey secret, if it has one."""
    token = request.cookies.get(DEVICE_COOKIE, "")
    return token if 32 <= len(token) <= 64 and token.isascii() and token.isalnum() else None


def remember_device(response, token: str) -> None:
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=int(timedelta(days=config["PARTICIPANT_COOKIE_DAYS"]).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
    )


def forget_participant(response, keep_arrival: bool = False) -> None:
    """Drop the participant cookie ("this isn't me" on a shared phone). `keep_arrival` keeps
    the poster or class link the person in front of the phone just came through."""
    response.delete_cookie(current_app.config["PARTICIPANT_COOKIE"])
    response.delete_cookie(DEVICE_COOKIE)
    session.pop(CONFIRMED_KEY, None)
    session.pop(ANSWERED_KEY, None)
    if not keep_arrival:
        for key in ARRIVAL_KEYS:
            session.pop(key, None)


def confirm(participant: Participant) -> None:
    """This browser session is `participant`'s (they identified, or said "Đúng, tiếp tục")."""
    session[CONFIRMED_KEY] = participant.id


def is_confirmed(participant: Participant | None) -> bool:
    """Whether this browser session said it is `participant`."""
    return participant is not None and session.get(CONFIRMED_KEY) == participant.id


def via_poster() -> int | None:
    """The poster this browser last arrived through (what it may show, where it hangs); what
    is credited to it is `poster_for`."""
    state = session.get(POSTER_KEY)
    value = state.get("poster") if isinstance(state, dict) else None
    return value if isinstance(value, int) else None


def start_poster_visit(poster: Poster, participant: Participant | None) -> None:
    """A scan of a named poster: a new poster visit for the person the browser names now."""
    person = participant.id if participant is not None else None
    session[POSTER_KEY] = poster_credit.poster_visit(poster, person, utcnow())


def end_poster_visit() -> None:
    """A class join (or anything else that is not the poster's doing) ends the poster visit:
    nothing after it is credited to the poster (the scan itself is still claimed)."""
    session.pop(POSTER_KEY, None)


def claim_poster_visit(participant: Participant) -> None:
    """A first-time visitor identified: the scan just before, and its visit, are theirs."""
    attempts.claim_scan(session.pop(SCAN_KEY, None), participant)
    if POSTER_KEY in session:
        session[POSTER_KEY] = poster_credit.claimed(session[POSTER_KEY], participant.id)


def poster_for(participant: Participant | None, item, at: dt.datetime | None = None) -> int | None:
    """The poster credited with this participant opening or taking `item` now (or `at`, for
    answers sent late), if any."""
    window = timedelta(minutes=current_app.config["POSTER_CREDIT_MINUTES"])
    person = participant.id if participant is not None else None
    return poster_credit.poster_credit(
        session.get(POSTER_KEY), person, item, at or utcnow(), window
    )


def via_survey_poster() -> int | None:
    """The anonymous survey poster this browser last arrived through."""
    value = session.get(SURVEY_POSTER_KEY)
    return value if isinstance(value, int) else None


def arrival(participant: Participant | None = None, survey=None) -> Arrival:
    """The posters a survey response counts for: the named poster only when the visit credits
    this participant answering this survey."""
    return Arrival(
        poster_id=poster_for(participant, survey) if survey is not None else None,
        survey_poster_id=via_survey_poster(),
    )
