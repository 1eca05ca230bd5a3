"""Posters in the browser: a batch for every village / class / agency (or chosen units) in one
go, printed as one PDF (A4 or A5); where each hangs; retiring one (its link then says so, with
410 Gone, and the opening is counted apart from the scans); who may do what; the class QR
sheet. Checked with pypdf, pdftotext and zbarimg (tests/helpers)."""

import pypdf
import pytest
from conftest import csrf_token
from helpers import collapsed, decode_qr_pdf, pdf_text, save

import database
from extensions import db
from models import AuditEvent, Lesson, Poster, Scan, Unit
from services.org import staff as staff_service
from services.org.units import create_unit
from services.participation.posters import create_poster

pytest_plugins = ["staff_fixtures"]

BASE_URL = "https://lantoa.example"
A5 = (419.5, 595.3)
HANGS = "Nhà văn hóa thôn, bảng tin cạnh cửa"
PREVIEW_BOT = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"


@pytest.fixture
def commune_officer(app, staff, login):
    """An officer of the whole commune (three villages below it), logged in."""
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        for name in ("Thôn Bản Cầu", "Thôn Khuổi Sáp"):
            create_unit("village", name, commune, target_population=200)
        staff_service.create_staff(
            "can.bo.xa", "Bà Hà Thị Xuân", staff.password, "officer", commune
        )
        database.commit()
    client = app.test_client()
    login(client, "can.bo.xa")
    return client


def _form(client, **fields) -> dict:
    token = csrf_token(client.get("/staff/posters/new").get_data(as_text=True))
    return {"csrf_token": token, **fields}


def _create(client, **fields):
    return client.post("/staff/posters/new", data=_form(client, **fields))


def _codes(app) -> list[str]:
    with app.app_context():
        return [p.code for p in Poster.query.order_by(Poster.id)]


def _village_ids(app) -> set[int]:
    with app.app_context():
        return {u.id for u in Unit.query.filter_by(kind="village")}


# --- a batch -----------------------------------------------------------------------------------


def test_an_officer_makes_a_poster_for_every_village_in_one_go(app, content, commune_officer):
    response = _create(
        commune_officer, target="lesson:an-toan", scope="kind", every="village", location=HANGS
    )
    assert response.status_code == 303
    codes = _codes(app)
    assert len(codes) == 3
    assert all(f"code={code}" in response.headers["Location"] for code in codes)
    with app.app_context():
        made = Poster.query.all()
        assert {p.unit_id for p in made} == _village_ids(app)
        assert {p.location for p in made} == {HANGS}
        assert all(p.lesson.slug == "an-toan" for p in made)
        events = AuditEvent.query.filter_by(action="poster_created").all()
        assert sorted(e.detail["code"] for e in events) == sorted(codes)
    page = commune_officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã tạo 3 áp phích" in page and "Tải PDF khổ A5" in page


def test_the_batch_prints_as_one_pdf_a_page_and_a_code_each(
    app, content, commune_officer, tmp_path
):
    _create(commune_officer, target="lesson:an-toan", scope="kind", every="village")
    codes = _codes(app)
    query = "&".join(f"code={c}" for c in codes)
    response = commune_officer.get(f"/staff/posters/print.pdf?{query}&size=A5")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = save(response.data, tmp_path)
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 3
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A5, abs=2)
    found = [decode_qr_pdf(pdf, page=n) for n in (1, 2, 3)]
    assert sorted(found) == sorted([[f"{BASE_URL}/p/{c}"] for c in codes])
    assert "Thôn Khuổi Sáp" in collapsed(pdf_text(pdf))


def test_chosen_units_and_a_quiz(app, content, commune_officer, staff):
    response = _create(
        commune_officer, target="quiz:an-toan", scope="units", units=[str(staff.village)]
    )
    assert response.status_code == 303
    with app.app_context():
        (poster,) = Poster.query.all()
        assert poster.quiz.slug == "an-toan" and poster.unit_id == staff.village


def test_a_village_officer_makes_posters_only_for_their_village(app, content, staff, staff_client):
    officer = staff_client("officer")
    with app.app_context():
        create_unit("village", "Thôn Bản Cầu", db.session.get(Unit, staff.commune))
        database.commit()
    assert (
        _create(officer, target="lesson:an-toan", scope="kind", every="village").status_code == 303
    )
    with app.app_context():
        assert [p.unit_id for p in Poster.query.all()] == [staff.village]
    other = _create(officer, target="lesson:an-toan", scope="units", units=[str(staff.class_a)])
    assert other.status_code == 403
    assert len(_codes(app)) == 1


def test_a_teacher_makes_posters_only_for_their_classes(app, content, staff, staff_client):
    teacher = staff_client("teacher_a")
    assert _create(teacher, target="lesson:an-toan", scope="kind", every="class").status_code == 303
    with app.app_context():
        assert [p.unit_id for p in Poster.query.all()] == [staff.class_a]
    refused = _create(teacher, target="lesson:an-toan", scope="units", units=[str(staff.class_b)])
    assert refused.status_code == 403
    village = _create(teacher, target="lesson:an-toan", scope="units", units=[str(staff.village)])
    assert village.status_code == 403
    assert len(_codes(app)) == 1


def test_an_admin_may_place_posters_anywhere(app, content, staff, staff_client):
    admin = staff_client("admin")
    response = _create(
        admin,
        target="lesson:an-toan",
        scope="units",
        units=[str(staff.class_b), str(staff.village)],
    )
    assert response.status_code == 303
    assert len(_codes(app)) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target": "", "scope": "kind", "every": "village"}, "Chọn bài học"),
        ({"target": "lesson:khong-co", "scope": "kind", "every": "village"}, "trong danh sách"),
        ({"target": "lesson:an-toan", "scope": "units"}, "Không có đơn vị nào"),
        ({"target": "lesson:an-toan", "scope": "kind", "every": "commune"}, "loại đơn vị"),
        (
            {
                "target": "lesson:an-toan",
                "scope": "kind",
                "every": "village",
                "location": "x" * 201,
            },
            "dài quá 200",
        ),
    ],
)
def test_bad_batches_say_why_and_make_nothing(app, content, staff, staff_client, fields, message):
    response = _create(staff_client("admin"), **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _codes(app) == []


# --- printing ----------------------------------------------------------------------------------


def test_printing_someone_elses_poster_is_refused(app, make_poster, staff, staff_client):
    code = make_poster()  # in the village
    assert staff_client("teacher_a").get(f"/staff/posters/print.pdf?code={code}").status_code == 403
    assert staff_client("officer").get(f"/staff/posters/print.pdf?code={code}").status_code == 200
    missing = staff_client("officer").get("/staff/posters/print.pdf?code=ZZZZZZZ")
    assert missing.status_code == 404
    bad_size = staff_client("officer").get(f"/staff/posters/print.pdf?code={code}&size=A3")
    assert bad_size.status_code == 400


# --- where it hangs, retiring ------------------------------------------------------------------


def _post(client, path: str, **fields):
    token = csrf_token(client.get("/staff/posters").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **fields})


def test_saying_where_a_poster_hangs(app, make_poster, staff, staff_client):
    code = make_poster()
    officer = staff_client("officer")
    response = _post(officer, f"/staff/posters/{code}/location", location=f"  {HANGS} ")
    assert response.status_code == 303
    with app.app_context():
        assert Poster.query.filter_by(code=code).one().location == HANGS
        event = AuditEvent.query.filter_by(action="poster_changed").one()
        assert event.detail == {"code": code, "location": HANGS}
    page = officer.get(f"/staff/posters/{code}").get_data(as_text=True)
    assert HANGS in page
    assert HANGS in officer.get("/staff/posters").get_data(as_text=True)


def test_a_retired_posters_link_says_so_kindly(app, make_poster, staff, staff_client, client):
    code = make_poster()
    officer = staff_client("officer")
    response = _post(officer, f"/staff/posters/{code}/retire", reason="Đã thay áp phích mới")
    assert response.status_code == 303
    with app.app_context():
        poster = Poster.query.filter_by(code=code).one()
        assert poster.is_retired and poster.retired_reason == "Đã thay áp phích mới"
        event = AuditEvent.query.filter_by(action="poster_retired").one()
        assert event.detail == {"code": code, "reason": "Đã thay áp phích mới"}

    opened = client.get(f"/p/{code.lower()}")
    assert opened.status_code == 410
    html = opened.get_data(as_text=True)
    assert "Áp phích này không còn dùng" in html and "đã được thu hồi" in html
    assert 'href="/"' in html  # the lesson list
    client.get(f"/p/{code}", headers={"User-Agent": PREVIEW_BOT})  # a link preview
    with app.app_context():
        poster = Poster.query.filter_by(code=code).one()
        assert Scan.query.count() == 0  # not a scan: it leads nowhere
        assert poster.scans_after_retirement == 1  # but the paper still hangs somewhere
    listing = officer.get("/staff/posters").get_data(as_text=True)
    assert "Đã thu hồi" in listing and "còn 1 lượt quét sau khi thu hồi" in listing
    reprint = officer.get(f"/staff/posters/print.pdf?code={code}")
    assert reprint.status_code == 303  # a retired poster is not printed again


def test_retiring_needs_a_reason_and_happens_once(app, make_poster, staff, staff_client):
    code = make_poster()
    officer = staff_client("officer")
    empty = _post(officer, f"/staff/posters/{code}/retire", reason="  ")
    assert empty.status_code == 400 and "Ghi lý do thu hồi" in empty.get_data(as_text=True)
    assert _post(officer, f"/staff/posters/{code}/retire", reason="Rách").status_code == 303
    again = _post(officer, f"/staff/posters/{code}/retire", reason="Rách")
    assert again.status_code == 400
    with app.app_context():
        assert AuditEvent.query.filter_by(action="poster_retired").count() == 1


def test_a_teacher_cannot_retire_a_village_poster(app, make_poster, staff, staff_client):
    code = make_poster()
    refused = _post(staff_client("teacher_a"), f"/staff/posters/{code}/retire", reason="Rách")
    assert refused.status_code == 403
    with app.app_context():
        assert not Poster.query.filter_by(code=code).one().is_retired


def test_retire_from_the_command_line(app, make_poster):
    code = make_poster()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["posters", "retire", code, "--reason", "Thay mới"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert Poster.query.filter_by(code=code).one().is_retired
        assert AuditEvent.query.filter_by(action="poster_retired").one().staff_id is None
    again = runner.invoke(args=["posters", "retire", code, "--reason", "Thay mới"])
    assert again.exit_code != 0


# --- the class QR sheet ------------------------------------------------------------------------


def test_the_class_qr_sheet(app, staff, staff_client, tmp_path):
    response = staff_client("teacher_a").get(f"/staff/units/{staff.class_a}/join-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = save(response.data, tmp_path)
    assert len(pypdf.PdfReader(pdf).pages) == 1
    text = collapsed(pdf_text(pdf))
    assert "Lớp 7A" in text and "Trường THCS" in text and "Cô Nguyễn Thị Hoa" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert decode_qr_pdf(pdf) == [f"{BASE_URL}/c/{staff.class_a_code}"]
    other = staff_client("teacher_b").get(f"/staff/units/{staff.class_a}/join-sheet.pdf")
    assert other.status_code == 403


def test_a_poster_printed_with_its_location(app, content, places, tmp_path, client):
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        code = create_poster(
            "x", db.session.get(Unit, places["village"]), lesson, location=HANGS
        ).code
        database.commit()
    pdf = save(client.get(f"/posters/{code}/poster.pdf").data, tmp_path)
    assert f"Nơi dán: {HANGS}" in collapsed(pdf_text(pdf))
