"""The list of organisations a department expects rosters and reports from.

Profiles add their organisation as they register, but "who has not reported" is only useful when
the department's own list is in as well: an enterprise that never opened the bot is the one most
likely to be late. Loading is idempotent (same folded name and province = the same organisation).
Reading the spreadsheet is vntext/organisation_table.py, shared with the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.outreach.models import Organisation
from store.outreach.people import OutreachError, current_province, expect
from vntext import organisation_table
from vntext.organisation_table import Listed


def sector_key(label: str | None) -> str | None:
    """The sector code of a label, or OutreachError (a 422) when it names none."""
    try:
        return organisation_table.sector_key(label)
    except ValueError as error:
        raise OutreachError(str(error)) from error


def load(session: Session, rows: Iterable[Listed]) -> tuple[int, int]:
    """Add what is new, keep what is known (filling a missing sector). Returns (added, known).

    Every province is checked before anything is written, so a bad row changes nothing."""
    checked = [(row, current_province(row.province) or "") for row in rows]
    for row, province in checked:
        if not province:
            raise OutreachError(f"Đơn vị «{row.name}» chưa có tỉnh/thành phố.")
    count = select(func.count()).select_from(Organisation)
    before = session.scalar(count) or 0
    for row, province in checked:
        expect(session, row.name.strip(), province, row.sector, source="seed")
    added = (session.scalar(count) or 0) - before
    session.commit()
    return added, len(checked) - added
