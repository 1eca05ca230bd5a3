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
    headers = [
        _("Bài kiểm tra"),
        _("Câu"),
        _("Nội dung câu hỏi"),
        _("Số lượt trả lời"),
        _("Tỉ lệ sai (%)"),
        _("Đáp án sai hay chọn nhất"),
        _("Số lần chọn"),
    ]
    rows = [
        [
            q.title,
            item.number,
            item.text,
            item.answered,
            round(item.wrong_share * 100, 1),
            item.top_wrong_answer,
            item.top_wrong_count,
        ]
        for q in report.quizzes
        for item in q.questions
    ]
    return Sheet(_("Phân tích câu hỏi"), headers, rows)


def all_sheets(report: UnitReport) -> list[Sheet]:
    return [people_sheet(report), quizzes_sheet(report), items_sheet(report)]
