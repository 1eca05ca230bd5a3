"""A file for the person to save: the body, its type and a file name (ASCII, with the UTF-8
name beside it for names that carry Vietnamese letters)."""

import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response, stream_with_context


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


def streamed(chunks: Iterable[bytes], mimetype: str, filename: str) -> Response:
    """The same as `download`, sent piece by piece as `chunks` are made (the request's
    context stays open for them, so they may read the database)."""
    return Response(
        stream_with_context(chunks),
        mimetype=mimetype,
        headers={"Content-Disposition": disposition(filename)},
    )
