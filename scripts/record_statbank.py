"""Record real StatBank answers for the tests (run online by a maintainer).

    python scripts/record_statbank.py --municipality 165,101 --tables FOLK1A \
        --name folk1a_165_101

For every table it first asks ``/tableinfo`` and saves the answer (once per StatBank table:
``--tables FLY66`` records both directions, ``FLY66_IN`` and ``FLY66_OUT``); where the variables
differ from what ``byibalance.sources.statbank.TABLES`` expects, or a variable to be left out is
not marked ``elimination: true``, it says so (update the spec, then record again) and skips the
table's data; where a variable lacks value codes the conversion needs (``EXPECTED_VALUES``:
PSKAT's tax types, FOD33's ages 15..49, the migration tables' sexes and ages) it says so too,
and records the data all the same so that the codes the table really uses can be read from it.
For the others it asks ``/data`` with exactly the queries the client sends (one per
municipality, BULK format) and saves each body byte for byte.

The result is a folder ``tests/sources/recordings/<name>/`` with ``session.yaml`` (method, path,
request body, status, response headers and body file, in order) that the tests replay through
``httpx.MockTransport``. Add a paragraph on the new folder to the recordings README, marked as
captured from the live API on the date of the recording.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import httpx
import yaml

from byibalance.errors import SourceError
from byibalance.sources.statbank import (
    BASE_URL,
    TABLES,
    check_layout,
    check_values,
    spec_for,
    table_names,
)

RECORDINGS = Path(__file__).resolve().parents[1] / "tests" / "sources" / "recordings"
KEPT_HEADERS = ("content-type",)


def _save(
    client: httpx.Client,
    folder: Path,
    exchanges: list[dict[str, Any]],
    path: str,
    body: dict[str, Any],
    stem: str,
    suffix: str,
) -> httpx.Response:
    answer = client.post(path, json=body)
    file = folder / f"{len(exchanges) + 1:03d}_{stem}{suffix}"
    file.write_bytes(answer.content)
    exchanges.append(
        {
            "method": "POST",
            "path": f"/v1{path}",
            "request": body,
            "status": answer.status_code,
            "response_file": file.name,
            "headers": {k: answer.headers[k] for k in KEPT_HEADERS if k in answer.headers},
        }
    )
    print(f"{answer.status_code} {path} {stem}: {len(answer.content)} bytes -> {file.name}")
    return answer


def _record(
    client: httpx.Client,
    folder: Path,
    exchanges: list[dict[str, Any]],
    names: list[str],
    codes: list[str],
) -> list[str]:
    differing: list[str] = []
    infos: dict[str, httpx.Response] = {}
    for name in names:
        spec = spec_for(name)
        if spec.table not in infos:  # FLY66_IN and FLY66_OUT share one /tableinfo
            infos[spec.table] = _save(
                client,
                folder,
                exchanges,
                "/tableinfo",
                {"table": spec.table, "format": "JSON", "lang": "en"},
                f"tableinfo_{spec.table}",
                ".json",
            )
        info = infos[spec.table]
        try:
            check_layout(info.json(), spec)
        except (SourceError, ValueError) as err:
            differing.append(f"{spec.name}: {err}")
            continue
        try:
            check_values(info.json(), spec)
        except SourceError as err:
            # the data is still recorded: it shows the maintainer the codes the table uses
            differing.append(f"{spec.name} value codes: {err}")
        area_codes = [c for c in codes if not (spec.municipalities_only and c == "000")]
        batches = [[c] for c in area_codes] if spec.area else [[]]
        for batch in batches:
            stem = f"data_{spec.name}_{'_'.join(batch) or 'national'}"
            _save(client, folder, exchanges, "/data", spec.query(batch), stem, ".csv")
    return differing


def main(argv: list[str] | None = None, transport: httpx.BaseTransport | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipality", default="165,101", help="comma list of codes")
    parser.add_argument("--tables", default="FOLK1A", help="comma list, or 'all'")
    parser.add_argument("--name", default=None, help="recording folder name")
    parser.add_argument("--base-url", default=BASE_URL)
    parser.add_argument("--out", type=Path, default=RECORDINGS, help="recordings folder")
    args = parser.parse_args(argv)
    codes = [c.strip().zfill(3) for c in args.municipality.split(",") if c.strip()]
    names = list(TABLES) if args.tables == "all" else table_names(args.tables.split(","))
    name = args.name or "_".join([*(n.lower() for n in names), *codes])
    folder = args.out / name
    if folder.exists():
        print(f"error: {folder} exists; choose another --name or delete it", file=sys.stderr)
        return 2
    folder.mkdir(parents=True)
    exchanges: list[dict[str, Any]] = []
    differing: list[str] = []
    try:
        with httpx.Client(base_url=args.base_url, timeout=120.0, transport=transport) as client:
            differing = _record(client, folder, exchanges, names, codes)
    except httpx.HTTPError as err:
        shutil.rmtree(folder)
        print(
            f"error: cannot reach {args.base_url} ({err}); nothing recorded. Run this "
            "script on a machine with internet access",
            file=sys.stderr,
        )
        return 2
    session = {
        "constructed": False,
        "note": f"captured from the live API at {args.base_url} on "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} by scripts/record_statbank.py",
        "exchanges": exchanges,
    }
    (folder / "session.yaml").write_text(
        yaml.safe_dump(session, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    print(f"recorded {len(exchanges)} exchanges in {folder}")
    for line in differing:
        print("layout differs, data not recorded:", line, file=sys.stderr)
    print(json.dumps({"differing": len(differing)}))
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
