"""All models, imported here so that Alembic and the app see every table."""

from extensions import db
from models.activities import Activity, ActivityEvidence, HalfYearReport, HalfYearSubmission
from models.assignments import Assignment
from models.certificates import Certificate, CertificateSerialCounter
from models.content import Course, CourseItem, Lesson, Quiz, QuizVersion
from models.drafts import ContentDraft
from models.indicator_store import IndicatorPerson
from models.indicators import Target
from models.jobs import Job
from models.participation import Answer, Attempt, Visit
from models.people import Consent, Participant
from models.posters import Poster, Scan
from models.recognition import Nomination
from models.science import ScienceTask
from models.settings import OfficeSetting
from models.staff import AuditEvent, LoginFailure, RosterEntry, StaffSession, StaffUser
from models.surveys import Survey, SurveyAnswer, SurveyResponse, SurveyVersion
from models.tenancy import PLACED_TABLES, Commune, TenantOwned, unit_in_commune
from models.units import Unit

__all__ = [
    "TENANCY",
    "Activity",
    "ActivityEvidence",
    "Answer",
    "Assignment",
    "Attempt",
    "AuditEvent",
    "Certificate",
    "CertificateSerialCounter",
    "Commune",
    "Consent",
    "ContentDraft",
    "Course",
    "CourseItem",
    "HalfYearReport",
    "HalfYearSubmission",
    "IndicatorPerson",
    "Job",
    "Lesson",
    "LoginFailure",
    "Nomination",
    "OfficeSetting",
    "Participant",
    "Poster",
    "Quiz",
    "QuizVersion",
    "RosterEntry",
    "Scan",
    "ScienceTask",
    "StaffSession",
    "StaffUser",
    "Survey",
    "SurveyAnswer",
    "SurveyResponse",
    "SurveyVersion",
    "Target",
    "TenantOwned",
    "Unit",
    "Visit",
]

# How each table relates to the communes (services.org.tenancy scopes the "tenant" ones; a test
# fails on a model missing here). "tenant": rows of one commune, `commune_id` set at insert;
# "register": the communes themselves; "shared_content": province curriculum every commune
# reads; "child:<table>": reached only through its scoped parent; "global": deployment-wide.
TENANCY: dict[type, str] = {
    Unit: "tenant",
    Participant: "tenant",
    Visit: "tenant",
    Attempt: "tenant",
    Scan: "tenant",
    Poster: "tenant",
    SurveyResponse: "tenant",
    Certificate: "tenant",
    RosterEntry: "tenant",
    Assignment: "tenant",
    Activity: "tenant",
    Nomination: "tenant",
    StaffUser: "tenant",
    AuditEvent: "tenant",
    HalfYearReport: "tenant",
    HalfYearSubmission: "tenant",
    Target: "tenant",
    ScienceTask: "tenant",
    Commune: "register",
    Lesson: "shared_content",
    Quiz: "shared_content",
    QuizVersion: "shared_content",
    Survey: "shared_content",
    SurveyVersion: "shared_content",
    Course: "shared_content",
    CourseItem: "child:courses",
    ContentDraft: "shared_content",  # per commune from the content-ownership step on
    Answer: "child:attempts",
    SurveyAnswer: "child:survey_responses",
    Consent: "child:participants",
    StaffSession: "child:staff_users",
    ActivityEvidence: "child:activities",
    IndicatorPerson: "child:units",  # counts of a unit's people, read through the unit
    Job: "child:staff_users",  # reached through its requester (jobs.of_staff, may_download)
    OfficeSetting: "global",  # per commune from the settings step on
    CertificateSerialCounter: "global",  # one row per prefix; prefixes are per commune
    LoginFailure: "global",
}

for _table in PLACED_TABLES:
    db.metadata.tables[_table].append_constraint(unit_in_commune(_table))
