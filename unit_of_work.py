"""One unit of work per request: commit once when the response is a success, else roll back."""

from flask import Flask, g

import database
from extensions import db


def register_unit_of_work(app: Flask) -> None:
    """Views and services only add and flush; the transaction ends here, in one place."""

    @app.after_request
    def _commit(response):
        if response.status_code < 400 or g.get("keep_changes_on_error"):
            database.commit()
        else:
            database.rollback()
        return response

    @app.teardown_request
    def _cleanup(exc):
        if exc is not None:
            database.rollback()
        db.session.remove()


def keep_changes_on_error() -> None:
    """Commit this request's changes even though it answers 4xx (e.g. a failed-login record)."""
    g.keep_changes_on_error = True
