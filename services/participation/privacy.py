"""Everything recorded about one participant: export it, delete it, and purge old data."""

import datetime as dt

from sqlalchemy import delete, select, update

from extensions import db
from models import (
    Answer,
    Attempt,
    Certificate,
    Consent,
    IndicatorPerson,
    Nomination,
    Participant,
    Poster,
    RosterEntry,
    Scan,
    SurveyAnswer,
    SurveyResponse,
    Unit,
    Visit,
)
from services.participation.survey_responses import given_from_response
from services.tally import indicator_store


def export_participant(participant: Participant) -> dict:
    """A JSON-ready record of everything kept about one participant: one section per table
    that points at them, directly or through their attempts and survey responses (the token
    itself is never exported, only when it was issued and last used)."""
    pid = participant.id
    attempts = Attempt.query.filter_by(participant_id=pid).order_by(Attempt.id).all()
    responses = SurveyResponse.query.filter_by(participant_id=pid).order_by(SurveyResponse.id)
    responses = responses.all()
    return {
        "participant": _participant_section(participant),
        "consents": [
            {"kind": c.kind, "text_version": c.text_version, "agreed_at": c.agreed_at.isoformat()}
            for c in participant.consents
        ],
        "visits": [
            {
                "kind": v.kind,
                "item_id": v.lesson_id or v.quiz_id or v.survey_id,
                "visited_at": v.visited_at.isoformat(),
            }
            for v in Visit.query.filter_by(participant_id=pid).order_by(Visit.id)
        ],
        "scans": [
            {"poster": poster_code, "scanned_at": scan.scanned_at.isoformat()}
            for scan, poster_code in db.session.execute(
                select(Scan, Poster.code)
                .join(Poster, Poster.id == Scan.poster_id)
                .where(Scan.participant_id == pid)
                .order_by(Scan.id)
            )
        ],
        "attempts": [_attempt_item(a) for a in attempts],
        "answers": [
            {
                "quiz": a.quiz.slug,
                "attempt": a.number,
                "question": ans.question_id,
                "choices": ans.choice_ids,
                "correct": ans.is_correct,
            }
            for a in attempts
            for ans in a.answers
        ],
        "survey_responses": [_response_item(r) for r in responses],
        "survey_answers": [
            {
                "survey": r.survey.slug,
                "question": ans.question_id,
                "choice": ans.choice_id,
                "number": ans.number_value,
                "text": ans.text_value,
            }
            for r in responses
            for ans in r.answers
        ],
        "certificates": [
            {
                "serial": c.serial,
                "achievement": c.achievement,
                "issued_at": c.issued_at.isoformat(),
                "revoked": c.is_revoked,
                "replaced_by": c.replaced_by.serial if c.replaced_by else None,
            }
            for c in Certificate.query.filter_by(participant_id=pid).order_by(Certificate.id)
        ],
        "roster_entries": [
            {
                "class": e.unit.name,
                "name": e.name,
                "student_number": e.student_number,
                "list_number": e.list_number,
                "date_of_birth": e.date_of_birth.isoformat() if e.date_of_birth else None,
            }
            for e in RosterEntry.query.filter_by(participant_id=pid).order_by(RosterEntry.id)
        ],
        "indicator_people": [
            {
                "period": key,
                "unit": unit_name,
                "reached_at": reached.isoformat() if reached else None,
                "trained_at": trained.isoformat() if trained else None,
            }
            for key, unit_name, reached, trained in db.session.execute(
                select(
                    IndicatorPerson.period_key,
                    Unit.name,
                    IndicatorPerson.reached_at,
                    IndicatorPerson.trained_at,
                )
                .join(Unit, Unit.id == IndicatorPerson.unit_id)
                .where(IndicatorPerson.participant_id == pid)
                .order_by(IndicatorPerson.period_key, Unit.name)
            )
        ],
        "nominations": [
            {
                "period": n.period_key,
                "reason": n.reason,
                "nominated_at": n.nominated_at.isoformat(),
            }
            for n in Nomination.query.filter_by(participant_id=pid).order_by(Nomination.id)
        ],
    }


def _participant_section(participant: Participant) -> dict:
    return {
        "display_name": participant.display_name,
        "role": participant.role,
        "unit": participant.unit.name if participant.unit else None,
        "age_band": participant.age_band,
        "created_at": participant.created_at.isoformat(),
        "last_seen_at": participant.last_seen_at.isoformat(),
        # The cookie token's metadata; its hash stays on the server.
        "token": {
            "issued_at": participant.created_at.isoformat(),
            "last_used_at": participant.last_seen_at.isoformat(),
        },
    }


def _attempt_item(a: Attempt) -> dict:
    return {
        "quiz": a.quiz.slug,
        "version": a.version.number,
        "number": a.number,
        "score_percent": a.score_percent,
        "passed": a.passed,
        "submitted_at": a.submitted_at.isoformat(),
        "answers": {ans.question_id: ans.choice_ids for ans in a.answers},
    }


def _response_item(r: SurveyResponse) -> dict:
    return {
        "survey": r.survey.slug,
        "version": r.version.number,
        "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
        "updated_at": r.updated_at.isoformat() if r.updated_at else None,
        "answers": {
            qid: {"choices": list(g.choices), "other": g.other, "number": g.number, "text": g.text}
            for qid, g in given_from_response(r).items()
        },
    }


def delete_participant(participant: Participant) -> dict:
    """Remove a participant and every row naming them, in the caller's one transaction;
    returns counts for the audit log.

    Their nominations are deleted, not anonymised: a nomination is only its subject and a
    reason that names them, so an anonymous row would record nothing (a list already printed
    stays on paper, and the audit event counts what was removed)."""
    pid = participant.id
    attempt_ids = select(Attempt.id).where(Attempt.participant_id == pid)
    counts = {
        "certificates": db.session.execute(
            delete(Certificate).where(Certificate.participant_id == pid)
        ).rowcount,
        "answers": db.session.execute(
            delete(Answer).where(Answer.attempt_id.in_(attempt_ids))
        ).rowcount,
    }
    counts["attempts"] = db.session.execute(
        delete(Attempt).where(Attempt.participant_id == pid)
    ).rowcount
    counts["visits"] = db.session.execute(delete(Visit).where(Visit.participant_id == pid)).rowcount
    counts["survey_responses"] = _delete_responses(SurveyResponse.participant_id == pid)
    counts["consents"] = db.session.execute(
        delete(Consent).where(Consent.participant_id == pid)
    ).rowcount
    nominations = db.session.execute(delete(Nomination).where(Nomination.participant_id == pid))
    if nominations.rowcount:
        counts["nominations"] = nominations.rowcount
    # Scans stay counted for the poster, but no longer point at anyone; the roster name is
    # the school's class list, free to be claimed again.
    db.session.execute(update(Scan).where(Scan.participant_id == pid).values(participant_id=None))
    db.session.execute(
        update(RosterEntry).where(RosterEntry.participant_id == pid).values(participant_id=None)
    )
    indicator_store.forget([pid])
    db.session.execute(delete(Participant).where(Participant.id == pid))
    db.session.expire_all()
    return counts


def purge_expired(cutoff: dt.datetime) -> dict:
    """Delete participation recorded before `cutoff`, and participants not seen since."""
    old_attempts = select(Attempt.id).where(Attempt.submitted_at < cutoff)
    old_people = select(Participant.id).where(Participant.last_seen_at < cutoff)
    counts = {
        "certificates": db.session.execute(
            delete(Certificate).where(
                (Certificate.attempt_id.in_(old_attempts))
                | Certificate.participant_id.in_(old_people)
            )
        ).rowcount,
    }
    counts["answers"] = db.session.execute(
        delete(Answer).where(
            Answer.attempt_id.in_(
                select(Attempt.id).where(
                    (Attempt.submitted_at < cutoff) | Attempt.participant_id.in_(old_people)
                )
            )
        )
    ).rowcount
    counts["attempts"] = db.session.execute(
        delete(Attempt).where(
            (Attempt.submitted_at < cutoff) | Attempt.participant_id.in_(old_people)
        )
    ).rowcount
    counts["visits"] = db.session.execute(
        delete(Visit).where((Visit.visited_at < cutoff) | Visit.participant_id.in_(old_people))
    ).rowcount
    counts["scans"] = db.session.execute(delete(Scan).where(Scan.scanned_at < cutoff)).rowcount
    counts["survey_responses"] = _delete_responses(
        (SurveyResponse.submitted_on < cutoff.date())
        | SurveyResponse.participant_id.in_(old_people)
    )
    db.session.execute(
        update(Scan).where(Scan.participant_id.in_(old_people)).values(participant_id=None)
    )
    db.session.execute(
        update(RosterEntry)
        .where(RosterEntry.participant_id.in_(old_people))
        .values(participant_id=None)
    )
    counts["consents"] = db.session.execute(
        delete(Consent).where(Consent.participant_id.in_(old_people))
    ).rowcount
    nominations = db.session.execute(
        delete(Nomination).where(Nomination.participant_id.in_(old_people))
    )
    if nominations.rowcount:
        counts["nominations"] = nominations.rowcount
    indicator_store.forget(old_people)
    indicator_store.rebuild(indicator_store.keys_starting_before(cutoff.date()))
    counts["participants"] = db.session.execute(
        delete(Participant).where(Participant.id.in_(old_people))
    ).rowcount
    db.session.expire_all()
    return counts


def _delete_responses(condition) -> int:
    """Delete the survey responses matching `condition`, answers first."""
    ids = select(SurveyResponse.id).where(condition)
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids)))
    return db.session.execute(delete(SurveyResponse).where(condition)).rowcount
