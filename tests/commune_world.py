"""The world of the `two_communes` fixture (tests/commune_fixtures.py): a second commune
beside the conftest's xã Hoàng Văn Thụ (A), xã Tân Tiến (B), with its own village, admin,
settings (issuer, signer, public address, channels), a poster, and one person of each commune
holding a certificate. Test modules import the names from here, never the fixture module."""

from dataclasses import dataclass

from flask import current_app
from gradebook_world import attempt
from helpers import ALL_RIGHT

import database
from extensions import db
from models import Lesson
from services.org import settings
from services.org import staff as staff_service
from services.org.units import create_unit
from services.participation import certificates
from services.participation.identity import NewIdentity, create_participant
from services.participation.posters import create_poster
from services.participation.quiz_taking import CertificateRules

B_ADMIN = "admin.tantien"
# B's settings: every value a sentinel that A's pages and documents never print.
B_VALUES = {
    "public_address": "https://tantien.example",
    "commune_name": "xã Tân Tiến",
    "province_name": "tỉnh Lạng Sơn",
    "issuer_name": "Ủy ban nhân dân xã Tân Tiến",
    "certificate_signer_title": "TM. ỦY BAN NHÂN DÂN",
    "certificate_signer_name": "Hà Văn Bình",
    "report_signer_title": "CHỦ TỊCH",
    "report_signer_name": "Hà Văn Bình",
    "channel_website": "https://tantien.example.gov.vn",
    "channel_news": "",
    "channel_zalo": "",
    "channel_facebook": "",
}
# A's own saved values (over the test configuration), as sentinels for B's pages.
A_VALUES = {
    "public_address": "https://hoangvanthu.example",
    "certificate_signer_name": "Nông Văn Thắng",
    "channel_website": "https://hoangvanthu.example.gov.vn",
}
A_HOLDER = "Lục Thị Hiền"
B_HOLDER = "Triệu Văn Pao"


@dataclass(frozen=True)
class TwoCommunes:
    a: int  # commune unit ids
    b: int
    b_village: int
    b_admin: int
    a_admin: int
    b_poster: str  # poster code
    a_certificate: int  # certificate ids
    b_certificate: int


def _certify(name: str, unit_id: int) -> int:
    person, _ = create_participant(NewIdentity(name, "villager", unit_id, "30-44", False), "test")
    db.session.flush()
    made = attempt(person, "an-toan", ALL_RIGHT)
    rules = CertificateRules.from_config(current_app.config, person.commune_id)
    return certificates.issue_when_signed(made, rules.serial_prefix, rules.timezone).id


def build(app, staff) -> TwoCommunes:
    """The second commune and its rows (committed); ids as TwoCommunes."""
    with app.app_context():
        a_values = {**settings.editable_values(staff.commune), **A_VALUES}
        settings.save_for(staff.commune, a_values)
        commune_b = create_unit("commune", "xã Tân Tiến", target_population=500)
        village_b = create_unit("village", "Thôn Bản Chang", commune_b, target_population=200)
        admin_b = staff_service.create_staff(
            B_ADMIN, "Phòng VH-XH Tân Tiến", staff.password, "admin"
        )
        admin_b.commune_id = commune_b.id
        settings.save_for(commune_b.id, B_VALUES)
        lesson = Lesson.query.filter_by(slug="an-toan").one()
        poster = create_poster("Áp phích Bản Chang", village_b, lesson)
        found = TwoCommunes(
            a=staff.commune,
            b=commune_b.id,
            b_village=village_b.id,
            b_admin=admin_b.id,
            a_admin=staff.admin,
            b_poster=poster.code,
            a_certificate=_certify(A_HOLDER, staff.village),
            b_certificate=_certify(B_HOLDER, village_b.id),
        )
        database.commit()
    return found
