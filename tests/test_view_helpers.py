"""blueprints.common: the download response and the staff audit call every view uses."""

from flask_login import login_user

from blueprints.common import audit_trail
from blueprints.common.downloads import disposition, download
from extensions import db
from models import AuditEvent, StaffUser

pytest_plugins = ["staff_fixtures"]


def test_an_ascii_name_is_sent_as_it_is():
    assert disposition("bao-cao-2026-H1.pdf") == 'attachment; filename="bao-cao-2026-H1.pdf"'


def test_a_vietnamese_name_gets_an_ascii_fallback_and_its_utf8_form():
    value = disposition("Báo cáo Đông Kinh.pdf")
    assert value.startswith('attachment; filename="Bao cao Dong Kinh.pdf"; ')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%90%C3%B4ng%20Kinh.pdf" in value


def test_download_sets_type_and_name(app):
    with app.test_request_context():
        response = download(b"a;b\n", "text/csv", "lop-7A.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="lop-7A.csv"'
    assert response.get_data() == b"a;b\n"


def test_the_audit_call_names_the_staff_member_and_address(app, staff):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        login_user(db.session.get(StaffUser, staff.admin))
        audit_trail.record("report_exported", "Lớp 7A", format="pdf")
        event = AuditEvent.query.one()
    assert (event.staff_id, event.action, event.target, event.ip) == (
        staff.admin,
        "report_exported",
        "Lớp 7A",
        "203.0.113.9",
    )
    assert event.detail == {"format": "pdf"}
