"""`flask certificates …`: revoke one, print a class batch."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

import database
from extensions import db
from models import Quiz, Unit
from services import documents
from services.org import audit
from services.participation import certificates

certificates_cli = AppGroup("certificates", help="Certificates (until the staff pages exist).")


def _fail(message: str):
    click.echo(message, err=True)
    sys.exit(1)


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why, shown on the verification page.")
def revoke_command(code, reason):
    """Revoke a certificate; its code keeps working and says "revoked" and why."""
    certificate = certificates.find_by_code(code)
    if certificate is None:
        _fail(f"No certificate with code {code}.")
    certificates.revoke(certificate, reason)
    audit.record_command(
        "certificate_revoked", certificate.serial, holder=certificate.holder_name, reason=reason
    )
    database.commit()
    click.echo(f"Revoked {certificate.serial} ({certificate.holder_name}).")


def _subtree_ids(unit: Unit) -> list[int]:
    ids, stack = [], [unit]
    while stack:
        current = stack.pop()
        ids.append(current.id)
        stack.extend(current.children)
    return ids


@certificates_cli.command("batch")
@click.option("--unit", "unit_id", type=int, required=True, help="Class (or any unit) id.")
@click.option("--quiz", "quiz_slug", required=True, help="Quiz slug.")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True)
def batch_command(unit_id, quiz_slug, out):
    """One PDF with the certificates of everyone in a unit who passed a quiz."""
    unit = db.session.get(Unit, unit_id)
    quiz = Quiz.query.filter_by(slug=quiz_slug).one_or_none()
    if unit is None or quiz is None:
        _fail("Unknown unit or quiz.")
    items = certificates.passed_in_unit(_subtree_ids(unit), quiz)
    if not items:
        _fail(f"Nobody in {unit.name} holds a certificate for {quiz.title}.")
    Path(out).write_bytes(documents.certificate_pdf(items))
    click.echo(f"Wrote {len(items)} certificate(s) to {out}.")
