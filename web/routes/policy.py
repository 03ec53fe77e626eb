"""The policy API: ask a question (in a server-side session or not), and browse tasks, notice items and units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response

from web.deps import ServiceDep, SettingsDep, StoreDep
from web.routes.common import (
    QUESTION_ERRORS,
    SERVICE_ERRORS,
    RecordNo,
    check_question,
    error_doc,
    to_ask_response,
)
from web.routes.feedback import SESSION_ERRORS, SessionOut
from web.schemas import AskRequest, AskResponse, ItemOut, TaskOut, UnitOut
from web.sessions import key_fingerprint, log_answer, store_errors

router = APIRouter(prefix="/v1", tags=["policy"])

NOT_FOUND = {**SERVICE_ERRORS, 404: error_doc("No such record")}
ASK_ERRORS = {**QUESTION_ERRORS, **SESSION_ERRORS}


@router.post("/ask", response_model=AskResponse, responses=ASK_ERRORS, summary="Ask a question")
def ask(
    body: AskRequest, request: Request, service: ServiceDep, settings: SettingsDep, store: StoreDep
) -> AskResponse:
    """Answer a question with citations; with a session_id (from POST /v1/sessions) the server keeps the history."""
    question = check_question(body.question, settings)
    owner = key_fingerprint(request)
    history: list[dict[str, str]] = []
    if body.history is not None:
        history = [message.model_dump() for message in body.history]
    elif body.session_id:
        with store_errors():
            history = store.get().get_session(body.session_id, owner).history
    answer = service.ask(question, history or None)
    if body.session_id:
        with store_errors():
            store.get().append_turn(
                body.session_id,
                owner,
                question,
                answer.answer,
                ttl=store.session_ttl,
                max_turns=settings.session_max_turns,
                max_bytes=settings.session_max_bytes,
            )
    response = to_ask_response(answer, body.session_id)
    response.answer_id = log_answer(store, question, history, answer, "api", owner)
    return response


@router.post(
    "/sessions",
    response_model=SessionOut,
    status_code=201,
    responses=SERVICE_ERRORS,
    summary="Start a conversation session",
)
def create_session(request: Request, settings: SettingsDep, store: StoreDep) -> SessionOut:
    """Issue a new session id (random, bound to the caller's API key) for /v1/ask `session_id`."""
    info = store.get().create_session(key_fingerprint(request), store.session_ttl)
    return SessionOut.from_info(info, settings)


@router.get(
    "/sessions/{session_id}", response_model=SessionOut, responses=SESSION_ERRORS, summary="A session"
)
def get_session(session_id: str, request: Request, settings: SettingsDep, store: StoreDep) -> SessionOut:
    """The session's conversation so far and when it expires."""
    with store_errors():
        info = store.get().get_session(session_id, key_fingerprint(request))
    return SessionOut.from_info(info, settings)


@router.delete("/sessions/{session_id}", status_code=204, responses=SESSION_ERRORS, summary="End a session")
def delete_session(session_id: str, request: Request, store: StoreDep) -> Response:
    """Delete the session and its history now."""
    with store_errors():
        store.get().delete_session(session_id, key_fingerprint(request))
    return Response(status_code=204)


@router.get("/tasks/{no}", response_model=TaskOut, responses=NOT_FOUND, summary="One annex task")
def get_task(no: RecordNo, service: ServiceDep) -> TaskOut:
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
def get_item(index: RecordNo, service: ServiceDep) -> ItemOut:
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
