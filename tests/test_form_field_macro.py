"""The staff form-field macro: label, errors, widget and hint, tied by aria-describedby."""

import re

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
