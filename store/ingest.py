"""Ingest directive documents from the command line: `make ingest FILE=…` or `python -m store.ingest`.

Writes straight to the store's database (DATABASE_URL or var/store.db), so it works whether or not
the store is running; a running store answers from the new directive at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store import services
from store.config import Settings
from store.db import migrated_session
from store.knowledge.documents import UnsupportedDocument, read_document
from store.knowledge.parser import DirectiveParseError
from store.schemas import IngestSummary

STATUS_WORDS = {"created": "Đã thêm", "updated": "Đã cập nhật", "unchanged": "Không đổi"}


def describe(summary: IngestSummary) -> str:
    """A short Vietnamese summary of what was read, then any warnings."""
    lines = [
        f"{STATUS_WORDS[summary.status]}: {summary.source_name} — {summary.citation} "
        f"(trả lời cho {summary.province}).",
        f"  {summary.sections} mục, {summary.duty_items} nhiệm vụ, {summary.deadlines} thời hạn, "
        f"{summary.contacts} liên hệ, {summary.holidays} lịch nghỉ/treo cờ, "
        f"{summary.legal_bases} căn cứ.",
    ]
    lines += [f"  Cảnh báo: {warning}" for warning in summary.warnings]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Nạp công văn (.txt, .docx, .pdf) vào kho dữ liệu."
    )
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failures = 0
    with migrated_session(Settings().database_url) as session:
        for path in args.files:
            try:
                summary = services.ingest(session, path.name, read_document(path))
            except (UnsupportedDocument, DirectiveParseError, OSError) as error:
                session.rollback()
                print(f"Không nạp được {path.name}: {error}", file=sys.stderr)
                failures += 1
                continue
            print(describe(summary))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
