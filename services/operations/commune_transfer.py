"""Moving one commune whole between deployments: `flask communes export` / `import`.

The file is one versioned JSON document: the commune's rows of every table it owns (its units,
its `communes` row, people, visits, attempts and answers, scans, posters, certificates, survey
responses and answers, roster, assignments, activities and their evidence files, targets,
half-year reports, staff with their password hashes, teacher classes, audit events, the serial
counters of its prefix), each table as columns and rows. The curriculum is the province's, so
rows name the lessons, quizzes, surveys, courses and versions they point at by slug (and version
number), and the import finds them by slug in the deployment it goes into.

An import gives every row a new integer id (and remaps every reference to it) but keeps every
code as it was: poster codes, class join codes, certificate serials and verification codes,
attempt public ids and tokens, usernames. So the printed QR codes and certificates keep
working. It refuses, before writing anything, a file of another format or version, a column the
schema does not have, a missing lesson/quiz/survey, and any code (or the commune's code, prefix
or host) already used here. Office settings are deployment-wide until settings per commune
land: they are written to the file but not imported.

Only tables and columns are read here (the models' metadata, through Core), so the module knows
no domain service; the caller commits (or rolls back on TransferError).
"""

import base64
import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import (
    Date,
    DateTime,
    LargeBinary,
    Numeric,
    Table,
    bindparam,
    insert,
    select,
    tuple_,
    update,
)

from extensions import db

FORMAT = "lantoa-commune"
VERSION = 1
CHUNK = 500  # values per IN (…) when looking for codes already used

# The curriculum a commune's rows point at, found by its natural key: (table, key columns),
# a key column being ("parent table", "fk column") for a version's lesson or survey.
CONTENT: dict[str, tuple] = {
    "lessons": ("slug",),
    "quizzes": ("slug",),
    "surveys": ("slug",),
    "courses": ("slug",),
    "quiz_versions": (("quizzes", "quiz_id"), "number"),
    "survey_versions": (("surveys", "survey_id"), "number"),
}
# JSON lists of curriculum ids: (table, column) → the curriculum table.
JSON_REFERENCES: dict[tuple[str, str], str] = {
    ("targets", "quiz_ids"): "quizzes",
    ("targets", "course_ids"): "courses",
}
# Rows reached through a parent the commune owns: table → (its column, the parent table).
CHILDREN: dict[str, tuple[str, str]] = {
    "answers": ("attempt_id", "attempts"),
    "survey_answers": ("response_id", "survey_responses"),
    "consents": ("participant_id", "participants"),
    "activity_evidence": ("activity_id", "activities"),
    "indicator_people": ("unit_id", "units"),
    "teacher_classes": ("staff_id", "staff_users"),
}
# What never moves: sessions and jobs are this deployment's, login failures are by address,
# drafts and course items are the curriculum's.
NOT_MOVED = {"staff_sessions", "jobs", "login_failures", "content_drafts", "course_items"}
SETTINGS = "office_settings"  # deployment-wide today: exported, not imported
COUNTERS = "certificate_serial_counters"


class TransferError(Exception):
    """Why a commune cannot be exported or imported (nothing was written): a code and the
    values its message needs; the command line words it for the operator."""

    def __init__(self, reason: str, **params):
        super().__init__(reason, params)
        self.reason = reason
        self.params = params


# --- which rows are the commune's ------------------------------------------------------------


def _tables() -> dict[str, Table]:
    return {table.name: table for table in db.metadata.sorted_tables}


def _moved_tables() -> list[Table]:
    """The tables a commune's export holds, parents first."""
    return [
        table
        for table in db.metadata.sorted_tables
        if table.name not in NOT_MOVED
        and table.name not in CONTENT
        and table.name != SETTINGS
        and (
            "commune_id" in table.c
            or table.name in CHILDREN
            or table.name in ("communes", COUNTERS)
        )
    ]


def _selection(table: Table, commune_id: int, prefix: str):
    """The select of the commune's rows of `table`."""
    tables = _tables()
    if table.name == "communes":
        return select(table).where(table.c.unit_id == commune_id)
    if table.name == COUNTERS:
        return select(table).where(table.c.prefix == prefix)
    if table.name in CHILDREN:
        column, parent = CHILDREN[table.name]
        owner = tables[parent]
        ids = select(owner.c.id).where(owner.c.commune_id == commune_id)
        return select(table).where(table.c[column].in_(ids))
    return select(table).where(table.c.commune_id == commune_id)


def _order(table: Table) -> list:
    return [column for column in table.primary_key.columns]


# --- values in JSON ----------------------------------------------------------------------------


def _encode(column, value):
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        return value.isoformat()
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(kind, Numeric) and isinstance(value, Decimal):
        return str(value)
    return value


def _decode(column, value):
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


# --- references --------------------------------------------------------------------------------


def _space(column) -> str:
    """The id space a column's values live in: the table whose `id` they are. A commune's id
    is its unit's, so `communes.unit_id` and every `commune_id` are in the space of units."""
    singles = [fk for fk in column.foreign_keys if len(fk.constraint.elements) == 1]
    if singles:
        return _space(singles[0].column)
    return column.table.name


def _references(table: Table) -> dict[str, str]:
    """Column → the id space it points into, for every column that references a row."""
    found = {}
    for column in table.columns:
        if column.foreign_keys:
            found[column.name] = _space(column)
    return found


def _own_id(table: Table) -> bool:
    """Whether the table's rows get a new id of their own on import (an integer `id` key)."""
    keys = list(table.primary_key.columns)
    return len(keys) == 1 and keys[0].name == "id" and not keys[0].foreign_keys


# --- export ------------------------------------------------------------------------------------


def _commune(code: str):
    communes, units = _tables()["communes"], _tables()["units"]
    row = db.session.execute(
        select(communes, units.c.name, units.c.parent_id)
        .join(units, units.c.id == communes.c.unit_id)
        .where(communes.c.code == code)
    ).first()
    if row is None:
        raise TransferError("no_commune", code=code)
    return row


def _content_keys(needed: dict[str, set[int]]) -> dict[str, dict[str, list]]:
    """For each curriculum table, id → its natural key, for the ids the rows point at."""
    tables = _tables()
    keys: dict[str, dict[str, list]] = {}
    # Versions name their quiz or survey, so those are looked up after.
    for name in ("quiz_versions", "survey_versions"):
        table = tables[name]
        parent_column = CONTENT[name][0][1]
        for row in _rows_by_id(table, needed.get(name, set())):
            needed.setdefault(CONTENT[name][0][0], set()).add(row[parent_column])
    for name in ("lessons", "quizzes", "surveys", "courses"):
        keys[name] = {
            str(row["id"]): [row["slug"]] for row in _rows_by_id(tables[name], needed.get(name, ()))
        }
    for name in ("quiz_versions", "survey_versions"):
        (parent, column), number = CONTENT[name]
        keys[name] = {
            str(row["id"]): [keys[parent][str(row[column])][0], row[number]]
            for row in _rows_by_id(tables[name], needed.get(name, ()))
        }
    return keys


def _rows_by_id(table: Table, ids: Iterable[int]) -> list:
    ids = sorted(ids)
    found = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found += db.session.execute(select(table).where(table.c.id.in_(chunk))).mappings().all()
    return found


def export_commune(code: str, path: Path) -> dict[str, int]:
    """Write the commune `code` to `path`; the number of rows per table."""
    commune = _commune(code)
    commune_id, prefix = commune.unit_id, commune.serial_prefix
    data: dict = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(),
        "commune": {
            "code": commune.code,
            "name": commune.name,
            "serial_prefix": prefix,
            "unit_id": commune_id,
            "province_id": commune.parent_id,
            "province_name": _unit_name(commune.parent_id),
        },
        "tables": {},
    }
    needed: dict[str, set[int]] = {}
    counts = {}
    for table in _moved_tables():
        refs = _references(table)
        content_columns = [c for c, space in refs.items() if space in CONTENT]
        lists = {c: t for (name, c), t in JSON_REFERENCES.items() if name == table.name}
        rows = db.session.execute(_selection(table, commune_id, prefix).order_by(*_order(table)))
        columns = [column.name for column in table.columns]
        encoded = []
        for row in rows.mappings():
            encoded.append([_encode(table.c[name], row[name]) for name in columns])
            for name in content_columns:
                if row[name] is not None:
                    needed.setdefault(refs[name], set()).add(row[name])
            for name, target in lists.items():
                needed.setdefault(target, set()).update(row[name] or ())
        data["tables"][table.name] = {"columns": columns, "rows": encoded}
        counts[table.name] = len(encoded)
    data["content"] = _content_keys(needed)
    settings_table = _tables()[SETTINGS]
    data["settings"] = [
        {column.name: _encode(column, row[column.name]) for column in settings_table.columns}
        for row in db.session.execute(select(settings_table)).mappings()
    ]
    data["files"] = _evidence_files(data["tables"].get("activity_evidence"))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return counts


def _evidence_dir() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def _evidence_files(table: dict | None) -> dict[str, str]:
    if not table:
        return {}
    index = table["columns"].index("file_name")
    files = {}
    for row in table["rows"]:
        path = _evidence_dir() / row[index]
        if path.is_file():
            files[row[index]] = base64.b64encode(path.read_bytes()).decode("ascii")
    return files


# --- import ------------------------------------------------------------------------------------


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TransferError("not_json") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError("not_an_export")
    if data.get("version") != VERSION:
        raise TransferError("version", found=data.get("version"), wanted=VERSION)
    return data


def _check_columns(data: dict) -> None:
    tables = _tables()
    for name, block in data["tables"].items():
        table = tables.get(name)
        if table is None:
            raise TransferError("no_table", table=name)
        unknown = [column for column in block["columns"] if column not in table.c]
        if unknown:
            raise TransferError("no_columns", table=name, columns=", ".join(unknown))


def _content_map(content: dict) -> dict[str, dict[int, int]]:
    """Old curriculum id → this deployment's, by slug (and version); TransferError naming
    what is missing here."""
    tables = _tables()
    found: dict[str, dict[int, int]] = {}
    by_slug: dict[str, dict[str, int]] = {}
    missing = []
    for name in ("lessons", "quizzes", "surveys", "courses"):
        table = tables[name]
        slugs = {key[0] for key in content.get(name, {}).values()}
        query = select(table.c.slug, table.c.id).where(table.c.slug.in_(slugs))
        here = dict(db.session.execute(query).all()) if slugs else {}
        by_slug[name] = here
        found[name] = {}
        for old, (slug,) in content.get(name, {}).items():
            if slug in here:
                found[name][int(old)] = here[slug]
            else:
                missing.append((name, slug, None))
    for name in ("quiz_versions", "survey_versions"):
        table = tables[name]
        (parent, column), number = CONTENT[name]
        found[name] = {}
        for old, (slug, version) in content.get(name, {}).items():
            parent_id = by_slug[parent].get(slug)
            new = (
                db.session.scalar(
                    select(table.c.id).where(
                        table.c[column] == parent_id, table.c[number] == version
                    )
                )
                if parent_id is not None
                else None
            )
            if new is None:
                missing.append((name, slug, version))
            else:
                found[name][int(old)] = new
    if missing:
        raise TransferError("missing_content", items=sorted(missing, key=repr))
    return found


def _unique_sets(table: Table) -> list[tuple[str, ...]]:
    """The column sets of `table` that must be unique and hold codes that an import keeps (no
    column referring to a row of the commune, whose ids change)."""
    sets = set()
    for column in table.columns:
        if column.unique:
            sets.add((column.name,))
    for index in table.indexes:
        if index.unique:
            sets.add(tuple(c.name for c in index.columns))
    for constraint in table.constraints:
        if constraint.__class__.__name__ == "UniqueConstraint":
            sets.add(tuple(c.name for c in constraint.columns))
    if not _own_id(table):
        sets.add(tuple(c.name for c in table.primary_key.columns))
    refs = _references(table)
    return sorted(s for s in sets if s and all(refs.get(c) in (None, *CONTENT) for c in s))


def _collisions(data: dict, content: dict[str, dict[int, int]]) -> list[str]:
    """Every code of the file already used in this deployment, as "table.column = value"."""
    tables = _tables()
    found = []
    for name, block in data["tables"].items():
        table = tables[name]
        refs = _references(table)
        for columns in _unique_sets(table):
            if any(c not in block["columns"] for c in columns):
                continue
            positions = [block["columns"].index(c) for c in columns]
            values = set()
            for row in block["rows"]:
                value = []
                for column, position in zip(columns, positions, strict=True):
                    raw = _decode(table.c[column], row[position])
                    space = refs.get(column)
                    value.append(content[space].get(raw) if space and raw is not None else raw)
                if all(v is not None for v in value):
                    values.add(tuple(value))
            found += _taken(table, columns, values)
    return found


def _taken(table: Table, columns: tuple[str, ...], values: set[tuple]) -> list[str]:
    """The values of `values` already in `table`, as one line per column set (or nothing)."""
    ordered = sorted(values, key=repr)
    taken = []
    target = tuple_(*(table.c[c] for c in columns)) if len(columns) > 1 else table.c[columns[0]]
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        keys = chunk if len(columns) > 1 else [value[0] for value in chunk]
        query = select(*(table.c[c] for c in columns)).where(target.in_(keys))
        taken += ["/".join(str(v) for v in row) for row in db.session.execute(query)]
    if not taken:
        return []
    shown = ", ".join(sorted(taken)[:3]) + (", …" if len(taken) > 3 else "")
    return [f"{table.name}.{'+'.join(columns)}: {len(taken)} ({shown})"]


def _unit_name(unit_id: int | None) -> str | None:
    units = _tables()["units"]
    if unit_id is None:
        return None
    return db.session.scalar(select(units.c.name).where(units.c.id == unit_id))


def _province_id(name: str | None) -> int | None:
    """This deployment's province; made (with the exporter's province name) when it has none
    and the commune came from under one."""
    units = _tables()["units"]
    found = db.session.scalar(select(units.c.id).where(units.c.kind == "province").limit(1))
    if found is not None or not name:
        return found
    return db.session.execute(
        insert(units)
        .values(
            kind="province",
            name=name,
            is_sample=False,
            created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            commune_id=None,
        )
        .returning(units.c.id)
    ).scalar_one()


def import_commune(path: Path) -> dict[str, int]:
    """Add the commune of an export file to this deployment; the rows written per table.
    TransferError (nothing written yet) when it cannot go in whole."""
    data = _read(path)
    _check_columns(data)
    block = data["tables"].get("communes") or {"columns": [], "rows": []}
    if len(block["rows"]) != 1 or "code" not in block["columns"]:
        raise TransferError("not_one_commune")
    code = block["rows"][0][block["columns"].index("code")]
    communes = _tables()["communes"]
    if db.session.scalar(select(communes.c.unit_id).where(communes.c.code == code)) is not None:
        raise TransferError("commune_taken", code=code)
    content = _content_map(data.get("content", {}))
    taken = _collisions(data, content)
    if taken:
        raise TransferError("codes_taken", items=taken)
    ids: dict[str, dict[int, int]] = {name: dict(m) for name, m in content.items()}
    old_province = data["commune"].get("province_id")
    province = _province_id(data["commune"].get("province_name")) if old_province else None
    counts = {}
    for table in _moved_tables():
        block = data["tables"].get(table.name)
        if not block or not block["rows"]:
            continue
        counts[table.name] = _insert(table, block, ids, old_province, province)
    _write_files(data.get("files", {}))
    return counts


def _insert(
    table: Table,
    block: dict,
    ids: dict[str, dict[int, int]],
    old_province: int | None,
    province: int | None,
) -> int:
    """Insert one table's rows with their references remapped; new ids are recorded in `ids`."""
    refs = _references(table)
    own = _own_id(table)
    columns = [c for c in block["columns"] if not (own and c == "id")]
    self_refs = [c for c in columns if refs.get(c) == table.name]
    rows, old_ids = [], []
    index = {name: i for i, name in enumerate(block["columns"])}
    for raw in block["rows"]:
        row = {}
        for name in columns:
            value = _decode(table.c[name], raw[index[name]])
            if name in self_refs:
                value = None  # set once every row of the table has its new id
            elif (table.name, name) in JSON_REFERENCES and value:
                value = [ids[JSON_REFERENCES[table.name, name]][old] for old in value]
            elif name in refs and value is not None:
                value = _mapped(table, name, refs[name], value, ids, old_province, province)
            row[name] = value
        rows.append(row)
        if own:
            old_ids.append(raw[index["id"]])
    if own:
        result = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        ids[table.name] = dict(zip(old_ids, result.scalars().all(), strict=True))
    else:
        db.session.execute(insert(table), rows)
    if self_refs:
        _set_self_references(table, block, self_refs, ids, old_province, province)
    return len(rows)


def _mapped(table, column, space, value, ids, old_province, province):
    mapping = ids.get(space, {})
    if value in mapping:
        return mapping[value]
    if space == "units" and value == old_province and province is not None:
        return province
    if table.c[column].nullable:
        return None  # a staff member of another commune or of the province: not moved
    raise TransferError("dangling", table=table.name, space=space, value=value)


def _set_self_references(table, block, self_refs, ids, old_province, province) -> None:
    index = {name: i for i, name in enumerate(block["columns"])}
    own = ids[table.name]
    updates = []
    for raw in block["rows"]:
        values = {}
        for name in self_refs:
            old = raw[index[name]]
            if old is not None:
                values[name] = _mapped(table, name, table.name, old, ids, old_province, province)
        if values:
            updates.append((own[raw[index["id"]]], values))
    for name in self_refs:
        chosen = [{"row_id": row_id, "value": v[name]} for row_id, v in updates if name in v]
        if chosen:
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({name: bindparam("value")}),
                chosen,
            )


def _write_files(files: dict[str, str]) -> None:
    folder = _evidence_dir()
    for name, encoded in files.items():
        if "/" in name or "\\" in name or name.startswith("."):
            continue
        target = folder / name
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(encoded))
