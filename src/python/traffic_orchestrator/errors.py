"""Errors the SDK raises. Every one is a TrafficOrchestratorError with a stable ``code`` (the API's
code, such as ``ACTIVATION_LIMIT_REACHED``, or one of the client's own: ``NETWORK_ERROR``,
``TIMEOUT``, ``BAD_RESPONSE``, and the offline codes), so an app can branch on ``err.code`` alone.
The subclasses group the codes the way the server's GraphQL error types do."""

from __future__ import annotations

from typing import Any, Optional


class TrafficOrchestratorError(Exception):
    """A failed call: ``code`` (stable), ``status`` (HTTP status; 0 when there was no answer),
    ``message``, ``help`` (the API's help link), ``request_id`` (the server's X-Request-Id) and
    ``body`` (the parsed answer)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 0,
        help: Optional[str] = None,
        request_id: Optional[str] = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.help = help
        self.request_id = request_id
        self.body = body

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status}, message={self.message!r})"


class NetworkError(TrafficOrchestratorError):
    """The server could not be reached, or did not answer in time (``NETWORK_ERROR``, ``TIMEOUT``):
    fall back to ``verify_offline``."""


class BadResponseError(TrafficOrchestratorError):
    """The server answered with something that is not the API's JSON (``BAD_RESPONSE``)."""


class AuthError(TrafficOrchestratorError):
    """``AUTH_REQUIRED``, ``INVALID_API_KEY``, ``INVALID_TOKEN`` or ``FORBIDDEN``."""


class InvalidInputError(TrafficOrchestratorError):
    """``MISSING_FIELDS`` or ``VALIDATION_ERROR``: the request was refused as it was sent."""


class NotFoundError(TrafficOrchestratorError):
    """``NOT_FOUND``: an unknown license key, or (deactivate) a device without a seat."""


class LicenseStateError(TrafficOrchestratorError):
    """``REVOKED``, ``SUSPENDED`` or ``EXPIRED``: the license cannot be used."""


class ActivationLimitError(TrafficOrchestratorError):
    """``ACTIVATION_LIMIT_REACHED``: no seat is left on the license."""


class ActivationStateError(TrafficOrchestratorError):
    """``NOT_ACTIVATED`` or ``LEASE_EXPIRED``: this device holds no seat (activate again)."""


class UsageLimitError(TrafficOrchestratorError):
    """``USAGE_LIMIT_EXCEEDED`` (422): the uses would pass the license's ``maxUses``; nothing was
    added. (``validate(consume=N)`` answers this as a result, ``valid`` False, not as an error.)"""


class EntitlementInheritedError(TrafficOrchestratorError):
    """``ENTITLEMENT_INHERITED`` (403): the entitlement comes from the license's product; detach it
    there."""


class IdempotencyError(TrafficOrchestratorError):
    """``IDEMPOTENCY_KEY_REUSED`` (422: the key was used for another request) or
    ``IDEMPOTENCY_IN_PROGRESS`` (409: the first request with the key is still running)."""


class RateLimitedError(TrafficOrchestratorError):
    """``RATE_LIMITED``; ``retry_after`` is the number of seconds to wait."""

    def __init__(self, message: str, *, retry_after: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class OfflineTokenError(TrafficOrchestratorError):
    """``verify_offline`` refused a token: ``NO_JWKS``, ``UNKNOWN_KEY``, ``INVALID_SIGNATURE``,
    ``TOKEN_EXPIRED``, ``TOKEN_NOT_YET_VALID``, ``PRODUCT_MISMATCH``, ``CLAIM_MISMATCH`` or
    ``MALFORMED_TOKEN`` (the same codes as the TypeScript SDK)."""


_BY_CODE = {
    "AUTH_REQUIRED": AuthError,
    "INVALID_API_KEY": AuthError,
    "INVALID_TOKEN": AuthError,
    "FORBIDDEN": AuthError,
    "MISSING_FIELDS": InvalidInputError,
    "VALIDATION_ERROR": InvalidInputError,
    "NOT_FOUND": NotFoundError,
    "REVOKED": LicenseStateError,
    "SUSPENDED": LicenseStateError,
    "EXPIRED": LicenseStateError,
    "ACTIVATION_LIMIT_REACHED": ActivationLimitError,
    "NOT_ACTIVATED": ActivationStateError,
    "LEASE_EXPIRED": ActivationStateError,
    "USAGE_LIMIT_EXCEEDED": UsageLimitError,
    "ENTITLEMENT_INHERITED": EntitlementInheritedError,
    "IDEMPOTENCY_KEY_REUSED": IdempotencyError,
    "IDEMPOTENCY_IN_PROGRESS": IdempotencyError,
    "RATE_LIMITED": RateLimitedError,
}


def api_error(status: int, body: Any, request_id: Optional[str]) -> TrafficOrchestratorError:
    """The typed error for an API answer that is not a success."""
    b = body if isinstance(body, dict) else {}
    code = b.get("code") if isinstance(b.get("code"), str) else f"HTTP_{status}"
    message = b.get("error") if isinstance(b.get("error"), str) else f"HTTP {status} from the license server"
    help_link = b.get("help") if isinstance(b.get("help"), str) else None
    cls = _BY_CODE.get(code, TrafficOrchestratorError)
    common = dict(code=code, status=status, help=help_link, request_id=request_id, body=body)
    if cls is RateLimitedError:
        retry = b.get("retryAfter")
        return RateLimitedError(message, retry_after=retry if isinstance(retry, int) else None, **common)
    return cls(message, **common)
