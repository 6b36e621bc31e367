"""Beneficial Ownership Data Standard (BODS) 0.4 statements, read as neutral records.

The input is BODS 0.4 statements, as a JSON array (``[{…}, {…}]``) or as JSON Lines (one
statement a line); a file whose first character, past any byte-order mark and white space,
is ``[`` is an array. Files are streamed: JSON Lines line by line, an array statement by
statement; only one entry a ``recordId`` is kept in memory, never a file's text or a
whole statement. All the files of one call are one dataset: a statement in one file may
update a record of another, and relationships name records of any of them.

Records and their statements
----------------------------
A BODS record (a ``recordId``) may be the subject of several statements. The one that holds
is the latest by ``statementDate`` (a date-time is compared in UTC; on the same date, the
later in the input); the others are not read further. A record is yielded once, in the state
its statement that holds gives it; a ``recordStatus`` of ``closed`` closes it: its
:attr:`~.records.Entity.status` (or :attr:`~.records.Relationship.status`) is ``closed``, and
an entity without a dissolution date, and each interest without an end date, end with the
closing statement's date taken as their end date (a person gets no end: a closed record is
not a death).

Problems met while reading a statement are yielded as they are met; a record's own problems
(a value left out) follow the record, after all the files are read: first every entity and
person, then every relationship, each in the order its record first appeared.

What is taken
-------------
An ``entity`` statement becomes an :class:`~.records.Entity` keyed by its ``recordId``:

==================================================  =====================
``entityType.type``                                 entity kind
==================================================  =====================
``registeredEntity``, ``legalEntity``               ``company``
``state``                                           ``state``
``stateBody``                                       ``public-body``
``arrangement``, ``anonymousEntity``,               ``organization``
``unknownEntity``
==================================================  =====================

- ``name`` is its name, ``alternateNames`` its aliases, ``jurisdiction.code`` its
  jurisdiction (in upper case; a jurisdiction given by name only is left out, not guessed),
  ``foundingDate`` and ``dissolutionDate`` its start and end.
- Identifiers: ``BODS`` (the ``recordId``, always); scheme ``XI-LEI`` → ``LEI`` (when its
  ISO 17442 check digits verify); a Wikidata identifier (a scheme containing ``WIKIDATA``,
  or the scheme name ``Wikidata``, as longarm's own BODS export writes it) → ``WIKIDATA``
  (a Q-id); any other scheme → ``REG``, its :attr:`~.records.Identifier.register` the
  org-id scheme (``GB-COH``), or the scheme name when there is no scheme.

A ``person`` statement becomes an entity of kind ``person``, recorded by its name (the
``fullName`` of the first of its ``names`` that has one; a name is never composed from its
parts) and its identifiers ``BODS`` and ``WIKIDATA`` only: no aliases, birth or death dates,
addresses, nationalities, tax residencies or personal identifiers (passport, tax or identity
card numbers).

A ``relationship`` statement becomes one :class:`~.records.Relationship` per interest of its
``interests``, keyed ``"{recordId}#{index}"`` (the interest's index in the list, so keys do
not move when an interest is left out). ``subject`` is the subject and ``interestedParty`` the
interested party, both ``recordId`` values of entities or persons of the input. A
relationship with no interests becomes one relationship of kind ``other``, keyed
``"{recordId}#0"``: BODS states an interest whose nature is not given.

==========================================================  ====================
interest ``type``                                           relationship kind
==========================================================  ====================
``shareholding``                                            ``shareholding``
``votingRights``                                            ``voting-rights``
``otherInfluenceOrControl``,                                 ``control``
``controlViaCompanyRulesOrArticles``,
``controlByLegalFramework``
``appointmentOfBoard``                                      ``board-appointment``
``boardMember``, ``boardChair``, ``seniorManagingOfficial`` ``directorship``
any other (trust roles, rights by contract, to profits or   ``other``
assets, nominee, nominator, unknown, unpublished), or none
==========================================================  ====================

- ``share.exact`` is the share; ``minimum`` (else ``exclusiveMinimum``) and ``maximum``
  (else ``exclusiveMaximum``) the range (whether a bound is inclusive is not kept).
- ``directOrIndirect``: ``direct`` → direct, ``indirect`` → not direct, ``unknown`` or
  none → not said. An indirect relationship and its components (``componentRecords``) are
  each read as the relationships they are.
- ``startDate`` / ``endDate`` are the relationship's period.
- ``beneficialOwnershipOrControl`` and ``details`` are not kept.

Dates are kept as given (``2021-06-30``; ``2021-06`` and ``2021`` are accepted too), a time
of day dropped, but for one shift: BODS ``endDate`` and ``dissolutionDate`` (and a closing
statement's date) are the first day the interest or the entity no longer holds, and the
:attr:`~.records.Relationship.end` of a record is the last day it holds, so a full date is
moved to the day before (``endDate`` ``2024-07-01`` → end ``2024-06-30``, as longarm's own
BODS export writes it the other way); a month or a year is kept as given.

Problems
--------
A statement that cannot be read yields a :class:`~.records.Problem` and reading goes on:
its file and line (JSON Lines) or its JSON path (``$[3]``, ``$[3].recordDetails.interests[0]
.share``: arrays). A line that is not UTF-8 or not JSON, a statement that is not an object,
without a ``recordId``, ``recordType`` (a BODS 0.3 statement is one), ``statementDate`` or
``recordDetails``, an unknown ``recordType``: the statement is left out. A relationship
without a subject or interested party, or whose subject or interested party is not
disclosed (a BODS "unspecified" party, with its reason: longarm's records have no form for
it, and invent none), or names a record that the input does not describe as an entity (or
person, for the interested party): the relationship is left out. An interest whose share is
above 100, below 0, not a number or whose minimum is above its maximum: the interest is left
out. Other values that are not what BODS allows (an LEI whose check digits fail, a date that
is not a date, an unknown entity or interest type) are left out, or read as "not said",
and the rest of the record is kept. In a JSON array, malformed JSON ends the file: one
problem says where, and the statements before it are kept. Nothing raises on bad data; a
file that cannot be opened raises :class:`OSError`.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> acme = {"entityType": {"type": "registeredEntity"}, "name": "Acme SA",
...         "jurisdiction": {"name": "France", "code": "FR"}, "identifiers": [{"scheme": "FR-RCS", "id": "552100554"}]}
>>> ada = {"personType": "knownPerson", "names": [{"type": "legal", "fullName": "Ada Martin"}],
...        "birthDate": "1970-01-01"}
>>> stake = {"subject": "acme", "interestedParty": "ada", "interests": [
...     {"type": "shareholding", "directOrIndirect": "direct", "share": {"exact": 60}, "startDate": "2021-06-01"},
...     {"type": "votingRights", "share": {"minimum": 50, "maximum": 75}}]}
>>> def statement(record_id, record_type, details, date="2024-01-31", status="new"):
...     return {"statementId": f"{record_id}-{date}".ljust(32, "0"), "declarationSubject": "acme",
...             "statementDate": date, "recordId": record_id, "recordType": record_type,
...             "recordStatus": status, "recordDetails": {"isComponent": False, **details}}
>>> lines = [statement("acme", "entity", acme), statement("ada", "person", ada),
...          statement("ada-acme", "relationship", stake),
...          statement("ada-acme", "relationship", stake, "2024-06-30", "closed")]  # closed: held until the day before
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "statements.jsonl"
...     _ = path.write_text("\\n".join(json.dumps(s) for s in lines) + "\\n{not json\\n", encoding="utf-8")
...     problem, acme, ada, held, votes = read([path])
>>> acme.key, acme.name, acme.kind, acme.jurisdiction, acme.identifiers[1]
('acme', 'Acme SA', 'company', 'FR', Identifier(scheme='REG', value='552100554', register='FR-RCS'))
>>> ada.name, ada.kind, ada.identifiers
('Ada Martin', 'person', (Identifier(scheme='BODS', value='ada', register=None),))
>>> held.key, held.interested, held.subject, held.kind, held.share, held.direct, held.start, held.end, held.status
('ada-acme#0', 'ada', 'acme', 'shareholding', 60.0, True, '2021-06-01', '2024-06-29', 'closed')
>>> votes.key, votes.kind, votes.share_min, votes.share_max, votes.direct
('ada-acme#1', 'voting-rights', 50.0, 75.0, None)
>>> problem.where.line, problem.reason  # doctest: +ELLIPSIS
(5, 'malformed JSON: Expecting property name enclosed in double quotes: ...')
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..base.dates import date_window
from .records import Entity, EntityKind, Identifier, Problem, Record, RelationKind, Relationship, Where, lei_is_valid

__all__ = ["FORMAT", "read"]

#: The format's name, as the importer knows it.
FORMAT = "bods"

#: ``entityType.type`` → entity kind.
_ENTITY_KINDS: dict[str, EntityKind] = {
    "registeredEntity": "company",
    "legalEntity": "company",
    "state": "state",
    "stateBody": "public-body",
    "arrangement": "organization",
    "anonymousEntity": "organization",
    "unknownEntity": "organization",
}

#: Interest ``type`` → relationship kind, for every code of the BODS 0.4 interestType codelist.
_INTEREST_KINDS: dict[str, RelationKind] = {
    "shareholding": "shareholding",
    "votingRights": "voting-rights",
    **dict.fromkeys(
        ("otherInfluenceOrControl", "controlViaCompanyRulesOrArticles", "controlByLegalFramework"), "control"
    ),
    "appointmentOfBoard": "board-appointment",
    # A senior managing official is named where no beneficial owner is found: a role, not control.
    **dict.fromkeys(("boardMember", "boardChair", "seniorManagingOfficial"), "directorship"),
    **dict.fromkeys(
        (
            "settlor",
            "trustee",
            "protector",
            "beneficiaryOfLegalArrangement",
            "rightsToSurplusAssetsOnDissolution",
            "rightsToProfitOrIncome",
            "rightsGrantedByContract",
            "conditionalRightsGrantedByContract",
            "unknownInterest",
            "unpublishedInterest",
            "enjoymentAndUseOfAssets",
            "rightToProfitOrIncomeFromAssets",
            "nominee",
            "nominator",
        ),
        "other",
    ),
}

_DIRECT: dict[str, bool | None] = {"direct": True, "indirect": False, "unknown": None}
_RECORD_TYPES = frozenset({"entity", "person", "relationship"})
_RECORD_STATUSES = frozenset({"new", "updated", "closed"})
_SHARE_FIELDS = ("exact", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_COUNTRY = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
#: RFC 3339 full-date or date-time (an offset-less time is taken as given).
_STATEMENT_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?")
_SPACE = re.compile(r"[ \t\n\r]*")

#: Bytes read at a time from a JSON array.
_CHUNK = 1 << 16
#: A statement of a JSON array still not decoded past this many characters is taken as malformed.
_MAX_STATEMENT = 1 << 24

#: When a statement was made: its UTC date and time (empty for a date alone), and its rank in the input.
_Order = tuple[str, str, int]
#: A share: (exact, minimum, maximum).
_Share = tuple[float | None, float | None, float | None]


def read(paths: Sequence[Path]) -> Iterator[Record]:
    """Stream BODS 0.4 files as neutral records: each record once, in the state that holds.

    Parameters
    ----------
    paths
        Files of BODS 0.4 statements, each a JSON array or JSON Lines; together one dataset.

    Yields
    ------
    Record
        A :class:`~.records.Problem` for each statement, or value, that could not be taken,
        as it is met; then, once all the files are read, an :class:`~.records.Entity` for each
        entity and person record and a :class:`~.records.Relationship` for each interest of
        each relationship record (each followed by its record's problems).

    Raises
    ------
    OSError
        If a file cannot be opened or read.
    """
    held = _Held()
    for path in paths:
        yield from _read_file(Path(path), held)
    yield from held.records()


# ---------------------------------------------------------------------------------------- files


def _read_file(path: Path, held: _Held) -> Iterator[Problem]:
    """Take the statements of one file into `held`; the problems met, as they are met."""
    file = str(path)
    with path.open("rb") as stream:
        items = _json_array(stream, file) if _is_array(stream) else _json_lines(stream, file)
        for item in items:
            if isinstance(item, Problem):
                yield item
            else:
                yield from held.take(*item)


def _is_array(stream: IO[bytes]) -> bool:
    """Whether `stream` holds a JSON array: its first character, past a BOM and white space, is ``[``."""
    if stream.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
        stream.seek(0)
    byte = stream.read(1)
    while byte and byte in b" \t\r\n":
        byte = stream.read(1)
    stream.seek(0)
    return byte == b"["


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _json_lines(stream: IO[bytes], file: str) -> Iterator[tuple[_Origin, object] | Problem]:
    """The statements of a JSON Lines file, line by line; blank lines are skipped."""
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        try:
            value = _DECODER.decode(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield Problem(Where(file, line=number), f"not UTF-8: {exc.reason} at byte {exc.start}")
        except (ValueError, RecursionError) as exc:
            yield Problem(Where(file, line=number), f"malformed JSON: {exc}")
        else:
            yield _Origin(file, line=number), value


def _json_array(stream: IO[bytes], file: str) -> Iterator[tuple[_Origin, object] | Problem]:
    """The statements of a JSON array, element by element; malformed JSON ends the file."""
    text, index = _Text(stream), 0
    try:
        text.skip_space()
        text.pos += 1  # the "[" that _is_array saw
        if text.skip_space() == "]":
            text.pos += 1
        else:
            while True:
                yield _Origin(file, index=index), text.value()
                index += 1
                after = text.skip_space()
                text.pos += 1
                if after == "]":
                    break
                if after != ",":
                    raise ValueError(f"expected ',' or ']', not {after!r}" if after else "the array is not closed")
                text.skip_space()
        if text.skip_space():
            raise ValueError("text after the end of the array")
    except (ValueError, RecursionError) as exc:
        at, said = (exc.pos, exc.msg) if isinstance(exc, json.JSONDecodeError) else (text.pos, str(exc))
        reason = f"malformed JSON at line {text.line(at)}: {said}; the rest of the file is not read"
        yield Problem(Where(file, path=f"$[{index}]"), reason)


class _Text:
    """The text of a byte stream, decoded a chunk at a time; what has been consumed is dropped."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text, self.pos, self.eof = "", 0, False
        self.lines = 1  # the line number at the start of `text`

    def more(self) -> bool:
        """Read one more chunk (dropping the text before `pos`); False at the end of the stream."""
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        self.lines += self.text.count("\n", 0, self.pos)
        self.text, self.pos = self.text[self.pos :] + self.decoder.decode(chunk, final=not chunk), 0
        self.eof = not chunk
        return True

    def skip_space(self) -> str:
        """Move past white space; the next character, or "" at the end of the stream."""
        while True:
            space = _SPACE.match(self.text, self.pos)
            self.pos = space.end() if space else self.pos
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def value(self) -> object:
        """Decode the JSON value at `pos`, reading on until it is whole; ValueError if it is malformed."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if len(self.text) - self.pos > _MAX_STATEMENT or not self.more():
                    raise
                continue
            if end < len(self.text) or not self.more():  # a number at the end may go on in the next chunk
                self.pos = end
                return value

    def line(self, at: int) -> int:
        """The line number at `at`, an index of `text`."""
        return self.lines + self.text.count("\n", 0, at)


# ------------------------------------------------------------------------------------ statements


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where a statement was read: its file, and its line (JSON Lines) or index (JSON array)."""

    file: str
    line: int | None = None
    index: int | None = None

    def where(self, path: str = "") -> Where:
        """The statement's place, or that of `path` within it (``.recordDetails.subject``) in an array."""
        if self.line is not None:
            return Where(self.file, line=self.line)
        return Where(self.file, path=f"$[{self.index}]{path}")


@dataclass(slots=True)
class _Statement:
    """One statement being read: where it is, its record, and the problems met in its details."""

    origin: _Origin
    record_id: str
    record_type: str
    closed_on: str | None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, reason: str) -> None:
        where = self.origin.where(f".recordDetails{path}")
        self.problems.append(Problem(where, f"{self.record_type} {self.record_id!r}: {reason}"))


@dataclass(frozen=True, slots=True)
class _State:
    """What a record holds: the order of its statement that holds, and what that statement gives."""

    order: _Order
    record_type: str
    origin: _Origin
    records: tuple[Entity | Relationship, ...]
    problems: tuple[Problem, ...]


class _Held:
    """The state of each record read so far (one entry a ``recordId``)."""

    def __init__(self) -> None:
        self.states: dict[str, _State] = {}
        self.rank = 0

    def take(self, origin: _Origin, value: object) -> Iterator[Problem]:
        """Read one statement: it holds if it is the latest of its record; its envelope's problems."""
        self.rank += 1
        envelope = _envelope(origin, value)
        if isinstance(envelope, Problem):
            yield envelope
            return
        record_id, record_type, date, status, details = envelope
        order = (date[0], date[1], self.rank)
        before = self.states.get(record_id)
        if before is not None and before.order > order:
            return  # an older statement: superseded
        if before is not None and before.record_type != record_type:
            reason = f"{record_type} {record_id!r}: its earlier statements are of recordType {before.record_type!r}"
            yield Problem(origin.where(".recordType"), reason)
        closed_on = date[2] if status == "closed" else None
        statement = _Statement(origin, record_id, record_type, closed_on)
        if status not in _RECORD_STATUSES and status is not None:
            reason = f"{record_type} {record_id!r}: unknown recordStatus {status!r}: taken as not closed"
            statement.problems.append(Problem(origin.where(".recordStatus"), reason))
        records = _convert(statement, details)
        self.states[record_id] = _State(order, record_type, origin, records, tuple(statement.problems))

    def records(self) -> Iterator[Record]:
        """Every record in the state that holds: entities and persons, then relationships."""
        types = {k: s.record_type for k, s in self.states.items() if s.records}
        for state in self.states.values():
            if state.record_type != "relationship":
                yield from state.records
                yield from state.problems
        for record_id, state in self.states.items():
            if state.record_type == "relationship":
                unknown = _unknown_party(record_id, state, types)
                yield from (unknown,) if unknown is not None else state.records
                yield from state.problems


def _unknown_party(record_id: str, state: _State, types: dict[str, str]) -> Problem | None:
    """A problem if the relationship names a record that is not an entity (or a person, as interested party)."""
    first = state.records[0] if state.records else None
    if not isinstance(first, Relationship):
        return None
    for name, key, allowed in (("subject", first.subject, "an entity"), ("interestedParty", first.interested, "")):
        found = types.get(key)
        if found is None:
            reason = f"{name} {key!r} is described by no entity or person statement of the input"
        elif found == "relationship" or (allowed and found != "entity"):
            reason = f"{name} {key!r} is a {found}, not {allowed or 'an entity or a person'}"
        else:
            continue
        return Problem(state.origin.where(f".recordDetails.{name}"), f"relationship {record_id!r}: {reason}: not taken")
    return None


def _envelope(
    origin: _Origin, value: object
) -> tuple[str, str, tuple[str, str, str], object, dict[str, object]] | Problem:
    """A statement's recordId, recordType, statement date (UTC date, time, date as given), status, details."""
    if not isinstance(value, dict):
        return Problem(origin.where(), f"not a statement: a JSON {_json_type(value)}")
    record_id, record_type = value.get("recordId"), value.get("recordType")
    if not isinstance(record_id, str) or not record_id.strip():
        if "statementType" in value:
            return Problem(origin.where(), "a BODS 0.3 statement (statementType): only BODS 0.4 is read")
        return Problem(origin.where(".recordId"), "statement without a recordId")
    if record_type not in _RECORD_TYPES:
        what = "without a recordType" if record_type is None else f"of unknown recordType {record_type!r}"
        return Problem(origin.where(".recordType"), f"statement {what} (record {record_id!r})")
    date = _statement_date(value.get("statementDate"))
    if date is None:
        reason = f"{record_type} {record_id!r}: statementDate is not a date: {value.get('statementDate')!r}"
        return Problem(origin.where(".statementDate"), reason)
    details = value.get("recordDetails")
    if not isinstance(details, dict):
        return Problem(origin.where(".recordDetails"), f"{record_type} {record_id!r}: no recordDetails object")
    return record_id, str(record_type), date, value.get("recordStatus"), details


def _statement_date(value: object) -> tuple[str, str, str] | None:
    """A ``statementDate`` as (UTC date, UTC time or "" for a date alone, date as given); None if not one."""
    if not isinstance(value, str) or not _STATEMENT_DATE.fullmatch(value):
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat(), "", value
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date().isoformat(), moment.time().isoformat(), value[:10]


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# ------------------------------------------------------------------------------------- details


def _convert(statement: _Statement, details: dict[str, object]) -> tuple[Entity | Relationship, ...]:
    """The records a statement's details give (problems noted on `statement`)."""
    if statement.record_type == "entity":
        return (_entity(statement, details),)
    if statement.record_type == "person":
        return (_person(statement, details),)
    return _relationships(statement, details)


def _entity(s: _Statement, details: dict[str, object]) -> Entity:
    return Entity(
        s.record_id,
        s.origin.where(),
        _text(s, details, "name"),
        _entity_kind(s, details.get("entityType")),
        identifiers=_identifiers(s, details.get("identifiers"), person=False),
        jurisdiction=_jurisdiction(s, details.get("jurisdiction")),
        aliases=_aliases(s, details.get("alternateNames")),
        status="closed" if s.closed_on else None,
        start=_date(s, details, "foundingDate"),
        end=_end(s, details, "dissolutionDate"),
    )


def _person(s: _Statement, details: dict[str, object]) -> Entity:
    names = details.get("names")
    name = None
    if isinstance(names, list):
        full = (n.get("fullName") for n in names if isinstance(n, dict))
        name = next((f.strip() for f in full if isinstance(f, str) and f.strip()), None)
    elif names is not None:
        s.problem(".names", "names is not a list: no name taken")
    identifiers = _identifiers(s, details.get("identifiers"), person=True)
    return Entity(s.record_id, s.origin.where(), name, "person", identifiers, status="closed" if s.closed_on else None)


def _entity_kind(s: _Statement, entity_type: object) -> EntityKind:
    code = entity_type.get("type") if isinstance(entity_type, dict) else None
    kind = _ENTITY_KINDS.get(code) if isinstance(code, str) else None
    if kind is None:
        what = "no entityType.type" if code is None else f"unknown entityType.type {code!r}"
        s.problem(".entityType.type", f"{what}: taken as an organization whose kind is not said")
        return "organization"
    return kind


def _text(s: _Statement, details: dict[str, object], key: str) -> str | None:
    value = details.get(key)
    if value is None or (isinstance(value, str) and value.strip()):
        return value.strip() if isinstance(value, str) else None
    s.problem(f".{key}", f"{key} is not a text: {value!r}")
    return None


def _aliases(s: _Statement, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        s.problem(".alternateNames", "alternateNames is not a list of texts: not taken")
        return ()
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _jurisdiction(s: _Statement, value: object) -> str | None:
    code = value.get("code") if isinstance(value, dict) else None
    if value is None or code is None:
        return None  # none, or a name only: not guessed
    if isinstance(code, str) and _COUNTRY.fullmatch(code.strip().upper()):
        return code.strip().upper()
    s.problem(".jurisdiction.code", f"not an ISO 3166 country or subdivision code: {code!r}")
    return None


def _date(s: _Statement, holder: dict[str, object], key: str, path: str = "") -> str | None:
    """``holder[key]`` as an ISO date as precise as given (a time of day dropped); None if absent or not a date."""
    value = holder.get(key)
    if value is None:
        return None
    text = value.strip().split("T", 1)[0] if isinstance(value, str) else ""
    if _DATE.fullmatch(text) and date_window(text) is not None:
        return text
    s.problem(f"{path}.{key}", f"{path.lstrip('.')}.{key}".lstrip(".") + f" is not a date: {value!r}")
    return None


def _end(s: _Statement, holder: dict[str, object], key: str, path: str = "") -> str | None:
    """The last day a record holds: the day before ``holder[key]`` or, without it, the closing date.

    BODS gives the first day an interest or an entity no longer holds; the day before is
    longarm's end (as longarm's own BODS export writes them). A month or a year is kept.
    """
    ended = _date(s, holder, key, path) or s.closed_on
    if ended is None or len(ended) != 10:
        return ended
    try:
        return (dt.date.fromisoformat(ended) - dt.timedelta(days=1)).isoformat()
    except OverflowError:  # 0001-01-01
        return ended


# --------------------------------------------------------------------------------- identifiers


def _identifiers(s: _Statement, value: object, *, person: bool) -> tuple[Identifier, ...]:
    """``BODS`` (the recordId), then what `value` gives: for a person, its Wikidata id only."""
    out = [Identifier("BODS", s.record_id)]
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _identifier(s, item, f".identifiers[{index}]", person=person)
            if found is not None and found not in out:
                out.append(found)
    elif value is not None:
        s.problem(".identifiers", "identifiers is not a list: not taken")
    return tuple(out)


def _identifier(s: _Statement, item: object, path: str, *, person: bool) -> Identifier | None:
    if not isinstance(item, dict):
        s.problem(path, "identifier is not an object")
        return None
    value, scheme, name = item.get("id"), _plain(item.get("scheme")), _plain(item.get("schemeName"))
    if value is None:
        return None  # a scheme and a URI, say: nothing to record
    if not isinstance(value, str) or not value.strip():
        s.problem(f"{path}.id", f"identifier id is not a text: {value!r}")
        return None
    value = value.strip()
    if "WIKIDATA" in scheme.upper() or name.lower() == "wikidata":
        if _WIKIDATA.fullmatch(value):
            return Identifier("WIKIDATA", value)
        s.problem(f"{path}.id", f"not a Wikidata Q-id: {value!r}")
        return None
    if person:
        return None  # passports, tax and identity card numbers are not recorded
    if scheme.upper() == "XI-LEI":
        if lei_is_valid(value.upper()):
            return Identifier("LEI", value.upper())
        s.problem(f"{path}.id", f"LEI check digits do not verify: {value!r}")
        return None
    if not (scheme or name):
        s.problem(path, f"identifier {value!r} without a scheme or scheme name: not taken")
        return None
    return Identifier("REG", value, register=scheme or name)


def _plain(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# ------------------------------------------------------------------------------- relationships


def _relationships(s: _Statement, details: dict[str, object]) -> tuple[Relationship, ...]:
    """One relationship per interest (one of kind ``other`` when there is none)."""
    subject, interested = _party(s, details, "subject"), _party(s, details, "interestedParty")
    if subject is None or interested is None:
        return ()
    status = "closed" if s.closed_on else None
    interests = details.get("interests")
    if interests is None or interests == []:
        where = s.origin.where(".recordDetails")
        end = _end(s, {}, "endDate")
        return (Relationship(f"{s.record_id}#0", where, subject, interested, "other", end=end, status=status),)
    if not isinstance(interests, list):
        s.problem(".interests", "interests is not a list: relationship not taken")
        return ()
    out = (_interest(s, item, index, subject, interested) for index, item in enumerate(interests))
    return tuple(r for r in out if r is not None)


def _party(s: _Statement, details: dict[str, object], key: str) -> str | None:
    """The recordId of the subject or interested party; None, with a problem, if there is none."""
    value = details.get(key)
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, dict):
        reason, description = value.get("reason"), value.get("description")
        said = f"{reason}" + (f": {description}" if isinstance(description, str) and description else "")
        s.problem(f".{key}", f"{key} not disclosed ({said}): not taken, longarm records no party it does not know")
    elif value is None:
        s.problem(f".{key}", f"no {key}: not taken")
    else:
        s.problem(f".{key}", f"{key} is not a recordId ({value!r}): not taken")
    return None


def _interest(s: _Statement, item: object, index: int, subject: str, interested: str) -> Relationship | None:
    path = f".interests[{index}]"
    if not isinstance(item, dict):
        s.problem(path, f"interest {index} is not an object: not taken")
        return None
    share = _share(s, item.get("share"), index)
    if share is None:
        return None
    return Relationship(
        f"{s.record_id}#{index}",
        s.origin.where(f".recordDetails{path}"),
        subject,
        interested,
        _interest_kind(s, item.get("type"), index),
        *share,
        direct=_direct(s, item.get("directOrIndirect"), index),
        start=_date(s, item, "startDate", path),
        end=_end(s, item, "endDate", path),
        status="closed" if s.closed_on else None,
    )


def _interest_kind(s: _Statement, code: object, index: int) -> RelationKind:
    if code is None:
        return "other"
    kind = _INTEREST_KINDS.get(code) if isinstance(code, str) else None
    if kind is None:
        s.problem(f".interests[{index}].type", f"interest {index}: unknown interest type {code!r}: taken as other")
        return "other"
    return kind


def _direct(s: _Statement, value: object, index: int) -> bool | None:
    if value is None or (isinstance(value, str) and value in _DIRECT):
        return None if value is None else _DIRECT[value]
    reason = f"interest {index}: unknown directOrIndirect {value!r}: taken as not said"
    s.problem(f".interests[{index}].directOrIndirect", reason)
    return None


def _share(s: _Statement, value: object, index: int) -> _Share | None:
    """(exact, minimum, maximum) of interest `index`'s share; None, with a problem, if it cannot be taken."""
    path = f".interests[{index}].share"
    if value is None:
        return None, None, None
    if not isinstance(value, dict):
        s.problem(path, f"interest {index}: share is not an object ({value!r}): interest not taken")
        return None
    numbers: dict[str, float] = {}
    for key in _SHARE_FIELDS:
        number = value.get(key)
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, int | float):
            wrong = f"is not a number ({number!r})"
        elif not 0 <= number <= 100:
            wrong = f"{'above 100' if number > 100 else 'below 0'} ({number})"
        else:
            numbers[key] = float(number)
            continue
        s.problem(f"{path}.{key}", f"interest {index}: share {key} {wrong}: interest not taken")
        return None
    if "exact" in numbers:
        return numbers["exact"], None, None
    low = numbers.get("minimum", numbers.get("exclusiveMinimum"))
    high = numbers.get("maximum", numbers.get("exclusiveMaximum"))
    if low is not None and high is not None and low > high:
        s.problem(path, f"interest {index}: share minimum {low:g} above its maximum {high:g}: interest not taken")
        return None
    return None, low, high
