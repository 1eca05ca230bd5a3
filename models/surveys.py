"""Surveys: what people know and use. Versioned definitions, one response per respondent."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned


class Survey(db.Model):
    """A survey from the content files; its slug never changes."""

    __tablename__ = "surveys"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(60), unique=True, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.String(300), nullable=False)
    audience = db.Column(db.JSON, nullable=False, default=list)
    # Anonymous: responses keep no participant link, only the unit (from the poster).
    anonymous = db.Column(db.Boolean, nullable=False, default=False)
    # Answering counts the respondent as "reached" for the plan's indicator.
    counts_as_reach = db.Column(db.Boolean, nullable=False, default=False)
    opens_on = db.Column(db.Date)  # first day it accepts answers (commune time); None: always
    closes_on = db.Column(db.Date)  # last day it accepts answers and edits; None: never
    translations = db.Column(db.JSON, nullable=False, default=dict)
    position = db.Column(db.Integer, nullable=False, default=0)
    # Learners see published surveys only (draft: withdrawn by the office).
    status = db.Column(
        db.String(10), nullable=False, default="published", server_default="published"
    )
    # Last changed in the browser: `flask content load` leaves it alone unless asked to overwrite.
    edited_at = db.Column(db.DateTime)
    # None: province-wide; else the commune that added it for itself.
    commune_id = db.Column(db.Integer, db.ForeignKey("communes.unit_id"), index=True)

    versions = db.relationship(
        "SurveyVersion", back_populates="survey", order_by="SurveyVersion.number"
    )

    __table_args__ = (db.CheckConstraint("status IN ('draft','published')", name="status"),)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def current_version(self) -> "SurveyVersion":
        """The newest province version (services/content/resolve.survey_version_for gives a
        commune's learners their commune's, if it has one)."""
        province = [v for v in self.versions if v.commune_id is None]
        return province[-1] if province else self.versions[-1]

    def is_open(self, today) -> bool:
        """Whether the survey accepts answers on `today` (a date in commune time)."""
        if self.opens_on is not None and today < self.opens_on:
            return False
        return self.closes_on is None or today <= self.closes_on


class SurveyVersion(db.Model):
    """One immutable set of questions; responses keep the version they answered."""

    __tablename__ = "survey_versions"

    id = db.Column(db.Integer, primary_key=True)
    survey_id = db.Column(db.Integer, db.ForeignKey("surveys.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    content_hash = db.Column(db.String(64), nullable=False)
    # {"questions": [...], "translations": {...}} exactly as validated from the file.
    definition = db.Column(db.JSON, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Who published it in the browser (None: loaded from the content files).
    created_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    # None: a province version; else the commune whose respondents answer it.
    commune_id = db.Column(db.Integer, db.ForeignKey("communes.unit_id"), index=True)
    based_on_id = db.Column(db.Integer, db.ForeignKey("survey_versions.id"))

    survey = db.relationship("Survey", back_populates="versions")
    created_by = db.relationship("StaffUser")
    based_on = db.relationship("SurveyVersion", remote_side=[id])

    __table_args__ = (db.UniqueConstraint("survey_id", "number"),)

    @property
    def questions(self) -> list[dict]:
        return self.definition["questions"]


class SurveyResponse(TenantOwned, db.Model):
    """One respondent's answers to a survey; edited in place until the survey closes."""

    __tablename__ = "survey_responses"
    __tenant_sources__ = ("unit_id", "participant_id", "poster_id")

    id = db.Column(db.Integer, primary_key=True)
    survey_id = db.Column(db.Integer, db.ForeignKey("surveys.id"), nullable=False)
    survey_version_id = db.Column(db.Integer, db.ForeignKey("survey_versions.id"), nullable=False)
    # Who answered: a participant link for named surveys, nothing for anonymous ones.
    participant_id = db.Column(db.Integer, db.ForeignKey("participants.id"), index=True)
    # One response per respondent: "p<id>" for named surveys; for anonymous ones a one-way hash
    # of the device's cookie token, which the database alone cannot link to anyone.
    respondent_key = db.Column(db.String(64), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))
    poster_id = db.Column(db.Integer, db.ForeignKey("posters.id"))
    # The form last applied: a replayed POST of the same form changes nothing.
    submission_token = db.Column(db.String(64), nullable=False)
    revision = db.Column(db.Integer, nullable=False, default=1)
    # The day it was last answered, in commune time (all that anonymous responses keep).
    submitted_on = db.Column(db.Date, nullable=False)
    # Exact times, for named surveys only.
    submitted_at = db.Column(db.DateTime)
    updated_at = db.Column(db.DateTime)

    survey = db.relationship("Survey")
    version = db.relationship("SurveyVersion")
    answers = db.relationship(
        "SurveyAnswer",
        back_populates="response",
        cascade="all, delete-orphan",
        order_by="SurveyAnswer.id",
    )

    __table_args__ = (
        db.UniqueConstraint("survey_id", "respondent_key"),
        db.Index("ix_survey_responses_survey_unit_day", "survey_id", "unit_id", "submitted_on"),
    )


class SurveyAnswer(db.Model):
    """One value given to one question: a choice (or Likert point), a number or a text.

    A multiple-choice question has one row per ticked choice; "other" is the choice id
    "other" with the typed text.
    """

    __tablename__ = "survey_answers"

    id = db.Column(db.Integer, primary_key=True)
    response_id = db.Column(
        db.Integer, db.ForeignKey("survey_responses.id", ondelete="CASCADE"), nullable=False
    )
    question_id = db.Column(db.String(60), nullable=False)
    choice_id = db.Column(db.String(60))
    number_value = db.Column(db.Float)
    text_value = db.Column(db.Text)

    response = db.relationship("SurveyResponse", back_populates="answers")

    __table_args__ = (
        # Covering index for the results: tallies per question and choice over responses.
        db.Index("ix_survey_answers_response_question", "response_id", "question_id", "choice_id"),
    )
