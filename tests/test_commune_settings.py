"""The commune's identity comes from one place: templates never spell it, and changing the
setting changes a page, a certificate and the half-year report."""

from pathlib import Path

import pytest
from test_certificates import collapsed, pdf_text, save, transient_certificate
from test_half_year import _pdf_pages, _save_report, _world

from services import documents
from services.org.settings import bare_name, commune_settings, from_config

pytest_plugins = ["staff_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
OTHER = {"COMMUNE_NAME": "xã Tân Tiến", "PROVINCE_NAME": "tỉnh Bắc Kạn"}


@pytest.fixture
def other_commune(app, monkeypatch):
    for key, value in OTHER.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.mark.parametrize("name", ["Hoàng Văn Thụ", "HOÀNG VĂN THỤ", "Lạng Sơn"])
def test_no_template_spells_the_commune_or_province(name):
    spelled = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if name in path.read_text(encoding="utf-8")
    ]
    assert not spelled, spelled


def test_defaults_derive_the_issuer_from_the_commune(app):
    with app.app_context():
        settings = commune_settings()
    assert settings.commune_name == "xã Hoàng Văn Thụ"
    assert settings.issuer_name == "Ủy ban nhân dân xã Hoàng Văn Thụ"
    assert settings.issuer_short == "UBND xã Hoàng Văn Thụ"
    assert settings.issuer_unit == "xã Hoàng Văn Thụ"
    assert settings.issuer_parent == "Tỉnh Lạng Sơn"
    assert settings.place_name == "Hoàng Văn Thụ"


def test_explicit_issuer_settings_win(app):
    config = {
        **app.config,
        "ISSUER_NAME": "Ủy ban nhân dân phường Đông Kinh",
        "ISSUER_PLACE": "Đông Kinh",
        "ISSUER_PARENT": "Tỉnh Lạng Sơn mới",
        "CERTIFICATE_SIGNER_NAME": "Nông Văn Thắng",
    }
    settings = from_config(config)
    assert settings.issuer_short == "UBND phường Đông Kinh"
    assert (settings.place_name, settings.issuer_parent) == ("Đông Kinh", "Tỉnh Lạng Sơn mới")
    assert settings.report_signer_name == "Nông Văn Thắng"  # follows the certificate's signer


@pytest.mark.parametrize(
    ("name", "bare"),
    [("xã Hoàng Văn Thụ", "Hoàng Văn Thụ"), ("Phường Đông Kinh", "Đông Kinh"),
     ("thị trấn Na Sầm", "Na Sầm"), ("Hoàng Văn Thụ", "Hoàng Văn Thụ")],
)  # fmt: skip
def test_bare_name(name, bare):
    assert bare_name(name) == bare


def test_changing_the_commune_changes_the_pages(client, other_commune):
    page = client.get("/").get_data(as_text=True)
    assert "UBND xã Tân Tiến" in page and "người dân xã Tân Tiến" in page
    assert "Hoàng Văn Thụ" not in page
    science = client.get("/nhiem-vu-khoa-hoc").get_data(as_text=True)
    assert "trên địa bàn xã Tân Tiến" in science


def test_changing_the_commune_changes_the_certificate(app, other_commune, tmp_path):
    with app.app_context():
        pdf = save(documents.certificate_pdf([transient_certificate("Lê Văn Tám")]), tmp_path)
    text = collapsed(pdf_text(pdf))
    assert "ỦY BAN NHÂN DÂN XÃ TÂN TIẾN" in text
    assert "TỈNH BẮC KẠN" in text
    assert "Tân Tiến, ngày 05 tháng 6 năm 2026" in text
    assert "HOÀNG VĂN THỤ" not in text.upper()


def test_changing_the_commune_changes_the_half_year_report(
    app, content, staff, staff_client, other_commune
):
    _world(app, staff, villages=1)
    client = staff_client("admin")
    report_id = int(_save_report(client).rstrip("/").rsplit("/", 1)[-1])
    text = collapsed("\n".join(_pdf_pages(client.get(f"/staff/half-year/{report_id}.pdf").data)))
    assert "XÃ TÂN TIẾN" in text
    assert "Kính gửi: Sở Khoa học và Công nghệ tỉnh Bắc Kạn." in text
    assert "Ủy ban nhân dân tỉnh Bắc Kạn, Ủy ban nhân dân xã Tân Tiến báo cáo" in text
    assert "Tân Tiến, ngày 05 tháng 6 năm 2026" in text
