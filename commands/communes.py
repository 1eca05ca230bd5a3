"""`flask communes …`: add a commune whole, list the communes, check that every row is in its
unit's commune, and move a commune between deployments (export / import)."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

import database
from blueprints.common.unit_messages import commune_problems
from services.common.errors import InvalidInput
from services.operations import commune_transfer
from services.org import communes
from services.participation import onboarding

communes_cli = AppGroup("communes", help="The communes of the deployment (tenants).")

CONTENT_LABELS = {
    "lessons": "bài học",
    "quizzes": "bài kiểm tra",
    "surveys": "phiếu khảo sát",
    "courses": "khóa học",
    "quiz_versions": "bài kiểm tra",
    "survey_versions": "phiếu khảo sát",
}
TRANSFER_MESSAGES = {
    "no_commune": "Không có xã mã “{code}”.",
    "not_json": "Tệp không phải bản xuất một xã (không đọc được JSON).",
    "not_an_export": "Tệp không phải bản xuất một xã của Lan Tỏa.",
    "version": "Bản xuất phiên bản {found}; hệ thống này chỉ nhận phiên bản {wanted}.",
    "no_table": "Hệ thống này không có bảng “{table}”: bản xuất của một phiên bản khác.",
    "no_columns": (
        "Bảng “{table}” ở đây không có cột {columns}: hãy nâng cấp hệ thống này "
        "(flask db upgrade) rồi nhập lại."
    ),
    "not_one_commune": "Tệp không có đúng một xã.",
    "commune_taken": "Đã có xã mã “{code}” trên hệ thống này.",
    "missing_content": "Hệ thống này thiếu nội dung mà dữ liệu của xã cần: {items}.",
    "codes_taken": (
        "Các mã sau đã được dùng trên hệ thống này, nên không nhập được "
        "(bảng.cột: số mã, ví dụ): {items}."
    ),
    "dangling": "Một dòng của bảng “{table}” trỏ tới {space} {value}, không có trong tệp.",
}


def _transfer_message(exc: commune_transfer.TransferError) -> str:
    params = dict(exc.params)
    if exc.reason == "missing_content":
        params["items"] = ", ".join(
            f"{CONTENT_LABELS[kind]} “{slug}”" + (f" phiên bản {version}" if version else "")
            for kind, slug, version in params["items"]
        )
    elif exc.reason == "codes_taken":
        params["items"] = "; ".join(params["items"])
    return TRANSFER_MESSAGES[exc.reason].format(**params)


def _refuse(lines: list[str]):
    database.rollback()
    click.echo("Không thêm được xã:", err=True)
    for line in lines:
        click.echo(f"  - {line}", err=True)
    sys.exit(1)


@communes_cli.command("add")
@click.option("--code", required=True, help="Short permanent code, e.g. tan-van.")
@click.option("--name", required=True, help='The commune\'s name, e.g. "Xã Tân Văn".')
@click.option("--serial-prefix", required=True, help="Certificate serial prefix, e.g. TV.")
@click.option(
    "--units",
    "sheet",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV or XLSX of its villages, schools, classes, agencies and populations.",
)
@click.option("--admin", "admin_username", required=True, help="Username of its first admin.")
@click.option("--poster-lesson", help="Lesson slug of the posters (default: the first lesson).")
def add_command(code, name, serial_prefix, sheet, admin_username, poster_lesson):
    """Create a commune, its units, its first admin and a poster per village and class."""
    request = onboarding.NewCommune(
        code=code,
        name=name,
        serial_prefix=serial_prefix,
        admin_username=admin_username,
        sheet_name=sheet.name,
        sheet=sheet.read_bytes(),
        poster_lesson=poster_lesson,
    )
    try:
        done = onboarding.add_commune(request)
    except InvalidInput as exc:
        _refuse(commune_problems(exc))
    database.commit()
    click.echo(
        f"Đã thêm {done.unit.name} (mã {done.commune.code}, tiền tố {done.commune.serial_prefix}): "
        f"{done.units_created} đơn vị, {len(done.posters)} áp phích."
    )
    click.echo(f"Quản trị viên: {done.admin.username}")
    click.echo(f"Mật khẩu (chỉ hiện một lần, đổi ở lần đăng nhập đầu): {done.password}")


@communes_cli.command("list")
def list_command():
    """Code, name, serial prefix, units and people of each commune."""
    click.echo("code\tname\tprefix\tunits\tpeople")
    for row in communes.overview():
        click.echo(f"{row.code}\t{row.name}\t{row.serial_prefix}\t{row.units}\t{row.people}")


@communes_cli.command("check")
def check_command():
    """Every row of a commune's data carries the commune of its unit (exit 1 if not)."""
    wrong = communes.misplaced_rows()
    if not wrong:
        click.echo("OK: mọi dòng dữ liệu đều thuộc đúng xã của đơn vị.")
        return
    for table, count in wrong.items():
        click.echo(f"{table}: {count} dòng khác xã với đơn vị của nó", err=True)
    sys.exit(1)


@communes_cli.command("export")
@click.option("--code", required=True, help="The commune's code.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(code, out):
    """Write one commune whole (its units, people, answers, staff…) to a file."""
    try:
        counts = commune_transfer.export_commune(code, out)
    except commune_transfer.TransferError as exc:
        click.echo(f"Không xuất được: {_transfer_message(exc)}", err=True)
        sys.exit(1)
    click.echo(f"Đã ghi {out}: " + ", ".join(f"{t} {n}" for t, n in counts.items() if n))


@communes_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(source):
    """Add a commune exported from another deployment; every code keeps working."""
    try:
        counts = commune_transfer.import_commune(source)
    except commune_transfer.TransferError as exc:
        database.rollback()
        click.echo(f"Không nhập được: {_transfer_message(exc)}", err=True)
        sys.exit(1)
    database.commit()
    click.echo("Đã nhập: " + ", ".join(f"{t} {n}" for t, n in counts.items() if n))
