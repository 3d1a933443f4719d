"""Load directive documents from the command line: `make ingest FILE=… [PROVINCE=… TET=… DRY_RUN=1]`.

Prints the preview (what was understood) and loads; with --dry-run it only prints. Writes straight
to the store's database (DATABASE_URL or var/store.db), so it works whether or not the store is
running; a running store answers from the new directive at once.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from store import services
from store.config import Settings
from store.db import migrated_session
from store.knowledge.documents import UnsupportedDocument, extract_path
from store.knowledge.parser import DirectiveParseError
from vntext.lunar import tet_in_text, tet_name_of
from vntext.provinces import resolve


def tet_year(value: str | None) -> int | None:
    """ "2027", "Đinh Mùi" or "Tết Đinh Mùi 2027" -> 2027; a can-chi name is the nearest such year."""
    if not value:
        return None
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) == 4:
        return int(digits)
    name = tet_in_text(value)
    if name is None:
        raise ValueError(f"Không hiểu năm Tết «{value}»; ví dụ: 2027 hoặc Đinh Mùi.")
    this_year = date.today().year
    return min(
        (y for y in range(this_year - 30, this_year + 31) if tet_name_of(y) == name),
        key=lambda y: abs(y - this_year),
    )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Nạp công văn (.txt, .docx, .pdf kể cả bản scan, .html) vào kho dữ liệu."
    )
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--province", help="tỉnh/thành phố, khi văn bản không ghi rõ")
    parser.add_argument("--tet", help="năm Tết (2027 hoặc Đinh Mùi), khi văn bản không ghi rõ")
    parser.add_argument("--issuer", help="cơ quan ban hành (Sở KH&CN, UBND tỉnh…), để sửa")
    parser.add_argument("--dry-run", action="store_true", help="chỉ in bản xem trước, không nạp")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.province and resolve(args.province) is None:
        print(f"Không biết tỉnh/thành phố «{args.province}».", file=sys.stderr)
        return 2
    try:
        year = tet_year(args.tet)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    failures = 0
    with migrated_session(Settings().database_url) as session:
        for path in args.files:
            try:
                document = extract_path(path)
                hints = services.hints_dict(args.province, year, args.issuer, document.meta)
                if args.dry_run:
                    preview = services.preview_text(path.name, document, hints)
                else:
                    preview = services.ingest(session, path.name, document, hints)
            except (UnsupportedDocument, DirectiveParseError, OSError) as error:
                session.rollback()
                print(f"Không nạp được {path.name}: {error}", file=sys.stderr)
                failures += 1
                continue
            print(preview.text + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
