"""DORA register of information (Commission Implementing Regulation (EU) 2024/2956), plain-CSV report package.

A financial entity keeps a register of its ICT contractual arrangements and files it as a
report package: a zip, usually with one root folder, whose ``reports/`` folder holds one
CSV file per template (``b_01.01.csv`` … ``b_99.01.csv``), each headed by the template's
column codes with a ``c`` prefix (``c0010``, ``c0020`` …). This reader takes the zip, or
the package unzipped (its root folder, the folder above it, or its ``reports/`` folder),
and reads three templates; the others are left alone.

``b_05.01.csv`` (ICT third-party service providers) → :class:`~.records.Entity`, keyed by
the provider's identification code (``c0010``):

- its identifier by the type of code ``c0020``: ``LEI`` → ``Identifier("LEI", code)``,
  ``EUID`` → ``Identifier("EUID", code)``, any other type → ``Identifier("REG", code,
  register=<the type as written>)``. Nothing is verified here (the importer checks LEI
  check digits);
- its name: the legal name ``c0050``, or the name in Latin alphabet ``c0060`` when the legal
  name is blank; a Latin name that differs from the legal name is kept as an alias;
- its kind by the type of person ``c0070``: a legal person is a ``company``, a natural
  person (an individual acting in a business capacity) a ``person``; ``organization`` when
  the cell is blank;
- the country of its headquarters ``c0080`` as its headquarters. Its jurisdiction of
  incorporation is not in the register and stays unknown;
- its ultimate parent undertaking ``c0110`` (type of code ``c0120``), when given and not the
  provider's own code (a provider that is its own ultimate parent repeats its own code
  there): an entity known only by that code (no name, kind ``company``, jurisdiction and
  headquarters unknown until another import, GLEIF for one, says more) and a
  :class:`~.records.Relationship` of kind ``control`` from the provider to it. The ITS
  says "ultimate parent undertaking": control, with no share stated and no say whether it
  is direct, so neither is recorded.

``b_02.02.csv`` (contractual arrangements, specific information) →
:class:`~.records.DataAssetRecord`, one per contract reference ``c0010`` and function
identifier ``c0050`` (labelled "function F under contract C"): the provider is the code
``c0030`` (an entity with no name is made for a code that ``b_05.01.csv`` does not list),
the owner the LEI of the financial entity making use of the service ``c0020`` (an entity of
kind ``company`` with that LEI), the ICT service type ``c0060`` (``S01`` … ``S19``),
storage the location of the data at rest ``c0150`` and processing the location of
management of the data ``c0160``. The register gives one location a row ("exploded into
rows"), so the rows of one arrangement and function are merged into one asset that has all
their countries. When rows of one arrangement and function differ in the financial entity,
the provider or the service type, each combination is an asset of its own, so that no
asset claims a value another row gave. The country of provision of the ICT services
``c0130`` is where the service is provided, not where the data is: it is not read.

``b_05.02.csv`` (ICT service supply chain): a provider of rank 2 or more (``c0050``) for a
contract ``c0010`` is a subcontractor. Its code ``c0030`` (type ``c0040``) is added to the
custodians of that contract's assets: of those with the same ICT service type ``c0020``
when both rows give one, of all the contract's assets otherwise. An entity with no name is
made for a subcontractor that ``b_05.01.csv`` does not list. The register says that a
subcontractor takes part in providing the service, not that it holds the data: a custodian
read from it is one that may hold the data.

Values of closed lists are read as the EBA QNames of the xBRL-CSV package
(``eba_GA:FR``, ``eba_TA:S17``) or plain (``FR``, ``S17``): the ``eba_…:`` prefix is
dropped and country codes are upper-cased. Countries must be ISO 3166-1 alpha-2 codes; the
member ``eba_GA:qx2007`` ("not applicable", which exporters put in a key column that has no
country) gives no country. The EBA members read for types of code (``eba_qCO:qx2000``
LEI, ``eba_qCO:qx2002`` EUID) and types of person (``eba_CT:x212`` legal person,
``eba_CT:x213`` natural person) come from exporters' and validators' code that agree with
one another, not from the EBA's published list, which we have not read; other members of
the type-of-code list are kept as written as the register of a ``REG`` identifier.

Bad input is reported as a :class:`~.records.Problem` (file and CSV line where the row
starts; a file in a zip is named ``<zip>/<member>``) and reading goes on: a missing
template is one problem (what is lost with it is said); a file that lacks a column read
here is skipped whole with one problem; a row without the code it is keyed by, with a rank
that is not a whole number, with more cells than the header, or a provider listed twice is
skipped; an invalid country code is left out of its row, an unknown type of person or
service type left unsaid, and an identifier without a type of code not recorded. A file
that cannot be decoded (UTF-8, with or without a byte-order mark) is read up to the damage.
Nothing is raised for bad data.

Entity keys are the codes as the register writes them, so that the providers of
``b_02.02.csv`` and ``b_05.02.csv`` name the entities of ``b_05.01.csv``; an entity is
yielded once, the first time it is met, and :func:`read` yields entities before the
relationships and assets that name them.

Notes
-----
Sources, as gathered in the project's research notes (``provider-facts-3.md`` §6): the
column meanings come from secondary sources that agree with one another (a template guide,
exporters' code with the ITS column comments, vendor documentation); the ITS's Annex I
table was not read from EUR-Lex itself. That multiple locations are "exploded into rows"
comes from the same sources. The file layout (``reports/b_05.01.csv``, ``c``-prefixed
headers, lower-case file names, closed lists as QNames) comes from exporters built against
the EBA's sample package, not from the sample package itself. The EBA members named above
(``qx2000``, ``qx2002``, ``x212``, ``x213``, ``qx2007``) come from several exporters and
validators that agree; the EBA's own list of values was not read. The reader does not
interpret the S01-S19 service types (the research is unsure which one is which cloud
service); it passes them on.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> tmp = tempfile.TemporaryDirectory()
>>> reports = Path(tmp.name) / "register" / "reports"
>>> reports.mkdir(parents=True)
>>> _ = (reports / "b_05.01.csv").write_text(
...     "c0010,c0020,c0050,c0060,c0070,c0080,c0110,c0120\\n"
...     "9695000EXAMPLEALPH69,eba_qCO:qx2000,Alpha Cloud SAS,,eba_CT:x212,eba_GA:FR,"
...     "5493000EXAMPLEPRNT39,eba_qCO:qx2000\\n")
>>> _ = (reports / "b_02.02.csv").write_text(
...     "c0010,c0020,c0030,c0040,c0050,c0060,c0130,c0150,c0160\\n"
...     "CTR-1,9695000EXAMPLEBANK03,9695000EXAMPLEALPH69,LEI,F-PAY,eba_TA:S17,eba_GA:DE,eba_GA:FR,eba_GA:FR\\n"
...     "CTR-1,9695000EXAMPLEBANK03,9695000EXAMPLEALPH69,LEI,F-PAY,eba_TA:S17,eba_GA:DE,eba_GA:US,eba_GA:FR\\n")
>>> _ = (reports / "b_05.02.csv").write_text("c0010,c0020,c0030,c0040,c0050\\n"
...     "CTR-1,S17,9695000EXAMPLESUBC61,LEI,2\\n")
>>> looks_like_dora(reports.parent)
True
>>> records = list(read([reports.parent]))
>>> for record in records:
...     print(type(record).__name__, record.key)
Entity 9695000EXAMPLEALPH69
Entity 5493000EXAMPLEPRNT39
Relationship ultimate-parent:9695000EXAMPLEALPH69:5493000EXAMPLEPRNT39
Entity 9695000EXAMPLESUBC61
Entity 9695000EXAMPLEBANK03
DataAssetRecord asset:CTR-1|F-PAY|9695000EXAMPLEALPH69|S17|9695000EXAMPLEBANK03
>>> parent, link, asset = records[1], records[2], records[-1]
>>> parent.name, parent.identifiers, link.kind, link.subject, link.interested  # doctest: +NORMALIZE_WHITESPACE
(None, (Identifier(scheme='LEI', value='5493000EXAMPLEPRNT39', register=None),), 'control',
 '9695000EXAMPLEALPH69', '5493000EXAMPLEPRNT39')
>>> asset.label, asset.storage, asset.processing, asset.custodians, asset.service_type
('function F-PAY under contract CTR-1', ('FR', 'US'), ('FR',), ('9695000EXAMPLESUBC61',), 'S17')
>>> tmp.cleanup()
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .records import DataAssetRecord, Entity, EntityKind, Identifier, Problem, Record, Relationship, Where

__all__ = ["FORMAT", "looks_like_dora", "read"]

#: The name of this format, as the import command knows it.
FORMAT = "dora"

_PROVIDERS = "b_05.01.csv"
_SERVICES = "b_02.02.csv"
_CHAIN = "b_05.02.csv"
_TEMPLATES = (_PROVIDERS, _SERVICES, _CHAIN)

#: The columns read from each template: a file without one of them is not read.
_COLUMNS: dict[str, tuple[str, ...]] = {
    _PROVIDERS: ("c0010", "c0020", "c0050", "c0060", "c0070", "c0080", "c0110", "c0120"),
    _SERVICES: ("c0010", "c0020", "c0030", "c0040", "c0050", "c0060", "c0150", "c0160"),
    _CHAIN: ("c0010", "c0020", "c0030", "c0040", "c0050"),
}

#: What is lost when a template is missing from a package.
_WITHOUT = {
    _PROVIDERS: "providers are known by their code only",
    _SERVICES: "no data asset is read",
    _CHAIN: "no subcontractor is read",
}

#: A template's CSV file in a zip: at its top or under one root folder.
_MEMBER = re.compile(r"(?:[^/]+/)?reports/(?P<template>b_\d\d\.\d\d\.csv)", re.IGNORECASE)
#: The prefix of an EBA QName (``eba_GA:``, ``eba_TA:``, ``eba_qCO:``).
_QNAME_PREFIX = re.compile(r"eba_[A-Za-z0-9]+:")
#: The ICT service types of Annex III of the ITS.
_SERVICE_TYPE = re.compile(r"S(?:0[1-9]|1[0-9])")
_RANK = re.compile(r"\d+")
#: The EBA member that says a country column does not apply.
_NOT_APPLICABLE = "QX2007"
_LEI_TYPES = frozenset({"LEI", "QX2000"})
_EUID_TYPES = frozenset({"EUID", "QX2002"})
_LEGAL_PERSON = "X212"
_NATURAL_PERSON = "X213"

#: ISO 3166-1 alpha-2 codes (249), from Debian's iso-codes 4.15 (``iso_3166-1.json``).
_ISO_3166_1_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
    FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
    JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
    MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
    TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
_ISO_3166_1 = frozenset(_ISO_3166_1_CODES.split())

#: What can go wrong while a file is read: bad bytes, bad CSV, a damaged zip member.
_READ_ERRORS = (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, zlib.error, EOFError, OSError)


def read(paths: Sequence[Path]) -> Iterator[Record]:
    """The records of DORA register-of-information packages, each a zip or a folder.

    Parameters
    ----------
    paths
        Report packages: zips (with or without one root folder), or folders (the package's
        root folder, the folder holding it, or its ``reports/`` folder).

    Yields
    ------
    Record
        Per package, the providers of ``b_05.01.csv`` (then their ultimate parents and the
        control relationships to them), the subcontractors of ``b_05.02.csv`` and the
        financial entities and providers of ``b_02.02.csv`` that were not yet known, then
        the data assets; problems where they are met. A key is yielded once per call: an
        entity or a relationship met again (in a later package) is not yielded again, and
        an asset met again is a problem (two registers of one financial entity: the first
        is read).
    """
    emitted: set[str] = set()
    for path in paths:
        yield from _read_package(Path(path), emitted)


def looks_like_dora(path: Path) -> bool:
    """True if `path` is a DORA register-of-information package, by its content.

    A package is a zip or a folder (as :func:`read` takes them) with a ``reports/``
    ``b_05.01.csv``, ``b_02.02.csv`` or ``b_05.02.csv`` whose header starts with ``c0010``.
    Never raises: a file that cannot be read is not a package.

    Parameters
    ----------
    path
        A file or folder.

    Returns
    -------
    bool
        Whether :func:`read` would find a register in it.
    """
    try:
        with _open_package(Path(path)) as package:
            for _name, opener in package.files.values():
                with opener() as raw:
                    first = raw.readline(4096).decode("utf-8-sig", errors="replace")
                if first.split(",", 1)[0].strip().strip('"').lower() == "c0010":
                    return True
    except (*_READ_ERRORS, ValueError):
        return False
    return False


# --- packages ------------------------------------------------------------------------------------


@dataclass
class _Package:
    """The templates found in a package (template → display name and a binary opener), and what went wrong."""

    files: dict[str, tuple[str, Callable[[], IO[bytes]]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    recognised: bool = False


@contextmanager
def _open_package(path: Path) -> Iterator[_Package]:
    """The package at `path`, a zip or a folder; its zip, if any, open while the caller reads."""
    package = _Package()
    label = path.name or str(path)
    if path.is_dir():
        reports = _reports_folder(path)
        if reports is not None:
            package.recognised = True
            found = {p.name.lower(): p for p in reports.iterdir() if p.is_file()}
            for template in _TEMPLATES:
                if template in found:
                    file = found[template]
                    display = "/".join(part for part in (path.name, *file.relative_to(path).parts) if part)
                    package.files[template] = (display, _file_opener(file))
        yield package
        return
    if not path.is_file():
        package.problems.append(Problem(Where(label), "no such file or folder"))
        yield package
        return
    if not zipfile.is_zipfile(path):
        package.problems.append(Problem(Where(label), "neither a zip nor a folder"))
        yield package
        return
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            match = _MEMBER.fullmatch(info.filename)
            if match is None or info.is_dir():
                continue
            package.recognised = True
            template = match["template"].lower()
            if template not in _TEMPLATES:
                continue
            display = f"{label}/{info.filename}"
            if template in package.files:
                first = package.files[template][0]
                package.problems.append(
                    Problem(Where(display), f"a second {template} in the zip: only {first} is read")
                )
                continue
            package.files[template] = (display, _member_opener(archive, info))
        yield package


def _reports_folder(path: Path) -> Path | None:
    """The ``reports/`` folder of the package at `path`: the folder itself, its ``reports/``, or its one root's."""
    if (path / "reports").is_dir():
        return path / "reports"
    if any(p.is_file() and p.name.lower() in _TEMPLATES for p in path.iterdir()):
        return path
    roots = [d for d in path.iterdir() if d.is_dir() and (d / "reports").is_dir()]
    return roots[0] / "reports" if len(roots) == 1 else None


def _file_opener(file: Path) -> Callable[[], IO[bytes]]:
    return lambda: file.open("rb")


def _member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(info)


# --- CSV rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    where: Where
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


def _rows(name: str, opener: Callable[[], IO[bytes]], columns: tuple[str, ...]) -> Iterator[_Row | Problem]:
    """The rows of one template file, with the CSV line each starts on; problems where the file is bad."""
    line = 0
    try:
        with opener() as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                yield Problem(Where(name), "empty file: no header")
                return
            names = [h.strip().lower() for h in header]
            missing = [c for c in columns if c not in names]
            if missing:
                yield Problem(Where(name, line=1), f"no column {', '.join(missing)}: file not read")
                return
            index = {c: names.index(c) for c in columns}
            line = reader.line_num
            for cells in reader:
                start, line = line + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
                    yield Problem(Where(name, line=start), f"{len(cells)} cells for {len(names)} columns: row skipped")
                    continue
                values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in index.items()}
                yield _Row(Where(name, line=start), values)
    except _READ_ERRORS as error:
        yield Problem(Where(name, line=line + 1 if line else None), f"cannot be read past here: {error}")


# --- values --------------------------------------------------------------------------------------


def _closed(value: str) -> str:
    """A closed-list value without its EBA QName prefix: ``eba_GA:FR`` → ``FR``."""
    value = value.strip()
    match = _QNAME_PREFIX.match(value)
    return value[match.end() :].strip() if match else value


def _country(row: _Row, column: str, problems: list[Problem]) -> str | None:
    """The ISO 3166-1 country of `column`, or None (blank or not applicable); a problem if it is not one."""
    code = _closed(row[column]).upper()
    if not code or code == _NOT_APPLICABLE:
        return None
    if code in _ISO_3166_1:
        return code
    problems.append(Problem(row.where, f"{column}: not an ISO 3166-1 country code: {row[column]!r}"))
    return None


def _identifiers(code: str, code_type: str, row: _Row, column: str, problems: list[Problem]) -> tuple[Identifier, ...]:
    """The identifier `code` is, by its type of code (`code_type`, read from `column`)."""
    kind = _closed(code_type).upper()
    if not kind:
        problems.append(Problem(row.where, f"{column}: no type of code for {code!r}: its identifier is not recorded"))
        return ()
    if kind in _LEI_TYPES:
        return (Identifier("LEI", code),)
    if kind in _EUID_TYPES:
        return (Identifier("EUID", code),)
    return (Identifier("REG", code, register=code_type.strip()),)


def _person_kind(row: _Row, problems: list[Problem]) -> EntityKind:
    """The kind of a provider by its type of person (``c0070``)."""
    value = _closed(row["c0070"]).upper()
    if not value:
        return "organization"
    if value == _LEGAL_PERSON or value.startswith("LEGAL"):
        return "company"
    if value == _NATURAL_PERSON or value.startswith(("NATURAL", "INDIVIDUAL")):
        return "person"
    problems.append(Problem(row.where, f"c0070: unknown type of person {row['c0070']!r}: kind left unsaid"))
    return "organization"


def _service_type(value: str, row: _Row, column: str, problems: list[Problem]) -> str | None:
    """An ICT service type ``S01`` … ``S19``, or None; a problem if the value is another."""
    code = _closed(value).upper()
    if not code:
        return None
    if _SERVICE_TYPE.fullmatch(code):
        return code
    problems.append(Problem(row.where, f"{column}: not an ICT service type S01-S19: {value!r}"))
    return None


# --- templates -----------------------------------------------------------------------------------


@dataclass
class _Asset:
    """A data asset being gathered from the rows of one arrangement and function."""

    where: Where
    contract: str
    function: str
    provider: str
    service_type: str | None
    owner: str | None
    storage: list[str] = field(default_factory=list)
    processing: list[str] = field(default_factory=list)


def _read_package(path: Path, emitted: set[str]) -> Iterator[Record]:
    label = path.name or str(path)
    try:
        with _open_package(path) as package:
            yield from package.problems
            if not package.files:
                if package.recognised or not package.problems:
                    yield Problem(
                        Where(label), "no reports/b_05.01.csv, b_02.02.csv or b_05.02.csv: not a DORA register"
                    )
                return
            for template in _TEMPLATES:
                if template not in package.files:
                    yield Problem(Where(label), f"no reports/{template} in the package: {_WITHOUT[template]}")
            subcontractors: dict[str, list[tuple[str, str | None]]] = {}
            if _PROVIDERS in package.files:
                yield from _providers(*package.files[_PROVIDERS], emitted)
            if _CHAIN in package.files:
                yield from _chain(*package.files[_CHAIN], emitted, subcontractors)
            if _SERVICES in package.files:
                yield from _services(*package.files[_SERVICES], emitted, subcontractors)
    except _READ_ERRORS as error:
        yield Problem(Where(label), f"cannot be read: {error}")


def _providers(name: str, opener: Callable[[], IO[bytes]], emitted: set[str]) -> Iterator[Record]:
    """``b_05.01.csv``: the providers as read, then their ultimate parents and the control relationships."""
    seen: dict[str, int | None] = {}
    parents: dict[str, Entity] = {}
    links: list[Relationship] = []
    for row in _rows(name, opener, _COLUMNS[_PROVIDERS]):
        if isinstance(row, Problem):
            yield row
            continue
        code = row["c0010"]
        if not code:
            yield Problem(
                row.where, "c0010: no identification code of the ICT third-party service provider: row skipped"
            )
            continue
        if code in seen:
            yield Problem(row.where, f"provider {code!r} listed again (first at line {seen[code]}): row skipped")
            continue
        seen[code] = row.where.line
        problems: list[Problem] = []
        legal, latin = row["c0050"], row["c0060"]
        entity = Entity(
            key=code,
            where=row.where,
            name=legal or latin or None,
            kind=_person_kind(row, problems),
            identifiers=_identifiers(code, row["c0020"], row, "c0020", problems),
            headquarters=_country(row, "c0080", problems),
            aliases=(latin,) if legal and latin and latin != legal else (),
        )
        yield from problems
        if code not in emitted:
            emitted.add(code)
            yield entity
        parent = row["c0110"]
        if parent and parent != code:
            problems = []
            if parent not in parents:
                ids = _identifiers(parent, row["c0120"], row, "c0120", problems)
                parents[parent] = Entity(key=parent, where=row.where, name=None, kind="company", identifiers=ids)
            yield from problems
            links.append(
                Relationship(
                    key=f"ultimate-parent:{code}:{parent}",
                    where=row.where,
                    subject=code,
                    interested=parent,
                    kind="control",
                )
            )
    for key, parent_entity in parents.items():
        if key not in emitted:
            emitted.add(key)
            yield parent_entity
    for link in links:
        if link.key not in emitted:  # the same link read from an earlier package
            emitted.add(link.key)
            yield link


def _chain(
    name: str,
    opener: Callable[[], IO[bytes]],
    emitted: set[str],
    subcontractors: dict[str, list[tuple[str, str | None]]],
) -> Iterator[Record]:
    """``b_05.02.csv``: the subcontractors (rank 2 or more) of each contract, into `subcontractors`."""
    for row in _rows(name, opener, _COLUMNS[_CHAIN]):
        if isinstance(row, Problem):
            yield row
            continue
        contract, code, rank = row["c0010"], row["c0030"], row["c0050"]
        if not contract:
            yield Problem(row.where, "c0010: no contractual arrangement reference: row skipped")
            continue
        if not code:
            yield Problem(
                row.where, "c0030: no identification code of the ICT third-party service provider: row skipped"
            )
            continue
        if not _RANK.fullmatch(rank) or int(rank) < 1:
            yield Problem(row.where, f"c0050: not a rank (1, 2 …): {rank!r}: row skipped")
            continue
        if int(rank) == 1:
            continue  # the direct provider, as b_02.02.csv names it
        problems: list[Problem] = []
        service_type = _service_type(row["c0020"], row, "c0020", problems)
        ids = _identifiers(code, row["c0040"], row, "c0040", problems)
        yield from problems
        if code not in emitted:
            emitted.add(code)
            yield Entity(key=code, where=row.where, name=None, kind="organization", identifiers=ids)
        chain = subcontractors.setdefault(contract, [])
        if (code, service_type) not in chain:
            chain.append((code, service_type))


def _services(
    name: str,
    opener: Callable[[], IO[bytes]],
    emitted: set[str],
    subcontractors: dict[str, list[tuple[str, str | None]]],
) -> Iterator[Record]:
    """``b_02.02.csv``: the financial entities and unknown providers as met, then the data assets."""
    assets: dict[tuple[str, str, str, str | None, str | None], _Asset] = {}
    for row in _rows(name, opener, _COLUMNS[_SERVICES]):
        if isinstance(row, Problem):
            yield row
            continue
        contract, owner, provider, function = row["c0010"], row["c0020"], row["c0030"], row["c0050"]
        if not contract:
            yield Problem(row.where, "c0010: no contractual arrangement reference: row skipped")
            continue
        if not provider:
            yield Problem(
                row.where, "c0030: no identification code of the ICT third-party service provider: row skipped"
            )
            continue
        if not function:
            yield Problem(row.where, "c0050: no function identifier: row skipped")
            continue
        problems: list[Problem] = []
        service_type = _service_type(row["c0060"], row, "c0060", problems)
        storage = _country(row, "c0150", problems)
        processing = _country(row, "c0160", problems)
        if provider not in emitted:
            ids = _identifiers(provider, row["c0040"], row, "c0040", problems)
            emitted.add(provider)
            yield Entity(key=provider, where=row.where, name=None, kind="organization", identifiers=ids)
        if owner and owner not in emitted:
            emitted.add(owner)
            yield Entity(key=owner, where=row.where, name=None, kind="company", identifiers=(Identifier("LEI", owner),))
        yield from problems
        group = (contract, function, provider, service_type, owner or None)
        asset = assets.get(group)
        if asset is None:
            asset = assets[group] = _Asset(row.where, contract, function, provider, service_type, owner or None)
        if storage and storage not in asset.storage:
            asset.storage.append(storage)
        if processing and processing not in asset.processing:
            asset.processing.append(processing)
    for group, asset in assets.items():
        key = "asset:" + "|".join(part or "" for part in group)
        if key in emitted:
            yield Problem(
                asset.where, f"{asset.contract} / {asset.function}: already read from an earlier package: skipped"
            )
            continue
        emitted.add(key)
        custodians = tuple(
            dict.fromkeys(
                code
                for code, service_type in subcontractors.get(asset.contract, ())
                if code != asset.provider
                and (service_type is None or asset.service_type is None or service_type == asset.service_type)
            )
        )
        yield DataAssetRecord(
            key=key,
            where=asset.where,
            label=f"function {asset.function} under contract {asset.contract}",
            provider=asset.provider,
            storage=tuple(asset.storage),
            processing=tuple(asset.processing),
            custodians=custodians,
            owner=asset.owner,
            function=asset.function,
            service_type=asset.service_type,
        )
