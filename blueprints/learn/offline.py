"""Offline use of the learner pages: the service worker, a topic's pack of files to save, the
offline page, and answers sent late from a phone that had no signal.

Late answers come to their own JSON endpoints, not to the forms' addresses: a form kept for
days on a phone carries a session CSRF token that has long expired, so these endpoints take
the form's stamp instead (services/participation/offline.py): signed with the app's secret,
bound to the
form's item, version, idempotency token and respondent (the participant for a quiz or a named
survey, the device's one-way respondent key for an anonymous survey), and at most
OFFLINE_SEND_DAYS old. This is still safe against cross-site request forgery:
- the stamp is a per-form secret that only pages of this site can read: another site can
  neither forge it (it is signed) nor learn it (the same-origin policy), and a stamp fetched
  by an attacker for themselves names the attacker, not the victim;
- authority comes from the stamp alone, never from an ambient cookie (the participant and
  device cookies are SameSite=Lax, so they are not sent on a cross-site POST anyway): one
  stamped form makes at most one response or attempt whatever cookies it arrives with;
- the endpoints require the X-Lantoa-Offline header, which a cross-site form cannot send and
  cross-site script can only send after a CORS preflight that this site never grants.
"""

import html
import re
from pathlib import Path

from flask import (
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from blueprints.learn import bp, lesson_media, stamps, visible, visitor
from blueprints.learn.forms import quiz_answers, quiz_form_class_for
from blueprints.learn.survey_forms import given_from_form, survey_form_class_for
from extensions import csrf, db
from i18n import current_language
from models import Lesson, Participant, Quiz, QuizVersion, Survey, SurveyVersion
from models.base import utcnow
from services.common.vietnamese import local_date
from services.content import resolve
from services.content.media_files import file_size, human_size
from services.participation import attempts as participation
from services.participation import catalog, offline, quiz_taking, scoring
from services.participation import survey_attribution as attribution
from services.participation import survey_responses as surveys
from services.render.markdown import media_url
from unit_of_work import fault_message, on_storage_fault

REPLAY_HEADER = "X-Lantoa-Offline"
ID_DIGITS = re.compile(r"[0-9]{1,9}")
IMG_SRC = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')
# What a learner page costs to download, gzip HTML and headers (bench/offline.py measures
# 1.7–2.7 KB of HTML per page of the bundled topics): the pack's estimate for a page, whose
# exact size is only known once it is rendered for the learner.
PAGE_ESTIMATE = 3 * 1024
# Static files the service worker keeps from its installation on (cache-first).
SW_ASSETS = (
    "css/app.css",
    "js/offline.js",
    "js/ui.js",
    "js/survey.js",
    "manifest.webmanifest",
    "icons/icon-192.png",
)


# --- the service worker and the offline page -------------------------------------------------


def _sw_assets() -> list[str]:
    root = Path(current_app.static_folder)
    return [name for name in SW_ASSETS if (root / name).is_file()]


@bp.get("/sw.js")
def service_worker():
    """The service worker at the site's root (its scope is every page); its caches are named
    after a hash of the files it keeps, so changed files replace the old caches."""
    root = Path(current_app.static_folder)
    names = _sw_assets()
    version = offline.asset_version(root, ["sw.js", *names])
    assets = [url_for("static", filename=name) for name in names] + [url_for("learn.offline_page")]
    script = (root / "sw.js").read_text(encoding="utf-8")
    script = script.replace("__VERSION__", version).replace(
        "__ASSETS__", "[" + ",".join(f'"{a}"' for a in assets) + "]"
    )
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.set_etag(version)
    return response.make_conditional(request)


@bp.get("/offline")
def offline_page():
    """What a phone without signal shows for a page it did not keep, or after it kept an
    answer to send later."""
    return render_template("learn/offline.html")


# --- a topic's pack --------------------------------------------------------------------------


def _refuse(status: int, message: str):
    return jsonify(ok=False, message=message), status


def _media_entry(url: str) -> dict | None:
    """A lesson image or audio file of this site (curriculum media or an upload), with its
    size on disk; None for anything else."""
    found = lesson_media.media_file(url.removeprefix("/"))
    if found is None:
        return None
    return {"url": url, "bytes": file_size(found) or 0}


def _page_entry(url: str, fetch: str | None = None) -> dict:
    entry = {"url": url, "bytes": PAGE_ESTIMATE, "estimate": True}
    if fetch:
        entry["fetch"] = fetch
    return entry


def _lesson_media(lesson: Lesson) -> list[str]:
    """Images in the lesson's text, then its audio in every recorded language."""
    body = catalog.lesson_html(lesson, current_language())
    urls = [html.unescape(src) for src in IMG_SRC.findall(body)]
    audio = dict(lesson.audio or {})
    if lesson.audio_path:
        audio.setdefault("vi", lesson.audio_path)
    urls += [media_url(path) for path in audio.values() if isinstance(path, str)]
    return list(dict.fromkeys(urls))


@bp.get("/offline/topics/<slug>.json")
def topic_pack(slug: str):
    """What "Lưu để học khi không có mạng" downloads for a topic, with sizes, before it does:
    the lesson, its images and audio, its quiz form, the open surveys and the home page."""
    lesson = visible.requested().item  # the province's or the learner's commune's own
    if lesson is None:
        return _refuse(404, _("Không tìm thấy bài học này."))
    participant = visitor.load_participant()
    if participant is None:
        return _refuse(403, _("Vui lòng cho biết bạn là ai trước khi lưu bài."))
    files = [_page_entry(url_for("learn.lesson", slug=slug))]
    text = resolve.lesson_for(lesson, visible.content_commune())  # the commune's, if edited
    files += [e for e in map(_media_entry, _lesson_media(text)) if e is not None]
    quiz = lesson.quiz
    if quiz is not None and participation.attempts_left(participant, quiz) != 0:
        used = participation.attempts_used(participant, quiz)
        # The form of the next attempt, kept under the address the lesson links to.
        fetch = url_for("learn.quiz", slug=quiz.slug, lan=used + 1) if used else None
        files.append(_page_entry(url_for("learn.quiz", slug=quiz.slug), fetch))
    today = local_date(utcnow(), current_app.config["TIMEZONE"])
    for survey in surveys.open_surveys(today):
        files.append(_page_entry(url_for("learn.survey", slug=survey.slug)))
    files.append(_page_entry(url_for("learn.home")))
    total = sum(f["bytes"] for f in files)
    response = jsonify(
        url=request.path,
        bytes=total,
        size=_("Khoảng %(size)s", size=human_size(total, current_language())),
        files=files,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- answers sent late -----------------------------------------------------------------------


class Refused(Exception):
    """A late answer that will never be accepted as sent: (status, message for the learner)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _posted_version(model, item):
    raw = request.form.get("version", "")
    version = db.session.get(model, int(raw)) if ID_DIGITS.fullmatch(raw) else None
    parent = getattr(version, "quiz_id" if model is QuizVersion else "survey_id", None)
    if version is None or parent != item.id:
        raise Refused(400, _("Bài làm không hợp lệ. Vui lòng mở lại bài."))
    return version


def _stamp(kind: str, item, version, token: str):
    """(owner, fetch time) from the form's stamp, which must name this form: the participant's
    id, or an anonymous survey's respondent key."""
    try:
        return stamps.posted_stamp(kind, item, version, token)
    except offline.StampError as exc:
        if exc.reason == "expired":
            raise Refused(
                400,
                _(
                    "Bài làm được lưu quá %(n)d ngày nên không gửi được nữa. Vui lòng làm lại.",
                    n=current_app.config["OFFLINE_SEND_DAYS"],
                ),
            ) from exc
        raise Refused(400, _("Bài làm không hợp lệ. Vui lòng mở lại bài.")) from exc


def _answered_at(fetched):
    try:
        answered = offline.parse_epoch_ms(request.form.get("answered_at"))
        sent = offline.parse_epoch_ms(request.form.get("sent_at"))
    except ValueError as exc:
        raise Refused(400, _("Bài làm không hợp lệ. Vui lòng mở lại bài.")) from exc
    return offline.answered_at(answered, sent, fetched, utcnow())


def _late(send):
    """Run a late send: JSON for the phone, the reason when it is refused."""
    if request.headers.get(REPLAY_HEADER) != "1":
        return _refuse(400, _("Bài làm không hợp lệ. Vui lòng mở lại bài."))
    # A 503 leaves the answer in the phone's queue; it is sent again later.
    on_storage_fault(lambda fault: _refuse(503, fault_message(fault, _("Máy sẽ gửi lại sau."))))
    try:
        return send()
    except Refused as refused:
        return _refuse(refused.status, refused.message)
    except participation.SubmitConflict:
        return _refuse(409, _("Nhiều bài đang được gửi cùng lúc. Máy sẽ gửi lại sau."))


@bp.post("/offline/quizzes/<slug>")
@csrf.exempt  # the form's stamp replaces the session's CSRF token (see the module docstring)
def send_quiz(slug: str):
    """A quiz answered without signal: recorded once, scored against the version answered."""
    return _late(lambda: _send_quiz(slug))


def _send_quiz(slug: str):
    quiz = Quiz.query.filter_by(slug=slug).first()
    if quiz is None:
        raise Refused(404, _("Không tìm thấy bài kiểm tra này."))
    version = _posted_version(QuizVersion, quiz)
    form = quiz_form_class_for(version, current_language())(meta={"csrf": False})
    owner, fetched = _stamp(offline.QUIZ, quiz, version, form.submission_token.data)
    participant = db.session.get(Participant, owner) if isinstance(owner, int) else None
    if participant is None:
        raise Refused(400, _("Không tìm thấy người làm bài này."))
    if not form.validate():
        raise Refused(400, _("Bài làm chưa đủ câu trả lời. Vui lòng làm lại bài."))
    taken = quiz_taking.TakenQuiz(
        participant=participant,
        version=version,
        answers=quiz_answers(form, version),
        token=form.submission_token.data,
        poster_id=visitor.poster_for(participant, quiz, _answered_at(fetched)),
        answered_at=_answered_at(fetched),
    )
    try:
        attempt = quiz_taking.take_quiz(
            taken,
            quiz_taking.CertificateRules.from_config(current_app.config, participant.commune_id),
        )
    except participation.NoAttemptsLeft as exc:
        raise Refused(422, _("Bạn đã hết lượt làm bài kiểm tra này.")) from exc
    except scoring.InvalidAnswer as exc:
        raise Refused(400, _("Câu trả lời không hợp lệ. Vui lòng làm lại bài.")) from exc
    except quiz_taking.SubmittedElsewhere as exc:
        raise Refused(409, _("Bài làm này đã được nộp từ một thiết bị khác.")) from exc
    return jsonify(ok=True, result=url_for("learn.result", public_id=attempt.public_id))


@bp.post("/offline/surveys/<slug>")
@csrf.exempt  # the form's stamp replaces the session's CSRF token (see the module docstring)
def send_survey(slug: str):
    """A survey answered without signal: applied once, never over answers changed since."""
    return _late(lambda: _send_survey(slug))


def _send_survey(slug: str):
    survey = Survey.query.filter_by(slug=slug).first()
    if survey is None:
        raise Refused(404, _("Không tìm thấy phiếu khảo sát này."))
    version = _posted_version(SurveyVersion, survey)
    form = survey_form_class_for(version, current_language())(meta={"csrf": False})
    token = form.submission_token.data
    owner, fetched = _stamp(offline.SURVEY, survey, version, token)
    participant = None
    if survey.anonymous:
        # The respondent the form was made for, whatever cookies it comes with (none, or
        # another device's): the same form sent again finds its response.
        if not surveys.is_anonymous_key(owner):
            raise Refused(400, _("Bài làm không hợp lệ. Vui lòng mở lại bài."))
        key = owner
    else:
        participant = db.session.get(Participant, owner) if isinstance(owner, int) else None
        if participant is None:
            raise Refused(400, _("Không tìm thấy người trả lời phiếu này."))
        key, _new_device = attribution.respondent(survey, participant, None)
    if not form.validate():
        raise Refused(400, _("Phiếu chưa đủ câu trả lời. Vui lòng mở lại phiếu."))
    when = _answered_at(fetched)
    raw_revision = request.form.get("revision", "")
    answered = attribution.Answered(
        version=version,
        token=token,
        answers=given_from_form(form, version.questions),
        base_revision=int(raw_revision) if ID_DIGITS.fullmatch(raw_revision) else 0,
        answered_at=when,
    )
    submission = attribution.submission(
        survey, key, participant, visitor.arrival(participant, survey), answered
    )
    # Open or closed on the day it was answered, and filed under that day.
    try:
        surveys.submit_response(submission, local_date(when, current_app.config["TIMEZONE"]))
    except surveys.SurveyClosed as exc:
        raise Refused(422, _("Phiếu khảo sát đã đóng khi bạn trả lời.")) from exc
    except surveys.StaleForm as exc:
        # Answers changed since this copy of the form was made: the newer ones are kept.
        raise Refused(
            422,
            _("Phiếu này đã được trả lời lại ở trang khác; câu trả lời đó được giữ nguyên."),
        ) from exc
    except surveys.InvalidSurveyAnswer as exc:
        raise Refused(400, _("Câu trả lời không hợp lệ. Vui lòng mở lại phiếu.")) from exc
    return jsonify(ok=True, result=url_for("learn.survey", slug=survey.slug))
