"""FakeService: follows the PolicyQAService contract over the real parsed document, for fault and plumbing tests."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.models import Answer, Citation
from assistant.service import AnswerEvent, UnitSummary
from ingest.records import NoticeItem, PolicyDocument, Task


class FakeService:
    """Answers every question by citing one fixed task; raises `fail_with` from every call when set.

    `calls` records (question, history) of each ask, so tests can check what the web layer passed on.
    """

    index_version = "fake-version"

    def __init__(self, document: PolicyDocument, fail_with: Exception | None = None, cite: int = 34) -> None:
        self.document = document
        self.fail_with = fail_with
        self.cite = cite
        self.calls: list[tuple[str, list[dict[str, str]] | None]] = []

    def _check(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with

    def check_ready(self) -> None:
        """Raise `fail_with` when set."""
        self._check()

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Return a fixed answer citing task `cite`, echoing the question."""
        self.calls.append((question, history))
        self._check()
        task = self.document.tasks[self.cite - 1]
        citation = Citation(
            type="task",
            id=task.no,
            section=task.section,
            title=task.city_task[:20],
            lead_units=list(task.lead_units),
            coop_units=list(task.coop_units),
            quote=task.district_measure,
        )
        text = f"FAKE answer to {question}\nsecond line〔任务{task.no}〕"
        return Answer(answer=text, citations=[citation], intent="fake", index_version=self.index_version)

    def ask_stream(self, question: str, history: list[dict[str, str]] | None = None) -> Iterator[AnswerEvent]:
        """Stream the fixed answer line by line, then its citations, then done."""
        answer = self.ask(question, history)
        for line in answer.answer.splitlines(keepends=True):
            yield AnswerEvent(type="delta", text=line)
        yield AnswerEvent(type="citations", citations=answer.citations)
        yield AnswerEvent(type="done", answer=answer)

    def get_task(self, no: int) -> Task | None:
        """One annex row or None."""
        self._check()
        return self.document.task(no)

    def get_item(self, index: int) -> NoticeItem | None:
        """One notice item or None."""
        self._check()
        return self.document.item(index)

    def list_tasks(
        self,
        lead_unit: str | None = None,
        coop_unit: str | None = None,
        section: str | None = None,
        q: str | None = None,
    ) -> list[Task]:
        """Filter by exact unit names, section substring and keyword substring (no alias resolution)."""
        self._check()
        tasks = list(self.document.tasks)
        if lead_unit:
            tasks = [t for t in tasks if lead_unit in t.lead_units]
        if coop_unit:
            tasks = [t for t in tasks if coop_unit in t.coop_units]
        if section:
            tasks = [t for t in tasks if section in t.section]
        if q:
            tasks = [t for t in tasks if q in t.district_measure or q in t.city_task]
        return tasks

    def list_units(self) -> list[UnitSummary]:
        """Units by exact cell entry, with counts."""
        self._check()
        counts: dict[str, list[int]] = {}
        for task in self.document.tasks:
            for role, names in ((0, task.lead_units), (1, task.coop_units)):
                for name in names:
                    counts.setdefault(name, [0, 0])[role] += 1
        return [UnitSummary(name=n, english="", lead_count=c[0], coop_count=c[1]) for n, c in counts.items()]
