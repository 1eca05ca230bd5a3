"""Who is asking: the client's address as the audit log and rate limits see it."""

from flask import request


def client_ip() -> str:
    return request.remote_addr or ""
