"""The authorisation matrix: every staff route × every kind of visitor → the expected status.

The routes come from `app.url_map`, so a new staff route without a line in MATRIX fails
`test_every_staff_route_is_in_the_matrix`.
"""

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import gradebook_world
import openpyxl
import pytest
from conftest import FIXTURE_CONTENT, csrf_token
from pypdf import PdfReader

import database
from extensions import db
from models import (
    Activity,
    Attempt,
    AuditEvent,
    Certificate,
    HalfYearReport,
    Job,
    Participant,
    Quiz,
    RosterEntry,
    StaffUser,
    Survey,
    Unit,
)
from services.common.periods import Period
from services.content import authoring
from services.org import staff as staff_service
from services.org import tenancy
from services.participation import certificates
from services.participation.identity import NewIdentity, create_participant
from services.participation.posters import create_poster
from services.reporting import indicators

pytest_plugins = ["staff_fixtures", "second_commune"]

STAFF_PREFIXES = ("staff.", "reports.", "admin.", "auth.", "province.")
LOGIN = "login"  # a 302 to /staff/login
MISSING_ID = 987654


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the ids below: {class_a}, {person_b}, {user} …
    expect: dict  # actor → status (int), a set of allowed statuses, or LOGIN


PROVINCE_OFFICER = "so.khcn"  # the province office (Sở KH&CN): reads, never writes
A_ACTORS = ("anonymous", "participant", "teacher_a", "teacher_b", "officer", "admin", "province")
# The staff of another commune (tests/second_commune.py), each beside the one of commune A
# whose rights they have: their expectations are derived (cross_commune), never written.
ANALOG = {"admin_b": "admin", "officer_b": "officer", "teacher_b2": "teacher_b"}
B_ACTORS = tuple(ANALOG)
ACTORS = A_ACTORS + B_ACTORS


def outsiders(**staff) -> dict:
    """Anonymous visitors and participants are sent to the staff login; staff as given. The
    province office passes no commune page's role check (403) unless given."""
    return {"anonymous": LOGIN, "participant": LOGIN, "province": 403, **staff}


NO_ACTOR = outsiders(teacher_a=403, teacher_b=403, officer=403, admin=403)
PROVINCE_ONLY_200 = outsiders(teacher_a=403, teacher_b=403, officer=403, admin=403, province=200)
PROVINCE_ONLY_404 = outsiders(teacher_a=403, teacher_b=403, officer=403, admin=403, province=404)


EVERY_STAFF_200 = outsiders(teacher_a=200, teacher_b=200, officer=200, admin=200)
EVERY_STAFF_400 = outsiders(teacher_a=400, teacher_b=400, officer=400, admin=400)
ADMIN_ONLY_200 = outsiders(teacher_a=403, teacher_b=403, officer=403, admin=200)
ADMIN_ONLY_404 = outsiders(teacher_a=403, teacher_b=403, officer=403, admin=404)
# A unit, or a person in that unit, as each staff member may see it.
SEES_CLASS_A = outsiders(teacher_a=200, teacher_b=403, officer=403, admin=200)
SEES_CLASS_B = outsiders(teacher_a=403, teacher_b=200, officer=403, admin=200)
SEES_VILLAGE = outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200)
NOT_FOUND = outsiders(teacher_a=404, teacher_b=404, officer=404, admin=404)


def scoped(path: str, method: str = "GET", ok: object = 200, **overrides) -> list[Case]:
    """The same route on A's class, B's class, the officer's village and a missing id;
    `ok` is the answer for those who may see the unit."""

    def make(expect):
        return {**{k: (ok if v == 200 else v) for k, v in expect.items()}, **overrides}

    return [
        Case(method, path.format(id="{class_a}"), make(SEES_CLASS_A)),
        Case(method, path.format(id="{class_b}"), make(SEES_CLASS_B)),
        Case(method, path.format(id="{village}"), make(SEES_VILLAGE)),
        Case(method, path.format(id=MISSING_ID), make(NOT_FOUND)),
    ]


def people(path: str, method: str = "GET", status: object = 200) -> list[Case]:
    """The same route on a participant of A's class, of B's class, of the village, missing."""

    def swap(expect):
        return {k: (status if v == 200 else v) for k, v in expect.items()}

    return [
        Case(method, path.format(id="{person_a}"), swap(SEES_CLASS_A)),
        Case(method, path.format(id="{person_b}"), swap(SEES_CLASS_B)),
        Case(method, path.format(id="{person_v}"), swap(SEES_VILLAGE)),
        Case(method, path.format(id=MISSING_ID), NOT_FOUND),
    ]


def pupils(path: str, method: str = "GET", status: object = 200) -> list[Case]:
    """The same route on a roster entry of A's class, of B's class, and a missing one."""

    def swap(expect):
        return {k: (status if v == 200 else v) for k, v in expect.items()}

    return [
        Case(method, path.format(id="{entry_a}"), swap(SEES_CLASS_A)),
        Case(method, path.format(id="{entry_b}"), swap(SEES_CLASS_B)),
        Case(method, path.format(id=MISSING_ID), NOT_FOUND | {"officer": 403}),
    ]


def placed(path: str, method: str = "GET", ok: object = 200) -> list[Case]:
    """The same route on a poster in A's class, in B's class, in the village, and a missing
    code; `ok` is the answer for those who may see the poster's unit."""

    def swap(expect):
        return {k: (ok if v == 200 else v) for k, v in expect.items()}

    return [
        Case(method, path.format(code="{poster_a}"), swap(SEES_CLASS_A)),
        Case(method, path.format(code="{poster_b}"), swap(SEES_CLASS_B)),
        Case(method, path.format(code="{poster_v}"), swap(SEES_VILLAGE)),
        Case(method, path.format(code="ZZZZZZZ"), NOT_FOUND),
    ]


def held(path: str, method: str = "GET", ok: object = 200) -> list[Case]:
    """The same route on the certificate of a pupil of A's class, of B's class, of a villager,
    and a missing one (`{id}`); one outside one's people is "not found", as a missing one."""

    def swap(expect):
        return {
            k: (ok if v == 200 else 404 if v == 403 and k != "province" else v)
            for k, v in expect.items()
        }

    return [
        Case(method, path.format(id="{cert_a}"), swap(SEES_CLASS_A)),
        Case(method, path.format(id="{cert_b}"), swap(SEES_CLASS_B)),
        Case(method, path.format(id="{cert_v}"), swap(SEES_VILLAGE)),
        Case(method, path.format(id=MISSING_ID), NOT_FOUND),
    ]


AUTHORS_200 = outsiders(teacher_a=200, teacher_b=200, officer=403, admin=200)


def authored(path: str, method: str = "GET", ok: object = 200, **overrides) -> list[Case]:
    """The same authoring route on teacher A's topic, the commune's topic, a survey and a
    missing id (`{item}` in the path); `ok` is the answer for those who may edit the item."""

    def make(expect):
        return {**{k: (ok if v == 200 else v) for k, v in expect.items()}, **overrides}

    return [
        Case(method, path.format(item="topic/{topic_a}"), make(SEES_CLASS_A | {"officer": 403})),
        Case(method, path.format(item="topic/{topic_c}"), make(ADMIN_ONLY_200)),
        Case(method, path.format(item="survey/y-kien"), make(ADMIN_ONLY_200)),
        Case(
            method,
            path.format(item="topic/khong-co"),
            outsiders(teacher_a=404, teacher_b=404, officer=403, admin=404) | overrides,
        ),
    ]


def class_only(cases: list[Case], not_a_class: object) -> list[Case]:
    """Routes that exist only for classes: a village is "not found" to whoever may see it."""
    fixed = []
    for case in cases:
        if "{village}" in case.path:
            expect = {
                k: (v if v in (LOGIN, 403, 404) else not_a_class) for k, v in case.expect.items()
            }
            case = Case(case.method, case.path, expect)
        fixed.append(case)
    return fixed


# endpoint → every (method, URL) it answers, and what each actor must get.
# POSTs carry a valid CSRF token and no other form data: they must not act, only answer.
MATRIX: dict[str, list[Case]] = {
    "auth.login": [
        Case(
            "GET",
            "/staff/login",
            {"anonymous": 200, "participant": 200}
            | dict.fromkeys(("teacher_a", "teacher_b", "officer", "admin", "province"), 302),
        ),
        Case(
            "POST",
            "/staff/login",
            {"anonymous": 400, "participant": 400}
            | dict.fromkeys(("teacher_a", "teacher_b", "officer", "admin", "province"), 302),
        ),
    ],
    "auth.logout": [
        Case(
            "POST",
            "/staff/logout",
            outsiders(teacher_a=303, teacher_b=303, officer=303, admin=303, province=303),
        )
    ],
    "auth.second_factor": [  # no password given first: back to the login, whoever asks
        Case("GET", "/staff/login/code", dict.fromkeys(ACTORS, 303)),
        Case("POST", "/staff/login/code", dict.fromkeys(ACTORS, 303)),
    ],
    "auth.change_password": [
        Case("GET", "/staff/password", {**EVERY_STAFF_200, "province": 200}),
        Case("POST", "/staff/password", {**EVERY_STAFF_400, "province": 400}),
    ],
    # The province office is sent on to its communes.
    "staff.home": [Case("GET", "/staff/", {**EVERY_STAFF_200, "province": 303})],
    "province.dashboard": [
        Case("GET", "/staff/province/", PROVINCE_ONLY_200),
        Case("GET", "/staff/province/?period=2026-H3", {**PROVINCE_ONLY_200, "province": 400}),
    ],
    "province.commune": [
        Case("GET", "/staff/province/communes/{commune}", PROVINCE_ONLY_200),
        Case("GET", "/staff/province/communes/{village}", {**PROVINCE_ONLY_200, "province": 404}),
        Case(
            "GET", f"/staff/province/communes/{MISSING_ID}", {**PROVINCE_ONLY_200, "province": 404}
        ),
    ],
    "province.summary_xlsx": [Case("GET", "/staff/province/summary.xlsx", PROVINCE_ONLY_200)],
    "province.summary_pdf": [Case("GET", "/staff/province/summary.pdf", PROVINCE_ONLY_200)],
    "province.submissions_list": [
        Case("GET", "/staff/province/submissions", PROVINCE_ONLY_200),
        Case("GET", "/staff/province/submissions?period=2026-H1", PROVINCE_ONLY_200),
    ],
    "province.submission_pdf": [
        Case("GET", f"/staff/province/submissions/{MISSING_ID}.pdf", PROVINCE_ONLY_404)
    ],
    "province.receive": [
        Case("POST", f"/staff/province/submissions/{MISSING_ID}/receive", PROVINCE_ONLY_404)
    ],
    # Only the province admin onboards a commune (tests/test_province_onboarding.py): no
    # actor of the matrix may.
    "province.new_commune": [Case("GET", "/staff/province/communes/new", NO_ACTOR)],
    "province.add_commune": [Case("POST", "/staff/province/communes/new", NO_ACTOR)],
    "staff.new_class": [
        Case(
            "GET",
            "/staff/classes/new",
            outsiders(teacher_a=200, teacher_b=200, officer=403, admin=200),
        ),
        Case(
            "POST",
            "/staff/classes/new",
            outsiders(teacher_a=400, teacher_b=400, officer=403, admin=400),
        ),
    ],
    "staff.unit": scoped("/staff/units/{id}"),
    "staff.join_qr": class_only(scoped("/staff/units/{id}/join-qr.svg"), 404)
    + class_only(scoped("/staff/units/{id}/join-qr.png"), 404)
    + [
        Case(
            "GET",
            "/staff/units/{class_a}/join-qr.gif",
            {**SEES_CLASS_A, "teacher_a": 404, "admin": 404},
        ),
    ],
    # Without a file the import only says "choose a file" (303), and changes nothing.
    "staff.join_sheet": class_only(scoped("/staff/units/{id}/join-sheet.pdf"), 404),
    "staff.import_roster": class_only(
        scoped("/staff/units/{id}/roster", "POST", ok=303, officer=403), 404
    ),
    # A pupil on a class list: teachers of the class and the admin; officers never.
    "staff.roster_entry": pupils("/staff/roster/{id}"),
    # Without a name, a class or the ticked confirmation nothing changes.
    "staff.correct_roster_entry": pupils("/staff/roster/{id}", "POST", status=400),
    "staff.move_roster_entry": pupils("/staff/roster/{id}/move", "POST", status=400),
    "staff.remove_roster_entry": pupils("/staff/roster/{id}/remove", "POST", status=400),
    # Without form data nothing is given (400); officers never give class work.
    "staff.new_assignment": class_only(
        scoped("/staff/units/{id}/assignments/new", officer=403), 404
    )
    + class_only(scoped("/staff/units/{id}/assignments/new", "POST", ok=400, officer=403), 404),
    "staff.delete_assignment": [
        Case(
            "POST",
            f"/staff/units/{{class_a}}/assignments/{MISSING_ID}/delete",
            {**SEES_CLASS_A, "teacher_a": 404, "admin": 404},
        ),
        Case(
            "POST",
            f"/staff/units/{{class_b}}/assignments/{MISSING_ID}/delete",
            {**SEES_CLASS_B, "teacher_b": 404, "admin": 404},
        ),
    ],
    "staff.export_person": people("/staff/people/{id}/export.json")
    + people("/staff/people/{id}/export.csv")
    + [
        Case(
            "GET",
            "/staff/people/{person_a}/export.xml",
            {**SEES_CLASS_A, "teacher_a": 404, "admin": 404},
        )
    ],
    "staff.delete_person": people("/staff/people/{id}/delete")
    # Without the typed confirmation nothing is deleted.
    + people("/staff/people/{id}/delete", "POST", status=400),
    "staff.certificates_page": [
        Case("GET", "/staff/certificates", EVERY_STAFF_200),
        Case("GET", "/staff/certificates?unit={class_b}&name=vi", SEES_CLASS_B),
    ],
    "staff.certificate_page": held("/staff/certificates/{id}"),
    "staff.certificate_pdf": held("/staff/certificates/{id}/certificate.pdf"),
    # Without a reason (and the ticked confirmation), or a name, nothing is revoked or re-issued.
    "staff.revoke_certificate": held("/staff/certificates/{id}/revoke", "POST", ok=400),
    "staff.reissue_certificate": held("/staff/certificates/{id}/reissue", "POST", ok=400),
    "staff.class_certificates_pdf": [
        Case("GET", "/staff/certificates/class.pdf", EVERY_STAFF_400),
        Case(
            "GET",
            "/staff/certificates/class.pdf?unit={class_a}&achievement=quiz:{quiz_c}",
            SEES_CLASS_A,
        ),
    ],
    "reports.unit_report_page": scoped("/staff/units/{id}/report"),
    "reports.unit_report_download": scoped("/staff/units/{id}/report.csv")
    + scoped("/staff/units/{id}/report.xlsx")
    + scoped("/staff/units/{id}/report.pdf")
    + [
        Case("GET", "/staff/units/{class_a}/report.csv?table=items", SEES_CLASS_A),
        Case("GET", "/staff/units/{class_b}/report.csv?table=quizzes", SEES_CLASS_B),
        Case(
            "GET",
            "/staff/units/{class_a}/report.doc",
            NOT_FOUND,  # an unknown format is refused before the unit is looked at
        ),
    ],
    "reports.item_analysis": scoped("/staff/units/{id}/items"),
    "reports.posters": [
        Case("GET", "/staff/posters", EVERY_STAFF_200),
        Case("GET", "/staff/posters?code={poster_a}", EVERY_STAFF_200),  # others see none
    ],
    # A batch: without the form's fields nothing is made; units not one's own are refused
    # (tests/test_poster_batches.py).
    "reports.new_posters": [
        Case("GET", "/staff/posters/new", EVERY_STAFF_200),
        Case("POST", "/staff/posters/new", EVERY_STAFF_400),
    ],
    "reports.print_posters": [
        *placed("/staff/posters/print.pdf?code={code}&size=A5"),
        Case("GET", "/staff/posters/print.pdf", EVERY_STAFF_400),
    ],
    "reports.poster_page": placed("/staff/posters/{code}"),
    # Without the fields nothing is changed or retired.
    "reports.poster_location": placed("/staff/posters/{code}/location", "POST", ok=400),
    "reports.retire_poster": placed("/staff/posters/{code}/retire", "POST", ok=400),
    "reports.gradebook": class_only(scoped("/staff/units/{id}/gradebook"), 404),
    "reports.gradebook_download": class_only(scoped("/staff/units/{id}/gradebook.csv"), 404)
    + class_only(scoped("/staff/units/{id}/gradebook.xlsx"), 404)
    + class_only(scoped("/staff/units/{id}/gradebook.pdf"), 404)
    + [
        Case(
            "GET",
            "/staff/units/{class_a}/gradebook.doc",
            {**SEES_CLASS_A, "teacher_a": 404, "admin": 404},
        )
    ],
    "reports.gradebook_pupil": [
        Case("GET", "/staff/units/{class_a}/gradebook/{person_a}", SEES_CLASS_A),
        Case("GET", "/staff/units/{class_b}/gradebook/{person_b}", SEES_CLASS_B),
        # A pupil of another class is not in this class's gradebook.
        Case(
            "GET",
            "/staff/units/{class_a}/gradebook/{person_b}",
            {**SEES_CLASS_A, "teacher_a": 404, "admin": 404},
        ),
        Case(
            "GET",
            f"/staff/units/{{class_a}}/gradebook/{MISSING_ID}",
            {**SEES_CLASS_A, "teacher_a": 404, "admin": 404},
        ),
    ],
    "admin.users": [Case("GET", "/staff/admin/users", ADMIN_ONLY_200)],
    "admin.new_user": [
        Case("GET", "/staff/admin/users/new", ADMIN_ONLY_200),
        Case("POST", "/staff/admin/users/new", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "admin.edit_user": [
        Case("GET", "/staff/admin/users/{user}", ADMIN_ONLY_200),
        Case("GET", f"/staff/admin/users/{MISSING_ID}", ADMIN_ONLY_404),
        Case("POST", "/staff/admin/users/{user}", {**ADMIN_ONLY_200, "admin": 400}),
        Case("POST", f"/staff/admin/users/{MISSING_ID}", ADMIN_ONLY_404),
    ],
    "admin.audit_log": [Case("GET", "/staff/admin/audit", ADMIN_ONLY_200)],
    "admin.audit_export": [
        Case("GET", "/staff/admin/audit.csv", ADMIN_ONLY_200),
        Case("GET", "/staff/admin/audit.xlsx", ADMIN_ONLY_200),
        Case("GET", "/staff/admin/audit.pdf", ADMIN_ONLY_404),
    ],
    "admin.settings": [
        Case("GET", "/staff/admin/settings", ADMIN_ONLY_200),
        Case("POST", "/staff/admin/settings", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "admin.targets": [
        Case("GET", "/staff/admin/targets", ADMIN_ONLY_200),
        Case("POST", "/staff/admin/targets", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "admin.edit_target": [
        Case("GET", f"/staff/admin/targets/{MISSING_ID}", ADMIN_ONLY_404),
        Case("POST", f"/staff/admin/targets/{MISSING_ID}", ADMIN_ONLY_404),
    ],
    "halfyear.index": [
        Case("GET", "/staff/half-year/", ADMIN_ONLY_200),
        Case("POST", "/staff/half-year/", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "halfyear.edit": [
        Case("GET", f"/staff/half-year/{MISSING_ID}", ADMIN_ONLY_404),
        Case("POST", f"/staff/half-year/{MISSING_ID}", ADMIN_ONLY_404),
    ],
    "halfyear.pdf": [Case("GET", f"/staff/half-year/{MISSING_ID}.pdf", ADMIN_ONLY_404)],
    "halfyear.annex": [Case("GET", f"/staff/half-year/{MISSING_ID}-phu-luc.xlsx", ADMIN_ONLY_404)],
    "halfyear.submit": [Case("POST", f"/staff/half-year/{MISSING_ID}/submit", ADMIN_ONLY_404)],
    "halfyear.correct": [Case("POST", f"/staff/half-year/{MISSING_ID}/correct", ADMIN_ONLY_404)],
    "halfyear.sent_pdf": [Case("GET", f"/staff/half-year/sent/{MISSING_ID}.pdf", ADMIN_ONLY_404)],
    "science.tasks": [
        Case("GET", "/staff/admin/science-tasks", ADMIN_ONLY_200),
        # Without the form's fields nothing is added.
        Case("POST", "/staff/admin/science-tasks", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "science.edit_task": [
        Case("GET", f"/staff/admin/science-tasks/{MISSING_ID}", ADMIN_ONLY_404),
        Case("POST", f"/staff/admin/science-tasks/{MISSING_ID}", ADMIN_ONLY_404),
    ],
    "recognition.index": [
        Case(
            "GET",
            "/staff/recognition/",
            outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200),
        ),
        Case(
            "GET",
            "/staff/recognition/?period=2026-H1",
            outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200),
        ),
    ],
    # Without the form's fields nobody is nominated.
    "recognition.nominate": [
        Case("POST", "/staff/recognition/nominate", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "recognition.remove": [
        Case("POST", f"/staff/recognition/nominations/{MISSING_ID}/remove", ADMIN_ONLY_404),
    ],
    "recognition.download": [
        Case("GET", "/staff/recognition/nominations.xlsx?period=2026-H1", ADMIN_ONLY_200),
        Case("GET", "/staff/recognition/nominations.pdf?period=2026-H1", ADMIN_ONLY_200),
        Case(
            "GET",
            "/staff/recognition/nominations.csv?period=2026-H1",
            {**ADMIN_ONLY_200, "admin": 404},
        ),
    ],
    "units.index": [
        Case("GET", "/staff/admin/units/", ADMIN_ONLY_200),
        Case("POST", "/staff/admin/units/", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "units.edit": [
        Case("GET", "/staff/admin/units/{village}", ADMIN_ONLY_200),
        Case("GET", f"/staff/admin/units/{MISSING_ID}", ADMIN_ONLY_404),
        Case("POST", "/staff/admin/units/{village}", {**ADMIN_ONLY_200, "admin": 400}),
        Case("POST", f"/staff/admin/units/{MISSING_ID}", ADMIN_ONLY_404),
    ],
    "units.import_units": [
        Case("POST", "/staff/admin/units/import", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "indicators.export": [
        Case(
            "GET",
            "/staff/indicators/export.xlsx",
            outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200),
        ),
    ],
    "indicators.dashboard": [
        Case(
            "GET",
            "/staff/indicators/",
            outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200),
        ),
        Case(
            "GET",
            "/staff/indicators/?period=2026-H1",
            outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200),
        ),
    ],
    "activities.index": [
        Case(
            "GET",
            "/staff/activities/",
            outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200),
        ),
        Case(
            "GET",
            "/staff/activities/?period=2026-H1",
            outsiders(teacher_a=403, teacher_b=403, officer=200, admin=200),
        ),
        # Without the form's fields nothing is filed.
        Case(
            "POST",
            "/staff/activities/",
            outsiders(teacher_a=403, teacher_b=403, officer=400, admin=400),
        ),
    ],
    "activities.delete": [
        Case(
            "POST",
            f"/staff/activities/{MISSING_ID}/delete",
            outsiders(teacher_a=403, teacher_b=403, officer=404, admin=404),
        ),
    ],
    "survey_results.index": [Case("GET", "/staff/surveys/", EVERY_STAFF_200)],
    # Results over everything the user may see, or one unit of it (?unit=); unknown survey: 404.
    "survey_results.results": [
        Case("GET", "/staff/surveys/y-kien", EVERY_STAFF_200),
        Case("GET", "/staff/surveys/an-danh?from=2026-01-01&to=2026-06-05", EVERY_STAFF_200),
        Case("GET", "/staff/surveys/khong-co", NOT_FOUND),
        *scoped("/staff/surveys/y-kien?unit={id}"),
    ],
    "survey_results.export": [
        Case("GET", "/staff/surveys/y-kien/export.csv", EVERY_STAFF_200),
        Case("GET", "/staff/surveys/an-danh/export.xlsx", EVERY_STAFF_200),
        Case("GET", "/staff/surveys/khong-co/export.csv", NOT_FOUND),
        Case("GET", "/staff/surveys/y-kien/export.pdf", NOT_FOUND),
        *scoped("/staff/surveys/y-kien/export.csv?unit={id}"),
        *scoped("/staff/surveys/an-danh/export.xlsx?unit={id}"),
    ],
    # Prepared exports: one's own list; a file only for its requester or an admin, else 404
    # (tests/test_export_jobs.py downloads a real one as each of them).
    "jobs.index": [Case("GET", "/staff/exports/", EVERY_STAFF_200)],
    "jobs.download": [Case("GET", f"/staff/exports/{MISSING_ID}/download", NOT_FOUND)],
    # Uploads: admins and teachers (a teacher writes quizzes for their classes); a bare POST
    # has no file (400).
    "content_files.library": [
        Case(
            "GET", "/staff/media", outsiders(teacher_a=200, teacher_b=200, officer=403, admin=200)
        ),
        Case(
            "POST", "/staff/media", outsiders(teacher_a=400, teacher_b=400, officer=403, admin=400)
        ),
    ],
    "content_files.transfer": [Case("GET", "/staff/content-files/", ADMIN_ONLY_200)],
    "content_files.export_one": [
        Case("GET", "/staff/content-files/export/topic/khong-co.yaml", ADMIN_ONLY_404),
        Case("GET", "/staff/content-files/export/survey/khong-co.yaml", ADMIN_ONLY_404),
        Case("GET", "/staff/content-files/export/lesson/an-toan.yaml", ADMIN_ONLY_404),
    ],
    "content_files.export_all": [Case("GET", "/staff/content-files/export.zip", ADMIN_ONLY_200)],
    "content_files.import_files": [
        Case("POST", "/staff/content-files/import", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "activities.edit": [
        Case(
            "GET",
            f"/staff/activities/{MISSING_ID}/edit",
            outsiders(teacher_a=403, teacher_b=403, officer=404, admin=404),
        ),
        Case(
            "POST",
            f"/staff/activities/{MISSING_ID}/edit",
            outsiders(teacher_a=403, teacher_b=403, officer=404, admin=404),
        ),
    ],
    "activities.add_evidence": [
        Case(
            "POST",
            f"/staff/activities/{MISSING_ID}/evidence",
            outsiders(teacher_a=403, teacher_b=403, officer=404, admin=404),
        ),
    ],
    "activities.evidence_file": [
        Case(
            "GET",
            f"/staff/activities/{MISSING_ID}/evidence/{MISSING_ID}",
            outsiders(teacher_a=403, teacher_b=403, officer=404, admin=404),
        ),
    ],
    "activities.remove_evidence": [
        Case(
            "POST",
            f"/staff/activities/{MISSING_ID}/evidence/{MISSING_ID}/delete",
            outsiders(teacher_a=403, teacher_b=403, officer=404, admin=404),
        ),
    ],
    "activities.status": [
        Case("GET", "/staff/activities/status", ADMIN_ONLY_200),
        Case("GET", "/staff/activities/status?period=2026-H1", ADMIN_ONLY_200),
    ],
    # Authoring: admins everything; a teacher only their own topics (not the commune's, not
    # surveys). Bare POSTs lack the editor's action, the page's state or the form's fields:
    # they answer 400 and change nothing.
    "authoring.index": [Case("GET", "/staff/content/", AUTHORS_200)],
    "authoring.new": [
        Case("GET", "/staff/content/topic/new", AUTHORS_200),
        Case("GET", "/staff/content/survey/new", ADMIN_ONLY_200),
        Case(
            "POST",
            "/staff/content/topic/new",
            outsiders(teacher_a=400, teacher_b=400, officer=403, admin=400),
        ),
        Case("POST", "/staff/content/survey/new", {**ADMIN_ONLY_200, "admin": 400}),
    ],
    "authoring.item": authored("/staff/content/{item}"),
    "authoring.edit": authored("/staff/content/{item}/edit")
    + authored("/staff/content/{item}/edit", "POST", ok=400),
    "authoring.translations": authored("/staff/content/{item}/translations/en")
    + authored("/staff/content/{item}/translations/nun", "POST", ok=400),
    "authoring.preview": authored("/staff/content/{item}/preview"),
    "authoring.history": authored("/staff/content/{item}/history"),
    "authoring.poster": authored("/staff/content/{item}/poster")
    + authored("/staff/content/{item}/poster", "POST", ok=400),
    "authoring.publish": authored("/staff/content/{item}/publish", "POST", ok=400),
    "authoring.withdraw": authored("/staff/content/{item}/withdraw", "POST", ok=400),
    "authoring.discard": authored("/staff/content/{item}/discard", "POST", ok=400),
    "authoring.promote": authored(
        "/staff/content/{item}/promote", "POST", ok=400, teacher_a=403, teacher_b=403
    ),
    # Topics only (a survey has no lesson to read aloud: no such route).
    "authoring.record_audio": [
        case
        for case in authored("/staff/content/{item}/audio", "POST", ok=400)
        if "/survey/" not in case.path
    ],
}


# What names one of commune A's own rows in a case's path: to another commune's staff it
# does not exist.
A_OBJECTS = ("{class_", "{village}", "{person_", "{entry_", "{poster_", "{cert_", "{user}")
# A's own topics, written in the browser by its staff: a commune's own content (the bundled
# ones are the province's, shared).
A_OBJECTS += ("{topic_a}", "{topic_c}")
# Cases whose A row is only a search term of a list page (no row named: nothing listed).
SEARCHES = {("reports.posters", "/staff/posters?code={poster_a}")}


def cross_commune(matrix: dict[str, list[Case]]) -> dict[str, list[Case]]:
    """Every case also for B's staff: on a path naming A's row, what a missing row gets (404);
    where the same role in A is refused on every case of the endpoint, that refusal may come
    before the lookup (403) or after it (404); on any other path, what the same role in A
    gets."""
    derived = {}
    for endpoint, cases in matrix.items():
        refused = {
            b: all(case.expect[a] in (403, LOGIN) for case in cases) for b, a in ANALOG.items()
        }
        derived[endpoint] = []
        for case in cases:
            names_a_row = any(name in case.path for name in A_OBJECTS)
            names_a_row = names_a_row and (endpoint, case.path) not in SEARCHES
            expect = dict(case.expect)
            for b, a in ANALOG.items():
                same = case.expect[a]
                if not names_a_row or same == LOGIN:
                    expect[b] = same
                else:
                    expect[b] = {403, 404} if refused[b] else 404
            derived[endpoint].append(Case(case.method, case.path, expect))
    return derived


MATRIX = cross_commune(MATRIX)


def staff_rules(app) -> dict[str, set[str]]:
    """Every staff endpoint with the methods it answers (HEAD and OPTIONS are implied)."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        # By path, so that a new staff blueprint cannot slip past the matrix.
        if rule.rule.startswith("/staff") or rule.endpoint.startswith(STAFF_PREFIXES):
            found.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_every_staff_route_is_in_the_matrix(app):
    rules = staff_rules(app)
    assert rules, "no staff routes found"
    missing = sorted(set(rules) - set(MATRIX))
    assert not missing, f"staff routes without a line in the authorisation MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(rules))
    assert not stale, f"MATRIX lines for routes that no longer exist: {stale}"
    for endpoint, methods in rules.items():
        covered = {case.method for case in MATRIX[endpoint]}
        assert methods <= covered, f"{endpoint}: methods {methods - covered} not in the MATRIX"
    for endpoint, cases in MATRIX.items():
        for case in cases:
            assert set(case.expect) == set(ACTORS), f"{endpoint} {case.path}: every actor"


def test_the_matrix_paths_reach_their_endpoint(app):
    """Each case's URL really is served by the endpoint it is filed under."""
    keys = ("class_a", "class_b", "village", "person_a", "person_b", "person_v", "user", "commune")
    ids = dict.fromkeys(
        (*keys, "entry_a", "entry_b", "cert_a", "cert_b", "cert_v", "quiz_c"), 1
    ) | {
        "topic_a": "bai-lop-7a",
        "topic_c": "bai-cua-xa",
    }
    ids |= dict.fromkeys(("poster_a", "poster_b", "poster_v"), "ABCDEFG")
    adapter = app.url_map.bind("localhost")
    for endpoint, cases in MATRIX.items():
        for case in cases:
            path = urlsplit(case.path.format(**ids)).path
            matched, _args = adapter.match(path, method=case.method)
            assert matched == endpoint, (endpoint, case.path)


@pytest.fixture
def world(app, staff, participant_in_db, surveys):
    """Ids for the matrix: the staff world plus one participant in each unit that matters,
    and the fixture surveys."""
    person_a, _ = participant_in_db("Lò Thị An", role="student", unit="class", age="16-29")
    person_v, visitor_token = participant_in_db("Hoàng Văn Vinh")
    with app.app_context():
        person_b, _ = create_participant(
            NewIdentity("Vi Văn Bảo", "student", staff.class_b, "16-29", False), "test"
        )
        database.commit()
        person_b = person_b.id
        topic_a = _published_topic("bai-lop-7a", db.session.get(StaffUser, staff.teacher_a))
        topic_c = _published_topic("bai-cua-xa", db.session.get(StaffUser, staff.admin))
        entry_a, entry_b = (
            RosterEntry(unit_id=unit, name="Hà Văn Thắng", list_number=1)
            for unit in (staff.class_a, staff.class_b)
        )
        db.session.add_all([entry_a, entry_b])
        survey = Survey.query.filter_by(slug="y-kien").one()
        poster_codes = {
            name: create_poster(f"Áp phích {name}", db.session.get(Unit, unit_id), survey).code
            for name, unit_id in (
                ("poster_a", staff.class_a),
                ("poster_b", staff.class_b),
                ("poster_v", staff.village),
            )
        }
        staff_service.create_staff(
            PROVINCE_OFFICER, "Sở Khoa học và Công nghệ", staff.password, "province_officer"
        )
        database.commit()
        entry_a, entry_b = entry_a.id, entry_b.id
        quiz_c = Quiz.query.filter_by(slug="bai-cua-xa").one().id
        held_ids = {
            name: _certificate(person_id, "bai-cua-xa")
            for name, person_id in (
                ("cert_a", person_a),
                ("cert_b", person_b),
                ("cert_v", person_v),
            )
        }
        database.commit()
    return {
        "ids": {
            "class_a": staff.class_a,
            "class_b": staff.class_b,
            "village": staff.village,
            "commune": staff.commune,
            "person_a": person_a,
            "person_b": person_b,
            "person_v": person_v,
            "user": staff.teacher_b,
            "topic_a": topic_a,
            "topic_c": topic_c,
            "entry_a": entry_a,
            "entry_b": entry_b,
            **poster_codes,
            **held_ids,
            "quiz_c": quiz_c,
        },
        "visitor_token": visitor_token,
    }


def _certificate(person_id: int, slug: str) -> int:
    """The certificate of a pass of the topic's quiz by this participant."""
    made = gradebook_world.attempt(
        db.session.get(Participant, person_id), slug, {"cau-1": "true", "cau-2": "true"}
    )
    return certificates.issue_for_attempt(made, "HVT", "Asia/Ho_Chi_Minh").id


def _published_topic(slug: str, owner: StaffUser) -> str:
    """A two-question topic written in the browser by `owner` and published."""
    question = {"type": "true_false", "text": "Đúng không?", "answer": True, "explanation": "Vì."}
    data = {
        "kind": "topic",
        "id": slug,
        "title": f"Bài {slug}",
        "summary": "Bài thử.",
        "topic": "Thử",
        "audience": ["student"],
        "minutes": 3,
        "facts_checked": "2026-11-20",
        "sources": ["Giáo viên"],
        "lesson": {"body": "Nội dung."},
        "quiz": {
            "pass_mark": 50,
            "max_attempts": 0,
            "questions": [{"id": "cau-1", **question}, {"id": "cau-2", **question}],
        },
    }
    item = authoring.create("topic", data, owner)
    authoring.publish(item, owner, FIXTURE_CONTENT)
    return slug


def _client_for(app, actor: str, world, login, request=None):
    client = app.test_client()
    if actor in B_ACTORS:
        login(client, request.getfixturevalue("second_commune").username(actor))
    elif actor == "participant":
        client.set_cookie(app.config["PARTICIPANT_COOKIE"], world["visitor_token"])
        assert "Hoàng Văn Vinh" in client.get("/").get_data(as_text=True)
    elif actor == "province":
        login(client, PROVINCE_OFFICER)
    elif actor != "anonymous":
        login(client, actor)
    return client


def _token(client, actor: str) -> str:
    pages = {"anonymous": "/staff/login", "participant": "/staff/login"}
    page = pages.get(actor, "/staff/province/" if actor == "province" else "/staff/")
    return csrf_token(client.get(page).get_data(as_text=True))


def _status_ok(response, expected) -> bool:
    if expected == LOGIN:
        return (
            response.status_code == 302
            and urlsplit(response.headers["Location"]).path == "/staff/login"
        )
    if isinstance(expected, set):
        return response.status_code in expected
    return response.status_code == expected


def _ordered(actor: str) -> list[tuple[str, Case]]:
    """Every case; the logout last, since it ends the session the others use."""
    cases = [(endpoint, case) for endpoint, items in MATRIX.items() for case in items]
    return sorted(cases, key=lambda item: item[0] == "auth.logout")


@pytest.mark.parametrize("actor", ACTORS)
def test_authorisation_matrix(app, world, login, actor, request):
    client = _client_for(app, actor, world, login, request)
    token = _token(client, actor)
    with app.app_context():
        before = (
            Participant.query.count(),
            Attempt.query.count(),
            StaffUser.query.count(),
            RosterEntry.query.count(),
            Certificate.query.filter(
                Certificate.revoked_at.isnot(None) | Certificate.replaced_by_id.isnot(None)
            ).count(),
        )
    wrong = []
    for endpoint, case in _ordered(actor):
        url = case.path.format(**world["ids"])
        expected = case.expect[actor]
        if case.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        if not _status_ok(response, expected):
            where = response.headers.get("Location", "")
            wrong.append(
                f"{actor}: {case.method} {url} ({endpoint}) → {response.status_code} {where}"
                f" expected {expected}"
            )
        elif response.status_code >= 400:
            assert "Traceback" not in response.get_data(as_text=True)
    assert not wrong, "\n".join(wrong)
    with app.app_context():
        # The bare POSTs changed nothing.
        after = (
            Participant.query.count(),
            Attempt.query.count(),
            StaffUser.query.count(),
            RosterEntry.query.count(),
            Certificate.query.filter(
                Certificate.revoked_at.isnot(None) | Certificate.replaced_by_id.isnot(None)
            ).count(),
        )
        assert after == before
        assert db.session.get(StaffUser, world["ids"]["user"]).display_name == (
            "Thầy Lường Văn Bình"
        )


@pytest.mark.parametrize("actor", ["teacher_b", "officer"])
def test_refused_exports_are_not_audited_as_exports(app, world, login, actor):
    """A 403 on someone else's student records no export and leaks no name."""
    client = _client_for(app, actor, world, login)
    response = client.get(f"/staff/people/{world['ids']['person_a']}/export.json")
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "Lò Thị An" not in body
    assert "Bạn không có quyền xem trang này." in body
    with app.app_context():
        assert AuditEvent.query.filter_by(action="person_exported").count() == 0


def test_a_teacher_cannot_report_on_the_school_to_see_other_classes(app, world, login):
    """The school is above the class: it is outside a teacher's classes (403)."""
    client = _client_for(app, "teacher_a", world, login)
    with app.app_context():
        school = db.session.get(Unit, world["ids"]["class_a"]).parent_id
    assert client.get(f"/staff/units/{school}/report").status_code == 403
    assert client.get(f"/staff/units/{school}/report.csv").status_code == 403


def test_an_officer_sees_the_units_below_theirs(app, world, staff, login):
    """The officer of the commune (the root) sees every class below it."""
    with app.app_context():
        commune = db.session.get(Unit, staff.commune)
        staff_service.create_staff("can.bo.xa", "Cán bộ xã", staff.password, "officer", commune)
        database.commit()
    client = app.test_client()
    login(client, "can.bo.xa")
    for unit in ("class_a", "class_b", "village"):
        assert client.get(f"/staff/units/{world['ids'][unit]}/report").status_code == 200
    report = client.get(f"/staff/units/{staff.commune}/report").get_data(as_text=True)
    assert "Lò Thị An" in report and "Vi Văn Bảo" in report and "Hoàng Văn Vinh" in report
    # The village officer's commune report is refused: the commune is above the village.
    officer = _client_for(app, "officer", world, login)
    assert officer.get(f"/staff/units/{staff.commune}/report").status_code == 403


# --- two communes: nothing of A's reaches B's staff ---------------------------------------

# Pages that list or count, beyond the matrix's own URLs (the matrix names them already; kept
# here so that a page of lists is checked even if its matrix line changes).
INDEX_PAGES = (
    "/staff/",
    "/staff/certificates",
    "/staff/posters",
    "/staff/admin/users",
    "/staff/admin/audit",
    "/staff/admin/audit.csv",
    "/staff/admin/audit.xlsx",
    "/staff/indicators/",
    "/staff/indicators/export.xlsx",
    "/staff/activities/",
    "/staff/activities/status",
    "/staff/half-year/",
    "/staff/recognition/",
    "/staff/recognition/nominations.xlsx?period=2026-H1",
    "/staff/recognition/nominations.pdf?period=2026-H1",
    "/staff/surveys/",
    "/staff/surveys/y-kien",
    "/staff/surveys/y-kien/export.csv",
    "/staff/surveys/y-kien/export.xlsx",
    "/staff/admin/units/",
    "/staff/exports/",
    "/staff/media",
    "/staff/content/",
)


def body_text(response) -> str:
    """What a reader of the response sees: HTML, CSV (with BOM), JSON and SVG as text; XLSX
    cell by cell (openpyxl); PDF page by page (pypdf); a ZIP member by member."""
    data = response.get_data()
    kind = response.mimetype or ""
    if kind == "application/pdf":
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join([*cells, *book.sheetnames])
    if kind == "application/zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    if kind.startswith("image/") and kind != "image/svg+xml":
        return ""
    return data.decode("utf-8-sig", "replace")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.mark.parametrize("actor", B_ACTORS)
def test_zero_leaks(app, world, second_commune, login, actor):
    """Another commune's staff GET every matrix URL (on A's rows and their own index pages)
    and every list page: no name, username, unit, code, serial, free text or activity of
    commune A appears in any page, export or PDF."""
    client = app.test_client()
    login(client, second_commune.username(actor))
    urls = {
        case.path.format(**world["ids"])
        for cases in MATRIX.values()
        for case in cases
        if case.method == "GET"
    } | set(INDEX_PAGES)
    sentinels = [_nfc(s) for s in second_commune.a_sentinels]
    leaks, read = [], 0
    for url in sorted(urls):
        response = client.get(url)
        if response.status_code >= 500:
            leaks.append(f"{url}: {response.status_code}")
            continue
        text = _nfc(body_text(response))
        read += response.status_code == 200
        # A code the URL itself names may be said back ("no poster ABC1234"): not a leak.
        shown = [s for s in sentinels if s in text and s not in url]
        leaks += [f"{url} ({response.status_code}) shows {s!r}" for s in shown]
    assert not leaks, "\n".join(leaks)
    assert read >= 10  # the pages were read, not refused


def test_the_other_communes_staff_see_their_own(app, world, second_commune, login):
    """B's admin sees B's people, units, activity and report: the pages that show A nothing
    are not simply empty."""
    client = app.test_client()
    login(client, second_commune.username("admin_b"))
    units = client.get("/staff/admin/units/").get_data(as_text=True)
    assert "Thôn Khuổi Phầy" in units and "Lớp 5C" in units
    report = client.get(f"/staff/units/{second_commune.village}/report").get_data(as_text=True)
    assert "Nông Thị Bích" in report
    activities_page = client.get("/staff/activities/?period=2026-H1").get_data(as_text=True)
    assert "Phát thanh ở Khuổi Phầy" in activities_page
    half_year_page = client.get("/staff/half-year/").get_data(as_text=True)
    assert "12/BC-TANVAN" in half_year_page
    answers = client.get("/staff/surveys/y-kien").get_data(as_text=True)
    assert "Ý kiến của thôn Khuổi Phầy" in answers
    certificate = client.get(f"/staff/certificates/{second_commune.certificate}")
    assert certificate.status_code == 200
    assert "Hứa Văn Cường" in certificate.get_data(as_text=True)
    poster = client.get(f"/staff/posters/{second_commune.poster}")
    assert poster.status_code == 200


def test_an_export_job_is_made_in_its_requesters_commune(
    app, world, second_commune, login, monkeypatch, tmp_path
):
    """B's admin's big export is made by the worker (no request, every commune otherwise) in
    B's scope: the file holds none of A's rows, and A's admin cannot take it."""
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setitem(app.config, "EXPORT_JOB_MIN_ROWS", 0)
    client = app.test_client()
    login(client, second_commune.username("admin_b"))
    assert client.get("/staff/admin/audit.xlsx").status_code == 202
    assert client.get("/staff/surveys/y-kien/export.csv").status_code == 202
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        made = [job.id for job in Job.query.filter_by(status="done")]
    assert len(made) == 2
    sentinels = [_nfc(s) for s in second_commune.a_sentinels]
    for job_id in made:
        response = client.get(f"/staff/exports/{job_id}/download")
        assert response.status_code == 200
        text = _nfc(body_text(response))
        assert [s for s in sentinels if s in text] == []
    assert "Ý kiến của thôn Khuổi Phầy" in text
    admin_a = app.test_client()
    login(admin_a, "admin")
    for job_id in made:
        assert admin_a.get(f"/staff/exports/{job_id}/download").status_code == 404


@pytest.mark.parametrize("actor", B_ACTORS)
def test_the_other_communes_report_and_activity_are_not_found(
    app, world, second_commune, login, actor
):
    """A's half-year report and activity are "not found" to B's staff, as a missing one is
    (or refused to a role that never sees them), and a POST changes nothing."""
    client = app.test_client()
    login(client, second_commune.username(actor))
    token = _token(client, actor)
    report, activity = second_commune.a_report, second_commune.a_activity
    own_report, own_activity = second_commune.report, second_commune.activity
    for url, own in (
        (f"/staff/half-year/{report}", f"/staff/half-year/{own_report}"),
        (f"/staff/half-year/{report}.pdf", f"/staff/half-year/{own_report}.pdf"),
        (f"/staff/half-year/{report}-phu-luc.xlsx", f"/staff/half-year/{own_report}-phu-luc.xlsx"),
        (f"/staff/activities/{activity}/edit", f"/staff/activities/{own_activity}/edit"),
    ):
        answer = client.get(url).status_code
        mine = client.get(own).status_code
        assert answer == (404 if mine == 200 else mine), (url, answer, mine)
        assert answer in (403, 404)
    for url in (f"/staff/activities/{activity}/delete", f"/staff/half-year/{report}"):
        assert client.post(url, data={"csrf_token": token}).status_code in (403, 404)
    with app.app_context():
        assert db.session.get(HalfYearReport, report) is not None
        assert db.session.get(Activity, activity) is not None


def world_commune(app, world) -> int:
    with app.app_context():
        return db.session.get(Unit, world["ids"]["village"]).commune_id


def test_permanent_links_of_a_work_for_anyone(app, world, second_commune, login):
    """/v/ of A's certificate shows it to B's admin; A's poster and class links open for a
    visitor of B, in A's commune; B's visitor's pages list B's units, not A's."""
    client = app.test_client()
    login(client, second_commune.username("admin_b"))
    with app.app_context():
        cert = db.session.get(Certificate, world["ids"]["cert_v"])
        code, serial = cert.verification_code, cert.serial
        class_code = db.session.get(Unit, world["ids"]["class_a"]).join_code
    page = client.get(f"/v/{code}")
    assert page.status_code == 200
    assert serial in page.get_data(as_text=True)
    visitor = app.test_client()
    visitor.set_cookie(app.config["PARTICIPANT_COOKIE"], second_commune.pupil_token)
    home = visitor.get("/").get_data(as_text=True)
    assert "Hứa Văn Cường" in home
    units = visitor.get("/identify").get_data(as_text=True)
    assert "Thôn Khuổi Phầy" in units and "Thôn Nà Pàn" not in units
    response = visitor.get(f"/p/{world['ids']['poster_v']}")
    assert response.status_code == 302
    assert "/surveys/y-kien" in response.headers["Location"]
    assert visitor.get(f"/c/{class_code}").status_code == 302
    # The visitor came through A: its commune is remembered first, B's own kept.
    with visitor.session_transaction() as kept:
        assert kept["communes"] == [world_commune(app, world), second_commune.commune]


def test_the_other_communes_figures_are_their_own(app, world, second_commune, login):
    """B's dashboard figures, in B's scope, equal B's units' figures counted over the whole
    database; A's people add nothing to them, and the dashboard page shows B's commune with
    that count."""
    all_time = Period(None, None, "Asia/Ho_Chi_Minh")
    with app.app_context():
        with tenancy.for_commune(second_commune.commune):
            scoped_rows = indicators.flatten(indicators.figures(all_time, None))
            own = {row.unit_id for row in scoped_rows}
        everywhere = indicators.flatten(indicators.figures(all_time, own))
        as_seen = {row.unit_id: (row.reached, row.trained) for row in scoped_rows}
        assert as_seen == {row.unit_id: (row.reached, row.trained) for row in everywhere}
        root = next(row for row in scoped_rows if row.unit_id == second_commune.commune)
        a_root = next(
            row
            for row in indicators.flatten(indicators.figures(all_time, None))
            if row.unit_id == world_commune(app, world)
        )
    assert root.reached == second_commune.b_reached
    assert a_root.reached > 0
    assert second_commune.commune in own and world["ids"]["village"] not in own
