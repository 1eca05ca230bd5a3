"""The staff form-field macro: label, errors, widget and hint, tied by aria-describedby."""

import re
from pathlib import Path

from conftest import csrf_token

pytest_plugins = ["staff_fixtures"]


def test_a_field_with_an_error_points_at_it(staff, staff_client):
    client = staff_client("admin")
    page = client.get("/staff/admin/units/").get_data(as_text=True)
    response = client.post(
        "/staff/admin/units/", data={"csrf_token": csrf_token(page), "kind": "village"}
    )
    html = response.get_data(as_text=True)
    assert '<label for="name">' in html
    tag = re.search(r'<input type="text" id="name" name="name"[^>]*>', html)
    assert tag and 'aria-describedby="name-err"' in tag.group(0), tag
    assert re.search(r'<p class="err" id="name-err">[^<]+</p>', html)


def test_a_field_without_an_error_points_nowhere(staff, staff_client):
    html = staff_client("admin").get("/staff/admin/units/").get_data(as_text=True)
    tag = re.search(r'<input type="text" id="name" name="name"[^>]*>', html).group(0)
    assert "aria-describedby" not in tag and 'maxlength="200"' in tag


def test_a_select_keeps_its_choice(staff, staff_client):
    client = staff_client("admin")
    page = client.get("/staff/admin/units/").get_data(as_text=True)
    html = client.post(
        "/staff/admin/units/", data={"csrf_token": csrf_token(page), "kind": "school", "name": ""}
    ).get_data(as_text=True)
    kinds = re.search(r'<select id="kind" name="kind">(.*?)</select>', html, re.DOTALL).group(1)
    assert re.findall(r'<option value="(\w+)" selected>', kinds) == ["school"]


# Staff templates: every folder except the learners' pages, the public certificate check, the
# error pages, the PDF layouts and the macros themselves.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NOT_STAFF = {"learn", "certificates", "errors", "pdf", "macros"}
TAG = re.compile(r"<(input|select|textarea)\b[^>]*>", re.IGNORECASE)
NOT_FIELDS = {"hidden", "submit", "button"}
# Hand-written fields that stay, each with the reason (template, name).
KEPT: dict[tuple[str, str], str] = {
    # One box per poster row, tied to the print form below the table by form="print".
    ("reports/posters.html", "code"): "a box per table row, outside its form",
    ("reports/posters.html", "size"): "belongs to the print form by form=, outside it",
    # The pupil page's move and remove forms: a bare select and a confirmation box inline.
    ("staff/roster_entry.html", "unit_id"): "inline select of the move form",
    ("staff/roster_entry.html", "confirm"): "inline confirmation of the remove form",
}


def staff_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES)
        if len(relative.parts) > 1 and relative.parts[0] not in NOT_STAFF:
            yield str(relative), path.read_text(encoding="utf-8")


def test_staff_templates_draw_their_fields_with_the_macro():
    found = []
    for name, text in staff_templates():
        for tag in TAG.finditer(text):
            kind = re.search(r'type="([^"]+)"', tag.group(0))
            if kind and kind.group(1) in NOT_FIELDS:
                continue
            field = re.search(r'name="([^"]+)"', tag.group(0))
            if (name, field.group(1) if field else "") not in KEPT:
                found.append(f"{name}: {tag.group(0)}")
    assert found == [], "use macros/forms.html instead:\n" + "\n".join(found)


def test_the_walk_sees_the_staff_templates():
    names = {name for name, _ in staff_templates()}
    assert {"authoring/edit.html", "staff/unit.html", "recognition/index.html"} <= names
    assert not any(name.startswith(("learn/", "macros/")) for name in names)


def test_a_plain_field_points_at_its_errors_and_hint(app):
    with app.test_request_context():
        macros = app.jinja_env.get_template("macros/forms.html").module
        html = str(
            macros.plain(
                "quiz.pass_mark",
                "Điểm đạt",
                "150",
                "number",
                id="pass-mark",
                problems={"quiz.pass_mark": ["Quá lớn.", "Phải là số."], "other": ["x"]},
                hint="Phần trăm",
                max=100,
            )
        )
    assert '<label for="pass-mark">Điểm đạt</label>' in html
    assert '<p class="err" id="pass-mark-err">Quá lớn.</p>' in html
    assert '<p class="err" id="pass-mark-err2">Phải là số.</p>' in html
    tag = re.search(r"<input [^>]*>", html).group(0)
    assert 'name="quiz.pass_mark"' in tag and 'value="150"' in tag and 'max="100"' in tag
    assert 'aria-describedby="pass-mark-err pass-mark-err2 pass-mark-hint"' in tag
    assert '<p class="muted" id="pass-mark-hint">Phần trăm</p>' in html and ">x<" not in html


def test_a_plain_box_and_a_group_keep_what_was_ticked(app):
    with app.test_request_context():
        macros = app.jinja_env.get_template("macros/forms.html").module
        box = str(macros.plain("reach", "Tính", "1", "checkbox", checked=True))
        group = str(
            macros.plain(
                "audience",
                "Dành cho",
                ["b"],
                "boxes",
                problems={"audience[0]": ["Sai."]},
                under="audience",
                options=[("a", "A"), ("b", "B")],
            )
        )
    assert 'name="reach" value="1" checked>' in box and "aria-describedby" not in box
    assert '<fieldset aria-describedby="audience-err">' in group
    assert '<p class="err" id="audience-err">Sai.</p>' in group
    assert re.findall(r'value="(\w)"( checked)?>', group) == [("a", ""), ("b", " checked")]
