"""Usage counters and entitlements (PRODUCT.md §15) through the Python SDK, against a live server:
validate(consume=N), validate(entitlements=[...]), has_entitlement offline from a verified token's
`ent` claim, and the typed errors for the codes that came with them."""

from __future__ import annotations

import uuid

import pytest

from traffic_orchestrator import (
    EntitlementInheritedError,
    IdempotencyError,
    InvalidInputError,
    NetworkError,
    OfflineTokenError,
    TrafficOrchestrator,
    TrafficOrchestratorError,
    UsageLimitError,
    has_entitlement,
)
from traffic_orchestrator.errors import api_error


def _entitled_license(server, own=()):
    """A product granting two fresh entitlements (codes unique to this call) and a license of it
    with `own` more of its own. Returns (license, product codes, own codes)."""
    tag = uuid.uuid4().hex[:6]
    granted = [f"Export-{tag}", f"sso-{tag}"]
    mine = [f"{c}-{tag}" for c in own]
    for code in granted + mine:
        server.portal("POST", "/api/v1/entitlements", {"code": code})
    product = server.portal("POST", "/api/v1/products", {"name": f"Python ent {tag}"})["product"]
    server.portal("POST", f"/api/v1/products/{product['id']}/entitlements", {"codes": granted})
    lic = server.portal("POST", "/api/v1/licenses", {"product_id": product["id"], "type": "perpetual"})["license"]
    if mine:
        server.portal("POST", f"/api/v1/licenses/{lic['id']}/entitlements", {"codes": mine})
    return lic, granted, mine


def test_validate_consume_counts_uses_and_refuses_past_max_uses(server):
    lic = server.license(max_uses=3)
    to = TrafficOrchestrator(base_url=server.base_url)
    first = to.validate(license_key=lic["key"], consume=2)
    assert first["valid"] is True and first["code"] == "VALID"
    assert first["license"]["uses"] == 2 and first["license"]["maxUses"] == 3

    # Two more would pass maxUses: a result, not an exception, and nothing is added.
    refused = to.validate(license_key=lic["key"], consume=2)
    assert refused["valid"] is False and refused["code"] == "USAGE_LIMIT_EXCEEDED"
    assert "offline" not in refused or refused["offline"] is None
    assert server.portal("GET", f"/api/v1/licenses/{lic['id']}")["license"]["uses"] == 2

    last = to.validate(license_key=lic["key"], consume=1)
    assert last["valid"] is True and last["license"]["uses"] == 3
    # A plain validate consumes nothing.
    plain = to.validate(license_key=lic["key"])
    assert plain["valid"] is True and plain["license"]["uses"] == 3


def test_validate_consume_out_of_range_is_an_input_error(server):
    lic = server.license()
    to = TrafficOrchestrator(base_url=server.base_url)
    for bad in (0, -1):
        with pytest.raises(InvalidInputError) as err:
            to.validate(license_key=lic["key"], consume=bad)
        assert err.value.code == "VALIDATION_ERROR" and err.value.status == 400
    assert server.portal("GET", f"/api/v1/licenses/{lic['id']}")["license"]["uses"] == 0


def test_validate_entitlements_and_has_entitlement(server, tmp_path, closed_port_url):
    lic, granted, mine = _entitled_license(server, own=["api.access"])
    everything = sorted(granted + mine)
    to = TrafficOrchestrator(base_url=server.base_url, cache_dir=str(tmp_path))

    ok = to.validate(license_key=lic["key"], entitlements=[granted[0].upper(), mine[0]])
    assert ok["valid"] is True and ok["code"] == "VALID"
    assert ok["license"]["entitlements"] == everything
    assert has_entitlement(ok, granted[1]) and has_entitlement(ok["license"], mine[0].upper())
    assert not has_entitlement(ok, "absent")

    missing = to.validate(license_key=lic["key"], entitlements=[granted[0], "absent"])
    assert missing["valid"] is False and missing["code"] == "ENTITLEMENTS_MISSING"
    assert "offline" not in missing or missing["offline"] is None

    # Offline: the signed `ent` claim, verified against the cached JWKS, with no server at all.
    offline = TrafficOrchestrator(base_url=closed_port_url, cache_dir=str(tmp_path))
    token = offline.offline_token(lic["key"])
    assert token is not None
    claims = offline.verify_offline(token, license_key=lic["key"])
    assert claims["ent"] == everything
    assert has_entitlement(claims, granted[0].lower())
    assert not has_entitlement(claims, "absent")
    assert offline.has_entitlement(token, mine[0]) is True
    assert offline.has_entitlement(token["token"], "absent", license_key=lic["key"]) is False
    with pytest.raises(NetworkError):
        offline.validate(license_key=lic["key"])  # really offline

    # A token someone changed is refused before any claim is believed.
    head, payload, sig = token["token"].split(".")
    forged = ".".join([head, payload, ("A" if sig[0] != "A" else "B") + sig[1:]])
    with pytest.raises(OfflineTokenError) as refused:
        offline.has_entitlement(forged, granted[0])
    assert refused.value.code == "INVALID_SIGNATURE"
    # An unverified token string is not proof: the module function refuses it outright.
    with pytest.raises(TypeError):
        has_entitlement(token["token"], granted[0])


def test_has_entitlement_on_a_license_without_any(server):
    lic = server.license()
    to = TrafficOrchestrator(base_url=server.base_url)
    r = to.validate(license_key=lic["key"])
    assert r["valid"] is True and r["license"]["entitlements"] == []
    assert not has_entitlement(r, "export")
    assert not has_entitlement({"ent": []}, "export")
    assert not has_entitlement(None, "export")
    claims = to.verify_offline(r["offline"])
    assert claims["ent"] == [] and not has_entitlement(claims, "export")


@pytest.mark.parametrize(
    "status, code, cls",
    [
        (422, "USAGE_LIMIT_EXCEEDED", UsageLimitError),
        (403, "ENTITLEMENT_INHERITED", EntitlementInheritedError),
        (422, "IDEMPOTENCY_KEY_REUSED", IdempotencyError),
        (409, "IDEMPOTENCY_IN_PROGRESS", IdempotencyError),
    ],
)
def test_the_new_codes_are_typed_errors(status, code, cls):
    body = {"error": "refused", "code": code, "help": "/docs#errors"}
    err = api_error(status, body, "req-1")
    assert type(err) is cls and isinstance(err, TrafficOrchestratorError)
    assert (err.code, err.status, err.help, err.request_id, err.body) == (code, status, "/docs#errors", "req-1", body)
