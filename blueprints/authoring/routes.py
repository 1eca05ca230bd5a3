"""Authoring views: thin — check who may touch the item, act through services, redirect."""

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from blueprints.authoring import bp, editor
from blueprints.authoring.forms import CsrfForm, NewItemForm, PosterForm
from blueprints.common import audit_trail
from blueprints.common.client import client_ip
from blueprints.common.dates import local_today
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from models import Poster, Unit
from services import documents
from services.common.errors import InvalidInput
from services.common.vocabulary import ROLE_LABELS
from services.content import authoring, media_files, placeholders, schema_messages, visibility
from services.content import diff as content_diff
from services.content.localize import localized, localized_question
from services.content.schema import AUDIO_LANGUAGES, TRANSLATION_LANGUAGES
from services.participation import posters
from services.render import markdown
from unit_of_work import keep_changes_on_error

AUTHORS = ("admin", "teacher")
KIND = "<any(topic, survey):kind>"
ITEM = f"/{KIND}/<slug>"
NEW_ITEM_MESSAGES = {("slug", "taken"): _l("Mã này đã có bài khác dùng. Chọn mã khác.")}
LANGUAGE_NAMES = {"en": "English", "tay": "Tày", "nun": "Nùng"}
ACTION_NAMES = {
    "content_created": _l("Tạo bản nháp"),
    "content_published": _l("Xuất bản"),
    "content_withdrawn": _l("Thu hồi"),
    "content_draft_discarded": _l("Bỏ bản nháp"),
    "content_promoted": _l("Đưa ra toàn xã"),
    "poster_created": _l("Tạo áp phích"),
    "lesson_audio_recorded": _l("Ghi âm bài học"),
}
QUESTION_TYPES = {
    "topic": {
        "single": _l("Chọn một đáp án"),
        "multiple": _l("Chọn nhiều đáp án"),
        "true_false": _l("Đúng hay sai"),
    },
    "survey": {
        "single": _l("Chọn một"),
        "multiple": _l("Chọn nhiều"),
        "likert": _l("Thang 5 mức (đồng ý … không đồng ý)"),
        "number": _l("Một con số"),
        "text": _l("Trả lời tự do"),
    },
}


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def editable(kind: str, slug: str) -> authoring.Item:
    """The item, if it exists (404) and the current staff member may work on it (403)."""
    item = authoring.find(kind, slug, current_user)
    if item is None:
        abort(404)
    if not authoring.can_edit(current_user, item):
        abort(403)
    return item


def _checked_form() -> CsrfForm:
    """A one-button or editor POST: a valid CSRF token or 400."""
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400, description=_("Phiên làm việc đã hết hạn. Vui lòng tải lại trang."))
    return form


def _as_seen(item: authoring.Item) -> None:
    """A button acts on the item as its page showed it: a form without that state is
    incomplete (400); a state changed since (someone else published, saved…) is refused."""
    _checked_form()
    seen = request.form.get("seen")
    if not seen:
        abort(400, description=_("Biểu mẫu không đầy đủ. Vui lòng tải lại trang."))
    if seen != item.fingerprint:
        abort(409, description=_("Bài vừa được thay đổi ở nơi khác. Vui lòng tải lại trang."))


@bp.get("/")
@roles_required(*AUTHORS)
def index():
    """The topics and surveys this staff member may edit, with their state."""
    return render_template(
        "authoring/index.html",
        items=authoring.items_for(current_user),
        can_survey=authoring.can_create(current_user, "survey"),
    )


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new(kind: str):
    """A new topic or survey: its title (and id), then the editor."""
    if not authoring.can_create(current_user, kind):
        abort(403)
    form = NewItemForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("authoring/new.html", form=form, kind=kind), status
    slug = form.slug.data or authoring.free_slug(form.title.data)
    data = authoring.blank(kind, slug, local_today())
    data["title"] = form.title.data.strip()
    try:
        authoring.create(kind, data, current_user, client_ip())
    except InvalidInput as exc:
        put_errors(form, exc, NEW_ITEM_MESSAGES)
        return render_template("authoring/new.html", form=form, kind=kind), 409
    return redirect(url_for("authoring.edit", kind=kind, slug=slug), code=303)


@bp.get(ITEM)
@roles_required(*AUTHORS)
def item(kind: str, slug: str):
    """One item: its state, versions, posters and what can be done with it."""
    found = editable(kind, slug)
    return render_template(
        "authoring/item.html",
        item=found,
        posters=_posters_of(found),
        form=CsrfForm(),
        languages=LANGUAGE_NAMES,
    )


def _posters_of(item: authoring.Item) -> list[Poster]:
    if item.live is None:
        return []
    if item.kind == "survey":
        condition = Poster.survey_id == item.live.id
    else:
        quiz_id = item.live.quiz.id if item.live.quiz is not None else -1
        condition = or_(Poster.lesson_id == item.live.id, Poster.quiz_id == quiz_id)
    return Poster.query.filter(condition).order_by(Poster.created_at.desc()).all()


def editor_page(item, data, errors=(), status=200, preview_html=None, **recording):
    """The editor; `recording` carries a refused recording's form back to its section."""
    return (
        render_template(
            "authoring/edit.html",
            item=item,
            data=data,
            questions=editor.questions_of(data),
            errors=schema_messages.by_field(list(errors)),
            error_list=schema_messages.summary(list(errors)),
            preview_html=preview_html,
            form=CsrfForm(),
            roles=ROLE_LABELS,
            question_types=list(QUESTION_TYPES[item.kind].items()),
            has_library="content_files.library" in current_app.view_functions,
            sets_training=_sets_training(),
            recorder=_recorder_settings(item, data),
            **recording,
        ),
        status,
    )


def _recorder_settings(item, data) -> dict:
    """What the recording section shows per language: the file now set and who read it."""
    if item.kind != "topic":
        return {}
    lesson = data.get("lesson") or {}
    audio = lesson.get("audio")
    audio = {"vi": audio} if isinstance(audio, str) else audio if isinstance(audio, dict) else {}
    credits = lesson.get("audio_credits")
    credits = credits if isinstance(credits, dict) else {}
    limit = current_app.config["MEDIA_AUDIO_MAX_BYTES"]
    return {
        "max_bytes": limit,
        "max_size": media_files.human_size(limit),
        "current": {
            lang: (audio.get(lang), (credits.get(lang) or {}).get("by"))
            for lang in AUDIO_LANGUAGES
            if isinstance(audio.get(lang), str)
        },
    }


def _sets_training() -> bool:
    """Only the office says which quizzes count as training (the commune's indicator)."""
    return current_user.role == "admin"


@bp.route(f"{ITEM}/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit(kind: str, slug: str):
    """The editor. Every button keeps what was typed as the draft, then does its action."""
    found = editable(kind, slug)
    if request.method == "GET":
        data = found.data()
        shown = authoring.errors(kind, data, _content_dir()) if request.args.get("saved") else ()
        return editor_page(found, data, shown)
    _checked_form()
    action = request.form.get("action", "")
    if not editor.valid_action(action):
        abort(400, description=_("Biểu mẫu không đầy đủ. Vui lòng tải lại trang."))
    data = editor.parse(found, request.form, found.data(), sets_training=_sets_training())
    data = editor.apply(action, data, found, request.form.get("new_type"))
    try:
        authoring.save(found, data, current_user)
    except (IntegrityError, StaleDataError):  # published or discarded meanwhile elsewhere
        abort(409, description=_("Bài vừa được thay đổi ở nơi khác. Vui lòng tải lại trang."))
    if action == "save":
        flash(_("Đã lưu bản nháp. Người học chưa thấy thay đổi cho tới khi xuất bản."))
        return redirect(url_for("authoring.edit", kind=kind, slug=slug, saved=1), code=303)
    if action == "publish":
        return _publish(found)
    preview = None
    if action == "preview" and kind == "topic":
        body = data.get("lesson", {}).get("body") or ""
        preview = markdown.render(placeholders.fill(body, "vi"))
    return editor_page(found, data, preview_html=preview)


def _publish(found: authoring.Item):
    try:
        changes = authoring.publish(found, current_user, _content_dir(), client_ip())
    except (IntegrityError, StaleDataError):  # the same draft published twice at once
        abort(409, description=_("Bài vừa được thay đổi ở nơi khác. Vui lòng tải lại trang."))
    except authoring.NotPublishable as exc:
        keep_changes_on_error()  # the draft as typed is kept; nothing was published
        flash(_("Chưa xuất bản được: vui lòng sửa các ô được đánh dấu. Bản nháp đã được lưu."))
        return editor_page(found, found.data(), exc.errors, status=400)
    version = found.versions[-1].number if found.versions else None
    if changes and version is not None:
        flash(_("Đã xuất bản (phiên bản %(n)d).", n=version))
    else:
        flash(_("Đã xuất bản."))
    return redirect(url_for("authoring.item", kind=found.kind, slug=found.slug), code=303)


@bp.post(f"{ITEM}/publish")
@roles_required(*AUTHORS)
def publish(kind: str, slug: str):
    """Publish the draft as it was saved (or a withdrawn item again)."""
    found = editable(kind, slug)
    _as_seen(found)
    return _publish(found)


@bp.post(f"{ITEM}/withdraw")
@roles_required(*AUTHORS)
def withdraw(kind: str, slug: str):
    """Take a published item back to draft: learners no longer see it."""
    found = editable(kind, slug)
    _as_seen(found)
    if found.commune_edit:  # the province's item: other communes' learners keep it
        abort(403, description=_("Đây là bài chung của tỉnh: xã không thu hồi được bài này."))
    authoring.withdraw(found, current_user, client_ip())
    flash(_("Đã thu hồi: người học không còn thấy bài này. Kết quả cũ vẫn được giữ."))
    return redirect(url_for("authoring.item", kind=kind, slug=slug), code=303)


@bp.post(f"{ITEM}/discard")
@roles_required(*AUTHORS)
def discard(kind: str, slug: str):
    """Drop the unpublished changes; a never-published item goes with them."""
    found = editable(kind, slug)
    _as_seen(found)
    authoring.discard(found, current_user, client_ip())
    if found.live is None:
        flash(_("Đã xóa bản nháp."))
        return redirect(url_for("authoring.index"), code=303)
    flash(_("Đã bỏ các thay đổi chưa xuất bản."))
    return redirect(url_for("authoring.item", kind=kind, slug=slug), code=303)


@bp.post(f"{ITEM}/promote")
@roles_required("admin")
def promote(kind: str, slug: str):
    """An admin makes a teacher's topic visible to the whole commune."""
    found = editable(kind, slug)
    _as_seen(found)
    authoring.promote(found, current_user, client_ip())
    flash(_("Bài này giờ dành cho toàn xã."))
    return redirect(url_for("authoring.item", kind=kind, slug=slug), code=303)


@bp.route(f"{ITEM}/translations/<any(en, tay, nun):lang>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def translations(kind: str, slug: str, lang: str):
    """One language's texts for the item (English, Tày, Nùng): each field may stay empty."""
    found = editable(kind, slug)
    data = found.data()
    if request.method == "POST":
        _checked_form()
        if request.form.get("lang") != lang:
            abort(400, description=_("Biểu mẫu không đầy đủ. Vui lòng tải lại trang."))
        texts = editor.parse_translation(found, request.form, data, lang)
        data = editor.with_translation(data, lang, texts)
        authoring.save(found, data, current_user)
    prefix = f"translations.{lang}."
    errors = [
        e
        for e in authoring.errors(kind, data, _content_dir())
        if getattr(e, "where", "").startswith(prefix)
    ]
    if request.method == "POST" and not errors:
        flash(_("Đã lưu bản dịch vào bản nháp."))
        return redirect(url_for("authoring.translations", kind=kind, slug=slug, lang=lang), 303)
    grouped = {
        where.removeprefix(prefix): messages
        for where, messages in schema_messages.by_field(errors).items()
    }
    return (
        render_template(
            "authoring/translations.html",
            item=found,
            data=data,
            lang=lang,
            language=LANGUAGE_NAMES[lang],
            texts=(data.get("translations") or {}).get(lang) or {},
            questions=editor.questions_of(dict(data)),
            errors=grouped,
            form=CsrfForm(),
            languages=LANGUAGE_NAMES,
        ),
        400 if errors and request.method == "POST" else 200,
    )


@bp.get(f"{ITEM}/preview")
@roles_required(*AUTHORS)
def preview(kind: str, slug: str):
    """The draft (or the published item) as learners would read it, answers shown."""
    found = editable(kind, slug)
    data = found.data()
    lang = request.args.get("lang", "vi")
    lang = lang if lang in TRANSLATION_LANGUAGES else "vi"
    translations = data.get("translations") or {}
    lesson = data.get("lesson") or {}
    body = localized(translations, "lesson", lesson.get("body") or "", lang)
    definition = {"translations": translations}
    questions = [
        (q, localized_question(definition, q, lang))
        for q in editor.questions_of(dict(data))
        if isinstance(q, dict) and q.get("id")
    ]
    return render_template(
        "authoring/preview.html",
        item=found,
        data=data,
        lang=lang,
        title=localized(translations, "title", data.get("title") or "", lang),
        body_html=markdown.render(placeholders.fill(body, lang)) if kind == "topic" else None,
        questions=questions,
        languages=LANGUAGE_NAMES,
    )


@bp.get(f"{ITEM}/history")
@roles_required(*AUTHORS)
def history(kind: str, slug: str):
    """Versions (number, who, when, what changed) and every staff action on the item."""
    found = editable(kind, slug)
    return render_template(
        "authoring/history.html",
        item=found,
        versions=authoring.version_changes(found),
        events=authoring.history(found),
        describe=content_diff.describe,
        actions=ACTION_NAMES,
    )


def _poster_units(item: authoring.Item) -> list[Unit]:
    """Where this staff member may place a poster for the item: a teacher's class-only topic
    only in its owner's classes (whoever asks), else anywhere for an admin and in their own
    classes for a teacher."""
    allowed = visibility.poster_unit_ids(item.live) if item.kind == "topic" else None
    if allowed is not None:
        return Unit.query.filter(Unit.id.in_(allowed)).order_by(Unit.name).all()
    if current_user.role == "admin":
        return Unit.query.order_by(Unit.kind, Unit.name).all()
    return list(current_user.classes)


def _class_only_notice(item: authoring.Item) -> str | None:
    """Why a teacher's class-only topic is placed only in its owner's classes (None: it is
    the commune's)."""
    if item.kind != "topic" or item.commune_wide:
        return None
    if current_user.role == "admin":
        return _(
            "Bài này mới dành cho các lớp của giáo viên soạn bài, nên áp phích chỉ dán ở các "
            "lớp đó (người quét ở nơi khác sẽ không mở được bài). Muốn dán ở nơi khác, hãy "
            "bấm “Đưa ra toàn xã” ở trang của bài trước."
        )
    return _("Bài này chỉ dành cho các lớp của bạn, nên áp phích chỉ dán ở các lớp đó.")


def _poster_page(item: authoring.Item, form: PosterForm, status: int = 200):
    notice = _class_only_notice(item)
    return render_template("authoring/poster.html", item=item, form=form, notice=notice), status


@bp.route(f"{ITEM}/poster", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def poster(kind: str, slug: str):
    """Create a poster (a printed QR code) for the item, placed at a unit."""
    found = editable(kind, slug)
    form = PosterForm()
    published = found.live is not None and found.live.is_published
    units = _poster_units(found) if published else []
    form.unit_id.choices = [("", _("— Chọn —"))] + [(str(u.id), u.name) for u in units]
    if not published or not form.validate_on_submit():
        if request.method == "POST" and not published:
            flash(_("Hãy xuất bản bài trước khi in áp phích."))
        return _poster_page(found, form, 400 if request.method == "POST" else 200)
    unit = next((u for u in units if str(u.id) == form.unit_id.data), None)
    if unit is None:
        form.unit_id.errors = [
            _class_only_notice(found) or _("Chọn nơi dán trong danh sách."),
        ]
        return _poster_page(found, form, 400)
    target = found.live
    if kind == "topic" and form.target.data == "quiz" and found.live.quiz is not None:
        target = found.live.quiz
    created = posters.create_poster(f"{found.live.title} — {unit.name}", unit, target)
    audit_trail.record("poster_created", f"{kind}:{slug}", code=created.code)
    flash(_("Đã tạo áp phích %(code)s.", code=created.code))
    return redirect(url_for("authoring.item", kind=kind, slug=slug), code=303)


@bp.app_template_global()
def poster_link(poster: Poster) -> str:
    return documents.poster_url(poster)
