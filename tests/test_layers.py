"""The house's layout holds: service packages import only downwards, blueprints share helpers
only through blueprints.common, there is no import cycle and no import hidden in a function.

Run alone: `.venv/bin/python -m pytest -q tests/test_layers.py`. It reads the source with `ast`
(nothing is imported), so it also sees imports that a running app never reaches.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lower numbers are lower layers. A module may import its own package and lower layers only;
# participation and reporting stand side by side and do not import each other.
SERVICE_LAYERS = {
    "common": 0,
    "render": 1,
    "org": 2,
    "content": 3,
    "tally": 4,  # the indicators' aggregate and its training rule
    "participation": 5,
    "reporting": 5,
    "operations": 1,  # backups and restores
    "documents": 6,  # every printable PDF
    "demo": 6,  # the sample commune
}
PROJECT_ROOTS = {"services", "blueprints", "models", "commands", "app"}


def _modules(folder: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every project import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    for node in tree.body:  # imports under a module-level `if`/`try` are still module level
        if isinstance(node, ast.If | ast.Try):
            top_level.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PROJECT_ROOTS:
                found.append((name, node.lineno, id(node) in top_level))
    return found


SERVICES = _modules("services")
BLUEPRINTS = _modules("blueprints")


def _service_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "services" else None


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The project module an import names (`from services.org import units` names units)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def test_every_service_module_lives_in_a_package():
    loose = [
        name
        for name in SERVICES
        if name.count(".") == 1 and _service_package(name) not in SERVICE_LAYERS
    ]
    assert loose == [], f"modules outside the domain packages: {loose}"
    for package in SERVICE_LAYERS:
        init = ROOT / "services" / package / "__init__.py"
        if init.exists():
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            assert doc and len(doc) > 60, f"services/{package}/__init__.py says what it owns"


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_service_imports_point_down(module):
    own = _service_package(module)
    for name, line, _ in _imports(SERVICES[module]):
        assert not name.startswith("blueprints"), f"{module}:{line} imports a view ({name})"
        target = _service_package(name)
        if own is None or target is None or target == own:
            continue
        assert target in SERVICE_LAYERS, f"{module}:{line} imports unknown {name}"
        assert SERVICE_LAYERS[target] < SERVICE_LAYERS[own], (
            f"{module}:{line} imports {name}: {own} may only import lower layers"
        )


@pytest.mark.parametrize("module", sorted(BLUEPRINTS))
def test_blueprints_share_only_through_common(module):
    parts = module.split(".")
    own = parts[1] if len(parts) > 1 else None
    for name, line, _ in _imports(BLUEPRINTS[module]):
        if not name.startswith("blueprints."):
            continue
        target = name.split(".")[1]
        assert target in (own, "common"), (
            f"{module}:{line} imports {name}: share it through blueprints.common"
        )
        if own == "common":
            assert target == "common", f"{module}:{line}: blueprints.common imports a blueprint"


@pytest.mark.parametrize("module", sorted(SERVICES | BLUEPRINTS))
def test_no_import_hidden_in_a_function(module):
    path = (SERVICES | BLUEPRINTS)[module]
    hidden = [f"{name} (line {line})" for name, line, top in _imports(path) if not top]
    # blueprint packages import their routes at the bottom of __init__ (Flask's pattern), which
    # is module level; anything inside a function is a dodged cycle.
    assert hidden == [], f"{module} imports inside a function: {hidden}"


def test_no_import_cycle():
    known = SERVICES | BLUEPRINTS
    graph: dict[str, set[str]] = {name: set() for name in known}
    for module, path in known.items():
        for name, _, _ in _imports(path):
            target = _resolve(name, known)
            if target and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    # a package's __init__ importing its own submodules (the blueprint pattern) is not a cycle
    for module in graph:
        graph[module] = {t for t in graph[module] if not t.startswith(module + ".")}

    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            assert cycle is None, " → ".join(cycle)


def test_the_checker_sees_a_bad_import(tmp_path):
    """The walk itself works: an upward and a hidden import in a sample file are found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from services.reporting import indicators\n\n"
        "def f():\n    from services.org import units\n"
    )
    found = _imports(sample)
    assert ("services.reporting.indicators", 1, True) in found
    assert ("services.org.units", 4, False) in found
