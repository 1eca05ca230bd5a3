"""Configuration that cannot fail silently: no SECRET_KEY outside debug and testing, no start."""

import pytest

from app import create_app
from config import MissingSecretKey

NO_KEY = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None}


def test_the_app_refuses_to_start_without_a_secret_key():
    with pytest.raises(MissingSecretKey) as raised:
        create_app({**NO_KEY, "TESTING": False, "DEBUG": False})
    message = str(raised.value)
    assert "SECRET_KEY" in message
    assert "python -c 'import secrets; print(secrets.token_hex(32))'" in message


def test_an_empty_secret_key_is_no_key():
    with pytest.raises(MissingSecretKey):
        create_app({**NO_KEY, "SECRET_KEY": "", "TESTING": False, "DEBUG": False})


def test_the_app_starts_with_a_secret_key():
    app = create_app({**NO_KEY, "SECRET_KEY": "k" * 64, "TESTING": False, "DEBUG": False})
    assert app.config["SECRET_KEY"] == "k" * 64


@pytest.mark.parametrize("mode", ["TESTING", "DEBUG"])
def test_debug_and_testing_get_a_random_key_for_the_process(mode):
    first = create_app({**NO_KEY, "TESTING": False, "DEBUG": False, mode: True})
    second = create_app({**NO_KEY, "TESTING": False, "DEBUG": False, mode: True})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
