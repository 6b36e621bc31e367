"""FollowTheMoney (FtM) entity streams, as OpenSanctions publishes them, read as neutral records.

The input is an ``entities.ftm.json`` file: one JSON object a line, ``{"id": …, "schema": …,
"properties": {name: [values…]}, …}``, every property value a list of strings (other keys,
such as OpenSanctions' ``caption``, ``datasets`` or ``referents``, are not read). A file whose
name ends in ``.gz`` is read through gzip. Files are read line by line, in constant memory.

What is taken
-------------
Parties become :class:`~.records.Entity` records keyed by the FtM ``id``:

=================================  =====================
FtM schema                         entity kind
=================================  =====================
``Company``                        ``company``
``PublicBody``                     ``public-body``
``Organization``, ``LegalEntity``  ``organization``
``Person``                         ``person``
=================================  =====================

- ``name``: the first value is the name; the other ``name`` values, ``alias`` and
  ``previousName`` are aliases (``weakAlias`` is not: FtM marks it as too broad or generic
  to be used for matching).
- Identifiers: ``FTM`` (the ``id``, always), ``LEI`` (``leiCode``, when its ISO 17442 check
  digits verify), ``WIKIDATA`` (``wikidataId``, a Q-id) and ``REG`` (``registrationNumber``,
  its register the entity's jurisdiction when that is known).
- ``jurisdiction`` is where the entity is incorporated or registered; ``mainCountry`` is its
  :attr:`~.records.Entity.headquarters`. ``country`` is never used: FtM defines it as any
  association with a country not covered by a more specific property, which says neither
  where an entity is incorporated nor where it is run. FtM's lower-case codes are written in
  upper case (``fr`` → ``FR``, ``us-de`` → ``US-DE``); a code not shaped like an ISO 3166
  country or subdivision (FtM also knows historical and disputed territories), or ``zz``,
  which names no country, is left out, with a problem.
- ``incorporationDate`` and ``dissolutionDate`` are the entity's start and end, ``status``
  its status, in the source's own words.
- A **person** is recorded by its name and identifiers only (``FTM`` and ``WIKIDATA``):
  no aliases, birth dates, addresses, nationalities, countries or other personal data.

Links become :class:`~.records.Relationship` records keyed by the FtM ``id``; the parties
they name need not be entities of the same stream (the importer resolves keys later):

- ``Ownership``: ``owner`` is the interested party, ``asset`` the subject. The kind is
  ``shareholding``, or ``voting-rights`` when ``role`` or ``ownershipType`` speaks of voting
  and not of shares. OpenSanctions' GLEIF dataset writes GLEIF's level-2 relationships as
  Ownership with the GLEIF type as ``role``; they keep their own kinds, since consolidation
  is not ownership: ``IS DIRECTLY CONSOLIDATED BY`` → ``consolidation-direct``,
  ``IS ULTIMATELY CONSOLIDATED BY`` → ``consolidation-ultimate``,
  ``IS INTERNATIONAL BRANCH OF`` → ``branch`` (GLEIF types that disagree give ``other``,
  with a problem). ``ownershipType`` ``direct`` or ``indirect`` (exactly those words) sets
  :attr:`~.records.Relationship.direct`; other words leave it unsaid.
- ``percentage`` accepted forms, each with or without ``%``: a number from 0 to 100
  (``60``, ``60.5``, ``60,5``) is the share; ``25-50`` (also ``25 to 50``, ``25–50``) is
  a range; ``<25`` / ``<=25`` sets only the maximum and ``>75`` / ``>=75`` only the minimum
  (whether a bound is inclusive is not kept). Anything else, or above 100, is a problem and
  the relationship is kept without a share.
- ``Directorship``: ``director`` is the interested party, ``organization`` the subject, kind
  ``directorship`` (GLEIF's ``IS SUBFUND OF``, which OpenSanctions writes as a Directorship,
  is ``other``: being a sub-fund of an umbrella fund is not being directed by it).
- ``startDate`` / ``endDate`` are the relationship's period, ``status`` its status.

Dates are kept as precise as the source gives them (``2021``, ``2021-06``, ``2021-06-30``;
a time of day is dropped). When a property the records hold once has several values that
disagree (two jurisdictions, two owners, ``2020`` and ``2021``), none is taken and a problem
says so; values that only differ in precision (``2021`` and ``2021-06-30``) give the most
precise.

What is not taken
-----------------
Every other schema (``Sanction``, ``Address``, ``Passport``, ``Family``, ``Associate``,
``Occupancy``, ``UnknownLink``, ``Vessel`` …) yields nothing, silently: an OpenSanctions
export is mostly such entities. An entity id seen twice is not detected (that would need
memory growing with the file); the importer merges by key.

Problems
--------
A line that cannot be taken yields a :class:`~.records.Problem` with its file and line, and
reading goes on: a line that is not UTF-8 or not JSON, not an object, without ``id`` or
``schema``, a property that is not a list of strings, a link without its two parties, and
values left out (an LEI whose check digits fail, an unknown country code, a date that is not
a date, a percentage above 100). A file that cannot be opened is a problem too. Nothing raises.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> lines = [
...     {"id": "acme", "schema": "Company", "properties": {"name": ["Acme SA"], "jurisdiction": ["fr"]}},
...     {"id": "ada", "schema": "Person", "properties": {"name": ["Ada Martin"], "nationality": ["fr"]}},
...     {"id": "own-1", "schema": "Ownership", "properties": {"owner": ["ada"], "asset": ["acme"],
...      "percentage": ["60"], "startDate": ["2021-06"]}},
...     {"id": "san-1", "schema": "Sanction", "properties": {"entity": ["ada"]}},
...     {"id": "own-2", "schema": "Ownership", "properties": {"owner": ["ada"]}},
... ]
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "entities.ftm.json"
...     _ = path.write_text("\\n".join(json.dumps(line) for line in lines) + "\\n{not json\\n", encoding="utf-8")
...     records = list(read([path]))
>>> acme, ada, own, *problems = records
>>> acme.name, acme.kind, acme.jurisdiction, acme.identifiers
('Acme SA', 'company', 'FR', (Identifier(scheme='FTM', value='acme', register=None),))
>>> ada.kind, ada.jurisdiction
('person', None)
>>> own.interested, own.subject, own.kind, own.share, own.start
('ada', 'acme', 'shareholding', 60.0, '2021-06')
>>> [(p.where.line, p.reason) for p in problems]  # doctest: +ELLIPSIS
[(5, "Ownership 'own-2': no asset"), (6, 'not valid JSON: ...')]
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .records import Entity, EntityKind, Identifier, Problem, Record, RelationKind, Relationship, Where, lei_is_valid

__all__ = ["FORMAT", "read"]

#: The format's name, as the importer knows it.
FORMAT = "ftm"

#: The FtM schemata read as entities, and the kind each becomes.
_ENTITY_KINDS: dict[str, EntityKind] = {
    "Company": "company",
    "PublicBody": "public-body",
    "Organization": "organization",
    "LegalEntity": "organization",
    "Person": "person",
}

#: GLEIF relationship types, as OpenSanctions writes them in ``role``, that keep their own kind.
_GLEIF_KINDS: dict[str, RelationKind] = {
    "IS DIRECTLY CONSOLIDATED BY": "consolidation-direct",
    "IS ULTIMATELY CONSOLIDATED BY": "consolidation-ultimate",
    "IS INTERNATIONAL BRANCH OF": "branch",
    "IS SUBFUND OF": "other",
}

_COUNTRY = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")
#: FtM country codes shaped like ISO 3166 that are not a country or subdivision.
_NOT_COUNTRIES = frozenset({"ZZ"})
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[0-9:.+\-Z]*)?")
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_EXACT = re.compile(rf"{_NUMBER}\s*%?")
_RANGE = re.compile(rf"{_NUMBER}\s*%?\s*(?:-|–|to)\s*{_NUMBER}\s*%?")
_BOUND = re.compile(rf"(<=?|>=?|≤|≥)\s*{_NUMBER}\s*%?")

#: A share read from ``percentage``: (share, share_min, share_max).
_Share = tuple[float | None, float | None, float | None]


def read(paths: Sequence[Path]) -> Iterator[Record]:
    """Stream FtM entity files as neutral records, file after file, line after line.

    Parameters
    ----------
    paths
        ``entities.ftm.json`` files (one JSON object a line), plain or gzip-compressed
        (``.gz``).

    Yields
    ------
    Record
        An :class:`~.records.Entity` for each Company, Organization, LegalEntity, PublicBody
        and Person; a :class:`~.records.Relationship` for each Ownership and Directorship; a
        :class:`~.records.Problem` for each line, or value, that could not be taken. Other
        schemata yield nothing.
    """
    for path in paths:
        yield from _read_file(Path(path))


def _read_file(path: Path) -> Iterator[Record]:
    """The records of one file; a file that cannot be opened or read on is a problem."""
    file = str(path)
    try:
        handle = _open(path)
    except OSError as exc:
        yield Problem(Where(file), f"cannot open the file: {exc.strerror or exc}")
        return
    number = 0
    with handle:
        try:
            for number, raw in enumerate(handle, start=1):
                yield from _read_line(file, number, raw)
        except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt gzip stream
            yield Problem(Where(file, line=number + 1), f"cannot read the file beyond this line: {exc}")


def _open(path: Path) -> io.BufferedIOBase:
    """A file opened for reading bytes, through gzip when its name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def _read_line(file: str, number: int, raw: bytes) -> Iterator[Record]:
    """The records of one line: none for a blank line or a schema that is not taken."""
    where = Where(file, line=number)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Problem(where, f"not UTF-8 text: {exc.reason} at byte {exc.start}")
        return
    if number == 1:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(where, f"not valid JSON: {exc.msg} (column {exc.colno})")
        return
    except (ValueError, RecursionError):
        yield Problem(where, "not valid JSON")
        return
    if not isinstance(data, dict):
        yield Problem(where, f"not an FtM entity: a JSON {type(data).__name__}, not an object")
        return
    key, schema, properties = data.get("id"), data.get("schema"), data.get("properties", {})
    if not isinstance(key, str) or not key.strip():
        yield Problem(where, "an entity without an id")
        return
    if not isinstance(schema, str) or not schema.strip():
        yield Problem(where, f"entity {key!r} has no schema")
        return
    if not isinstance(properties, dict):
        yield Problem(where, f"{schema} {key!r}: its properties are not a JSON object")
        return
    line = _Line(where, key.strip(), schema.strip(), properties)
    if line.schema in _ENTITY_KINDS:
        record: Record | None = _entity(line)
    elif line.schema == "Ownership":
        record = _relationship(line, "owner", "asset")
    elif line.schema == "Directorship":
        record = _relationship(line, "director", "organization")
    else:
        return
    if record is not None:
        yield record
    yield from line.problems


class _Line:
    """One FtM entity being read: its values, checked, and the problems met."""

    def __init__(self, where: Where, key: str, schema: str, properties: dict[str, Any]) -> None:
        self.where = where
        self.key = key
        self.schema = schema
        self.properties = properties
        self.problems: list[Problem] = []

    def problem(self, reason: str, prop: str | None = None) -> None:
        """Note a problem of this entity, at a property when given."""
        where = Where(self.where.file, self.where.line, f"$.properties.{prop}") if prop else self.where
        self.problems.append(Problem(where, f"{self.schema} {self.key!r}: {reason}"))

    def values(self, prop: str) -> list[str]:
        """The non-blank values of a property, stripped, in order, without repeats."""
        raw = self.properties.get(prop)
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            self.problem(f"{prop} is not a list of strings; left out", prop)
            return []
        return list(dict.fromkeys(v.strip() for v in raw if v.strip()))

    def single(self, prop: str, what: str) -> str | None:
        """The one value of a property the records hold once, or None (a problem when several)."""
        values = self.values(prop)
        if len(values) > 1:
            self.problem(f"several {what} ({', '.join(map(repr, values))}); none taken", prop)
            return None
        return values[0] if values else None

    def country(self, prop: str, what: str) -> str | None:
        """The ISO 3166 code of a country property, upper case, or None."""
        codes = []
        for value in self.values(prop):
            code = value.upper()
            if not _COUNTRY.fullmatch(code) or code in _NOT_COUNTRIES:
                self.problem(f"{prop} {value!r} is not an ISO 3166 country or subdivision; left out", prop)
            elif code not in codes:
                codes.append(code)
        if len(codes) > 1:
            self.problem(f"several {what} ({', '.join(codes)}); none taken", prop)
            return None
        return codes[0] if codes else None

    def date(self, prop: str) -> str | None:
        """The date of a property, as precise as given, or None.

        Values that only differ in precision give the most precise; others that disagree give
        none.
        """
        dates = []
        for value in self.values(prop):
            date = _date(value)
            if date is None:
                self.problem(f"{prop} {value!r} is not a date; left out", prop)
            else:
                dates.append(date)
        if not dates:
            return None
        best = max(dates, key=len)
        if any(not best.startswith(d) for d in dates):
            self.problem(f"{prop} values disagree ({', '.join(dates)}); none taken", prop)
            return None
        return best


def _entity(line: _Line) -> Entity:
    """An entity of one of the party schemata."""
    kind = _ENTITY_KINDS[line.schema]
    names = line.values("name")
    name = names[0] if names else None
    identifiers = [Identifier("FTM", line.key)]
    for value in line.values("wikidataId"):
        if _WIKIDATA.fullmatch(value.upper()):
            identifiers.append(Identifier("WIKIDATA", value.upper()))
        else:
            line.problem(f"wikidataId {value!r} is not a Wikidata Q-id; left out", "wikidataId")
    if kind == "person":
        return Entity(line.key, line.where, name, kind, identifiers=tuple(dict.fromkeys(identifiers)))
    for value in line.values("leiCode"):
        lei = value.upper()
        if lei_is_valid(lei):
            identifiers.append(Identifier("LEI", lei))
        else:
            line.problem(f"leiCode {value!r} is not an LEI whose check digits verify; left out", "leiCode")
    jurisdiction = line.country("jurisdiction", "jurisdictions")
    identifiers += [Identifier("REG", number, jurisdiction) for number in line.values("registrationNumber")]
    aliases = [*names[1:], *line.values("alias"), *line.values("previousName")]
    return Entity(
        line.key,
        line.where,
        name,
        kind,
        identifiers=tuple(dict.fromkeys(identifiers)),
        jurisdiction=jurisdiction,
        headquarters=line.country("mainCountry", "main countries"),
        aliases=tuple(a for a in dict.fromkeys(aliases) if a != name),
        status=line.single("status", "statuses"),
        start=line.date("incorporationDate"),
        end=line.date("dissolutionDate"),
    )


def _relationship(line: _Line, interested_prop: str, subject_prop: str) -> Relationship | None:
    """An Ownership or Directorship; None (and a problem) without its two parties."""
    parties = {prop: line.values(prop) for prop in (interested_prop, subject_prop)}
    missing = [prop for prop, values in parties.items() if not values]
    if missing:
        line.problem(f"no {' and no '.join(missing)}")
    several = [prop for prop, values in parties.items() if len(values) > 1]
    for prop in several:
        line.problem(f"several {prop}s ({', '.join(map(repr, parties[prop]))}); link not taken", prop)
    if missing or several:
        return None
    (interested,), (subject,) = parties[interested_prop], parties[subject_prop]
    roles = [*line.values("role"), *line.values("ownershipType")]
    gleif = {_GLEIF_KINDS[r] for r in map(_normal_role, roles) if r in _GLEIF_KINDS}
    kind: RelationKind
    if len(gleif) == 1:
        kind = gleif.pop()
    elif gleif:
        kind = "other"
        line.problem(f"GLEIF relationship types that disagree ({', '.join(roles)}); kind 'other'", "role")
    elif line.schema == "Directorship":
        kind = "directorship"
    else:
        words = " ".join(roles).lower()
        kind = "voting-rights" if "voting" in words and "share" not in words else "shareholding"
    share: _Share = (None, None, None)
    direct = None
    if line.schema == "Ownership":
        share = _percentage(line)
        ownership_types = {v.lower() for v in line.values("ownershipType")}
        if ownership_types == {"direct"}:
            direct = True
        elif ownership_types == {"indirect"}:
            direct = False
    return Relationship(
        line.key,
        line.where,
        subject=subject,
        interested=interested,
        kind=kind,
        share=share[0],
        share_min=share[1],
        share_max=share[2],
        direct=direct,
        start=line.date("startDate"),
        end=line.date("endDate"),
        status=line.single("status", "statuses"),
    )


def _percentage(line: _Line) -> _Share:
    """The share an Ownership's ``percentage`` gives, or none (with a problem when not understood)."""
    shares = []
    for value in line.values("percentage"):
        share = _share(value)
        if isinstance(share, str):
            line.problem(f"percentage {value!r} {share}; no share taken", "percentage")
        elif share not in shares:
            shares.append(share)
    if len(shares) > 1:
        line.problem("several percentages that disagree; no share taken", "percentage")
        return (None, None, None)
    return shares[0] if shares else (None, None, None)


def _share(text: str) -> _Share | str:
    """(share, share_min, share_max) written as `text`, or why it is not taken.

    >>> _share("60"), _share("12,5 %"), _share("25-50%"), _share("<25"), _share(">=75")
    ((60.0, None, None), (12.5, None, None), (None, 25.0, 50.0), (None, None, 25.0), (None, 75.0, None))
    >>> _share("150"), _share("50-25"), _share("most")
    ('is above 100', 'is a range whose bounds are reversed', 'is not a number, a range or a bound')
    """
    text = text.strip()
    if m := _EXACT.fullmatch(text):
        share: _Share = (_number(m[1]), None, None)
    elif m := _RANGE.fullmatch(text):
        share = (None, _number(m[1]), _number(m[2]))
    elif m := _BOUND.fullmatch(text):
        bound = _number(m[2])
        share = (None, None, bound) if m[1] in ("<", "<=", "≤") else (None, bound, None)
    else:
        return "is not a number, a range or a bound"
    if any(v is not None and v > 100 for v in share):
        return "is above 100"
    if share[1] is not None and share[2] is not None and share[1] > share[2]:
        return "is a range whose bounds are reversed"
    return share


def _number(text: str) -> float:
    """A decimal number written with a point or a comma."""
    return float(text.replace(",", "."))


def _date(text: str) -> str | None:
    """An ISO 8601 date as precise as `text` gives it (a time of day dropped), or None.

    >>> _date("2021"), _date("2021-06"), _date("2021-06-30T12:00:00"), _date("2021-02-30"), _date("June")
    ('2021', '2021-06', '2021-06-30', None, None)
    """
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    year, month, day = m[1], m[2], m[3]
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(p for p in (year, month, day) if p)


def _normal_role(role: str) -> str:
    """A GLEIF relationship type however written: ``IS_FUND-MANAGED_BY`` → ``IS FUND MANAGED BY``."""
    return " ".join(re.split(r"[\s_-]+", role.upper())).strip()
