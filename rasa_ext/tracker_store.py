"""SQL tracker store with a write-through in-process cache.

Rasa's SQLTrackerStore re-reads and re-decodes the whole session from the database on every message
and counts the stored events before each of its two saves per turn: about 40% of a turn's CPU (py-spy).
With one Rasa process (the in-memory lock store), this process is the only writer, so trackers it has
saved can be served from memory while every event is still written to the database at once;
conversations survive a restart exactly as before. Set cache_size to 0 when several Rasa processes
share the database (the Redis lock store).
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose reads hit an LRU of serialised trackers this process saved."""

    def __init__(
        self,
        domain: Domain | None = None,
        cache_size: Any = 2000,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain=domain, event_broker=event_broker, **kwargs)
        self.cache_size = int(cache_size or 0)
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._stored: dict[str, int] = {}
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    def _remember(self, tracker: DialogueStateTracker) -> None:
        if self.cache_size <= 0:
            return
        sender = tracker.sender_id
        self._cache[sender] = self.serialise_tracker(tracker)
        self._cache.move_to_end(sender)
        self._stored[sender] = len(tracker.events)
        while len(self._cache) > self.cache_size:
            evicted, _ = self._cache.popitem(last=False)
            self._stored.pop(evicted, None)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        serialised = self._cache.get(sender_id)
        if serialised is not None:
            self._cache.move_to_end(sender_id)
            return self.deserialise_tracker(sender_id, serialised)
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(tracker)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Insert the events added since the last save in one statement, then cache the tracker."""
        stored = self._stored.get(tracker.sender_id)
        if stored is None:
            await super().save(tracker)
        else:
            await self.stream_events(tracker)
            rows = [
                _row(tracker.sender_id, event.as_dict(), event.type_name)
                for event in itertools.islice(tracker.events, stored, None)
            ]
            if rows:
                with self.engine.begin() as connection:
                    connection.execute(self.SQLEvent.__table__.insert(), rows)
        self._remember(tracker)


def _row(sender_id: str, data: dict[str, Any], type_name: str) -> dict[str, Any]:
    """The same columns SQLTrackerStore.save writes for an event."""
    return {
        "sender_id": sender_id,
        "type_name": type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and the writer overlap; NORMAL sync is durable across process crashes."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
