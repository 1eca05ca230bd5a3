"""The one scoping mechanism (services.org.tenancy): in a commune's scope every ORM SELECT,
UPDATE and DELETE sees that commune's rows only — aggregates, unions, subqueries, `get`,
lazy loads included — the bypass is explicit, and a request that forgot to resolve its scope
fails closed. Run on SQLite and PostgreSQL (TEST_DATABASE_URL)."""

import pytest
from flask import session as flask_session
from sqlalchemy import delete, distinct, func, select, union, update

import database
from blueprints.common import tenant
from extensions import db
from models import Participant, Poster, StaffUser, Target, Unit, Visit
from models.content import Lesson
from services.common import codes
from services.org import staff as staff_service
from services.org import tenancy, unit_tree
from services.org.units import create_unit
from services.participation import attempts, catalog
from services.participation.identity import NewIdentity, create_participant
from services.participation.posters import create_poster
from services.tally import indicator_store


@pytest.fixture
def two(app, content):
    """Communes A and B, each with a village, a school and class, two people with a visit
    each, and a poster; ids by name."""
    with app.app_context():
        ids = {}
        for key, name in (("a", "Xã Hoàng Văn Thụ"), ("b", "Xã Bắc Sơn")):
            commune = create_unit("commune", name)
            village = create_unit("village", f"Thôn {key.upper()}", commune)
            school = create_unit("school", f"Trường {key.upper()}", commune)
            klass = create_unit("class", f"Lớp {key.upper()}", school)
            lesson = Lesson.query.filter_by(slug="an-toan").one()
            for n in (1, 2):
                person, _token = create_participant(
                    NewIdentity(f"Người {key}{n}", "villager", village.id, "30-44", False), "t"
                )
                attempts.record_visit(person, lesson, None)
            poster = create_poster(f"Áp phích {key}", village, lesson)
            database.commit()
            ids |= {
                key: commune.id,
                f"village_{key}": village.id,
                f"class_{key}": klass.id,
                f"class_code_{key}": klass.join_code,
                f"poster_{key}": poster.id,
                f"poster_code_{key}": poster.code,
            }
        return ids


def _fresh():
    """A new unit of work: nothing loaded yet (the identity map would answer `get` itself)."""
    db.session.remove()


def test_aggregates_and_group_by_see_the_scope_only(app, two):
    with app.app_context(), tenancy.for_commune(two["a"]):
        counts = dict(
            db.session.execute(
                select(Visit.unit_id, func.count(distinct(Visit.participant_id))).group_by(
                    Visit.unit_id
                )
            ).all()
        )
        assert counts == {two["village_a"]: 2}
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 2
        assert Participant.query.count() == 2


def test_unions_and_subqueries_are_scoped(app, two):
    with app.app_context(), tenancy.for_commune(two["b"]):
        people = union(
            select(Visit.unit_id, Visit.participant_id),
            select(Participant.unit_id, Participant.id),
        ).subquery()
        rows = db.session.execute(select(people.c.unit_id, func.count()).group_by(people.c.unit_id))
        assert {unit for unit, _n in rows} == {two["village_b"]}
        inside = select(Participant.id).where(Participant.unit_id == two["village_a"])
        assert db.session.scalars(select(Visit).where(Visit.participant_id.in_(inside))).all() == []
        # An entity named only in WHERE (an implicit FROM) is scoped too.
        names = db.session.scalars(
            select(Participant.display_name).where(Participant.id == Visit.participant_id)
        ).all()
        assert sorted(names) == ["Người b1", "Người b2"]


def test_get_of_another_communes_row_is_none(app, two):
    with app.app_context():
        _fresh()
        with tenancy.for_commune(two["a"]):
            assert db.session.get(Unit, two["village_b"]) is None
            assert db.session.get(Poster, two["poster_b"]) is None
            assert db.session.get(Unit, two["village_a"]).name == "Thôn A"


def test_lazy_loads_follow_the_current_scope(app, two):
    """A row found with the bypass loads its relationships only once its commune is entered."""
    with app.app_context():
        _fresh()
        with tenancy.for_commune(two["a"]):
            found = attempts.find_poster(two["poster_code_b"], everywhere=True)
            assert found is not None and found.id == two["poster_b"]
            assert found.unit is None  # B's village, outside A's scope
            db.session.expire(found, ["unit"])
            tenancy.enter_commune_of(found)
            assert found.unit.name == "Thôn B"
            assert tenancy.current().communes == {two["a"], two["b"]}
            assert tenancy.current().content_commune == two["b"]
        _fresh()
        with tenancy.for_commune(two["a"]):
            # The staff lookup is the scoped one: another commune's code is "not found".
            assert attempts.find_poster(two["poster_code_b"]) is None


def test_update_and_delete_touch_the_scope_only(app, two):
    with app.app_context():
        with tenancy.for_commune(two["a"]):
            db.session.execute(update(Participant).values(display_name="Đổi tên"))
            db.session.execute(delete(Visit))
            database.commit()
        _fresh()
        names = db.session.scalars(select(Participant.display_name)).all()
        assert sorted(names) == ["Người b1", "Người b2", "Đổi tên", "Đổi tên"]
        assert {v.unit_id for v in Visit.query} == {two["village_b"]}


def test_the_bypass_is_explicit(app, two):
    with app.app_context(), tenancy.for_commune(two["a"]):
        every = select(Unit.name).execution_options(all_communes=True)
        assert "Thôn B" in db.session.scalars(every).all()
        assert "Thôn B" not in db.session.scalars(select(Unit.name)).all()
        with tenancy.all_communes():
            assert Participant.query.count() == 4
        assert Participant.query.count() == 2


def test_codes_stay_unique_across_communes(app, two, monkeypatch):
    """unique_code sees every commune: B's poster code is a collision even in A's scope."""
    taken = two["poster_code_b"]
    offered = iter([taken, "ZZZZZZZ"])
    monkeypatch.setattr(codes, "generate", lambda _length: next(offered))
    with app.app_context(), tenancy.for_commune(two["a"]):
        assert codes.unique_code(Poster, "code", 7) == "ZZZZZZZ"


def test_class_and_certificate_codes_are_found_in_any_commune(app, two):
    with app.app_context(), tenancy.for_commune(two["a"]):
        assert catalog.find_class(two["class_code_b"]).id == two["class_b"]


def test_province_defaults_of_targets_are_seen_by_every_commune(app, two):
    with app.app_context():
        for commune_id, percent in ((None, 50), (two["b"], 70)):
            db.session.add(
                Target(
                    indicator="reached",
                    year=2026,
                    roles=[],
                    target_percent=percent,
                    description="Mục tiêu",
                    commune_id=commune_id,
                )
            )
        database.commit()
        with tenancy.for_commune(two["a"]):
            assert [t.target_percent for t in Target.query] == [50]
        with tenancy.for_commune(two["b"]):
            assert sorted(t.target_percent for t in Target.query) == [50, 70]


def test_a_read_only_scope_changes_nothing(app, two):
    with app.app_context(), tenancy.scoped(tenancy.Scope(None, writable=False)):
        person = Participant.query.filter_by(display_name="Người a1").one()
        person.display_name = "Sửa"
        with pytest.raises(tenancy.ReadOnlyScope):
            db.session.flush()
        db.session.rollback()


def test_a_new_row_of_another_commune_is_refused(app, two):
    with app.app_context(), tenancy.for_commune(two["a"]):
        with tenancy.all_communes():
            village_b = db.session.get(Unit, two["village_b"])
        db.session.add(Participant(display_name="Lạc", role="villager", unit=village_b))
        with pytest.raises(tenancy.ReadOnlyScope):
            db.session.flush()
        db.session.rollback()


def test_the_tree_of_a_commune_under_the_province_starts_at_the_commune(app, two):
    with app.app_context():
        province = Unit(kind="province", name="Tỉnh Lạng Sơn")
        db.session.add(province)
        db.session.flush()
        for key in ("a", "b"):
            db.session.get(Unit, two[key]).parent_id = province.id
        database.commit()
        with tenancy.for_commune(two["a"]):
            tops = [(unit.name, depth) for unit, depth in unit_tree.tree() if depth == 0]
            assert tops == [("Xã Hoàng Văn Thụ", 0)]
        tops = [unit.name for unit, depth in unit_tree.tree() if depth == 0]
        assert tops == ["Tỉnh Lạng Sơn"]


# --- the request's scope ----------------------------------------------------------------


def test_a_request_that_did_not_resolve_its_scope_fails_closed(app, two):
    with app.test_request_context("/"):
        tenancy.enter(db.session, tenancy.UNRESOLVED)
        with pytest.raises(tenancy.ScopeMissing):
            Participant.query.count()
        with pytest.raises(tenancy.ScopeMissing):
            db.session.get(Unit, two["village_a"])
        db.session.info.pop(tenancy.SCOPE)


def test_the_hook_resolves_before_any_other_and_restores_after(app, two):
    assert app.before_request_funcs[None][0].__name__ == "resolve_scope"
    with app.test_request_context("/"):
        app.preprocess_request()
        # Two communes, a visitor who came through neither: nothing of any commune.
        assert tenancy.current() == tenancy.NOWHERE
        assert Participant.query.count() == 0
        flask_session[tenant.SESSION_KEY] = [two["b"]]
        app.preprocess_request()
        assert tenancy.current() == tenancy.Scope(frozenset({two["b"]}), two["b"])
        assert {p.display_name for p in Participant.query} == {"Người b1", "Người b2"}
        app.do_teardown_request()
        assert db.session.info.get(tenancy.SCOPE) is None


def test_the_poster_route_enters_the_posters_commune(app, two, client):
    """A visitor who came through neither commune opens B's poster: the lesson loads (the
    poster's relationships are read in B's scope) and B is remembered for the next pages."""
    response = client.get(f"/p/{two['poster_code_b']}")
    assert response.status_code == 302
    assert "/lessons/an-toan" in response.headers["Location"]
    with client.session_transaction() as kept:
        assert kept[tenant.SESSION_KEY] == [two["b"]]
    page = client.get("/identify").get_data(as_text=True)
    assert "Thôn B" in page and "Thôn A" not in page


def test_staff_scopes(app, two, monkeypatch):
    with app.app_context():
        admin = staff_service.create_staff("admin.b", "Xã B", "mat-khau-dai-va-kho", "admin")
        admin.commune_id = two["b"]
        early = StaffUser(username="admin.cu", display_name="Cũ", role="admin", password_hash="x")
        db.session.add(early)
        database.commit()
        assert early.commune_id is None  # two communes: none to take
        assert tenant.staff_scope(admin) == tenancy.Scope.of(two["b"])
        # An account outside every commune, with several: reads them all, changes none.
        assert tenant.staff_scope(early) == tenancy.Scope(None, None, writable=False)
        # With one commune it is that commune's (an admin made before the first commune).
        monkeypatch.setattr(tenancy, "commune_ids", lambda: (two["a"],))
        assert tenant.staff_scope(early) == tenancy.Scope.of(two["a"])
        monkeypatch.setattr(tenancy, "commune_ids", lambda: ())
        assert tenant.staff_scope(early) == tenancy.EVERYWHERE


def test_the_indicator_aggregate_is_read_through_the_scopes_units(app, two):
    """indicator_people has no commune of its own: a commune's figures read only the rows of
    its own units (the aggregate holds both communes' visits)."""
    with app.app_context():
        keys = indicator_store.all_keys(db.session.connection())
        assert keys
        for key in keys:
            with tenancy.for_commune(two["a"]):
                reached, _trained = indicator_store.by_unit(key)
            assert set(reached) <= {two["village_a"]}
        with tenancy.for_commune(two["a"]):
            seen = [indicator_store.by_unit(key)[0] for key in keys]
        assert {two["village_a"]: 2} in seen
