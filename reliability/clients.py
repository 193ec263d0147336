"""API clients of the battery: registered like a site registers them, tokens exchanged over
HTTP once (argon2 is deliberately slow), and the request bodies they send."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from composition.bootstrap import sql_engine
from infra.clients import ClientRegistry
from infra.settings import Settings

POSSESSION = {"code": "69.50.4013", "description": "possession of a controlled substance"}
IDENTIFIER_SYSTEM = "rel-person"
WRITERS_AGENCY = "spd"  # the police agency whose writers refer in every test


def headers_for(settings: Settings, url: str, role: str, agency: str) -> dict[str, str]:
    """Bearer headers for a new client of that role and agency."""
    engine = sql_engine(settings)
    try:
        client, secret = ClientRegistry(engine).create(
            agency, role, "reliability", datetime.now(tz=UTC)
        )
    finally:
        engine.dispose()
    form = {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": secret,
    }
    response = httpx.post(f"{url}/v1/auth/token", data=form, timeout=30)
    response.raise_for_status()
    return {
        "Authorization": f"Bearer {response.json()['access_token']}",
        "X-Actor": f"rel-{role}",
    }


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def policy(**terms: Any) -> dict[str, Any]:
    return {"divertible_charges": [POSSESSION]} | terms


def arrest_diversion(identifier: str) -> dict[str, Any]:
    """A referral of a new person: each identifier names one logical write."""
    now = datetime.now(tz=UTC)
    return {
        "door": "arrest_diversion",
        "person": {
            "given_name": "Rel",
            "family_name": "Person",
            "identifiers": [{"system": IDENTIFIER_SYSTEM, "value": identifier}],
        },
        "referred_at": iso(now - timedelta(hours=2)),
        "arrest": {
            "charges": [POSSESSION],
            "released_at": iso(now - timedelta(hours=1)),
            "location": {"description": "3rd Ave and Pine St"},
        },
    }


def social_contact(identifier: str) -> dict[str, Any]:
    return {
        "door": "social_contact",
        "person": {
            "given_name": "Rel",
            "family_name": "Contact",
            "identifiers": [{"system": IDENTIFIER_SYSTEM, "value": identifier}],
        },
        "referred_at": iso(datetime.now(tz=UTC) - timedelta(hours=1)),
        "criteria": {"chronic_law_violations": True, "public_expectation_of_response": True},
    }


def new_identifier() -> str:
    return uuid.uuid4().hex


def open_site(settings: Settings, url: str, **terms: Any) -> None:
    """The project manager sets the divertible charges: arrest diversions are accepted."""
    headers = headers_for(settings, url, "project_manager", "pcg")
    current = httpx.get(f"{url}/v1/policy", headers=headers, timeout=30)
    current.raise_for_status()
    # Policy writes need If-Match; a merge patch changes only the fields it sends.
    patch = headers | {
        "If-Match": current.headers["ETag"],
        "Content-Type": "application/merge-patch+json",
    }
    body = json.dumps(policy(**terms))
    response = httpx.patch(f"{url}/v1/policy", content=body, headers=patch, timeout=30)
    response.raise_for_status()
