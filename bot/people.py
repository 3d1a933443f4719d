"""Who is writing: profile, role and rights, from the store, cached briefly.

Department staff and admins are never self-declared: admins come from ADMIN_TELEGRAM_IDS and
staff from grants kept in the store. A self-declared "cán bộ Sở" is treated as an enterprise user
until an admin grants the role.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.relay import Profile
from bot.store_api import StoreAPI, StoreUnavailable
from common.vocabulary import Sector

CACHE_SECONDS = 60.0
ROLE_LABELS = {
    "doanh_nghiep": "Doanh nghiệp",
    "can_bo_truc": "Cán bộ trực",
    "can_bo_so": "Cán bộ Sở",
}
SECTOR_LABELS = Sector.labels()


@dataclass
class Person:
    """One Telegram user as the gateway sees them."""

    user_id: int
    profile: dict[str, Any] = field(default_factory=dict)
    is_admin: bool = False
    is_staff: bool = False

    @property
    def privileged(self) -> bool:
        """Department staff or admin: may broadcast, see statistics and others' personal data."""
        return self.is_admin or self.is_staff

    @property
    def role(self) -> str:
        """The role Rasa's actions act on (actions/records.py): verified roles only."""
        if self.is_admin:
            return "admin"
        if self.is_staff:
            return "staff"
        declared = self.profile.get("declared_role") or ""
        return "can_bo_so_chua_xac_nhan" if declared == "can_bo_so" else declared

    def for_rasa(self) -> Profile:
        """Profile metadata sent with every message; forms pre-fill organisation and phone."""
        extra = {k: self.profile[k] for k in ("name", "phone") if self.profile.get(k)}
        return Profile(
            role=self.role or None,
            organisation=self.profile.get("organisation"),
            province=self.profile.get("province"),
            sector=self.profile.get("sector"),
            extra=extra,
        )


class People:
    """Profiles from the store with a short cache; a store outage never blocks an answer."""

    def __init__(self, store: StoreAPI, admin_ids: frozenset[int]) -> None:
        self.store = store
        self.admin_ids = admin_ids
        self._cache: dict[int, tuple[float, Person]] = {}

    async def get(self, user_id: int) -> Person:
        cached = self._cache.get(user_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            profile = await self.store.profile(user_id) or {}
        except StoreUnavailable:
            return cached[1] if cached else Person(user_id, is_admin=user_id in self.admin_ids)
        person = Person(
            user_id,
            profile,
            is_admin=user_id in self.admin_ids,
            is_staff=bool(profile.get("is_staff")),
        )
        if not profile:
            person.is_staff = any(s["user_id"] == str(user_id) for s in await self._staff())
        self._cache[user_id] = (time.monotonic() + CACHE_SECONDS, person)
        return person

    async def _staff(self) -> list[dict[str, Any]]:
        try:
            return await self.store.staff()
        except StoreUnavailable:
            return []

    def forget(self, user_id: int) -> None:
        """After a change (onboarding, grant, revoke) the next message reads the store again."""
        self._cache.pop(user_id, None)
