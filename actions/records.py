"""What was sent and who is on duty: "xem báo cáo của tôi", "ai đang trực ở VNPT Hà Tĩnh?".

An enterprise sees only its own submissions (the store filters on the submitter); names and phones
of people on duty are shown only to duty officers and department staff.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.context import message_text, profile, province_from
from actions.directives import quoted_passages, say
from actions.store_client import STORE_UNAVAILABLE_TEXT, StoreClient, StoreUnavailable
from vntext.normalize import fold
from vntext.timefmt import now

KIND_PATHS = {
    "Danh sách trực": "/api/roster-entries",
    "Báo cáo sự cố": "/api/incidents",
    "Báo cáo kết quả": "/api/results-reports",
}
# Verified by the gateway: staff and admins see every organisation's duty officers; a duty officer
# sees their own organisation's. Personal data of other organisations is for staff only.
STAFF_ROLES = {"staff", "admin"}
DUTY_ROLES = {"can_bo_truc", *STAFF_ROLES}
DUTY_LABELS = {
    "truc_lanh_dao": "Trực lãnh đạo",
    "truc_dieu_hanh": "Trực điều hành",
    "truc_ca": "Trực ca",
    "ung_cuu_thong_tin": "Ứng cứu thông tin",
    "van_hanh_khai_thac": "Vận hành khai thác",
}
_ORG_RE = re.compile(
    r"(?:ở|tại|của|o|tai|cua)\s+(?P<org>.+?)\s*(?:bây giờ|hiện nay|hôm nay|lúc này|bay gio|hien nay|hom nay)?\s*\??$",
    re.IGNORECASE,
)


class ActionShowMyReports(Action):
    """The submitter's own rosters, incident and results reports, newest first."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or StoreClient()

    def name(self) -> str:
        return "action_show_my_reports"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        who = parsing.submitter(tracker)
        params = {"submitter_channel": who["channel"], "submitter_id": who["id"]}
        lines: list[str] = []
        try:
            for label, path in KIND_PATHS.items():
                records = await self.client.get_json(path, params) or []
                seen = dict.fromkeys(r["reference"] for r in records)
                if seen:
                    lines.append(f"• {label}: " + ", ".join(list(seen)[:10]))
        except StoreUnavailable:
            dispatcher.utter_message(text=STORE_UNAVAILABLE_TEXT)
            return []
        if not lines:
            dispatcher.utter_message(text="Bạn chưa gửi báo cáo hay danh sách trực nào qua trợ lý.")
            return []
        say(dispatcher, "Những gì bạn đã gửi về Sở (mã tiếp nhận):\n" + "\n".join(lines))
        return []


def _organisation(tracker: Tracker) -> str | None:
    match = _ORG_RE.search(message_text(tracker).strip())
    return match["org"].strip() if match else profile(tracker).get("organisation")  # type: ignore[return-value]


def _same_organisation(asked: object, own: object) -> bool:
    """ "VNPT Hà Tĩnh" asked by someone of "vnpt ha tinh": the same, however it is spelled."""
    return bool(asked and own) and fold(str(asked)).strip() == fold(str(own)).strip()


class ActionWhoIsOnDuty(Action):
    """Roster entries covering now, for the organisation asked about; personal data by role."""

    def __init__(self, client: StoreClient | None = None) -> None:
        self.client = client or StoreClient()

    def name(self) -> str:
        return "action_who_is_on_duty"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        published = await quoted_passages(self.client, tracker)
        if profile(tracker).get("role") not in DUTY_ROLES:
            if published:
                say(dispatcher, published)
            dispatcher.utter_message(
                text="Danh sách người đang trực (họ tên, số điện thoại) chỉ dành cho cán bộ trực "
                "và cán bộ Sở. Bạn có thể hỏi đường dây nóng của Sở, ví dụ: «sđt đường dây nóng Hà Tĩnh»."
            )
            return []
        organisation = _organisation(tracker)
        own = profile(tracker).get("organisation")
        if profile(tracker).get("role") not in STAFF_ROLES and not _same_organisation(
            organisation, own
        ):
            dispatcher.utter_message(
                text=f"Cán bộ trực chỉ xem được người đang trực của đơn vị mình ({own or 'chưa khai báo'}). "
                "Để liên hệ đơn vị khác, bạn gọi đường dây nóng của Sở, ví dụ: «sđt đường dây nóng Hà Tĩnh»."
            )
            return []
        mention = province_from(tracker)
        params = {"at": now().isoformat()}
        params |= {"organisation": organisation} if organisation else {}
        params |= {"province": mention.current} if mention else {}
        try:
            entries = await self.client.get_json("/api/on-duty", params) or []
        except StoreUnavailable:
            dispatcher.utter_message(text=STORE_UNAVAILABLE_TEXT)
            return []
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
