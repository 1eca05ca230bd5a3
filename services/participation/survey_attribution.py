"""Whom and where a survey response is filed under: the anonymity rules in one place.

A named survey's response belongs to the participant and counts for their unit and the poster
they came through. An anonymous survey's response keeps nothing about the person: its
respondent is a one-way key of the device's secret token, its poster only the survey's own
poster (the poster link keeps it apart from the one named visits are attributed to), and its
unit only where that poster hangs.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from extensions import db
from models import Participant, Poster, Survey, SurveyVersion
from services.participation import catalog
from services.participation import survey_responses as responses


@dataclass(frozen=True)
class Arrival:
    """The posters a visitor's session remembers."""

    poster_id: int | None = None  # the last poster of a lesson, quiz or named survey
    survey_poster_id: int | None = None  # the last anonymous survey's poster


def respondent(
    survey: Survey, participant: Participant | None, device_token: str | None
) -> tuple[str, str | None]:
    """(respondent key, a new device token to remember, or None when none is needed).

    An anonymous survey needs the device's token; a device without one is given one now."""
    if not survey.anonymous:
        return responses.respondent_key(survey, participant, ""), None
    new_token = None
    if device_token is None:
        device_token = new_token = secrets.token_hex(24)
    return responses.respondent_key(survey, None, device_token), new_token


def poster_id(survey: Survey, arrival: Arrival) -> int | None:
    """The poster a response counts for. An anonymous survey counts only its own poster."""
    if not survey.anonymous:
        return arrival.poster_id
    poster = db.session.get(Poster, arrival.survey_poster_id or 0)
    return poster.id if poster is not None and poster.survey_id == survey.id else None


def unit_id(survey: Survey, participant: Participant | None, arrival: Arrival) -> int | None:
    """Named surveys: the participant's unit. Anonymous: only the placement of the survey's own
    poster (none without one), never anything about the person."""
    if survey.anonymous:
        placement = catalog.poster_placement(poster_id(survey, arrival))
        return placement.id if placement is not None else None
    return participant.unit_id if participant is not None else None


@dataclass(frozen=True)
class Answered:
    """One validated survey form, as plain data."""

    version: SurveyVersion
    token: str  # the form's idempotency token
    answers: dict[str, responses.Given]
    base_revision: int = 0  # the response's revision the form was made from (0: none)
    answered_at: dt.datetime | None = None  # for answers sent late; None: now


def submission(
    survey: Survey,
    respondent_key: str,
    participant: Participant | None,
    arrival: Arrival,
    answered: Answered,
) -> responses.ResponseSubmission:
    """The response to submit, attributed by the survey's rules (an anonymous one names no
    participant)."""
    return responses.ResponseSubmission(
        survey=survey,
        version=answered.version,
        respondent_key=respondent_key,
        participant=None if survey.anonymous else participant,
        unit_id=unit_id(survey, participant, arrival),
        poster_id=poster_id(survey, arrival),
        token=answered.token,
        answers=answered.answers,
        base_revision=answered.base_revision,
        answered_at=answered.answered_at,
    )
