"""Writing topics (a lesson and its quiz) and surveys in the browser.

The editor works on a draft (models.ContentDraft) that holds the item exactly as a content file
would (services/content/exporter gives that form for a live item), valid or not. Publishing
validates it with the same schema as `flask content check` and applies it with the same loader
functions: a changed quiz or survey becomes a new version, attempts and responses keep theirs,
and the item is marked as edited so that loading the bundled files again leaves it alone.

Who may do what: an admin everything; a teacher only topics they own that are not yet
commune-wide (an admin's promotion makes them the commune's).

Communes: a commune's new item carries its `commune_id` and no other commune sees it. When a
commune edits a province item (services/content/resolve.shadow_commune says when), its draft
is the commune's own, and publishing writes the commune's shadow lesson and its own quiz or
survey version: the province's rows, and every other commune's learners, are untouched.
"""

import contextlib
import copy
import datetime as dt
import re
import string
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from extensions import db
from models import AuditEvent, ContentDraft, Lesson, Quiz, StaffUser, Survey
from models.base import utcnow
from services.common.errors import InvalidInput
from services.common.text import slugify
from services.content import diff as content_diff
from services.content import exporter as content_export
from services.content import guard as content_guard
from services.content import loader as content_loader
from services.content import resolve, survey_content
from services.content.schema import AUDIO_LANGUAGES, TOPIC_ID
from services.org import audit

KINDS = ("topic", "survey")
DATE_KEYS = ("facts_checked", "opens", "closes")
QUESTION_ID = re.compile(r"^cau-(\d+)$")
NEW_POSITION_GAP = 1  # a new item goes after the last one


class NotPublishable(Exception):
    """The draft has errors (SchemaError list); nothing was published."""

    def __init__(self, errors: list):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class Item:
    """A topic or a survey as the editor sees it: its live rows, its draft, or both."""

    kind: str
    slug: str
    live: Lesson | Survey | None
    draft: ContentDraft | None
    # The commune whose version this is (None: the province's item itself, or its owner's).
    commune_id: int | None = None

    @property
    def commune_edit(self) -> bool:
        """A commune's edit of a province item: published as that commune's version."""
        live = self.live
        return self.commune_id is not None and live is not None and live.commune_id is None

    @property
    def is_new(self) -> bool:
        """Never published: it exists only as a draft."""
        return self.live is None

    @property
    def status(self) -> str:
        return "draft" if self.live is None else self.live.status

    @property
    def has_changes(self) -> bool:
        """Published, with changes not yet published."""
        return self.live is not None and self.draft is not None

    @property
    def fingerprint(self) -> str:
        """The state a page showed: a button pressed on an older page is refused."""
        saved = self.draft.updated_at.isoformat() if self.draft is not None else "-"
        return f"{self.status}|{saved}|{int(self.commune_wide)}"

    @property
    def owner_id(self) -> int | None:
        if self.kind == "survey":
            return None
        return self.live.owner_id if self.live is not None else self.draft.owner_id

    @property
    def owner(self) -> StaffUser | None:
        return db.session.get(StaffUser, self.owner_id) if self.owner_id else None

    @property
    def commune_wide(self) -> bool:
        if self.kind == "survey":
            return True
        return self.live.commune_wide if self.live is not None else self.draft.commune_wide

    @property
    def title(self) -> str:
        if self.draft is not None:
            return str(self.draft.data.get("title") or self.slug)
        return self.live.title

    @property
    def all_versions(self) -> list:
        """Every version, the province's and every commune's (ids are never reused across)."""
        if self.live is None:
            return []
        if self.kind == "survey":
            return list(self.live.versions)
        return list(self.live.quiz.versions) if self.live.quiz is not None else []

    @property
    def versions(self) -> list:
        """The versions this editor's learners have answered: the province's, and for a
        commune's edit that commune's own (never another commune's)."""
        return [v for v in self.all_versions if v.commune_id in (None, self.commune_id)]

    def published_data(self) -> dict | None:
        """The live item as a content file's mapping (dates as ISO text), None if new; for a
        commune's edit, as that commune's learners see it."""
        if self.live is None:
            return None
        if self.kind == "survey":
            version = resolve.survey_version_for(self.live, self.commune_id)
            return to_json(content_export.survey_document(self.live, version))
        if not self.commune_edit:
            return to_json(content_export.topic_document(self.live))
        quiz = self.live.quiz
        version = resolve.quiz_version_for(quiz, self.commune_id) if quiz is not None else None
        text = resolve.lesson_for(self.live, self.commune_id)
        return to_json(content_export.topic_document(text, quiz, version))

    def data(self) -> dict:
        """What the editor shows: the draft, or else the published item."""
        return self.draft.data if self.draft is not None else self.published_data()


def to_json(data: dict) -> dict:
    """A content mapping as stored in a draft: dates as ISO text."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


def from_json(data: dict) -> dict:
    """A draft as the schema reads a file: valid ISO dates become dates again."""
    parsed = dict(data)
    for key in DATE_KEYS:
        value = parsed.get(key)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # else left as text: the schema says so
                parsed[key] = dt.date.fromisoformat(value)
    return parsed


def _live(kind: str, slug: str) -> Lesson | Survey | None:
    model = Survey if kind == "survey" else Lesson
    return model.query.filter_by(slug=slug).one_or_none()


def _draft_commune(live: Lesson | Survey | None, user: StaffUser) -> int | None:
    """Whose draft of the item `user` works on: the owning commune's for a commune's own
    item, the user's commune for a commune edit of a province item, else the province's."""
    if live is None:
        return user.commune_id
    if live.commune_id is not None:
        return live.commune_id
    return resolve.shadow_commune(user)


def _same_commune(column, commune_id: int | None):
    return column.is_(None) if commune_id is None else column == commune_id


def find(kind: str, slug: str, user: StaffUser | None = None) -> Item | None:
    """The topic or survey with this id, if it exists in either form; as `user` works on it
    (their commune's own item or version; another commune's own item is not found)."""
    if kind not in KINDS or not isinstance(slug, str) or len(slug) > 60:
        return None
    if user is None:
        live = _live(kind, slug)
        draft = ContentDraft.query.filter_by(kind=kind, slug=slug).first()
        commune_id = None
    else:
        live = resolve.by_slug(Survey if kind == "survey" else Lesson, slug, user.commune_id)
        commune_id = _draft_commune(live, user)
        draft = ContentDraft.query.filter_by(kind=kind, slug=slug).filter(
            _same_commune(ContentDraft.commune_id, commune_id)
        )
        draft = draft.first()
        if live is None and draft is None and commune_id is not None:  # drafted before M5
            draft = ContentDraft.query.filter_by(kind=kind, slug=slug, commune_id=None).first()
    if live is None and draft is None:
        return None
    edit_of = commune_id if live is None or live.commune_id is None else None
    return Item(kind, slug, live, draft, edit_of)


def items_for(user: StaffUser) -> list[Item]:
    """The items this staff member may work on, in curriculum order, new drafts last."""
    drafts = {
        (d.kind, d.slug, d.commune_id): d for d in ContentDraft.query.order_by(ContentDraft.id)
    }
    mine = resolve.visible_to_commune
    lessons = Lesson.query.options(selectinload(Lesson.quiz).selectinload(Quiz.versions))
    lessons = lessons.filter(mine(Lesson, user.commune_id))
    surveys = Survey.query.options(selectinload(Survey.versions))
    surveys = surveys.filter(mine(Survey, user.commune_id))
    if user.role != "admin":
        lessons = lessons.filter(Lesson.owner_id == user.id)
        surveys = surveys.filter(db.false())
    items = []
    for kind, rows in (
        ("topic", lessons.order_by(Lesson.position, Lesson.id)),
        ("survey", surveys.order_by(Survey.position, Survey.id)),
    ):
        for row in rows:
            commune_id = _draft_commune(row, user)
            draft = drafts.pop((kind, row.slug, commune_id), None)
            edit_of = commune_id if row.commune_id is None else None
            items.append(Item(kind, row.slug, row, draft, edit_of))
    items += [
        Item(kind, slug, None, draft, commune_id)
        for (kind, slug, commune_id), draft in drafts.items()
        if commune_id is None or commune_id == user.commune_id
    ]
    return [item for item in items if can_edit(user, item)]


def can_create(user: StaffUser, kind: str) -> bool:
    return user.role == "admin" or (user.role == "teacher" and kind == "topic")


def can_edit(user: StaffUser, item: Item) -> bool:
    """Admin: everything. Teacher: their own topics until they become commune-wide."""
    if user.role == "admin":
        return True
    return (
        user.role == "teacher"
        and item.kind == "topic"
        and item.owner_id == user.id
        and not item.commune_wide
    )


RESERVED_SLUGS = {"new"}  # /staff/content/<kind>/new is the page that creates one


def slug_taken(slug: str) -> bool:
    """Topic and survey ids share one namespace, as in the content files."""
    return slug in RESERVED_SLUGS or any(
        db.session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.slug == slug)
            .execution_options(all_communes=True)  # slugs are unique across communes
        )
        for model in (Lesson, Survey, ContentDraft)
    )


def free_slug(title: str) -> str:
    """A new item's id from its title, made unique with a number when needed."""
    base = slugify(title, 50) or "bai-moi"
    if len(base) < 3:
        base = f"bai-{base}"
    slug, n = base, 2
    while slug_taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def blank(kind: str, slug: str, today: dt.date) -> dict:
    """A new item's starting point: the required fields, empty."""
    if kind == "survey":
        return {
            "kind": "survey",
            "id": slug,
            "title": "",
            "summary": "",
            "audience": [],
            "anonymous": False,
            "reach": False,
            "questions": [],
        }
    return {
        "kind": "topic",
        "id": slug,
        "title": "",
        "summary": "",
        "topic": "",
        "audience": [],
        "minutes": 5,
        "facts_checked": today.isoformat(),
        "sources": [],
        "lesson": {"body": ""},
        "quiz": {"pass_mark": 75, "max_attempts": 0, "questions": []},
    }


def create(kind: str, data: dict, user: StaffUser, ip: str | None = None) -> Item:
    """A new draft topic or survey owned by `user` (a teacher's topic is for their classes).

    InvalidInput ("slug": "taken") when another topic or survey already uses the id."""
    slug = data["id"]
    if not isinstance(slug, str) or not TOPIC_ID.match(slug) or slug_taken(slug):
        raise InvalidInput.of("slug", "taken", slug=slug)
    draft = ContentDraft(
        kind=kind,
        slug=slug,
        data=data,
        owner_id=user.id if kind == "topic" else None,
        commune_wide=user.role == "admin",
        updated_by_id=user.id,
        commune_id=user.commune_id,  # the commune's own item (None: the province's)
    )
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError as exc:  # created by someone else a moment ago
        raise InvalidInput.of("slug", "taken", slug=slug) from exc
    audit.record(user, "content_created", f"{kind}:{slug}", ip, kind=kind)
    return Item(kind, slug, None, draft, user.commune_id)


def save(item: Item, data: dict, user: StaffUser) -> ContentDraft:
    """Keep what the editor holds as the item's draft (valid or not; learners never see it)."""
    data = {**data, "kind": item.kind, "id": item.slug}  # the id never changes
    if item.draft is None:
        item.draft = ContentDraft(
            kind=item.kind,
            slug=item.slug,
            owner_id=item.owner_id,
            commune_wide=item.commune_wide,
            commune_id=item.commune_id if item.live is None else _live_commune(item),
        )
        db.session.add(item.draft)
    item.draft.data = data
    item.draft.updated_by_id = user.id
    item.draft.updated_at = utcnow()
    db.session.flush()
    return item.draft


def _live_commune(item: Item) -> int | None:
    """The commune of a published item's draft: its owner's, or the commune editing it."""
    return item.live.commune_id if item.live.commune_id is not None else item.commune_id


def record_audio(
    item: Item, lang: str, path: str, reader: str, user: StaffUser, size: int, ip=None
) -> ContentDraft:
    """A stored recording (`path`, "uploads/<hash>.<ext>") becomes the lesson's audio in
    `lang` in the draft, read by `reader` (a name, already checked), recorded now. The other
    languages' recordings and readers are kept; learners hear it once the draft is published."""
    assert item.kind == "topic" and lang in AUDIO_LANGUAGES
    data = copy.deepcopy(item.data())
    lesson = data.setdefault("lesson", {})
    audio = lesson.get("audio")
    audio = {"vi": audio} if isinstance(audio, str) else dict(audio or {})
    audio[lang] = path
    lesson["audio"] = {k: audio[k] for k in AUDIO_LANGUAGES if k in audio} | audio
    when = utcnow().replace(tzinfo=dt.UTC).isoformat(timespec="seconds")
    credits = dict(lesson.get("audio_credits") or {})
    credits[lang] = {"by": reader, "recorded_at": when}
    lesson["audio_credits"] = {k: credits[k] for k in AUDIO_LANGUAGES if k in credits} | credits
    draft = save(item, data, user)
    audit.record(
        user,
        "lesson_audio_recorded",
        f"topic:{item.slug}",
        ip,
        lang=lang,
        reader=reader,
        file=path,
        bytes=size,
    )
    return draft


def errors(kind: str, data: dict, content_dir: Path) -> list:
    """The schema's errors for a draft, exactly as `flask content check` finds them, and the
    changes published answers cannot survive (services/content/guard.py), as `content load`
    refuses them."""
    name = f"{kind}:{data.get('id')}"
    parsed = from_json(data)
    found = content_loader.validate(parsed, name, content_dir / "media")
    return found + content_guard.conflicts(parsed, name)


def publish(item: Item, user: StaffUser, content_dir: Path, ip: str | None = None) -> list:
    """Publish the draft (or a withdrawn item as it was); returns the changes made.

    Raises NotPublishable with the schema's errors when the draft is not valid.
    """
    if item.draft is None:
        if item.live is None or item.live.is_published:
            return []
        item.live.status = "published"
        item.live.edited_at = utcnow()
        audit.record(user, "content_published", f"{item.kind}:{item.slug}", ip, changes=[])
        return []
    found = errors(item.kind, item.draft.data, content_dir)
    if found:
        raise NotPublishable(found)
    before = item.published_data()
    data = from_json(item.draft.data)
    result = content_loader.LoadResult()
    if item.commune_edit:
        return _publish_commune_edit(item, data, before, user, ip)
    position = item.live.position if item.live is not None else _next_position()
    if item.kind == "survey":
        live = survey_content.load_survey(data, position, result, created_by=user)
    else:
        live = content_loader.apply_topic(data, position, result, created_by=user)
        if item.live is None:
            live.owner_id = item.draft.owner_id
            live.commune_wide = item.draft.commune_wide
            live.commune_id = live.quiz.commune_id = item.draft.commune_id
    if item.live is None and item.kind == "survey":
        live.commune_id = item.draft.commune_id
    live.status = "published"
    live.edited_at = utcnow()
    db.session.delete(item.draft)
    db.session.flush()
    item.live, item.draft = live, None
    changed = content_diff.changes(before, to_json(data))
    version = item.versions[-1].number if item.versions else None
    audit.record(
        user, "content_published", f"{item.kind}:{item.slug}", ip, version=version, changes=changed
    )
    return changed


def _publish_commune_edit(item: Item, data: dict, before, user: StaffUser, ip) -> list:
    """A commune's edit of a province item becomes its shadow lesson and its own quiz
    version (a survey: its own version): only that commune's learners see it."""
    result = content_loader.LoadResult()
    if item.kind == "survey":
        survey_content.load_commune_version(item.live, data, item.commune_id, result, user)
    else:
        content_loader.apply_commune_topic(item.live, data, item.commune_id, result, user)
    db.session.delete(item.draft)
    db.session.flush()
    item.draft = None
    changed = content_diff.changes(before, to_json(data))
    mine = [v for v in item.all_versions if v.commune_id == item.commune_id]
    audit.record(
        user,
        "content_published",
        f"{item.kind}:{item.slug}",
        ip,
        version=mine[-1].number if mine else None,
        changes=changed,
        commune=item.commune_id,
    )
    return changed


def _next_position() -> int:
    highest = max(
        db.session.scalar(select(func.max(Lesson.position))) or 0,
        db.session.scalar(select(func.max(Survey.position))) or 0,
    )
    return highest + NEW_POSITION_GAP


def withdraw(item: Item, user: StaffUser, ip: str | None = None) -> None:
    """Take a published item back to draft: learners no longer see it; results stay."""
    if item.live is None or not item.live.is_published:
        return
    item.live.status = "draft"
    item.live.edited_at = utcnow()
    audit.record(user, "content_withdrawn", f"{item.kind}:{item.slug}", ip)


def discard(item: Item, user: StaffUser, ip: str | None = None) -> None:
    """Drop the unpublished changes (and a never-published item with them)."""
    if item.draft is None:
        return
    db.session.delete(item.draft)
    item.draft = None
    audit.record(user, "content_draft_discarded", f"{item.kind}:{item.slug}", ip)


def promote(item: Item, user: StaffUser, ip: str | None = None) -> None:
    """An admin makes a teacher's topic the whole commune's."""
    if item.live is not None:
        item.live.commune_wide = True
        item.live.edited_at = utcnow()
    if item.draft is not None:
        item.draft.commune_wide = True
    audit.record(user, "content_promoted", f"{item.kind}:{item.slug}", ip)


def history(item: Item) -> list[AuditEvent]:
    """Every staff action on the item, newest first."""
    return (
        AuditEvent.query.filter_by(target=f"{item.kind}:{item.slug}")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .all()
    )


def _version_document(kind: str, definition: dict) -> dict:
    """A version's definition in the shape of a content file, to compare versions."""
    translations = definition.get("translations") or {}
    if kind == "survey":
        questions = definition["questions"]
        return {"kind": "survey", "questions": questions, "translations": translations}
    quiz = {k: v for k, v in definition.items() if k != "translations"}
    return {"kind": "topic", "quiz": quiz, "translations": translations}


def version_changes(item: Item) -> list[tuple]:
    """(version, what changed in it since the version before), newest first."""
    rows, previous = [], None
    for version in item.versions:
        document = _version_document(item.kind, version.definition)
        rows.append((version, content_diff.changes(previous, document)))
        previous = document
    return rows[::-1]


def used_question_ids(item: Item) -> set[str]:
    """Every question id this item has ever published (a new question never reuses one)."""
    used: set[str] = set()
    for version in item.all_versions:
        used.update(q["id"] for q in version.questions)
    return used


def new_question_id(taken: set[str]) -> str:
    """'cau-N' with the smallest N above every number already used."""
    numbers = [int(m.group(1)) for qid in taken if (m := QUESTION_ID.match(str(qid)))]
    return f"cau-{max(numbers, default=0) + 1}"


def new_choice_id(taken: set[str]) -> str:
    for letter in string.ascii_lowercase:
        if letter not in taken:
            return letter
    n = len(taken) + 1
    while f"c{n}" in taken:
        n += 1
    return f"c{n}"


def choice_ids_used(item: Item, question_id: str) -> set[str]:
    """The choice ids a question has had in any published version."""
    used: set[str] = set()
    for version in item.all_versions:
        for question in version.questions:
            if question["id"] == question_id:
                used.update(c["id"] for c in question.get("choices", []))
    return used
