"""Sending the half-year report to Sở KH&CN in the app: draft → submitted → received.

A sent version is frozen (its figures, texts, issuer, signer and PDF bytes), a correction is
the next version naming the one it replaces, only the province office marks one received, and
one commune never sees another's."""

import datetime as dt

import pytest
from conftest import csrf_token
from helpers import collapsed, pdf_text
from sqlalchemy import delete, update
from test_half_year import _save_report, _world

import database
from extensions import db
from models import AuditEvent, HalfYearReport, HalfYearSubmission, StaffUser
from services.common.errors import InvalidInput
from services.org import settings as settings_service
from services.org import staff as staff_service
from services.org.units import create_unit
from services.reporting import submissions

pytest_plugins = ["staff_fixtures"]

NEW_ISSUER = "Ủy ban nhân dân xã Đổi Tên Sau Khi Gửi"


def _report_id(location: str) -> int:
    return int(location.rstrip("/").rsplit("/", 1)[-1])


def _submit(client, report_id: int, **extra):
    page = client.get(f"/staff/half-year/{report_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "confirm": "y", **extra}
    return client.post(f"/staff/half-year/{report_id}/submit", data=data)


def _correct(client, report_id: int, note: str, **extra):
    page = client.get(f"/staff/half-year/{report_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "note": note, "confirm": "y", **extra}
    return client.post(f"/staff/half-year/{report_id}/correct", data=data)


def _edit(client, report_id: int, **changes):
    page = client.get(f"/staff/half-year/{report_id}").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "number": "125/BC-UBND",
        "report_date": "2026-06-05",
        "signer_capacity": "chairman",
        "signer_name": "Nông Văn Thắng",
        "recipients": "- Sở Khoa học và Công nghệ tỉnh Lạng Sơn;\n- Lưu: VT, VHXH.",
        **changes,
    }
    response = client.post(f"/staff/half-year/{report_id}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def _rename_issuer(app) -> None:
    with app.app_context():
        values = settings_service.editable_values()
        settings_service.save({**values, "issuer_name": NEW_ISSUER})
        database.commit()


def _sent(app) -> list[HalfYearSubmission]:
    with app.app_context():
        rows = HalfYearSubmission.query.order_by(HalfYearSubmission.version).all()
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.fixture
def sent_report(app, content, staff, staff_client):
    """A's admin client, and a report of 2026-H1 saved and sent once (its id)."""
    _world(app, staff, villages=2)
    client = staff_client("admin")
    report_id = _report_id(_save_report(client))
    response = _submit(client, report_id)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return client, report_id


def test_the_page_shows_a_draft_until_it_is_sent(app, content, staff, staff_client):
    _world(app, staff, villages=2)
    client = staff_client("admin")
    report_id = _report_id(_save_report(client))
    html = client.get(f"/staff/half-year/{report_id}").get_data(as_text=True)
    assert "Bản nháp" in html and "Gửi báo cáo lên Sở KH&CN" in html
    assert "Gửi bản sửa đổi" not in html

    assert _submit(client, report_id).status_code == 303

    html = collapsed(client.get(f"/staff/half-year/{report_id}").get_data(as_text=True))
    assert "Bản nháp" not in html
    assert "Đã gửi" in html and "bởi Phòng VH-XH" in html
    assert "Gửi bản sửa đổi" in html
    with app.app_context():
        (sent,) = HalfYearSubmission.query.all()
        assert (sent.version, sent.replaces_id, sent.period_key) == (1, None, "2026-H1")
        assert sent.submitted_by_id == staff.admin and sent.received_at is None
        assert sent.commune_id == staff.commune
        assert sent.snapshot["report"]["number"] == "125/BC-UBND"
        assert sent.settings_snapshot["issuer_name"] == "Ủy ban nhân dân xã Hoàng Văn Thụ"
        actions = [e.action for e in AuditEvent.query.order_by(AuditEvent.id)]
        assert "half_year_report_submitted" in actions


def test_sending_needs_the_confirmation(app, content, staff, staff_client):
    _world(app, staff, villages=2)
    client = staff_client("admin")
    report_id = _report_id(_save_report(client))
    response = _submit(client, report_id, confirm="")
    assert response.status_code == 400
    assert "Đánh dấu ô xác nhận trước khi gửi." in response.get_data(as_text=True)
    assert _sent(app) == []


def test_a_sent_report_is_frozen_bytes_and_all(app, sent_report):
    client, report_id = sent_report
    (sent,) = _sent(app)
    first = client.get(f"/staff/half-year/sent/{sent.id}.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert first.data == sent.pdf
    assert "Ủy ban nhân dân xã Hoàng Văn Thụ" in collapsed(pdf_text(first.data))

    # The settings and the draft change after sending…
    _rename_issuer(app)
    _edit(client, report_id, number="999/BC-UBND", difficulties="Viết lại sau khi gửi.")

    # …the sent PDF is the same bytes, the draft's PDF shows the changes.
    again = client.get(f"/staff/half-year/sent/{sent.id}.pdf")
    assert again.data == first.data
    draft = collapsed(pdf_text(client.get(f"/staff/half-year/{report_id}.pdf").data))
    assert NEW_ISSUER in draft and "999/BC-UBND" in draft
    (still,) = _sent(app)
    assert still.snapshot == sent.snapshot and still.settings_snapshot == sent.settings_snapshot
    assert still.pdf_sha256 == sent.pdf_sha256


def test_printing_a_submission_reads_its_frozen_settings_not_the_live_ones(app, sent_report):
    from services import documents

    (sent,) = _sent(app)
    _rename_issuer(app)
    with app.test_request_context():
        body = documents.half_year_submission_pdf(sent.snapshot, sent.settings_snapshot)
    text = collapsed(pdf_text(body))
    assert "Ủy ban nhân dân xã Hoàng Văn Thụ" in text and NEW_ISSUER not in text
    assert collapsed(pdf_text(sent.pdf)) == text


def test_a_change_to_a_sent_version_is_refused_by_the_guard(app, sent_report):
    (sent,) = _sent(app)
    with app.app_context():
        row = db.session.get(HalfYearSubmission, sent.id)
        row.snapshot = {**row.snapshot, "figures": {}}
        with pytest.raises(submissions.SubmissionFrozen):
            db.session.flush()
        db.session.rollback()

        row = db.session.get(HalfYearSubmission, sent.id)
        row.correction_note = "sửa lén"
        with pytest.raises(submissions.SubmissionFrozen):
            db.session.flush()
        db.session.rollback()

        db.session.delete(db.session.get(HalfYearSubmission, sent.id))
        with pytest.raises(submissions.SubmissionFrozen):
            db.session.flush()
        db.session.rollback()

        with pytest.raises(submissions.SubmissionFrozen):
            db.session.execute(update(HalfYearSubmission).values(pdf=b"%PDF-other"))
        with pytest.raises(submissions.SubmissionFrozen):
            db.session.execute(delete(HalfYearSubmission))
        db.session.rollback()

        # The receipt is the one change a submission takes.
        row = db.session.get(HalfYearSubmission, sent.id)
        row.received_at = dt.datetime(2026, 6, 6, 2, 0)
        db.session.flush()
        db.session.rollback()
    (unchanged,) = _sent(app)
    assert unchanged.pdf == sent.pdf and unchanged.snapshot == sent.snapshot


def test_sending_twice_is_refused_in_vietnamese(app, sent_report):
    client, report_id = sent_report
    response = _submit(client, report_id)
    assert response.status_code == 409
    assert "Báo cáo kỳ này đã được gửi lên Sở" in response.get_data(as_text=True)
    assert len(_sent(app)) == 1


def test_a_correction_is_the_next_version_and_names_the_one_it_replaces(app, sent_report):
    client, report_id = sent_report
    _edit(client, report_id, difficulties="Thôn vùng cao mất điện hai tuần.")
    response = _correct(client, report_id, "Bổ sung khó khăn về điện ở thôn vùng cao.")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]

    first, second = _sent(app)
    assert (second.version, second.replaces_id) == (2, first.id)
    assert second.correction_note == "Bổ sung khó khăn về điện ở thôn vùng cao."
    assert second.pdf != first.pdf
    text = collapsed(pdf_text(second.pdf))
    assert "thay thế báo cáo đã gửi ngày" in text and "mất điện hai tuần" in text
    assert "mất điện hai tuần" not in collapsed(pdf_text(first.pdf))
    html = collapsed(client.get(f"/staff/half-year/{report_id}").get_data(as_text=True))
    assert "Các lần gửi" in html and "(thay lần 1)" in html
    assert "Bổ sung khó khăn về điện ở thôn vùng cao." in html
    with app.app_context():
        event = AuditEvent.query.filter_by(action="half_year_report_corrected").one()
        assert event.detail["version"] == 2


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_a_correction_without_a_note_is_refused_in_vietnamese(app, sent_report, note):
    client, report_id = sent_report
    response = _correct(client, report_id, note)
    assert response.status_code == 400
    assert "Ghi rõ nội dung sửa đổi" in response.get_data(as_text=True)
    assert len(_sent(app)) == 1


def test_a_correction_of_a_report_never_sent_is_refused(app, content, staff, staff_client):
    _world(app, staff, villages=2)
    client = staff_client("admin")
    report_id = _report_id(_save_report(client))
    response = _correct(client, report_id, "Sửa số liệu.")
    assert response.status_code == 409
    assert "chưa được gửi" in response.get_data(as_text=True)
    assert _sent(app) == []


def test_only_the_newest_version_can_be_corrected(app, sent_report):
    client, report_id = sent_report
    assert _correct(client, report_id, "Lần sửa thứ nhất.").status_code == 303
    first, _second = _sent(app)
    with app.app_context():
        row = db.session.get(HalfYearSubmission, first.id)
        admin = db.session.get(StaffUser, row.submitted_by_id)
        with pytest.raises(InvalidInput) as refused:
            submissions.correct(row, "Sửa bản cũ.", admin, None, lambda *_: b"")
        assert refused.value.code == "not_latest"


def test_a_commune_admin_cannot_mark_a_submission_received(app, sent_report, staff):
    (sent,) = _sent(app)
    with app.app_context():
        row = db.session.get(HalfYearSubmission, sent.id)
        for who in (staff.admin, staff.officer, staff.teacher_a):
            with pytest.raises(InvalidInput) as refused:
                submissions.receive(row, db.session.get(StaffUser, who))
            assert refused.value.code == "not_province"
        assert row.received_at is None


def test_commune_b_never_sees_a_submission_of_commune_a(app, sent_report, staff, login):
    _client, report_id = sent_report
    (sent,) = _sent(app)
    with app.app_context():
        commune_b = create_unit("commune", "Xã Hoàng Đồng", target_population=500)
        admin_b = staff_service.create_staff("admin.b", "Văn phòng xã B", staff.password, "admin")
        admin_b.commune_id = commune_b.id
        db.session.flush()
        db.session.add(
            HalfYearReport(
                commune_id=commune_b.id,
                period_key="2026-H1",
                period_start=dt.date(2025, 12, 6),
                period_end=dt.date(2026, 6, 5),
                number="7/BC-UBND",
                report_date=dt.date(2026, 6, 5),
                signer_authority="TM. ỦY BAN NHÂN DÂN",
                signer_title="CHỦ TỊCH",
                recipients="- Lưu: VT.",
                snapshot={"units": [], "targets": [], "activities": [], "computed_at": "x"},
            )
        )
        database.commit()
        b_id = commune_b.id
        assert submissions.of_commune(b_id) == []
        assert submissions.of_commune(b_id, "2026-H1") == []
        assert submissions.for_commune(sent.id, b_id) is None
        assert [s.id for s in submissions.of_commune(staff.commune)] == [sent.id]
    client_b = app.test_client()
    login(client_b, "admin.b")
    listing = client_b.get("/staff/half-year/").get_data(as_text=True)
    assert "7/BC-UBND" in listing and f'href="/staff/half-year/{report_id}"' not in listing
    assert client_b.get(f"/staff/half-year/sent/{sent.id}.pdf").status_code == 404
    assert client_b.get(f"/staff/half-year/{report_id}").status_code == 404
    assert client_b.get(f"/staff/half-year/{report_id}.pdf").status_code == 404
    token = csrf_token(client_b.get("/staff/half-year/").get_data(as_text=True))
    refused = client_b.post(
        f"/staff/half-year/{report_id}/correct",
        data={"csrf_token": token, "note": "Sửa hộ xã A.", "confirm": "y"},
    )
    assert refused.status_code == 404
    assert len(_sent(app)) == 1


def _province_client(app, staff, login):
    with app.app_context():
        staff_service.create_staff(
            "so.khcn", "Phòng Quản lý chuyên ngành Sở", staff.password, "province_officer"
        )
        database.commit()
    client = app.test_client()
    login(client, "so.khcn")
    return client


def test_the_province_lists_every_commune_opens_the_pdf_and_marks_it_received(
    app, sent_report, staff, login
):
    commune_client, report_id = sent_report
    (sent,) = _sent(app)
    with app.app_context():
        create_unit("commune", "Xã Hoàng Đồng", target_population=500)
        database.commit()
    client = _province_client(app, staff, login)

    listing = client.get("/staff/province/submissions?period=2026-H1")
    assert listing.status_code == 200
    html = collapsed(listing.get_data(as_text=True))
    assert "Xã Hoàng Văn Thụ" in html and "Xã Hoàng Đồng" in html
    assert "Chưa gửi" in html and "1/2 xã đã gửi báo cáo" in html
    assert "Đánh dấu đã nhận" in html
    pdf = client.get(f"/staff/province/submissions/{sent.id}.pdf")
    assert pdf.status_code == 200 and pdf.data == sent.pdf

    token = csrf_token(listing.get_data(as_text=True))
    received = client.post(
        f"/staff/province/submissions/{sent.id}/receive", data={"csrf_token": token}
    )
    assert received.status_code == 303
    (now,) = _sent(app)
    assert now.received_at is not None and now.pdf == sent.pdf
    with app.app_context():
        officer = StaffUser.query.filter_by(username="so.khcn").one()
        assert now.received_by_id == officer.id
        assert AuditEvent.query.filter_by(action="half_year_report_received").count() == 1
    html = collapsed(client.get("/staff/province/submissions?period=2026-H1").get_data(True))
    assert "Sở đã nhận" in html and "Đánh dấu đã nhận" not in html

    # The commune sees it received, with when and by whom.
    page = collapsed(commune_client.get(f"/staff/half-year/{report_id}").get_data(as_text=True))
    assert "Sở đã nhận" in page and "bởi Phòng Quản lý chuyên ngành Sở" in page

    again = client.post(
        f"/staff/province/submissions/{sent.id}/receive", data={"csrf_token": token}
    )
    assert again.status_code == 409
    assert "đã được ghi nhận là đã nhận" in again.get_data(as_text=True)


def test_the_province_lists_a_period_nobody_sent(app, sent_report, staff, login):
    client = _province_client(app, staff, login)
    html = collapsed(client.get("/staff/province/submissions?period=2025-H2").get_data(True))
    assert "Xã Hoàng Văn Thụ" in html and "Chưa gửi" in html and "0/1 xã" in html
    assert client.get("/staff/province/submissions?period=2026-H7").status_code == 404


def test_a_commune_cannot_mark_its_own_report_received(app, sent_report, staff):
    commune_client, _report_id = sent_report
    (sent,) = _sent(app)
    token = csrf_token(commune_client.get("/staff/").get_data(as_text=True))
    refused = commune_client.post(
        f"/staff/province/submissions/{sent.id}/receive", data={"csrf_token": token}
    )
    assert refused.status_code == 403
    assert commune_client.get(f"/staff/province/submissions/{sent.id}.pdf").status_code == 403
    (still,) = _sent(app)
    assert still.received_at is None


def test_the_province_office_receives_through_the_service_and_only_once(app, sent_report, staff):
    (sent,) = _sent(app)
    with app.app_context():
        officer = staff_service.create_staff(
            "so.khcn.2", "Sở KH&CN", staff.password, "province_admin"
        )
        row = db.session.get(HalfYearSubmission, sent.id)
        submissions.receive(row, officer)
        assert row.received_by_id == officer.id
        with pytest.raises(InvalidInput) as twice:
            submissions.receive(row, officer)
        assert twice.value.code == "already_received"
        db.session.rollback()
