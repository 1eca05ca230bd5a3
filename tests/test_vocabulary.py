"""The one vocabulary: every code the models allow has a label, in Vietnamese and in English,
and no other module spells labels for the same code words."""

import ast
import datetime as dt
import re
from itertools import product
from pathlib import Path

import pytest
from audit_scan import recorded_calls
from flask_babel import force_locale

from blueprints.authoring.recording import LANGUAGES as RECORDING_LANGUAGES
from blueprints.authoring.routes import LANGUAGE_NAMES
from blueprints.units.forms import UnitForm
from config import Config
from models.activities import ACTIVITY_KINDS, EVIDENCE_KINDS
from models.drafts import DRAFT_KINDS
from models.indicators import INDICATORS
from models.jobs import JOB_STATUSES
from models.participation import VISIT_KINDS
from models.people import AGE_BANDS, ROLES
from models.recognition import NOMINEE_KINDS
from models.science import TASK_STATUSES
from models.staff import STAFF_ROLES
from models.units import UNIT_KINDS
from services.common import vocabulary
from services.common.vocabulary import (
    ACTIVITY_KIND_LABELS,
    AGE_LABELS,
    AUDIT_ACTION_LABELS,
    CONSENT_KIND_LABELS,
    CONTENT_KIND_LABELS,
    EVIDENCE_KIND_LABELS,
    FILING_STATUS_LABELS,
    INDICATOR_LABELS,
    JOB_KIND_LABELS,
    JOB_STATUS_LABELS,
    LANGUAGE_LABELS,
    NOMINEE_KIND_LABELS,
    PROGRESS_LABELS,
    ROLE_LABELS,
    STAFF_ROLE_LABELS,
    TASK_STATUS_LABELS,
    UNIT_KIND_LABELS,
    VISIT_KIND_LABELS,
    label,
)
from services.operations import jobs
from services.participation.identity import GUARDIAN_CONSENT
from services.reporting import half_year_annex, indicators
from services.reporting.activities import FilingRow

ROOT = Path(__file__).resolve().parent.parent


def _filing_statuses() -> set[str]:
    """Every status a filing row can have, from the row's own rule."""
    day = dt.date(2026, 7, 15)
    return {
        FilingRow(1, "x", "village", None, count, 0, filed_on, filed_on, day, passed).status
        for count, filed_on, passed in product(
            (0, 1), (dt.date(2026, 7, 1), dt.date(2026, 8, 1)), (False, True)
        )
    }


def _progress_statuses() -> set[str]:
    """Every status a target's progress can have: indicators.status, and NO_QUIZ for a training
    target that names no quiz."""
    return {
        indicators.status(actual, 80, elapsed)
        for actual, elapsed in product((None, 0.1, 0.5, 0.9), (0.25, 1.0))
    } | {indicators.NO_QUIZ}


# Each vocabulary against the codes that its model or service allows.
CASES = [
    (ROLE_LABELS, set(ROLES)),
    (AGE_LABELS, set(AGE_BANDS)),
    (STAFF_ROLE_LABELS, set(STAFF_ROLES)),
    (UNIT_KIND_LABELS, set(UNIT_KINDS)),
    (NOMINEE_KIND_LABELS, set(NOMINEE_KINDS)),
    (ACTIVITY_KIND_LABELS, set(ACTIVITY_KINDS)),
    (EVIDENCE_KIND_LABELS, set(EVIDENCE_KINDS)),
    (TASK_STATUS_LABELS, set(TASK_STATUSES)),
    (INDICATOR_LABELS, set(INDICATORS)),
    (FILING_STATUS_LABELS, _filing_statuses()),
    (PROGRESS_LABELS, _progress_statuses()),
    (AUDIT_ACTION_LABELS, {action for _file, action, _keys in recorded_calls()}),
    # Posters name lessons and quizzes; drafts and the editor name topics and surveys.
    (CONTENT_KIND_LABELS, set(DRAFT_KINDS) | {"quiz"}),
    # Lessons are Vietnamese first, English second, recorded in Vietnamese, Tày and Nùng.
    (LANGUAGE_LABELS, set(Config.LANGUAGES) | set(LANGUAGE_NAMES) | set(RECORDING_LANGUAGES)),
    (CONSENT_KIND_LABELS, {GUARDIAN_CONSENT}),
    (VISIT_KIND_LABELS, set(VISIT_KINDS)),
    (JOB_STATUS_LABELS, set(JOB_STATUSES)),
    # Every kind of background job the app registers (the blueprints register theirs).
    (JOB_KIND_LABELS, set(jobs.KINDS)),
]
IDS = [name for name, vocab in vocabulary.VOCABULARIES.items() for v, _ in CASES if v is vocab]


def test_every_vocabulary_is_checked():
    assert len(IDS) == len(CASES) == len(vocabulary.VOCABULARIES)


@pytest.mark.parametrize(("vocab", "codes"), CASES, ids=IDS)
def test_every_allowed_code_has_a_vietnamese_label(ctx, vocab, codes):
    assert set(vocab) == codes
    with force_locale("vi"):
        for code in codes:
            text = label(vocab, code)
            assert text and text != code


# Needs the English catalog to hold every label (tsv of the helper "vocab", merged by the lead).
@pytest.mark.parametrize(("vocab", "codes"), CASES, ids=IDS)
def test_every_allowed_code_has_an_english_label(ctx, vocab, codes):
    for code in codes:
        with force_locale("vi"):
            vietnamese = label(vocab, code)
        with force_locale("en"):
            english = label(vocab, code)
        assert english and english != vietnamese, (code, vietnamese)


def test_an_unknown_code_reads_as_other(ctx):
    with force_locale("vi"):
        assert label(UNIT_KIND_LABELS, "hamlet") == "Khác"
    with force_locale("en"):
        assert label(UNIT_KIND_LABELS, "hamlet") == "Other"
        assert label(UNIT_KIND_LABELS, "village") == "Village"


def test_documents_take_vietnamese_labels_in_any_locale(ctx):
    with force_locale("en"):
        assert vocabulary.vietnamese(NOMINEE_KIND_LABELS)["participant"] == "Cá nhân"
        assert vocabulary.vietnamese_label(ACTIVITY_KIND_LABELS, "nope") == "Khác"
        snap = {
            "units": [
                {
                    "depth": 0,
                    "name": "Nà Pàn",
                    "kind": "village",
                    "population": 10,
                    "reached": 5,
                    "reached_percent": 50,
                    "trained": 1,
                    "trained_percent": 10,
                }
            ],
            "targets": [],
            "activities": [{"kind": "loudspeaker", "count": 2, "people_reached": 90}],
        }
        units, _targets, activities = half_year_annex.sheets(snap)
    assert units.headers[3] == "Được tiếp cận" and units.headers[5] == "Được tập huấn"
    assert units.rows[0][1] == "Thôn"
    assert activities.rows[0][0] == "Phát thanh trên hệ thống loa"
    assert all(type(cell) is not type(UNIT_KIND_LABELS["village"]) for cell in units.rows[0])


def test_forms_offer_the_vocabulary(app):
    with app.test_request_context():
        form = UnitForm(formdata=None, meta={"csrf": False})
        assert [code for code, _text in form.kind.choices] == list(UNIT_KINDS)


# Pairs of code words that only a label dict of that vocabulary would hold together.
SIGNATURES = [
    {"village", "class"},
    {"village", "agency"},
    {"officer", "teacher"},
    {"admin", "officer"},
    {"villager", "student"},
    {"official", "worker"},
    {"article", "loudspeaker"},
    {"filed", "overdue"},
    {"planned", "completed"},
    {"reached", "trained"},
    {"met", "behind"},
    {"under16", "60plus"},
]
LABEL_CALLS = {"_", "_l", "gettext", "lazy_gettext"}


def _is_label(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in LABEL_CALLS
    )


def _label_dicts(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        if any(sig <= keys for sig in SIGNATURES) and any(map(_is_label, node.values)):
            yield node.lineno


def _label_pairs(tree: ast.AST):
    """Lists or tuples of (code, label) pairs, the other way forms used to spell choices."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.List | ast.Tuple):
            continue
        pairs = [e for e in node.elts if isinstance(e, ast.Tuple) and len(e.elts) == 2]
        keys = {
            p.elts[0].value
            for p in pairs
            if isinstance(p.elts[0], ast.Constant) and _is_label(p.elts[1])
        }
        if any(sig <= keys for sig in SIGNATURES):
            yield node.lineno


def test_no_other_module_spells_these_labels():
    own = ROOT / "services" / "common" / "vocabulary.py"
    found = []
    for top in ("services", "blueprints"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if path == own:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            rel = path.relative_to(ROOT)
            found += [f"{rel}:{n}" for n in (*_label_dicts(tree), *_label_pairs(tree))]
    assert found == []


def test_the_signature_check_sees_a_label_dict():
    tree = ast.parse('KINDS = {"village": _l("Thôn"), "class": "Lớp"}\nX = {"village": 1}')
    assert list(_label_dicts(tree)) == [1]
    tree = ast.parse('CHOICES = [("officer", _l("Cán bộ")), ("teacher", _l("Giáo viên"))]')
    assert list(_label_pairs(tree)) == [1]


CODE_WORDS = sorted({word for sig in SIGNATURES for word in sig} | set(UNIT_KINDS))
TEMPLATE_LABEL = re.compile(r"""['"](""" + "|".join(CODE_WORDS) + r""")['"]\s*:\s*_\(""")


def test_no_template_spells_these_labels():
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if TEMPLATE_LABEL.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
