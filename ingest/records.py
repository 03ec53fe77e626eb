"""Typed records of the source document, defined once and used everywhere (citations, API, eval)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class NoticeMeta(_Record):
    """Facts about the notice itself."""

    title: str
    issuers: list[str]
    date: str = Field(description="Issue date as printed, e.g. 2021年9月27日")
    target_year: int = Field(description="The year the work goal names (到2025年)")
    implements: str = Field(description="The document this plan implements")
    based_on: list[str] = Field(description="The documents the plan is based on (根据...)")
    recipients: str
    guiding_ideology: str = Field(description="一、总体要求 (一)指导思想")
    goals: str = Field(description="一、总体要求 (二)工作目标")
    preamble: str
    annex_title: str


class NoticeItem(_Record):
    """One numbered item (一)..(二十一) of the notice body."""

    index: int = Field(ge=1, le=21)
    part: str = Field(description="Part heading, e.g. 二、营造优质有序的市场环境")
    title: str = Field(description="Item title, e.g. 畅通市场准入")
    responsible_units: list[str]
    text: str = Field(description="Full item text, title included, as printed")


class Task(_Record):
    """One row of the annex task table."""

    no: int = Field(ge=1)
    section: str = Field(description="Annex heading the row sits under")
    city_task: str = Field(description="市级工作任务")
    district_measure: str = Field(description="区级贯彻措施")
    lead_units: list[str] = Field(description="牵头单位")
    coop_units: list[str] = Field(description="配合单位")


class PolicyDocument(_Record):
    """The whole parsed document."""

    meta: NoticeMeta
    items: list[NoticeItem]
    tasks: list[Task]
    source_sha256: str

    def task(self, no: int) -> Task | None:
        """Return task `no`, or None when the annex has no such row."""
        return self.tasks[no - 1] if 1 <= no <= len(self.tasks) else None

    def item(self, index: int) -> NoticeItem | None:
        """Return notice item `index` (1..21), or None."""
        return self.items[index - 1] if 1 <= index <= len(self.items) else None
