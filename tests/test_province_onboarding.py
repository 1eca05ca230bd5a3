"""The province admin onboards a commune in the browser (/staff/province/communes/new): the
same service as `flask communes add`; a refusal is a 400 in Vietnamese that writes nothing."""

import io
import re

import pytest
from conftest import csrf_token
from test_commune_onboarding import HEADER, ROWS, row_counts

import database
from models import AuditEvent, Commune, Poster, StaffUser, Unit
from services.org import passwords
from services.org import staff as staff_service

pytest_plugins = ["staff_fixtures"]

URL = "/staff/province/communes/new"


@pytest.fixture
def province_admin(app, staff, staff_client):
    with app.app_context():
        staff_service.create_staff("so.khcn", "Sở KH&CN", staff.password, "province_admin")
        database.commit()
    return staff_client("so.khcn")


def sheet(rows) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode("utf-8-sig")


def post(client, data: bytes, filename="tan-van.csv", **fields):
    form = {
        "csrf_token": csrf_token(client.get(URL).get_data(as_text=True)),
        "name": "Xã Tân Văn",
        "code": "tan-van",
        "serial_prefix": "TV",
        "admin_username": "qtv-tanvan",
        **fields,
        "units": (io.BytesIO(data), filename),
    }
    return client.post(URL, data=form, content_type="multipart/form-data")


def test_the_province_admin_adds_a_commune_and_sees_its_password_once(app, content, province_admin):
    page = province_admin.get(URL)
    assert page.status_code == 200
    assert "Thêm một xã" in page.get_data(as_text=True)
    response = post(province_admin, sheet([HEADER, *ROWS]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Đã thêm Xã Tân Văn" in html and "6 đơn vị, 4 áp phích." in html
    (password,) = re.findall(r'<p class="score">([a-z0-9-]+)</p>', html)
    with app.app_context():
        commune = Commune.query.filter_by(code="tan-van").one()
        assert commune.unit.parent.kind == "province"
        admin = StaffUser.query.filter_by(username="qtv-tanvan").one()
        assert admin.commune_id == commune.unit_id and admin.must_change_password
        assert passwords.verify_password(admin.password_hash, password)
        assert Poster.query.filter(Poster.commune_id == commune.unit_id).count() == 4
        assert Unit.query.filter(Unit.commune_id == commune.unit_id).count() == 7
        by = StaffUser.query.filter_by(username="so.khcn").one()
        assert {e.staff_id for e in commune_events(commune.unit_id)} == {by.id}


def commune_events(commune_id):
    return AuditEvent.query.filter(AuditEvent.commune_id == commune_id).all()


@pytest.mark.parametrize(
    ("fields", "rows", "message"),
    [
        ({"admin_username": "Quản trị"}, None, "Tên đăng nhập gồm 3 đến 60 chữ thường"),
        ({"serial_prefix": "t"}, None, "Tiền tố số hiệu chứng nhận gồm 2 đến 8 chữ cái"),
        ({}, [HEADER, ["Lớp", "Lớp 1", "Trường Không Có", "", ""]], "Dòng 2: Không tìm thấy"),
    ],
)
def test_a_refusal_is_a_400_in_vietnamese_and_writes_nothing(
    app, content, province_admin, fields, rows, message
):
    province_admin.get(URL)
    before = row_counts(app)
    response = post(province_admin, sheet(rows or [HEADER, *ROWS]), **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert row_counts(app) == before


def test_a_taken_code_is_refused_next_to_its_field(app, content, province_admin):
    assert post(province_admin, sheet([HEADER, *ROWS])).status_code == 200
    before = row_counts(app)
    response = post(province_admin, sheet([HEADER, *ROWS]), name="Xã Khác", serial_prefix="KH",
                    admin_username="qtv-khac")  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Mã xã “tan-van” đã có." in html
    assert row_counts(app) == before


@pytest.mark.parametrize("who", ["admin", "officer"])
def test_commune_staff_may_not_add_communes(staff, staff_client, who):
    client = staff_client(who)
    assert client.get(URL).status_code == 403


def test_the_province_officer_may_not_add_communes(app, staff, staff_client):
    with app.app_context():
        staff_service.create_staff("so.xem", "Sở", staff.password, "province_officer")
        database.commit()
    assert staff_client("so.xem").get(URL).status_code == 403
