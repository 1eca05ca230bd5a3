"""Recording a lesson's audio in the authoring pages: a phone's recording (WebM/Opus from
Chrome and Firefox, Ogg/Opus from Firefox, MP4 from Safari) or a chosen file is checked by its
bytes like any upload, stored by its hash, set as the lesson's audio for one language (vi,
tay, nun) in the draft with who read it and when, and shown to learners as "Giọng đọc: …"
once published. The samples in tests/fixtures/audio are real Chromium recordings (see
generate.py there: no ffmpeg on the build machine)."""

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import csrf_token
from PIL import Image
from test_authoring import editor, item_button, new_item, press, write_topic

from models import AuditEvent, ContentDraft, Lesson
from services.content import authoring, media, schema_messages
from services.content import exporter as content_export
from services.content import loader as content_loader

pytest_plugins = ["staff_fixtures"]

SAMPLES = Path(__file__).parent / "fixtures" / "audio"
WEBM = (SAMPLES / "recording.webm").read_bytes()
OGG = (SAMPLES / "recording.ogg").read_bytes()
M4A = (SAMPLES / "recording.m4a").read_bytes()
WITH_VIDEO = (SAMPLES / "with-video.webm").read_bytes()
LIMITS = media.Limits(image_max_bytes=10**7, image_max_pixels=10**7, audio_max_bytes=10**7)
READER = "Bà Hoàng Thị Mai"
EDIT = "/staff/content/topic/{slug}/edit"
RECORD = "/staff/content/topic/{slug}/audio"


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "MEDIA_UPLOAD_DIR", str(folder))
    return folder


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(buffer, "PNG")
    return buffer.getvalue()


def send(client, slug="an-toan", data=WEBM, filename="ghi-am.webm", json=True, **fields):
    """Post a recording as the authoring page's form (or its script) sends it."""
    page = client.get(EDIT.format(slug=slug))
    if page.status_code != 200:  # a page this person may not edit: a token from their home
        page = client.get("/staff/")
    token = csrf_token(page.get_data(as_text=True))
    form = {"csrf_token": token, "language": "vi", "reader": READER} | fields
    form = {k: v for k, v in form.items() if v is not None}
    if data is not None:
        form["file"] = (io.BytesIO(data), filename)
    headers = {"Accept": "application/json"} if json else {}
    return client.post(RECORD.format(slug=slug), data=form, headers=headers)


def stored(upload_dir: Path) -> list[str]:
    return sorted(p.name for p in upload_dir.glob("*")) if upload_dir.exists() else []


# --- the bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"), [(WEBM, "webm"), (OGG, "ogg"), (M4A, "m4a")], ids=["webm", "ogg", "m4a"]
)
def test_real_browser_recordings_are_accepted_as_audio(data, kind):
    assert media.sniff(data) == kind
    name, payload = media.prepare_audio(data, LIMITS)
    assert name.endswith(f".{kind}") and payload == data  # audio is kept as recorded
    media.verify_stored(name, payload, LIMITS)  # and would come back in an exported ZIP


def test_a_webm_with_a_picture_is_refused_as_video():
    assert media.sniff(WITH_VIDEO) == "video"
    with pytest.raises(media.InvalidInput) as refused:
        media.prepare(WITH_VIDEO, LIMITS)
    assert refused.value.code == "video"


@pytest.mark.parametrize(
    "data",
    [
        png(),
        b"<!doctype html><html><script>alert(1)</script></html>",
        WEBM[:40],  # the EBML header alone: no tracks
        b"\x1a\x45\xdf\xa3" + bytes(200),  # the magic number and nothing behind it
        WEBM.replace(b"webm", b"wxbm", 1),  # another EBML document type
    ],
    ids=["png", "html", "truncated", "magic-only", "not-webm"],
)
def test_anything_but_audio_is_refused_for_a_recording(data):
    with pytest.raises(media.InvalidInput) as refused:
        media.prepare_audio(data, LIMITS)
    assert refused.value.code in ("not_audio", "unknown_type")


def test_a_recording_over_the_audio_limit_is_refused():
    small = media.Limits(image_max_bytes=10**7, image_max_pixels=10**7, audio_max_bytes=1000)
    with pytest.raises(media.InvalidInput) as refused:
        media.prepare_audio(WEBM, small)
    assert refused.value.code == "too_large"


# --- recording through the editor -----------------------------------------------------------


def test_a_recording_becomes_the_drafts_audio_for_its_language_with_its_reader(
    app, content, staff, staff_client, upload_dir
):
    admin = staff_client("admin")
    vi = send(admin, data=OGG, language="vi", reader="Cô Nguyễn Thị Hoa").get_json()["path"]
    response = send(admin, language="tay", reader=f"  {READER} ")
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    name = next(n for n in stored(upload_dir) if n.endswith(".webm"))
    assert name.endswith(".webm") and (upload_dir / name).read_bytes() == WEBM
    assert answer["path"] == f"uploads/{name}" and answer["language"] == "tay"
    assert answer["reader"] == READER and answer["bytes"] == len(WEBM)
    assert answer["size"].endswith(" KB")
    with app.app_context():
        draft = ContentDraft.query.filter_by(slug="an-toan").one()
        lesson = draft.data["lesson"]
        assert lesson["audio"]["tay"] == f"uploads/{name}"
        assert lesson["audio"]["vi"] == vi  # the other language is kept, with its reader
        assert lesson["audio_credits"]["vi"]["by"] == "Cô Nguyễn Thị Hoa"
        assert lesson["audio_credits"]["tay"]["by"] == READER
        assert lesson["audio_credits"]["tay"]["recorded_at"].startswith("20")
        live = Lesson.query.filter_by(slug="an-toan").one()
        assert live.audio == {} and live.audio_credits == {}  # learners: not before publishing
        event = AuditEvent.query.filter_by(action="lesson_audio_recorded", target="topic:an-toan")
        event = event.order_by(AuditEvent.id.desc()).first()
        assert event.target == "topic:an-toan"
        assert event.detail == {
            "lang": "tay", "reader": READER, "file": f"uploads/{name}", "bytes": len(WEBM),
        }  # fmt: skip

    assert item_button(admin, "topic", "an-toan", "publish").status_code == 303
    with app.app_context():
        live = Lesson.query.filter_by(slug="an-toan").one()
        assert live.audio["tay"] == f"uploads/{name}" and live.edited_at is not None
        assert live.audio_credits["tay"]["by"] == READER


def test_without_javascript_the_form_posts_and_comes_back_to_the_editor(
    app, content, staff, staff_client, upload_dir
):
    admin = staff_client("admin")
    response = send(admin, data=OGG, filename="doc.ogg", json=False, language="nun")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == EDIT.format(slug="an-toan")
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu bản ghi âm" in html and f"Giọng đọc: {READER}" in html
    with app.app_context():
        draft = ContentDraft.query.filter_by(slug="an-toan").one()
        assert draft.data["lesson"]["audio"]["nun"].endswith(".ogg")


def test_a_safari_recording_is_kept_as_m4a(app, content, staff, staff_client, upload_dir):
    response = send(staff_client("admin"), data=M4A, filename="recording.mp4")
    assert response.status_code == 201
    assert response.get_json()["path"].endswith(".m4a")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reader": ""}, "Nhập tên người đọc"),
        ({"reader": None}, "Nhập tên người đọc"),
        ({"reader": "x" * 121}, "Tên người đọc dài quá 120 ký tự"),
        ({"language": "en"}, "Chọn ngôn ngữ của bản ghi"),
        ({"language": "xx"}, "Chọn ngôn ngữ của bản ghi"),
        ({"language": None}, "Chọn ngôn ngữ của bản ghi"),
        ({"data": None}, "Chọn tệp ghi âm"),
        ({"data": b""}, "Tệp rỗng"),
        ({"data": png(), "filename": "anh.webm"}, "Chỉ nhận tệp âm thanh"),
        ({"data": b"<html><script>alert(1)</script>", "filename": "a.ogg"}, "Chỉ nhận tệp âm"),
        ({"data": WITH_VIDEO}, "có hình"),
    ],
    ids=[
        "empty-name", "no-name", "long-name", "english", "unknown-language", "no-language",
        "no-file", "empty-file", "image", "html", "video",
    ],
)  # fmt: skip
@pytest.mark.parametrize("json", [True, False], ids=["script", "form"])
def test_bad_recordings_are_refused_in_vietnamese_and_nothing_changes(
    app, content, staff, staff_client, upload_dir, fields, message, json
):
    response = send(staff_client("admin"), json=json, **fields)
    assert response.status_code == 400
    text = str(response.get_json()["errors"]) if json else response.get_data(as_text=True)
    assert message in text
    assert stored(upload_dir) == []
    with app.app_context():
        assert ContentDraft.query.count() == 0
        assert AuditEvent.query.filter_by(action="lesson_audio_recorded").count() == 0


def test_a_recording_over_the_configured_size_is_refused(
    app, content, staff, staff_client, upload_dir, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_AUDIO_MAX_BYTES", 1024)
    response = send(staff_client("admin"))
    assert response.status_code == 400
    assert "Tệp quá lớn (tối đa" in str(response.get_json()["errors"])
    assert stored(upload_dir) == []


def test_a_request_far_over_the_limit_is_413_not_500(
    app, content, staff, staff_client, upload_dir, monkeypatch
):
    monkeypatch.setitem(app.config, "MEDIA_AUDIO_MAX_BYTES", 1024)
    response = send(staff_client("admin"), data=WEBM + bytes(200 * 1024))
    assert response.status_code == 413
    assert stored(upload_dir) == []


def test_a_recording_larger_than_other_forms_allow_is_accepted(
    app, content, staff, staff_client, upload_dir
):
    long = WEBM + bytes(app.config["MAX_CONTENT_LENGTH"])  # padding after the clusters
    assert send(staff_client("admin"), data=long).status_code == 201


def test_teachers_record_for_their_own_class_topics_only(
    app, content, staff, staff_client, upload_dir
):
    teacher = staff_client("teacher_a")
    slug = write_topic(teacher, "Bài của lớp 7A")
    assert send(teacher, slug=slug).status_code == 201
    assert send(teacher, slug="an-toan").status_code == 403  # the commune's topic
    assert send(staff_client("teacher_b"), slug=slug).status_code == 403
    assert send(staff_client("officer"), slug=slug).status_code == 403
    with app.app_context():
        assert AuditEvent.query.filter_by(action="lesson_audio_recorded").count() == 1


def test_no_recording_for_a_survey_or_an_unknown_topic(
    app, surveys, staff, staff_client, upload_dir
):
    admin = staff_client("admin")
    token = csrf_token(admin.get("/staff/content/").get_data(as_text=True))
    form = {"csrf_token": token, "language": "vi", "reader": READER}
    for path in ("/staff/content/survey/y-kien/audio", "/staff/content/topic/khong-co/audio"):
        response = admin.post(path, data=form | {"file": (io.BytesIO(WEBM), "a.webm")})
        assert response.status_code == 404
    assert stored(upload_dir) == []


def test_a_never_published_topic_gets_its_audio_in_its_draft(app, staff, staff_client, upload_dir):
    admin = staff_client("admin")
    slug = new_item(admin, "topic", "Bài mới có giọng đọc")
    assert send(admin, slug=slug, language="vi").status_code == 201
    with app.app_context():
        draft = ContentDraft.query.filter_by(slug=slug).one()
        assert draft.data["lesson"]["audio"]["vi"].endswith(".webm")
        assert draft.data["title"] == "Bài mới có giọng đọc"


# --- the editor page and the draft -----------------------------------------------------------


def test_the_editor_offers_recording_per_language_with_a_file_fallback(
    app, content, staff, staff_client
):
    html = staff_client("admin").get(EDIT.format(slug="an-toan")).get_data(as_text=True)
    assert "Ghi âm bài học" in html
    for lang in ("vi", "tay", "nun"):
        assert f'name="language" value="{lang}"' in html
    assert html.count('enctype="multipart/form-data"') == 3
    assert html.count("Chọn tệp ghi âm") == 3 and html.count('name="reader"') == 3
    assert "Chỉ ghi âm tiếng Tày, tiếng Nùng khi người đọc nói thạo tiếng đó" in html
    assert "ứng dụng không tự dịch" in html
    assert "/static/js/recorder.js" in html and "<script src=" in html


def test_the_editor_shows_who_read_each_recording(app, content, staff, staff_client, upload_dir):
    admin = staff_client("admin")
    send(admin, language="tay")
    html = admin.get(EDIT.format(slug="an-toan")).get_data(as_text=True)
    assert f"Giọng đọc: {READER}" in html
    history = admin.get("/staff/content/topic/an-toan/history").get_data(as_text=True)
    assert "Ghi âm bài học" in history and f"tiếng Tày: Giọng đọc: {READER}" in history


def test_saving_the_editor_keeps_the_credit_until_the_file_is_changed_by_hand(
    app, content, staff, staff_client, upload_dir
):
    admin = staff_client("admin")
    send(admin, language="tay")
    form = editor(admin, "topic", "an-toan")
    assert press(admin, "topic", "an-toan", form, "save").status_code == 303
    with app.app_context():
        lesson = ContentDraft.query.filter_by(slug="an-toan").one().data["lesson"]
        assert lesson["audio_credits"]["tay"]["by"] == READER
    form.setlist("lesson.audio.tay", ["media/an-toan-nun.ogg"])
    assert press(admin, "topic", "an-toan", form, "save").status_code == 303
    with app.app_context():
        lesson = ContentDraft.query.filter_by(slug="an-toan").one().data["lesson"]
        assert "audio_credits" not in lesson  # another file: not that reader's voice


def test_credits_round_trip_through_a_content_file_and_are_checked(
    app, content, staff, staff_client, upload_dir
):
    admin = staff_client("admin")
    send(admin, language="nun")
    assert item_button(admin, "topic", "an-toan", "publish").status_code == 303
    with app.app_context():
        document = content_export.topic_document(Lesson.query.filter_by(slug="an-toan").one())
        assert document["lesson"]["audio_credits"]["nun"]["by"] == READER
        media_dir = Path(app.config["CONTENT_DIR"]) / "media"
        assert content_loader.validate(document, "x", media_dir) == []
        lesson = document["lesson"]
        lesson["audio_credits"] = {"en": {"by": READER}, "tay": {"by": ""}, "vi": "Bà Mai"}
        lesson["audio"] = {"vi": "media/an-toan-vi.ogg"}
        wheres = sorted(e.where for e in content_loader.validate(document, "x", media_dir))
        assert wheres == [
            "lesson.audio_credits.en",
            "lesson.audio_credits.tay",
            "lesson.audio_credits.tay.by",
            "lesson.audio_credits.vi",
        ]


def test_a_credit_without_a_recording_is_named_in_vietnamese(app, content):
    with app.test_request_context("/"):
        document = content_export.topic_document(Lesson.query.filter_by(slug="an-toan").one())
        document["lesson"]["audio_credits"] = {"tay": {"by": ""}}
        document["lesson"]["audio"] = {"vi": "media/an-toan-vi.ogg"}
        errors = authoring.errors("topic", document, Path(app.config["CONTENT_DIR"]))
        shown = [schema_messages.message(e) for e in errors]
    assert all(m and "must" not in m for m in shown), shown


# --- what learners see -----------------------------------------------------------------------


def test_the_learner_hears_the_recording_with_the_readers_name(
    app, content, staff, staff_client, upload_dir, identify
):
    admin = staff_client("admin")
    path = send(admin, language="vi").get_json()["path"]
    assert item_button(admin, "topic", "an-toan", "publish").status_code == 303
    villager = app.test_client()
    identify(villager)
    html = villager.get("/lessons/an-toan").get_data(as_text=True)
    assert f'href="/{path}" type="audio/webm"' in html
    assert f"Giọng đọc: {READER}" in html
    assert html.count("Giọng đọc:") == 1
    file = villager.get(f"/{path}")
    assert file.status_code == 200 and file.mimetype == "audio/webm"


def test_the_policy_lets_the_recorder_play_back_what_it_recorded(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "media-src 'self' blob:" in policy
    assert "script-src 'self';" in policy  # still no inline or foreign scripts
