"""Fill English translations from a TSV file of "Vietnamese msgid<TAB>English" lines.

    .venv/bin/python scripts/po_fill.py new-strings.tsv && bash scripts/i18n.sh compile

Lines whose msgid is not in the catalog are reported; existing translations are overwritten.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "translations/en/LC_MESSAGES/messages.po"


def main(tsv: str) -> int:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = 0
    for line in Path(tsv).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        msgid, english = line.split("\t", 1)
        message = catalog.get(msgid)
        if message is None:
            print(f"not in catalog: {msgid!r}", file=sys.stderr)
            missing += 1
            continue
        message.string = english
        message.flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
