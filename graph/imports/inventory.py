"""An inventory of data assets: a CSV file, one asset a row, naming hosts and places the store knows.

The template, with an example, is ``api/static/inventory-template.csv``. Its columns:

``id``
    the asset's identifier in the inventory (unique; required);
``label``
    what the data is (required);
``provider`` or ``service``
    who hosts it: an organization, or a service, named as ``longarm compel`` takes them (a
    name, an alias, an id, an LEI); one of the two is required;
``storage``
    where the data is stored: ISO 3166 country codes, separated by ``;``;
``keys_held_by``
    who holds the encryption keys: an organization;
``data_categories``
    ``personal``, ``health``, ``identification``, ``secret`` (covered by a secret protected by
    law) or ``essential`` (necessary to the State's essential missions), separated by ``;``;
``owner``
    the data controller: an organization.

References to organizations and services are resolved against the store when the
inventory is imported: one that names nothing, or several things, is a problem of its row.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "assets.csv").write_text("id,label,service,storage\\nhr,HR files,Bleu Microsoft 365,FR;fr\\nx,,,\\n")
>>> for record in read([d / "assets.csv"]):
...     print(record)  # doctest: +ELLIPSIS
DataAssetRecord(key='hr', ..., label='HR files', provider=None, service='Bleu Microsoft 365', storage=('FR',), ...)
assets.csv:3: no label
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from .records import DATA_CATEGORIES, DataAssetRecord, Problem, Record, Where

__all__ = ["COLUMNS", "FORMAT", "looks_like_inventory", "read"]

FORMAT = "inventory"
COLUMNS = ("id", "label", "provider", "service", "storage", "keys_held_by", "data_categories", "owner")
_CATEGORIES = frozenset(DATA_CATEGORIES)


def looks_like_inventory(path: Path) -> bool:
    """True if `path` is a CSV file whose header has the inventory's required columns."""
    if path.is_dir() or path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            header = next(csv.reader(text), [])
    except (OSError, UnicodeDecodeError):
        return False
    return {"id", "label"} <= {h.strip() for h in header}


def read(paths: Sequence[Path]) -> Iterator[Record]:
    """The assets of inventory CSV files, row by row; entity references as ``ref:`` keys."""
    seen: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as text:
            rows = csv.DictReader(text)
            missing = {"id", "label"} - {h.strip() for h in rows.fieldnames or ()}
            if missing:
                yield Problem(Where(path.name, line=1), f"missing column(s): {', '.join(sorted(missing))}")
                continue
            for row in rows:
                yield _row(
                    {k.strip(): (v or "").strip() for k, v in row.items() if k}, Where(path.name, rows.line_num), seen
                )


def _row(row: dict[str, str], where: Where, seen: set[str]) -> Record:
    key, label = row.get("id", ""), row.get("label", "")
    if not label:
        return Problem(where, "no label")
    if not key or key in seen:
        return Problem(where, f"the id {key!r} is empty or used twice")
    seen.add(key)
    if not row.get("provider") and not row.get("service"):
        return Problem(where, f"{key}: neither a provider nor a service")
    storage = tuple(dict.fromkeys(c.strip().upper() for c in row.get("storage", "").split(";") if c.strip()))
    bad = [c for c in storage if len(c) != 2 or not c.isalpha()]
    if bad:
        return Problem(where, f"{key}: not ISO 3166 country codes: {', '.join(bad)}")
    categories = tuple(c.strip().lower() for c in row.get("data_categories", "").split(";") if c.strip())
    unknown = [c for c in categories if c not in _CATEGORIES]
    if unknown:
        return Problem(
            where, f"{key}: unknown data categories: {', '.join(unknown)} (known: {', '.join(sorted(_CATEGORIES))})"
        )
    return DataAssetRecord(
        key=key,
        where=where,
        label=label,
        provider=_ref(row.get("provider")),
        service=row.get("service") or None,
        storage=storage,
        keys_held_by=_ref(row.get("keys_held_by")),
        owner=_ref(row.get("owner")),
        categories=categories,
    )


def _ref(text: str | None) -> str | None:
    return f"ref:{text}" if text else None
