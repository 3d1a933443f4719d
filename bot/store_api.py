"""The department store's HTTP API as the gateway uses it: profiles, staff, subscriptions,
broadcasts, the outbox, reminders, statistics and exports.

Calls for a staff member name them in X-Acting-User, so the store checks the grant itself and the
audit log says who did what. Every call has a timeout; connection failures and 5xx raise
StoreUnavailable (common/store_http.py), which handlers turn into a short apology.
"""

from __future__ import annotations

import logging
from typing import Any

from common.store_http import StoreHTTP, StoreRejected, StoreUnavailable

__all__ = ["CHANNEL", "StoreAPI", "StoreRejected", "StoreUnavailable"]

log = logging.getLogger(__name__)
CHANNEL = "telegram"


class StoreAPI(StoreHTTP):
    """The gateway's calls; one instance (and connection pool) per gateway process."""

    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        super().__init__(base_url, token, timeout)

    async def request(
        self,
        method: str,
        path: str,
        *,
        acting: int | str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        raw: bool = False,
        files: dict[str, tuple[str, bytes]] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """One call; returns JSON (or bytes when raw), None for 404 on GET / 204."""
        headers = {"X-Acting-User": f"{CHANNEL}:{acting}"} if acting is not None else {}
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        extra: dict[str, Any] = {"timeout": timeout} if timeout else {}
        response = await self.send(
            method, path, json=json, params=clean, headers=headers, files=files, **extra
        )
        if response.status_code == 404:
            if method == "GET":
                return None
            raise StoreRejected(404, response.text[:300])
        if response.status_code == 204 or not response.content:
            return None
        return response.content if raw else response.json()

    # --- people ---------------------------------------------------------------------------------

    async def profile(self, user_id: int) -> dict[str, Any] | None:
        return await self.request("GET", f"/api/profiles/{CHANNEL}/{user_id}")

    async def save_profile(self, user_id: int, **fields: Any) -> dict[str, Any]:
        return await self.request("PUT", f"/api/profiles/{CHANNEL}/{user_id}", json=fields)

    async def profiles_named(self, username: str) -> list[dict[str, Any]]:
        found = await self.request(
            "GET", "/api/profiles", params={"channel": CHANNEL, "username": username}
        )
        return found or []

    async def grant(self, user_id: int | str, by: int) -> dict[str, Any]:
        """The store checks that `by` is one of its admins and records them as the granter."""
        return await self.request(
            "PUT", f"/api/staff/{CHANNEL}/{user_id}", acting=by, json={"granted_by": str(by)}
        )

    async def revoke(self, user_id: int | str, by: int) -> bool:
        """The store checks that `by` is one of its admins (403 otherwise)."""
        try:
            await self.request("DELETE", f"/api/staff/{CHANNEL}/{user_id}", acting=by)
        except StoreRejected as error:
            if error.status == 404:
                return False
            raise
        return True

    async def staff(self) -> list[dict[str, Any]]:
        """Staff user ids and chats (for alerts and recognising staff); the full list with
        names and grants is for admins (GET /api/staff)."""
        return await self.request("GET", "/api/staff/chats", params={"channel": CHANNEL}) or []

    async def audit(self, user_id: int, action: str, allowed: bool, detail: str = "") -> None:
        body = {
            "channel": CHANNEL,
            "user_id": str(user_id),
            "action": action,
            "allowed": allowed,
            "detail": detail[:500],
        }
        await self.request("POST", "/api/audit", json=body)

    # --- subscriptions --------------------------------------------------------------------------

    async def subscribe(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        return await self.request("PUT", f"/api/subscriptions/{CHANNEL}/{chat_id}", json=fields)

    async def unsubscribe(self, chat_id: int, reason: str = "user") -> dict[str, Any] | None:
        try:
            return await self.request(
                "DELETE", f"/api/subscriptions/{CHANNEL}/{chat_id}", params={"reason": reason}
            )
        except StoreRejected as error:
            if error.status == 404:
                return None
            raise

    async def subscription(self, chat_id: int) -> dict[str, Any] | None:
        return await self.request("GET", f"/api/subscriptions/{CHANNEL}/{chat_id}")

    # --- broadcasts and the outbox --------------------------------------------------------------

    async def create_broadcast(
        self, acting: int, kind: str, value: str | None, text: str, progress_chat_id: int
    ) -> dict[str, Any]:
        body = {
            "channel": CHANNEL,
            "created_by": str(acting),
            "audience_kind": kind,
            "audience_value": value,
            "text": text,
            "progress_chat_id": str(progress_chat_id),
        }
        return await self.request("POST", "/api/broadcasts", acting=acting, json=body)

    async def broadcast(self, broadcast_id: int, acting: int | None = None) -> dict[str, Any]:
        return await self.request("GET", f"/api/broadcasts/{broadcast_id}", acting=acting)

    async def confirm_broadcast(self, broadcast_id: int, acting: int) -> dict[str, Any]:
        return await self.request("POST", f"/api/broadcasts/{broadcast_id}/confirm", acting=acting)

    async def cancel_broadcast(self, broadcast_id: int, acting: int) -> dict[str, Any]:
        return await self.request("POST", f"/api/broadcasts/{broadcast_id}/cancel", acting=acting)

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self.request(
            "PATCH", f"/api/broadcasts/{broadcast_id}", json={"progress_message_id": message_id}
        )

    async def broadcasts_sending(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/api/broadcasts", params={"status": "sending"}) or []

    async def enqueue(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        return await self.request("POST", "/api/outbox", json={"items": items})

    async def claim(self, limit: int) -> list[dict[str, Any]]:
        body = {"channel": CHANNEL, "limit": limit}
        return await self.request("POST", "/api/outbox/claim", json=body) or []

    async def result(
        self, item_id: int, status: str, error: str | None = None, retry_after: float | None = None
    ) -> dict[str, Any]:
        body = {"status": status, "error": error, "retry_after": retry_after}
        return await self.request("POST", f"/api/outbox/{item_id}/result", json=body)

    async def recover(self) -> int:
        answer = await self.request("POST", "/api/outbox/recover", json={"channel": CHANNEL})
        return int((answer or {}).get("uncertain", 0))

    # --- reminders, alerts, statistics ----------------------------------------------------------

    async def run_reminders(self) -> dict[str, Any]:
        return await self.request("POST", "/api/reminders/run", json={})

    async def upcoming_reminders(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/api/reminders/upcoming") or []

    async def pending_alerts(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/api/alerts") or []

    async def alert_delivered(self, alert_id: int) -> None:
        await self.request("POST", f"/api/alerts/{alert_id}/delivered")

    async def stats(self, acting: int, province: str | None) -> dict[str, Any]:
        return await self.request("GET", "/api/stats", acting=acting, params={"province": province})

    async def pending(self, acting: int, province: str | None, kind: str) -> list[dict[str, Any]]:
        params = {"province": province, "kind": kind}
        return await self.request("GET", "/api/pending", acting=acting, params=params) or []

    async def export(self, acting: int, province: str | None) -> bytes:
        params = {"format": "xlsx", "province": province}
        return await self.request("GET", "/api/export", acting=acting, params=params, raw=True)

    async def load_organisations(
        self, acting: int, organisations: list[dict[str, str | None]]
    ) -> dict[str, int]:
        body = {"organisations": organisations}
        return await self.request("POST", "/api/organisations", acting=acting, json=body)

    # --- directives: a document becomes a draft, staff check the preview and confirm ----------

    async def upload_directive(self, acting: int, name: str, content: bytes) -> dict[str, Any]:
        """The store reads the document (OCR for scans can take a while) and keeps a draft."""
        files = {"file": (name, content)}
        return await self.request(
            "POST", "/api/directives/upload", acting=acting, files=files, timeout=180
        )

    async def correct_directive(
        self, acting: int, draft_id: int, corrections: dict[str, Any]
    ) -> dict[str, Any]:
        path = f"/api/directives/drafts/{draft_id}"
        return await self.request("PATCH", path, acting=acting, json=corrections)

    async def confirm_directive(self, acting: int, draft_id: int) -> dict[str, Any]:
        path = f"/api/directives/drafts/{draft_id}/confirm"
        return await self.request("POST", path, acting=acting)

    async def discard_directive(self, acting: int, draft_id: int) -> None:
        await self.request("DELETE", f"/api/directives/drafts/{draft_id}", acting=acting)
