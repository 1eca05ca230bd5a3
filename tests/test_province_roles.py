"""The province office's roles (Sở KH&CN): accounts above every commune, their rules, the
database's refusal of a province account inside a commune, and where their login lands."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy.exc import IntegrityError

import database
from extensions import db
from models import StaffUser, Unit
from models.staff import COMMUNE_ROLES, PROVINCE_ROLES
from services.common.errors import InvalidInput
from services.common.vocabulary import STAFF_ROLE_LABELS, vietnamese
from services.org import staff as staff_service

pytest_plugins = ["staff_fixtures"]


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.mark.parametrize("role", PROVINCE_ROLES)
def test_a_province_account_belongs_to_no_commune(app, staff, role):
    with app.app_context():
        user = staff_service.create_staff("so.khcn", "Sở KH&CN", staff.password, role)
        database.commit()
        found = db.session.get(StaffUser, user.id)
        assert (found.role, found.commune_id, found.unit_id, found.classes) == (
            role,
            None,
            None,
            [],
        )
        assert found.is_province
        # A commune's accounts keep their commune.
        assert db.session.get(StaffUser, staff.admin).commune_id == staff.commune
        assert not db.session.get(StaffUser, staff.admin).is_province


@pytest.mark.parametrize("role", PROVINCE_ROLES)
def test_a_province_account_has_no_unit_and_no_class(app, staff, role):
    with app.app_context():
        village = db.session.get(Unit, staff.village)
        klass = db.session.get(Unit, staff.class_a)
        for unit, classes in ((village, ()), (None, (klass,))):
            with pytest.raises(InvalidInput) as caught:
                staff_service.create_staff("so.khcn", "Sở", staff.password, role, unit, classes)
            assert caught.value.errors == {"unit_id": "province_no_unit"}


def test_a_commune_account_never_becomes_a_province_one(app, staff):
    with app.app_context():
        admin = db.session.get(StaffUser, staff.admin)
        teacher = db.session.get(StaffUser, staff.teacher_a)
        change = staff_service.StaffChange("Cô Hoa", "province_officer", None, (), True)
        with pytest.raises(InvalidInput) as caught:
            staff_service.change_staff(admin, teacher, change)
        assert caught.value.errors == {"role": "province_change"}


def test_the_database_refuses_a_province_account_inside_a_commune(app, staff):
    with app.app_context():
        db.session.add(
            StaffUser(
                username="so.sai",
                display_name="Sai",
                password_hash="x",
                role="province_officer",
                commune_id=staff.commune,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_every_role_has_a_vietnamese_label_without_code_words(app):
    with app.app_context():
        labels = vietnamese(STAFF_ROLE_LABELS)
    assert set(labels) == set(COMMUNE_ROLES) | set(PROVINCE_ROLES)
    assert "Sở Khoa học và Công nghệ" in labels["province_officer"]
    assert "tỉnh" in labels["province_admin"]
    assert not any("province" in text for text in labels.values())


def test_a_commune_admin_is_not_offered_the_province_roles(app, staff, login):
    client = app.test_client()
    login(client, "admin")
    page = client.get("/staff/admin/users/new").get_data(as_text=True)
    assert 'value="officer"' in page
    assert 'value="province_officer"' not in page and 'value="province_admin"' not in page


def test_a_commune_admin_neither_lists_nor_edits_a_province_account(app, staff, login):
    with app.app_context():
        user = staff_service.create_staff("so.khcn", "Sở KH&CN", staff.password, "province_admin")
        database.commit()
        user_id = user.id
    client = app.test_client()
    login(client, "admin")
    assert "so.khcn" not in client.get("/staff/admin/users").get_data(as_text=True)
    assert client.get(f"/staff/admin/users/{user_id}").status_code == 404


@pytest.mark.parametrize("role", PROVINCE_ROLES)
def test_create_admin_makes_a_province_account(app, runner, role):
    result = runner.invoke(args=["create-admin", "so.khcn", "--role", role, "--generate"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = StaffUser.query.filter_by(username="so.khcn").one()
        assert (user.role, user.commune_id, user.display_name) == (
            role,
            None,
            "Sở Khoa học và Công nghệ",
        )


def test_create_admin_still_makes_a_commune_admin_by_default(app, runner):
    result = runner.invoke(args=["create-admin", "quan.tri", "--generate"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert StaffUser.query.filter_by(username="quan.tri").one().role == "admin"


@pytest.mark.parametrize("role", PROVINCE_ROLES)
def test_a_province_login_lands_on_the_communes(app, staff, try_login, role):
    with app.app_context():
        staff_service.create_staff("so.khcn", "Sở KH&CN", staff.password, role)
        database.commit()
    client = app.test_client()
    response = try_login(client, "so.khcn")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/staff/province/"
    home = client.get("/staff/")
    assert urlsplit(home.headers["Location"]).path == "/staff/province/"
    page = client.get("/staff/province/")
    assert page.status_code == 200
    # The menu offers the province's pages, not a commune's.
    html = page.get_data(as_text=True)
    assert "Các xã trong tỉnh" in html and "/staff/admin/users" not in html


def test_a_commune_login_still_lands_on_the_staff_page(app, staff, try_login):
    response = try_login(app.test_client(), "admin.xa")
    assert urlsplit(response.headers["Location"]).path == "/staff/"
