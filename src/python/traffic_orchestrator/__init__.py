"""Traffic Orchestrator's Python SDK: ``from traffic_orchestrator import TrafficOrchestrator``.

    to = TrafficOrchestrator(base_url="https://licenses.example.com", api_key=None)
    machine_id = TrafficOrchestrator.generate_machine_id()
    to.activate(license_key="XXXX-XXXX-XXXX-XXXX", machine_id=machine_id)
    r = to.validate(license_key="XXXX-XXXX-XXXX-XXXX", machine_id=machine_id)
    if r["valid"]:
        claims = to.verify_offline(r["offline"]["token"])  # later, without the network

Standard library plus requests, PyJWT and cryptography; nothing else.
"""

from .client import TrafficOrchestrator
from .errors import (
    ActivationLimitError,
    ActivationStateError,
    AuthError,
    BadResponseError,
    InvalidInputError,
    LicenseStateError,
    NetworkError,
    NotFoundError,
    OfflineTokenError,
    RateLimitedError,
    TrafficOrchestratorError,
)
from .machine_id import generate_machine_id
from .offline import license_key_fingerprint

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
    "OfflineTokenError",
    "generate_machine_id",
    "license_key_fingerprint",
    "__version__",
]
