"""Voting codes and credentials: generate, normalise and hash (pure functions, no database).

A voting code is 12 letters and digits from an alphabet without look-alikes (no 0/O, 1/I/L),
printed as ``ABCD-EFGH-JKMN``: 31**12 ≈ 7.9e17 codes, so guessing one of 100 000 issued codes
takes on average ~4e12 tries. It is stored only as ``HMAC-SHA256(secret, "code:" + code)`` in hex,
so the database can look it up by index but a copy of it cannot be turned back into codes. The
credential a ballot is filed under is that hash (``c:`` prefix) or, for an identity provider, the
HMAC of the provider's stable subject (``i:`` prefix): never a name or a CPR number.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from byibalance.errors import ErrorLocation, InputError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
GROUP = 4


def generate_code() -> str:
    """A new random voting code ``XXXX-XXXX-XXXX`` (``secrets``: cryptographically random)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise_code(text: str) -> str:
    """The code as typed, upper-cased without spaces and dashes; refuses a malformed code.

    Look-alikes a citizen may type are mapped: O->0 is not in the alphabet, so ``O`` and ``0``
    are refused rather than guessed.
    """
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        raise InputError(
            "the voting code is not 12 letters and digits as printed on the letter",
            fix="type the code exactly as printed, e.g. ABCD-EFGH-JKMN",
            where=ErrorLocation(field="code"),
        )
    return code


def code_hash(secret: str, code: str) -> str:
    """``HMAC-SHA256(secret, "code:" + normalised code)`` as 64 hex digits."""
    return hmac.new(secret.encode(), b"code:" + normalise_code(code).encode(),
                    hashlib.sha256).hexdigest()


def code_credential(hashed: str) -> str:
    """The ballot credential of a voting code's hash."""
    return "c:" + hashed


def identity_credential(secret: str, issuer: str, subject: str) -> str:
    """The ballot credential of an identity: ``"i:" + HMAC-SHA256(secret, issuer|subject)``."""
    digest = hmac.new(secret.encode(), f"idp:{issuer}|{subject}".encode(), hashlib.sha256)
    return "i:" + digest.hexdigest()


def shuffled(items: list[str], seed: str) -> list[str]:
    """``items`` in a random order fixed by ``seed`` (one order per voter's page view).

    Random project order on the ballot removes the advantage of being listed first.
    """
    rng = secrets.SystemRandom() if not seed else _seeded(seed)
    out = list(items)
    rng.shuffle(out)
    return out


def _seeded(seed: str):  # type: ignore[no-untyped-def]
    import random

    return random.Random(hashlib.sha256(seed.encode()).digest())  # an order, not a secret
