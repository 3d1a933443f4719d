"""The one HTTP client of the department store, shared by the action server and the gateway.

One long-lived connection pool per process. Connection failures are retried by the transport (the
request never left, so any method is safe); timeouts and 5xx are retried with exponential back-off
(tenacity) only where repeating the call is safe: reads, PUT/DELETE, and POSTs the caller marks
idempotent (submissions carry an idempotency key). A 4xx is never retried: it is the store's answer.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from common.env import env_float, env_int, env_str
from common.tokens import store_api_token

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# Building an SSL context costs ~30 ms; httpx builds one per client unless given one (py-spy).
_SSL_CONTEXT = ssl.create_default_context()


class StoreError(Exception):
    """Anything that kept the store from answering a call with a success."""


class StoreUnavailable(StoreError):
    """No useful answer after every retry: connection refused, timeout or 5xx."""


class StoreRejected(StoreError):
    """The store answered 4xx; `detail` is its Vietnamese explanation."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class _Retryable(Exception):
    """A timeout or 5xx inside the retry loop (turned into StoreUnavailable when retries end)."""


def detail_of(response: httpx.Response) -> str:
    """The store's message, whatever shape the error body has."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return response.text[:500]
    if isinstance(detail, list):
        return "; ".join(str(item.get("msg", item)) for item in detail)
    return str(detail)


class StoreHTTP:
    """Bearer-authenticated calls to the store; subclasses add the calls their process makes."""

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
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _pool(self) -> httpx.AsyncClient:
        """The process's pool; a new one if the event loop changed (tests run several loops)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            token = self._token or store_api_token()
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=self.timeout,
                headers={"Authorization": f"Bearer {token}"},
                transport=httpx.AsyncHTTPTransport(retries=2, verify=_SSL_CONTEXT),
            )
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = None

    async def send(
        self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One call; 2xx and 404 are returned, other 4xx raise StoreRejected, the rest retry."""
        retry = method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts if retry else 1),
            wait=wait_exponential(multiplier=self.backoff, max=5.0),
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._once(method, path, **kwargs)
        except _Retryable as error:
            log.warning("store unreachable: %s %s: %s", method, path, error)
            raise StoreUnavailable(str(error)) from None
        if response.status_code >= 400 and response.status_code != 404:
            raise StoreRejected(response.status_code, detail_of(response))
        return response

    async def _once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._pool().request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise _Retryable(type(error).__name__) from error
        if response.status_code >= 500:
            raise _Retryable(f"store answered {response.status_code}")
        return response

    async def get_json(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """GET JSON; None when the store has no such thing (404)."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        response = await self.send("GET", path, params=clean, headers=headers or {})
        return None if response.status_code == 404 else response.json()

    async def post_json(
        self,
        path: str,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        idempotent: bool = True,
    ) -> Any:
        """POST JSON (retried: the action server's posts are submissions with idempotency keys)."""
        response = await self.send(
            "POST", path, json=body, headers=headers or {}, idempotent=idempotent
        )
        if response.status_code == 404:
            raise StoreRejected(404, detail_of(response))
        return response.json() if response.content else None
