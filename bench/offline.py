"""Offline weight: bytes of the service worker, the page scripts and the manifest, and of the
pack each topic saves for offline use ("Lưu để học khi không có mạng").

Run:  .venv/bin/python bench/offline.py            (in-process app, temporary SQLite, quizzes/)
      .venv/bin/python bench/offline.py --topic dien-thoai-an-toan -v

Everything is requested through Flask's test client with `Accept-Encoding: gzip`, as a phone
asks: "gzip" is the body as sent (compressed when the server compressed it), "raw" the body
after decompression (what the phone's cache then holds). For a topic, the walk asks the pack
endpoint (`/offline/topics/<slug>.json`) for what it would save and the size it shows the
learner, then fetches every file of the pack the way the service worker does and adds up
what came over the wire: "shown" is the learner's estimate, "gzip" the real download.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from pathlib import Path

import harness

SCRIPT_BUDGET = 10 * 1024  # every script of a learner page, gzip (issue 8)
ASSETS = [
    ("service worker", "/sw.js"),
    ("offline.js", "/static/js/offline.js"),
    ("ui.js", "/static/js/ui.js"),
    ("manifest", "/static/manifest.webmanifest"),
    ("icon 192", "/static/icons/icon-192.png"),
    ("icon 512", "/static/icons/icon-512.png"),
    ("maskable 512", "/static/icons/maskable-512.png"),
]
GZIP = {"Accept-Encoding": "gzip"}


def transfer(client, url: str, headers=None) -> tuple[int, int, int]:
    """(status, bytes as sent, bytes decoded) of one GET."""
    response = client.get(url, headers={**GZIP, **(headers or {})})
    body = response.get_data()
    raw = gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body
    return response.status_code, len(body), len(raw)


def learner(app, client) -> None:
    """Make the test client a known participant (the pack and the pages need one)."""
    import database
    from services.org.units import create_unit
    from services.participation.identity import NewIdentity, create_participant

    with app.app_context():
        village = create_unit("village", "Thôn đo (bench)", target_population=100)
        _participant, token = create_participant(
            NewIdentity("Người đo", "villager", village.id, "30-44", False), "bench"
        )
        database.commit()
    client.set_cookie(app.config["PARTICIPANT_COOKIE"], token)


def kb(n: int) -> str:
    return f"{n / 1024:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topic", action="append", help="lesson slug (default: every lesson)")
    parser.add_argument("-v", "--verbose", action="store_true", help="every file of every pack")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lantoa-offline-") as tmp:
        app = harness.inprocess_app(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        client = app.test_client()
        learner(app, client)

        print(f"{'file':<16}{'raw B':>9}{'gzip B':>9}")
        print("-" * 34)
        sizes = {}
        for name, url in ASSETS:
            status, sent, raw = transfer(client, url)
            if status != 200:
                print(f"{name:<16}  HTTP {status}")
                return 1
            sizes[name] = sent
            print(f"{name:<16}{raw:>9,}{sent:>9,}")
        page_scripts = sizes["offline.js"] + sizes["ui.js"]
        every_script = page_scripts + sizes["service worker"]
        print("-" * 34)
        print(
            f"scripts of a learner page (offline.js + ui.js): {page_scripts:,} B gzip; "
            f"with the service worker: {every_script:,} B; budget {SCRIPT_BUDGET:,} B "
            f"({'OK' if every_script <= SCRIPT_BUDGET else 'OVER'})"
        )

        with app.app_context():
            from models import Lesson

            slugs = args.topic or [lesson.slug for lesson in Lesson.query.order_by(Lesson.position)]
        print()
        print(f"{'topic':<30}{'files':>6}{'shown':>14}{'gzip KB':>9}{'raw KB':>9}{'media KB':>10}")
        print("-" * 78)
        for slug in slugs:
            response = client.get(f"/offline/topics/{slug}.json")
            if response.status_code != 200:
                print(f"{slug:<30}  HTTP {response.status_code}")
                return 1
            pack = response.get_json()
            sent_total = raw_total = media_total = 0
            lines = []
            for item in pack["files"]:
                status, sent, raw = transfer(
                    client, item.get("fetch", item["url"]), {"X-Lantoa-Save": "1"}
                )
                if status != 200:
                    print(f"{slug:<30}  HTTP {status} for {item['url']}")
                    return 1
                sent_total += sent
                raw_total += raw
                if item["url"].startswith("/media/"):
                    media_total += sent
                lines.append(f"    {item['url']:<44}{item['bytes']:>9,} shown {sent:>9,} gzip")
            print(
                f"{slug:<30}{len(pack['files']):>6}{pack['size']:>14}"
                f"{kb(sent_total):>9}{kb(raw_total):>9}{kb(media_total):>10}"
            )
            if args.verbose:
                print("\n".join(lines))
        print("-" * 78)
        print(
            "shown: the size the learner sees before saving; gzip: what the save downloads;\n"
            "raw: what the phone's cache keeps; media: lesson images and audio (already\n"
            "compressed formats, sent as they are)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
