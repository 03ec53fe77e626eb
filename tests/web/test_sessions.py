"""The server-side session store: turn cap and least-recently-used eviction."""

from __future__ import annotations

from web.sessions import SessionStore


def test_history_keeps_the_last_turns_in_order() -> None:
    store = SessionStore(max_turns=2)
    for n in range(3):
        store.append_turn("s", f"q{n}", f"a{n}")
    assert store.history("s") == [
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": "q2"},
        {"role": "assistant", "content": "a2"},
    ]
    assert store.history("unknown") == []


def test_least_recently_used_session_is_evicted() -> None:
    store = SessionStore(max_sessions=2)
    store.append_turn("old", "q", "a")
    store.append_turn("mid", "q", "a")
    store.history("old")  # reading refreshes "old"
    store.append_turn("new", "q", "a")
    assert len(store) == 2
    assert store.history("mid") == []
    assert store.history("old") != []


def test_history_is_a_copy() -> None:
    store = SessionStore()
    store.append_turn("s", "q", "a")
    store.history("s")[0]["content"] = "changed"
    assert store.history("s")[0]["content"] == "q"
