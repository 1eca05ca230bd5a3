"""Creating posters with unique permanent short codes, in batches; where they hang; retiring
them. Shared by the staff pages and `flask posters …`."""

import datetime as dt

from sqlalchemy import update

from extensions import db
from models import Lesson, Poster, Quiz, Survey, Unit
from services.common.codes import unique_code
from services.common.errors import InvalidInput
from services.common.text import clean_line
from services.content import visibility

Target = Lesson | Quiz | Survey  # what a poster leads to
POSTER_CODE_LENGTH = 7  # 35 random bits: unguessable enough for a printed link
TARGET_KINDS = ("lesson", "quiz", "survey")
# The kinds of unit a batch can cover ("a poster for every village"); not the commune itself.
BATCH_KINDS = ("village", "class", "agency", "school", "enterprise")
MAX_LOCATION = 200
MAX_REASON = 200
MAX_BATCH = 200  # one print run; a district's every class is a few of these


def find_target(slug: str, kind: str) -> Lesson | Quiz | Survey | None:
    """The lesson, quiz or survey a poster should lead to."""
    model = {"lesson": Lesson, "quiz": Quiz, "survey": Survey}.get(kind)
    return model.query.filter_by(slug=slug).one_or_none() if model else None


def target_kind(target: Target) -> str:
    return (
        "lesson" if isinstance(target, Lesson) else "quiz" if isinstance(target, Quiz) else "survey"
    )


def targets() -> list[tuple[str, Target]]:
    """Everything a poster may lead to: published lessons and their quizzes, then surveys."""
    lessons = Lesson.query.filter_by(status="published").order_by(Lesson.position, Lesson.title)
    found: list[tuple[str, Target]] = []
    for lesson in lessons:
        found.append(("lesson", lesson))
        if lesson.quiz is not None:
            found.append(("quiz", lesson.quiz))
    found += [("survey", s) for s in Survey.query.order_by(Survey.title)]
    return found


def placeable_ids(target: Target, visible: set[int] | None) -> set[int] | None:
    """Where this target's posters may hang for someone who sees `visible` (None: anywhere):
    a teacher's class-only topic only in its owner's classes, since scanners elsewhere would
    get 404, until an admin promotes it to the whole commune."""
    lesson = target.lesson if isinstance(target, Quiz) else target
    allowed = visibility.poster_unit_ids(lesson) if isinstance(lesson, Lesson) else None
    if allowed is None:
        return visible
    return allowed if visible is None else allowed & visible


def units_outside_reach(target: Target, units: list[Unit]) -> list[Unit]:
    """The units where a poster for `target` would lead scanners to a page they cannot open."""
    allowed = placeable_ids(target, None)
    return [unit for unit in units if allowed is not None and unit.id not in allowed]


def batch_units(every_kind: str | None, unit_ids: list[int], allowed: set[int] | None):
    """The units a batch covers: every unit of a kind, or the chosen ones, within `allowed`
    (None: all). Raises InvalidInput: `units` empty / not_allowed, `kind` unknown."""
    if every_kind:
        if every_kind not in BATCH_KINDS:
            raise InvalidInput.of("kind", "unknown")
        query = Unit.query.filter_by(kind=every_kind)
        if allowed is not None:
            query = query.filter(Unit.id.in_(allowed))
        units = query.order_by(Unit.name).all()
    else:
        units = (
            Unit.query.filter(Unit.id.in_(unit_ids)).order_by(Unit.name).all() if unit_ids else []
        )
        if len(units) != len(set(unit_ids)) or (
            allowed is not None and any(u.id not in allowed for u in units)
        ):
            raise InvalidInput.of("units", "not_allowed")
    if not units:
        raise InvalidInput.of("units", "empty")
    if len(units) > MAX_BATCH:
        raise InvalidInput.of("units", "too_many", n=MAX_BATCH)
    return units


def create_for_units(units: list[Unit], target: Target, location: str = "") -> list[Poster]:
    """A poster per unit (e.g. every village), each with its own code for attribution."""
    return [
        create_poster(f"{target.title} — {unit.name}", unit, target, location=location)
        for unit in units
    ]


def create_poster(
    label: str, unit: Unit, target: Target, sample: bool = False, location: str = ""
) -> Poster:
    """A poster for a lesson, a quiz or a survey, placed at a unit."""
    poster = Poster(
        code=unique_code(Poster, "code", POSTER_CODE_LENGTH),
        label=label,
        unit=unit,
        lesson=target if isinstance(target, Lesson) else None,
        quiz=target if isinstance(target, Quiz) else None,
        survey=target if isinstance(target, Survey) else None,
        is_sample=sample,
        location=clean_location(location),
    )
    db.session.add(poster)
    db.session.flush()
    return poster


def clean_location(text: str | None) -> str | None:
    """Where a poster hangs, as one line (None when not said). Raises InvalidInput if long."""
    cleaned = clean_line(text)
    if len(cleaned) > MAX_LOCATION:
        raise InvalidInput.of("location", "too_long", n=MAX_LOCATION)
    return cleaned or None


def set_location(poster: Poster, text: str | None) -> None:
    """Say (or change) where the poster hangs."""
    poster.location = clean_location(text)


def retire(poster: Poster, reason: str | None, now: dt.datetime) -> None:
    """Take a poster out of use: its link then says so. Raises InvalidInput when it already
    is retired, or the reason is missing or too long."""
    if poster.is_retired:
        raise InvalidInput.of("poster", "already_retired")
    cleaned = clean_line(reason)
    if not cleaned:
        raise InvalidInput.of("reason", "required")
    if len(cleaned) > MAX_REASON:
        raise InvalidInput.of("reason", "too_long", n=MAX_REASON)
    poster.retired_at = now
    poster.retired_reason = cleaned


def count_scan_after_retirement(poster: Poster) -> None:
    """One more opening of a retired poster's link (a single UPDATE: scans at once all count)."""
    db.session.execute(
        update(Poster)
        .where(Poster.id == poster.id)
        .values(scans_after_retirement=Poster.scans_after_retirement + 1)
    )
