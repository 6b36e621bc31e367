"""GLEIF Golden Copy CSV files: legal entities (Level 1), their relationships (Level 2), reporting exceptions.

GLEIF publishes three Golden Copy sets as CSV files, each zipped: ``lei2`` (Level 1: who is
who), ``rr`` (Level 2 relationship records: who owns whom, as accounting consolidation) and
``repex`` (reporting exceptions: why a parent is not reported). A file is recognised by its
header, zipped or not, and read row by row.

Level 1 → :class:`~.records.Entity`: ``LEI`` (its ISO 17442 check digits verified),
``Entity.LegalName``, the other names, ``Entity.LegalJurisdiction`` (``FR``, ``US-DE``) as
the jurisdiction, ``Entity.HeadquartersAddress.Country`` as the headquarters, the
registration number at its registration authority, the category (a ``BRANCH`` is a branch,
a ``RESIDENT_GOVERNMENT_ENTITY`` a public body), status and creation date.

Level 2 → :class:`~.records.Relationship`, the start node (the child) as subject and the end
node (the parent) as interested party: ``IS_DIRECTLY_CONSOLIDATED_BY`` and
``IS_ULTIMATELY_CONSOLIDATED_BY`` are accounting consolidation, not ownership;
``IS_INTERNATIONAL_BRANCH_OF`` a branch. Fund relationships (``IS_FUND-MANAGED_BY``,
``IS_SUBFUND_OF``, ``IS_FEEDER_TO``) are left out. Dates come from the period slot whose
type is ``RELATIONSHIP_PERIOD`` (slot 1 is often the accounting period); a percentage
quantifier, when given, is the share. Only relationships between two LEIs are read.

Reporting exceptions → :class:`~.records.Relationship` of kind ``other`` are not made:
an exception says that no parent is reported, and why; it is yielded as a
:class:`ReportingException` the importer records on the entity.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "lei2.csv").write_text(
...     '"LEI","Entity.LegalName","Entity.LegalJurisdiction","Entity.EntityCategory","Entity.EntityStatus"\\n'
...     '"969500EXAMPLE0000180","Example SA","FR","GENERAL","ACTIVE"\\n'
...     '"969500EXAMPLE0000181","Broken SA","FR","GENERAL","ACTIVE"\\n')
>>> for record in read([d / "lei2.csv"]):
...     print(record)  # doctest: +ELLIPSIS
Entity(key='lei:969500EXAMPLE0000180', ..., name='Example SA', kind='company', ...jurisdiction='FR'...)
...lei2.csv:3: LEI check digits do not verify: '969500EXAMPLE0000181'
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .records import (
    Entity,
    EntityKind,
    Identifier,
    Problem,
    Record,
    RelationKind,
    Relationship,
    Where,
    lei_is_valid,
)

__all__ = ["FORMAT", "ReportingException", "lei_is_valid", "read"]

FORMAT = "gleif"

_RELATIONS: dict[str, RelationKind] = {
    "IS_DIRECTLY_CONSOLIDATED_BY": "consolidation-direct",
    "IS_ULTIMATELY_CONSOLIDATED_BY": "consolidation-ultimate",
    "IS_INTERNATIONAL_BRANCH_OF": "branch",
}
_OTHER_NAME = re.compile(r"Entity\.OtherEntityNames\.OtherEntityName\.\d+")
_FUNDS = frozenset({"IS_FUND-MANAGED_BY", "IS_SUBFUND_OF", "IS_FEEDER_TO"})
_CATEGORIES: dict[str, EntityKind] = {
    "BRANCH": "branch",
    "RESIDENT_GOVERNMENT_ENTITY": "public-body",
    "INTERNATIONAL_ORGANIZATION": "organization",
    "SOLE_PROPRIETOR": "person",
}


@dataclass(frozen=True, slots=True)
class ReportingException:
    """A GLEIF reporting exception: the entity `lei` reports no parent of `category`, for `reasons`."""

    key: str
    where: Where
    entity: str
    category: str
    reasons: tuple[str, ...]


def read(paths: Sequence[Path]) -> Iterator[Record | ReportingException]:
    """The records of GLEIF Golden Copy CSV files (zipped or not), each kind recognised by its header."""
    for path in paths:
        for name, lines in _csv_files(path):
            yield from _read_csv(name, lines)


def _csv_files(path: Path) -> Iterator[tuple[str, io.TextIOBase]]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.lower().endswith(".csv"):
                    with archive.open(member) as raw:
                        yield f"{path.name}/{member}", io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        return
    with path.open(encoding="utf-8-sig", newline="") as text:
        yield path.name, text


def _read_csv(name: str, lines: io.TextIOBase) -> Iterator[Record | ReportingException]:
    rows = csv.DictReader(lines)
    header = set(rows.fieldnames or ())
    reader: Callable[[dict[str, str], Where, _Columns], Iterator[Record | ReportingException]]
    if "Relationship.StartNode.NodeID" in header:
        reader = _relationship
    elif "Exception.Category" in header:
        reader = _exception
    elif {"LEI", "Entity.LegalName"} <= header:
        reader = _entity
    else:
        yield Problem(Where(name, line=1), "not a GLEIF Golden Copy file (Level 1, Level 2 or reporting exceptions)")
        return
    columns = _Columns.of(sorted(header))
    for row in rows:
        yield from reader(row, Where(name, line=rows.line_num), columns)


@dataclass(frozen=True, slots=True)
class _Columns:
    """The columns of a file whose names are numbered (other names, exception reasons), found once per file."""

    other_names: list[str]
    reasons: list[str]

    @classmethod
    def of(cls, header: list[str]) -> _Columns:
        return cls(
            [k for k in header if _OTHER_NAME.fullmatch(k)], [k for k in header if k.startswith("Exception.Reason")]
        )


_PERIODS = [
    (f"Relationship.Period.{n}.periodType", f"Relationship.Period.{n}.startDate", f"Relationship.Period.{n}.endDate")
    for n in range(1, 6)
]
_QUANTIFIERS = [
    (f"Relationship.Quantifiers.{n}.QuantifierUnits", f"Relationship.Quantifiers.{n}.QuantifierAmount")
    for n in range(1, 6)
]


def _entity(row: dict[str, str], where: Where, columns: _Columns) -> Iterator[Record]:
    lei = (row.get("LEI") or "").strip()
    if not lei_is_valid(lei):
        yield Problem(where, f"LEI check digits do not verify: {lei!r}")
        return
    name = (row.get("Entity.LegalName") or "").strip()
    if not name:
        yield Problem(where, f"{lei}: no legal name")
        return
    ids = [Identifier("LEI", lei)]
    authority, number = (
        row.get("Entity.RegistrationAuthority.RegistrationAuthorityID"),
        row.get("Entity.RegistrationAuthority.RegistrationAuthorityEntityID"),
    )
    if number:
        ids.append(Identifier("REG", number.strip(), register=(authority or None)))
    others = tuple(v.strip() for v in map(row.get, columns.other_names) if v and v.strip())
    yield Entity(
        key=f"lei:{lei}",
        where=where,
        name=name,
        kind=_CATEGORIES.get((row.get("Entity.EntityCategory") or "").strip(), "company"),
        identifiers=tuple(ids),
        jurisdiction=(row.get("Entity.LegalJurisdiction") or "").strip().upper() or None,
        headquarters=(row.get("Entity.HeadquartersAddress.Country") or "").strip().upper() or None,
        aliases=tuple(dict.fromkeys(o for o in others if o != name)),
        status=(row.get("Entity.EntityStatus") or "").strip() or None,
        start=(row.get("Entity.EntityCreationDate") or "")[:10] or None,
    )


def _relationship(row: dict[str, str], where: Where, columns: _Columns) -> Iterator[Record]:
    kind_text = (row.get("Relationship.RelationshipType") or "").strip()
    if kind_text in _FUNDS:
        return
    kind = _RELATIONS.get(kind_text)
    child, parent = (
        (row.get("Relationship.StartNode.NodeID") or "").strip(),
        (row.get("Relationship.EndNode.NodeID") or "").strip(),
    )
    if kind is None:
        yield Problem(where, f"unknown relationship type {kind_text!r}")
        return
    types = {
        (row.get("Relationship.StartNode.NodeIDType") or "LEI"),
        (row.get("Relationship.EndNode.NodeIDType") or "LEI"),
    }
    if types != {"LEI"}:
        return  # a node that is not a legal entity with an LEI
    bad = [lei for lei in (child, parent) if not lei_is_valid(lei)]
    if bad:
        yield Problem(where, f"LEI check digits do not verify: {bad[0]!r}")
        return
    start, end = _relationship_period(row)
    yield Relationship(
        key=f"rr:{child}:{kind_text}:{parent}",
        where=where,
        subject=f"lei:{child}",
        interested=f"lei:{parent}",
        kind=kind,
        share=_percentage(row),
        start=start,
        end=end,
        status=(row.get("Relationship.RelationshipStatus") or "").strip() or None,
    )


def _relationship_period(row: dict[str, str]) -> tuple[str | None, str | None]:
    """The dates of the period slot whose type is RELATIONSHIP_PERIOD (slot 1 is often the accounting period)."""
    for kind, start, end in _PERIODS:
        if (row.get(kind) or "").strip() == "RELATIONSHIP_PERIOD":
            return (row.get(start) or "")[:10] or None, (row.get(end) or "")[:10] or None
    return None, None


def _percentage(row: dict[str, str]) -> float | None:
    for units, amount in _QUANTIFIERS:
        text = (row.get(amount) or "").strip()
        if text and (row.get(units) or "").strip() == "PERCENTAGE":
            try:
                value = float(text)
            except ValueError:
                return None
            return value if 0 <= value <= 100 else None
    return None


def _exception(row: dict[str, str], where: Where, columns: _Columns) -> Iterator[Record | ReportingException]:
    lei = (row.get("LEI") or "").strip()
    if not lei_is_valid(lei):
        yield Problem(where, f"LEI check digits do not verify: {lei!r}")
        return
    category = (row.get("Exception.Category") or "").strip()
    reasons = tuple(v.strip() for v in map(row.get, columns.reasons) if v and v.strip())
    yield ReportingException(f"repex:{lei}:{category}", where, f"lei:{lei}", category, reasons)
