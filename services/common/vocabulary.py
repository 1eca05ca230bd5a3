"""The labels people read for the domain's code words (roles, age bands, unit kinds, activity
kinds, indicators), lazily translated: forms, pages, PDFs and exports all take them from here."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "villager": _l("Người dân"),
    "student": _l("Học sinh"),
    "official": _l("Cán bộ, công chức, viên chức"),
    "worker": _l("Người lao động ở doanh nghiệp"),
    "other": _l("Khác"),
}
AGE_LABELS = {
    "under16": _l("Dưới 16 tuổi"),
    "16-29": _l("16 – 29 tuổi"),
    "30-44": _l("30 – 44 tuổi"),
    "45-59": _l("45 – 59 tuổi"),
    "60plus": _l("Từ 60 tuổi"),
}
