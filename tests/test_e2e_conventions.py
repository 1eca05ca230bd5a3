"""House rules for the browser tests, checked on their source."""

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
