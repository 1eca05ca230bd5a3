"""The audit calls in the code, found by reading it: what the log can hold."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("blueprints", "services", "commands")
CALL = re.compile(r"\brecord(?:_command)?\(")


def recorded_calls():
    """Every audit call in the code: (file, action, detail keys)."""
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            for match in CALL.finditer(source):
                depth, end = 1, match.end()
                while depth and end < len(source):
                    depth += {"(": 1, ")": -1}.get(source[end], 0)
                    end += 1
                call = source[match.end() : end - 1]
                action = re.search(r'"([a-z_]+)"', call)
                if action:
                    keys = set(re.findall(r"(?<![\w.])([a-z_]+)=", call))
                    yield path.relative_to(ROOT), action.group(1), keys
