"""Async HTTP client of the department store, used by actions.

Every call has a timeout and a bounded retry with back-off: a blocking or hanging call inside the
action server would stall every other user's conversation.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

import httpx

from common.env import env_float, env_int, env_str
from common.tokens import store_api_token

log = logging.getLogger(__name__)

STORE_UNAVAILABLE_TEXT = (
    "Xin lỗi, hệ thống dữ liệu của Sở đang tạm thời không truy cập được. "
    "Bạn vui lòng thử lại sau ít phút."
)


# Building an SSL context costs ~30 ms; httpx builds one per client unless given one (py-spy).
_SSL_CONTEXT = ssl.create_default_context()


class StoreUnavailable(Exception):
    """The store did not answer usefully after all retries."""


class StoreRejected(Exception):
    """The store refused the request for good (4xx): retrying the same body will not help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class StoreClient:
    """Thin client: GET JSON with bearer auth, retrying connection errors and 5xx."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        attempts: int | None = None,
        backoff: float = 0.2,
    ) -> None:
        self.base_url = (base_url or env_str("STORE_URL", "http://127.0.0.1:8000")).rstrip("/")
        self._token = token
        self.timeout = timeout or env_float("STORE_TIMEOUT", 3.0)
        self.attempts = attempts or env_int("STORE_ATTEMPTS", 3)
        self.backoff = backoff

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        if self._token is None:
            self._token = store_api_token()
        return {"Authorization": f"Bearer {self._token}", **(extra or {})}

    async def get_json(
        self,
        path: str,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """GET path; 4xx other than 404 and exhausted retries raise StoreUnavailable."""
        last_error: Exception | None = None
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, verify=_SSL_CONTEXT
        ) as client:
            for attempt in range(self.attempts):
                try:
                    response = await client.get(path, params=params, headers=self._headers(headers))
                    if response.status_code < 500:
                        if response.status_code == 404:
                            return None
                        response.raise_for_status()
                        return response.json()
                    last_error = httpx.HTTPStatusError(
                        f"store answered {response.status_code}",
                        request=response.request,
                        response=response,
                    )
                except httpx.HTTPStatusError as error:
                    raise StoreUnavailable(str(error)) from error
                except httpx.TransportError as error:
                    last_error = error
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(self.backoff * 2**attempt)
        log.warning("store unreachable at %s%s: %s", self.base_url, path, last_error)
        raise StoreUnavailable(str(last_error))

    async def post_json(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """POST with the same retry policy as get_json; 4xx raises StoreRejected."""
        last_error: Exception | None = None
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, verify=_SSL_CONTEXT
        ) as client:
            for attempt in range(self.attempts):
                try:
                    response = await client.post(path, json=body, headers=self._headers(headers))
                except httpx.TransportError as error:
                    last_error = error
                else:
                    if response.status_code < 400:
                        return response.json()
                    if response.status_code < 500:
                        raise StoreRejected(response.status_code, _detail(response))
                    last_error = RuntimeError(f"store answered {response.status_code}")
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(self.backoff * 2**attempt)
        log.warning("store unreachable at %s%s: %s", self.base_url, path, last_error)
        raise StoreUnavailable(str(last_error))

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


def _detail(response: httpx.Response) -> str:
    """The store's Vietnamese error message, whatever shape FastAPI gave it."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:500]
    if isinstance(detail, list):
        return "; ".join(str(item.get("msg", item)) for item in detail)
    return str(detail)
