"""Staff accounts (admin, officer, teacher), their login sessions, classes and the audit log."""

from extensions import db
from models.base import utcnow
from models.tenancy import TenantOwned

# Inside one commune: its office (admin), a unit's officer, a teacher.
COMMUNE_ROLES = ("admin", "officer", "teacher")
# The province office (Sở KH&CN): it reads every commune and writes none of their data;
# the province admin onboards communes and manages the province's own accounts.
PROVINCE_OFFICER = "province_officer"
PROVINCE_ADMIN = "province_admin"
PROVINCE_ROLES = (PROVINCE_OFFICER, PROVINCE_ADMIN)
STAFF_ROLES = COMMUNE_ROLES + PROVINCE_ROLES
ROLE_LENGTH = 20

teacher_classes = db.Table(
    "teacher_classes",
    db.Column("staff_id", db.Integer, db.ForeignKey("staff_users.id"), primary_key=True),
    db.Column("unit_id", db.Integer, db.ForeignKey("units.id"), primary_key=True),
)


class StaffUser(TenantOwned, db.Model):
    """Someone who logs in: the office (admin), a unit's officer, or a teacher."""

    __tablename__ = "staff_users"
    __tenant_sources__ = ("unit_id", "classes")  # a teacher: the first class
    __tenant_nullable__ = True  # NULL for the province's own staff only

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(60), unique=True, nullable=False)
    display_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(200), nullable=False)
    role = db.Column(db.String(ROLE_LENGTH), nullable=False)
    # Officers see this unit and everything below it.
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(db.DateTime)
    # A password an admin handed over (new account, reset) works once: the next login must
    # set the user's own.
    must_change_password = db.Column(
        db.Boolean, nullable=False, default=False, server_default=db.false()
    )
    # An admin may require a second factor: a code from an authenticator app (TOTP). The
    # secret is set when the user enrolls; the last step used refuses a code used twice.
    second_factor_required = db.Column(
        db.Boolean, nullable=False, default=False, server_default=db.false()
    )
    totp_secret = db.Column(db.String(64))
    totp_last_step = db.Column(db.BigInteger)

    unit = db.relationship("Unit", foreign_keys="[StaffUser.unit_id]")
    classes = db.relationship("Unit", secondary=teacher_classes, order_by="Unit.name")

    __table_args__ = (
        db.CheckConstraint(
            "role IN ('admin','officer','teacher','province_officer','province_admin')",
            name="role",
        ),
        # The province's own staff belong to no commune.
        db.CheckConstraint(
            "role NOT IN ('province_officer','province_admin') OR commune_id IS NULL",
            name="province_outside_communes",
        ),
    )

    @property
    def is_province(self) -> bool:
        """The province office's staff: no commune, no unit, no classes."""
        return self.role in PROVINCE_ROLES

    @classmethod
    def outside_communes(cls, values) -> bool:
        return values.get("role") in PROVINCE_ROLES


class StaffSession(db.Model):
    """One login; logging out ends it on the server, so a replayed cookie is refused."""

    __tablename__ = "staff_sessions"

    id = db.Column(db.Integer, primary_key=True)
    token_hash = db.Column(db.String(64), unique=True, nullable=False)
    staff_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    ended_at = db.Column(db.DateTime)

    staff = db.relationship("StaffUser")


class LoginFailure(db.Model):
    """Wrong passwords in a row for one user name from one address: slows that pair only."""

    __tablename__ = "login_failures"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(60), nullable=False)
    address = db.Column(db.String(64), nullable=False)
    failures = db.Column(db.Integer, nullable=False, default=0)
    last_failed_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    __table_args__ = (db.UniqueConstraint("username", "address"),)


class AuditEvent(TenantOwned, db.Model):
    """A staff action worth answering for later. Never holds passwords or exported data."""

    __tablename__ = "audit_events"
    __tenant_sources__ = ("staff_id",)
    __tenant_nullable__ = True  # NULL: the province's, or the deployment's command line

    id = db.Column(db.Integer, primary_key=True)
    staff_id = db.Column(db.Integer, db.ForeignKey("staff_users.id"), index=True)
    action = db.Column(db.String(40), nullable=False, index=True)
    target = db.Column(db.String(200))
    detail = db.Column(db.JSON, nullable=False, default=dict)
    ip = db.Column(db.String(64))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    staff = db.relationship("StaffUser")


class RosterEntry(TenantOwned, db.Model):
    """A student on a class roster: joining students pick their name instead of typing it."""

    __tablename__ = "roster_entries"
    __tenant_sources__ = ("unit_id",)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False)
    student_number = db.Column(db.String(20))
    # The pupil's number on the class list: what a pupil claiming this name types, which the
    # class link (shown to anyone holding it) does not carry.
    list_number = db.Column(db.Integer, nullable=False)
    # From the school's list, to tell namesakes apart; the join page shows day and month only.
    date_of_birth = db.Column(db.Date)
    participant_id = db.Column(db.Integer, db.ForeignKey("participants.id"))

    unit = db.relationship("Unit", foreign_keys="[RosterEntry.unit_id]")
    participant = db.relationship("Participant")

    __table_args__ = (db.UniqueConstraint("unit_id", "name", "student_number"),)


def _login_mixin(cls):
    """What Flask-Login asks of a user; the id is the live session's token, not the user id."""
    cls.session_token = None
    cls.is_authenticated = property(lambda self: True)
    cls.is_active = property(lambda self: self.active)
    cls.is_anonymous = property(lambda self: False)
    cls.get_id = lambda self: self.session_token
    return cls


_login_mixin(StaffUser)
