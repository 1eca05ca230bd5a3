"""Evidence of an activity (a photo, the minutes): checked by its bytes like lesson uploads,
kept out of public reach, removable, audited, and counted in the half-year annex."""

import datetime as dt
import io
import zipfile
from html import unescape
from pathlib import Path

import pytest
from conftest import csrf_token
from helpers import pdf_text
from openpyxl import load_workbook
from PIL import Image

import database
from extensions import db
from models import Activity, ActivityEvidence, AuditEvent, Unit
from services.common import periods
from services.reporting import activities, half_year

pytest_plugins = ["staff_fixtures"]

PAGE = "/staff/activities/"
DAY = dt.date(2025, 3, 10)  # 2025-H1


@pytest.fixture
def evidence_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(folder))
    return folder


def jpeg(size=(1600, 1200)) -> bytes:
    """A phone photo with its place in the EXIF (which must not be kept)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    tags = Image.Exif()
    tags[0x010E] = "Nhà văn hóa thôn Nà Pàn, 21.85N 106.76E"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=tags.tobytes())
    return buffer.getvalue()


def pdf_minutes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def docx_minutes(macro=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


def _file(app, unit_id: int) -> int:
    with app.app_context():
        activity = activities.file_activity(
            db.session.get(Unit, unit_id), kind="meeting", held_on=DAY, title="Hội nghị thôn",
            people_reached=40, today=dt.date(2026, 1, 1),
        )  # fmt: skip
        database.commit()
        return activity.id


def _attach(client, activity_id: int, data: bytes, name: str, kind="photo"):
    page = client.get(f"{PAGE}{activity_id}/edit")
    token = csrf_token(page.get_data(as_text=True))
    return client.post(
        f"{PAGE}{activity_id}/evidence",
        data={"csrf_token": token, "evidence_kind": kind, "evidence": (io.BytesIO(data), name)},
    )


def _evidence(app) -> list[ActivityEvidence]:
    with app.app_context():
        return ActivityEvidence.query.order_by(ActivityEvidence.id).all()


def test_a_photo_and_the_minutes_are_attached_shown_and_audited(
    app, staff, staff_client, evidence_dir
):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    assert _attach(client, activity_id, jpeg(), "IMG_2031.jpg").status_code == 303
    assert (
        _attach(client, activity_id, pdf_minutes(), "biên bản họp.pdf", "minutes").status_code
        == 303
    )
    assert _attach(client, activity_id, docx_minutes(), "bb.docx", "minutes").status_code == 303
    photo, minutes, docx = _evidence(app)
    assert (photo.kind, photo.suffix, photo.original_name) == ("photo", "webp", "IMG_2031.jpg")
    assert (minutes.kind, minutes.suffix, minutes.original_name) == (
        "minutes",
        "pdf",
        "biên bản họp.pdf",
    )
    assert docx.suffix == "docx"
    stored = (evidence_dir / photo.file_name).read_bytes()
    assert stored[:4] == b"RIFF" and b"21.85N" not in stored  # re-encoded, the place gone
    page = unescape(client.get(f"{PAGE}{activity_id}/edit").get_data(as_text=True))
    assert "1 ảnh, 2 biên bản" in page
    assert f'src="/staff/activities/{activity_id}/evidence/{photo.id}"' in page
    listed = unescape(client.get(f"{PAGE}?period=2025-H1").get_data(as_text=True))
    assert "1 ảnh, 2 biên bản" in listed
    shown = client.get(f"{PAGE}{activity_id}/evidence/{photo.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert "no-store" in shown.headers["Cache-Control"]
    saved = client.get(f"{PAGE}{activity_id}/evidence/{minutes.id}")
    assert saved.mimetype == "application/pdf"
    assert saved.headers["Content-Disposition"].startswith("attachment")
    with app.app_context():
        events = AuditEvent.query.filter_by(action="evidence_added").all()
        assert len(events) == 3 and events[0].detail["activity_id"] == activity_id
        assert events[0].detail["original"] == "IMG_2031.jpg"


def test_filing_with_a_photo_attaches_it(app, staff, staff_client, evidence_dir):
    client = staff_client("officer")
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    data = {
        "csrf_token": token, "unit_id": str(staff.village), "kind": "meeting",
        "held_on": DAY.isoformat(), "title": "Họp thôn", "count": "1", "people_reached": "50",
        "evidence_kind": "photo", "evidence": (io.BytesIO(jpeg()), "hop.jpg"),
    }  # fmt: skip
    assert client.post(PAGE, data=data).status_code == 303
    assert [e.kind for e in _evidence(app)] == ["photo"]


EXE = b"MZ\x90\x00" + bytes(500)
NOT_ONE_OF_THEM = "Chỉ nhận ảnh JPEG, PNG, WebP và biên bản PDF"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"
OLD_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
PDF_SCRIPT = b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF"
BAD = [
    ("photo", EXE, "anh.jpg", "Ảnh hoạt động phải là ảnh JPEG, PNG hoặc"),
    ("minutes", EXE, "bb.pdf", NOT_ONE_OF_THEM),
    ("minutes", b"<html><script>alert(1)</script></html>", "bb.pdf", NOT_ONE_OF_THEM),
    ("photo", pdf_minutes(), "anh.jpg", "Ảnh hoạt động phải là ảnh JPEG, PNG hoặc WebP"),
    ("minutes", SVG, "a.png", "Không nhận ảnh SVG"),
    ("minutes", OLD_DOC, "bb.doc", "Không nhận tệp Word cũ"),
    ("minutes", docx_minutes(macro=True), "bb.docx", "có chứa mã chạy được"),
    ("minutes", PDF_SCRIPT, "x.pdf", "có chứa mã chạy được"),
    ("minutes", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>", "cut.pdf", "chưa tải lên hết"),
    ("minutes", b"PK\x03\x04" + bytes(100), "bb.docx", "Chỉ nhận ảnh JPEG, PNG, WebP"),
    ("photo", b"", "rong.jpg", "Tệp rỗng."),
    ("video", jpeg(), "anh.jpg", "Chọn loại minh chứng."),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "name", "message"), BAD)
def test_bad_evidence_is_refused_in_vietnamese(
    app, staff, staff_client, evidence_dir, kind, data, name, message
):
    activity_id = _file(app, staff.village)
    response = _attach(staff_client("officer"), activity_id, data, name, kind)
    assert response.status_code == 400
    body = unescape(response.get_data(as_text=True))
    assert message in body and "Traceback" not in body
    assert _evidence(app) == []
    assert not evidence_dir.exists() or list(evidence_dir.iterdir()) == []


def test_a_file_too_big_is_refused(app, staff, staff_client, evidence_dir, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DOCUMENT_MAX_BYTES", 1024 * 1024)
    activity_id = _file(app, staff.village)
    big = b"%PDF-1.4\n" + bytes(1024 * 1024 + 10) + b"\n%%EOF\n"
    response = _attach(staff_client("officer"), activity_id, big, "bb.pdf", "minutes")
    assert response.status_code == 400
    assert "Tệp quá lớn (tối đa 1 MB)." in unescape(response.get_data(as_text=True))
    far_too_big = _attach(staff_client("officer"), activity_id, big * 20, "bb.pdf", "minutes")
    assert far_too_big.status_code == 413
    assert _evidence(app) == []


def test_only_staff_who_see_the_unit_open_the_files(app, staff, staff_client, evidence_dir, client):
    activity_id = _file(app, staff.village)
    assert _attach(staff_client("officer"), activity_id, jpeg(), "a.jpg").status_code == 303
    (photo,) = _evidence(app)
    url = f"{PAGE}{activity_id}/evidence/{photo.id}"
    assert client.get(url).status_code in (302, 303, 401)  # not logged in: to the login page
    assert staff_client("teacher_a").get(url).status_code == 403
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
    other = _file(app, agency)
    assert staff_client("officer").get(f"{PAGE}{other}/evidence/{photo.id}").status_code == 403
    assert staff_client("admin").get(f"{PAGE}{other}/evidence/{photo.id}").status_code == 404
    assert staff_client("admin").get(url).status_code == 200
    assert client.get(f"/uploads/{photo.file_name}").status_code == 404  # not a public upload


def test_removing_evidence_deletes_the_file_and_is_audited(app, staff, staff_client, evidence_dir):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    _attach(client, activity_id, jpeg(), "a.jpg")
    (photo,) = _evidence(app)
    assert (evidence_dir / photo.file_name).is_file()
    token = csrf_token(client.get(f"{PAGE}{activity_id}/edit").get_data(as_text=True))
    removed = client.post(
        f"{PAGE}{activity_id}/evidence/{photo.id}/delete", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    assert _evidence(app) == []
    assert not (evidence_dir / photo.file_name).exists()
    with app.app_context():
        event = AuditEvent.query.filter_by(action="evidence_removed").one()
        assert event.detail["evidence_id"] == photo.id and event.detail["kind"] == "photo"


def test_deleting_an_activity_removes_its_files(app, staff, staff_client, evidence_dir):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    _attach(client, activity_id, jpeg(), "a.jpg")
    (photo,) = _evidence(app)
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    assert client.post(f"{PAGE}{activity_id}/delete", data={"csrf_token": token}).status_code == 303
    assert _evidence(app) == [] and not (evidence_dir / photo.file_name).exists()


def _freeze(app, key="2025-H1"):
    with app.app_context():
        named = periods.parse(key)
        edits = half_year.ReportEdits(
            number="12/BC-UBND", report_date=named.end, results_text="", difficulties="",
            proposals="", signer_capacity="chairman", signer_name="Nông Văn Thắng",
            recipients="- Lưu: VT.",
        )  # fmt: skip
        report = half_year.create_report(named, edits, None, "Asia/Ho_Chi_Minh", named.end)
        database.commit()
        return report.id


def test_a_frozen_period_refuses_new_and_removed_evidence(app, staff, staff_client, evidence_dir):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    _attach(client, activity_id, jpeg(), "a.jpg")
    (photo,) = _evidence(app)
    _freeze(app)
    refused = _attach(client, activity_id, pdf_minutes(), "bb.pdf", "minutes")
    assert refused.status_code == 409
    assert "đã có báo cáo số 12/BC-UBND" in unescape(refused.get_data(as_text=True))
    token = csrf_token(client.get(f"{PAGE}{activity_id}/edit").get_data(as_text=True))
    kept = client.post(
        f"{PAGE}{activity_id}/evidence/{photo.id}/delete", data={"csrf_token": token}
    )
    assert kept.status_code == 409
    assert len(_evidence(app)) == 1 and (evidence_dir / photo.file_name).is_file()


def test_the_half_year_pdf_and_annex_count_the_evidence(app, staff, staff_client, evidence_dir):
    activity_id = _file(app, staff.village)
    client = staff_client("officer")
    _attach(client, activity_id, jpeg(), "a.jpg")
    _attach(client, activity_id, jpeg((800, 600)), "b.jpg")
    _attach(client, activity_id, pdf_minutes(), "bb.pdf", "minutes")
    with app.app_context():
        agency = Unit.query.filter_by(kind="agency").one().id
        activities.file_activity(
            db.session.get(Unit, agency), kind="article", held_on=DAY, title="Bài viết",
            today=dt.date(2026, 1, 1),
        )  # fmt: skip
        database.commit()
    report_id = _freeze(app)
    admin = staff_client("admin")
    text = pdf_text(admin.get(f"/staff/half-year/{report_id}.pdf").data)
    assert "Minh chứng" in text and "2 ảnh, 1 biên bản" in text
    workbook = load_workbook(
        io.BytesIO(admin.get(f"/staff/half-year/{report_id}-phu-luc.xlsx").data)
    )
    rows = list(workbook.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert rows[0] == (
        "Hình thức",
        "Số lượng",
        "Số người được tiếp cận",
        "Ảnh minh chứng",
        "Biên bản",
    )
    by_kind = {row[0]: row[1:] for row in rows[1:]}
    assert by_kind["Hội nghị, tọa đàm"] == (1, 40, 2, 1)
    assert by_kind["Bài viết trên trang thông tin điện tử xã"] == (1, 0, 0, 0)
    with app.app_context():
        assert Activity.query.count() == 2
