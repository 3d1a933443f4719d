"""One user talking to the real stack through the gateway's relay, and the store read back."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from bot.relay import Profile, Reply
from ops.stack import Stack
from tests.e2e.conftest import ADMIN_ID, SERVICE_TOKEN, STAFF_TOKEN

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
PROFILE = Profile(
    role="doanh_nghiep",
    organisation="VNPT Hà Tĩnh",
    province="Hà Tĩnh",
    extra={"name": "Nguyễn Văn An", "phone": "0912345678"},
)


class Chat:
    """One user; `say` returns the bot's replies joined, `replies` keeps the last ones."""

    def __init__(self, stack: Stack, profile: Profile | None = PROFILE) -> None:
        self.stack = stack
        self.user = f"u{uuid.uuid4().hex[:10]}"
        self.profile = profile
        self.replies: list[Reply] = []

    def say(self, text: str, *, button: bool = False) -> str:
        async def send() -> list[Reply]:
            async with self.stack.relay() as relay:
                return await relay.send("test", self.user, text, self.profile, button=button)

        self.replies = asyncio.run(send())
        return "\n".join(reply.text for reply in self.replies)

    def press(self, payload: str) -> str:
        """A button's payload, which alone may use Rasa's `/intent{…}` syntax."""
        return self.say(payload, button=True)

    def declare(self, role: str, organisation: str | None = None, phone: str | None = None) -> None:
        """Store the role the user declared at /start, as the gateway does (the store judges it)."""
        body = {"declared_role": role} | ({"organisation": organisation} if organisation else {})
        body |= {"phone": phone} if phone else {}
        response = httpx.put(
            f"{self.stack.store_url}/api/profiles/test/{self.user}",
            json=body,
            headers=SERVICE,
            timeout=10,
        )
        response.raise_for_status()

    def grant_staff(self) -> None:
        """Granted by the admin, through the gateway's service token acting for the admin."""
        response = httpx.put(
            f"{self.stack.store_url}/api/staff/test/{self.user}",
            headers=SERVICE | {"X-Acting-User": f"telegram:{ADMIN_ID}"},
            timeout=10,
        )
        response.raise_for_status()

    def records(self, path: str) -> list[dict[str, Any]]:
        """This user's records of one kind, read with a staff token."""
        params = {"submitter_channel": "test", "submitter_id": self.user}
        response = httpx.get(
            f"{self.stack.store_url}{path}", params=params, headers=STAFF, timeout=10
        )
        response.raise_for_status()
        return response.json()
