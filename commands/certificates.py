"""`flask certificates …`: revoke one, re-issue one in a corrected name, print a class batch
(the same services as the staff's certificates page)."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

import database
from extensions import db
from models import Quiz, Unit
from services import documents
from services.common.errors import InvalidInput
from services.org import access, audit
from services.participation import certificates
from services.participation.quiz_taking import CertificateRules

certificates_cli = AppGroup("certificates", help="Certificates: revoke, re-issue, class batch.")


def _fail(message: str):
    click.echo(message, err=True)
    sys.exit(1)


def _found(code: str):
    certificate = certificates.find_by_code(code)
    if certificate is None:
        _fail(f"No certificate with code {code}.")
    return certificate


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why, shown on the verification page.")
def revoke_command(code, reason):
    """Revoke a certificate; its code keeps working and says "revoked" and why."""
    certificate = _found(code)
    try:
        certificates.revoke(certificate, reason)
    except InvalidInput as refused:
        _fail(f"Not revoked: {refused}.")
    audit.record_command(
        "certificate_revoked",
        certificate.serial,
        holder=certificate.holder_name,
        reason=certificate.revoked_reason,
    )
    database.commit()
    click.echo(f"Revoked {certificate.serial} ({certificate.holder_name}).")


@certificates_cli.command("reissue")
@click.argument("code")
@click.option("--name", required=True, help="The holder's corrected full name.")
def reissue_command(code, name):
    """Re-issue a certificate in a corrected name: a new serial and code; the old code says
    it was replaced and names the new serial."""
    certificate = _found(code)
    rules = CertificateRules.from_config(current_app.config, certificate.commune_id)
    previous = certificate.holder_name
    try:
        successor = certificates.reissue(certificate, name, rules.serial_prefix, rules.timezone)
    except InvalidInput as refused:
        _fail(f"Not re-issued: {refused}.")
    audit.record_command(
        "certificate_reissued",
        certificate.serial,
        new_serial=successor.serial,
        holder=successor.holder_name,
        previous_holder=previous,
    )
    database.commit()
    click.echo(
        f"Re-issued {certificate.serial} as {successor.serial} ({successor.holder_name}); "
        f"new code {certificates.format_code(successor.verification_code)}."
    )


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
    items = certificates.valid_in_units(access.subtree_ids(unit), quiz=quiz)
    if not items:
        _fail(f"Nobody in {unit.name} holds a certificate for {quiz.title}.")
    Path(out).write_bytes(documents.certificate_pdf(items))
    click.echo(f"Wrote {len(items)} certificate(s) to {out}.")
