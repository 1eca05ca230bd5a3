"""A sample commune so that a newcomer has something to click (clearly marked as sample)."""

from dataclasses import dataclass, field

from models import Lesson, Poster, Survey, Unit
from services.org.units import create_unit
from services.participation.posters import create_poster

SAMPLE = "(mẫu)"
VILLAGES = [
    ("Thôn Nà Pàn", 420),
    ("Thôn Khòn Chả", 360),
    ("Thôn Bản Mới", 510),
    ("Thôn Pò Háng", 280),
]
CLASSES = [("Lớp 6A", 6, 35), ("Lớp 7A", 7, 38), ("Lớp 8A", 8, 36), ("Lớp 9A", 9, 34)]
POSTER_LESSONS = ("nghi-quyet-57", "nhan-dien-lua-dao", "thanh-toan-khong-tien-mat")
# Surveys get a poster in every village and at the commune office.
POSTER_SURVEYS = ("khao-sat-nghi-quyet-57", "dich-vu-so-dang-dung")


@dataclass
class DemoResult:
    created: bool
    posters: list[Poster] = field(default_factory=list)
    classes: list[Unit] = field(default_factory=list)


def seed_demo(year: int) -> DemoResult:
    """Create the sample commune once; a second run changes nothing and reports what exists."""
    commune = Unit.query.filter_by(kind="commune", is_sample=True).first()
    if commune is not None:
        _survey_posters(
            Unit.query.filter_by(kind="village", is_sample=True).order_by(Unit.id).all(),
            Unit.query.filter_by(kind="agency", is_sample=True).first(),
        )
        return DemoResult(
            created=False,
            posters=Poster.query.filter_by(is_sample=True).all(),
            classes=Unit.query.filter_by(kind="class", is_sample=True).all(),
        )
    common = {"is_sample": True, "population_year": year}
    commune = create_unit("commune", f"Xã Hoàng Văn Thụ {SAMPLE}", target_population=2400, **common)
    villages = [
        create_unit("village", f"{name} {SAMPLE}", commune, target_population=pop, **common)
        for name, pop in VILLAGES
    ]
    school = create_unit(
        "school", f"Trường THCS Hoàng Văn Thụ {SAMPLE}", commune, target_population=143, **common
    )
    classes = [
        create_unit("class", f"{name} {SAMPLE}", school, target_population=pop, **common)
        for name, _grade, pop in CLASSES
    ]
    agency = create_unit(
        "agency", f"UBND xã Hoàng Văn Thụ {SAMPLE}", commune, target_population=45, **common
    )
    create_unit(
        "enterprise",
        f"HTX Nông sản Hoàng Văn Thụ {SAMPLE}",
        commune,
        target_population=30,
        **common,
    )
    posters = []
    lessons = {lesson.slug: lesson for lesson in Lesson.query.all()}
    for slug in POSTER_LESSONS:
        lesson = lessons.get(slug)
        if lesson is None:
            continue
        for village in villages:
            label = f"{lesson.title} — Nhà văn hóa {village.name}"
            posters.append(create_poster(label, village, lesson, sample=True))
        if lesson.quiz is not None:
            posters.append(
                create_poster(f"{lesson.title} — {agency.name}", agency, lesson.quiz, sample=True)
            )
    posters.extend(_survey_posters(villages, agency))
    return DemoResult(created=True, posters=posters, classes=classes)


def _survey_posters(villages: list[Unit], agency: Unit | None) -> list[Poster]:
    """Sample posters for the bundled surveys, once each (also for an older sample commune)."""
    created = []
    for survey in Survey.query.filter(Survey.slug.in_(POSTER_SURVEYS)).order_by(Survey.position):
        if Poster.query.filter_by(survey_id=survey.id, is_sample=True).first() is not None:
            continue
        places = [(v, f"Nhà văn hóa {v.name}") for v in villages]
        places += [(agency, agency.name)] if agency is not None else []
        for unit, where in places:
            created.append(create_poster(f"{survey.title} — {where}", unit, survey, sample=True))
    return created
