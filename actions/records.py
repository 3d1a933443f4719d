"""What was sent and who is on duty: "xem báo cáo của tôi", "ai đang trực ở VNPT Hà Tĩnh?".

The store decides both from the user this conversation is with (X-Acting-User) and the role it
holds for them: an enterprise sees only its own submissions; names and phones of people on duty
go to duty officers (their own organisation) and department staff. A refusal is the store's.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.acting import acting_headers, refusal
from actions.context import message_text, province_from
from actions.directives import quoted_passages, say
from actions.store_client import STORE_UNAVAILABLE_TEXT, StoreClient, StoreError, shared
from common.vocabulary import DutyType
from vntext.timefmt import now

KIND_PATHS = {
    "Danh sách trực": "/api/roster-entries",
    "Báo cáo sự cố": "/api/incidents",
    "Báo cáo kết quả": "/api/results-reports",
}
DUTY_LABELS = DutyType.labels()
HOTLINE_HINT = "Bạn có thể hỏi đường dây nóng của Sở, ví dụ: «sđt đường dây nóng Hà Tĩnh»."
_ORG_RE = re.compile(
    r"(?:ở|tại|của|o|tai|cua)\s+(?P<org>.+?)\s*(?:bây giờ|hiện nay|hôm nay|lúc này|bay gio|hien nay|hom nay)?\s*\??$",
    re.IGNORECASE,
)


class ActionShowMyReports(Action):
    """The user's own rosters, incident and results reports, newest first (the store filters)."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or shared()

    def name(self) -> str:
        return "action_show_my_reports"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        headers = acting_headers(tracker)
        lines: list[str] = []
        try:
            for label, path in KIND_PATHS.items():
                records = await self.client.get_json(path, headers=headers) or []
                seen = dict.fromkeys(r["reference"] for r in records)
                if seen:
                    lines.append(f"• {label}: " + ", ".join(list(seen)[:10]))
        except StoreError as error:
            dispatcher.utter_message(text=refusal(error) or STORE_UNAVAILABLE_TEXT)
            return []
        if not lines:
            dispatcher.utter_message(text="Bạn chưa gửi báo cáo hay danh sách trực nào qua trợ lý.")
            return []
        say(dispatcher, "Những gì bạn đã gửi về Sở (mã tiếp nhận):\n" + "\n".join(lines))
        return []


def _organisation(tracker: Tracker) -> str | None:
    """The organisation named in the question; none means the store's default for the user
    (their own organisation for a duty officer, every organisation for staff)."""
    match = _ORG_RE.search(message_text(tracker).strip())
    return match["org"].strip() if match else None


class ActionWhoIsOnDuty(Action):
    """Roster entries covering now, for the organisation asked about; the store decides whether
    this user may see names and phones, and the directive's published roster is quoted anyway."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or shared()

    def name(self) -> str:
        return "action_who_is_on_duty"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        published = await quoted_passages(self.client, tracker)
        organisation = _organisation(tracker)
        mention = province_from(tracker)
        params = {"at": now().isoformat()}
        params |= {"organisation": organisation} if organisation else {}
        params |= {"province": mention.current} if mention else {}
        try:
            entries = await self.client.get_json(
                "/api/on-duty", params, headers=acting_headers(tracker)
            )
        except StoreError as error:
            reason = refusal(error)
            if reason is None:
                dispatcher.utter_message(text=STORE_UNAVAILABLE_TEXT)
                return []
            if published:
                say(dispatcher, published)
            dispatcher.utter_message(text=f"{reason} {HOTLINE_HINT}")
            return []
        entries = entries or []
        where = f" ở {organisation}" if organisation else ""
        if not entries:
            dispatcher.utter_message(
                text=f"Chưa có ai trong danh sách trực đã gửi về Sở đang trực{where} lúc này."
            )
            if published:
                say(dispatcher, f"Lịch trực nêu trong văn bản:\n{published}")
            return []
        lines = [f"Đang trực{where}:"]
        for entry in entries:
            duty = DUTY_LABELS.get(entry["duty_type"], entry["duty_type"])
            lines.append(
                f"• {entry['full_name']} — {entry['position']}, {entry['organisation']}: {duty}, {entry['phone_display']}"
            )
        say(dispatcher, "\n".join(lines))
        return []
