"""Creating posters with unique permanent short codes."""

from extensions import db
from models import Lesson, Poster, Quiz, Survey, Unit
from services.common.codes import unique_code

Target = Lesson | Quiz | Survey  # what a poster leads to
POSTER_CODE_LENGTH = 7  # 35 random bits: unguessable enough for a printed link


def find_target(slug: str, kind: str) -> Lesson | Quiz | Survey | None:
    """The lesson, quiz or survey a poster should lead to."""
    model = {"lesson": Lesson, "quiz": Quiz, "survey": Survey}.get(kind)
    return model.query.filter_by(slug=slug).one_or_none() if model else None


def create_for_units(units: list[Unit], target: Target) -> list[Poster]:
    """A poster per unit (e.g. every village), each with its own code for attribution."""
    return [create_poster(f"{target.title} — {unit.name}", unit, target) for unit in units]


def create_poster(label: str, unit: Unit, target: Target, sample: bool = False) -> Poster:
    """A poster for a lesson, a quiz or a survey, placed at a unit."""
    poster = Poster(
        code=unique_code(Poster, "code", POSTER_CODE_LENGTH),
        label=label,
        unit=unit,
        lesson=target if isinstance(target, Lesson) else None,
        quiz=target if isinstance(target, Quiz) else None,
        survey=target if isinstance(target, Survey) else None,
        is_sample=sample,
    )
    db.session.add(poster)
    db.session.flush()
    return poster
