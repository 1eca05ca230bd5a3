"""The English catalog is complete, and the compiled .mo matches the .po that is committed."""

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def test_every_message_is_translated_and_none_is_fuzzy():
    catalog = read_po(PO.open("rb"))
    missing = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def _messages(catalog) -> dict:
    return {m.id if isinstance(m.id, str) else tuple(m.id): m.string for m in catalog if m.id}


def test_compiled_catalog_is_up_to_date():
    """Every message compiled into the .mo is the one in the .po (compared message by message:
    the header's "Generated-By" changes with the Babel release)."""
    buffer = io.BytesIO()
    write_mo(buffer, read_po(PO.open("rb")))
    buffer.seek(0)
    expected = _messages(read_mo(buffer))
    assert _messages(read_mo(MO.open("rb"))) == expected, "run scripts/i18n.sh, commit the .mo"


def test_every_string_in_the_code_is_in_the_catalog(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    have = {m.id for m in read_po(PO.open("rb")) if m.id}
    assert sorted(wanted - have) == []
