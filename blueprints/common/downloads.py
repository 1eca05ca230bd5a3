"""A file for the person to save: the body, its type and a file name (ASCII, with the UTF-8
name beside it for names that carry Vietnamese letters)."""

import contextlib
import contextvars
import unicodedata
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from flask import Response, current_app
from flask_babel import force_locale, get_locale

from services.org import tenancy


def disposition(filename: str, kind: str = "attachment") -> str:
    """A Content-Disposition value that every browser reads, whatever letters the name has."""
    ascii_name = (
        unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
        .replace('"', "")
    )
    if ascii_name == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def download(body: bytes | str, mimetype: str, filename: str) -> Response:
    """The response that makes the browser save `body` as `filename`."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition(filename)})


def _own_context(app, locale: str, chunks: Iterable[bytes], scope) -> Iterator[bytes]:
    """`chunks`, each made inside an application context of its own (its own database
    session, the request's language and commune scope) held in a separate set of context
    variables: between pieces the server's thread is left as it was, whoever reads the pieces
    and when."""
    context = contextvars.Context()
    stack = contextlib.ExitStack()

    def enter():
        stack.enter_context(app.app_context())
        stack.enter_context(force_locale(locale))
        # The pieces see what the request saw, not every commune.
        stack.enter_context(tenancy.scoped(scope))

    context.run(enter)
    pieces = iter(chunks)
    try:
        while True:
            try:
                piece = context.run(next, pieces)
            except StopIteration:
                return
            yield piece
    finally:
        close = getattr(pieces, "close", None)
        try:
            if close is not None:
                context.run(close)
        finally:
            context.run(stack.close)


def streamed(chunks: Iterable[bytes], mimetype: str, filename: str) -> Response:
    """The same as `download`, sent piece by piece as `chunks` are made.

    The pieces are made after the view has returned (`_own_context`): the request's context is
    not kept open, so the next request never inherits its session or its logged-in user, and
    what makes the pieces must not touch an object the view loaded."""
    app = current_app._get_current_object()
    locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
    return Response(
        _own_context(app, locale, chunks, tenancy.current()),
        mimetype=mimetype,
        headers={"Content-Disposition": disposition(filename)},
    )
