"""Dated, versioned snapshots of downloaded Statistics Denmark tables, beside the embedded data.

An adapter (it reads and writes files). A snapshot is a folder
``<data home>/snapshots/<YYYY-MM-DDTHHMMSS>/`` holding the tidy CSV tables, the raw API answers
(``raw/``) and a ``manifest.yaml`` (source, table, query, retrieval time, status, licence, and a
sha256 per file). It is written into a temporary folder and renamed into place only when every
file is written, so a failed download leaves nothing half-written.

The data home is ``$BYIBALANCE_DATA_HOME``, else ``$XDG_DATA_HOME/byibalance``, else
``~/.local/share/byibalance``. ``active.yaml`` there pins a snapshot (or ``embedded``); without a
pin the newest snapshot is active. A new snapshot carries over, from the snapshot active before
it, every table it did not download and the rows of municipalities it did not download, so that
each snapshot is complete on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from byibalance import paths
from byibalance.errors import DataError, ErrorLocation, InputError

EMBEDDED = "embedded"
MANIFEST = "manifest.yaml"
ACTIVE_FILE = "active.yaml"
LICENCE = "Statistics Denmark: free reuse with source citation (comparable to CC BY 4.0)"
_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}(-\d+)?$")
_CODE_COLUMNS = ("code", "område")
_NUMBER_COLUMNS = {
    "value",
    "population",
    "year",
    "rate_per_1000",
    "income_tax_pct",
    "church_tax_pct",
    "land_tax_per_mille",
    "deaths",
    "weeks_in_year",
    "quarter",
    "persons",
}


def data_home() -> Path:
    """The user's byibalance data folder (:func:`byibalance.paths.data_home`)."""
    return paths.data_home()


def snapshots_dir(home: Path | None = None) -> Path:
    """``<data home>/snapshots``."""
    return (home or data_home()) / "snapshots"


@dataclass(frozen=True)
class SnapshotFile:
    """One tidy table of a snapshot: its file name, columns, rows and sha256."""

    file: str
    columns: tuple[str, ...]
    rows: int
    sha256: str


@dataclass(frozen=True)
class SnapshotTable:
    """One StatBank table in a snapshot, with its provenance."""

    table: str
    title: str
    codes: tuple[str, ...]
    periods: tuple[str, ...]
    retrieved: str
    files: tuple[SnapshotFile, ...]
    status: str = "published"
    carried_from: str | None = None

    @property
    def period_range(self) -> str:
        """``first..last`` of the periods held (``-`` when none)."""
        return f"{self.periods[0]}..{self.periods[-1]}" if self.periods else "-"


@dataclass(frozen=True)
class Snapshot:
    """A snapshot folder and what its manifest says it holds."""

    name: str
    path: Path
    created: str
    tables: tuple[SnapshotTable, ...]

    def table(self, table: str) -> SnapshotTable | None:
        """The entry of a StatBank table (``"FOLK1A"``), if the snapshot holds it."""
        for entry in self.tables:
            if entry.table == table:
                return entry
        return None

    def file_entry(self, file: str) -> SnapshotFile | None:
        """The entry of a tidy file (``"population_age5.csv"``), if the snapshot holds it."""
        for entry in self.tables:
            for item in entry.files:
                if item.file == file:
                    return item
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_csv(frame: pd.DataFrame, path: Path) -> SnapshotFile:
    frame.to_csv(path, index=False, lineterminator="\n")
    return SnapshotFile(path.name, tuple(str(c) for c in frame.columns), len(frame), _sha256(path))


def _new_name(folder: Path, now: dt.datetime) -> str:
    base = now.strftime("%Y-%m-%dT%H%M%S")
    name, n = base, 1
    while (folder / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _merge_previous(
    previous: Snapshot, table: str, codes: Sequence[str], frames: dict[str, pd.DataFrame]
) -> tuple[dict[str, pd.DataFrame], tuple[str, ...]]:
    """Add to ``frames`` the previous snapshot's rows of other municipalities of ``table``."""
    entry = previous.table(table)
    if entry is None or not codes:
        return frames, tuple(codes)
    kept = tuple(c for c in entry.codes if c not in set(codes))
    if not kept:
        return frames, tuple(codes)
    merged: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        file = f"{name}.csv"
        if previous.file_entry(file) is None:
            merged[name] = frame
            continue
        old = read_table(previous, file)
        column = next((c for c in _CODE_COLUMNS if c in old.columns), None)
        if column is None:
            merged[name] = frame
            continue
        old = old[old[column].isin(kept)].astype(frame.dtypes.to_dict())
        merged[name] = pd.concat([frame, old], ignore_index=True)
    return merged, tuple(sorted({*codes, *kept}))


def write_snapshot(
    downloads: Sequence[Any],
    home: Path | None = None,
    now: dt.datetime | None = None,
    previous: Snapshot | None = None,
) -> Snapshot:
    """Store checked downloads (``statbank.Download``) as a new snapshot and return it.

    Written into ``snapshots/.tmp-*`` and renamed into place at the end: either the whole
    snapshot exists or none of it. ``previous`` (by default the active snapshot) contributes the
    tables and municipalities not downloaded now.
    """
    folder = snapshots_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    when = now or dt.datetime.now(dt.UTC)
    if previous is None:
        previous = active_snapshot(home)
    name = _new_name(folder, when)
    temp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    try:
        (temp / "raw").mkdir()
        entries: list[dict[str, Any]] = []
        done: set[str] = set()
        for item in downloads:
            frames = dict(item.tables)
            codes: tuple[str, ...] = tuple(item.codes)
            if previous is not None:
                frames, codes = _merge_previous(previous, item.table, codes, frames)
            files = [_write_csv(frame, temp / f"{key}.csv") for key, frame in frames.items()]
            raws = []
            for i, (query, text) in enumerate(zip(item.queries, item.raw, strict=True), 1):
                stem = f"{item.table.lower()}_{i:03d}"
                body = temp / "raw" / f"{stem}.csv"
                body.write_text(text, encoding="utf-8", newline="")
                (temp / "raw" / f"{stem}.query.json").write_text(
                    json.dumps(query, ensure_ascii=False, indent=1), encoding="utf-8"
                )
                raws.append({"file": f"raw/{stem}.csv", "sha256": _sha256(body), "query": query})
            entries.append(
                {
                    "table": item.table,
                    "title": item.title,
                    "source": {
                        "institution": "Statistics Denmark",
                        "api": "https://api.statbank.dk/v1/data",
                        "table": getattr(item, "source_table", "") or item.table,
                        "format": "BULK",
                    },
                    "status": "published",
                    "licence": LICENCE,
                    "retrieved": item.retrieved,
                    "layout_verified": bool(item.verified),
                    "layout_source": str(getattr(item, "layout_source", "") or ""),
                    "codes": list(codes),
                    "periods": list(item.periods),
                    "files": [_file_dict(f) for f in files],
                    "raw": raws,
                }
            )
            done.add(item.table)
        if previous is not None:
            entries.extend(_carry(previous, done, temp))
        manifest = {
            "snapshot": name,
            "created": when.isoformat(timespec="seconds"),
            "built_by": "byibalance data update",
            "tables": entries,
        }
        with (temp / MANIFEST).open("w", encoding="utf-8") as handle:
            yaml.safe_dump(manifest, handle, allow_unicode=True, sort_keys=False)
        os.replace(temp, folder / name)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return load_snapshot(folder / name)


def _file_dict(item: SnapshotFile) -> dict[str, Any]:
    return {
        "file": item.file,
        "columns": list(item.columns),
        "rows": item.rows,
        "sha256": item.sha256,
    }


def _carry(previous: Snapshot, done: set[str], temp: Path) -> list[dict[str, Any]]:
    """Copy the previous snapshot's other tables (files, raw answers, manifest entries)."""
    raw_manifest = _read_manifest(previous.path)
    carried: list[dict[str, Any]] = []
    for entry in raw_manifest.get("tables", []):
        if entry.get("table") in done:
            continue
        for item in entry.get("files", []):
            shutil.copy2(previous.path / item["file"], temp / item["file"])
        for item in entry.get("raw", []):
            source = previous.path / item["file"]
            shutil.copy2(source, temp / item["file"])
            query = source.with_suffix(".query.json")
            if query.exists():
                shutil.copy2(query, temp / "raw" / query.name)
        copy = dict(entry)
        copy.setdefault("carried_from", previous.name)
        carried.append(copy)
    return carried


def _read_manifest(path: Path) -> dict[str, Any]:
    file = path / MANIFEST
    try:
        with file.open(encoding="utf-8") as handle:
            loaded = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as err:
        raise DataError(
            f"snapshot manifest cannot be read ({err})",
            f"Delete the folder {path} or pin another snapshot with: byibalance data use",
            ErrorLocation(file=str(file)),
        ) from err
    if not isinstance(loaded, dict) or not isinstance(loaded.get("tables"), list):
        raise DataError(
            "snapshot manifest has no list of tables",
            f"Delete the folder {path} or pin another snapshot with: byibalance data use",
            ErrorLocation(file=str(file), field="tables"),
        )
    return loaded


def load_snapshot(path: Path) -> Snapshot:
    """Read a snapshot folder's manifest; ``DataError`` naming the file when it is damaged."""
    loaded = _read_manifest(path)
    tables = []
    try:
        for entry in loaded["tables"]:
            files = tuple(
                SnapshotFile(f["file"], tuple(f["columns"]), int(f["rows"]), str(f["sha256"]))
                for f in entry["files"]
            )
            tables.append(
                SnapshotTable(
                    table=str(entry["table"]),
                    title=str(entry.get("title", "")),
                    codes=tuple(str(c) for c in entry.get("codes", [])),
                    periods=tuple(str(p) for p in entry.get("periods", [])),
                    retrieved=str(entry.get("retrieved", "")),
                    files=files,
                    status=str(entry.get("status", "published")),
                    carried_from=entry.get("carried_from"),
                )
            )
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(
            f"snapshot manifest entry is incomplete ({err!r})",
            f"Delete the folder {path} or pin another snapshot with: byibalance data use",
            ErrorLocation(file=str(path / MANIFEST), field="tables"),
        ) from err
    return Snapshot(path.name, path, str(loaded.get("created", "")), tuple(tables))


def list_snapshots(home: Path | None = None) -> list[Snapshot]:
    """Every snapshot in the data home, oldest first (temporary folders are skipped)."""
    folder = snapshots_dir(home)
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and _NAME.match(p.name))
    return [load_snapshot(folder / name) for name in names]


def pinned(home: Path | None = None) -> str | None:
    """The pin in ``active.yaml``: a snapshot name, ``"embedded"``, or ``None`` (newest)."""
    file = (home or data_home()) / ACTIVE_FILE
    if not file.is_file():
        return None
    try:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise DataError(
            f"the pin file cannot be read ({err})",
            "Run: byibalance data use newest (or delete the file)",
            ErrorLocation(file=str(file)),
        ) from err
    value = loaded.get("use") if isinstance(loaded, dict) else None
    if not isinstance(value, str):
        raise DataError(
            "the pin file has no 'use' entry",
            "Run: byibalance data use newest (or delete the file)",
            ErrorLocation(file=str(file), field="use"),
        )
    return value


def active_snapshot(home: Path | None = None) -> Snapshot | None:
    """The snapshot in use: the pinned one, else the newest; ``None`` means embedded data."""
    pin = pinned(home)
    if pin == EMBEDDED:
        return None
    if pin is not None:
        path = snapshots_dir(home) / pin
        if not path.is_dir():
            raise DataError(
                f"the pinned snapshot {pin!r} does not exist",
                "Pin another with: byibalance data use SNAPSHOT (see byibalance data list)",
                ErrorLocation(file=str((home or data_home()) / ACTIVE_FILE), field="use"),
            )
        return load_snapshot(path)
    found = list_snapshots(home)
    return found[-1] if found else None


def use(name: str, home: Path | None = None) -> Snapshot | None:
    """Pin a snapshot by name, ``"embedded"`` for the embedded data, or ``"newest"`` to follow
    the newest snapshot again; returns the snapshot now active (``None`` = embedded)."""
    root = home or data_home()
    file = root / ACTIVE_FILE
    if name == "newest":
        if file.exists():
            file.unlink()
        return active_snapshot(home)
    if name != EMBEDDED:
        path = snapshots_dir(home) / name
        if not _NAME.match(name) or not path.is_dir():
            known = [s.name for s in list_snapshots(home)]
            raise InputError(
                f"there is no snapshot {name!r}",
                "Use one of " + ", ".join([*known, EMBEDDED, "newest"]),
                ErrorLocation(field="SNAPSHOT"),
            )
        load_snapshot(path)
    root.mkdir(parents=True, exist_ok=True)
    temp = file.with_suffix(".tmp")
    temp.write_text(yaml.safe_dump({"use": name}), encoding="utf-8")
    os.replace(temp, file)
    return active_snapshot(home)


def read_table(snapshot: Snapshot, file: str) -> pd.DataFrame:
    """A tidy table of a snapshot, checked against its manifest's sha256 and columns.

    Codes are read as text; ``DataError`` names the file when it is missing or changed.
    """
    entry = snapshot.file_entry(file)
    path = snapshot.path / file
    fix = "Run byibalance data update again, or: byibalance data use embedded"
    if entry is None or not path.is_file():
        raise DataError(
            f"snapshot {snapshot.name} has no table {file}", fix, ErrorLocation(file=str(path))
        )
    if _sha256(path) != entry.sha256:
        raise DataError(
            f"snapshot file {file} was changed after download (sha256 differs from the manifest)",
            fix,
            ErrorLocation(file=str(path)),
        )
    text_columns = {c: str for c in entry.columns if c not in _NUMBER_COLUMNS}
    text_columns.pop("age", None)
    text_columns.pop("age_start", None)
    # codes stay text ("NA" is not missing); an empty number is missing (a rate not published)
    empty = {c: [""] for c in entry.columns if c in _NUMBER_COLUMNS}
    frame = pd.read_csv(path, dtype=text_columns, keep_default_na=False, na_values=empty)
    if tuple(frame.columns) != entry.columns:
        raise DataError(
            f"snapshot file {file} has columns {list(frame.columns)}, not {list(entry.columns)}",
            fix,
            ErrorLocation(file=str(path)),
        )
    return frame
