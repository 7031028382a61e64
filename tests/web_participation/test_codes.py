"""Voting codes and credentials: well-formed, typed back in any case and spacing, never in clear."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance.errors import AuthError, InputError
from byibalance.web.participation import voting
from byibalance.web.participation.identity import FakeIdentityProvider

SECRET = "s" * 40


@settings(max_examples=200, deadline=None)
@given(st.randoms(use_true_random=False), st.sampled_from(["", " ", "-", "  "]))
def test_a_code_typed_back_in_any_case_and_spacing_hashes_the_same(rnd, sep: str) -> None:  # type: ignore[no-untyped-def]
    code = voting.generate_code()
    raw = code.replace("-", "")
    typed = sep.join(raw[i:i + 3] for i in range(0, 12, 3))
    typed = "".join(ch.lower() if rnd.random() < 0.5 else ch for ch in typed)
    assert voting.code_hash(SECRET, typed) == voting.code_hash(SECRET, code)
    digest = voting.code_hash(SECRET, code)
    assert len(digest) == 64 and raw not in digest.upper()
    assert voting.code_hash("t" * 40, code) != digest


@given(st.text(max_size=20))
def test_anything_not_a_code_is_refused_with_the_field(text: str) -> None:
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(cleaned) == 12 and all(ch in voting.ALPHABET for ch in cleaned):
        return
    with pytest.raises(InputError) as info:
        voting.normalise_code(text)
    assert info.value.where.field == "code" and "12 letters" in info.value.problem


def test_codes_are_distinct_and_use_no_look_alikes() -> None:
    codes = {voting.generate_code() for _ in range(5000)}
    assert len(codes) == 5000
    assert not set("01ILO") & set("".join(codes))


def test_shuffled_is_a_permutation() -> None:
    items = [f"p{i}" for i in range(30)]
    orders = {tuple(voting.shuffled(items, "")) for _ in range(20)}
    assert all(sorted(o) == sorted(items) for o in orders) and len(orders) > 1
    assert voting.shuffled(items, "seed") == voting.shuffled(items, "seed")


def test_identity_credential_hides_the_subject() -> None:
    cred = voting.identity_credential(SECRET, "iss", "0101901234")
    assert cred.startswith("i:") and "0101901234" not in cred
    assert cred != voting.identity_credential(SECRET, "other-iss", "0101901234")


def test_fake_identity_provider_checks_state_and_signature() -> None:
    idp = FakeIdentityProvider(secret=SECRET)
    code = idp.issue_code(subject="anna", municipality="0165", state="st", nonce="no")
    ident = idp.complete(params={"code": code, "state": "st"}, state="st", nonce="no",
                         redirect_uri="x")
    assert (ident.subject, ident.municipality) == ("anna", "0165")
    for params, nonce in (({"code": code, "state": "other"}, "no"),
                          ({"code": code, "state": "st"}, "other-nonce"),
                          ({"code": "anna.0165.forged", "state": "st"}, "no"),
                          ({"code": "garbage", "state": "st"}, "no")):
        with pytest.raises(AuthError):
            idp.complete(params=params, state="st", nonce=nonce, redirect_uri="x")
