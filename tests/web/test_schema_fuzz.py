"""Property-based API test: requests generated from our OpenAPI document never get a 500 or an undocumented reply."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from assistant.config import Settings
from web.app import create_app

schemathesis = pytest.importorskip("schemathesis")
checks = pytest.importorskip("schemathesis.specs.openapi.checks")

pytestmark = pytest.mark.slow


def test_api_conforms_to_its_schema(indexed_settings: Settings, service: Any) -> None:
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(indexed_settings, service, mount_ui=False)
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            # a schema-valid question can still be refused at run time (blank, over the configured length,
            # no user message), so "valid data must be accepted" does not hold; every other check does
            case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])

        check()
