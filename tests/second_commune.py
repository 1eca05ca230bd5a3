"""A second commune beside the staff world's, for the isolation tests (docs/tenancy-plan.md
§6 step 4): commune B with its own village, school and class, its admin, village officer and
teacher, people, a poster, a certificate, a free-text survey answer, an activity, a
half-year report and audit events; and, in commune A, the same kinds of rows with sentinel
texts, so that a test can assert that none of A's appears anywhere B's staff can look.

Register with `pytest_plugins = ["staff_fixtures", "second_commune"]`; the fixture needs the
matrix's `world` (tests/test_authorization.py) for A's ids.
"""

import datetime as dt
import secrets
from dataclasses import dataclass, field

import gradebook_world
import pytest
from staff_fixtures import PASSWORD

import database
from extensions import db
from models import Certificate, Commune, Poster, StaffUser, Survey, Unit
from services.org import audit, passwords, settings, tenancy
from services.org import staff as staff_service
from services.org.units import create_unit
from services.participation import certificates
from services.participation.identity import NewIdentity, create_participant
from services.participation.posters import create_poster
from services.participation.survey_responses import (
    Given,
    ResponseSubmission,
    respondent_key,
    submit_response,
)
from services.reporting import activities, half_year

B_USERNAMES = {"admin_b": "admin.tanvan", "officer_b": "truong.khuoiphay", "teacher_b2": "co.thuy"}
TODAY = dt.date(2026, 6, 5)


@dataclass
class SecondCommune:
    commune: int
    village: int
    school: int
    klass: int
    people: dict[str, int]  # name → id, B's own
    pupil_token: str  # the participant cookie of B's pupil
    poster: str
    certificate: int
    report: int
    activity: int
    a_report: int
    a_activity: int
    # Everything of commune A that B's staff must never see (names, codes, free text).
    a_sentinels: list[str] = field(default_factory=list)
    # B's own figures: people with a visit or attempt in B, by kind of count.
    b_reached: int = 0

    def username(self, who: str) -> str:
        return B_USERNAMES[who]


def _answers(text: str) -> dict:
    return {
        "da-nghe": Given(choices=("roi",)),
        "nguon": Given(choices=("loa",)),
        "hieu": Given(choices=("3",)),
        "so-lan": Given(number=2),
        "gop-y": Given(text=text),
    }


def _respond(person, unit_id: int, text: str):
    survey = Survey.query.filter_by(slug="y-kien").one()
    key = respondent_key(survey, person, f"device-{person.id}")
    submit_response(
        ResponseSubmission(
            survey=survey,
            version=survey.current_version,
            respondent_key=key,
            participant=person,
            unit_id=unit_id,
            poster_id=None,
            token=secrets.token_hex(16),
            answers=_answers(text),
        ),
        TODAY,
    )


def _report(commune_id: int, author: StaffUser, number: str):
    with tenancy.for_commune(commune_id):
        edits = half_year.ReportEdits(
            number=number,
            report_date=TODAY,
            results_text="Các thôn đã tích cực tuyên truyền.",
            difficulties="Sóng điện thoại yếu.",
            proposals="Đề nghị hỗ trợ loa.",
            signer_capacity="chairman",
            signer_name="Nông Văn Thắng",
            recipients="- Sở Khoa học và Công nghệ tỉnh Lạng Sơn;",
        )
        named = half_year.report_period("2026-H1")
        return half_year.create_report(named, edits, author.id, "Asia/Ho_Chi_Minh", TODAY)


def _staff(username: str, name: str, role: str, commune_id: int, unit=None, klass=None):
    user = staff_service.create_staff(username, name, PASSWORD, role, unit)
    if klass is not None:
        user.classes.append(klass)
    user.commune_id = commune_id
    return user


@pytest.fixture
def second_commune(app, world, staff, monkeypatch, _password_hash) -> SecondCommune:
    """Commune B beside the world's commune A (see the module's docstring)."""
    real_hash = passwords.hash_password
    ids = world["ids"]
    with monkeypatch.context() as patch, app.app_context():
        patch.setattr(
            passwords,
            "hash_password",
            lambda password: _password_hash if password == PASSWORD else real_hash(password),
        )
        # Commune A's own rows with sentinel texts: a survey answer, an activity, a report,
        # an audit event.
        admin_a = db.session.get(StaffUser, staff.admin)
        village_a = db.session.get(Unit, staff.village)
        mận, _ = create_participant(
            NewIdentity("Triệu Thị Mận", "villager", village_a.id, "30-44", False), "test"
        )
        _respond(mận, village_a.id, "Loa thôn Nà Pàn hỏng từ tháng trước")
        activity_a = activities.file_activity(
            village_a,
            kind="meeting",
            held_on=TODAY,
            title="Tọa đàm riêng ở nhà văn hóa Nà Pàn",
            people_reached=25,
            filed_by=admin_a,
            today=TODAY,
        )
        report_a = _report(staff.commune, admin_a, "77/BC-NAPAN")
        audit.record(admin_a, "person_exported", f"participant {ids['person_a']}", "10.0.0.7")

        # Commune B.
        commune = create_unit("commune", "Xã Tân Văn", target_population=800)
        village = create_unit("village", "Thôn Khuổi Phầy", commune, target_population=200)
        school = create_unit("school", "Trường TH Tân Văn", commune)
        klass = create_unit("class", "Lớp 5C", school, target_population=20)
        admin_b = _staff("admin.tanvan", "Văn phòng xã Tân Văn", "admin", commune.id)
        _staff("truong.khuoiphay", "Bà Nông Thị Lan", "officer", commune.id, unit=village)
        _staff("co.thuy", "Cô Hoàng Thị Thủy", "teacher", commune.id, klass=klass)
        # B's own issuer and signer (a new commune starts with none: no certificate without).
        settings.save_for(
            commune.id,
            {
                "issuer_name": "Ủy ban nhân dân xã Tân Văn",
                "certificate_signer_title": "TM. ỦY BAN NHÂN DÂN",
                "certificate_signer_name": "Lương Văn Khánh",
            },
        )
        database.commit()
        bich, _ = create_participant(
            NewIdentity("Nông Thị Bích", "villager", village.id, "30-44", False), "test"
        )
        cuong, cuong_token = create_participant(
            NewIdentity("Hứa Văn Cường", "student", klass.id, "16-29", False), "test"
        )
        survey = Survey.query.filter_by(slug="y-kien").one()
        poster = create_poster("Áp phích Khuổi Phầy", village, survey)
        _respond(bich, village.id, "Ý kiến của thôn Khuổi Phầy")
        made = gradebook_world.attempt(cuong, "bai-cua-xa", {"cau-1": "true", "cau-2": "true"})
        prefix = db.session.get(Commune, commune.id).serial_prefix
        cert = certificates.issue_for_attempt(made, prefix, "Asia/Ho_Chi_Minh")
        activity = activities.file_activity(
            village,
            kind="loudspeaker",
            held_on=TODAY,
            title="Phát thanh ở Khuổi Phầy",
            people_reached=40,
            filed_by=admin_b,
            today=TODAY,
        )
        report_b = _report(commune.id, admin_b, "12/BC-TANVAN")
        audit.record(admin_b, "person_exported", f"participant {bich.id}", "10.0.0.8")
        database.commit()

        a_certificates = Certificate.query.filter(
            Certificate.id.in_([ids["cert_a"], ids["cert_b"], ids["cert_v"]])
        ).all()
        a_posters = Poster.query.filter(Poster.unit_id.in_([staff.class_a, staff.class_b])).all()
        sentinels = [
            # people and accounts
            "Lò Thị An",
            "Vi Văn Bảo",
            "Hoàng Văn Vinh",
            "Hà Văn Thắng",
            "Triệu Thị Mận",
            "admin.xa",
            "co.hoa",
            "thay.binh",
            "truong.thon",
            "Cô Nguyễn Thị Hoa",
            "Thầy Lường Văn Bình",
            "Ông Hoàng Văn Pàn",
            # units and codes
            "Thôn Nà Pàn",
            "Lớp 7A",
            "Lớp 8B",
            "Trường THCS",
            staff.class_a_code,
            staff.class_b_code,
            *(ids[name] for name in ("poster_a", "poster_b", "poster_v")),
            *(p.code for p in a_posters),
            *(c.serial for c in a_certificates),
            *(c.verification_code for c in a_certificates),
            *(certificates.format_code(c.verification_code) for c in a_certificates),
            # free text, an activity, a report
            "Loa thôn Nà Pàn hỏng",
            "Tọa đàm riêng ở nhà văn hóa Nà Pàn",
            "77/BC-NAPAN",
            "10.0.0.7",
        ]
        found = SecondCommune(
            commune=commune.id,
            village=village.id,
            school=school.id,
            klass=klass.id,
            people={"Nông Thị Bích": bich.id, "Hứa Văn Cường": cuong.id},
            pupil_token=cuong_token,
            poster=poster.code,
            certificate=cert.id,
            report=report_b.id,
            activity=activity.id,
            a_report=report_a.id,
            a_activity=activity_a.id,
            a_sentinels=sentinels,
            b_reached=1,  # Bích (a survey answer counts as reach; a bare attempt does not)
        )
        assert report_a.commune_id == staff.commune and report_b.commune_id == commune.id
    return found
