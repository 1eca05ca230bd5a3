"""Quiz answers for a fresh submission token, as a load generator needs them.

A quiz with `draw` asks each attempt the questions its submission token draws
(services/participation/drawing.py) and refuses answers to any other question of the bank, so a
benchmark that sends a new token with every submit must answer the questions *that* token
draws. This reads the quiz from the bundled content files (what `flask content load` stored)
and answers each drawn question with its first choice in the order the attempt shows them.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _app_modules():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from blueprints.learn.forms import field_name
    from services.content import loader
    from services.participation import drawing

    return loader, drawing, field_name


class DrawnAnswers:
    """Form bodies for one quiz: the hidden fields of a learner's form plus, for each new
    token, an answer to every question that token draws."""

    def __init__(self, slug: str, content_dir: Path = ROOT / "quizzes"):
        loader, self._drawing, self._field_name = _app_modules()
        checked = loader.check(content_dir)
        topics = [t.data for t in checked.topics if t.data.get("id") == slug]
        if not topics or "quiz" not in topics[0]:
            raise RuntimeError(f"no quiz {slug!r} in {content_dir}")
        self.definition = loader._quiz_definition(topics[0])

    def fields_for(self, token: str) -> dict[str, str | list[str]]:
        """The answer fields for the attempt that `token` seeds."""
        data: dict[str, str | list[str]] = {}
        for shown in self._drawing.shown_order(self.definition, token):
            name, first = self._field_name(shown.question["id"]), shown.choice_ids[0]
            data[name] = [first] if shown.question["type"] == "multiple" else first
        return data

    def check_form(self, form: dict, token: str) -> None:
        """Fail early when the page's form asks other questions than the files say."""
        shown = {name for name in form if name.startswith("q_")}
        if shown != set(self.fields_for(token)):
            raise RuntimeError(
                "the quiz form asks other questions than the content files draw for its token "
                f"(form {sorted(shown)}, files {sorted(self.fields_for(token))})"
            )

    def submit_body(self, hidden: dict) -> dict[str, str | list[str]]:
        """`hidden` (csrf_token, version, …; no answers) with a fresh token and its answers."""
        token = secrets.token_urlsafe(24)
        return {**hidden, "submission_token": token, **self.fields_for(token)}


def hidden_fields(form: dict) -> dict:
    """A filled quiz form without its answers and its submission token."""
    return {k: v for k, v in form.items() if not k.startswith("q_") and k != "submission_token"}
