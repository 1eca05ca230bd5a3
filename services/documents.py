"""Printable documents as PDF bytes: certificates, posters, reports, nomination lists (two-line
views send them)."""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

from models import Certificate, Poster, Unit
from models.base import utcnow
from services.common import periods, vocabulary
from services.common.vietnamese import admin_date, local_date, table_date, vn_number
from services.org import tenancy
from services.org.settings import bare_name, commune_settings, public_url
from services.participation import certificates as certificate_service
from services.render import charts
from services.render.pdf import render_pdf
from services.render.qr import qr_svg
from services.reporting import half_year, recognition_output, submissions

POSTER_SIZES = ("A4", "A5")


def _static_dir() -> Path:
    return Path(current_app.static_folder)


def verification_url(certificate: Certificate) -> str:
    """The certificate's /v/ address, at its commune's public address."""
    return public_url(f"/v/{certificate.verification_code}", certificate.commune_id)


def poster_url(poster: Poster) -> str:
    """The poster's /p/ address, at its commune's public address."""
    return public_url(f"/p/{poster.code}", poster.commune_id)


def poster_target(poster: Poster) -> str:
    """What a poster leads to: "lesson", "quiz" or "survey" (its wording follows)."""
    if poster.survey is not None:
        return "survey"
    return "quiz" if poster.quiz is not None else "lesson"


def _qr_markup(url: str) -> Markup:
    # Our own SVG (a path of rectangles), never user input: safe to inline.
    return Markup(qr_svg(url))  # noqa: S704


def certificate_html(items: list[Certificate]) -> str:
    """The HTML of one or more certificates, one A4 landscape page each, each in the name of
    its own commune (the issuer, place and signers of the commune it was issued in)."""
    config = current_app.config
    pages = [
        {
            "certificate": cert,
            "commune": commune_settings(cert.commune_id),
            "code": certificate_service.format_code(cert.verification_code),
            "date_line": f"{commune_settings(cert.commune_id).place_name}, "
            f"{admin_date(local_date(cert.issued_at, config['TIMEZONE']))}",
            "url": verification_url(cert),
            "qr": _qr_markup(verification_url(cert)),
        }
        for cert in items
    ]
    return render_template("pdf/certificate.html", pages=pages, config=config)


def certificate_pdf(items: list[Certificate]) -> bytes:
    """One PDF with a page per certificate (a class batch, or a single one)."""
    return render_pdf(certificate_html(items), _static_dir())


def poster_html(posters: list[Poster], size: str) -> str:
    """The HTML of one or more posters, a page each, in A4 or A5 portrait, each in the name of
    the poster's commune."""
    if size not in POSTER_SIZES:
        raise ValueError(f"size must be one of {POSTER_SIZES}")
    pages = [
        {
            "poster": poster,
            "commune": commune_settings(poster.commune_id),
            "item": poster.lesson or poster.quiz or poster.survey,
            "target": poster_target(poster),
            "url": poster_url(poster),
            "short_url": poster_url(poster).split("://", 1)[-1],
            "qr": _qr_markup(poster_url(poster)),
            "location": poster.location,
        }
        for poster in posters
    ]
    return render_template("pdf/poster.html", pages=pages, size=size, config=current_app.config)


def poster_pdf(posters: list[Poster], size: str = "A4") -> bytes:
    """One PDF with a page per poster."""
    return render_pdf(poster_html(posters, size), _static_dir())


def class_join_url(unit: Unit) -> str:
    return public_url(f"/c/{unit.join_code}", unit.commune_id)


def class_sheet_pdf(unit: Unit, teachers: list[str], has_roster: bool) -> bytes:
    """One A4 page for the classroom wall: the class name, its join QR code and link."""
    url = class_join_url(unit)
    html = render_template(
        "pdf/class_sheet.html",
        unit=unit,
        teachers=teachers,
        has_roster=has_roster,
        url=url,
        short_url=url.split("://", 1)[-1],
        qr=_qr_markup(url),
        commune=commune_settings(unit.commune_id),
        config=current_app.config,
    )
    return render_pdf(html, _static_dir())


PDF_PEOPLE_LIMIT = 300  # beyond this the per-person table belongs in XLSX/CSV, not on paper


def report_pdf(report, sheets) -> bytes:
    """A participation report on A4 with the Vietnamese administrative header.

    A unit of thousands would make hundreds of pages (and minutes of layout): above
    PDF_PEOPLE_LIMIT people the per-person table is left out and the PDF says where to find it.
    """
    config = current_app.config
    today = local_date(utcnow(), config["TIMEZONE"])
    html = render_template(
        "pdf/report.html",
        report=report,
        sheets=sheets,
        people_omitted=len(report.people) > PDF_PEOPLE_LIMIT,
        people_limit=PDF_PEOPLE_LIMIT,
        date_line=f"{commune_settings().place_name}, {admin_date(today)}",
        period=_period_text(report.period),
        config=config,
    )
    return render_pdf(html, _static_dir())


def _period_text(period) -> str:
    start = table_date(period.start) if period.start else "…"
    end = table_date(period.end) if period.end else "…"
    return "toàn bộ thời gian" if not (period.start or period.end) else f"từ {start} đến {end}"


def half_year_pdf(report) -> bytes:
    """The half-year report (Nghị định 30/2020/NĐ-CP layout) from its saved snapshot, with
    today's issuer and signer: the draft, printed as it would be sent."""
    return half_year_submission_pdf(
        submissions.frozen_report(report),
        submissions.frozen_settings(report, commune_settings(report.commune_id)),
    )


def half_year_submission_pdf(snapshot: dict, settings_snapshot: dict) -> bytes:
    """The half-year report printed from frozen data alone: the texts and figures
    (`snapshot`, services.reporting.submissions.frozen_report) and the issuer, place and
    signer (`settings_snapshot`); the live settings are never read."""
    config = current_app.config
    written = snapshot["report"]
    figures = snapshot["figures"]
    named = periods.parse(written["period_key"])
    report_date = dt.date.fromisoformat(written["report_date"])
    correction = snapshot.get("correction")
    html = render_template(
        "pdf/half_year.html",
        report=written,
        snap=figures,
        commune=settings_snapshot,
        correction=correction,
        correction_day=table_date(
            local_date(
                dt.datetime.fromisoformat(correction["replaces_submitted_at"]), config["TIMEZONE"]
            )
        )
        if correction
        else None,
        title_period=half_year.period_title(named),
        date_line=f"{settings_snapshot['place_name']}, {admin_date(report_date)}",
        period_text=f"từ ngày {table_date(named.start)} đến ngày {table_date(named.end)}",
        kind_label=partial(vocabulary.vietnamese_label, vocabulary.ACTIVITY_KIND_LABELS),
        evidence_text=vocabulary.vietnamese_evidence_summary,
        indicator_labels=vocabulary.vietnamese(vocabulary.INDICATOR_LABELS),
        recipients=[line for line in written["recipients"].splitlines() if line.strip()],
        signature=settings_snapshot["signature"],
        signer_name=settings_snapshot["signer_name"],
        num=vn_number,
        village_chart=_village_chart(figures),
        config=config,
    )
    return render_pdf(html, _static_dir())


def _village_chart(snap: dict):
    """The dashboard's progress-per-village chart, drawn from the report's frozen figures."""
    villager_target = next(
        (
            t["target_percent"]
            for t in snap["targets"]
            if t.get("indicator") == "reached" and "villager" in t.get("roles", [])
        ),
        None,
    )
    rows = [
        (
            u["name"],
            None if u["reached_percent"] is None else u["reached_percent"] / 100,
            villager_target,
        )
        for u in snap["units"]
        if u["kind"] == "village"
    ]
    return charts.progress_bars(rows, font=charts.SERIF) if rows else None


def nominations_pdf(named: periods.NamedPeriod) -> bytes:
    """The list on A4 landscape with the Vietnamese administrative header."""
    config = current_app.config
    today = local_date(utcnow(), config["TIMEZONE"])
    html = render_template(
        "pdf/nominations.html",
        rows=recognition_output.list_rows(named, config["TIMEZONE"]),
        headers=recognition_output.HEADERS,
        period_text=f"Kỳ {vocabulary.vietnamese_period_name(named.key)}: từ ngày "
        f"{table_date(named.start)} "
        f"đến ngày {table_date(named.end)}",
        date_line=f"{commune_settings().place_name}, {admin_date(today)}",
        config=config,
    )
    return render_pdf(html, _static_dir())


def gradebook_pdf(view, signer: str | None) -> bytes:
    """A class gradebook on A4 landscape, with the administrative header, the class, school
    and teacher, the date line and a signature block the teacher signs.

    `view` is a services.reporting.gradebook.GradebookView; `signer` the teacher printing it
    (None: the class's teachers, or a blank line to write the name on)."""
    config = current_app.config
    today = local_date(utcnow(), config["TIMEZONE"])
    book = view.book
    teacher = signer or ", ".join(book.teachers)
    commune = commune_settings(book.unit.commune_id)
    html = render_template(
        "pdf/gradebook.html",
        view=view,
        book=book,
        teacher=teacher,
        date_line=f"{commune.place_name}, {admin_date(today)}",
        commune=commune,
        today=table_date(today),
        day=lambda moment: table_date(local_date(moment, config["TIMEZONE"])),
        config=config,
    )
    return render_pdf(html, _static_dir())


@dataclass(frozen=True)
class ProvinceSender:
    """The issuing body of the province's compiled report, as the administrative header
    partial reads it (issuer_parent over issuer_name)."""

    issuer_parent: str  # "UBND tỉnh Lạng Sơn" (printed in capitals)
    issuer_name: str  # "Sở Khoa học và Công nghệ"
    province_name: str  # "tỉnh Lạng Sơn"
    place_name: str  # "Lạng Sơn"


SENDER_NAME = "Sở Khoa học và Công nghệ"
SENDER_SHORT = "SKHCN"  # the issuer's letters in the number: Số: …/BC-SKHCN


def province_sender() -> ProvinceSender:
    """The Sở of the province above the communes (the province unit's name, else the
    configured province)."""
    unit = tenancy.province_unit()
    province = unit.name if unit is not None else commune_settings().province_name
    return ProvinceSender(
        issuer_parent=f"UBND {province}",
        issuer_name=SENDER_NAME,
        province_name=province,
        place_name=_without_kind(province),
    )


def _without_kind(province: str) -> str:
    """'Lạng Sơn' of 'tỉnh Lạng Sơn' (the place before the date)."""
    for kind in ("tỉnh ", "thành phố "):
        if province.lower().startswith(kind):
            return province[len(kind) :]
    return bare_name(province)


def province_summary_pdf(board, today) -> bytes:
    """The Sở KH&CN's report to the province People's Committee (Nghị định 30/2020 layout):
    every commune's reached and trained people against its targets for the period, the
    province's total, and the communes behind. `board` is a
    services.reporting.province_board.Board."""
    sender = province_sender()
    named = board.period
    html = render_template(
        "pdf/province_summary.html",
        commune=sender,
        sender=sender,
        board=board,
        sender_short=SENDER_SHORT,
        date_line=f"{sender.place_name}, {admin_date(today)}",
        title_period=half_year.period_title(named),
        period_text=f"từ ngày {table_date(named.start)} đến ngày {table_date(named.end)}",
        indicator_labels=vocabulary.vietnamese(vocabulary.INDICATOR_LABELS),
        behind=[row.name for row in sorted(board.rows, key=lambda r: r.name) if row.behind],
        num=vn_number,
        config=current_app.config,
    )
    return render_pdf(html, _static_dir())
