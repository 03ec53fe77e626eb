"""FakeService: follows the PolicyQAService contract over the real parsed document and the real catalogue, for
fault and plumbing tests; only answering is fake (a fixed citation)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.catalog import DocumentCatalog
from assistant.models import Answer, Citation
from assistant.service import AnswerEvent, UnitSummary
from ingest.records import NoticeItem, PolicyDocument, Task
from ingest.units import load_unit_directory


class FakeService:
    """Answers every question by citing one fixed task; raises `fail_with` from every call when set.

    `calls` records (question, history) of each ask, so tests can check what the web layer passed on.
    """

    index_version = "fake-version"

    def __init__(self, document: PolicyDocument, fail_with: Exception | None = None, cite: int = 34) -> None:
        self.document = document
        self.catalog = DocumentCatalog(document, load_unit_directory())  # the real catalogue, not a copy
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
        return self.catalog.get_task(no)

    def get_item(self, index: int) -> NoticeItem | None:
        """One notice item or None."""
        self._check()
        return self.catalog.get_item(index)

    def list_tasks(
        self,
        lead_unit: str | None = None,
        coop_unit: str | None = None,
        section: str | None = None,
        q: str | None = None,
    ) -> list[Task]:
        """The real catalogue's filters (aliases resolved)."""
        self._check()
        return self.catalog.list_tasks(lead_unit, coop_unit, section, q)

    def list_units(self) -> list[UnitSummary]:
        """The real catalogue's units with their counts."""
        self._check()
        return self.catalog.list_units()
