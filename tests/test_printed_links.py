"""Printed links that work: the address on every QR code and printed link is the office's
public address, set in the browser; staff are warned in red when it would print dead codes;
a survey poster promises no lesson; no certificate is issued without a named signer.

QR codes are read back with the real tools (pdftoppm, zbarimg), as in test_posters.
"""

from urllib.parse import urlsplit

import pytest
from conftest import csrf_token
from helpers import ALL_RIGHT, collapsed, decode_qr_pdf, decode_qr_png, pdf_text, save, take_quiz

import database
from models import Attempt, AuditEvent, Certificate, OfficeSetting
from services.org import settings
from services.participation import certificates

pytest_plugins = ["staff_fixtures"]

LAN = "http://192.168.1.20:8080"
SETTINGS = "/staff/admin/settings"
BANNER = 'class="danger-banner"'
SIGNER_WAIT = "Giấy chứng nhận sẽ được cấp khi xã cập nhật người ký"


def settings_form(client, **changes) -> dict:
    """The settings form as shown, with some fields changed."""
    page = client.get(SETTINGS)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with client.application.app_context():
        data = settings.editable_values()
    data.update(changes, csrf_token=csrf_token(html))
    return data


def save_settings(client, **changes):
    return client.post(SETTINGS, data=settings_form(client, **changes))


@pytest.fixture
def admin(staff_client):
    return staff_client("admin")


@pytest.fixture
def learner(app, content, identify):
    """learner(name): a fresh browser identified through the form."""

    def make(name: str):
        client = app.test_client()
        identify(client, name=name)
        return client

    return make


# --- the settings page sets what every code prints ---------------------------------------------


def test_the_public_address_set_on_the_settings_page_is_in_the_poster_qr(
    app, admin, make_poster, tmp_path
):
    code = make_poster()
    response = save_settings(admin, public_address=LAN + "/")
    assert response.status_code == 303, response.get_data(as_text=True)
    pdf = save(admin.get(f"/posters/{code}/poster.pdf").data, tmp_path)
    assert decode_qr_pdf(pdf) == [f"{LAN}/p/{code}"]
    assert f"192.168.1.20:8080/p/{code}" in collapsed(pdf_text(pdf))
    png = tmp_path / "qr.png"
    png.write_bytes(admin.get(f"/posters/{code}/qr.png").data)
    assert decode_qr_png(png) == [f"{LAN}/p/{code}"]
    with app.app_context():
        event = AuditEvent.query.filter_by(action="settings_changed").one()
        assert event.target == "public_address"


def test_the_certificate_qr_carries_the_public_address(app, admin, learner, tmp_path):
    assert save_settings(admin, public_address=LAN).status_code == 303
    client = learner("Hà Thị Lan")
    result = take_quiz(client, ALL_RIGHT)
    pdf = save(client.get(f"{urlsplit(result).path}/certificate.pdf").data, tmp_path)
    with app.app_context():
        code = Certificate.query.one().verification_code
    assert decode_qr_pdf(pdf) == [f"{LAN}/v/{code}"]


def test_the_class_join_qr_carries_the_public_address(app, admin, staff, tmp_path):
    assert save_settings(admin, public_address=LAN).status_code == 303
    png = tmp_path / "join.png"
    png.write_bytes(admin.get(f"/staff/units/{staff.class_a}/join-qr.png").data)
    assert decode_qr_png(png) == [f"{LAN}/c/{staff.class_a_code}"]
    page = admin.get(f"/staff/units/{staff.class_a}").get_data(as_text=True)
    assert f"{LAN}/c/{staff.class_a_code}" in page


def test_the_commune_and_signers_are_saved_over_the_defaults(app, admin):
    response = save_settings(
        admin,
        commune_name="xã Tân Tiến",
        province_name="tỉnh Bắc Kạn",
        certificate_signer_name="Nông Văn Thắng",
        report_signer_title="KT. CHỦ TỊCH",
    )
    assert response.status_code == 303
    with app.test_request_context():
        saved = settings.commune_settings()
    assert (saved.commune_name, saved.issuer_short) == ("xã Tân Tiến", "UBND xã Tân Tiến")
    assert saved.certificate_signer_name == "Nông Văn Thắng"
    assert saved.report_signer_title == "KT. CHỦ TỊCH"
    assert "UBND xã Tân Tiến" in admin.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("ftp://lantoa.example", "phải bắt đầu bằng http:// hoặc https://"),
        ("lantoa.example", "phải bắt đầu bằng http:// hoặc https://"),
        ("https://", "thiếu tên máy chủ"),
        ("https://lantoa.example:port", "thiếu tên máy chủ"),
        ("https://lantoa.example/xa", "không có đường dẫn"),
        ("https://lantoa.example/?a=1", "không có đường dẫn"),
        ("", "Nhập địa chỉ công khai"),
    ],
)
def test_a_bad_public_address_is_refused_in_vietnamese(app, admin, address, message):
    response = save_settings(admin, public_address=address)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert OfficeSetting.query.count() == 0


def test_only_admins_open_the_settings(staff_client):
    assert staff_client("teacher_a").get(SETTINGS).status_code == 403


# --- the red banner ----------------------------------------------------------------------------


def printing_pages(staff) -> list[str]:
    return [
        "/staff/",
        "/staff/posters",
        f"/staff/units/{staff.class_a}",
        "/staff/content/topic/an-toan/poster",
    ]


@pytest.mark.parametrize("address", ["http://localhost:5000", "http://127.0.0.1", "http://[::1]"])
def test_a_local_address_shows_the_banner_on_every_printing_page(
    app, admin, staff, make_poster, address
):
    make_poster()
    assert save_settings(admin, public_address=address).status_code == 303
    for path in printing_pages(staff):
        page = admin.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert BANNER in html, path
        assert "điện thoại quét sẽ không mở được" in html, path
        assert f'href="{SETTINGS}"' in html, path


def test_an_address_other_than_the_page_s_shows_the_banner(app, admin, staff, make_poster):
    make_poster()  # the test client opens pages at http://localhost
    assert save_settings(admin, public_address="https://lantoa.example").status_code == 303
    for path in printing_pages(staff):
        html = admin.get(path).get_data(as_text=True)
        assert BANNER in html and "khác với địa chỉ bạn đang mở trang này" in html, path


def test_no_banner_when_the_address_is_where_the_page_was_opened(
    app, staff_client, staff, make_poster, monkeypatch
):
    make_poster()
    # The test client opens pages at http://lantoa.example: the same host as the address (a
    # proxy in front may end TLS, so http against https alone is no difference).
    monkeypatch.setitem(app.config, "SERVER_NAME", "lantoa.example")
    client = staff_client("admin")
    assert save_settings(client, public_address="https://lantoa.example").status_code == 303
    for path in printing_pages(staff):
        html = client.get(path).get_data(as_text=True)
        assert BANNER not in html, path


@pytest.mark.parametrize(
    ("address", "local"),
    [("http://localhost:5000", True), ("http://127.0.1.1", True), ("http://[::1]:5000", True),
     ("http://0.0.0.0:5000", True), ("http://192.168.1.20:5000", False),
     ("https://lantoa.example", False)],
)  # fmt: skip
def test_local_addresses(address, local):
    assert settings.is_local(address) is local


# --- flask posters pdf -------------------------------------------------------------------------


def test_posters_pdf_refuses_a_local_address_unless_allowed(
    app, make_poster, tmp_path, monkeypatch
):
    code = make_poster()
    monkeypatch.setitem(app.config, "BASE_URL", "http://localhost:5000")
    out = tmp_path / "p.pdf"
    refused = app.test_cli_runner().invoke(args=["posters", "pdf", code, "--out", str(out)])
    assert refused.exit_code == 1
    assert "names this machine only" in refused.output and "--allow-local" in refused.output
    assert not out.exists()
    allowed = app.test_cli_runner().invoke(
        args=["posters", "pdf", code, "--out", str(out), "--allow-local"]
    )
    assert allowed.exit_code == 0, allowed.output
    assert decode_qr_pdf(out) == [f"http://localhost:5000/p/{code}"]


def test_settings_command_sets_the_public_address(app, make_poster, tmp_path):
    code = make_poster()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["settings", "set", "public_address", LAN]).exit_code == 0
    bad = runner.invoke(args=["settings", "set", "public_address", "192.168.1.20"])
    assert bad.exit_code == 1
    out = tmp_path / "p.pdf"
    assert runner.invoke(args=["posters", "pdf", code, "--out", str(out)]).exit_code == 0
    assert decode_qr_pdf(out) == [f"{LAN}/p/{code}"]


# --- what a poster promises --------------------------------------------------------------------


def test_a_survey_poster_promises_no_lesson_and_no_certificate(
    app, client, surveys, make_poster, tmp_path
):
    code = make_poster("y-kien", target="survey")
    text = collapsed(pdf_text(save(client.get(f"/posters/{code}/poster.pdf").data, tmp_path)))
    assert "khảo sát" in text
    assert "để học" not in text and "giấy chứng nhận" not in text


def test_a_lesson_poster_still_promises_the_lesson_and_the_certificate(
    client, make_poster, tmp_path
):
    code = make_poster()
    text = collapsed(pdf_text(save(client.get(f"/posters/{code}/poster.pdf").data, tmp_path)))
    assert "để học" in text and "giấy chứng nhận" in text


def test_the_identity_page_after_a_survey_poster_promises_no_lesson(client, surveys, make_poster):
    code = make_poster("y-kien", target="survey")
    scanned = client.get(f"/p/{code}")
    page = client.get(scanned.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Bạn sắp trả lời khảo sát" in page
    assert "Bạn sắp học" not in page and "kết quả học" not in page


def test_the_identity_page_after_a_lesson_poster_names_the_lesson(client, make_poster):
    code = make_poster()
    page = client.get(f"/p/{code}", follow_redirects=True).get_data(as_text=True)
    assert "Bạn sắp học" in page


# --- no certificate without a signer -----------------------------------------------------------


def test_no_certificate_is_issued_without_a_signer_until_one_is_named(app, admin, learner):
    assert save_settings(admin, certificate_signer_name="").status_code == 303
    home = admin.get("/staff/").get_data(as_text=True)
    assert "Chưa có người ký giấy chứng nhận" in home
    assert "Chưa có người ký giấy chứng nhận" in admin.get(SETTINGS).get_data(as_text=True)

    client = learner("Hà Thị Lan")
    result = urlsplit(take_quiz(client, ALL_RIGHT)).path
    page = client.get(result)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Chúc mừng, bạn đã đạt!" in html and SIGNER_WAIT in html
    assert client.get(f"{result}/certificate.pdf").status_code == 404
    with app.app_context():
        assert Certificate.query.count() == 0

    assert save_settings(admin, certificate_signer_name="Nông Văn Thắng").status_code == 303
    assert "Chưa có người ký" not in admin.get("/staff/").get_data(as_text=True)
    html = client.get(result).get_data(as_text=True)  # the next view of the result issues it
    assert SIGNER_WAIT not in html and "Bạn đã được cấp giấy chứng nhận số" in html
    assert client.get(f"{result}/certificate.pdf").status_code == 200
    with app.app_context():
        assert Certificate.query.count() == 1


def test_issuing_refuses_with_a_named_exception_without_a_signer_title(app, admin, learner):
    client = learner("Hà Thị Lan")
    take_quiz(client, ALL_RIGHT)
    with app.app_context():
        Certificate.query.delete()
        database.commit()
    assert save_settings(admin, certificate_signer_title=" ").status_code == 303
    with app.test_request_context():
        attempt = Attempt.query.one()
        with pytest.raises(certificates.SignerMissing):
            certificates.issue_for_attempt(attempt, "HVT", "Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("address", "opened_at", "same"),
    [("https://lantoa.example", "http://lantoa.example/", True),
     ("https://LANTOA.example", "https://lantoa.example:443/", True),
     ("http://192.168.1.20:8080", "http://192.168.1.20:8080/", True),
     ("http://192.168.1.20:8080", "http://192.168.1.20:5000/", False),
     ("https://lantoa.example", "http://lantoa.example:5000/", False),
     ("https://lantoa.example", "https://www.lantoa.example/", False)],
)  # fmt: skip
def test_same_host(address, opened_at, same):
    assert settings.same_host(address, opened_at) is same
