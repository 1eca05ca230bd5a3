"""All models, imported here so that Alembic and the app see every table."""

from models.activities import Activity, ActivityEvidence, HalfYearReport
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
from models.units import Unit

__all__ = [
    "Activity",
    "ActivityEvidence",
    "Answer",
    "Assignment",
    "Attempt",
    "AuditEvent",
    "Certificate",
    "CertificateSerialCounter",
    "Consent",
    "ContentDraft",
    "Course",
    "CourseItem",
    "HalfYearReport",
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
    "Unit",
    "Visit",
]
