"""Creating units of the tree (commune, villages, schools, classes, agencies, enterprises)."""

from extensions import db
from models import Unit
from services.common.codes import unique_code
from services.org.tenancy import register_commune

CLASS_CODE_LENGTH = 8  # 40 bits of Crockford base 32; older 6-character codes keep working


def create_unit(kind: str, name: str, parent: Unit | None = None, **fields) -> Unit:
    """A unit; classes get a join code for their permanent /c/<code> link, and a commune is
    registered as a tenant of the deployment."""
    join_code = unique_code(Unit, "join_code", CLASS_CODE_LENGTH) if kind == "class" else None
    unit = Unit(kind=kind, name=name, parent=parent, join_code=join_code, **fields)
    db.session.add(unit)
    db.session.flush()
    if kind == "commune":
        register_commune(unit)
    return unit
