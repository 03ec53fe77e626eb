"""The one in-process service the CLI, the API, the UI and the eval all call.

CONTRACT (implemented by the assistant owner; other packages code against exactly this):

    service = build_service(settings)          # opens the current index, loads the embedder once
    service.ask(question: str, history: list[dict] | None = None) -> Answer
        raises InvalidQuestionError (empty / too long / unreadable), IndexNotFoundError,
        StoreUnavailableError (Chroma server down) -- never anything else on purpose.
    service.ask_stream(question, history) -> Iterator[AnswerEvent]   # delta..., citations, done
    service.document -> PolicyDocument                               # typed records
    service.get_task(no) -> Task | None
    service.list_tasks(lead_unit=None, coop_unit=None, section=None, q=None) -> list[Task]
        (unit filters resolve aliases, e.g. 税务局 -> 区税务局)
    service.get_item(index) -> NoticeItem | None
    service.list_units() -> list[UnitSummary]                        # name, english, lead_count, coop_count
    service.check_ready() -> None    # raises IndexNotFoundError / StoreUnavailableError
    service.index_version -> str
"""
