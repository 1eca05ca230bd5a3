"""Uploading lesson images and audio at /staff/media, and serving them at /uploads/<name>.

The type comes from the bytes, never the file name; images are re-encoded as WebP of at most
60 KB and 1024 px wide with no metadata; SVG and decompression bombs are refused before any
decoding; audio is checked by its first bytes and its size. Admins and teachers upload (a
teacher writes quizzes for their classes); officers get 403; learners and anonymous visitors
are sent to the staff login.
"""

import io
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import csrf_token
from PIL import Image

import database
from models import AuditEvent
from services.common.errors import InvalidInput
from services.content import loader as content_loader
from services.content import media, media_files
from services.render import markdown

pytest_plugins = ["staff_fixtures"]

URL = "/staff/media"
SNIPPET = re.compile(r"!\[([^\]]*)\]\((uploads/[0-9a-f]{32}\.webp)\)")
SECRET_CAMERA = "MayAnhBiMat-9731"
SECRET_PLACE = "GPS 21.8537N 106.7615E nha ong Pan"

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(4000)
OGG = (
    b"OggS\x00\x02" + bytes(8) + b"\x01\x00\x00\x00" + bytes(8) + b"\x01\x1e"
    + b"\x01vorbis" + bytes(3000)
)  # fmt: skip
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isommp42" + bytes(3000)


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "MEDIA_UPLOAD_DIR", str(folder))
    return folder


def photo(size=(3000, 2000), exif=True, fmt="JPEG", noise=24, **save) -> bytes:
    """A photo-like picture (gradient plus noise), with camera and place in its EXIF."""
    gradient = Image.linear_gradient("L").resize(size)
    grain = Image.effect_noise(size, noise)
    image = Image.merge("RGB", (gradient, grain, gradient.transpose(Image.Transpose.ROTATE_180)))
    buffer = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = SECRET_CAMERA  # Make
        tags[0x010E] = SECRET_PLACE  # ImageDescription
        save["exif"] = tags.tobytes()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def post(client, data: bytes, filename: str, description="Ảnh lớp học", **headers):
    token = csrf_token(client.get(URL).get_data(as_text=True))
    return client.post(
        URL,
        data={
            "csrf_token": token,
            "description": description,
            "file": (io.BytesIO(data), filename),
        },
        headers=headers,
    )


def stored(upload_dir: Path) -> list[Path]:
    return sorted(upload_dir.glob("*")) if upload_dir.exists() else []


def uploaded_ok(client, data: bytes, filename: str) -> tuple[str, bytes]:
    """Upload, follow to the page, and return the pasted path and the stored bytes."""
    response = post(client, data, filename)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    match = SNIPPET.search(page)
    assert match, page
    assert match.group(1) == "Ảnh lớp học"
    path = match.group(2)
    served = client.get("/" + path)
    assert served.status_code == 200
    return path, served.data


def refused(client, upload_dir, data: bytes, filename: str, message: str) -> None:
    response = post(client, data, filename)
    body = response.get_data(as_text=True)
    assert response.status_code == 400, body
    assert message in body
    assert "Traceback" not in body
    assert stored(upload_dir) == []


# --- images ------------------------------------------------------------------------------------


def test_a_photo_is_resized_re_encoded_and_stripped(app, staff_client, upload_dir):
    original = photo()
    assert SECRET_CAMERA.encode() in original and len(original) > 200 * 1024
    client = staff_client("admin")
    path, data = uploaded_ok(client, original, "anh-lop-hoc.jpg")
    assert len(data) <= 60 * 1024
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    assert image.width == 1024 and image.height == 683
    assert not image.getexif()
    assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    for secret in (SECRET_CAMERA, SECRET_PLACE, "Exif"):
        assert secret.encode() not in data
    assert [p.name for p in stored(upload_dir)] == [path.removeprefix("uploads/")]
    with app.app_context():
        event = AuditEvent.query.filter_by(action="media_uploaded").one()
        assert event.target == path and event.detail["original"] == "anh-lop-hoc.jpg"


def test_the_picture_is_turned_upright_before_its_exif_is_dropped(staff_client, upload_dir):
    tags = Image.Exif()
    tags[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), "navy").save(buffer, "JPEG", exif=tags.tobytes())
    original = buffer.getvalue()
    _, data = uploaded_ok(staff_client("admin"), original, "xoay.jpg")
    assert Image.open(io.BytesIO(data)).size == (200, 400)


def test_png_metadata_is_dropped_and_transparency_kept(staff_client, upload_dir):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>" + SECRET_PLACE)
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (200, 30, 30, 90)).save(buffer, "PNG", pnginfo=info)
    _, data = uploaded_ok(staff_client("admin"), buffer.getvalue(), "trong-suot.png")
    assert b"<script>" not in data and SECRET_PLACE.encode() not in data
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGBA" and image.getpixel((5, 5))[3] == 90


def test_even_pure_noise_ends_up_within_60_kb(staff_client, upload_dir):
    """Noise does not compress: quality steps down, then the picture shrinks, until it fits."""
    buffer = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((1400, 1400), 120)] * 3).save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1024 * 1024
    _, data = uploaded_ok(staff_client("admin"), buffer.getvalue(), "nhieu.png")
    assert len(data) <= 60 * 1024
    width, _ = Image.open(io.BytesIO(data)).size
    assert 160 <= width <= 1024


def test_webp_upload_is_accepted_and_the_same_file_twice_is_one_file(staff_client, upload_dir):
    client = staff_client("admin")
    original = photo(size=(800, 600), fmt="WEBP", exif=False)
    first, _ = uploaded_ok(client, original, "a.webp")
    second, _ = uploaded_ok(client, original, "b.webp")
    assert first == second
    assert len(stored(upload_dir)) == 1


def test_the_bytes_decide_the_type_not_the_extension(staff_client, upload_dir):
    png = photo(size=(200, 100), fmt="PNG", exif=False)
    path, data = uploaded_ok(staff_client("admin"), png, "anh.txt")
    assert path.endswith(".webp") and Image.open(io.BytesIO(data)).format == "WEBP"


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("anh.png", b"<html><script>alert(1)</script></html>"),
        ("anh.jpg", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
        ("anh.jpg", b"MZ\x90\x00" + bytes(2000)),
        ("bai.mp3", b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(2000)),
        ("bai.ogg", b"OggS\x00\x02" + bytes(20) + b"\x01\x1eNOTVORBIS" + bytes(100)),
        ("bai.m4a", b"\x00\x00\x00\x20ftypqt  " + bytes(200)),
    ],
)
def test_wrong_content_with_the_right_extension_is_refused(
    staff_client, upload_dir, filename, data
):
    refused(staff_client("admin"), upload_dir, data, filename, "Chỉ nhận ảnh JPEG, PNG, WebP")


def test_a_gif_named_png_is_refused(staff_client, upload_dir):
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(buffer, "GIF")
    refused(staff_client("admin"), upload_dir, buffer.getvalue(), "anh.png", "Chỉ nhận ảnh JPEG")


def test_a_truncated_image_is_refused_as_unreadable(staff_client, upload_dir):
    data = photo(size=(600, 400), exif=False)
    refused(staff_client("admin"), upload_dir, data[: len(data) // 3], "anh.jpg", "tệp hỏng")


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>1</script></svg>',
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg><a href="javascript:x"/></svg>',
        b"  \n<SVG><foreignObject><img src=x onerror=alert(1)></foreignObject></SVG>",
    ],
)
@pytest.mark.parametrize("filename", ["anh.svg", "anh.png"])
def test_svg_is_refused(staff_client, upload_dir, svg, filename):
    refused(staff_client("admin"), upload_dir, svg, filename, "Không nhận ảnh SVG")


# --- sizes and bombs ---------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (its data would decompress to gigabytes)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(bytes(64 * 1024), 9)  # the start of an endless stream of zeros
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header is rewritten to claim a huge picture."""
    data = bytearray(photo(size=(64, 64), exif=False))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("bom.png", png_claiming(60_000, 60_000)),  # 3.6 billion pixels: Pillow's own error
        ("bom.png", png_claiming(9_000, 9_000)),  # 81 million: above our 40 million
        ("bom.jpg", jpeg_claiming(65_000, 65_000)),
        ("bom.jpg", jpeg_claiming(8_000, 6_000)),
    ],
)
def test_decompression_bombs_are_refused_before_decoding(
    staff_client, upload_dir, monkeypatch, filename, data
):
    assert len(data) < 100 * 1024
    decoded = []
    real_load = Image.Image.load
    monkeypatch.setattr(
        "PIL.ImageFile.ImageFile.load", lambda self: decoded.append(self) or real_load(self)
    )
    refused(staff_client("admin"), upload_dir, data, filename, "Ảnh quá lớn (tối đa 40 triệu")
    assert decoded == []


def test_the_pixel_limit_is_a_setting(app, staff_client, upload_dir, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_IMAGE_MAX_PIXELS", 500_000)
    client = staff_client("admin")
    data = photo(size=(1000, 600), exif=False)
    refused(client, upload_dir, data, "anh.jpg", "Ảnh quá lớn (tối đa 0.5 triệu điểm ảnh)")
    uploaded_ok(client, photo(size=(700, 700), exif=False), "nho.jpg")


def test_an_image_over_the_byte_limit_is_refused(app, staff_client, upload_dir, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_IMAGE_MAX_BYTES", 100 * 1024)
    data = photo(size=(1500, 1000), exif=False, quality=95)
    assert len(data) > 100 * 1024
    refused(staff_client("admin"), upload_dir, data, "anh.jpg", "Tệp quá lớn")


def test_audio_over_its_limit_is_refused(app, staff_client, upload_dir, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_AUDIO_MAX_BYTES", 2048)
    refused(staff_client("admin"), upload_dir, MP3, "bai.mp3", "Tệp quá lớn (tối đa 0.00195312 MB)")


def test_a_request_over_the_upload_limit_is_413_not_500(app, staff_client, upload_dir, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_AUDIO_MAX_BYTES", 10_000)
    monkeypatch.setitem(app.config, "MEDIA_IMAGE_MAX_BYTES", 10_000)
    response = post(staff_client("admin"), MP3 + bytes(200_000), "bai.mp3")
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in response.get_data(as_text=True)
    assert stored(upload_dir) == []


def test_the_upload_limit_is_larger_than_for_other_forms(app, staff_client, upload_dir):
    """The site-wide 1 MB limit does not apply to uploads: a 3 MB recording goes in."""
    big = MP3 + bytes(3 * 1024 * 1024)
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    response = post(staff_client("admin"), big, "bai-giang.mp3")
    assert response.status_code == 303


# --- audio and serving -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "suffix", "mime"),
    [(MP3, "mp3", "audio/mpeg"), (OGG, "ogg", "audio/ogg"), (M4A, "m4a", "audio/mp4")],
)
def test_audio_is_kept_as_uploaded_and_served_safely(
    staff_client, upload_dir, client, data, suffix, mime
):
    response = post(staff_client("teacher_a"), data, f"bai.{suffix}")
    assert response.status_code == 303
    page = staff_client("admin").get(response.headers["Location"]).get_data(as_text=True)
    path = re.search(rf"uploads/[0-9a-f]{{32}}\.{suffix}", page).group(0)
    assert (upload_dir / path.removeprefix("uploads/")).read_bytes() == data
    served = client.get("/" + path)  # anyone: learner pages play it
    assert served.status_code == 200 and served.data == data
    assert served.mimetype == mime
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert "immutable" in served.headers["Cache-Control"]
    ranged = client.get("/" + path, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.data == data[:10]


def test_images_are_served_inline_with_their_type_fixed(staff_client, upload_dir, client):
    path, _ = uploaded_ok(staff_client("admin"), photo(size=(300, 200)), "a.jpg")
    served = client.get("/" + path)
    assert served.mimetype == "image/webp"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "name",
    [
        "khong-co.webp",
        "0123456789abcdef0123456789abcdef.svg",
        "0123456789abcdef0123456789abcdef.html",
        "0123456789ABCDEF0123456789ABCDEF.webp",
        "..%2Fconfig.py",
        "0123456789abcdef0123456789abcdef.webp",  # well formed, but not there
    ],
)
def test_only_stored_uploads_are_served(client, upload_dir, name):
    upload_dir.mkdir()
    (upload_dir / "x.html").write_text("<script>")
    assert client.get(f"/uploads/{name}").status_code == 404


def test_json_answer_for_an_editor_script(staff_client, upload_dir):
    response = post(
        staff_client("admin"), photo(size=(300, 200)), "a.jpg", Accept="application/json"
    )
    assert response.status_code == 201
    body = response.get_json()
    assert SNIPPET.fullmatch(body["markdown"]) and body["kind"] == "image"
    assert body["url"] == "/" + body["path"] and body["bytes"] <= 60 * 1024
    bad = post(staff_client("admin"), b"<svg/>", "a.svg", Accept="application/json")
    assert bad.status_code == 400 and "SVG" in bad.get_json()["errors"][0]


def test_the_list_shows_every_upload_with_its_snippet(staff_client, upload_dir):
    client = staff_client("admin")
    image, _ = uploaded_ok(client, photo(size=(300, 200)), "a.jpg")
    post(client, MP3, "bai.mp3")
    page = client.get(URL).get_data(as_text=True)
    assert f"![mô tả]({image})" in page
    assert re.search(r"<audio[^>]+/uploads/[0-9a-f]{32}\.mp3", page)


def test_a_description_cannot_break_out_of_the_snippet(staff_client, upload_dir):
    client = staff_client("admin")
    response = post(client, photo(size=(300, 200)), "a.jpg", description="x](javascript:1) [")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"!\[x \(javascript:1\)\]\(uploads/[0-9a-f]{32}\.webp\)", page)


def test_missing_file_or_token_is_400_and_stores_nothing(staff_client, upload_dir):
    client = staff_client("admin")
    token = csrf_token(client.get(URL).get_data(as_text=True))
    assert client.post(URL, data={"csrf_token": token}).status_code == 400
    no_token = client.post(URL, data={"file": (io.BytesIO(MP3), "bai.mp3")})
    assert no_token.status_code == 400
    assert stored(upload_dir) == []


# --- who may upload ----------------------------------------------------------------------------


def test_learners_and_anonymous_visitors_are_sent_to_the_login(
    app, client, upload_dir, participant_in_db
):
    _, token = participant_in_db()
    learner = app.test_client()
    learner.set_cookie(app.config["PARTICIPANT_COOKIE"], token)
    for visitor in (client, learner):
        for response in (
            visitor.get(URL),
            visitor.post(URL, data={"file": (io.BytesIO(MP3), "bai.mp3")}),
        ):
            assert response.status_code in (302, 400)
            if response.status_code == 302:
                assert urlsplit(response.headers["Location"]).path == "/staff/login"
    assert stored(upload_dir) == []


def test_officers_may_not_upload_teachers_may(staff_client, upload_dir):
    officer = staff_client("officer")
    assert officer.get(URL).status_code == 403
    token = csrf_token(officer.get("/staff/").get_data(as_text=True))
    response = officer.post(URL, data={"csrf_token": token, "file": (io.BytesIO(MP3), "a.mp3")})
    assert response.status_code == 403
    assert stored(upload_dir) == []
    teacher = staff_client("teacher_b")
    assert teacher.get(URL).status_code == 200
    uploaded_ok(teacher, photo(size=(300, 200)), "lop-8b.jpg")


# --- in lessons --------------------------------------------------------------------------------


TOPIC = """kind: topic
id: bai-anh
title: Bài có ảnh
summary: Bài có ảnh tải lên.
topic: Thử nghiệm
audience: [villager]
minutes: 2
facts_checked: 2026-11-20
sources: ["Nguồn"]
lesson:
  body: |
    Xem ảnh:

    ![Ảnh tải lên]({image})
  audio: {audio}
quiz:
  pass_mark: 50
  max_attempts: 0
  questions:
    - {{id: q1, type: true_false, text: "Một?", answer: true, explanation: Vì.}}
    - {{id: q2, type: true_false, text: "Hai?", answer: true, explanation: Vì.}}
    - {{id: q3, type: true_false, text: "Ba?", answer: true, explanation: Vì.}}
    - {{id: q4, type: true_false, text: "Bốn?", answer: true, explanation: Vì.}}
"""


def test_lessons_may_use_uploaded_files_that_exist(app, staff_client, upload_dir, tmp_path):
    client = staff_client("admin")
    image, _ = uploaded_ok(client, photo(size=(300, 200)), "a.jpg")
    post(client, MP3, "bai.mp3")
    audio = "uploads/" + next(p.name for p in stored(upload_dir) if p.suffix == ".mp3")
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "bai.yaml").write_text(TOPIC.format(image=image, audio=audio), encoding="utf-8")
    with app.app_context():
        assert content_loader.check(folder).errors == []
        content_loader.load(folder)
        database.commit()
    html = markdown.render(f"![Ảnh]({image})")
    assert f'src="/{image}"' in html


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("uploads/0123456789abcdef0123456789abcdef.webp", "does not exist in the uploaded files"),
        ("uploads/../../config.py", "is not a file name given by the upload page"),
        ("uploads/anh.png", "is not a file name given by the upload page"),
        (
            "uploads/0123456789abcdef0123456789abcdef.svg",
            "is not a file name given by the upload page",
        ),
    ],
)
def test_uploaded_paths_that_do_not_exist_are_errors(app, upload_dir, tmp_path, image, message):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    text = TOPIC.format(image=image, audio="uploads/khong-co.mp3")
    (folder / "bai.yaml").write_text(text, encoding="utf-8")
    with app.app_context():
        errors = content_loader.check(folder).errors
    assert any(e.startswith(f"quizzes/bai.yaml: lesson.body: {image!r} {message}") for e in errors)
    assert (
        "quizzes/bai.yaml: lesson.audio: 'uploads/khong-co.mp3' is not a file name given by the "
        "upload page" in errors
    )


def test_the_learner_lesson_shows_an_uploaded_image(
    app, staff_client, upload_dir, tmp_path, identify, client
):
    image, data = uploaded_ok(staff_client("admin"), photo(size=(300, 200)), "a.jpg")
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "bai.yaml").write_text(
        TOPIC.format(image=image, audio="null").replace("  audio: null\n", ""), encoding="utf-8"
    )
    with app.app_context():
        content_loader.load(folder)
        database.commit()
    identify(client)
    page = client.get("/lessons/bai-anh").get_data(as_text=True)
    src = re.search(r'<img[^>]+src="([^"]+)"', page).group(1)
    assert src == "/" + image
    assert client.get(src).data == data


def test_media_module_needs_no_request(tmp_path):
    """The service is usable from the CLI and tests: no request, no app."""
    limits = media.Limits(image_max_bytes=10**7, image_max_pixels=10**7, audio_max_bytes=10**6)
    result = media_files.store(photo(size=(500, 300)), tmp_path, limits)
    assert result.kind == "image" and (tmp_path / result.name).is_file()
    with pytest.raises(InvalidInput) as refused_svg:
        media_files.store(b"<svg/>", tmp_path, limits)
    assert refused_svg.value.code == "svg"
