"""Wikidata ownership statements, as the Wikidata Query Service returns them for :data:`QUERY`, read as neutral records.

The input is a file of SPARQL 1.1 Query Results JSON, ``{"head": {"vars": […]},
"results": {"bindings": […]}}``: what https://query.wikidata.org returns for :data:`QUERY`
(*Download → JSON file*, or ``Accept: application/sparql-results+json`` on
``https://query.wikidata.org/sparql``), the items of interest written in its
``VALUES ?item { … }`` line (:func:`query_for` writes it). A file whose name ends in
``.gz`` is read through gzip. Several files (the same query for several batches of items)
make one import: statements read twice are merged.

The query
---------
:data:`QUERY` asks, for each item, its ownership statements: ``P127`` (owned by),
``P749`` (parent organization), ``P355`` (has subsidiary) and ``P1830`` (owner of), of
normal or preferred rank (a deprecated statement is one Wikidata marks as wrong: it is not
asked for). It returns one row per statement, with these variables:

- ``?item``, ``?itemLabel``: the item queried and its label (English, else the
  multilingual ``mul`` label; the label service gives the bare Q-id when it has neither).
- ``?statement``: the statement (``http://www.wikidata.org/entity/statement/Q…-…``), to
  find it again on Wikidata.
- ``?rel``: the property in its ``p:`` form, ``http://www.wikidata.org/prop/P127`` (not
  the ``wdt:`` form, which carries no qualifier).
- ``?other``, ``?otherLabel``: the statement's value, the other party, and its label.
  Statements whose value is *unknown value* or *no value* are not asked for; nor are
  ``P1830`` statements whose value is not an instance (``P31``) of organization
  (``Q43229``) or of one of its subclasses, an item with no class included: a company is
  the owner of buildings, brands and artworks too.
- ``?itemClass``, ``?otherClass``: ``wd:Q5`` (human) or ``wd:Q3624078`` (sovereign
  state) when the party is an instance (``P31``) of one.
- ``?hqCountryCode``, ``?otherHqCountryCode``: the ISO 3166-1 alpha-2 code (``P297``) of
  the country (``P17``) of each party's headquarters location (``P159``).
- ``?itemCountryCode``, ``?otherCountryCode``: the code of each party's own country
  (``P17``). They are in the results for whoever reads the file, and this reader takes
  nothing from them (see below).
- ``?share``, ``?shareUnit``: the statement's proportion qualifier (``P1107``), its amount
  and unit (``wd:Q199``, the unit "1" of a proportion).
- ``?start``, ``?startPrecision``, ``?end``, ``?endPrecision``: the statement's start time
  (``P580``) and end time (``P582``) qualifiers with their Wikidata precision (9 a year,
  10 a month, 11 a day). Wikidata writes a year as January 1st of that year: only its
  precision tells ``2018`` from ``2018-01-01``.

Headquarters, countries and classes are read from the best-ranked (``wdt:``) values. A
statement comes in more than one row when it, or one of its two parties, has several
values of a variable (two countries, two start times): the reader merges them.

What is taken
-------------
Each item and other party becomes an :class:`~.records.Entity` keyed
``wikidata:Q…``, with the identifier ``WIKIDATA`` (its Q-id) and its label as name (none
when the label service gave the bare Q-id: a Q-id is not a name). Its kind is ``person``
for a human, ``state`` for a sovereign state, else ``organization``: Wikidata's classes do
not tell a company from another organization reliably, and the reader does not guess.
Its :attr:`~.records.Entity.headquarters` is the country of its headquarters location.
Its :attr:`~.records.Entity.jurisdiction` is never set: ``P17`` (country) says which
country an item belongs to, not where it is incorporated, and Wikidata has no property
that reliably does.

Each statement becomes a :class:`~.records.Relationship`; the owned or controlled party is
the subject, the owner or parent the interested party:

- ``?item P127 ?other`` (owned by): ``?other`` owns ``?item``; ``?item P1830 ?other``
  (owner of) is the same statement seen from the owner. The kind is ``shareholding``, with
  the share when the statement has a proportion: Wikidata gives "owned by" to minority
  shareholders too, so an owner without a proportion owns a share of unknown size; it is
  not taken as control.
- ``?item P749 ?other`` (parent organization): ``?other`` controls ``?item``, kind
  ``control``; ``?item P355 ?other`` (has subsidiary) is the same statement seen from the
  parent. With a proportion, the kind is ``shareholding`` with that share.
- The share is the ``P1107`` proportion × 100 (a proportion from 0 to 1, a percentage
  when its unit is per cent, ``wd:Q11229``). Start and end are reduced to the precision
  Wikidata gives: ``2018`` (precision 9), ``2018-10`` (10), ``2018-10-26`` (11).
- Keys are made from what the statement says, so that the two sides of one statement get
  the same key: ``wikidata:<subject>|P127|<owner>|<start>`` for P127 and P1830,
  ``wikidata:<subject>|P749|<parent>|<start>`` for P749 and P355 (``<start>`` empty when
  there is none). Statements with the same key make one relationship; the values they
  disagree on (two shares) are left out, with a problem.

What is not taken
-----------------
``?itemCountryCode`` and ``?otherCountryCode`` (``P17``), other variables a hand-written
query may return, the statement's references, and items that have no ownership statement
(the query returns no row for them). Dates less precise than a year (a decade, a century)
are left out, with a problem: a year would say more than Wikidata does.

Problems
--------
A binding that cannot be taken yields a :class:`~.records.Problem` with its file and JSON
path (``$.results.bindings[7]``), and reading goes on: a binding that is not an object,
without ``?item``, ``?rel`` or ``?other``, whose ``?item`` or ``?other`` is not a Wikidata
item, or whose ``?rel`` is not one of the four properties in their ``p:`` form. Values that
cannot be taken are left out of a record that is otherwise kept, with a problem: a
proportion outside 0-1 or with another unit, a date without its precision or less precise
than a year, a country code that is not one, two headquarters countries, two kinds.

A file that is not SPARQL results JSON, or that stops short (the query service cuts its
answer when a query runs out of time: ask for fewer items at once), yields a problem where
it breaks, and what came before is kept. A file that cannot be opened is a problem too.
Nothing raises.

Reading is streamed: the file is read in 64 KiB pieces and one binding is decoded at a
time (:meth:`json.JSONDecoder.raw_decode`), so a file of any size is read in memory that
grows with the number of distinct entities and statements, not with the file: they are
held until the last file is read, since one statement can come in several rows and be
seen from both sides.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> print(query_for(["Q900001", "Q900002"]))  # doctest: +ELLIPSIS
PREFIX wd: <http://www.wikidata.org/entity/>
...
  VALUES ?item { wd:Q900001 wd:Q900002 }
...
>>> def uri(v): return {"type": "uri", "value": v}
>>> def lit(v, **kw): return {"type": "literal", "value": v, **kw}
>>> wd, xsd = "http://www.wikidata.org/entity/", "http://www.w3.org/2001/XMLSchema#"
>>> row = {"item": uri(wd + "Q900002"), "itemLabel": lit("ExampleHub", **{"xml:lang": "en"}),
...        "itemCountryCode": lit("IE"), "hqCountryCode": lit("US"),
...        "rel": uri("http://www.wikidata.org/prop/P127"),
...        "other": uri(wd + "Q900001"), "otherLabel": lit("Examplesoft", **{"xml:lang": "en"}),
...        "share": lit("1", datatype=xsd + "decimal"), "shareUnit": uri(wd + "Q199"),
...        "start": lit("2018-01-01T00:00:00Z", datatype=xsd + "dateTime"),
...        "startPrecision": lit("9", datatype=xsd + "integer")}
>>> results = {"head": {"vars": ["item", "rel", "other"]}, "results": {"bindings": [row, {"rel": row["rel"]}]}}
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "owners.json"
...     _ = path.write_text(json.dumps(results), encoding="utf-8")
...     problem, hub, soft, owned = read([path])
>>> hub.key, hub.name, hub.kind, hub.headquarters, hub.jurisdiction
('wikidata:Q900002', 'ExampleHub', 'organization', 'US', None)
>>> hub.identifiers
(Identifier(scheme='WIKIDATA', value='Q900002', register=None),)
>>> owned.key, owned.subject, owned.interested, owned.kind, owned.share, owned.start
('wikidata:Q900002|P127|Q900001|2018', 'wikidata:Q900002', 'wikidata:Q900001', 'shareholding', 100.0, '2018')
>>> problem.where.path, problem.reason
('$.results.bindings[1]', 'no ?item: binding skipped')
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from .records import Entity, EntityKind, Identifier, Problem, Record, RelationKind, Relationship, Where

__all__ = ["FORMAT", "LABEL_SERVICE", "QUERY", "query_for", "read"]

#: The format's name, as the importer knows it.
FORMAT = "wikidata"

#: The query's labels: the Wikidata Query Service's label service (English, else ``mul``).
LABEL_SERVICE = 'SERVICE wikibase:label { bd:serviceParam wikibase:language "en,mul" . }'

#: The query whose results this reader reads; put the items in its ``VALUES ?item { }`` line
#: (:func:`query_for` does). Prefixes are declared, so it runs on any SPARQL 1.1 parser.
QUERY = f"""\
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX bd: <http://www.bigdata.com/rdf#>

# longarm: the ownership statements of some Wikidata items, one row per statement.
SELECT ?item ?itemLabel ?itemClass ?itemCountryCode ?hqCountryCode
       ?statement ?rel ?other ?otherLabel ?otherClass ?otherCountryCode ?otherHqCountryCode
       ?share ?shareUnit ?start ?startPrecision ?end ?endPrecision
WHERE {{
  VALUES ?item {{ }}
  # owned by, parent organization, has subsidiary, owner of: the statement and its value
  VALUES (?rel ?ps) {{ (p:P127 ps:P127) (p:P749 ps:P749) (p:P355 ps:P355) (p:P1830 ps:P1830) }}
  ?item ?rel ?statement .
  ?statement ?ps ?other ;
             wikibase:rank ?rank .
  FILTER(?rank != wikibase:DeprecatedRank)
  # an item, not "unknown value"
  FILTER(STRSTARTS(STR(?other), "http://www.wikidata.org/entity/Q"))
  # "owner of" names buildings and brands too: organizations only
  FILTER(?rel != p:P1830 || EXISTS {{ ?other wdt:P31/wdt:P279* wd:Q43229 }})
  # qualifiers: proportion, start time, end time, each with its unit or precision
  OPTIONAL {{ ?statement pqv:P1107 ?shareValue .
             ?shareValue wikibase:quantityAmount ?share ;
                         wikibase:quantityUnit ?shareUnit . }}
  OPTIONAL {{ ?statement pqv:P580 ?startValue .
             ?startValue wikibase:timeValue ?start ;
                         wikibase:timePrecision ?startPrecision . }}
  OPTIONAL {{ ?statement pqv:P582 ?endValue .
             ?endValue wikibase:timeValue ?end ;
                       wikibase:timePrecision ?endPrecision . }}
  # human or sovereign state
  OPTIONAL {{ ?item wdt:P31 ?itemClass . FILTER(?itemClass IN (wd:Q5, wd:Q3624078)) }}
  OPTIONAL {{ ?other wdt:P31 ?otherClass . FILTER(?otherClass IN (wd:Q5, wd:Q3624078)) }}
  # ISO 3166-1 alpha-2 codes of the country and of the headquarters' country
  OPTIONAL {{ ?item wdt:P17/wdt:P297 ?itemCountryCode . }}
  OPTIONAL {{ ?other wdt:P17/wdt:P297 ?otherCountryCode . }}
  OPTIONAL {{ ?item wdt:P159/wdt:P17/wdt:P297 ?hqCountryCode . }}
  OPTIONAL {{ ?other wdt:P159/wdt:P17/wdt:P297 ?otherHqCountryCode . }}
  {LABEL_SERVICE}
}}
ORDER BY ?item ?rel ?other ?statement
"""

_CHUNK = 1 << 16  # characters read at a time
_MAX_BINDING = 1 << 23  # a binding that does not decode within this many characters is not JSON
_ENTITY = "http://www.wikidata.org/entity/"
_PROP = "http://www.wikidata.org/prop/"
_QID = re.compile(r"Q[1-9][0-9]*")
_COUNTRY = re.compile(r"[A-Z]{2}")
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T")
_WHITESPACE = " \t\r\n"
_T = TypeVar("_T", str, float)

#: The properties read: what each says (P127 ownership, P749 parentage) and whether the
#: item is the owner or parent (the inverse properties).
_PROPERTIES: dict[str, tuple[Literal["P127", "P749"], bool]] = {
    "P127": ("P127", False),
    "P1830": ("P127", True),
    "P749": ("P749", False),
    "P355": ("P749", True),
}
#: The classes (P31) that say what kind of party an item is.
_CLASS_KINDS: dict[str, EntityKind] = {"Q5": "person", "Q3624078": "state"}
_PROPORTION_UNITS = frozenset({_ENTITY + "Q199"})  # the unit "1"
_PERCENT_UNITS = frozenset({_ENTITY + "Q11229"})  # per cent


def query_for(items: Iterable[str]) -> str:
    """:data:`QUERY` for `items`, Q-ids such as ``"Q900001"``.

    Raises
    ------
    ValueError
        If there is no item, or one is not a Q-id.
    """
    ids = [item.strip() for item in items]
    if not ids:
        raise ValueError("no item to ask for")
    bad = [item for item in ids if not _QID.fullmatch(item)]
    if bad:
        raise ValueError(f"not Wikidata Q-ids: {', '.join(map(repr, bad))}")
    values = " ".join(f"wd:{item}" for item in dict.fromkeys(ids))
    return QUERY.replace("VALUES ?item { }", f"VALUES ?item {{ {values} }}", 1)


def read(paths: Sequence[Path]) -> Iterator[Record]:
    """Stream files of Wikidata query results as neutral records.

    Parameters
    ----------
    paths
        SPARQL 1.1 Query Results JSON files of :data:`QUERY`, plain or gzip-compressed
        (``.gz``).

    Yields
    ------
    Record
        A :class:`~.records.Problem` for each binding, or value, that could not be taken,
        as it is met; then, once every file is read, an :class:`~.records.Entity` for each
        party and a :class:`~.records.Relationship` for each statement (one for the two
        sides of a statement), with the problems of merging them.
    """
    merged = _Merged()
    for path in paths:
        yield from _read_file(Path(path), merged)
    yield from merged.records()


# --------------------------------------------------------------------------- streaming


class _MalformedError(Exception):
    """The file is not (or no longer) the JSON it should be."""


class _Json:
    """A JSON text read piece by piece: the structure around the bindings walked, each value decoded whole."""

    def __init__(self, stream: IO[str], chunk: int) -> None:
        self.stream, self.chunk = stream, chunk
        self.buf, self.pos, self.eof = "", 0, False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.stream.read(self.chunk)
        if not data:
            self.eof = True
            return False
        self.buf, self.pos = self.buf[self.pos :] + data, 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str) -> str:
        """Consume the next character, one of `chars`."""
        found = self.peek()
        if not found or found not in chars:
            wanted = " or ".join(repr(c) for c in chars)
            raise _MalformedError(f"expected {wanted}, found {repr(found) if found else 'the end of the file'}")
        self.pos += 1
        return found

    def value(self) -> Any:
        """Decode the next value whole, reading on until it is complete."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos < _MAX_BINDING and self._more():
                    continue
                raise _MalformedError(exc.msg) from None
            except RecursionError:
                raise _MalformedError("nested too deep") from None
            if end == len(self.buf) and self._more():  # a number or a literal may go on
                continue
            self.pos = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of an object; the caller reads each key's value before asking for the next."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise _MalformedError("expected a key")
            key = self.value()
            self.expect(":")
            yield key
            if self.expect(",}") == "}":
                return

    def elements(self) -> Iterator[int]:
        """The indexes of an array; the caller reads each element before asking for the next."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if self.expect(",]") == "]":
                return


def _read_file(path: Path, merged: _Merged) -> Iterator[Problem]:
    """Read one file's bindings into `merged`; the problems met, as they are met."""
    file = str(path)
    try:
        stream = _open(path)
    except OSError as exc:
        yield Problem(Where(file), f"cannot open the file: {exc.strerror or exc}")
        return
    with stream:
        yield from _read_document(_Json(stream, _CHUNK), file, merged)


def _open(path: Path) -> IO[str]:
    """A file opened for reading text, through gzip when its name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _read_document(text: _Json, file: str, merged: _Merged) -> Iterator[Problem]:
    """Walk ``{"head": …, "results": {"bindings": [...]}}``, reading each binding as it comes."""
    path = "$"
    found = False
    try:
        if text.peek() != "{":
            raise _MalformedError("not a JSON object")
        for key in text.members():
            path = f"$.{key}"
            if key == "head":
                problem = _check_head(text.value(), Where(file, path="$.head.vars"))
                if problem is not None:
                    yield problem
                    return
            elif key == "results" and text.peek() == "{":
                for part in text.members():
                    path = f"$.results.{part}"
                    if part != "bindings":
                        text.value()
                        continue
                    found = True
                    for index in text.elements():
                        path = f"$.results.bindings[{index}]"
                        yield from merged.add(text.value(), Where(file, path=path))
                path = "$"
            else:
                text.value()
            path = "$"
        if text.peek():
            raise _MalformedError("more text after the results")
    except _MalformedError as exc:
        yield Problem(Where(file, path=path), f"not SPARQL JSON results from here on ({exc}): the rest is not read")
        return
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        yield Problem(Where(file, path=path), f"cannot read the file beyond this point: {exc}")
        return
    if not found:
        yield Problem(Where(file, path="$"), "no results.bindings: not the results of a SPARQL SELECT query")


def _check_head(head: Any, where: Where) -> Problem | None:
    """A problem when the head names variables and not those the reader needs."""
    variables = head.get("vars") if isinstance(head, dict) else None
    if not isinstance(variables, list):
        return None
    missing = [name for name in ("item", "rel", "other") if name not in variables]
    if not missing:
        return None
    names = ", ".join(f"?{name}" for name in missing)
    return Problem(where, f"no {names}: not the results of longarm's Wikidata query; the file is not read")


# --------------------------------------------------------------------------- bindings


class _SkipError(Exception):
    """A binding that cannot be taken, and why."""


@dataclass(slots=True)
class _Party:
    """An entity as its bindings describe it."""

    where: Where
    labels: dict[str, None] = field(default_factory=dict)
    kinds: dict[EntityKind, None] = field(default_factory=dict)
    headquarters: dict[str, None] = field(default_factory=dict)


@dataclass(slots=True)
class _Statement:
    """A statement as its rows (or a relationship as its statements) describe it."""

    where: Where
    says: Literal["P127", "P749"]
    subject: str
    interested: str
    proportion: bool = False  # a P1107 qualifier is there, whether it could be read or not
    shares: dict[float, None] = field(default_factory=dict)
    starts: dict[str, None] = field(default_factory=dict)
    ends: dict[str, None] = field(default_factory=dict)
    shape: tuple[str, str, str] = ("", "", "")  # item, property, other: the same in every row


class _Merged:
    """What the bindings of every file say, merged: parties by Q-id, statements by IRI."""

    def __init__(self) -> None:
        self.parties: dict[str, _Party] = {}
        self.statements: dict[str, _Statement] = {}
        self.said: set[tuple[str, str]] = set()  # (statement, reason): a value's problem once, not once a row

    def add(self, binding: Any, where: Where) -> Iterator[Problem]:
        """Take one binding: its problems, if any."""
        try:
            if not isinstance(binding, dict):
                raise _SkipError(f"a binding that is not a JSON object but a {type(binding).__name__}")
            item = _item(binding, "item")
            prop = _property(binding)
            other = _item(binding, "other")
        except _SkipError as exc:
            yield Problem(where, f"{exc}: binding skipped")
            return
        statement_iri = _uri(binding, "statement")
        group = statement_iri or f"{where.file} {where.path}"
        says, inverse = _PROPERTIES[prop]
        subject, interested = (other, item) if inverse else (item, other)
        statement = self.statements.get(group)
        if statement is None:
            statement = self.statements[group] = _Statement(where, says, subject, interested, shape=(item, prop, other))
        elif statement.shape != (item, prop, other):
            yield Problem(where, f"statement {statement_iri} has another item, property or value here: binding skipped")
            return
        reasons: list[str] = []
        for var, qid in (("item", item), ("other", other)):
            self._party(binding, var, qid, where, reasons)
        share = _share(binding, reasons)
        if "share" in binding:
            statement.proportion = True
        if share is not None:
            statement.shares.setdefault(share)
        for var, values in (("start", statement.starts), ("end", statement.ends)):
            value = _time(binding, var, reasons)
            if value is not None:
                values.setdefault(value)
        for reason in reasons:
            if (group, reason) not in self.said:
                self.said.add((group, reason))
                yield Problem(where, reason)

    def _party(self, binding: dict[str, Any], var: str, qid: str, where: Where, reasons: list[str]) -> None:
        party = self.parties.get(qid)
        if party is None:
            party = self.parties[qid] = _Party(where)
        label = _literal(binding, f"{var}Label", reasons)
        # the label service gives the bare Q-id when it has no label: that is no name
        if label is not None and label.strip() and label.strip() != qid:
            party.labels.setdefault(label.strip())
        kind = _CLASS_KINDS.get((_uri(binding, f"{var}Class") or "").removeprefix(_ENTITY))
        if kind is not None:
            party.kinds.setdefault(kind)
        hq_var = "hqCountryCode" if var == "item" else "otherHqCountryCode"
        code = _literal(binding, hq_var, reasons)
        if code is not None:
            if _COUNTRY.fullmatch(code):
                party.headquarters.setdefault(code)
            else:
                reasons.append(f"?{hq_var} {code!r} is not an ISO 3166-1 alpha-2 code: headquarters not kept")

    # ----------------------------------------------------------------- records

    def records(self) -> Iterator[Record]:
        """The entities, then the relationships, each with the problems of merging it."""
        for qid, party in self.parties.items():
            yield from self._entity(qid, party)
        relationships: dict[str, _Statement] = {}
        for group, statement in self.statements.items():
            problems: list[Problem] = []
            start = _agreed(statement.starts, "start times", statement.where, group, problems)
            end = _agreed(statement.ends, "end times", statement.where, group, problems)
            share = _agreed(statement.shares, "proportions", statement.where, group, problems)
            yield from problems
            key = f"wikidata:{statement.subject}|{statement.says}|{statement.interested}|{start or ''}"
            merged = relationships.get(key)
            if merged is None:
                merged = _Statement(statement.where, statement.says, statement.subject, statement.interested)
                relationships[key] = merged
                merged.starts = {start: None} if start else {}
            merged.proportion |= statement.proportion
            if share is not None:
                merged.shares.setdefault(share)
            if end is not None:
                merged.ends.setdefault(end)
        for key, relation in relationships.items():
            problems = []
            share = _agreed(relation.shares, "proportions", relation.where, key, problems)
            end = _agreed(relation.ends, "end times", relation.where, key, problems)
            kind: RelationKind = "control" if relation.says == "P749" and not relation.proportion else "shareholding"
            yield Relationship(
                key,
                relation.where,
                subject=f"wikidata:{relation.subject}",
                interested=f"wikidata:{relation.interested}",
                kind=kind,
                share=share,
                start=next(iter(relation.starts), None),
                end=end,
            )
            yield from problems

    @staticmethod
    def _entity(qid: str, party: _Party) -> Iterator[Record]:
        labels = list(party.labels)
        kind: EntityKind = "organization"
        problems = []
        if len(party.kinds) == 1:
            kind = next(iter(party.kinds))
        elif party.kinds:
            problems.append(Problem(party.where, f"{qid} is both {' and '.join(party.kinds)}: kind not kept"))
        headquarters = None
        if len(party.headquarters) == 1:
            headquarters = next(iter(party.headquarters))
        elif party.headquarters:
            codes = ", ".join(party.headquarters)
            problems.append(Problem(party.where, f"{qid} has headquarters in several countries ({codes}): none kept"))
        yield Entity(
            f"wikidata:{qid}",
            party.where,
            labels[0] if labels else None,
            kind,
            identifiers=(Identifier("WIKIDATA", qid),),
            headquarters=headquarters,
            aliases=tuple(labels[1:]),
        )
        yield from problems


def _agreed(values: dict[_T, None], what: str, where: Where, name: str, problems: list[Problem]) -> _T | None:
    """The one value of `values` (of dates differing only in precision, the most precise); else None, and a problem."""
    found = sorted(values, key=lambda v: len(v) if isinstance(v, str) else 0, reverse=True)
    if not found:
        return None
    best = found[0]
    if len(found) == 1 or all(isinstance(v, str) and isinstance(best, str) and best.startswith(v) for v in found):
        return best
    shown = ", ".join(f"{v:g}%" if isinstance(v, float) else str(v) for v in values)
    problems.append(Problem(where, f"{name} has several {what} ({shown}): none kept"))
    return None


# --------------------------------------------------------------------------- terms


def _term(binding: dict[str, Any], var: str) -> dict[str, Any] | None:
    term = binding.get(var)
    if term is None:
        return None
    if not isinstance(term, dict) or not isinstance(term.get("type"), str) or not isinstance(term.get("value"), str):
        raise _SkipError(f"?{var} is not an RDF term")
    return term


def _uri(binding: dict[str, Any], var: str) -> str | None:
    """The IRI bound to `var`, or None (unbound, or not an IRI)."""
    try:
        term = _term(binding, var)
    except _SkipError:
        return None
    return term["value"] if term is not None and term["type"] == "uri" else None


def _literal(binding: dict[str, Any], var: str, reasons: list[str]) -> str | None:
    try:
        term = _term(binding, var)
    except _SkipError as exc:
        reasons.append(f"{exc}: not kept")
        return None
    if term is None:
        return None
    if term["type"] != "literal":
        reasons.append(f"?{var} is not a literal but a {term['type']}: not kept")
        return None
    value: str = term["value"]
    return value


def _item(binding: dict[str, Any], var: str) -> str:
    """The Q-id bound to `var`."""
    term = _term(binding, var)
    if term is None:
        raise _SkipError(f"no ?{var}")
    value: str = term["value"]
    qid = value.removeprefix(_ENTITY)
    if term["type"] != "uri" or qid == value or not _QID.fullmatch(qid):
        raise _SkipError(f"?{var} is not a Wikidata item: {value!r}")
    return qid


def _property(binding: dict[str, Any]) -> str:
    """The property bound to ``?rel``, one of :data:`_PROPERTIES`."""
    term = _term(binding, "rel")
    if term is None:
        raise _SkipError("no ?rel")
    value: str = term["value"]
    prop = value.removeprefix(_PROP)
    if term["type"] != "uri" or prop not in _PROPERTIES:
        raise _SkipError(f"?rel {value!r} is not one of the properties read: P127, P749, P355, P1830 as {_PROP}P127")
    return prop


def _share(binding: dict[str, Any], reasons: list[str]) -> float | None:
    """The P1107 proportion as a percentage."""
    amount = _literal(binding, "share", reasons)
    if amount is None:
        return None
    try:
        number = Decimal(amount.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        reasons.append(f"proportion (P1107) {amount!r} is not a number: not kept")
        return None
    unit = _uri(binding, "shareUnit")
    if unit is None or unit in _PROPORTION_UNITS:
        if not 0 <= number <= 1:
            reasons.append(f"proportion (P1107) {amount} is not between 0 and 1: not kept")
            return None
        number *= 100
    elif unit in _PERCENT_UNITS:
        if not 0 <= number <= 100:
            reasons.append(f"proportion (P1107) {amount}% is not between 0 and 100: not kept")
            return None
    else:
        reasons.append(f"proportion (P1107) {amount} has a unit that is not a proportion ({unit}): not kept")
        return None
    return float(number) + 0.0  # no -0.0


def _time(binding: dict[str, Any], var: str, reasons: list[str]) -> str | None:
    """A start or end time, as precise as its Wikidata precision says."""
    what = {"start": "start time (P580)", "end": "end time (P582)"}[var]
    try:
        term = _term(binding, var)
    except _SkipError as exc:
        reasons.append(f"{exc}: not kept")
        return None
    if term is None:
        return None
    value: str = term["value"]
    if term["type"] != "literal":  # "unknown value": an IRI or a blank node
        reasons.append(f"{what} is not a date but a {term['type']} ({value}): not kept")
        return None
    precision_text = _literal(binding, f"{var}Precision", reasons)
    if precision_text is None:
        reasons.append(f"{what} {value} without its precision (?{var}Precision): not kept")
        return None
    try:
        precision = int(precision_text)
    except ValueError:
        reasons.append(f"{what} {value} has a precision that is not a number ({precision_text!r}): not kept")
        return None
    match = _TIME.match(value)
    if match is None:
        reasons.append(f"{what} {value!r} is not a date from year 1 to 9999: not kept")
        return None
    if precision < 9:
        reasons.append(f"{what} {value} is less precise than a year (precision {precision}): not kept")
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        dt.date(year, month if precision >= 10 else 1, day if precision >= 11 else 1)
    except ValueError:
        reasons.append(f"{what} {value!r} is not a date: not kept")
        return None
    return match.group(0)[: {9: 4, 10: 7}.get(precision, 10)]
