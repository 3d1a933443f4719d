"""Load the department's list of organisations expected to report: `make organisations FILE=…`.

A CSV with a header row («Tên đơn vị», «Tỉnh», optional «Lĩnh vực»), as Excel saves it. Writes
straight to the store's database; /stats, /pending and pending-audience broadcasts count against
the list at once. Loading the same file again adds nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store.config import Settings
from store.db import migrated_session
from store.outreach.organisations import load
from store.outreach.people import OutreachError
from vntext.organisation_table import read_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Nạp danh sách đơn vị phải báo cáo (CSV: Tên đơn vị, Tỉnh, Lĩnh vực)."
    )
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        rows = read_csv(args.file.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:  # UnicodeDecodeError is a ValueError
        print(f"Không đọc được {args.file.name}: {error}", file=sys.stderr)
        return 1
    with migrated_session(Settings().database_url) as session:
        try:
            added, known = load(session, rows)
        except OutreachError as error:
            print(f"Không nạp được {args.file.name}: {error}", file=sys.stderr)
            return 1
    print(f"Đã nạp {args.file.name}: {added} đơn vị mới, {known} đơn vị đã có.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
