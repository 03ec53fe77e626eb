"""Typed records of the source document, defined once and used everywhere (citations, API, eval)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class NoticeSignOff(_Record):
    """The issuers and date printed under a text (落款)."""

    issuers: list[str]
    date: str = Field(description="As printed, layout spaces removed, e.g. 2021年9月27日")
    line: int = Field(default=0, description="1-based source line of the first issuer (0: unknown)")


class NoticeClosing(_Record):
    """What the notice prints after its last numbered item, before the annex table."""

    text: str = Field(description="All closing lines, one per line, as printed (layout spaces removed)")
    requirements: list[str] = Field(
        default_factory=list, description="Unnumbered closing paragraphs (要求/保障 lines), if any"
    )
    annex_ref: str = Field(default="", description="The 附件：… line, as printed")
    sign_off: NoticeSignOff | None = Field(default=None, description="落款 after the last item, if any")
    cc: str = Field(default="", description="抄送 line, if any")
    printed_by: str = Field(default="", description="印发 line (who printed it and when), if any")


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
    cover_text: str = Field(
        default="", description="The forwarding notice's own words (《…》已经…同意，现印发给你们…)"
    )
    sign_off: NoticeSignOff | None = Field(default=None, description="The notice's 落款 (issuers, date)")
    plan_title: str = Field(default="", description="The forwarded plan's title (…实施方案)")
    closing: NoticeClosing | None = Field(default=None, description="The text after the last item")


class NoticeSection(_Record):
    """An unnumbered-item sub-section of a part, e.g. 一、总体要求 (一)指导思想."""

    index: int = Field(ge=1)
    numeral: str = Field(description="Chinese numeral as printed, e.g. 一")
    title: str = Field(description="Sub-section title, e.g. 指导思想")
    text: str = Field(description="Full text, numbering included, as printed")


class NoticePart(_Record):
    """One part 一、..七、 of the notice body with the items (or sub-sections) it holds."""

    index: int = Field(ge=1, description="1 for 一、 … 7 for 七、")
    numeral: str = Field(description="Chinese numeral as printed, e.g. 三")
    heading: str = Field(description="Heading as printed, numeral included, e.g. 三、营造公平公正的法治环境")
    title: str = Field(description="Heading without its numeral, e.g. 营造公平公正的法治环境")
    item_indexes: list[int] = Field(description="Notice item numbers (1..21) in this part, in order")
    sections: list[NoticeSection] = Field(
        default_factory=list, description="Sub-sections that are not items (一、总体要求: 指导思想, 工作目标)"
    )
    text: str = Field(description="Heading, then each paragraph (sub-section / item) on its own line")
    line: int = Field(default=0, description="1-based source line of the heading (0: unknown)")


class AnnexSection(_Record):
    """One heading 一、..五、 of the annex table and the rows it spans."""

    index: int = Field(ge=1, description="1 for 一、 … 5 for 五、")
    numeral: str
    heading: str = Field(description="Heading as printed, e.g. 一、营造优质有序的市场环境")
    title: str = Field(description="Heading without its numeral")
    first_task: int = Field(ge=1)
    last_task: int = Field(ge=1)

    @property
    def task_numbers(self) -> range:
        """Row numbers first_task..last_task."""
        return range(self.first_task, self.last_task + 1)


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
    parts: list[NoticePart] = Field(default_factory=list, description="Notice parts 一..七")
    annex_sections: list[AnnexSection] = Field(default_factory=list, description="Annex headings 一..五")

    @model_validator(mode="before")
    @classmethod
    def _fill_structure(cls, data: Any) -> Any:
        """Documents stored before parts/sections existed get them re-derived from their items and rows."""
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        if not filled.get("parts") and filled.get("items") and filled.get("meta"):
            meta = NoticeMeta.model_validate(filled["meta"])
            filled["parts"] = derive_parts(meta, [NoticeItem.model_validate(i) for i in filled["items"]])
        if not filled.get("annex_sections") and filled.get("tasks"):
            filled["annex_sections"] = derive_annex_sections(
                [Task.model_validate(t) for t in filled["tasks"]]
            )
        return filled

    def task(self, no: int) -> Task | None:
        """Return task `no`, or None when the annex has no such row."""
        return self.tasks[no - 1] if 1 <= no <= len(self.tasks) else None

    def item(self, index: int) -> NoticeItem | None:
        """Return notice item `index` (1..21), or None."""
        return self.items[index - 1] if 1 <= index <= len(self.items) else None

    def part(self, index: int) -> NoticePart | None:
        """Return notice part `index` (1 = 一、 … 7 = 七、), or None."""
        return next((p for p in self.parts if p.index == index), None)

    def annex_section(self, index: int) -> AnnexSection | None:
        """Return annex section `index` (1 = 一、 … 5 = 五、), or None."""
        return next((s for s in self.annex_sections if s.index == index), None)

    def part_of_item(self, index: int) -> NoticePart | None:
        """The part holding notice item `index`, or None."""
        return next((p for p in self.parts if index in p.item_indexes), None)

    def items_in_part(self, index: int) -> list[NoticeItem]:
        """The notice items of part `index`, in order (empty for 一、总体要求 or an unknown part)."""
        part = self.part(index)
        return [i for n in part.item_indexes if (i := self.item(n)) is not None] if part else []

    def section_of_task(self, no: int) -> AnnexSection | None:
        """The annex section whose row range holds task `no`, or None."""
        return next((s for s in self.annex_sections if no in s.task_numbers), None)

    def tasks_in_section(self, index: int) -> list[Task]:
        """The annex rows under section `index`, in order."""
        section = self.annex_section(index)
        return [t for n in section.task_numbers if (t := self.task(n)) is not None] if section else []


_GENERAL_PART = "一、总体要求"  # how part 一 is headed; older stored documents did not keep it
_NUMERALS = "一二三四五六七八九十"


def split_heading(heading: str) -> tuple[str, str]:
    """`三、营造公平公正的法治环境` -> (`三`, `营造公平公正的法治环境`)."""
    numeral, _, title = heading.partition("、")
    return numeral, title


def derive_parts(meta: NoticeMeta, items: list[NoticeItem]) -> list[NoticePart]:
    """Rebuild parts from the items' `part` field and the 总体要求 texts (for documents stored without parts)."""
    headings = list(dict.fromkeys(i.part for i in items))
    general = [meta.guiding_ideology, meta.goals]
    sections = [
        NoticeSection(
            index=n, numeral=_NUMERALS[n - 1], title=t.split("。", 1)[0], text=f"（{_NUMERALS[n - 1]}）{t}"
        )
        for n, t in enumerate(general, start=1)
        if t
    ]
    parts: list[tuple[str, list[NoticeItem], list[NoticeSection]]] = [(_GENERAL_PART, [], sections)]
    parts += [(h, [i for i in items if i.part == h], []) for h in headings]
    return [
        NoticePart(
            index=_NUMERALS.index(split_heading(h)[0]) + 1,
            numeral=split_heading(h)[0],
            heading=h,
            title=split_heading(h)[1],
            item_indexes=[i.index for i in held],
            sections=secs,
            text="\n".join([h, *(s.text for s in secs), *(i.text for i in held)]),
        )
        for h, held, secs in parts
    ]


def derive_annex_sections(tasks: list[Task]) -> list[AnnexSection]:
    """Group consecutive annex rows by the heading they sit under."""
    groups: list[list[Task]] = []
    for task in tasks:
        if groups and groups[-1][-1].section == task.section:
            groups[-1].append(task)
        else:
            groups.append([task])
    return [
        AnnexSection(
            index=n,
            numeral=split_heading(g[0].section)[0],
            heading=g[0].section,
            title=split_heading(g[0].section)[1],
            first_task=g[0].no,
            last_task=g[-1].no,
        )
        for n, g in enumerate(groups, start=1)
    ]
