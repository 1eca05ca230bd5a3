"""Settings per commune (issue 17, step 5): two communes with different issuers; every
document speaks for the commune of the object it prints, whoever is logged in, and one
commune's admin never sees nor changes the other's settings."""

import datetime as dt
import io
import re
import unicodedata

import pypdf
import pytest
from commune_world import A_HOLDER, A_VALUES, B_ADMIN, B_VALUES
from conftest import csrf_token
from flask_login import login_user

import database
from extensions import db
from models import (
    Certificate,
    Commune,
    HalfYearReport,
    OfficeSetting,
    Poster,
    StaffUser,
    Unit,
)
from services import documents
from services.content import placeholders
from services.org import settings
from services.org.units import create_unit
from services.reporting import half_year_annex

pytest_plugins = ["staff_fixtures", "commune_fixtures"]

SETTINGS = "/staff/admin/settings"
A_ISSUER = "Ủy ban nhân dân xã Hoàng Văn Thụ"


def pdf_words(pdf: bytes) -> str:
    """The PDF's text through pypdf, in NFC, case-folded, spaces collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def folded(text: str) -> str:
    return " ".join(text.casefold().split())


def as_staff(app, staff_id: int):
    """A request context in which `staff_id` is the logged-in staff member."""
    context = app.test_request_context()
    context.push()
    login_user(db.session.get(StaffUser, staff_id))
    return context


def test_a_certificate_pdf_is_as_issued_by_its_commune_while_b_admin_is_logged_in(
    app, two_communes
):
    context = as_staff(app, two_communes.b_admin)
    try:
        assert settings.commune_settings().issuer_name == B_VALUES["issuer_name"]  # B's request
        certificate = db.session.get(Certificate, two_communes.a_certificate)
        text = pdf_words(documents.certificate_pdf([certificate]))
    finally:
        context.pop()
    assert folded(A_HOLDER) in text
    assert folded(A_ISSUER) in text
    assert folded(A_VALUES["certificate_signer_name"]) in text
    assert folded(A_VALUES["public_address"].split("://")[1]) in text  # its /v/ address
    assert "tân tiến" not in text and folded(B_VALUES["certificate_signer_name"]) not in text


def test_verification_page_shows_the_certificates_commune_to_b_admin(app, two_communes, login):
    client = app.test_client()
    login(client, B_ADMIN)
    with app.app_context():
        code = db.session.get(Certificate, two_communes.a_certificate).verification_code
    page = client.get(f"/v/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert A_ISSUER in html and A_HOLDER in html
    assert "Tân Tiến" not in html


def test_each_communes_serials_carry_its_own_prefix(app, two_communes):
    with app.app_context():
        prefixes = {c.unit_id: c.serial_prefix for c in Commune.query.all()}
        a = db.session.get(Certificate, two_communes.a_certificate)
        b = db.session.get(Certificate, two_communes.b_certificate)
        assert (a.commune_id, b.commune_id) == (two_communes.a, two_communes.b)
        assert prefixes[two_communes.a] == app.config["CERTIFICATE_SERIAL_PREFIX"]
        assert prefixes[two_communes.a] != prefixes[two_communes.b]
        assert a.serial.startswith(prefixes[two_communes.a] + "-")
        assert b.serial.startswith(prefixes[two_communes.b] + "-")
        # Each commune counts its own serials from 1: the numbers meet, the serials do not.
        assert a.serial.rsplit("-", 1)[1] == b.serial.rsplit("-", 1)[1] == "000001"
        assert a.serial != b.serial


def test_a_poster_pdf_speaks_for_the_posters_commune(app, two_communes):
    context = as_staff(app, two_communes.a_admin)
    try:
        poster = Poster.query.filter_by(code=two_communes.b_poster).one()
        text = pdf_words(documents.poster_pdf([poster]))
    finally:
        context.pop()
    assert folded(B_VALUES["issuer_name"]) in text
    assert f"tantien.example/p/{two_communes.b_poster}".casefold() in text
    assert "hoàng văn thụ" not in text


def test_b_settings_page_shows_only_b_values_and_saves_only_b(app, two_communes, login):
    client = app.test_client()
    login(client, B_ADMIN)
    html = client.get(SETTINGS).get_data(as_text=True)
    for value in (*A_VALUES.values(), "Hoàng Văn Thụ", app.config["CERTIFICATE_SIGNER_NAME"]):
        assert value not in html
    assert B_VALUES["issuer_name"] in html and B_VALUES["public_address"] in html
    with app.app_context():
        before_a = settings.editable_values(two_communes.a)
    form = {**B_VALUES, "certificate_signer_name": "Lý Thị Sen", "csrf_token": csrf_token(html)}
    assert client.post(SETTINGS, data=form).status_code == 303
    with app.test_request_context():
        assert settings.editable_values(two_communes.a) == before_a
        assert settings.commune_settings(two_communes.b).certificate_signer_name == "Lý Thị Sen"
        owners = {row.unit_id for row in OfficeSetting.query.filter_by(value="Lý Thị Sen")}
    assert owners == {two_communes.b}


def test_a_new_commune_starts_from_its_own_name_not_the_first_communes(app, two_communes):
    with app.test_request_context():
        third = create_unit("commune", "phường Đông Kinh")
        values = settings.editable_values(third.id)
        db.session.rollback()
    assert values["commune_name"] == "phường Đông Kinh"
    assert values["certificate_signer_name"] == "" and values["channel_website"] == ""
    assert values["public_address"] == app.config["BASE_URL"]  # the deployment's address


def test_a_communes_own_host_is_its_public_address(app, two_communes):
    with app.test_request_context():
        db.session.get(Commune, two_communes.b).host = "tantien.lantoa.example"
        db.session.query(OfficeSetting).filter_by(
            unit_id=two_communes.b, key="public_address"
        ).delete()
        db.session.flush()
        assert settings.public_url("/p/X", two_communes.b) == "https://tantien.lantoa.example/p/X"
        assert settings.public_url("/p/X", two_communes.a) == A_VALUES["public_address"] + "/p/X"
        db.session.rollback()


def test_lesson_channels_and_the_report_annex_are_the_communes(app, two_communes):
    with app.test_request_context():
        filled = placeholders.fill("{{kenh.website}} {{xa}}", "vi", commune_id=two_communes.b)
        report = HalfYearReport(
            number="12/BC-UBND", commune_id=two_communes.b, report_date=dt.date(2026, 6, 5)
        )
        title = half_year_annex.title(report)
    assert B_VALUES["channel_website"] in filled and "Tân Tiến" in filled
    assert title.endswith("của UBND xã Tân Tiến")


@pytest.mark.parametrize("who", ["a", "b"])
def test_request_commune_is_the_logged_in_staffs(app, two_communes, who):
    staff_id = two_communes.a_admin if who == "a" else two_communes.b_admin
    context = as_staff(app, staff_id)
    try:
        assert settings.request_commune_id() == getattr(two_communes, who)
    finally:
        context.pop()


def test_the_province_name_is_the_province_units_and_not_a_communes_to_change(
    app, two_communes, login
):
    with app.app_context():
        province = create_unit("province", "tỉnh Lạng Sơn")
        for unit_id in (two_communes.a, two_communes.b):
            db.session.get(Unit, unit_id).parent_id = province.id
        database.commit()
    client = app.test_client()
    login(client, B_ADMIN)
    html = client.get(SETTINGS).get_data(as_text=True)
    assert re.search(r'name="province_name"[^>]* readonly', html)
    form = {**B_VALUES, "province_name": "tỉnh Cao Bằng", "csrf_token": csrf_token(html)}
    assert client.post(SETTINGS, data=form).status_code == 303
    with app.test_request_context():
        assert settings.commune_settings(two_communes.a).province_name == "tỉnh Lạng Sơn"
        assert settings.commune_settings(two_communes.b).province_name == "tỉnh Lạng Sơn"
        assert OfficeSetting.query.filter_by(key="province_name", value="tỉnh Cao Bằng").all() == []


def test_one_communes_admin_renames_its_province(app, staff, staff_client):
    with app.app_context():
        province = create_unit("province", "tỉnh Lạng Sơn").id
        db.session.get(Unit, staff.commune).parent_id = province
        database.commit()
        values = settings.editable_values(staff.commune)
    client = staff_client("admin")
    html = client.get(SETTINGS).get_data(as_text=True)
    assert "readonly" not in html
    form = {**values, "province_name": "tỉnh Cao Bằng", "csrf_token": csrf_token(html)}
    assert client.post(SETTINGS, data=form).status_code == 303
    with app.test_request_context():
        assert db.session.get(Unit, province).name == "tỉnh Cao Bằng"
        assert settings.commune_settings(staff.commune).province_name == "tỉnh Cao Bằng"


def test_save_for_changes_only_the_named_settings_of_that_commune(app, two_communes):
    with app.test_request_context():
        before_a = settings.editable_values(two_communes.a)
        changed = settings.save_for(two_communes.b, {"issuer_name": "UBND lâm thời xã Tân Tiến"})
        assert changed == {"issuer_name": "UBND lâm thời xã Tân Tiến"}
        b = settings.commune_settings(two_communes.b)
        assert (b.issuer_name, b.commune_name) == ("UBND lâm thời xã Tân Tiến", "xã Tân Tiến")
        assert settings.editable_values(two_communes.a) == before_a


def test_the_second_factor_page_speaks_for_the_accounts_commune(app, two_communes, try_login):
    with app.app_context():
        db.session.get(StaffUser, two_communes.b_admin).second_factor_required = True
        database.commit()
    client = app.test_client()
    assert try_login(client, B_ADMIN).headers["Location"].endswith("/staff/login/code")
    page = client.get("/staff/login/code").get_data(as_text=True)
    assert "UBND xã Tân Tiến" in page and "Hoàng Văn Thụ" not in page
