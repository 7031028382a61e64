"""Recorded StatBank sessions: build them from the embedded data, and replay them in tests.

A session folder holds ``session.yaml`` (the exchanges in order: method, path, request body,
status, response file) and the response bodies, exactly as ``scripts/record_statbank.py`` saves
them from the live API. :func:`replay_transport` serves them through ``httpx.MockTransport`` so
the real client code runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import yaml

RECORDINGS = Path(__file__).resolve().parent / "recordings"


def load_session(name: str) -> list[dict[str, Any]]:
    """The exchanges of a recorded session, with each response body read in."""
    folder = RECORDINGS / name
    exchanges = yaml.safe_load((folder / "session.yaml").read_text(encoding="utf-8"))
    for item in exchanges["exchanges"]:
        item["body"] = (folder / item["response_file"]).read_bytes()
    return exchanges["exchanges"]


def _key(path: str, body: dict[str, Any]) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1] + " " + json.dumps(body, sort_keys=True)


def replay_transport(
    exchanges: list[dict[str, Any]],
    edit: Callable[[str, dict[str, Any], bytes], tuple[int, bytes]] | None = None,
) -> httpx.MockTransport:
    """A transport that answers each request with the recorded answer to the same request.

    ``edit(path, request, body) -> (status, body)`` may damage an answer (a test's fixture). An
    unrecorded request gets HTTP 599 and the test fails with that message.
    """
    answers = {_key(e["path"], e["request"]): e for e in exchanges}

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content.decode("utf-8"))
        found = answers.get(_key(request.url.path, body))
        if found is None:
            return httpx.Response(599, text=f"no recording for {request.url.path} {body}")
        status, content = int(found["status"]), found["body"]
        if edit is not None:
            status, content = edit(request.url.path, body, content)
        return httpx.Response(status, content=content, headers=found.get("headers", {}))

    return httpx.MockTransport(handler)


def integer_graduation(p5: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Whole persons by single age 0..100 from 5-year groups: the national-shape split
    (DOMAIN §2.4 A) rounded by largest remainder, so each group keeps its exact total."""
    from byibalance.population.graduation import graduate_national_shape

    exact = graduate_national_shape(p5, shape)
    out = np.floor(exact).astype(np.int64)
    for g in range(20):
        ages = slice(5 * g, 5 * g + 5)
        short = int(np.rint(p5[g] - out[ages].sum()))
        order = np.argsort(-(exact[ages] - out[ages]), kind="stable")
        out[ages][order[:short]] += 1
    out[100] = int(p5[20])
    return out
