"""House rules for the browser tests, checked on their source."""

import ast
import re
from pathlib import Path

TESTS = Path(__file__).parent
RAW_CONTENT = re.compile(r"\b\w+\.content\(\)")


def test_browser_tests_read_html_only_once_the_page_has_loaded():
    # After a click that submits a form the next document can be committed yet empty:
    # reading the HTML at once then returns '' (seen in CI). helpers.page_html waits for the load.
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(TESTS.glob("test_e2e*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RAW_CONTENT.search(line)
    ]
    assert offenders == []


# A string that is a JavaScript *function* (`() => …`, `el => …`, `function …`). Playwright
# compiles a function through the DevTools protocol; a bare expression it re-evaluates with
# eval() each time it polls, which the app's CSP (script-src 'self') refuses: seen in CI as
# "EvalError: … 'unsafe-eval' is not an allowed source" whenever the condition was not
# already true at the first check.
FUNCTION_SOURCE = re.compile(r"^\s*(async\s+)?(function\b|(\([^)]*\)|\w+)\s*=>)")
# Reads that answer at once instead of waiting: after a click the browser may still show the
# page before it, so an assert on them races the navigation (seen in CI: an image counted 0
# while the next page was loading). Playwright's expect() retries until it holds.
INSTANT_READS = {"count", "is_visible", "is_hidden", "is_checked", "is_enabled", "is_disabled"}


def _e2e_sources():
    for path in sorted(TESTS.glob("test_e2e*.py")):
        yield path.name, ast.parse(path.read_text(encoding="utf-8"))


def _is_database_count(call: ast.Call) -> bool:
    """`Attempt.query.count()`, `db.session.query(X).count()`: a database read, not the page."""
    return "query" in ast.unparse(call.func.value)


def test_waiting_for_a_condition_in_the_page_passes_a_function_not_an_expression():
    offenders = []
    for name, tree in _e2e_sources():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "wait_for_function"
            ):
                continue
            source = node.args[0] if node.args else None
            literal = source.value if isinstance(source, ast.Constant) else None
            if not (isinstance(literal, str) and FUNCTION_SOURCE.match(literal)):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_assertions_on_the_page_wait_for_it():
    offenders = []
    for name, tree in _e2e_sources():
        for statement in ast.walk(tree):
            if not isinstance(statement, ast.Assert):
                continue
            for node in ast.walk(statement.test):
                instant_call = (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in INSTANT_READS
                    and not _is_database_count(node)
                    and not (node.func.attr == "count" and node.args)  # str.count("…")
                )
                page_url = (  # page.url, phone.url…: the address shown at this instant
                    isinstance(node, ast.Attribute)
                    and node.attr == "url"
                    and isinstance(node.value, ast.Name)
                )
                if instant_call or page_url:
                    offenders.append(f"{name}:{statement.lineno}")
    assert offenders == []


def test_widths_are_measured_against_the_screen_not_inner_width():
    # A mobile Chromium zooms out to show a page wider than its screen and window.innerWidth
    # grows with the page, so "scrollWidth <= innerWidth" always held (a 654 px lesson passed
    # on a 360 px phone). helpers.fits_width compares with the viewport the test chose.
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(TESTS.glob("test_e2e*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "innerWidth" in line
        and not line.lstrip().startswith("#")
        and path.name != Path(__file__).name
    ]
    assert offenders == []
