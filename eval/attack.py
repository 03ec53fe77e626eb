"""`policyqa bench`'s cost-per-question row: ordinary clients' latency alone and while others send
maximum-length questions, against the same server process in one run."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel

from assistant.config import Settings
from eval.load import REQUEST_TIMEOUT_S, LoadLevel, ServerProcess, auth_headers, run_level

CLIENTS = 4
ATTACKERS = 2
_CJK = (0x4E00, 0x9FA5)


class AttackBench(BaseModel):
    """Ordinary clients alone vs beside attackers sending questions of the maximum allowed length."""

    clients: int
    attackers: int
    question_chars: int
    alone: LoadLevel
    under_attack: LoadLevel
    attack_requests: int
    attack_statuses: dict[str, int]
    ratio_p50: float | None


def long_question(rng: random.Random, chars: int) -> str:
    """A fresh random CJK question of `chars` characters (new every time: no query-cache hits)."""
    return "".join(chr(rng.randint(*_CJK)) for _ in range(chars - 1)) + "？"


class Attackers:
    """Threads that each send maximum-length questions back to back until stopped."""

    def __init__(self, base_url: str, headers: dict[str, str], count: int, chars: int) -> None:
        self.statuses: dict[str, int] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._args = (base_url, headers, chars)
        self._threads = [
            threading.Thread(target=self._loop, args=(seed,), daemon=True) for seed in range(count)
        ]

    def __enter__(self) -> Attackers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT_S)

    def _loop(self, seed: int) -> None:
        base_url, headers, chars = self._args
        rng = random.Random(seed)
        with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_S) as client:
            while not self._stop.is_set():
                try:
                    status = str(
                        client.post("/v1/ask", json={"question": long_question(rng, chars)}).status_code
                    )
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                with self._lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1


def bench_attack(settings: Settings, payloads: Sequence[dict[str, Any]], requests: int) -> AttackBench:
    """Warm the server, time CLIENTS ordinary clients alone, then again while ATTACKERS send long questions."""
    headers = auth_headers(settings)
    chars = settings.max_question_chars
    with ServerProcess(settings) as server:
        run_level(server.base_url, payloads, CLIENTS, min(requests, len(payloads)), headers)  # warm-up
        alone = run_level(server.base_url, payloads, CLIENTS, requests, headers)
        with Attackers(server.base_url, headers, ATTACKERS, chars) as attack:
            under = run_level(server.base_url, payloads, CLIENTS, requests, headers)
    p50_alone = alone.latency.p50
    return AttackBench(
        clients=CLIENTS,
        attackers=ATTACKERS,
        question_chars=chars,
        alone=alone,
        under_attack=under,
        attack_requests=sum(attack.statuses.values()),
        attack_statuses=attack.statuses,
        ratio_p50=under.latency.p50 / p50_alone if p50_alone > 0 else None,
    )
