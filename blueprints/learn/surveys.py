"""Learner survey pages: answer once, see and change the answers until the survey closes.

Only the person who answered sees the answers: a named survey's to its participant once this
browser session said it is them ("Bạn là …?"); an anonymous survey's only in the browser session
that sent them, for a short while (the device cookie outlives the person who answered)."""

import re
import time
from dataclasses import dataclass

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.common.dates import local_today
from blueprints.learn import bp, stamps, visible, visitor
from blueprints.learn.survey_forms import (
    OTHER_LABEL,
    exclusive_conflict,
    field_name,
    form_data_from_given,
    given_from_form,
    likert_labels,
    other_name,
    survey_form_class_for,
)
from extensions import csrf, db
from i18n import current_language
from models import Survey, SurveyVersion
from services.common.vietnamese import vn_number
from services.content import resolve
from services.content.localize import localized_question
from services.content.survey_schema import OTHER
from services.participation import attempts as participation
from services.participation import offline
from services.participation import survey_attribution as attribution
from services.participation import survey_responses as surveys
from unit_of_work import fault_message, on_storage_fault

DIGITS = re.compile(r"[0-9]{1,9}")
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
FORM_PAGE = "learn/survey.html"
CLOSED_PAGE = "learn/survey_closed.html"
DONE_PAGE = "learn/survey_done.html"
# How long after sending an anonymous response this browser session may see and change it.
ANONYMOUS_ANSWERS_SHOWN_SECONDS = 30 * 60


@dataclass(frozen=True)
class Refusal:
    """How the page answers a submit the service refused."""

    status: int
    message: object  # a lazy string: the notice above the form (None on the closed page)
    template: str
    restart: bool = False  # offer the form again over the response as it now stands


SUBMIT_REFUSALS: dict[type[Exception], Refusal] = {
    surveys.SurveyClosed: Refusal(409, None, CLOSED_PAGE),
    surveys.StaleForm: Refusal(
        409,
        _l(
            "Phiếu này đã được gửi từ một trang khác sau khi bạn mở trang này. Những gì bạn "
            "vừa chọn vẫn còn ở dưới: nếu muốn thay câu trả lời đã gửi, hãy bấm “Gửi” lần nữa."
        ),
        FORM_PAGE,
        restart=True,
    ),
    surveys.InvalidSurveyAnswer: Refusal(
        400,
        _l("Câu trả lời không hợp lệ. Vui lòng xem lại rồi bấm “Gửi” lần nữa."),
        FORM_PAGE,
    ),
    participation.SubmitConflict: Refusal(
        409,
        _l("Nhiều phiếu đang được gửi cùng lúc. Câu trả lời vẫn còn: hãy bấm “Gửi” lần nữa."),
        FORM_PAGE,
    ),
}


def _answers_shown(version: SurveyVersion, given: dict, lang: str) -> list[tuple[str, str]]:
    """(question, answer as text) for the respondent's own answers."""
    shown = []
    for question in surveys.asked_questions(version.questions, given):  # not the others
        texts = localized_question(version.definition, question, lang)
        answer = given.get(question["id"])
        if answer is None:
            shown.append((texts["text"], "—"))
            continue
        kind = question["type"]
        if kind == "likert":
            labels = likert_labels(texts)
            value = str(labels[int(answer.choices[0]) - 1])
        elif kind in ("single", "multiple"):
            value = ", ".join(
                answer.other if c == OTHER else texts["choices"].get(c, c) for c in answer.choices
            )
        elif kind == "number":
            value = vn_number(answer.number, 3)
        else:
            value = answer.text
        shown.append((texts["text"], value))
    return shown


def _form_page(
    survey, version, form, key: str, revision: int, status=200, notice=None, editing=False
):
    """The survey form for respondent `key`; `revision` is the response's revision it starts
    from (0: none yet)."""
    fields = []
    lang = current_language()
    for number, question in enumerate(version.questions, start=1):
        other = form[other_name(question["id"])] if question.get("other") else None
        rule = _condition(version, question, lang)
        fields.append((number, question, form[field_name(question["id"])], other, rule))
    return (
        render_template(
            FORM_PAGE,
            survey=survey,
            version=version,
            form=form,
            fields=fields,
            notice=notice,
            editing=editing,
            revision=revision,
            respondent=key,
            has_rules=any(rule for *_parts, rule in fields)
            or any(surveys.exclusive_ids(q) for q in version.questions),
        ),
        status,
    )


@dataclass(frozen=True)
class Condition:
    """A conditional question on the form: the field and values the script watches, and the
    hint shown to everyone (without JavaScript the question stays on the page)."""

    field: str
    values: str  # the choice ids, separated by spaces
    hint: str


def _condition(version: SurveyVersion, question: dict, lang: str) -> Condition | None:
    rule = question.get("show_if")
    if not isinstance(rule, dict):
        return None
    numbers = {q["id"]: n for n, q in enumerate(version.questions, start=1)}
    earlier = next(q for q in version.questions if q["id"] == rule["question"])
    texts = localized_question(version.definition, earlier, lang)
    labels = dict(texts["choices"]) | {OTHER: texts.get("other") or OTHER_LABEL}
    quoted = [f"“{labels.get(c, c)}”" for c in rule["choices"]]
    choices = quoted[0]
    if len(quoted) > 1:
        choices = _("%(some)s hoặc %(last)s", some=", ".join(quoted[:-1]), last=quoted[-1])
    hint = _(
        "Chỉ trả lời nếu ở câu %(n)d “%(question)s” bạn chọn %(choices)s.",
        n=numbers[earlier["id"]],
        question=texts["text"],
        choices=choices,
    )
    return Condition(field_name(earlier["id"]), " ".join(rule["choices"]), hint)


@bp.route("/surveys/<slug>", methods=["GET", "POST"])
@csrf.exempt  # the survey form checks its own CSRF token so an expired one keeps the answers
def survey(slug: str):
    item = visible.requested().item  # the commune's or the province's (visible.py)
    if item is None:
        abort(404)
    participant = visitor.load_participant(touch=not item.anonymous)
    if participant is None and not item.anonymous:
        return redirect(url_for("learn.identify", next=request.full_path.rstrip("?")))
    if request.method == "POST":
        on_storage_fault(lambda fault: _not_saved(item, participant, fault))
    key, new_device = _respondent(item, participant)
    response = surveys.find_response(item, key)
    lang = current_language()
    if request.method == "POST":
        page = _submit(item, participant, key, response, lang)
    else:
        page = _show(item, participant, key, response, lang)
    page = current_app.make_response(page)
    if new_device is not None:
        visitor.remember_device(page, new_device)
    page.headers["Cache-Control"] = "private, no-store"
    return page


def _respondent(item: Survey, participant) -> tuple[str, str | None]:
    """(respondent key, a new device token to remember or None) for this request."""
    key, new_device = attribution.respondent(item, participant, visitor.device_token())
    if request.method == "POST" and item.anonymous:
        # The respondent the form was made for, not whatever cookie came with it: one form
        # makes at most one anonymous response (a retry without the device cookie included).
        key = _stamped_respondent(item) or key
    return key, new_device


def _not_saved(item: Survey, participant, fault):
    """The storage refused the submit: the form again, with the answers as typed."""
    key, _new_device = _respondent(item, participant)
    version = _posted_version(item) or _current(item)
    form = survey_form_class_for(version, current_language())()
    _keep_token(form)
    notice = fault_message(
        fault,
        _(
            "Các câu trả lời của bạn vẫn còn trên trang này. "
            "Hãy bấm “Gửi câu trả lời” lại sau ít phút."
        ),
    )
    return _form_page(item, version, form, key, _posted_revision(), 503, notice)


def _show(item: Survey, participant, key: str, response, lang: str):
    if response is not None and not item.anonymous and not visitor.is_confirmed(participant):
        # Saved answers are shown only to the one who gave them: ask who holds the phone.
        return redirect(url_for("learn.confirm", next=request.full_path.rstrip("?")))
    # An anonymous survey names nobody; a page saved for later is not opened yet.
    if (
        participant is not None
        and not item.anonymous
        and not offline.is_save_fetch(request.headers)
    ):
        participation.record_visit(participant, item, visitor.poster_for(participant, item))
    is_open = item.is_open(local_today())
    if response is not None and item.anonymous and not _answered_here(item):
        # Someone sent this device's response, maybe not the person holding it now.
        return render_template(DONE_PAGE, survey=item, answers=None, is_open=is_open)
    if response is not None and (request.args.get("sua") != "1" or not is_open):
        given = surveys.given_from_response(response)
        return render_template(
            DONE_PAGE,
            survey=item,
            answers=_answers_shown(response.version, given, lang),
            is_open=is_open,
            just_sent=request.args.get("da_gui") == "1",
        )
    if not is_open:
        return render_template("learn/survey_closed.html", survey=item, today=local_today())
    version = _current(item)
    data = {"submission_token": surveys.new_submission_token()}
    if response is not None:
        data.update(form_data_from_given(surveys.given_from_response(response), version.questions))
    form = survey_form_class_for(version, lang)(data=data)
    revision = response.revision if response is not None else 0
    return _form_page(item, version, form, key, revision, editing=response is not None)


def _current(item: Survey) -> SurveyVersion:
    """The version this learner's commune answers (its own edit, else the province's)."""
    return resolve.survey_version_for(item, visible.content_commune())


def _posted_version(item: Survey) -> SurveyVersion | None:
    """The version the respondent saw (hidden field), if it belongs to this survey."""
    raw = request.form.get("version", "")
    version = db.session.get(SurveyVersion, int(raw)) if DIGITS.fullmatch(raw) else None
    return version if version is not None and version.survey_id == item.id else None


def _stamped_respondent(item: Survey) -> str | None:
    """The respondent key in the posted form's stamp, if the stamp is genuine and names this
    very form (services/participation/offline.py)."""
    version = _posted_version(item)
    if version is None:
        return None
    try:
        owner, _fetched = stamps.posted_stamp(
            offline.SURVEY, item, version, request.form.get("submission_token", "")
        )
    except offline.StampError:
        return None
    return owner if surveys.is_anonymous_key(owner) else None


def _posted_revision() -> int:
    raw = request.form.get("revision", "")
    return int(raw) if DIGITS.fullmatch(raw) else 0


def _closed(item: Survey):
    return render_template(CLOSED_PAGE, survey=item, today=local_today()), 409


def _sent(item: Survey):
    if item.anonymous:
        answered = dict(session.get(visitor.ANSWERED_KEY) or {})
        answered[str(item.id)] = int(time.time())
        session[visitor.ANSWERED_KEY] = answered
    return redirect(url_for("learn.survey", slug=item.slug, da_gui=1), code=303)


def _answered_here(item: Survey) -> bool:
    """Whether this browser session sent this anonymous survey's response a short while ago."""
    answered = session.get(visitor.ANSWERED_KEY)
    sent_at = answered.get(str(item.id)) if isinstance(answered, dict) else None
    return isinstance(sent_at, int) and time.time() - sent_at < ANONYMOUS_ANSWERS_SHOWN_SECONDS


@bp.post("/surveys/<slug>/someone-else")
def answer_for_someone_else(slug: str):
    """ "Trả lời cho người khác": the device starts a fresh anonymous respondent (a new device
    token), so the next person answers afresh and never sees the earlier answers."""
    item = Survey.query.filter_by(slug=slug).first_or_404()
    if not item.anonymous:
        abort(404)
    # The new token is a new respondent for every anonymous survey: none was answered here.
    session.pop(visitor.ANSWERED_KEY, None)
    _key, token = attribution.respondent(item, None, None)
    response = redirect(url_for("learn.survey", slug=item.slug), code=303)
    visitor.remember_device(response, token)
    return response


def _submit(item: Survey, participant, key: str, response, lang: str):
    posted = request.form.get("submission_token", "")
    if response is not None and response.submission_token == posted:
        return _sent(item)  # the same form again (a double tap, a retry): nothing changes
    if not item.is_open(local_today()):
        return _closed(item)
    version = _posted_version(item)
    revision = _posted_revision()
    if version is None:
        # A form of another survey or a tampered one: show the current questions with what
        # was sent, so that one more tap sends it.
        version = _current(item)
        form = survey_form_class_for(version, lang)()
        _keep_token(form)
        notice = _("Phiếu khảo sát đã thay đổi. Vui lòng xem lại câu trả lời rồi bấm “Gửi”.")
        return _form_page(item, version, form, key, revision, status=400, notice=notice)
    form = survey_form_class_for(version, lang)()
    if not form.validate():
        notice = (
            _("Phiên làm bài đã hết hạn. Câu trả lời của bạn vẫn còn: hãy bấm “Gửi” lần nữa.")
            if form.csrf_token.errors
            else _("Phiếu chưa gửi được. Vui lòng xem các câu được đánh dấu bên dưới.")
        )
        _keep_token(form)
        # An exclusive choice ticked with another is a choice the person must make: 422.
        status = 422 if exclusive_conflict(form, version.questions) else 400
        return _form_page(item, version, form, key, revision, status=status, notice=notice)
    answered = attribution.Answered(
        version=version,
        token=form.submission_token.data,
        answers=given_from_form(form, version.questions),
        base_revision=revision,
    )
    submission = attribution.submission(
        item, key, participant, visitor.arrival(participant, item), answered
    )
    try:
        surveys.submit_response(submission, local_today())
    except tuple(SUBMIT_REFUSALS) as exc:
        return _refused(_refusal_for(exc), item, version, form, key, revision)
    return _sent(item)


def _refusal_for(exc: Exception) -> Refusal:
    return next(SUBMIT_REFUSALS[k] for k in type(exc).__mro__ if k in SUBMIT_REFUSALS)


def _refused(refusal: Refusal, item: Survey, version, form, key: str, revision: int):
    """The answer to a submit the service refused: the closed page, or the form again."""
    if refusal.template == CLOSED_PAGE:
        return render_template(CLOSED_PAGE, survey=item, today=local_today()), refusal.status
    editing = False
    if refusal.restart:
        # Sent from a page made before the answers last changed: ask before replacing them.
        current = surveys.find_response(item, key)
        form.submission_token.data = surveys.new_submission_token()
        revision = current.revision if current is not None else 0
        editing = True
    return _form_page(
        item, version, form, key, revision, refusal.status, str(refusal.message), editing
    )


def _keep_token(form) -> None:
    """Keep the form's own idempotency token; give a missing or tampered one a fresh token."""
    if not TOKEN.fullmatch(form.submission_token.data or ""):
        form.submission_token.data = surveys.new_submission_token()
