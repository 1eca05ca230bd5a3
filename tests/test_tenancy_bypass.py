"""The places that step round the commune scope are few and named: every query option
`all_communes=True` (or tenancy.ALL_COMMUNES, or the `all_communes()` context), every raw
`text()` statement, every Core `Model.__table__` and every `db.engine.connect` in services/,
blueprints/ and commands/ is in ALLOWED, function by function (docs/tenancy-plan.md §3c says
why each one may). A new one fails here until it is reviewed and added.

It reads the source with `ast`, in the style of tests/test_layers.py.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("services", "blueprints", "commands")
# The mechanism itself.
EXEMPT = {"services/org/tenancy.py"}

# (file, function, kind) → why it may see every commune, or run outside the ORM's criteria.
ALLOWED = {
    ("services/common/codes.py", "unique_code", "all_communes"): "codes are global",
    ("services/content/authoring.py", "slug_taken", "all_communes"): "slugs are global",
    ("services/org/staff.py", "authenticate", "all_communes"): "login: before any scope",
    ("services/org/staff.py", "load_session", "all_communes"): "the user gives the scope",
    ("services/org/staff.py", "end_session", "all_communes"): "logout of one's own session",
    ("services/org/staff.py", "pending_account", "all_communes"): (
        "the account waiting for its second-factor code: before any staff scope"
    ),
    ("services/participation/catalog.py", "selectable_places", "all_communes"): (
        "a visitor of no commune yet picks their place among every commune's (place names)"
    ),
    ("services/participation/catalog.py", "enter_place_of_new_visitor", "all_communes"): (
        "the place that visitor chose, to enter its commune"
    ),
    ("services/reporting/submissions.py", "received_by_name", "all_communes"): (
        "the province officer who received a report has no commune: their name only"
    ),
    ("services/org/communes.py", "misplaced_rows", "__table__"): (
        "flask communes check: compares every tenant table's commune with its unit's"
    ),
    ("services/org/settings.py", "<module>", "__table__"): (
        "settings are read per commune by unit id (a Core table: the province unit is seen)"
    ),
    ("services/participation/attempts.py", "find_poster", "all_communes"): "/p/ is global",
    ("services/participation/catalog.py", "find_class", "all_communes"): "/c/ is global",
    ("services/participation/certificates.py", "find_by_code", "all_communes"): "/v/",
    ("blueprints/common/tenant.py", "_own_commune", "all_communes"): "the learner's commune",
    ("services/operations/inventory.py", "revision", "text"): "alembic_version",
    ("services/operations/inventory.py", "table_counts", "text"): "the whole backup's counts",
    ("services/operations/postgres_dumps.py", "target_state", "text"): "whole database",
    ("services/operations/postgres_dumps.py", "restore", "text"): "whole database",
    ("services/operations/postgres_dumps.py", "dump", "text"): "whole database",
    # The serial counters: one row per prefix, and prefixes are per commune.
    ("services/participation/certificates.py", "<module>", "__table__"): "COUNTERS",
    # The aggregate is rebuilt for the deployment and keyed by unit (its reads join units).
    ("services/tally/indicator_store.py", "rebuild", "__table__"): "deployment-wide rebuild",
    ("services/tally/indicator_store.py", "_earliest", "__table__"): "keyed by unit ids",
}


def _enclosing(tree: ast.AST) -> dict:
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _function(node: ast.AST, parents: dict) -> str:
    names = []
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
    return ".".join(reversed(names)) or "<module>"


def _kind(node: ast.AST) -> str | None:
    if isinstance(node, ast.keyword) and node.arg == "all_communes":
        return "all_communes"
    if isinstance(node, ast.Dict) and any(
        isinstance(key, ast.Constant) and key.value == "all_communes" for key in node.keys
    ):
        return "all_communes"
    if isinstance(node, ast.Attribute | ast.Name) and (
        getattr(node, "attr", None) or getattr(node, "id", None)
    ) in ("ALL_COMMUNES", "all_communes"):
        return "all_communes"
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "text":
            return "text"
        owner = func.value if isinstance(func, ast.Attribute) else None
        if getattr(func, "attr", None) == "text" and getattr(owner, "id", None) in ("sa", "db"):
            return "text"
    if isinstance(node, ast.Attribute) and node.attr == "__table__":
        return "__table__"
    if (
        isinstance(node, ast.Attribute)
        and node.attr in ("connect", "begin", "raw_connection")
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "engine"
    ):
        return "engine"
    return None


def bypasses() -> set[tuple[str, str, str]]:
    found = set()
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            if name in EXEMPT:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            parents = _enclosing(tree)
            for node in ast.walk(tree):
                kind = _kind(node)
                if kind is not None:
                    found.add((name, _function(node, parents), kind))
    return found


def test_every_bypass_of_the_commune_scope_is_allowed():
    unexpected = sorted(bypasses() - set(ALLOWED))
    assert not unexpected, (
        "queries that step round the commune scope, not in tests/test_tenancy_bypass.py "
        f"ALLOWED (review them, then add them with the reason): {unexpected}"
    )


def test_the_allow_list_names_no_stale_place():
    stale = sorted(set(ALLOWED) - bypasses())
    assert not stale, f"ALLOWED names places that no longer bypass the scope: {stale}"


def test_the_scanner_sees_each_kind():
    source = (
        "def f():\n"
        "    q.execution_options(all_communes=True)\n"
        "    s.execute(text('SELECT 1'))\n"
        "    Model.__table__.delete()\n"
        "    db.engine.connect()\n"
        "    with tenancy.all_communes():\n"
        "        pass\n"
    )
    tree = ast.parse(source)
    kinds = {_kind(node) for node in ast.walk(tree)} - {None}
    assert kinds == {"all_communes", "text", "__table__", "engine"}
