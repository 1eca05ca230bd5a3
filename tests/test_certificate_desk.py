"""The staff's certificates page: search and filters, who sees what, one PDF for a class,
revoking with a reason and re-issuing after a name correction (the old code then names the new
serial), the same re-issue on the command line, and "one current certificate per person and
quiz" kept by the database."""

import datetime as dt

import pypdf
import pytest
from certificate_world import (
    CLASS_A_FAILED,
    CLASS_A_PASSED,
    CLASS_B_PASSED,
    MISSPELT,
    VILLAGER,
    build,
    certificate_of,
    rename_participant,
)
from gradebook_world import attempt
from helpers import ALL_RIGHT, csrf_token, decode_qr_pdf, pdf_text, tables
from sqlalchemy.exc import IntegrityError

import database
from extensions import db
from models import AuditEvent, Certificate, Participant, Quiz
from services.common.periods import Period
from services.participation import certificate_search, certificates
from services.participation.privacy import export_participant
from services.reporting.unit_reports import unit_report

pytest_plugins = ["staff_fixtures"]
HONG, VIET, SY = CLASS_A_PASSED


@pytest.fixture
def world(app, content, staff):
    return build(app, staff)


def page(client, query: str = "", status: int = 200) -> str:
    response = client.get(f"/staff/certificates{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def holders(html: str) -> list[str]:
    """The holder column of the certificates table."""
    (table,) = [t for t in tables(html) if t and t[0][:2] == ["Số hiệu", "Người được cấp"]]
    return sorted(row[1] for row in table[1:] if len(row) > 1)


def post(client, certificate_id: int, action: str, data: dict):
    html = client.get(f"/staff/certificates/{certificate_id}").get_data(as_text=True)
    token = csrf_token(html) if 'name="csrf_token"' in html else ""
    return client.post(
        f"/staff/certificates/{certificate_id}/{action}", data={"csrf_token": token, **data}
    )


def staff_post(client, url: str, data: dict):
    """A POST with a CSRF token read from a staff page (for certificates one cannot open)."""
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


# --- search and filters ------------------------------------------------------------------------


def test_admin_sees_every_certificate_and_the_failed_pupil_has_none(world, staff_client):
    html = page(staff_client("admin"))
    assert holders(html) == sorted([HONG, VIET, MISSPELT, CLASS_B_PASSED, VILLAGER])
    assert CLASS_A_FAILED not in html
    assert "Tìm thấy 5 giấy chứng nhận." in html


@pytest.mark.parametrize("typed", ["nguyen thi anh", "NGUYỄN THỊ ÁNH", "hồng", "Anh Hong"])
def test_name_search_ignores_accents_and_case(world, staff_client, typed):
    assert holders(page(staff_client("admin"), f"?name={typed}")) == [HONG]


def test_name_search_tells_d_from_nothing_and_finds_dang(world, staff_client):
    assert holders(page(staff_client("admin"), "?name=dang quoc")) == [VIET]
    assert holders(page(staff_client("admin"), "?name=xyz")) == []


def test_search_by_serial_part_and_by_code_as_printed(app, world, staff_client):
    found = certificate_of(app, world[VIET])
    client = staff_client("admin")
    assert holders(page(client, f"?number={found['serial'][-6:]}")) == [VIET]
    grouped = certificates.format_code(found["code"]).lower()
    assert holders(page(client, f"?number={grouped}")) == [VIET]


def test_filter_by_class_and_by_quiz(app, world, staff, staff_client):
    client = staff_client("admin")
    assert holders(page(client, f"?unit={staff.class_b}")) == [CLASS_B_PASSED]
    # the school covers the classes below it
    assert len(holders(page(client, f"?unit={staff.school}"))) == 4
    assert len(holders(page(client, f"?achievement=quiz:{quiz_id(app)}"))) == 5
    assert holders(page(client, f"?achievement=quiz:{quiz_id(app, 'gioi-han')}")) == []


@pytest.mark.parametrize(
    "query", ["?status=lost", "?achievement=quiz", "?achievement=poster:1", "?unit=abc"]
)
def test_bad_filters_are_a_400_in_vietnamese(world, staff_client, query):
    html = page(staff_client("admin"), query, status=400)
    assert "không hợp lệ" in html


def test_unknown_quiz_or_unit_in_the_filter_is_a_404(world, staff_client):
    page(staff_client("admin"), "?achievement=quiz:99999", status=404)
    page(staff_client("admin"), "?unit=99999", status=404)


def test_pages_of_results(world, staff_client, monkeypatch):
    monkeypatch.setattr(certificate_search, "PAGE_SIZE", 2)
    client = staff_client("admin")
    first, second, third = (page(client, f"?page={n}") for n in (1, 2, 3))
    seen = holders(first) + holders(second) + holders(third)
    assert sorted(seen) == sorted([HONG, VIET, MISSPELT, CLASS_B_PASSED, VILLAGER])
    assert "Trang 1/3." in first and "Trang sau" in first and "Trang trước" not in first
    assert "Trang trước" in third and "Trang sau" not in third
    assert holders(page(client, "?page=2&name=hong")) == [HONG]  # past the end: the last page


def test_dates_are_local_and_day_first(app, world, staff_client):
    with app.app_context():
        cert = Certificate.query.filter(Certificate.participant_id == world[HONG]).one()
        cert.issued_at = dt.datetime(2026, 3, 4, 20, 30)  # 03:30 on 5 March in Vietnam
        database.commit()
    html = page(staff_client("admin"), "?name=hong")
    assert "05/03/2026" in html and "2026-03" not in html


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("teacher_a", [HONG, VIET, MISSPELT]),
        ("teacher_b", [CLASS_B_PASSED]),
        ("officer", [VILLAGER]),
    ],
)
def test_each_staff_member_sees_only_their_people(world, staff_client, who, expected):
    client = staff_client(who)
    assert holders(page(client)) == sorted(expected)
    assert holders(page(client, "?name=n")) == sorted(n for n in expected if "n" in n.lower())


def test_a_teacher_cannot_filter_by_another_class(world, staff, staff_client):
    page(staff_client("teacher_a"), f"?unit={staff.class_b}", status=403)


def test_a_teacher_cannot_open_revoke_reissue_or_print_another_class(
    app, world, staff, staff_client
):
    theirs = certificate_of(app, world[CLASS_B_PASSED])
    client = staff_client("teacher_a")
    base = f"/staff/certificates/{theirs['id']}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/certificate.pdf").status_code == 404
    revoked = staff_post(client, f"{base}/revoke", {"reason": "thử", "confirm": "y"})
    reissued = staff_post(client, f"{base}/reissue", {"name": "Hoàng Văn Khác"})
    assert (revoked.status_code, reissued.status_code) == (404, 404)
    with app.app_context():
        quiz_id = Quiz.query.filter_by(slug="an-toan").one().id
    pdf = client.get(
        f"/staff/certificates/class.pdf?unit={staff.class_b}&achievement=quiz:{quiz_id}"
    )
    assert pdf.status_code == 403
    assert certificate_of(app, world[CLASS_B_PASSED]) == theirs  # nothing changed
    with app.app_context():
        assert Certificate.query.count() == 5
        assert AuditEvent.query.filter(AuditEvent.action.like("certificate%")).count() == 0


def test_the_menu_links_the_page_for_every_staff_role(world, staff_client):
    for who in ("admin", "officer", "teacher_a"):
        assert 'href="/staff/certificates"' in page(staff_client(who))


def test_the_page_needs_a_login(world, client):
    response = client.get("/staff/certificates")
    assert response.status_code in (302, 303) and "/staff/login" in response.headers["Location"]


# --- one PDF for a class -----------------------------------------------------------------------


def quiz_id(app, slug: str = "an-toan") -> int:
    with app.app_context():
        return Quiz.query.filter_by(slug=slug).one().id


def class_pdf(app, client, unit_id: int, quiz_slug: str = "an-toan"):
    achievement = f"quiz:{quiz_id(app, quiz_slug)}"
    return client.get(f"/staff/certificates/class.pdf?unit={unit_id}&achievement={achievement}")


def test_class_pdf_has_a_page_per_valid_certificate_in_class_order(
    app, world, staff, staff_client, tmp_path
):
    client = staff_client("teacher_a")
    response = class_pdf(app, client, staff.class_a)
    with app.app_context():
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        out = tmp_path / "lop.pdf"
        out.write_bytes(response.data)
        assert len(pypdf.PdfReader(out).pages) == 3
        # class-list order: by given name (Hồng, Sĩ, Việt)
        firsts = [pdf_text(out, page=n) for n in (1, 2, 3)]
        assert [HONG in firsts[0], MISSPELT in firsts[1], VIET in firsts[2]] == [True] * 3
        codes = {c.verification_code for c in Certificate.query.all()}
        for number in (1, 2, 3):
            (url,) = decode_qr_pdf(out, page=number)
            assert url.startswith("https://lantoa.example/v/") and url.rsplit("/", 1)[1] in codes
        event = AuditEvent.query.filter_by(action="certificates_printed").one()
        assert event.staff_id == staff.teacher_a and event.detail["certificates"] == 3


def test_class_pdf_leaves_out_revoked_and_replaced(app, world, staff, staff_client, tmp_path):
    client = staff_client("teacher_a")
    viet, sy = certificate_of(app, world[VIET]), certificate_of(app, world[SY])
    assert (
        post(client, viet["id"], "revoke", {"reason": "Cấp nhầm", "confirm": "y"}).status_code
        == 303
    )
    assert post(client, sy["id"], "reissue", {"name": SY}).status_code == 303
    out = tmp_path / "lop.pdf"
    out.write_bytes(class_pdf(app, client, staff.class_a).data)
    text = " ".join(pdf_text(out).split())
    assert len(pypdf.PdfReader(out).pages) == 2
    assert HONG in text and SY in text and MISSPELT not in text and VIET not in text


def test_class_pdf_with_nobody_says_so(app, world, staff, staff_client):
    response = class_pdf(app, staff_client("teacher_a"), staff.class_a, "gioi-han")
    assert response.status_code == 303
    followed = staff_client("teacher_a").get(response.headers["Location"])
    assert followed.status_code == 200


@pytest.mark.parametrize("query", ["", "?unit=1", "?achievement=quiz:1", "?unit=1&achievement=x"])
def test_class_pdf_without_a_class_and_quiz_is_a_400(world, staff_client, query):
    response = staff_client("admin").get(f"/staff/certificates/class.pdf{query}")
    assert response.status_code == 400
    assert "Chọn" in response.get_data(as_text=True) or "không hợp lệ" in response.get_data(
        as_text=True
    )


# --- revoke ------------------------------------------------------------------------------------


def test_revoke_with_a_reason_shows_on_the_verification_page(
    app, world, staff, staff_client, client
):
    found = certificate_of(app, world[HONG])
    response = post(staff_client("teacher_a"), found["id"], "revoke", {
        "reason": "  Gian lận khi làm bài ", "confirm": "y"})  # fmt: skip
    assert response.status_code == 303
    assert certificate_of(app, world[HONG])["revoked"]
    html = client.get(f"/v/{found['code']}").get_data(as_text=True)
    assert "Giấy chứng nhận đã bị thu hồi" in html and "Lý do: Gian lận khi làm bài" in html
    with app.app_context():
        event = AuditEvent.query.filter_by(action="certificate_revoked").one()
        assert event.staff_id == staff.teacher_a and event.target == found["serial"]
        assert event.detail == {"holder": HONG, "reason": "Gian lận khi làm bài"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "confirm": "y"}, "Ghi lý do thu hồi"),
        ({"reason": "   ", "confirm": "y"}, "Ghi lý do thu hồi"),
        ({"reason": "x" * 301, "confirm": "y"}, "Lý do dài quá 300 ký tự."),
        ({"reason": "Cấp nhầm"}, "Đánh dấu ô xác nhận để thu hồi."),
    ],
)
def test_revoke_refuses_bad_input_and_changes_nothing(app, world, staff_client, data, message):
    found = certificate_of(app, world[HONG])
    response = post(staff_client("teacher_a"), found["id"], "revoke", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert not certificate_of(app, world[HONG])["revoked"]


def test_revoke_without_csrf_is_refused(app, world, staff_client):
    found = certificate_of(app, world[HONG])
    response = staff_client("teacher_a").post(
        f"/staff/certificates/{found['id']}/revoke", data={"reason": "x", "confirm": "y"}
    )
    assert response.status_code == 400
    assert not certificate_of(app, world[HONG])["revoked"]


def test_revoking_twice_says_it_already_is(app, world, staff_client):
    found = certificate_of(app, world[HONG])
    client = staff_client("teacher_a")
    assert post(client, found["id"], "revoke", {"reason": "Một", "confirm": "y"}).status_code == 303
    again = post(client, found["id"], "revoke", {"reason": "Hai", "confirm": "y"})
    assert again.status_code == 409
    assert "đã bị thu hồi" in again.get_data(as_text=True)


def test_unknown_certificate_is_a_404(world, staff_client):
    client = staff_client("admin")
    assert client.get("/staff/certificates/99999").status_code == 404
    assert (
        staff_post(client, "/staff/certificates/99999/revoke", {"reason": "x"}).status_code == 404
    )


# --- re-issue ----------------------------------------------------------------------------------


def test_reissue_after_a_name_correction_replaces_the_old_one(
    app, world, staff, staff_client, client
):
    old = certificate_of(app, world[SY])
    response = post(staff_client("teacher_a"), old["id"], "reissue", {"name": f"  {SY} "})
    assert response.status_code == 303
    new = certificate_of(app, world[SY])
    assert response.headers["Location"].endswith(f"/staff/certificates/{new['id']}")
    assert new["holder"] == SY and new["serial"] != old["serial"] and new["code"] != old["code"]
    with app.app_context():
        rows = Certificate.query.filter_by(participant_id=world[SY]).order_by(Certificate.id).all()
        assert [r.replaced_by_id for r in rows] == [new["id"], None]
        first, second = rows
        assert (first.attempt_id, first.score_percent, first.achievement, first.issued_at) == (
            second.attempt_id,
            second.score_percent,
            second.achievement,
            second.issued_at,
        )
        assert first.holder_name == MISSPELT
        assert db.session.get(Participant, world[SY]).display_name == SY
        event = AuditEvent.query.filter_by(action="certificate_reissued").one()
        assert event.staff_id == staff.teacher_a and event.target == old["serial"]
        assert event.detail == {
            "new_serial": new["serial"], "holder": SY, "previous_holder": MISSPELT}  # fmt: skip
    old_page = client.get(f"/v/{old['code']}").get_data(as_text=True)
    assert f"Đã được thay thế bởi giấy chứng nhận số {new['serial']}" in old_page
    assert f'href="/v/{new["code"]}"' in old_page
    assert "Giấy chứng nhận hợp lệ" not in old_page
    new_page = client.get(f"/v/{new['code']}").get_data(as_text=True)
    assert "Giấy chứng nhận hợp lệ" in new_page and SY in new_page


def test_reissue_offers_the_name_already_corrected_on_the_roster(app, world, staff_client):
    rename_participant(app, world[SY], SY)
    old = certificate_of(app, world[SY])
    html = staff_client("teacher_a").get(f"/staff/certificates/{old['id']}").get_data(as_text=True)
    assert f'value="{SY}"' in html


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Nhập họ và tên đúng của người được cấp."),
        ("x" * 81, "Họ tên dài quá 80 ký tự."),
        (MISSPELT, "Họ tên này giống hệt trên giấy chứng nhận."),
    ],
)
def test_reissue_refuses_bad_names_and_changes_nothing(app, world, staff_client, name, message):
    old = certificate_of(app, world[SY])
    response = post(staff_client("teacher_a"), old["id"], "reissue", {"name": name})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert certificate_of(app, world[SY]) == old
    with app.app_context():
        assert Certificate.query.filter_by(participant_id=world[SY]).count() == 1


def test_reissue_of_a_revoked_or_replaced_certificate_is_refused(app, world, staff_client):
    client = staff_client("teacher_a")
    hong = certificate_of(app, world[HONG])
    assert post(client, hong["id"], "revoke", {"reason": "Sai", "confirm": "y"}).status_code == 303
    refused = post(client, hong["id"], "reissue", {"name": "Nguyễn Thị Hồng"})
    assert refused.status_code == 409
    assert "đã bị thu hồi, không cấp lại được" in refused.get_data(as_text=True)

    old = certificate_of(app, world[SY])
    assert post(client, old["id"], "reissue", {"name": SY}).status_code == 303
    again = staff_post(client, f"/staff/certificates/{old['id']}/reissue", {"name": "Lò Văn Sỷ"})
    assert again.status_code == 409
    assert "đã được thay thế bằng giấy khác" in again.get_data(as_text=True)
    revoke_old = staff_post(
        client, f"/staff/certificates/{old['id']}/revoke", {"reason": "x", "confirm": "y"}
    )
    assert revoke_old.status_code == 409
    with app.app_context():
        assert Certificate.query.filter_by(participant_id=world[SY]).count() == 2
        assert Certificate.query.filter_by(participant_id=world[HONG]).count() == 1


def test_a_reissued_certificate_counts_once_everywhere(app, world, staff, staff_client, client):
    old = certificate_of(app, world[SY])
    assert post(staff_client("teacher_a"), old["id"], "reissue", {"name": SY}).status_code == 303
    new = certificate_of(app, world[SY])
    with app.app_context():
        everyone = Period()
        report = unit_report("7A", {staff.class_a}, everyone)
        row = next(r for r in report.people if r.participant_id == world[SY])
        assert row.certificates == 1
        quiz = Quiz.query.filter_by(slug="an-toan").one()
        assert certificates.certificate_for(world[SY], quiz.id).id == new["id"]
        held = certificates.valid_in_units({staff.class_a}, quiz=quiz)
        assert [c.holder_name for c in held].count(SY) == 1 and MISSPELT not in [
            c.holder_name for c in held
        ]
        # the person's own data export keeps both, the old one saying what replaced it
        exported = export_participant(db.session.get(Participant, world[SY]))["certificates"]
        assert [c["replaced_by"] for c in exported] == [new["serial"], None]
    assert holders(page(staff_client("teacher_a"), "?status=valid&name=sy")) == [SY]
    assert holders(page(staff_client("teacher_a"), "?status=replaced")) == [MISSPELT]


def test_passing_again_after_a_reissue_issues_nothing_new(app, world, staff):
    old = certificate_of(app, world[SY])
    with app.app_context():
        certificates.reissue(db.session.get(Certificate, old["id"]), SY, "HVT", "Asia/Ho_Chi_Minh")
        database.commit()
    with app.app_context():
        person = db.session.get(Participant, world[SY])
        again = attempt(person, "an-toan", ALL_RIGHT)
        got = certificates.issue_when_signed(again, "HVT", "Asia/Ho_Chi_Minh")
        database.commit()
        assert got.holder_name == SY
        assert Certificate.query.filter_by(participant_id=world[SY]).count() == 2


def test_the_database_keeps_one_current_certificate_per_person_and_quiz(app, world):
    old = certificate_of(app, world[HONG])
    with app.app_context():
        source = db.session.get(Certificate, old["id"])
        twin = Certificate(
            serial="HVT-2026-999999",
            verification_code="ZZZZZZZZZZZZ",
            participant_id=source.participant_id,
            quiz_id=source.quiz_id,
            attempt_id=source.attempt_id,
            holder_name="Bản sao",
            holder_is_minor=False,
            achievement=source.achievement,
            score_percent=source.score_percent,
        )
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


# --- the command line --------------------------------------------------------------------------


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["certificates", *args])


def test_cli_reissue_uses_the_same_service_and_is_in_the_audit_log(app, world, client):
    old = certificate_of(app, world[SY])
    result = cli(app, "reissue", certificates.format_code(old["code"]), "--name", SY)
    assert result.exit_code == 0, result.output
    new = certificate_of(app, world[SY])
    assert new["serial"] in result.output and new["holder"] == SY
    with app.app_context():
        event = AuditEvent.query.filter_by(action="certificate_reissued").one()
        assert event.staff_id is None and event.ip == "cli"
        assert event.detail["new_serial"] == new["serial"]
    assert "thay thế bởi" in client.get(f"/v/{old['code']}").get_data(as_text=True)


def test_cli_reissue_refuses_unknown_codes_revoked_and_unchanged_names(app, world):
    assert cli(app, "reissue", "ZZZZ-ZZZZ-ZZZZ", "--name", "Ai").exit_code != 0
    old = certificate_of(app, world[SY])
    assert cli(app, "reissue", old["code"], "--name", MISSPELT).exit_code != 0
    assert cli(app, "revoke", old["code"], "--reason", "   ").exit_code != 0
    assert cli(app, "revoke", old["code"], "--reason", "Sai tên").exit_code == 0
    assert cli(app, "reissue", old["code"], "--name", SY).exit_code != 0
    with app.app_context():
        assert Certificate.query.filter_by(participant_id=world[SY]).count() == 1
        assert AuditEvent.query.filter_by(action="certificate_reissued").count() == 0
