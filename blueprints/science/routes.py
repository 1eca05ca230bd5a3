"""Science task views: the office keeps the register; anyone sees the published tasks."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.common import audit_trail
from blueprints.common.dates import local_today
from blueprints.common.form_errors import put_errors
from blueprints.common.guards import roles_required
from blueprints.science import bp
from blueprints.science.forms import ScienceTaskForm
from extensions import db
from models import ScienceTask
from services.common.errors import InvalidInput
from services.common.vietnamese import table_date
from services.reporting import science as science_service

MESSAGES = {
    ("name", "required"): _l("Nhập tên nhiệm vụ."),
    ("name", "too_long"): _l("Tên nhiệm vụ dài quá %(n)d ký tự.", n=science_service.MAX_NAME),
    ("owner", "required"): _l("Nhập chủ nhiệm hoặc đơn vị chủ trì."),
    ("owner", "too_long"): _l("Chủ nhiệm, đơn vị chủ trì dài quá %(n)d ký tự.",
                              n=science_service.MAX_OWNER),
    ("budget_source", "required"): _l("Nhập nguồn kinh phí."),
    ("budget_source", "too_long"): _l("Nguồn kinh phí dài quá %(n)d ký tự.",
                                      n=science_service.MAX_BUDGET),
    ("status", "unknown"): _l("Chọn tình trạng trong danh sách."),
    ("published_on", "future"): _l("Ngày công khai không được sau hôm nay."),
    ("published_on", "too_early"): _l("Ngày công khai phải từ năm 2000 trở đi."),
    ("publication_link", "scheme"): _l("Đường dẫn phải bắt đầu bằng http:// hoặc https://."),
    ("publication_link", "too_long"): _l("Đường dẫn dài quá %(n)d ký tự.",
                                         n=science_service.MAX_LINK),
    ("summary", "too_long"): _l("Tóm tắt dài quá %(n)d ký tự.", n=science_service.MAX_SUMMARY),
}  # fmt: skip
FIELDS = ("name", "owner", "budget_source", "status", "published_on", "publication_link", "summary")


def _save(form: ScienceTaskForm, task: ScienceTask | None) -> ScienceTask | None:
    """Create or update from a validated form; None (errors set on the form) when refused."""
    fields = {name: getattr(form, name).data for name in FIELDS}
    try:
        if task is None:
            return science_service.create(local_today(), **fields)
        return science_service.update(task, local_today(), **fields)
    except InvalidInput as exc:
        put_errors(form, exc, MESSAGES)
        return None


def _list_page(form: ScienceTaskForm, status: int = 200):
    return render_template(
        "science/tasks.html",
        form=form,
        tasks=science_service.all_tasks(),
        share=science_service.published_share(),
        table_date=table_date,
        today=local_today(),
    ), status


@bp.route("/staff/admin/science-tasks", methods=["GET", "POST"])
@roles_required("admin")
def tasks():
    """The register and, below it, the form to add a task."""
    form = ScienceTaskForm()
    if not form.validate_on_submit():
        return _list_page(form, 400 if form.is_submitted() else 200)
    task = _save(form, None)
    if task is None:
        return _list_page(form, 400)
    audit_trail.record("science_task_added", task.name, status=task.status)
    flash(_("Đã thêm nhiệm vụ."))
    return redirect(url_for("science.tasks"), code=303)


@bp.route("/staff/admin/science-tasks/<int:task_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_task(task_id: int):
    """Change a task: status, publication date and link, and the rest."""
    task = db.session.get(ScienceTask, task_id) or abort(404)
    form = ScienceTaskForm(obj=task) if request.method == "GET" else ScienceTaskForm()
    if form.validate_on_submit() and _save(form, task) is not None:
        audit_trail.record("science_task_changed", task.name,
            status=task.status, published=task.is_published,
        )  # fmt: skip
        flash(_("Đã lưu."))
        return redirect(url_for("science.tasks"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "science/task_form.html", form=form, task=task, today=local_today()
    ), status


@bp.get("/nhiem-vu-khoa-hoc")
def public():
    """The published state-funded science and technology tasks, for everyone."""
    published, total = science_service.published_share()
    return render_template(
        "science/public.html",
        tasks=science_service.published_tasks(),
        published=published,
        total=total,
        table_date=table_date,
    )
