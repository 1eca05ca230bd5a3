"""Export topics and surveys as content files, import them back (page and CLI).

Export → import gives the same content, field for field and version for version; the import
checks files exactly as `flask content check` does and imports nothing when any file has an
error; a ZIP is read entry by entry within limits (no paths outside, no links); importing the
bundled files again leaves what the office edited in the browser alone unless asked.
"""

import html
import io
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_CONTENT, FIXTURE_SURVEYS, ROOT, csrf_token
from PIL import Image

import database
from blueprints.content_files.messages import IMPORT_MESSAGES
from extensions import db
from models import AuditEvent, Course, CourseItem, Lesson, Quiz, QuizVersion, Survey, SurveyVersion
from models.base import utcnow
from services.common.errors import InvalidInput
from services.content import importer as content_import
from services.content import loader as content_loader
from services.content import media, media_files

pytest_plugins = ["staff_fixtures"]

PAGE = "/staff/content-files/"
IMPORT = "/staff/content-files/import"
LIMITS = media.Limits(image_max_bytes=10**7, image_max_pixels=10**7, audio_max_bytes=10**6)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(2000)

UPLOADED_TOPIC = """kind: topic
id: bai-tai-len
title: "Bài có ảnh: tải lên"
summary: 'Bài có ảnh và âm thanh tải lên, có "ngoặc" và dấu: hai chấm.'
topic: Thử nghiệm
audience: [villager, worker]
minutes: 7
facts_checked: 2026-10-01
sources: ["Nguồn một", "yes", "2026-01-01"]
lesson:
  body: "Dòng có khoảng trắng cuối   \\n\\n![Ảnh]({image})\\n\\nHết.\\n\\n\\n"
  audio:
    vi: {audio}
    tay: media/dien-thoai-an-toan-vi.ogg
quiz:
  pass_mark: 60
  max_attempts: 3
  questions:
    - {{id: q1, type: true_false, text: "Đúng?", answer: false, explanation: "Vì: sai."}}
    - id: q2
      type: multiple
      text: "Chọn hai:"
      choices: [{{id: "no", text: "yes"}}, {{id: "on", text: "null"}}, {{id: c, text: "~"}}]
      answer: ["no", c]
      explanation: |
        Hai dòng
        giải thích.
    - {{id: q3, type: single, text: "Một?", choices: [{{id: a, text: A}}, {{id: b, text: B}}],
       answer: b, explanation: "B."}}
    - {{id: q4, type: true_false, text: "Bốn?", answer: true, explanation: "Bốn."}}
translations:
  en:
    title: With an uploaded picture
    lesson: {{body: "Text.\\n"}}
    questions:
      q3: {{text: "One?", choices: {{a: A!, b: B!}}, explanation: B.}}
  tay:
    questions:
      q1: {{text: "Tày?"}}
  nun: {{}}
"""
SURVEY_WITH_DATES = """kind: survey
id: co-han
title: Phiếu có thời hạn
summary: Phiếu mở trong một tháng.
audience: [official]
anonymous: true
opens: 2026-11-01
closes: 2026-11-30
questions:
  - {id: a, type: likert, text: "Tốt?", labels: ["1", "2", "3", "4", "5"]}
  - {id: b, type: number, text: "Số?", min: -2.5, max: 10}
translations:
  en: {title: Time-limited survey, questions: {a: {text: "Good?"}}}
"""


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "MEDIA_UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def curriculum(app, tmp_path, upload_dir, monkeypatch) -> Path:
    """A content folder with the bundled curriculum, the fixture topics and surveys, a topic
    using uploaded files and odd YAML values, and a survey with dates; loaded, and the app's
    CONTENT_DIR."""
    folder = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", folder)
    for source in (*FIXTURE_CONTENT.glob("*.yaml"), *FIXTURE_SURVEYS.glob("*.yaml")):
        shutil.copy(source, folder / f"8{source.name}")
    shutil.copy(FIXTURE_CONTENT / "media" / "otp.png", folder / "media" / "otp.png")
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "teal").save(buffer, "PNG")
    image = media_files.store(buffer.getvalue(), upload_dir, LIMITS)
    audio = media_files.store(MP3, upload_dir, LIMITS)
    (folder / "90-bai-tai-len.yaml").write_text(
        UPLOADED_TOPIC.format(image=image.path, audio=audio.path), encoding="utf-8"
    )
    (folder / "91-co-han.yaml").write_text(SURVEY_WITH_DATES, encoding="utf-8")
    monkeypatch.setitem(app.config, "CONTENT_DIR", str(folder))
    with app.app_context():
        content_loader.load(folder)
        database.commit()
    return folder


def _columns(row, skip=()) -> dict:
    return {c.name: getattr(row, c.name) for c in row.__table__.columns if c.name not in skip}


def snapshot(app, skip_position=False) -> dict:
    """Every content row, without ids, foreign keys and times (what a fresh load cannot keep)."""
    lesson_skip = {"id", "updated_at"} | ({"position", "content_hash"} if skip_position else set())
    quiz_skip = {"id", "lesson_id"} | ({"position"} if skip_position else set())
    survey_skip = {"id"} | ({"position"} if skip_position else set())
    version_skip = {"id", "quiz_id", "survey_id", "created_at"}
    with app.app_context():
        found = {}
        for lesson in Lesson.query.all():
            found[lesson.slug] = _columns(lesson, lesson_skip)
        for quiz in Quiz.query.all():
            found[f"quiz {quiz.slug}"] = _columns(quiz, quiz_skip) | {
                "versions": [_columns(v, version_skip) for v in quiz.versions]
            }
        for survey in Survey.query.all():
            found[f"survey {survey.slug}"] = _columns(survey, survey_skip) | {
                "versions": [_columns(v, version_skip) for v in survey.versions]
            }
        for course in Course.query.all():
            found[f"course {course.slug}"] = _columns(course, {"id", "updated_at"}) | {
                "topics": [item.quiz.slug for item in course.items]
            }
        return found


def wipe_content(app) -> None:
    with app.app_context():
        for model in (CourseItem, Course, QuizVersion, Quiz, Lesson, SurveyVersion, Survey):
            db.session.query(model).delete()
        database.commit()


def import_file(client, data: bytes, filename: str, overwrite=False):
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), filename)}
    if overwrite:
        form["overwrite_edited"] = "y"
    return client.post(IMPORT, data=form)


def zip_of(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():  # a name, or a ZipInfo for special entries
            archive.writestr(name, body)
    return buffer.getvalue()


# --- round trip --------------------------------------------------------------------------------


def test_export_all_then_import_elsewhere_gives_identical_content(
    app, staff_client, curriculum, upload_dir, tmp_path, monkeypatch
):
    before = snapshot(app)
    assert len([key for key in before if key.startswith("survey ")]) == 5
    admin = staff_client("admin")
    response = admin.get("/staff/content-files/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "media/dien-thoai-an-toan-vi.ogg" in names and "media/otp.png" in names
    assert sum(name.startswith("uploads/") for name in names) == 2
    uploaded = {p.name: p.read_bytes() for p in upload_dir.iterdir()}

    # Another installation: empty database, empty upload folder, same bundled media.
    wipe_content(app)
    monkeypatch.setitem(app.config, "MEDIA_UPLOAD_DIR", str(tmp_path / "elsewhere"))
    imported = import_file(admin, response.data, "noi-dung.zip")
    assert imported.status_code == 303, imported.get_data(as_text=True)
    assert snapshot(app) == before
    assert {p.name: p.read_bytes() for p in (tmp_path / "elsewhere").iterdir()} == uploaded
    files = sum(name.endswith(".yaml") for name in names)
    assert files == len(list(curriculum.glob("*.yaml")))
    page = admin.get(PAGE).get_data(as_text=True)
    assert f"Đã nhập {files} tệp: {files} mục mới, 0 mục cập nhật, 0 mục không đổi." in page


def test_importing_the_export_again_changes_nothing(app, staff_client, curriculum):
    before = snapshot(app)
    with app.app_context():
        stamps = {lesson.slug: lesson.updated_at for lesson in Lesson.query.all()}
    admin = staff_client("admin")
    archive = admin.get("/staff/content-files/export.zip").data
    response = import_file(admin, archive, "noi-dung.zip")
    assert response.status_code == 303
    page = admin.get(PAGE).get_data(as_text=True)
    files = len(list(curriculum.glob("*.yaml")))
    assert f"0 mục mới, 0 mục cập nhật, {files} mục không đổi" in page
    assert snapshot(app) == before
    with app.app_context():
        assert {lesson.slug: lesson.updated_at for lesson in Lesson.query.all()} == stamps


@pytest.mark.parametrize(
    ("kind", "slug"),
    [
        ("topic", "bai-tai-len"),
        ("topic", "an-toan"),
        ("topic", "nghi-quyet-57"),
        ("survey", "y-kien"),
        ("survey", "co-han"),
    ],
)
def test_one_item_exported_alone_comes_back_the_same(app, staff_client, curriculum, kind, slug):
    admin = staff_client("admin")
    response = admin.get(f"/staff/content-files/export/{kind}/{slug}.yaml")
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    assert f'filename="{slug}.yaml"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith(f"kind: {kind}\nid: {slug}\n")
    key = slug if kind == "topic" else f"survey {slug}"
    before = snapshot(app, skip_position=True)
    wipe_content(app)
    assert import_file(admin, response.data, f"{slug}.yaml").status_code == 303
    after = snapshot(app, skip_position=True)
    assert after[key] == before[key]
    if kind == "topic":
        assert after[f"quiz {slug}"] == before[f"quiz {slug}"]


def test_exported_files_are_readable_yaml(app, staff_client, curriculum):
    text = (
        staff_client("admin")
        .get("/staff/content-files/export/topic/an-toan.yaml")
        .get_data(as_text=True)
    )
    assert "  body: |\n    ## Mã OTP\n" in text  # Markdown as a literal block, not "\n" escapes
    assert "Không bao giờ đưa **mã OTP**" in text  # Vietnamese as is
    assert "facts_checked: 2026-11-20\n" in text


def test_the_export_is_a_valid_content_folder(app, staff_client, curriculum, tmp_path):
    """Unzipped, the export passes `flask content check` as it is."""
    archive = staff_client("admin").get("/staff/content-files/export.zip").data
    folder = tmp_path / "unzipped"
    zipfile.ZipFile(io.BytesIO(archive)).extractall(folder)
    with app.app_context():
        result = content_loader.check(folder)
    assert result.errors == []
    assert len(result.topics) == len(list(curriculum.glob("*.yaml")))
    first, second = (topic.path for topic in result.topics[:2])
    assert (first, second) == (
        "unzipped/001-nghi-quyet-57.yaml",
        "unzipped/002-binh-dan-hoc-vu-so.yaml",
    )


# --- edited items ------------------------------------------------------------------------------


def _edit_in_the_browser(app, slug: str, title: str) -> None:
    with app.app_context():
        lesson = Lesson.query.filter_by(slug=slug).one()
        lesson.title = title
        lesson.content_hash = "edited in the browser"
        lesson.edited_at = utcnow()
        survey = Survey.query.filter_by(slug="y-kien").one()
        survey.title = title
        survey.edited_at = utcnow()
        database.commit()


def test_importing_the_bundled_files_again_keeps_browser_edits(
    app, staff_client, curriculum, tmp_path
):
    _edit_in_the_browser(app, "nghi-quyet-57", "Tiêu đề do văn phòng sửa")
    bundled = zip_of({path.name: path.read_bytes() for path in sorted(curriculum.glob("*.yaml"))})
    admin = staff_client("admin")
    assert import_file(admin, bundled, "quizzes.zip").status_code == 303
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Giữ nguyên vì đã sửa trên trình duyệt: nghi-quyet-57, y-kien" in page
    with app.app_context():
        assert Lesson.query.filter_by(slug="nghi-quyet-57").one().title == (
            "Tiêu đề do văn phòng sửa"
        )
        assert Survey.query.filter_by(slug="y-kien").one().title == "Tiêu đề do văn phòng sửa"

    assert import_file(admin, bundled, "quizzes.zip", overwrite=True).status_code == 303
    with app.app_context():
        lesson = Lesson.query.filter_by(slug="nghi-quyet-57").one()
        assert lesson.title != "Tiêu đề do văn phòng sửa" and lesson.edited_at is None
        event = AuditEvent.query.filter_by(action="content_imported").order_by(
            AuditEvent.id.desc()
        )[0]
        assert event.detail["overwrite_edited"] is True


# --- errors: all or nothing, with the check's messages -----------------------------------------


GOOD = (FIXTURE_CONTENT / "01-an-toan.yaml").read_text(encoding="utf-8")
BAD = (
    GOOD.replace("id: an-toan", "id: bai-loi")
    .replace(
        "      answer: a\n      explanation: Mã OTP", "      answer: d\n      explanation: Mã OTP"
    )
    .replace("media/otp.png", "media/khong-co.png")
)
BAD_ERRORS = [
    "quizzes/02-bai-loi.yaml: lesson.body: 'media/khong-co.png' does not exist in quizzes/media",
    "quizzes/02-bai-loi.yaml: quiz.questions[0].answer: 'd' is not one of the choices (a, b, c)",
]


def test_errors_name_file_and_field_and_nothing_is_imported(app, staff_client, tmp_path):
    admin = staff_client("admin")
    archive = zip_of({"01-an-toan.yaml": GOOD, "02-bai-loi.yaml": BAD, "03-hong.yaml": "a: [b"})
    response = import_file(admin, archive, "bai.zip")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Chưa nhập gì vì có lỗi:" in body
    for error in BAD_ERRORS:
        assert error in body
    assert "quizzes/03-hong.yaml: bad YAML: line 1, column 6" in body
    with app.app_context():
        assert Lesson.query.count() == 0 and Quiz.query.count() == 0
        assert AuditEvent.query.filter_by(action="content_imported").count() == 0

    # The same messages as `flask content check` on those files.
    folder = tmp_path / "quizzes"
    zipfile.ZipFile(io.BytesIO(archive)).extractall(folder)
    (folder / "media").symlink_to(FIXTURE_CONTENT / "media")
    with app.app_context():
        checked = content_loader.check(folder).errors
    assert all(error in body for error in checked) and len(checked) == 3


def test_one_bad_yaml_file_alone_is_reported_with_its_name(app, staff_client):
    response = import_file(staff_client("admin"), BAD.encode(), "02-bai-loi.yaml")
    assert response.status_code == 400
    for error in BAD_ERRORS:
        assert error in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("bai.txt", b"kind: topic", "Chỉ nhận tệp nội dung .yaml"),
        ("bai.zip", b"PK\x03\x04" + bytes(100), "Không đọc được tệp ZIP"),
        ("bai.yaml", b"", "Tệp rỗng."),
        ("rong.zip", None, "Không có tệp nội dung (.yaml) nào"),
    ],
)
def test_unreadable_uploads_are_400_with_a_message(app, staff_client, filename, data, message):
    if data is None:
        data = zip_of({"README.md": "chỉ có ghi chú"})
    response = import_file(staff_client("admin"), data, filename)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body
    assert "Traceback" not in body


# --- ZIP safety --------------------------------------------------------------------------------


def _info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    info.create_system = 3
    return info


def _refuse(entries: dict, code: str, tmp_path: Path, monkeypatch=None) -> None:
    folder = tmp_path / "dich"
    folder.mkdir()
    with pytest.raises(InvalidInput) as refused:
        content_import.unpack("bai.zip", zip_of(entries), folder, LIMITS)
    assert refused.value.code == code
    assert str(IMPORT_MESSAGES[code])  # the view has a Vietnamese sentence for the code
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    assert written <= {"dich", "dich/01-an-toan.yaml"}


@pytest.mark.parametrize(
    "name",
    [
        "../ngoai.yaml",
        "quizzes/../../ngoai.yaml",
        "/etc/ngoai.yaml",
        "C:/ngoai.yaml",
        "..\\ngoai.yaml",
        "uploads/../../ngoai.yaml",
        "a//b.yaml",
        "./a.yaml",
    ],
)
def test_names_leading_outside_the_folder_are_refused(app, tmp_path, name):
    with app.test_request_context():
        _refuse({"01-an-toan.yaml": GOOD, name: GOOD}, "unsafe_name", tmp_path)


def test_links_are_refused(app, tmp_path):
    with app.test_request_context():
        _refuse(
            {"01-an-toan.yaml": GOOD, _info("02-link.yaml", stat.S_IFLNK | 0o777): "/etc/passwd"},
            "link",
            tmp_path,
        )


def test_encrypted_entries_are_refused(app, tmp_path):
    data = bytearray(zip_of({"02-bi-mat.yaml": GOOD}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local, central
        at = data.index(signature) + offset
        data[at] |= 0x1  # "encrypted"
    folder = tmp_path / "dich"
    folder.mkdir()
    with app.test_request_context(), pytest.raises(InvalidInput) as refused:
        content_import.unpack("bai.zip", bytes(data), folder, LIMITS)
    assert refused.value.code == "encrypted"


def test_a_name_given_twice_is_refused(app, tmp_path):
    import warnings

    with app.test_request_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it writes
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("01-an-toan.yaml", GOOD)
            archive.writestr("01-an-toan.yaml", BAD)
        folder = tmp_path / "dich"
        folder.mkdir()
        with pytest.raises(InvalidInput) as refused:
            content_import.unpack("bai.zip", buffer.getvalue(), folder, LIMITS)
    assert refused.value.code == "duplicate"


def test_too_many_entries_are_refused(app, tmp_path, monkeypatch):
    monkeypatch.setattr(content_import, "MAX_ENTRIES", 5)
    entries = {f"{i:02d}-x.yaml": GOOD for i in range(6)}
    with app.test_request_context():
        _refuse(entries, "too_many_entries", tmp_path)


def test_a_zip_bomb_is_refused_before_it_is_inflated(app, tmp_path):
    bomb = b"a: " + b"0" * (50 * 1024 * 1024)
    archive = zip_of({"01-bom.yaml": bomb})
    assert len(archive) < 100 * 1024
    folder = tmp_path / "dich"
    folder.mkdir()
    with app.test_request_context(), pytest.raises(InvalidInput) as refused:
        content_import.unpack("bai.zip", archive, folder, LIMITS)
    assert refused.value.code == "entry_too_large"
    assert list(folder.iterdir()) == []


def test_the_total_unpacked_size_is_limited(app, tmp_path, monkeypatch):
    monkeypatch.setattr(content_import, "MAX_UNPACKED_BYTES", 10_000)
    entries = {f"{i:02d}-x.yaml": "a: " + "b" * 3000 for i in range(5)}
    with app.test_request_context():
        folder = tmp_path / "dich"
        folder.mkdir()
        with pytest.raises(InvalidInput) as refused:
            content_import.unpack("bai.zip", zip_of(entries), folder, LIMITS)
    assert refused.value.code == "too_large"


@pytest.mark.parametrize("name", ["scripts/run.py", "02-x.py", "media.yaml/x.yaml", "x/y/z.yaml"])
def test_entries_that_are_not_content_are_refused(app, tmp_path, name):
    with app.test_request_context():
        _refuse({"01-an-toan.yaml": GOOD, "02-b.yaml": GOOD, name: "x"}, "unexpected", tmp_path)


def test_uploads_in_a_zip_must_be_genuine(app, tmp_path):
    genuine = media.prepare(MP3, LIMITS)
    fake_name = genuine[0].replace(genuine[0][:4], "ffff")
    svg = b"<svg onload=alert(1)>"
    svg_name = media._name_for(svg, "webp")
    for name, data in ((fake_name, MP3), (svg_name, svg), ("x.webp", b"RIFF")):
        folder = tmp_path / name
        folder.mkdir()
        with (
            app.test_request_context(),
            pytest.raises(InvalidInput) as refused,
        ):
            content_import.unpack(
                "bai.zip", zip_of({"01.yaml": GOOD, f"uploads/{name}": data}), folder, LIMITS
            )
        assert refused.value.code == "bad_upload"


def test_a_zipped_folder_and_mac_leftovers_are_fine(app, tmp_path):
    entries = {
        "quizzes/01-an-toan.yaml": GOOD,
        "quizzes/media/otp.png": b"ignored",
        "quizzes/README.md": "notes",
        "__MACOSX/quizzes/._01-an-toan.yaml": b"\x00",
        "quizzes/.DS_Store": b"\x00",
    }
    folder = tmp_path / "dich"
    folder.mkdir()
    with app.app_context():
        result = content_import.unpack("bai.zip", zip_of(entries), folder, LIMITS)
    assert result.files == ["01-an-toan.yaml"]
    assert sorted(p.name for p in folder.iterdir()) == ["01-an-toan.yaml"]


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_import_and_export(app, curriculum, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "tat-ca.zip"
    result = runner.invoke(args=["content", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    one = tmp_path / "y-kien.yaml"
    assert runner.invoke(args=["content", "export", "y-kien", "--out", str(one)]).exit_code == 0
    assert yaml.safe_load(one.read_text(encoding="utf-8"))["id"] == "y-kien"
    missing = runner.invoke(args=["content", "export", "khong-co", "--out", str(one)])
    assert missing.exit_code == 1 and "No topic or survey 'khong-co'" in missing.output
    before = snapshot(app)
    wipe_content(app)
    result = runner.invoke(args=["content", "import", str(out)])
    assert result.exit_code == 0, result.output
    files = len(list(curriculum.glob("*.yaml")))
    assert f"Imported {files} file(s): {files} new, 0 updated, 0 unchanged" in result.output
    assert snapshot(app) == before


def test_cli_import_errors_exit_1_and_import_nothing(app, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bai.zip"
    bad.write_bytes(zip_of({"01-an-toan.yaml": GOOD, "02-bai-loi.yaml": BAD}))
    result = runner.invoke(args=["content", "import", str(bad)])
    assert result.exit_code == 1
    for error in BAD_ERRORS:
        assert error in result.output
    assert "Nothing was imported" in result.output
    unsafe = tmp_path / "ngoai.zip"
    unsafe.write_bytes(zip_of({"../ngoai.yaml": GOOD}))
    result = runner.invoke(args=["content", "import", str(unsafe)])
    assert result.exit_code == 1
    assert "ngoai.zip: The name “../ngoai.yaml” in the ZIP file is not allowed" in result.output
    with app.app_context():
        assert Lesson.query.count() == 0
