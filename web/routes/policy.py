"""The policy API: ask a question, and browse tasks, notice items and units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from web.deps import ServiceDep, SessionsDep, SettingsDep
from web.routes.common import QUESTION_ERRORS, SERVICE_ERRORS, check_question, error_doc, to_ask_response
from web.schemas import AskRequest, AskResponse, ItemOut, TaskOut, UnitOut

router = APIRouter(prefix="/v1", tags=["policy"])

NOT_FOUND = {**SERVICE_ERRORS, 404: error_doc("No such record")}


@router.post("/ask", response_model=AskResponse, responses=QUESTION_ERRORS, summary="Ask a question")
def ask(body: AskRequest, service: ServiceDep, settings: SettingsDep, sessions: SessionsDep) -> AskResponse:
    """Answer a question with citations; with a session_id the server keeps the conversation's history."""
    question = check_question(body.question, settings)
    if body.history is not None:
        history = [message.model_dump() for message in body.history]
    else:
        history = sessions.history(body.session_id) if body.session_id else []
    answer = service.ask(question, history or None)
    if body.session_id:
        sessions.append_turn(body.session_id, question, answer.answer)
    return to_ask_response(answer, body.session_id)


@router.get("/tasks/{no}", response_model=TaskOut, responses=NOT_FOUND, summary="One annex task")
def get_task(no: int, service: ServiceDep) -> TaskOut:
    """Return annex task `no` (1..176)."""
    task = service.get_task(no)
    if task is None:
        raise HTTPException(404, detail={"code": "task_not_found", "message": f"No task number {no}."})
    return TaskOut.model_validate(task.model_dump())


@router.get("/tasks", response_model=list[TaskOut], responses=SERVICE_ERRORS, summary="Search annex tasks")
def list_tasks(
    service: ServiceDep,
    lead_unit: Annotated[
        str | None, Query(max_length=100, description="Lead unit (aliases accepted)")
    ] = None,
    coop_unit: Annotated[
        str | None, Query(max_length=100, description="Cooperating unit (aliases accepted)")
    ] = None,
    section: Annotated[str | None, Query(max_length=100, description="Annex section heading")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Keywords in the task text")] = None,
) -> list[TaskOut]:
    """List the tasks matching every given filter (all 176 without filters)."""
    tasks = service.list_tasks(
        lead_unit=lead_unit or None, coop_unit=coop_unit or None, section=section or None, q=q or None
    )
    return [TaskOut.model_validate(task.model_dump()) for task in tasks]


@router.get("/items/{index}", response_model=ItemOut, responses=NOT_FOUND, summary="One notice item")
def get_item(index: int, service: ServiceDep) -> ItemOut:
    """Return notice item `index` ((一)..(二十一) = 1..21)."""
    item = service.get_item(index)
    if item is None:
        raise HTTPException(404, detail={"code": "item_not_found", "message": f"No notice item {index}."})
    return ItemOut.model_validate(item.model_dump())


@router.get("/units", response_model=list[UnitOut], responses=SERVICE_ERRORS, summary="Responsible units")
def list_units(service: ServiceDep) -> list[UnitOut]:
    """List every responsible unit with its lead and cooperating task counts."""
    return [
        UnitOut(name=u.name, english=u.english or "", lead_count=u.lead_count, coop_count=u.coop_count)
        for u in service.list_units()
    ]
