"""Schemathesis over /openapi.json with a real token: no server errors, no response that
breaks the documented schema.

`positive_data_acceptance` is left out on purpose: business rules (a time more than five
minutes ahead, a reused Idempotency-Key, an intake before its referral) reject schema-valid
requests with a documented 422, and no JSON Schema can state them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis import checks
from schemathesis.generation.case import Case

from api.app import create_app
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET, headers_for

pytestmark = pytest.mark.e2e

# One app for the module; each test points it at its own container (a fresh database), since
# every handler finds the container through app.state.
_spec_only = SimpleNamespace(settings=Settings(secret_key=TEST_SECRET))
APP = create_app(_spec_only, background=False)  # type: ignore[arg-type]
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@hypothesis_settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_responses_match_the_schema(case: Case, container: Container) -> None:
    if container.settings.is_postgres:
        pytest.skip("the fuzzing budget is spent on the embedded store; e2e tests cover both")
    APP.state.container = container
    headers = headers_for(container, "case_manager", "lead-cm", actor="fuzz-1")
    case.call_and_validate(headers=headers, excluded_checks=[checks.positive_data_acceptance])
