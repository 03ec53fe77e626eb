"""Server-side conversation histories for /v1/ask session ids: an LRU of sessions, each capped in turns."""

from __future__ import annotations

import threading
from collections import OrderedDict


class SessionStore:
    """Conversation histories by session id: an LRU of `max_sessions`, each capped at `max_turns` turns."""

    def __init__(self, max_sessions: int = 1000, max_turns: int = 10) -> None:
        self.max_sessions = max_sessions
        self.max_turns = max_turns
        self._sessions: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, session_id: str) -> list[dict[str, str]]:
        """Return a copy of the session's messages (oldest first); empty for an unknown id."""
        with self._lock:
            messages = self._sessions.get(session_id)
            if messages is None:
                return []
            self._sessions.move_to_end(session_id)
            return [dict(message) for message in messages]

    def append_turn(self, session_id: str, question: str, answer: str) -> None:
        """Add one user/assistant turn, dropping the oldest turns and sessions beyond the caps."""
        with self._lock:
            messages = self._sessions.pop(session_id, [])
            messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
            self._sessions[session_id] = messages[-2 * self.max_turns :]
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)

    def __len__(self) -> int:
        """Return how many sessions are held."""
        return len(self._sessions)
