"""Identity providers for voting without a code: the interface, and a test double.

The real provider in Denmark is MitID, reached through a broker (e.g. Signaturgruppen, Criipto,
Nets) speaking OpenID Connect (authorization-code flow with PKCE). The web app only needs two
steps, which :class:`IdentityProvider` names; ``docs/participation_web.md`` explains how to fill
them in with an OIDC client library. What comes back is reduced at once to a stable subject
(never stored in clear: see :func:`byibalance.web.participation.voting.identity_credential`) and
the eligibility the process needs (residence in the municipality, age): no name, no CPR number.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from byibalance.errors import AuthError, ErrorLocation


@dataclass(frozen=True)
class VerifiedIdentity:
    """What the provider vouches for: issuer, a stable pseudonymous subject, eligibility."""

    issuer: str
    subject: str
    municipality: str | None = None
    age: int | None = None


class IdentityProvider(Protocol):
    """An OpenID-Connect-like provider: send the citizen away, then verify what comes back."""

    name: str

    def authorization_url(self, *, state: str, nonce: str, redirect_uri: str) -> str:
        """Where to send the citizen's browser to identify (state/nonce bind the answer)."""
        ...

    def complete(self, *, params: dict[str, str], state: str, nonce: str,
                 redirect_uri: str) -> VerifiedIdentity:
        """Verify the callback's parameters (code, state) and return the identity, or raise."""
        ...


def _sign(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), "|".join(parts).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class FakeIdentityProvider:
    """A test double of MitID: a local page where one types a test subject and municipality.

    The "authorization code" it returns is ``subject.municipality.signature`` signed with the
    app's secret and bound to the state and nonce, so the callback can be checked the way a real
    ID token is (issuer, nonce, signature). Never enable it in production: anybody can be anybody.
    """

    secret: str
    name: str = "test-mitid"
    issuer: str = "urn:byibalance:test-idp"
    login_path: str = "/deltag/test-idp/login"

    def authorization_url(self, *, state: str, nonce: str, redirect_uri: str) -> str:
        """The test login page, carrying state, nonce and the redirect URI."""
        query = urlencode({"state": state, "nonce": nonce, "redirect_uri": redirect_uri})
        return f"{self.login_path}?{query}"

    def issue_code(self, *, subject: str, municipality: str, state: str, nonce: str) -> str:
        """What the test login page hands back as the authorization code."""
        return f"{subject}.{municipality}.{_sign(self.secret, subject, municipality, state, nonce)}"

    def complete(self, *, params: dict[str, str], state: str, nonce: str,
                 redirect_uri: str) -> VerifiedIdentity:
        """Check state and the code's signature; return the test identity."""
        where = ErrorLocation(field="code")
        if not state or not hmac.compare_digest(params.get("state", ""), state):
            raise AuthError("the identification answer does not belong to this session",
                            fix="start the identification again",
                            where=ErrorLocation(field="state"))
        parts = params.get("code", "").split(".")
        if len(parts) != 3 or not parts[0]:
            raise AuthError("the identification answer is malformed",
                            fix="start the identification again", where=where)
        subject, municipality, sig = parts
        if not hmac.compare_digest(sig, _sign(self.secret, subject, municipality, state, nonce)):
            raise AuthError("the identification answer's signature is wrong",
                            fix="start the identification again", where=where)
        return VerifiedIdentity(self.issuer, subject, municipality or None)
