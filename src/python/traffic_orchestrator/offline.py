"""Offline verification of the server's signed tokens (compact JWS, EdDSA/Ed25519) against a JWKS,
with no network call. Accepted until the token's ``exp`` (its graceUntil) by the clock in use;
refused with an OfflineTokenError (the TypeScript SDK's codes) otherwise."""

from __future__ import annotations

import hashlib
from typing import Any, Dict, Mapping, Optional

import jwt
from jwt.exceptions import (
    DecodeError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidSignatureError,
    InvalidTokenError,
    MissingRequiredClaimError,
    PyJWKError,
)

from .errors import OfflineTokenError

ISSUER = "traffic-orchestrator"


def normalize_key(license_key: str) -> str:
    return license_key.strip().upper()


def license_key_fingerprint(license_key: str) -> str:
    """The server's key fingerprint (``kfp`` claim): the first 16 hex characters of SHA-256(key)."""
    return hashlib.sha256(normalize_key(license_key).encode("utf-8")).hexdigest()[:16]


def is_jwks(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("keys"), list)
        and all(isinstance(k, dict) and isinstance(k.get("kty"), str) for k in value["keys"])
    )


def verify_offline_token(
    token: str,
    jwks: Optional[Mapping[str, Any]],
    now: float,
    *,
    product_id: Optional[str] = None,
    license_key: Optional[str] = None,
    machine_id: Optional[str] = None,
    max_clock_skew: float = 300,
) -> Dict[str, Any]:
    """Verifies ``token`` against ``jwks`` at unix time ``now`` and returns its claims."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise OfflineTokenError("Not a compact JWS", code="MALFORMED_TOKEN")
    try:
        header = jwt.get_unverified_header(token)
    except DecodeError as err:
        raise OfflineTokenError("The token header cannot be read", code="MALFORMED_TOKEN") from err
    if header.get("alg") != "EdDSA":
        raise OfflineTokenError(f"Unexpected alg {header.get('alg')}", code="MALFORMED_TOKEN")
    if not jwks:
        raise OfflineTokenError("No JWKS cached yet: call the server once while online", code="NO_JWKS")
    kid = header.get("kid")
    candidates = [k for k in jwks.get("keys", []) if kid is None or k.get("kid") == kid]
    if not candidates:
        raise OfflineTokenError(
            "The token was signed with a key that is not in the cached JWKS", code="UNKNOWN_KEY"
        )
    try:
        key = jwt.PyJWK(dict(candidates[0]), algorithm="EdDSA").key
    except (PyJWKError, ValueError, TypeError) as err:
        raise OfflineTokenError("The JWKS key cannot be used for EdDSA", code="UNKNOWN_KEY") from err
    try:
        # Expiry and issue time are checked below against `now` (an injectable clock), not here.
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["EdDSA"],
            issuer=ISSUER,
            audience=product_id,
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": product_id is not None,
                "require": ["iss", "sub", "aud", "exp", "iat"],
            },
        )
    except InvalidSignatureError as err:
        raise OfflineTokenError("The token signature does not verify", code="INVALID_SIGNATURE") from err
    except InvalidAudienceError as err:
        raise OfflineTokenError("The token was issued for another product", code="PRODUCT_MISMATCH") from err
    except (InvalidIssuerError, MissingRequiredClaimError) as err:
        raise OfflineTokenError(f"The token's claims do not match: {err}", code="CLAIM_MISMATCH") from err
    except InvalidTokenError as err:
        raise OfflineTokenError("The token is not a valid offline token", code="MALFORMED_TOKEN") from err
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)) or not isinstance(
        claims.get("kfp"), str
    ):
        raise OfflineTokenError("The token lacks the expected claims", code="MALFORMED_TOKEN")
    if now >= exp:
        raise OfflineTokenError("The offline token has expired (past its graceUntil)", code="TOKEN_EXPIRED")
    if iat > now + max_clock_skew:
        raise OfflineTokenError("The token was issued in the future by this clock", code="TOKEN_NOT_YET_VALID")
    if license_key is not None and claims["kfp"] != license_key_fingerprint(license_key):
        raise OfflineTokenError("The token was issued for another license key", code="CLAIM_MISMATCH")
    if machine_id is not None and claims.get("mid") != machine_id:
        raise OfflineTokenError("The token was issued to another machine", code="CLAIM_MISMATCH")
    # Tokens from servers before entitlements carry no `ent`: none.
    if not isinstance(claims.get("ent"), list):
        claims["ent"] = []
    return claims


def has_entitlement(source: Any, code: str) -> bool:
    """Whether verified token claims (``verify_offline``'s result, from their ``ent`` claim), a
    license (``r["license"]``, from its ``entitlements``) or a validate/activate result (from its
    ``license``) carry the entitlement ``code``. Codes compare without regard to case, as on the
    server. No network call. Pass only claims that were verified: an unverified token proves
    nothing, so a token string is refused (use ``TrafficOrchestrator.has_entitlement`` for one)."""
    if isinstance(source, (str, bytes)):
        raise TypeError("has_entitlement takes verified claims or a result; verify the token first")
    if not isinstance(source, Mapping):
        return False
    if "ent" in source:
        codes = source["ent"]
    elif "entitlements" in source:
        codes = source["entitlements"]
    elif isinstance(source.get("license"), Mapping):
        codes = source["license"].get("entitlements")
    else:
        codes = None
    if not isinstance(code, str) or not isinstance(codes, list):
        return False
    wanted = code.lower()
    return any(isinstance(c, str) and c.lower() == wanted for c in codes)
