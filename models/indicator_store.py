"""The indicators' aggregate: who counts as reached and trained, per unit and named period."""

from extensions import db


class IndicatorPerson(db.Model):
    """One person counted in a unit for a named period ("2026-H1", "2026-H2", "2026"): when
    they were first reached and first trained there (None: not yet). Kept up to date as
    visits and attempts are recorded (services/tally/indicator_store.py), so a dashboard
    counts these rows instead of every visit and attempt. A half-year and its year each have
    their own rows: distinct people are never summed across halves."""

    __tablename__ = "indicator_people"

    period_key = db.Column(db.String(7), primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), primary_key=True)
    participant_id = db.Column(db.Integer, db.ForeignKey("participants.id"), primary_key=True)
    reached_at = db.Column(db.DateTime)
    trained_at = db.Column(db.DateTime)

    __table_args__ = (db.Index("ix_indicator_people_participant", "participant_id"),)
