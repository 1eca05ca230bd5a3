"""Who may see which unit: admin everything, officer a subtree, teacher their classes."""

from extensions import db
from models import StaffUser, Unit


def subtree_ids(root: Unit) -> set[int]:
    """The unit and every unit below it."""
    ids: set[int] = set()
    frontier = [root.id]
    while frontier:
        ids.update(frontier)
        frontier = [
            uid
            for (uid,) in db.session.query(Unit.id).filter(Unit.parent_id.in_(frontier)).all()
            if uid not in ids
        ]
    return ids


def visible_unit_ids(user: StaffUser) -> set[int] | None:
    """Ids the user may see; None means all (admin)."""
    if user.role == "admin":
        return None
    if user.role == "officer":
        return subtree_ids(user.unit) if user.unit else set()
    return {unit.id for unit in user.classes}


def can_see_unit(user: StaffUser, unit: Unit) -> bool:
    visible = visible_unit_ids(user)
    return visible is None or unit.id in visible


def report_unit_ids(user: StaffUser, unit: Unit) -> set[int]:
    """The units a report on `unit` covers for this user: the unit's subtree they may see."""
    ids = subtree_ids(unit)
    visible = visible_unit_ids(user)
    return ids if visible is None else ids & visible
