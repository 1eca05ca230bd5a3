"""The `int` URL converter, bounded to the id columns' range: /units/<2**64> is a 404."""

from werkzeug.routing import IntegerConverter

from services.common import limits


class IdConverter(IntegerConverter):
    """ASCII digits only (not "１２３"), at most limits.ID_MAX; anything else matches nothing."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=limits.ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
