"""The Python SDK against a live server: results, typed errors, offline verification."""

from __future__ import annotations

import base64
import json
import os
import time

import pytest

import traffic_orchestrator
from traffic_orchestrator import (
    ActivationLimitError,
    ActivationStateError,
    AuthError,
    LicenseStateError,
    NetworkError,
    NotFoundError,
    OfflineTokenError,
    TrafficOrchestrator,
    TrafficOrchestratorError,
    license_key_fingerprint,
)


def test_names_follow_the_product_document():
    to = TrafficOrchestrator(base_url="http://localhost:4000", api_key=None)
    assert callable(to.validate) and callable(to.activate) and callable(to.deactivate)
    assert callable(to.heartbeat) and callable(to.verify_offline)
    assert callable(TrafficOrchestrator.generate_machine_id)
    # A trailing /api/v1 is the same server.
    assert TrafficOrchestrator(base_url="http://x:1/api/v1/").base_url == "http://x:1"


def test_activate_validate_heartbeat_deactivate(server):
    lic = server.license(max_activations=2)
    to = TrafficOrchestrator(base_url=server.base_url, api_key=None)
    machine_id = TrafficOrchestrator.generate_machine_id()

    a = to.activate(license_key=lic["key"], machine_id=machine_id, label="CI", platform="linux")
    assert a["activated"] is True and a["created"] is True
    assert a["activation"]["machineId"] == machine_id
    assert a["license"]["id"] == lic["id"] and a["license"]["activations"] == 1
    assert a["offline"]["token"].count(".") == 2
    again = to.activate(license_key=lic["key"], machine_id=machine_id)
    assert again["created"] is False and again["activation"]["id"] == a["activation"]["id"]

    r = to.validate(license_key=lic["key"], machine_id=machine_id)
    assert r["valid"] is True and r["code"] == "VALID"
    assert r["license"]["status"] == "active" and isinstance(r["validatedAt"], str)
    assert "error" not in r

    hb = to.heartbeat(license_key=lic["key"], machine_id=machine_id)
    assert hb["ok"] is True and hb["leaseExpiresAt"] is None

    d = to.deactivate(license_key=lic["key"], machine_id=machine_id)
    assert d["deactivated"] is True and d["license"]["activations"] == 0
    assert to.validate(license_key=lic["key"], machine_id=machine_id)["code"] == "NOT_ACTIVATED"


def test_failed_validations_are_results_with_the_error_format(server):
    to = TrafficOrchestrator(base_url=server.base_url)
    unknown = to.validate(license_key="AAAA-BBBB-CCCC-DDDD")
    assert unknown["valid"] is False and unknown["code"] == "NOT_FOUND" and unknown["license"] is None
    assert unknown["error"] == "License not found" and unknown["help"] == "/docs#errors"

    lic = server.license(allowed_domains=["example.com"])
    wrong = to.validate(license_key=lic["key"], domain="evil.com")
    assert wrong["valid"] is False and wrong["code"] == "DOMAIN_MISMATCH"
    assert wrong["license"]["id"] == lic["id"] and wrong["help"] == "/docs#errors"
    assert to.validate(license_key=lic["key"], product_id="prod_other")["code"] == "PRODUCT_MISMATCH"


def test_typed_errors_carry_the_code(server):
    lic = server.license(max_activations=1)
    to = TrafficOrchestrator(base_url=server.base_url)
    to.activate(license_key=lic["key"], machine_id="first")

    with pytest.raises(ActivationLimitError) as full:
        to.activate(license_key=lic["key"], machine_id="second")
    assert full.value.code == "ACTIVATION_LIMIT_REACHED" and full.value.status == 409
    assert full.value.help == "/docs#errors" and full.value.request_id
    assert isinstance(full.value, TrafficOrchestratorError)

    with pytest.raises(NotFoundError) as gone:
        to.deactivate(license_key=lic["key"], machine_id="never-here")
    assert gone.value.code == "NOT_FOUND" and gone.value.status == 404

    with pytest.raises(ActivationStateError) as no_seat:
        to.heartbeat(license_key=lic["key"], machine_id="never-here")
    assert no_seat.value.code == "NOT_ACTIVATED"

    server.portal("POST", f"/api/v1/licenses/{lic['id']}/suspend")
    with pytest.raises(LicenseStateError) as suspended:
        to.activate(license_key=lic["key"], machine_id="third")
    assert suspended.value.code == "SUSPENDED" and suspended.value.status == 403

    bad_key = TrafficOrchestrator(base_url=server.base_url, api_key="to_live_" + "x" * 40)
    with pytest.raises(AuthError) as auth:
        bad_key.validate(license_key=lic["key"])
    assert auth.value.code == "INVALID_API_KEY" and auth.value.status == 401


def test_an_unreachable_server_is_a_network_error(closed_port_url):
    to = TrafficOrchestrator(base_url=closed_port_url, timeout=5)
    with pytest.raises(NetworkError) as err:
        to.validate(license_key="AAAA-BBBB-CCCC-DDDD")
    assert err.value.code == "NETWORK_ERROR" and err.value.status == 0


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sts"] = "active" if claims["sts"] != "active" else "revoked"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_verify_offline_returns_the_claims_or_raises(server):
    lic = server.license(max_activations=1)
    to = TrafficOrchestrator(base_url=server.base_url)
    r = to.activate(license_key=lic["key"], machine_id="laptop")
    token = r["offline"]["token"]

    claims = to.verify_offline(token, license_key=lic["key"], machine_id="laptop")
    assert claims["sub"] == lic["id"] and claims["aud"] == lic["productId"]
    assert claims["kfp"] == license_key_fingerprint(lic["key"]) and claims["mid"] == "laptop"
    assert claims["iss"] == "traffic-orchestrator" and claims["exp"] > time.time()
    assert to.verify_offline(r["offline"])["sub"] == lic["id"]  # the {token, graceUntil} dict too

    def code(fn):
        with pytest.raises(OfflineTokenError) as err:
            fn()
        return err.value.code

    assert code(lambda: to.verify_offline(_tamper(token))) == "INVALID_SIGNATURE"
    assert code(lambda: to.verify_offline(token, product_id="prod_other")) == "PRODUCT_MISMATCH"
    assert code(lambda: to.verify_offline(token, license_key="ZZZZ-ZZZZ-ZZZZ-ZZZZ")) == "CLAIM_MISMATCH"
    assert code(lambda: to.verify_offline(token, machine_id="desktop")) == "CLAIM_MISMATCH"
    assert code(lambda: to.verify_offline("not-a-token")) == "MALFORMED_TOKEN"
    # Past graceUntil by the client's clock: refused.
    late = TrafficOrchestrator(base_url=server.base_url, clock=lambda: claims["exp"] + 1)
    late.refresh_jwks()
    assert code(lambda: late.verify_offline(token)) == "TOKEN_EXPIRED"
    # A client that never saw the JWKS cannot verify (it never goes to the network for it).
    assert code(lambda: TrafficOrchestrator(base_url=server.base_url).verify_offline(token)) == "NO_JWKS"
    other = TrafficOrchestrator(base_url=server.base_url)
    other._jwks = {"keys": [{**to._jwks["keys"][0], "kid": "someone-else"}]}
    assert code(lambda: other.verify_offline(token)) == "UNKNOWN_KEY"


def test_a_later_process_verifies_offline_from_the_cache(server, tmp_path, closed_port_url):
    lic = server.license(max_activations=1)
    online = TrafficOrchestrator(base_url=server.base_url, cache_dir=str(tmp_path))
    online.validate(license_key=lic["key"])
    # Another client, the server out of reach: the cached token and JWKS are enough.
    offline = TrafficOrchestrator(base_url=closed_port_url, cache_dir=str(tmp_path))
    with pytest.raises(NetworkError):
        offline.validate(license_key=lic["key"])
    cached = offline.offline_token(lic["key"])
    assert cached is not None and cached["graceUntil"]
    assert offline.verify_offline(cached, license_key=lic["key"])["sub"] == lic["id"]
    # The file names are the TypeScript SDK's (token-<sha256 of the key, 32 hex>.json, jwks.json).
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
        ["jwks.json", next(p.name for p in tmp_path.iterdir() if p.name.startswith("token-"))]
    )


def test_the_installed_package_is_the_one_under_test():
    assert traffic_orchestrator.__version__ == "0.1.0"
    # Run by the repository's suite, the package is the one pip installed, not the source folder.
    if os.environ.get("TO_EXPECT_INSTALLED"):
        assert "site-packages" in traffic_orchestrator.__file__, traffic_orchestrator.__file__
