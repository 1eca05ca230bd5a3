"""Moving a commune whole (`flask communes export` / `import`): a commune with data exported
from one deployment goes into a fresh one with new ids and every code kept, so /p/, /c/ and
/v/ links keep working; a file whose codes or curriculum do not fit is refused whole."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from test_authorization import _published_topic, world  # noqa: F401 (the matrix's world)

import database
from extensions import db
from models import (
    Activity,
    ActivityEvidence,
    Assignment,
    Attempt,
    Certificate,
    Commune,
    HalfYearReport,
    Participant,
    Poster,
    Quiz,
    StaffUser,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Target,
    Unit,
)
from services.content import loader as content_loader
from services.org import audit, passwords
from services.org import staff as staff_service
from services.org.units import create_unit
from services.participation import attempts, catalog

pytest_plugins = ["staff_fixtures"]

FIXTURES = __import__("conftest")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def wipe(app) -> None:
    """A fresh deployment: the schema the migrations made, no rows."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    catalog._html_cache.clear()


def fresh_deployment(app, filler: int = 3) -> None:
    """Another deployment: the same curriculum (files and the two topics written in the
    browser), and a commune of its own first, so that ids differ from the exporter's."""
    wipe(app)
    with app.app_context():
        content_loader.load(FIXTURES.FIXTURE_CONTENT)
        content_loader.load(FIXTURES.FIXTURE_SURVEYS)
        database.commit()
        other = create_unit("commune", "Xã Bắc Sơn")
        db.session.get(Commune, other.id).serial_prefix = "BS"
        for n in range(filler):
            create_unit("village", f"Thôn {n}", other)
        author = staff_service.create_staff("tacgia", "Tác giả", "mat-khau-dai-1", "admin")
        database.commit()
        for slug in ("bai-lop-7a", "bai-cua-xa"):
            _published_topic(slug, author)
        database.commit()


def data_of(app, world):  # noqa: F811
    """The world plus a scan and a visit; the commune's code and its links' codes."""
    with app.app_context():
        person = db.session.get(Participant, world["ids"]["person_v"])
        poster = attempts.find_poster(world["ids"]["poster_v"])
        attempts.record_scan(poster, person)
        attempts.record_visit(person, poster.survey, poster.id)
        audit.record_command("units.import", "units")
        # the commune under its province, as the migration places it
        db.session.get(Unit, world["ids"]["village"]).parent.parent = create_unit(
            "province", "Tỉnh Lạng Sơn"
        )
        survey = Survey.query.filter_by(slug="y-kien").one()
        response = SurveyResponse(
            survey_id=survey.id,
            survey_version_id=survey.current_version.id,
            participant_id=person.id,
            respondent_key=f"p{person.id}",
            unit_id=person.unit_id,
            submission_token="t",
            submitted_on=dt.date(2026, 12, 3),
        )
        response.answers = [SurveyAnswer(question_id="q1", text_value="Rất hay")]
        activity = Activity(
            unit_id=person.unit_id, kind="meeting", held_on=dt.date(2026, 4, 2), title="Họp thôn"
        )
        activity.evidence = [ActivityEvidence(kind="photo", file_name="ab" * 16 + ".webp", size=10)]
        quiz = Quiz.query.filter_by(slug="bai-cua-xa").one()
        db.session.add_all(
            [
                response,
                activity,
                Target(
                    indicator="trained",
                    year=2026,
                    roles=["official"],
                    target_percent=80,
                    description="Kế hoạch 211",
                    quiz_ids=[quiz.id],
                ),
                Assignment(unit_id=world["ids"]["class_a"], lesson_id=quiz.lesson_id,
                           due_on=dt.date(2027, 1, 5)),
                HalfYearReport(
                    period_key="2026-H1", period_start=dt.date(2026, 1, 1),
                    period_end=dt.date(2026, 6, 30), number="12/BC-UBND",
                    report_date=dt.date(2026, 7, 1), signer_authority="TM. ỦY BAN NHÂN DÂN",
                    signer_title="CHỦ TỊCH", recipients="Sở KH&CN", snapshot={"reached": 3},
                ),
            ]
        )  # fmt: skip
        database.commit()
        (commune,) = db.session.scalars(select(Commune)).all()
        certificate = db.session.get(Certificate, world["ids"]["cert_v"])
        klass = db.session.get(Unit, world["ids"]["class_a"])
        return {
            "code": commune.code,
            "poster": world["ids"]["poster_v"],
            "join_code": klass.join_code,
            "verification": certificate.verification_code,
            "serial": certificate.serial,
            "public_ids": sorted(a.public_id for a in Attempt.query),
            # the commune's staff: the province's own accounts stay where they are
            "hashes": {
                u.username: u.password_hash
                for u in StaffUser.query.filter(StaffUser.commune_id.is_not(None))
            },
        }


def export(runner, code, out):
    return runner.invoke(args=["communes", "export", "--code", code, str(out)])


def moved(before: dict[str, int]) -> dict[str, int]:
    skipped = {"staff_sessions", "jobs", "login_failures", "office_settings"}
    return {t: n for t, n in before.items() if n and t not in skipped}


def test_a_commune_moves_to_a_fresh_deployment_and_its_links_keep_working(
    app,
    world,  # noqa: F811
    runner,
    tmp_path,
    client,
):
    data = data_of(app, world)
    before = counts(app)
    before["staff_users"] = len(data["hashes"])
    out = tmp_path / "xa.json"
    result = runner.invoke(args=["communes", "export", "--code", data["code"], str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert (exported["format"], exported["version"]) == ("lantoa-commune", 1)
    assert exported["content"]["quizzes"]  # the curriculum is named by slug
    assert "bai-cua-xa" in {key[0] for key in exported["content"]["quizzes"].values()}

    fresh_deployment(app)
    empty = counts(app)
    result = runner.invoke(args=["communes", "import", str(out)])
    assert result.exit_code == 0, result.output
    after = counts(app)
    curriculum = {"lessons", "quizzes", "quiz_versions", "surveys", "survey_versions", "courses"}
    for table, n in moved(before).items():
        if table in curriculum or table == "content_drafts":
            continue
        assert after[table] - empty[table] == n, table
    # every table of the commune's own data had rows to move
    for table in (
        "units", "communes", "participants", "visits", "attempts", "answers", "scans",
        "posters", "certificates", "certificate_serial_counters", "roster_entries",
        "staff_users", "teacher_classes", "audit_events", "survey_responses",
        "survey_answers", "activities", "activity_evidence", "targets", "assignments",
        "half_year_reports",
    ):  # fmt: skip
        assert before[table], table

    with app.app_context():
        commune = db.session.scalars(select(Commune).where(Commune.code == data["code"])).one()
        assert commune.unit.name == "Xã Hoàng Văn Thụ"
        # the fresh deployment had no province: it is made, with the exporter's name
        assert (commune.unit.parent.kind, commune.unit.parent.name) == ("province", "Tỉnh Lạng Sơn")
        mine = Unit.query.filter(Unit.commune_id == commune.unit_id).count()
        assert mine == before["units"] - 1  # all but the province
        assert sorted(a.public_id for a in Attempt.query) == data["public_ids"]
        hashes = {u.username: u.password_hash for u in StaffUser.query}
        for username, hashed in data["hashes"].items():
            assert hashes[username] == hashed
        assert any(passwords.verify_password(h, FIXTURES_PASSWORD()) for h in hashes.values())
        certificate = Certificate.query.filter_by(verification_code=data["verification"]).one()
        assert certificate.commune_id == commune.unit_id
        assert certificate.participant.commune_id == commune.unit_id
        (target,) = Target.query.all()
        assert target.quiz_ids == [Quiz.query.filter_by(slug="bai-cua-xa").one().id]
        poster = Poster.query.filter_by(code=data["poster"]).one()
        assert poster.unit.commune_id == commune.unit_id
    assert client.get(f"/p/{data['poster']}").status_code in (302, 303, 307)
    assert client.get(f"/c/{data['join_code']}").status_code in (200, 302, 303)
    page = client.get(f"/v/{data['verification']}")
    assert page.status_code == 200
    assert data["serial"] in page.get_data(as_text=True)

    result = runner.invoke(args=["communes", "check"])
    assert result.exit_code == 0, result.output


def FIXTURES_PASSWORD() -> str:
    return __import__("staff_fixtures").PASSWORD


def test_an_import_whose_codes_are_taken_is_refused_whole(
    app,
    world,  # noqa: F811
    runner,
    tmp_path,
):
    data = data_of(app, world)
    out = tmp_path / "xa.json"
    assert (
        runner.invoke(args=["communes", "export", "--code", data["code"], str(out)]).exit_code == 0
    )
    # into the same deployment: the commune's code is there already
    before = counts(app)
    result = runner.invoke(args=["communes", "import", str(out)])
    assert result.exit_code == 1
    assert f"Đã có xã mã “{data['code']}”" in result.stderr
    assert counts(app) == before
    # under another commune code, its poster codes, usernames… are still taken
    exported = json.loads(out.read_text(encoding="utf-8"))
    block = exported["tables"]["communes"]
    row = block["rows"][0]
    row[block["columns"].index("code")] = "xa-khac"
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps(exported), encoding="utf-8")
    result = runner.invoke(args=["communes", "import", str(renamed)])
    assert result.exit_code == 1
    assert "đã được dùng trên hệ thống này" in result.stderr
    assert "posters.code: 3 (" in result.stderr and data["poster"] in result.stderr
    assert "staff_users.username: " in result.stderr
    assert counts(app) == before


def test_an_import_needing_a_missing_quiz_is_refused(app, world, runner, tmp_path):  # noqa: F811
    data = data_of(app, world)
    out = tmp_path / "xa.json"
    assert (
        runner.invoke(args=["communes", "export", "--code", data["code"], str(out)]).exit_code == 0
    )
    wipe(app)
    with app.app_context():
        content_loader.load(FIXTURES.FIXTURE_CONTENT)
        content_loader.load(FIXTURES.FIXTURE_SURVEYS)
        database.commit()
    before = counts(app)
    result = runner.invoke(args=["communes", "import", str(out)])
    assert result.exit_code == 1
    assert "thiếu nội dung" in result.stderr
    assert "bài kiểm tra “bai-cua-xa”" in result.stderr
    assert counts(app) == before


def test_a_file_of_another_kind_is_refused(app, runner, tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"format": "other"}), encoding="utf-8")
    result = runner.invoke(args=["communes", "import", str(path)])
    assert result.exit_code == 1
    assert "không phải bản xuất một xã" in result.stderr
    path.write_text(json.dumps({"format": "lantoa-commune", "version": 99}), encoding="utf-8")
    result = runner.invoke(args=["communes", "import", str(path)])
    assert result.exit_code == 1
    assert "phiên bản 99" in result.stderr
    result = runner.invoke(args=["communes", "export", "--code", "khong-co", str(path)])
    assert result.exit_code == 1
    assert "Không có xã mã “khong-co”" in result.stderr
