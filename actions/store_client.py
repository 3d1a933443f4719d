"""The action server's store client: the shared one (common/store_http.py) plus directive reads.

Every call has a timeout and bounded retries: a hanging call inside the action server would stall
every other user's conversation. All actions share one instance, so one connection pool.
"""

from __future__ import annotations

import functools
from typing import Any

from common.store_http import StoreError, StoreHTTP, StoreRejected, StoreUnavailable

__all__ = [
    "STORE_UNAVAILABLE_TEXT",
    "StoreClient",
    "StoreError",
    "StoreRejected",
    "StoreUnavailable",
    "shared",
]

STORE_UNAVAILABLE_TEXT = (
    "Xin lỗi, hệ thống dữ liệu của Sở đang tạm thời không truy cập được. "
    "Bạn vui lòng thử lại sau ít phút."
)


class StoreClient(StoreHTTP):
    """Reads of the loaded directives, and the generic get/post the actions use."""

    async def lookup(self, province: str, tet: str | None = None) -> dict[str, Any] | None:
        """The directive answering for a province (and Tết); None when the name is unknown."""
        params = {"province": province} | ({"tet": tet} if tet else {})
        return await self.get_json("/api/directives/lookup", params)

    async def search(
        self, query: str, province: str | None = None, tet: str | None = None, limit: int = 3
    ) -> dict[str, Any]:
        """Passages closest to a free-form question, best first, with the relevance threshold."""
        params = {"q": query[:1000], "limit": str(limit)}
        params |= {"province": province} if province else {}
        params |= {"tet": tet} if tet else {}
        return await self.get_json("/api/search", params) or {"hits": []}

    async def directive_provinces(self) -> list[str]:
        """Provinces whose directives are loaded, most recent first (for buttons)."""
        return await self.get_json("/api/directives/provinces") or []


@functools.cache
def shared() -> StoreClient:
    """The process's one client (settings from the environment)."""
    return StoreClient()
