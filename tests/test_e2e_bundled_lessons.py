"""Lessons read on a 360 px phone in real Chromium: nothing is wider than the screen. A source
address with no place to break (a long unbroken link once made a demo lesson 373 px wide) wraps
instead of pushing the page sideways; and every bundled lesson, in Vietnamese and in English,
fits."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import fits_width, identify_in_browser
from playwright.sync_api import expect

import database
from models import Lesson
from services.content import loader as content_loader

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "quizzes"
FIXTURE = ROOT / "tests" / "fixtures" / "content"
# An address with nothing a line may break at (no hyphen, no space): 96 characters.
UNBROKEN = "https://vanban.chinhphu.vn/?pageid=27160&docid=" + "2130972" * 7


def _load(app, folder: Path) -> list[str]:
    with app.app_context():
        content_loader.load(folder)
        database.commit()
        return [lesson.slug for lesson in Lesson.query.order_by(Lesson.slug)]


def _too_wide(page, base: str, slugs: list[str], query: str = "") -> dict[str, int]:
    too_wide = {}
    for slug in slugs:
        page.goto(f"{base}/lessons/{slug}{query}")
        expect(page).to_have_url(re.compile(rf".*/lessons/{slug}(\?.*)?$"))  # the lesson itself
        expect(page.locator("article")).to_have_count(1)
        if not fits_width(page):
            too_wide[slug] = page.evaluate("document.documentElement.scrollWidth")
    return too_wide


def _visitor(page, base: str) -> None:
    page.goto(f"{base}/identify?next=/")
    page.select_option("#unit_id", index=1)
    identify_in_browser(page, "Hoàng Văn Pấu", "45-59")
    expect(page).to_have_url(f"{base}/")


def test_a_long_unbroken_source_address_wraps_on_a_360px_phone(
    app, live_server, phone, places, tmp_path
):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE, folder)
    topic = folder / "01-an-toan.yaml"
    data = yaml.safe_load(topic.read_text(encoding="utf-8"))
    data["sources"] = [f"Văn bản gốc: {UNBROKEN}"]
    topic.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _load(app, folder)
    _visitor(phone, live_server)
    assert _too_wide(phone, live_server, ["an-toan"]) == {}
    assert UNBROKEN in phone.locator("main").inner_text()


def test_every_bundled_lesson_fits_a_360px_phone_in_both_languages(app, live_server, phone, places):
    slugs = _load(app, BUNDLED)
    assert len(slugs) >= 20
    _visitor(phone, live_server)
    assert _too_wide(phone, live_server, slugs) == {}
    assert _too_wide(phone, live_server, slugs, "?lang=en") == {}
