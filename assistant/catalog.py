"""The document catalogue: tasks, items and units of one index version, as the API and the UI list them."""

from __future__ import annotations

from pydantic import BaseModel

from ingest.records import NoticeItem, PolicyDocument, Task
from ingest.units import UnitDirectory


class UnitSummary(BaseModel):
    """A unit with how many tasks it leads and cooperates on."""

    name: str
    english: str
    lead_count: int
    coop_count: int


def tasks_for_unit(doc: PolicyDocument, units: UnitDirectory, unit: str, role: str) -> list[Task]:
    """All tasks whose lead (or coop) cell names `unit` (aliases and `X等…` entries resolved)."""
    found = []
    for task in doc.tasks:
        entries = task.lead_units if role == "lead" else task.coop_units
        if any(unit in units.units_in_cell_entry(entry) for entry in entries):
            found.append(task)
    return found


def row_text(task: Task) -> str:
    """Every column of a row as one string (for substring filters)."""
    return "".join(
        [
            str(task.no),
            task.section,
            task.city_task,
            task.district_measure,
            *task.lead_units,
            *task.coop_units,
        ]
    )


class DocumentCatalog:
    """Look-ups and filters over the typed records; knows nothing about answering."""

    def __init__(self, doc: PolicyDocument, units: UnitDirectory) -> None:
        self.doc = doc
        self.units = units

    def get_task(self, no: int) -> Task | None:
        """One annex row, or None."""
        return self.doc.task(no)

    def get_item(self, index: int) -> NoticeItem | None:
        """One notice item, or None."""
        return self.doc.item(index)

    def list_tasks(
        self,
        lead_unit: str | None = None,
        coop_unit: str | None = None,
        section: str | None = None,
        q: str | None = None,
    ) -> list[Task]:
        """Filter the table; unit filters resolve aliases, `q` matches any column text."""
        tasks = list(self.doc.tasks)
        for unit, role in ((lead_unit, "lead"), (coop_unit, "coop")):
            if unit:
                name = self.units.canonical(unit) or unit
                keep = {t.no for t in tasks_for_unit(self.doc, self.units, name, role)}
                tasks = [t for t in tasks if t.no in keep]
        if section:
            tasks = [t for t in tasks if section in t.section]
        if q:
            tasks = [t for t in tasks if q in row_text(t)]
        return tasks

    def list_units(self) -> list[UnitSummary]:
        """Every unit named in the table, with its task counts (most tasks first)."""
        counts: dict[str, list[int]] = {}
        for task in self.doc.tasks:
            for role, entries in ((0, task.lead_units), (1, task.coop_units)):
                for name in {u for e in entries for u in self.units.units_in_cell_entry(e)}:
                    counts.setdefault(name, [0, 0])[role] += 1
        summaries = [
            UnitSummary(name=n, english=self.units.english(n), lead_count=c[0], coop_count=c[1])
            for n, c in counts.items()
        ]
        return sorted(summaries, key=lambda s: (-(s.lead_count + s.coop_count), s.name))
