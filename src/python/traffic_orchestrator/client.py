"""The Traffic Orchestrator client: the public license routes (validate, activate, deactivate,
heartbeat), the JWKS, and offline verification of the signed tokens those routes return."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from typing import Any, Callable, Dict, Iterable, Optional, Union

import jwt
import requests

from .errors import BadResponseError, NetworkError, api_error
from .machine_id import generate_machine_id
from .offline import has_entitlement, is_jwks, normalize_key, verify_offline_token

JWKS_PATH = "/api/v1/.well-known/jwks.json"
# Validation codes after which the cached offline token of the license is dropped.
_LICENSE_GONE = {"NOT_FOUND", "REVOKED", "SUSPENDED", "EXPIRED"}

Json = Dict[str, Any]


def _token_name(license_key: str) -> str:
    # The TypeScript SDK's FileStorage names, so both can share a cache folder.
    return "token-" + hashlib.sha256(normalize_key(license_key).encode("utf-8")).hexdigest()[:32]


class TrafficOrchestrator:
    """A client for one server.

    ``base_url`` is the server's root URL (a trailing ``/api/v1`` is accepted). ``api_key``
    (``to_live_…``/``to_test_…``) is optional: the public routes need none, and one restricts them
    to its account and environment. ``product_id`` is the default product for ``validate`` and
    ``verify_offline``. ``cache_dir`` keeps the JWKS and the last offline token per license in
    files, so that a later process can verify offline. ``clock`` (unix seconds) is the time used by
    ``verify_offline``; tests inject one.

    Results are the API's JSON as dicts (``r["valid"]``, ``r["code"]``, ``r["license"]``, …).
    Failures raise a TrafficOrchestratorError subclass carrying ``code``; a completed validation
    that failed is a result (``valid`` False), not an exception.
    """

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str] = None,
        *,
        product_id: Optional[str] = None,
        timeout: float = 10.0,
        cache_dir: Optional[str] = None,
        session: Optional[requests.Session] = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not base_url:
            raise ValueError("TrafficOrchestrator: base_url is required")
        url = base_url.rstrip("/")
        if url.endswith("/api/v1"):
            url = url[: -len("/api/v1")]
        self.base_url = url
        self.api_key = api_key
        self.product_id = product_id
        self.timeout = timeout
        self.cache_dir = cache_dir
        self.clock = clock
        self._session = session or requests.Session()
        self._jwks: Optional[Json] = None
        self._tokens: Dict[str, Json] = {}

    @staticmethod
    def generate_machine_id(salt: Optional[str] = None) -> str:
        """A stable, privacy-respecting device id (64 hex characters): the TypeScript SDK's
        ``generateMachineId()``, the same id on the same machine."""
        return generate_machine_id(salt)

    # ---- online calls -------------------------------------------------------------------------

    def validate(
        self,
        license_key: str,
        *,
        product_id: Optional[str] = None,
        machine_id: Optional[str] = None,
        domain: Optional[str] = None,
        consume: Optional[int] = None,
        entitlements: Optional[Iterable[str]] = None,
    ) -> Json:
        """Validates a key: ``{valid, code, license, validatedAt, offline?}``. An unknown key
        (``NOT_FOUND``) and a domain mismatch (``DOMAIN_MISMATCH``) are results with ``valid``
        False (and the error format's ``error`` and ``help``), as are the other failed checks.

        ``consume=N`` adds N uses atomically when every other check passes; when they would pass
        the license's ``maxUses`` nothing is added and the result is ``valid`` False with
        ``USAGE_LIMIT_EXCEEDED`` (``r["license"]["uses"]`` is the count after a valid one). Not
        retried by the SDK. ``entitlements=[codes]``: ``valid`` False with ``ENTITLEMENTS_MISSING``
        unless the license has every one (any case). A bad ``consume`` (not 1–1,000,000) is an
        InvalidInputError (``VALIDATION_ERROR``)."""
        body: Json = {"license_key": license_key}
        product = product_id if product_id is not None else self.product_id
        if product is not None:
            body["product_id"] = product
        if machine_id is not None:
            body["machine_id"] = machine_id
        if domain is not None:
            body["domain"] = domain
        if consume is not None:
            body["consume"] = consume
        if entitlements is not None:
            body["entitlements"] = [entitlements] if isinstance(entitlements, str) else list(entitlements)
        status, data, request_id = self._send("POST", "/api/v1/validate", body)
        completed = status in (200, 403, 404) and isinstance(data, dict) and isinstance(data.get("valid"), bool)
        if not completed:
            raise api_error(status, data, request_id)
        if data["valid"] and isinstance(data.get("offline"), dict):
            self._keep(license_key, data["offline"])
        elif data.get("code") in _LICENSE_GONE:
            self._forget(license_key)
        return data

    def activate(
        self,
        license_key: str,
        machine_id: str,
        *,
        label: Optional[str] = None,
        platform: Optional[str] = None,
    ) -> Json:
        """Activates this device (idempotent per machine id): ``{activated, created, activation,
        license, offline}``; ``created`` is False when the device already held a seat. No seat
        left: ActivationLimitError (``ACTIVATION_LIMIT_REACHED``)."""
        body: Json = {"license_key": license_key, "machine_id": machine_id}
        if label is not None:
            body["label"] = label
        if platform is not None:
            body["platform"] = platform
        status, data = self._success("POST", "/api/v1/activate", body)
        result = {**data, "created": status == 201}
        if isinstance(result.get("offline"), dict):
            self._keep(license_key, result["offline"])
        return result

    def deactivate(self, license_key: str, machine_id: str) -> Json:
        """Frees this device's seat: ``{deactivated, activation, license}``. A device without a
        seat: NotFoundError (``NOT_FOUND``)."""
        _, data = self._success("POST", "/api/v1/deactivate", {"license_key": license_key, "machine_id": machine_id})
        self._forget(license_key)
        return data

    def heartbeat(self, license_key: str, machine_id: str) -> Json:
        """Renews a floating seat's lease and refreshes the offline token: ``{ok, activation,
        leaseExpiresAt, offline}``. The seat is gone: ActivationStateError (``NOT_ACTIVATED`` or
        ``LEASE_EXPIRED``); activate again."""
        _, data = self._success("POST", "/api/v1/heartbeat", {"license_key": license_key, "machine_id": machine_id})
        if isinstance(data.get("offline"), dict):
            self._keep(license_key, data["offline"])
        return data

    def refresh_jwks(self) -> Json:
        """Fetches the server's JWKS now and caches it (memory, and ``cache_dir`` when set)."""
        _, data = self._success("GET", JWKS_PATH, None, auth=False)
        if not is_jwks(data):
            raise BadResponseError("The server answered with something that is not a JWKS", code="BAD_RESPONSE", body=data)
        self._jwks = data
        self._store("jwks", data)
        return data

    # ---- offline ------------------------------------------------------------------------------

    def offline_token(self, license_key: str) -> Optional[Json]:
        """The cached ``{token, graceUntil}`` of a license key (memory, then ``cache_dir``), or None."""
        name = _token_name(license_key)
        if name in self._tokens:
            return self._tokens[name]
        value = self._load(name)
        if isinstance(value, dict) and isinstance(value.get("token"), str):
            self._tokens[name] = value
            return value
        return None

    def verify_offline(
        self,
        token: Union[str, Json],
        *,
        license_key: Optional[str] = None,
        machine_id: Optional[str] = None,
        product_id: Optional[str] = None,
        max_clock_skew: float = 300,
    ) -> Json:
        """Verifies an offline token (the string, or the ``{token, graceUntil}`` dict) against the
        cached JWKS, without any network call, and returns its claims (``sub`` license id, ``aud``
        product, ``kfp``, ``mid``, ``typ``, ``sts``, ``lexp``, ``iat``, ``exp``). Raises
        OfflineTokenError when it is past its graceUntil, badly signed, signed by an unknown key, or
        issued for another product, license key or machine."""
        jws = token.get("token") if isinstance(token, dict) else token
        return verify_offline_token(
            jws,  # type: ignore[arg-type]
            self._cached_jwks(),
            self.clock(),
            product_id=product_id if product_id is not None else self.product_id,
            license_key=license_key,
            machine_id=machine_id,
            max_clock_skew=max_clock_skew,
        )

    def has_entitlement(
        self,
        token: Union[str, Json],
        code: str,
        **verify: Any,
    ) -> bool:
        """Verifies an offline token as ``verify_offline`` does (OfflineTokenError when it is
        refused; ``verify`` takes the same keyword arguments) and says whether the license it was
        issued for has the entitlement ``code`` (any case), from the token's signed ``ent`` claim,
        without any network call. For claims or a result already in hand, use the module's
        ``has_entitlement(claims_or_result, code)``."""
        return has_entitlement(self.verify_offline(token, **verify), code)

    # ---- internals ----------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: Optional[Json], *, auth: bool = True):
        headers = {"Accept": "application/json"}
        if self.api_key and auth:
            headers["Authorization"] = f"Bearer {self.api_key}"
        try:
            res = self._session.request(method, self.base_url + path, json=body, headers=headers, timeout=self.timeout)
        except requests.Timeout as err:
            raise NetworkError(
                f"No answer from {self.base_url} within {self.timeout} s", code="TIMEOUT"
            ) from err
        except requests.RequestException as err:
            raise NetworkError(f"Cannot reach {self.base_url}: {err}", code="NETWORK_ERROR") from err
        try:
            data: Any = res.json() if res.content else None
        except ValueError:
            data = res.text  # not JSON (a proxy's error page, say)
        return res.status_code, data, res.headers.get("x-request-id")

    def _success(self, method: str, path: str, body: Optional[Json], *, auth: bool = True):
        status, data, request_id = self._send(method, path, body, auth=auth)
        if 200 <= status < 300:
            if isinstance(data, dict):
                return status, data
            raise BadResponseError(
                "The server answered with something that is not JSON",
                code="BAD_RESPONSE",
                status=status,
                request_id=request_id,
                body=data,
            )
        raise api_error(status, data, request_id)

    def _keep(self, license_key: str, offline: Json) -> None:
        name = _token_name(license_key)
        self._tokens[name] = offline
        self._store(name, offline)
        try:
            kid = jwt.get_unverified_header(offline["token"]).get("kid")
        except Exception:
            return  # verify_offline will say what is wrong with it
        jwks = self._cached_jwks()
        if jwks and (kid is None or any(k.get("kid") == kid for k in jwks["keys"])):
            return
        try:
            self.refresh_jwks()  # the first token, or the server rotated its key
        except Exception:
            pass  # the online call succeeded; the next one tries again

    def _forget(self, license_key: str) -> None:
        name = _token_name(license_key)
        self._tokens.pop(name, None)
        if self.cache_dir:
            try:
                os.remove(os.path.join(self.cache_dir, f"{name}.json"))
            except OSError:
                pass

    def _cached_jwks(self) -> Optional[Json]:
        if self._jwks is None:
            value = self._load("jwks")
            if is_jwks(value):
                self._jwks = value
        return self._jwks

    def _store(self, name: str, value: Json) -> None:
        if not self.cache_dir:
            return
        try:
            os.makedirs(self.cache_dir, mode=0o700, exist_ok=True)
            # Write then rename, so a reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=f".{name}.")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f)
            os.replace(tmp, os.path.join(self.cache_dir, f"{name}.json"))
        except OSError:
            pass  # a cache that cannot be written only costs the offline fallback

    def _load(self, name: str) -> Any:
        if not self.cache_dir:
            return None
        try:
            with open(os.path.join(self.cache_dir, f"{name}.json"), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None
