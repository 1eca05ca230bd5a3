"""Labels shared by the survey form and the survey results: the default five Likert points.

Lazy translations: they become text only when a page or an export is rendered.
"""

from flask_babel import lazy_gettext as _l

LIKERT_LABELS = (
    _l("Rất không đồng ý"),
    _l("Không đồng ý"),
    _l("Phân vân"),
    _l("Đồng ý"),
    _l("Rất đồng ý"),
)
# The "other" answer of a choice question in results and exports (the form says "Khác (ghi rõ)").
OTHER_RESULT_LABEL = _l("Khác")
