"""A unit report as plain tables, shared by the CSV, XLSX and PDF downloads."""

from flask import current_app
from flask_babel import gettext as _

from services.common.vietnamese import local_datetime
from services.render.exports import Sheet
from services.reporting.unit_reports import UnitReport


def people_sheet(report: UnitReport) -> Sheet:
    headers = [
        _("Họ và tên"),
        _("Đơn vị"),
        _("Bài học đã mở"),
        _("Bài kiểm tra đã làm"),
        _("Bài kiểm tra đã đạt"),
        _("Điểm cao nhất (%)"),
        _("Hoạt động gần nhất"),
        _("Giấy chứng nhận"),
    ]
    rows = [
        [
            p.name,
            p.unit_name,
            p.lessons_opened,
            p.quizzes_attempted,
            p.quizzes_passed,
            p.best_score,
            local_datetime(p.last_activity, current_app.config["TIMEZONE"])
            if p.last_activity
            else None,
            p.certificates,
        ]
        for p in report.people
    ]
    return Sheet(_("Người học"), headers, rows)


def quizzes_sheet(report: UnitReport) -> Sheet:
    headers = [
        _("Bài kiểm tra"),
        _("Số người làm"),
        _("Số lượt làm"),
        _("Số người đạt"),
        _("Tỉ lệ đạt (%)"),
        _("Điểm trung bình (%)"),
    ]
    rows = [
        [
            q.title,
            q.participants,
            q.attempts,
            q.passed_participants,
            round(q.pass_rate * 100, 1),
            round(q.average_score, 1),
        ]
        for q in report.quizzes
    ]
    return Sheet(_("Bài kiểm tra"), headers, rows)


def items_sheet(report: UnitReport) -> Sheet:
    """A row per question of each quiz version (never merged across versions), most got wrong
    first within a version."""
    headers = [
        _("Bài kiểm tra"),
        _("Phiên bản"),
        _("Câu"),
        _("Nội dung câu hỏi"),
        _("Số lượt trả lời"),
        _("Tỉ lệ sai (%)"),
        _("Đáp án sai hay chọn nhất"),
        _("Số lần chọn"),
        _("Tỉ lệ đúng (%)"),
        _("Số lần chọn từng đáp án"),
        _("Các cách chọn (câu nhiều đáp án)"),
    ]
    rows = [
        [
            q.title,
            version.number,
            item.number,
            item.text,
            item.answered,
            round(item.wrong_share * 100, 1),
            item.top_wrong_answer,
            item.top_wrong_count,
            round(item.right_share * 100, 1),
            "; ".join(f"{c.label}: {c.count}" for c in item.choices),
            "; ".join(f"{c.label}: {c.count}" for c in item.combinations),
        ]
        for q in report.quizzes
        for version in q.versions
        for item in version.questions
    ]
    return Sheet(_("Phân tích câu hỏi"), headers, rows)


def all_sheets(report: UnitReport) -> list[Sheet]:
    return [people_sheet(report), quizzes_sheet(report), items_sheet(report)]
