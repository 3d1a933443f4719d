"""One error shape for the whole API, declared in the OpenAPI as it is really sent.

Every refusal is `{"detail": "<Vietnamese sentence>"}`; a 422 adds `errors`, one entry per field
(empty for a business rule such as an unknown province). Clients (the gateway, the actions, the
department's scripts) then read `detail` the same way everywhere, and a fuzzer reading the schema
finds what the store really answers.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store.submissions.schemas import vietnamese_message

UNREADABLE_BODY = "Nội dung gửi lên không đọc được (cần JSON UTF-8 hoặc biểu mẫu hợp lệ)."
NUL_REFUSED = "Nội dung gửi lên chứa ký tự NUL (\\u0000), không được chấp nhận."


class Problem(BaseModel):
    """A refusal: what went wrong and what to do, in Vietnamese."""

    detail: str


class FieldProblem(BaseModel):
    field: str
    message: str


class ValidationProblem(Problem):
    """A 422: the sentence to show, and each field at fault (none for a business rule)."""

    errors: list[FieldProblem]


_DESCRIPTIONS = {
    401: "Thiếu hoặc sai mã truy cập (Authorization: Bearer …).",
    403: "Mã truy cập hoặc người dùng (X-Acting-User) không có quyền này.",
    404: "Không tìm thấy.",
    409: "Xung đột với dữ liệu đã có.",
    413: "Tệp quá lớn.",
    422: "Dữ liệu không hợp lệ; detail nói cần sửa gì.",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these refusals, with the body they really have."""
    return {
        code: {
            "model": ValidationProblem if code == 422 else Problem,
            "description": _DESCRIPTIONS[code],
        }
        for code in codes
    }


def replayed(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The 200 of an idempotent POST sent again: the record created the first time."""
    return {200: {"model": model, "description": "Đã nhận trước đó (cùng idempotency_key)."}}


def file_response(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """A 200 that is a file (CSV, XLSX), declared with its real content types, not as JSON."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": "Tệp tải về.", "content": dict.fromkeys(media_types, binary)}}


def _unprocessable(detail: str, errors: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": detail, "errors": errors})


async def validation_error_handler(request: Request, error: Exception) -> Response:
    """422 with one Vietnamese sentence and the fields at fault, on every route."""
    assert isinstance(error, RequestValidationError)
    errors = []
    for item in error.errors():
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc), "message": vietnamese_message(item)})
    messages = list(dict.fromkeys(e["message"] for e in errors))
    return _unprocessable(" ".join(messages) or UNREADABLE_BODY, errors)


async def http_error_handler(request: Request, error: Exception) -> Response:
    """Refusals keep their status and string detail; a 422 gets `errors` too, and a body that
    cannot be parsed at all (FastAPI's 400) is a 422 like any other unreadable input."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code in (400, 422):
        detail = error.detail if error.status_code == 422 else UNREADABLE_BODY
        return _unprocessable(str(detail), [])
    headers = getattr(error, "headers", None)
    if error.status_code in (204, 304):
        return Response(status_code=error.status_code, headers=headers)
    return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=headers)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _json_has_nul(body: bytes) -> bool:
    """Whether a JSON body holds a NUL in any key or string (unparsable JSON is FastAPI's 422)."""
    if b"\\u0000" not in body and b"\x00" not in body:
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return b"\x00" in body


class RejectNul:
    """A NUL character anywhere in a path, query or JSON body is a 422 before any route runs.

    PostgreSQL cannot store NUL in text (a 500 from the driver otherwise), and no identifier,
    name or message of this API ever needs one. Multipart uploads (binary files) are not read here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            await _unprocessable(NUL_REFUSED, [])(scope, receive, send)
            return
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        if b"json" not in content_type:
            await self.app(scope, receive, send)
            return
        messages, body = await _buffered(receive)
        if _json_has_nul(body):
            await _unprocessable(NUL_REFUSED, [])(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _buffered(receive: Receive) -> tuple[list[Message], bytes]:
    """The request body's messages, read whole (FastAPI reads a JSON body whole anyway)."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    return messages, b"".join(m.get("body", b"") for m in messages)
