"""Process logging: one format, and access lines that never carry a query string.

Tokens can travel in query strings (Rasa's `?token=`, a link pasted by a user), and a query can
name a person or an organisation; an access log only needs the method, the path and the status.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PathOnlyAccessFilter(logging.Filter):
    """Strips `?…` from uvicorn access records (args: client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def configure(level: int = logging.INFO) -> None:
    """The shared format, quiet HTTP clients (httpx logs full URLs), path-only access lines."""
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").addFilter(PathOnlyAccessFilter())
