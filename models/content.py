"""Lessons and quizzes loaded from the curriculum files, with versioned quiz definitions."""

from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria

from extensions import db
from models.base import utcnow

# A draft is seen by staff only; learners see published items. A topic's lesson carries the
# status, owner and scope of the whole topic (its quiz follows the lesson).
CONTENT_STATUSES = ("draft", "published")


class Lesson(db.Model):
    """A short lesson; its slug is the topic id from the content file and never changes.

    A row with `origin_id` is a commune's *shadow* of a province lesson: that commune's text
    of the same topic (same slug). Nothing points at a shadow (posters, visits, the quiz keep
    the origin's id), and ordinary queries never see one (ORIGINS_ONLY below); only
    services/content/resolve.py reads them."""

    __tablename__ = "lessons"

    id = db.Column(db.Integer, primary_key=True)
    # Unique among origins (province lessons and a commune's own), see __table_args__.
    slug = db.Column(db.String(60), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.String(300), nullable=False)
    topic = db.Column(db.String(120), nullable=False)
    audience = db.Column(db.JSON, nullable=False, default=list)
    minutes = db.Column(db.Integer, nullable=False)
    body_markdown = db.Column(db.Text, nullable=False)
    audio_path = db.Column(db.String(200))
    # Audio per language ({"vi": "media/…", "tay": …, "nun": …}); audio_path is the Vietnamese one.
    audio = db.Column(db.JSON, nullable=False, default=dict)
    # Who read each recording, and when: {"tay": {"by": "…", "recorded_at": "ISO time"}}.
    audio_credits = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    sources = db.Column(db.JSON, nullable=False, default=list)
    facts_checked = db.Column(db.Date)
    translations = db.Column(db.JSON, nullable=False, default=dict)
    position = db.Column(db.Integer, nullable=False, default=0)
    content_hash = db.Column(db.String(64), nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    status = db.Column(
        db.String(10), nullable=False, default="published", server_default="published"
    )
    # Who wrote it in the browser (None: the bundled curriculum). A teacher's topic is shown
    # only through their classes until an admin makes it commune-wide.
    owner_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"), index=True)
    commune_wide = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    # Last changed in the browser: `flask content load` leaves it alone unless asked to overwrite.
    edited_at = db.Column(db.DateTime)
    # None: province-wide (the bundled curriculum); else the commune that owns the row (its own
    # new topic, or its shadow of a province lesson).
    commune_id = db.Column(db.Integer, db.ForeignKey("communes.unit_id"), index=True)
    # A commune's shadow: the province lesson it rewrites for that commune.
    origin_id = db.Column(db.Integer, db.ForeignKey("lessons.id"), index=True)

    quiz = db.relationship("Quiz", back_populates="lesson", uselist=False)
    owner = db.relationship("StaffUser")

    __table_args__ = (
        db.CheckConstraint("status IN ('draft','published')", name="status"),
        db.CheckConstraint("origin_id IS NULL OR commune_id IS NOT NULL", name="shadow_commune"),
        db.Index(
            "uq_lessons_origin_slug",
            "slug",
            unique=True,
            sqlite_where=db.text("origin_id IS NULL"),
            postgresql_where=db.text("origin_id IS NULL"),
        ),
        db.UniqueConstraint("origin_id", "commune_id"),
    )

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class Quiz(db.Model):
    """A quiz; what it asks lives in its versions, so old attempts stay scorable."""

    __tablename__ = "quizzes"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(60), unique=True, nullable=False)
    lesson_id = db.Column(db.Integer, db.ForeignKey("lessons.id"), unique=True)
    title = db.Column(db.String(200), nullable=False)
    training_for = db.Column(db.JSON, nullable=False, default=list)
    position = db.Column(db.Integer, nullable=False, default=0)
    # None: province-wide; else the commune whose own topic it is (it follows its lesson).
    commune_id = db.Column(db.Integer, db.ForeignKey("communes.unit_id"), index=True)

    lesson = db.relationship("Lesson", back_populates="quiz")
    versions = db.relationship("QuizVersion", back_populates="quiz", order_by="QuizVersion.number")

    @property
    def current_version(self) -> "QuizVersion":
        """The newest province version (a commune's learners answer the newest version of
        their commune, if it has one: services/content/resolve.quiz_version_for)."""
        province = [v for v in self.versions if v.commune_id is None]
        return province[-1] if province else self.versions[-1]


class QuizVersion(db.Model):
    """One immutable definition of a quiz: questions, answer key, explanations and rules."""

    __tablename__ = "quiz_versions"

    id = db.Column(db.Integer, primary_key=True)
    quiz_id = db.Column(db.Integer, db.ForeignKey("quizzes.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    content_hash = db.Column(db.String(64), nullable=False)
    pass_mark = db.Column(db.Integer, nullable=False)
    max_attempts = db.Column(db.Integer, nullable=False, default=0)
    # {"questions": [...], "translations": {...}} exactly as validated from the file.
    definition = db.Column(db.JSON, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Who published it in the browser (None: loaded from the content files).
    created_by_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"))
    # None: a province version; else the commune whose learners answer it (its edit of the
    # province's questions). Numbers run on across both, per quiz.
    commune_id = db.Column(db.Integer, db.ForeignKey("communes.unit_id"), index=True)
    # The version this one was edited from.
    based_on_id = db.Column(db.Integer, db.ForeignKey("quiz_versions.id"))

    quiz = db.relationship("Quiz", back_populates="versions")
    created_by = db.relationship("StaffUser")
    based_on = db.relationship("QuizVersion", remote_side=[id])

    __table_args__ = (db.UniqueConstraint("quiz_id", "number"),)

    @property
    def questions(self) -> list[dict]:
        return self.definition["questions"]


class Course(db.Model):
    """An ordered set of topics (a lesson and its quiz each) for an audience; passing every
    quiz in it earns the course's own certificate. Its slug is the course id of its file."""

    __tablename__ = "courses"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(60), unique=True, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.String(300), nullable=False)
    audience = db.Column(db.JSON, nullable=False, default=list)
    translations = db.Column(db.JSON, nullable=False, default=dict)
    position = db.Column(db.Integer, nullable=False, default=0)
    content_hash = db.Column(db.String(64), nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # None: province-wide; else the commune that added it for itself.
    commune_id = db.Column(db.Integer, db.ForeignKey("communes.unit_id"), index=True)

    items = db.relationship(
        "CourseItem",
        back_populates="course",
        order_by="CourseItem.position",
        cascade="all, delete-orphan",
    )

    @property
    def quizzes(self) -> list[Quiz]:
        """The course's quizzes in course order."""
        return [item.quiz for item in self.items]


class CourseItem(db.Model):
    """One topic of a course, by its quiz (the lesson is the quiz's), at its place."""

    __tablename__ = "course_items"

    id = db.Column(db.Integer, primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("courses.id"), nullable=False, index=True)
    quiz_id = db.Column(db.Integer, db.ForeignKey("quizzes.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)

    course = db.relationship("Course", back_populates="items")
    quiz = db.relationship("Quiz")

    __table_args__ = (db.UniqueConstraint("course_id", "quiz_id"),)


# Execution option that lets a query see commune shadows of lessons (services/content/resolve).
SHADOWS = "lesson_shadows"


@event.listens_for(Session, "do_orm_execute")
def _origins_only(state) -> None:
    """Every ORM query sees only origin lessons (a shadow is a commune's text of a topic, not
    a topic of its own), unless it asks with execution_options(lesson_shadows=True). Loading
    an attribute of a row already loaded is left alone."""
    if (
        not state.is_select
        or state.is_column_load
        or state.is_relationship_load
        or state.execution_options.get(SHADOWS)
    ):
        return
    state.statement = state.statement.options(
        with_loader_criteria(Lesson, Lesson.origin_id.is_(None), include_aliases=True)
    )
