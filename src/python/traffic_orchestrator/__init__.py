"""Traffic Orchestrator's Python SDK: ``from traffic_orchestrator import TrafficOrchestrator``.

    to = TrafficOrchestrator(base_url="https://licenses.example.com", api_key=None)
    machine_id = TrafficOrchestrator.generate_machine_id()
    to.activate(license_key="XXXX-XXXX-XXXX-XXXX", machine_id=machine_id)
    r = to.validate(license_key="XXXX-XXXX-XXXX-XXXX", machine_id=machine_id, entitlements=["export"])
    if r["valid"]:
        claims = to.verify_offline(r["offline"]["token"])  # later, without the network
        has_entitlement(claims, "export")                 # from the signed `ent` claim

Standard library plus requests, PyJWT and cryptography; nothing else.
"""

from .client import TrafficOrchestrator
from .errors import (
    ActivationLimitError,
    ActivationStateError,
    AuthError,
    BadResponseError,
    EntitlementInheritedError,
    IdempotencyError,
    InvalidInputError,
    LicenseStateError,
    NetworkError,
    NotFoundError,
    OfflineTokenError,
    RateLimitedError,
    TrafficOrchestratorError,
    UsageLimitError,
)
from .machine_id import generate_machine_id
from .offline import has_entitlement, license_key_fingerprint

__version__ = "0.1.0"

__all__ = [
    "TrafficOrchestrator",
    "TrafficOrchestratorError",
    "NetworkError",
    "BadResponseError",
    "AuthError",
    "InvalidInputError",
    "NotFoundError",
    "LicenseStateError",
    "ActivationLimitError",
    "ActivationStateError",
    "RateLimitedError",
    "UsageLimitError",
    "EntitlementInheritedError",
    "IdempotencyError",
    "OfflineTokenError",
    "generate_machine_id",
    "license_key_fingerprint",
    "has_entitlement",
    "__version__",
]
