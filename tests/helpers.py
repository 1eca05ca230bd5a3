"""Small helpers for driving the learner pages in tests."""

from conftest import csrf_token, hidden


def answer_form(page_html: str, answers: dict[str, list[str] | str]) -> dict:
    """Form data for a quiz page: its CSRF and idempotency tokens plus the given answers."""
    data = {
        "csrf_token": csrf_token(page_html),
        "submission_token": hidden(page_html, "submission_token"),
        "version": hidden(page_html, "version"),
    }
    for question_id, choice in answers.items():
        data[f"q_{question_id.replace('-', '_')}"] = choice
    return data


ALL_RIGHT = {"otp": "a", "dau-hieu": ["a", "b"], "cap-nhat": "true", "ung-dung": "a"}
HALF_RIGHT = {"otp": "b", "dau-hieu": ["a"], "cap-nhat": "true", "ung-dung": "a"}
