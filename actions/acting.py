"""Who a store call is made for, and the store's refusal when that user may not see something.

The store decides what a chat user may see (their own records, names and phones of people on duty)
from the user it is told about in X-Acting-User and the role it holds for them; the actions never
decide it from chat metadata.
"""

from __future__ import annotations

from rasa_sdk import Tracker

from actions import parsing
from actions.store_client import StoreRejected

FORBIDDEN = 403


def acting_headers(tracker: Tracker) -> dict[str, str]:
    """X-Acting-User "<channel>:<id>" of this conversation's user (the sender, as Rasa got it)."""
    who = parsing.submitter(tracker)
    return {"X-Acting-User": f"{who['channel']}:{who['id']}"}


def refusal(error: Exception) -> str | None:
    """The store's Vietnamese reason when it refused (403); None when it was just unreachable."""
    if isinstance(error, StoreRejected) and error.status == FORBIDDEN and error.detail:
        return error.detail
    return None
