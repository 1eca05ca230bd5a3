"""Learner views: thin — validate, act through services, redirect (the commit is elsewhere)."""

import re
from pathlib import Path

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from blueprints.common import tenant
from blueprints.common.client import client_ip
from blueprints.common.downloads import download
from blueprints.common.form_errors import put_errors
from blueprints.common.redirects import safe_next
from blueprints.learn import bp, device, guesses, lesson_media, visible, visitor
from blueprints.learn.forms import (
    IdentityForm,
    answers_not_drawn,
    field_name,
    quiz_answers,
    quiz_form_class_for,
    unit_choices,
)
from extensions import csrf, db, limiter
from i18n import LANG_COOKIE, current_language
from models import Attempt, Course, Lesson, Quiz, QuizVersion, RosterEntry, Survey, Unit
from models.base import utcnow
from services import documents
from services.common.errors import InvalidInput
from services.common.vietnamese import local_date
from services.content import resolve, visibility
from services.org import roster
from services.participation import (
    assignments,
    catalog,
    certificates,
    courses,
    drawing,
    identity,
    offline,
    quiz_taking,
    quiz_versions,
    scoring,
)
from services.participation import attempts as participation
from services.participation import posters as poster_service
from services.participation import survey_responses as surveys
from unit_of_work import fault_message, keep_changes_on_error, on_storage_fault

# Link-preview fetchers (Facebook, Zalo, Telegram…): they follow links but are not people.
PREVIEW_BOTS = re.compile(
    r"facebookexternalhit|facebot|twitterbot|telegrambot|slackbot|discordbot|whatsapp|"
    r"[a-z]+bot/|\bbot\b|crawler|spider|preview",
    re.IGNORECASE,
)
ID_DIGITS = re.compile(r"[0-9]{1,9}")
# The identity form's own checks come first, so a refusal by the service means a tampered form.
IDENTITY_MESSAGES = {
    code: _l("Thông tin không hợp lệ, vui lòng kiểm tra lại.")
    for code in ("empty", "too_long", "unknown", "required")
}


def _identify_first():
    """Send an unknown visitor to the identity form, coming back here afterwards."""
    return redirect(url_for("learn.identify", next=request.full_path.rstrip("?")))


def _is_link_preview() -> bool:
    agent = request.user_agent.string or ""
    return request.method == "HEAD" or bool(PREVIEW_BOTS.search(agent))


@bp.get("/")
def home():
    """The list of topics, with the learner's progress when we know them."""
    participant = visitor.load_participant()
    lessons = catalog.lessons(participant)
    progress = catalog.progress(participant) if participant else {}
    today = local_date(utcnow(), current_app.config["TIMEZONE"])
    return render_template(
        "learn/home.html",
        lessons=lessons,
        participant=participant,
        progress=progress,
        courses=[courses.course_progress(c, progress) for c in courses.courses_for(participant)],
        surveys=surveys.open_surveys(today),
        work=assignments.pupil_work(participant, today),
    )


@bp.get("/courses/<slug>")
def course(slug: str):
    """A course's topics in order with the learner's status in each, and the course
    certificate once every quiz of it is passed (issued here if it is due)."""
    item = Course.query.filter_by(slug=slug[:60]).first_or_404()
    participant = visitor.load_participant()
    if participant is None:
        return _identify_first()
    state = courses.course_progress(item, catalog.progress(participant))
    rules = quiz_taking.CertificateRules.from_config(current_app.config, participant.commune_id)
    certificate = (
        certificates.course_when_signed(participant, item, rules.serial_prefix, rules.timezone)
        if state.complete
        else certificates.course_certificate_for(participant.id, item.id)
    )
    return render_template(
        "learn/course.html",
        course=item,
        state=state,
        certificate=certificate,
        code=certificates.format_code(certificate.verification_code) if certificate else None,
    )


@bp.get("/courses/<slug>/certificate.pdf")
def course_certificate_pdf(slug: str):
    """The learner's certificate for a course, as a PDF."""
    item = Course.query.filter_by(slug=slug[:60]).first_or_404()
    participant = visitor.load_participant()
    found = certificates.course_certificate_for(participant.id, item.id) if participant else None
    if found is None:
        abort(404, description=_("Bạn chưa có giấy chứng nhận cho khóa học này."))
    return download(
        documents.certificate_pdf([found]), "application/pdf", f"giay-chung-nhan-{found.serial}.pdf"
    )


@bp.get("/p/<code>")
def poster(code: str):
    """Permanent poster link: count the scan, then go to the poster's lesson or quiz (a known
    browser not yet confirmed in this session is first asked who is holding the phone)."""
    found = participation.find_poster(code, everywhere=True)
    if found is None:
        return _unknown_code("poster", code)
    tenant.remember_commune(found)  # before its lesson, quiz or unit is loaded
    if found.is_retired:
        return _retired_poster(found)
    # An anonymous survey's poster names nobody: its scan is not tied to the person, now or
    # when they identify later (not even by their last-seen time), and what they open next is
    # not attributed to it.
    anonymous = found.survey is not None and found.survey.anonymous
    known = visitor.load_participant(touch=False)
    # Until the person says they are the known one, nothing counts for them.
    participant = known if visitor.is_confirmed(known) and not anonymous else None
    if participant is not None:
        visitor.load_participant()  # seen now
    target = _poster_target(found, known, anonymous)
    if not _is_link_preview():
        on_storage_fault(lambda _fault: _scan_not_recorded(target))
        scan = participation.record_scan(found, participant)
        db.session.flush()
        if anonymous:
            session[visitor.SURVEY_POSTER_KEY] = found.id
        else:
            visitor.start_poster_visit(found, participant)
            session[visitor.SCAN_KEY] = scan.id
            if known is not None and participant is None:
                return redirect(url_for("learn.confirm", next=target))
    return redirect(target)


def _poster_target(found, participant, anonymous: bool) -> str:
    """Where a poster leads: its lesson, quiz or survey (a first-time visitor identifies first,
    one round trip less on a slow line; an anonymous survey needs no identity form)."""
    if found.lesson is not None:
        target = url_for("learn.lesson", slug=found.lesson.slug)
    elif found.quiz is not None:
        target = url_for("learn.quiz", slug=found.quiz.slug)
    else:
        target = url_for("learn.survey", slug=found.survey.slug)
        if anonymous:
            return target
    if participant is None and not _is_link_preview():
        return url_for("learn.identify", next=target)
    return target


def _retired_poster(found):
    """A retired poster: say so kindly and point to the lessons (410 Gone: the link will not
    come back). The opening is counted apart from the scans, as a sign that the paper still
    hangs; it attributes nothing to the poster and the page stands even if it is not saved."""
    page = render_template("learn/retired_poster.html", poster=found), 410
    if not _is_link_preview():
        on_storage_fault(lambda _fault: page)
        poster_service.count_scan_after_retirement(found)
        keep_changes_on_error()
    return page


def _scan_not_recorded(target: str):
    """The storage refused the scan: go on to the poster's page all the same."""
    session.pop(visitor.SCAN_KEY, None)  # it names a scan that was never saved
    return redirect(target)


def _unknown_code(kind: str, code: str):
    """A code matching no poster or class: 404, or 429 once this address has guessed too many."""
    if not guesses.missed("CODE_GUESS_RATE_LIMIT", "code-guess", client_ip()):
        abort(429)
    return render_template("learn/unknown_code.html", kind=kind, code=code[:20]), 404


@bp.get("/c/<code>")
def join_class(code: str):
    """Permanent class join link: the student identifies with the class already chosen (a pupil
    of this class known to the browser is first asked whether they are the one holding it)."""
    unit = catalog.find_class(code)
    if unit is None:
        return _unknown_code("class", code)
    tenant.remember_commune(unit)
    participant = visitor.load_participant(touch=False)
    visitor.end_poster_visit()  # a class join is not the poster's doing
    session[visitor.CLASS_KEY] = unit.id
    if participant is not None and participant.unit_id == unit.id:
        if not visitor.is_confirmed(participant):
            return redirect(url_for("learn.confirm", next=url_for("learn.home")))
        session.pop(visitor.CLASS_KEY, None)
        return redirect(url_for("learn.home"))
    return redirect(url_for("learn.identify"))


def _target_item(path: str | None):
    """The lesson, quiz or survey an identity form leads to, to name it and preview it."""
    path = safe_next(path, "")
    if not path:
        return None
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path.split("?")[0])
    except HTTPException:  # a path that is not a lesson or quiz names no item
        return None
    model = {"learn.lesson": Lesson, "learn.quiz": Quiz, "learn.survey": Survey}.get(endpoint)
    item = model.query.filter_by(slug=args.get("slug")).first() if model else None
    shown = item is not None and visibility.may_see(item, None, visitor.via_poster())
    return item if shown else None


def _identity_form() -> IdentityForm:
    form = IdentityForm()
    class_id = session.get(visitor.CLASS_KEY)
    form.fixed_unit = db.session.get(Unit, class_id) if isinstance(class_id, int) else None
    form.unit_id.choices = unit_choices(catalog.selectable_places())
    names = roster.unclaimed(form.fixed_unit) if form.fixed_unit is not None else []
    # Anyone holding the class link sees this list: short names only, never full names.
    form.roster_entry.choices = [("", _("— Tên em không có trong danh sách —"))] + [
        (str(entry_id), label) for entry_id, label in roster.choices(names)
    ]
    form.apart_by_birth = roster.apart_by_birth(names)
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
        placement = catalog.poster_placement(visitor.via_poster())
        if placement is not None and form.fixed_unit is None:
            form.unit_id.data = str(placement.id)
        if form.fixed_unit is not None:
            form.role.data = "student"
    return form


def _identity_rate() -> str:
    return current_app.config["IDENTITY_RATE_LIMIT"]


@bp.route("/identify", methods=["GET", "POST"])
@limiter.limit(
    _identity_rate,
    key_func=client_ip,
    methods=["POST"],
    scope="identity",
    deduct_when=lambda response: response.status_code == 303,  # only identities made
)
def identify():
    """First visit: name, role, unit and age band; under-16s confirm an adult agreed."""
    form = _identity_form()
    target = _target_item(form.next.data or request.args.get("next"))
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("learn/identify.html", form=form, target=target), status
    fixed = form.fixed_unit
    entry, refusal = _checked_roster_entry(form)
    if refusal is not None:
        return render_template("learn/identify.html", form=form, target=target), refusal
    if fixed is None:
        catalog.enter_place_of_new_visitor(int(form.unit_id.data))
    new = identity.NewIdentity(
        display_name=entry.name if entry else form.display_name.data,
        role="student" if fixed is not None else form.role.data,
        unit_id=fixed.id if fixed is not None else int(form.unit_id.data),
        age_band=form.age_band.data,
        guardian_consent=form.guardian_consent.data,
    )
    try:
        participant, token = identity.create_participant(
            new, current_app.config["CONSENT_TEXT_VERSION"]
        )
    except InvalidInput as exc:
        put_errors(form, exc, IDENTITY_MESSAGES)
        return render_template("learn/identify.html", form=form, target=target), 400
    if entry is not None and roster.claim(entry.id, fixed, participant.id) is None:
        form.roster_entry.errors = [_("Tên này vừa có bạn khác chọn. Hãy chọn lại hoặc gõ tên.")]
        return render_template("learn/identify.html", form=form, target=target), 409
    session.pop(visitor.CLASS_KEY, None)
    visitor.claim_poster_visit(participant)
    visitor.confirm(participant)
    response = redirect(safe_next(form.next.data, url_for("learn.home")), code=303)
    visitor.remember_participant(response, token)
    return response


def _checked_roster_entry(form: IdentityForm) -> tuple[RosterEntry | None, int | None]:
    """The roster name a student may claim, checked against the list number they typed; or the
    status refusing it (400 wrong number, 429 too many wrong numbers), the error on the form."""
    chosen = _roster_entry(form)
    if chosen is None:
        return None, None
    keys = (
        ("ROSTER_NUMBER_RATE_LIMIT", f"entry {chosen.id}"),
        ("ROSTER_NUMBER_CLASS_RATE_LIMIT", f"{client_ip()} class {chosen.unit_id}"),
    )
    if not all(guesses.allowed(setting, "roster-number", key) for setting, key in keys):
        form.list_number.errors = [
            _("Em đã nhập sai nhiều lần. Hãy đợi ít phút rồi thử lại, hoặc hỏi thầy cô.")
        ]
        return None, 429
    entry = roster.entry_for_number(chosen, int(form.list_number.data))
    if entry is None:
        for setting, key in keys:
            guesses.missed(setting, "roster-number", key)
        form.list_number.errors = [_("Số thứ tự không khớp với tên đã chọn.")]
        return None, 400
    return entry, None


def _roster_entry(form: IdentityForm) -> RosterEntry | None:
    """The roster name a student picked, if it belongs to the class being joined."""
    raw = form.roster_entry.data or ""
    if form.fixed_unit is None or not ID_DIGITS.fullmatch(raw):
        return None
    entry = db.session.get(RosterEntry, int(raw))
    return entry if entry is not None and entry.unit_id == form.fixed_unit.id else None


@bp.post("/not-me")
def not_me():
    """Shared phone: end who was here (their token stops working on the server too) and start
    a new identity. From the "Bạn là …?" page ("Tôi là người khác", a `next` posted), the poster
    or class link just scanned is the new person's and is kept."""
    posted = request.form.get("next")
    if posted is None:
        return _someone_else(url_for("learn.identify"), keep_arrival=False)
    target = safe_next(posted, url_for("learn.home"))
    return _someone_else(url_for("learn.identify", next=target), keep_arrival=True)


def _someone_else(identify_url: str, keep_arrival: bool):
    """Revoke the known participant's token, forget them on this browser, go to `identify_url`."""
    participant = visitor.load_participant(touch=False)
    if participant is not None:
        identity.revoke_token(participant)
    response = redirect(identify_url, code=303)
    visitor.forget_participant(response, keep_arrival=keep_arrival)
    return response


@bp.route("/confirm", methods=["GET", "POST"])
def confirm():
    """ "Bạn là <tên>?" for a known browser arriving from a poster or a class link: "Đúng, tiếp
    tục" (POST here) confirms this browser session, and the scan is theirs; "Tôi là người khác"
    posts to not_me."""
    target = safe_next(request.values.get("next"), url_for("learn.home"))
    participant = visitor.load_participant(touch=False)
    if participant is None:
        return redirect(url_for("learn.identify", next=target), code=303)
    if request.method == "GET":
        return render_template("learn/confirm.html", participant=participant, target=target)
    visitor.load_participant()  # seen now
    visitor.confirm(participant)
    visitor.claim_poster_visit(participant)  # the scan and its poster visit are theirs
    session.pop(visitor.CLASS_KEY, None)
    return redirect(target, code=303)


@bp.get("/lessons/<slug>")
def lesson(slug: str):
    """A short lesson, then a button to its quiz."""
    item = visible.requested().item  # loaded once, by visible.py
    if item is None:
        abort(404)
    participant = visitor.load_participant()
    if participant is None:
        return _identify_first()
    # The lesson names the learner's own commune's channels ({{kenh.*}}).
    commune_id = participant.commune_id
    on_storage_fault(
        lambda _fault: _lesson_page(item, commune_id)
    )  # the visit is lost, not the lesson
    participation.record_visit(participant, item, visitor.poster_for(participant, item))
    return _lesson_page(item, commune_id)


def _lesson_page(item: Lesson, commune_id: int | None):
    label = lesson_media.image_label if device.data_saver() else None
    shown = resolve.lesson_for(item, visible.content_commune())  # the commune's text, if any
    return render_template(
        "learn/lesson.html",
        lesson=shown,
        body_html=catalog.lesson_html(
            shown, current_language(), image_label=label, commune_id=commune_id
        ),
        audio=lesson_media.audio_choices(shown),
        next_steps=courses.next_in_courses(item.quiz) if item.quiz else [],
    )


def _quiz_page(quiz: Quiz, version: QuizVersion, form, attempts_left, status=200, notice=None):
    return (
        render_template(
            "learn/quiz.html",
            quiz=quiz,
            version=version,
            form=form,
            questions=form.shown,
            attempts_left=attempts_left,
            notice=notice,
        ),
        status,
    )


def _requested_quiz() -> tuple[Quiz, QuizVersion]:
    """The quiz this request names and its current version (loaded once, by visible.py)."""
    found = visible.requested()
    if found.item is None:
        abort(404)
    return found.item, found.version


def _posted_version(quiz: Quiz, current: QuizVersion) -> QuizVersion:
    """The version the learner saw (hidden field), which must belong to this quiz."""
    raw = request.form.get("version", "")
    version = None
    if ID_DIGITS.fullmatch(raw):
        version = quiz_versions.version_of(quiz, int(raw), current)
    if version is None:
        abort(400, description=_("Bài kiểm tra đã thay đổi. Vui lòng mở lại bài."))
    return version


@bp.route("/quizzes/<slug>", methods=["GET", "POST"])
@csrf.exempt  # the quiz form checks its own CSRF token so an expired one keeps the answers
def quiz(slug: str):
    """Take a quiz; a submit is scored once per form, whatever the network does."""
    item, current = _requested_quiz()
    participant = visitor.load_participant()
    if participant is None:
        return _identify_first()
    if request.method == "GET":
        return _show_quiz(item, current, participant)
    version = _posted_version(item, current)
    on_storage_fault(lambda fault: _quiz_not_saved(item, version, participant, fault))
    return _submit_quiz(item, version, participant)


def _attempts_left(participant, item: Quiz) -> int | None:
    """What the quiz's current rule leaves this participant (None: unlimited)."""
    current = visible.requested().version
    return participation.remaining(current, participation.attempts_used(participant, item))


def _show_quiz(item: Quiz, version: QuizVersion, participant):
    """The form of the next attempt, or why there is none (used up, or just submitted)."""
    used = participation.attempts_used(participant, item)
    left = participation.remaining(version, used)
    if left == 0:
        return render_template("learn/no_attempts.html", quiz=item), 200
    number = used + 1
    if used and request.args.get("lan") != str(number):
        # Back button or a bookmark after submitting: offer the result, not a new attempt.
        return render_template(
            "learn/quiz_done.html",
            quiz=item,
            last=participation.last_attempt(participant, item),
            number=number,
            attempts_left=left,
        )
    token = participation.submission_token(
        current_app.config["SECRET_KEY"], participant, item, number
    )
    form = quiz_form_class_for(version, current_language())(submission_token=token)
    if not offline.is_save_fetch(request.headers):  # saved for later, not opened yet
        participation.record_visit(participant, item, visitor.poster_for(participant, item))
    return _quiz_page(item, version, form, left)


def _quiz_not_saved(item: Quiz, version: QuizVersion, participant, fault):
    """The storage refused the submit: the form again, with the answers as typed."""
    form = quiz_form_class_for(version, current_language())()
    notice = fault_message(
        fault,
        _("Các câu trả lời của bạn vẫn còn trên trang này. Hãy bấm “Nộp bài” lại sau ít phút."),
    )
    left = _attempts_left(participant, item)
    return _quiz_page(item, version, form, left, status=503, notice=notice)


def _submit_quiz(item: Quiz, version: QuizVersion, participant):
    """Validate the posted form, take the quiz through the service, answer."""
    form = quiz_form_class_for(version, current_language())()
    done = participation.find_attempt_by_token(form.submission_token.data or "")
    if done is not None and done.participant_id == participant.id:
        return _already_submitted(item, version, done)
    if not form.validate():
        left = _attempts_left(participant, item)
        return _quiz_page(item, version, form, left, status=400, notice=_refusal(form))
    taken = quiz_taking.TakenQuiz(
        participant=participant,
        version=version,
        answers=quiz_answers(form, version),
        token=form.submission_token.data,
        poster_id=visitor.poster_for(participant, item),
    )
    try:
        outcome = quiz_taking.submit(
            taken,
            quiz_taking.CertificateRules.from_config(current_app.config, participant.commune_id),
        )
    except participation.NoAttemptsLeft:
        return render_template("learn/no_attempts.html", quiz=item), 409
    except participation.SubmitConflict:
        notice = _(
            "Nhiều bài đang được nộp cùng lúc. Câu trả lời vẫn còn: hãy bấm “Nộp bài” lần nữa."
        )
        left = _attempts_left(participant, item)
        return _quiz_page(item, version, form, left, status=409, notice=notice)
    except scoring.InvalidAnswer:
        abort(400, description=_("Câu trả lời không hợp lệ. Vui lòng làm lại bài."))
    except quiz_taking.SubmittedElsewhere:
        abort(409, description=_("Bài làm này đã được nộp từ một thiết bị khác."))
    if outcome.created:  # its answers are the ones just posted
        return _to_result(outcome.attempt)
    return _already_submitted(item, version, outcome.attempt)


def _to_result(attempt: Attempt):
    return redirect(url_for("learn.result", public_id=attempt.public_id), code=303)


def _refusal(form) -> str:
    """Why a quiz form was not taken, above the form that keeps its answers."""
    if form.csrf_token.errors:
        return _(
            "Phiên làm bài đã hết hạn. Câu trả lời của bạn vẫn còn: hãy bấm “Nộp bài” lần nữa."
        )
    if answers_not_drawn(form):
        return _(
            "Bài làm có câu trả lời cho câu hỏi không thuộc lần làm này. "
            "Các câu của lần làm này vẫn còn bên dưới: hãy bấm “Nộp bài” lần nữa."
        )
    return _("Bài làm chưa nộp được. Vui lòng xem các câu được đánh dấu bên dưới.")


def _already_submitted(item: Quiz, version: QuizVersion, attempt: Attempt):
    """The result of the attempt this form (of `version`) made: quietly for the same form sent
    again (a double tap, a retry), with a word when another tab of the same attempt sent other
    answers first."""
    if _posted_choices(version) == {a.question_id: sorted(a.choice_ids) for a in attempt.answers}:
        return _to_result(attempt)
    page = render_template("learn/other_tab.html", quiz=item, attempt=attempt)
    return page, 409


def _posted_choices(version: QuizVersion) -> dict[str, list[str]]:
    """The choices the posted quiz form (of `version`) carries, per question id it drew."""
    asked = drawing.drawn_questions(version.definition, request.form.get("submission_token"))
    return {q["id"]: sorted(request.form.getlist(field_name(q["id"]))) for q in asked}


@bp.get("/results/<public_id>")
def result(public_id: str):
    """The score, pass or not, and each question in the order it was shown: right or wrong and
    why it matters; the right answers and explanations once the key is open (a pass, or no
    attempt left). Only a passed attempt shows the certificate."""
    attempt = _own_attempt(public_id)
    participant = visitor.load_participant()
    full_key = catalog.key_open(participant, attempt.quiz)
    # Only this attempt's own pass shows a certificate; a pass made while no signer was named
    # is certified here, once the office names one.
    rules = quiz_taking.CertificateRules.from_config(
        current_app.config, attempt.participant.commune_id
    )
    certificate = certificates.issue_when_signed(attempt, rules.serial_prefix, rules.timezone)
    return render_template(
        "learn/result.html",
        attempt=attempt,
        review=catalog.review(attempt, current_language(), full_key=full_key),
        full_key=full_key,
        attempts_left=participation.attempts_left(participant, attempt.quiz),
        certificate=certificate,
        course_certificates=certificates.issue_courses_when_signed(
            attempt, rules.serial_prefix, rules.timezone
        ),
        next_steps=courses.next_in_courses(attempt.quiz),
    )


def _own_attempt(public_id: str) -> Attempt:
    participant = visitor.load_participant()
    attempt = Attempt.query.filter_by(public_id=public_id[:24]).first()
    if attempt is None or participant is None or attempt.participant_id != participant.id:
        abort(404)
    return attempt


@bp.get("/results/<public_id>/certificate.pdf")
def certificate_pdf(public_id: str):
    """The learner's certificate for the quiz of this result, as a PDF."""
    attempt = _own_attempt(public_id)
    certificate = certificates.certificate_for(attempt.participant_id, attempt.quiz_id)
    if certificate is None:
        abort(404, description=_("Bạn chưa có giấy chứng nhận cho bài này."))
    response = download(
        documents.certificate_pdf([certificate]),
        "application/pdf",
        f"giay-chung-nhan-{certificate.serial}.pdf",
    )
    return response


@bp.get("/lang/<code>")
def set_language(code: str):
    """The language switch (a preference cookie, no server state)."""
    response = redirect(safe_next(request.args.get("next"), url_for("learn.home")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="Lax")
    return response


@bp.get("/media/<path:filename>")
def media(filename: str):
    """Lesson images and audio from the curriculum's media folder."""
    folder = Path(current_app.config["CONTENT_DIR"]) / "media"
    return send_from_directory(folder, filename, max_age=7 * 86400)


@bp.after_request
def _no_store_for_personal_pages(response):
    """Learner pages are personal; never let a shared cache keep them.

    The quiz form is "no-cache" rather than "no-store" so that the back button restores the
    form already submitted, with its idempotency token, instead of fetching a fresh one.
    """
    if request.endpoint == "learn.certificate_pdf":
        response.headers["Cache-Control"] = "private, no-store"
    elif request.endpoint == "learn.quiz":
        response.headers["Cache-Control"] = "private, no-cache"
    elif request.endpoint in {"learn.result", "learn.identify", "learn.confirm"}:
        response.headers["Cache-Control"] = "private, no-store"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return make_response(response)
