"""services.common.errors.InvalidInput and blueprints.common.form_errors.put_errors."""

import pytest
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from blueprints.common.form_errors import message_for, put_errors
from services.common.errors import WHOLE, InvalidInput, collect


class _Form(FlaskForm):
    name = StringField()


def test_invalid_input_names_fields_and_codes():
    exc = InvalidInput({"name": "too_long", "link": "scheme"}, n=80)
    assert exc.errors == {"name": "too_long", "link": "scheme"}
    assert exc.params == {"n": 80}
    assert (exc.field, exc.code) == ("name", "too_long")
    assert "name: too_long" in str(exc)
    assert InvalidInput.of(WHOLE, "period").errors == {"": "period"}


def test_collect_raises_only_for_failed_checks():
    collect({"name": None, "link": None})
    with pytest.raises(InvalidInput) as caught:
        collect({"name": "required", "link": None}, n=3)
    assert caught.value.errors == {"name": "required"}


def test_put_errors_words_codes_next_to_fields(app):
    messages = {("name", "too_long"): _l("Tên dài quá %(n)d ký tự."), "period": _l("Chọn kỳ.")}
    with app.test_request_context():
        form = _Form(meta={"csrf": False})
        put_errors(
            form, InvalidInput({"name": "too_long", "": "period", "x": "odd"}, n=80), messages
        )
        assert form.name.errors == ["Tên dài quá 80 ký tự."]
        assert form.form_errors == ["Chọn kỳ.", "Thông tin không hợp lệ."]
        assert message_for("name", "unknown", messages) == "Thông tin không hợp lệ."
