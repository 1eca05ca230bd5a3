"""The one shape of a refusal: every service that refuses input raises InvalidInput.

`errors` maps each bad field to a code (the empty field "" stands for the whole input), and
`params` carry the numbers a message needs (a limit, a line number). Services never word
messages for people; views turn codes into Vietnamese with blueprints.common.form_errors, and
CLI commands print the codes' English form.
"""

from collections.abc import Mapping

WHOLE = ""  # the field name of an error about the input as a whole


class InvalidInput(ValueError):
    """Input a service refuses: `errors` {field: code}, `params` for the message."""

    def __init__(self, errors: Mapping[str, str] | None = None, /, **params):
        self.errors = dict(errors or {})
        self.params = params
        super().__init__(
            ", ".join(f"{field or '*'}: {code}" for field, code in self.errors.items())
        )

    @classmethod
    def of(cls, field: str, code: str, **params) -> "InvalidInput":
        """A refusal of one field (WHOLE for the input as a whole)."""
        return cls({field: code}, **params)

    @property
    def field(self) -> str:
        """The first bad field (most refusals name one)."""
        return next(iter(self.errors), WHOLE)

    @property
    def code(self) -> str:
        """The first field's code."""
        return next(iter(self.errors.values()), "")


def collect(checks: Mapping[str, str | None], **params) -> None:
    """Raise InvalidInput for every check whose code is not None (field → code or None)."""
    errors = {field: code for field, code in checks.items() if code is not None}
    if errors:
        raise InvalidInput(errors, **params)
