"""Survey results for staff: tallies per question over a set of units and a period.

A fixed number of aggregate queries whatever the number of responses: the response count, one
GROUP BY (question, choice) over the answers joined to the responses in scope (it reads only
the covering index), the respondents of multiple-choice questions, a histogram of each number
question (for the median) and the listed texts (a window function keeps a bounded number per
question). Answers are tallied by question id across the survey's versions; the texts shown
are those of the newest version that has the question.

Anonymous surveys: texts are listed in text order and exported rows sorted by unit and
answers, never by time, so that nothing lines them up with visits or poster scans.
"""

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import and_, false, func, or_, select

from extensions import db
from models import Participant, Survey, SurveyAnswer, SurveyResponse, Unit
from services.common.periods import Period
from services.content.survey_labels import LIKERT_LABELS, OTHER_RESULT_LABEL
from services.content.survey_schema import LIKERT_POINTS, OTHER

TEXT_LIMIT = 200  # texts listed per question (and per "other") on the page
BATCH_ROWS = 2000  # joined answer rows fetched at a time by an export
CHOICE_KINDS = ("single", "multiple")
LIKERT_KEYS = tuple(str(point) for point in range(1, LIKERT_POINTS + 1))
ANSWER_OF_RESPONSE = SurveyAnswer.response_id == SurveyResponse.id


@dataclass(frozen=True)
class Tally:
    key: str  # a choice id, a Likert point "1".."5", or "other"
    label: str
    count: int
    share: float  # of the responses that answered the question (conditional: were asked it)


@dataclass(frozen=True)
class NumberSummary:
    count: int
    minimum: float
    median: float
    mean: float
    maximum: float


@dataclass(frozen=True)
class TextAnswer:
    text: str
    day: dt.date | None  # named surveys only


@dataclass(frozen=True)
class Condition:
    """Who a conditional question (`show_if`) was asked: those who chose one of `choices`
    (their labels) at question `question_number` of the results."""

    question_id: str
    question_number: int
    choice_ids: tuple[str, ...]
    choices: tuple  # labels, in the condition's order


@dataclass
class QuestionResult:
    number: int
    id: str
    kind: str
    text: str
    answered: int = 0
    # A conditional question: its condition, and how many responses it was asked (the
    # denominator of its shares); None for a question asked of everyone.
    condition: Condition | None = None
    asked: int | None = None
    tallies: list[Tally] = field(default_factory=list)
    mean: float | None = None  # Likert
    numbers: NumberSummary | None = None
    texts: list[TextAnswer] = field(default_factory=list)  # free text, or the "other" texts
    texts_total: int = 0


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


@dataclass(frozen=True)
class Question:
    """A question as tallied: the newest definition, and every choice any version offered."""

    id: str
    kind: str
    text: str
    choices: dict[str, str]  # id → text, in display order (newest version's order first)
    other: bool
    labels: tuple = LIKERT_LABELS
    kinds: frozenset = frozenset()  # every kind any version gave it
    show_if: dict | None = None  # the newest version's condition, if it has one

    @property
    def several_rows(self) -> bool:
        """Whether one response may hold several rows for it (a multiple choice)."""
        return "multiple" in self.kinds


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions across its versions: the newest version's order, then any
    question only older versions asked; texts from the newest version that has them."""
    newest: dict[str, dict] = {}
    choices: dict[str, dict[str, str]] = {}
    other: dict[str, bool] = {}
    kinds: dict[str, set] = {}
    for version in survey.versions:  # oldest first: later versions overwrite the texts
        for question in version.questions:
            qid = question["id"]
            newest[qid] = question
            current = {c["id"]: c["text"] for c in question.get("choices", [])}
            older = {k: v for k, v in choices.get(qid, {}).items() if k not in current}
            choices[qid] = current | older
            other[qid] = other.get(qid, False) or bool(question.get("other"))
            kinds.setdefault(qid, set()).add(question["type"])
    current_ids = [q["id"] for q in survey.current_version.questions] if survey.versions else []
    order = current_ids + [qid for qid in newest if qid not in current_ids]
    return [
        Question(
            id=qid,
            kind=newest[qid]["type"],
            text=newest[qid]["text"],
            choices=choices[qid],
            other=other[qid],
            labels=tuple(newest[qid].get("labels") or LIKERT_LABELS),
            kinds=frozenset(kinds[qid]),
            show_if=newest[qid].get("show_if"),
        )
        for qid in order
    ]


def conditions(questions: list[Question]) -> dict[str, Condition]:
    """The condition of each conditional question, by question id, with the labels of its
    choices and the number of the question it names (as the results number them)."""
    numbers = {q.id: n for n, q in enumerate(questions, start=1)}
    by_id = {q.id: q for q in questions}
    found = {}
    for question in questions:
        rule = question.show_if
        earlier = by_id.get(rule.get("question")) if isinstance(rule, dict) else None
        if earlier is None:
            continue
        labels = dict(earlier.choices) | {OTHER: OTHER_RESULT_LABEL}
        found[question.id] = Condition(
            earlier.id,
            numbers[earlier.id],
            tuple(rule["choices"]),
            tuple(labels.get(c, c) for c in rule["choices"]),
        )
    return found


def scope(survey: Survey, unit_ids: set[int] | None, period: Period):
    """SQL condition on SurveyResponse: this survey, these units (None: all), these days."""
    conditions = [SurveyResponse.survey_id == survey.id]
    if unit_ids is not None:
        conditions.append(SurveyResponse.unit_id.in_(unit_ids) if unit_ids else false())
    conditions.append(period.covers_day(SurveyResponse.submitted_on))
    return and_(*conditions)


def response_counts(unit_ids: set[int] | None) -> dict[int, int]:
    """Responses per survey id within the units (None: all), in one query."""
    query = select(SurveyResponse.survey_id, func.count(SurveyResponse.id)).group_by(
        SurveyResponse.survey_id
    )
    if unit_ids is not None:
        query = query.where(SurveyResponse.unit_id.in_(unit_ids) if unit_ids else false())
    return dict(db.session.execute(query).all())


def results(survey: Survey, unit_ids: set[int] | None, period: Period) -> SurveyResults:
    """Counts and shares per answer, Likert distributions and means, number summaries and the
    listed texts, over the responses in scope.

    At most five queries, plus one per conditional question (how many it was asked: the
    denominator of its shares). The big one, GROUP BY (question, choice), reads only the
    covering index of the answers; the others read the rows of some questions only.
    """
    where = scope(survey, unit_ids, period)
    questions = questions_of(survey)
    total = db.session.scalar(select(func.count(SurveyResponse.id)).where(where)) or 0
    counts: dict[str, dict[str | None, int]] = {}
    for qid, choice, count in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.choice_id, func.count())
        .join(SurveyResponse, ANSWER_OF_RESPONSE)
        .where(where)
        .group_by(SurveyAnswer.question_id, SurveyAnswer.choice_id)
    ):
        counts.setdefault(qid, {})[choice] = count
    # One row per response, except multiple choices: count their respondents apart.
    answered = {qid: sum(by_choice.values()) for qid, by_choice in counts.items()}
    several = [q.id for q in questions if q.several_rows]
    if several:
        answered.update(
            db.session.execute(
                select(
                    SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id))
                )
                .join(SurveyResponse, ANSWER_OF_RESPONSE)
                .where(where, SurveyAnswer.question_id.in_(several))
                .group_by(SurveyAnswer.question_id)
            ).all()
        )
    numbers = _histograms([q.id for q in questions if q.kind == "number"], where)
    texts = _listed_texts(survey, [q.id for q in questions if q.kind == "text"], where)
    rules = conditions(questions)
    found = []
    for number, question in enumerate(questions, start=1):
        result = QuestionResult(number, question.id, question.kind, question.text)
        result.answered = answered.get(question.id, 0)
        if question.id in rules:
            result.condition = rules[question.id]
            result.asked = _asked(question.id, rules[question.id], where)
        by_choice = counts.get(question.id, {})
        if question.kind == "likert":
            _likert(result, question, by_choice)
        elif question.kind in CHOICE_KINDS:
            _choices(result, question, by_choice)
            result.texts_total = by_choice.get(OTHER, 0)  # "other" always carries its text
            result.texts = texts.get((question.id, OTHER), [])
        elif question.kind == "number":
            result.numbers = summarise(numbers.get(question.id, []))
        else:
            result.texts_total = by_choice.get(None, 0)
            result.texts = texts.get((question.id, None), [])
        found.append(result)
    return SurveyResults(survey, total, found)


def _asked(question_id: str, condition: Condition, where) -> int:
    """How many responses in scope a conditional question was asked: those whose answer to
    the earlier question holds one of the condition's choices, and any that answered it (an
    older version may have asked it of everyone). One query per conditional question."""
    qualifies = and_(
        SurveyAnswer.question_id == condition.question_id,
        SurveyAnswer.choice_id.in_(condition.choice_ids),
    )
    return (
        db.session.scalar(
            select(func.count(func.distinct(SurveyAnswer.response_id)))
            .join(SurveyResponse, ANSWER_OF_RESPONSE)
            .where(where, or_(qualifies, SurveyAnswer.question_id == question_id))
        )
        or 0
    )


def _base(result: QuestionResult) -> int:
    """The denominator of a question's shares: those it was asked (a conditional question),
    else those who answered it."""
    return result.asked if result.asked is not None else result.answered


def _histograms(question_ids: list[str], where) -> dict[str, list[tuple[float, int]]]:
    """(value, how many) per number question: the median without fetching every value."""
    if not question_ids:
        return {}
    histograms: dict[str, list[tuple[float, int]]] = {}
    for qid, value, count in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.number_value, func.count())
        .join(SurveyResponse, ANSWER_OF_RESPONSE)
        .where(where, SurveyAnswer.question_id.in_(question_ids))
        .where(SurveyAnswer.number_value.is_not(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.number_value)
    ):
        histograms.setdefault(qid, []).append((value, count))
    return histograms


def _share(count: int, of: int) -> float:
    return count / of if of else 0.0


def _likert(result: QuestionResult, question: Question, counts: dict[str, int]) -> None:
    result.tallies = [
        Tally(
            key, question.labels[i], counts.get(key, 0), _share(counts.get(key, 0), _base(result))
        )
        for i, key in enumerate(LIKERT_KEYS)
    ]
    points = sum(counts.get(key, 0) for key in LIKERT_KEYS)
    if points:
        result.mean = sum(int(key) * counts.get(key, 0) for key in LIKERT_KEYS) / points


def _choices(result: QuestionResult, question: Question, counts: dict[str, int]) -> None:
    labels = dict(question.choices)
    if question.other or OTHER in counts:
        labels[OTHER] = OTHER_RESULT_LABEL
    for key in counts:  # answers to choices no version lists any more: shown by their id
        labels.setdefault(key, key)
    result.tallies = [
        Tally(key, label, counts.get(key, 0), _share(counts.get(key, 0), _base(result)))
        for key, label in labels.items()
    ]


def summarise(histogram: list[tuple[float, int]]) -> NumberSummary | None:
    """Count, min, median, mean and max from (value, how many) pairs."""
    values = sorted((float(v), c) for v, c in histogram if c)
    count = sum(c for _v, c in values)
    if not count:
        return None

    def nth(k: int) -> float:  # the k-th value (0-based) in sorted order
        seen = 0
        for value, c in values:
            seen += c
            if k < seen:
                return value
        return values[-1][0]

    middle = count // 2
    median = nth(middle) if count % 2 else (nth(middle - 1) + nth(middle)) / 2
    mean = sum(v * c for v, c in values) / count
    return NumberSummary(count, values[0][0], median, mean, values[-1][0])


def _listed_texts(
    survey: Survey, text_questions: list[str], where
) -> dict[tuple[str, str | None], list[TextAnswer]]:
    """Up to TEXT_LIMIT texts per (question, choice): newest first for named surveys, in
    text order for anonymous ones (their order must say nothing about when they came)."""
    named = not survey.anonymous
    if named:
        order = (SurveyResponse.updated_at.desc(), SurveyResponse.id.desc())
    else:
        order = (SurveyAnswer.text_value,)
    rank = func.row_number().over(
        partition_by=(SurveyAnswer.question_id, SurveyAnswer.choice_id), order_by=order
    )
    columns = [SurveyAnswer.question_id, SurveyAnswer.choice_id, SurveyAnswer.text_value]
    if named:
        columns.append(SurveyResponse.submitted_on)
    inner = (
        select(*columns, rank.label("rank"))
        .join(SurveyResponse, ANSWER_OF_RESPONSE)
        .where(where, SurveyAnswer.text_value.is_not(None), SurveyAnswer.text_value != "")
        .where(or_(SurveyAnswer.question_id.in_(text_questions), SurveyAnswer.choice_id == OTHER))
        .subquery()
    )
    shown = [inner.c.question_id, inner.c.choice_id, inner.c.text_value]
    if named:
        shown.append(inner.c.submitted_on)
    rows = db.session.execute(
        select(*shown)
        .where(inner.c.rank <= TEXT_LIMIT)
        .order_by(inner.c.question_id, inner.c.choice_id, inner.c.rank)
    )
    listed: dict[tuple[str, str | None], list[TextAnswer]] = {}
    for qid, choice, text, *day in rows:
        listed.setdefault((qid, choice), []).append(TextAnswer(text, day[0] if day else None))
    return listed


@dataclass
class ExportRow:
    unit: str
    respondent: str | None  # named surveys only
    answered_at: dt.datetime | None  # naive UTC, last change; named surveys only
    values: list  # one per question: text, a number, a Likert point, or None


@dataclass
class ExportTable:
    questions: list[Question]
    rows: Iterator[ExportRow]  # read once, fetched in batches as they are read
    # The conditional questions' conditions by question id: their cells stay empty for the
    # responses they were not asked.
    conditions: dict[str, Condition] = field(default_factory=dict)


def export_count(survey: Survey, unit_ids: set[int] | None, period: Period) -> int:
    """How many rows the export of these responses has (one per response)."""
    where = scope(survey, unit_ids, period)
    return db.session.scalar(select(func.count(SurveyResponse.id)).where(where)) or 0


def export_table(survey: Survey, unit_ids: set[int] | None, period: Period) -> ExportTable:
    """One row per response in scope, a value per question, from one query read in batches
    of BATCH_ROWS (a server-side cursor on PostgreSQL): the rows are made as they are read.

    Named surveys: the respondent and the time, in time order. Anonymous surveys: neither
    (nor any response id), sorted by unit and answers. Multiple choices are joined in the
    survey's order, "other" last with its text.
    """
    questions = questions_of(survey)
    rows = _export_rows(not survey.anonymous, questions, scope(survey, unit_ids, period))
    if survey.anonymous:
        rows = _sorted_within_units(rows)
    return ExportTable(questions, rows, conditions(questions))


def _codepoint_order(column):
    """`column` ordered by code point, as Python sorts text (SQLite's default; PostgreSQL's
    database collation may differ, so it is told)."""
    return column.collate("C") if db.engine.dialect.name == "postgresql" else column


def _export_rows(named: bool, questions: list[Question], where) -> Iterator[ExportRow]:
    """The responses with their answers, one joined row per answer, grouped back into one
    ExportRow per response (its answer rows come together: the order ends with its id).

    Made as they are read, after the view has returned (a streamed response): so nothing
    here touches an object the view loaded, only plain values."""
    columns = {q.id: i for i, q in enumerate(questions)}
    # Per question, each choice's place and label, as text once (not once per row).
    other = str(OTHER_RESULT_LABEL)
    choice_info = {
        q.id: {c: (i, str(label)) for i, (c, label) in enumerate(q.choices.items())}
        | {OTHER: (len(q.choices), other)}
        for q in questions
    }
    likert = {q.id for q in questions if q.kind == "likert"}
    unit_name = func.coalesce(Unit.name, "")
    selected = [SurveyResponse.id, unit_name]
    if named:
        selected += [Participant.display_name, SurveyResponse.updated_at]
    selected += [
        SurveyAnswer.question_id,
        SurveyAnswer.choice_id,
        SurveyAnswer.number_value,
        SurveyAnswer.text_value,
    ]
    query = (
        select(*selected)
        .select_from(SurveyResponse)
        .outerjoin(Unit, SurveyResponse.unit_id == Unit.id)
        .outerjoin(SurveyAnswer, ANSWER_OF_RESPONSE)
        .where(where)
    )
    if named:
        query = query.outerjoin(Participant, SurveyResponse.participant_id == Participant.id)
        query = query.order_by(SurveyResponse.updated_at, SurveyResponse.id)
    else:
        query = query.order_by(_codepoint_order(unit_name), SurveyResponse.id)
    width = len(questions)
    current, row, chosen = None, None, {}
    result = db.session.execute(query, execution_options={"yield_per": BATCH_ROWS})
    for response_id, unit, *rest in result:
        respondent, when = (rest[0], rest[1]) if named else (None, None)
        qid, choice, number, text = rest[-4:]
        if response_id != current:
            if row is not None:
                yield _joined(row, chosen)
            current, row, chosen = (
                response_id,
                ExportRow(unit, respondent, when, [None] * width),
                {},
            )
        index = columns.get(qid)
        if index is None:  # no answer at all, or a question no version has
            continue
        if choice is None:
            if number is not None:
                value = int(number) if float(number).is_integer() else float(number)
            else:
                value = text
            row.values[index] = value
        elif qid in likert and choice in LIKERT_KEYS:
            row.values[index] = int(choice)
        else:
            place, label = choice_info[qid].get(choice, (len(choice_info[qid]), choice))
            shown = f"{label}: {text}" if choice == OTHER and text else label
            chosen.setdefault(index, []).append((place, shown))
    if row is not None:
        yield _joined(row, chosen)


def _joined(row: ExportRow, chosen: dict[int, list[tuple[int, str]]]) -> ExportRow:
    """The row with its multiple choices joined in the survey's order."""
    for index, parts in chosen.items():
        row.values[index] = "; ".join(shown for _place, shown in sorted(parts))
    return row


def _sorted_within_units(rows: Iterator[ExportRow]) -> Iterator[ExportRow]:
    """Rows that come by unit, each unit's sorted by its answers: only one unit's rows are
    held at a time."""
    for _unit, group in itertools.groupby(rows, key=lambda row: row.unit):
        yield from sorted(
            group, key=lambda row: tuple("" if v is None else str(v) for v in row.values)
        )
