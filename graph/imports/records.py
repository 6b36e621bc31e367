"""The neutral records every import reader yields, whatever its format.

A reader streams its files as :data:`Record` values: entities (:class:`Entity`), the
relationships between them (:class:`Relationship`), data assets of a register or an
inventory (:class:`DataAssetRecord`), and the problems it met (:class:`Problem`), each
with where it was read (:class:`Where`: file, line, JSON path). The importer turns them
into RDF, merges entities with those the store knows (by LEI, Wikidata id, registration
number or exact legal name) and reports the problems; readers know nothing of the store.

Keys are the reader's own: an entity's :attr:`Entity.key` is unique within one import
(``"lei:5493001KJTIIGC8Y1R12"``, a BODS ``recordId``, an FtM ``id``), and relationships and
assets name entities by that key. Dates are ISO 8601 text as precise as the source gives
them (``"2021"``, ``"2021-06"``, ``"2021-06-30"``): never completed to a day. Shares are
percentages (0-100).

Examples
--------
>>> where = Where("lei2.csv", line=2)
>>> acme = Entity("lei:ACME", where, "Acme SA", "company", identifiers=(Identifier("LEI", "ACME"),), jurisdiction="FR")
>>> parent = Entity("lei:PARENT", where, "Parent Inc.", "company", jurisdiction="US-DE")
>>> link = Relationship("rr:1", where, subject="lei:ACME", interested="lei:PARENT", kind="consolidation-direct")
>>> [type(r).__name__ for r in (acme, parent, link)]
['Entity', 'Entity', 'Relationship']
>>> str(Problem(Where("rr.csv", line=7), "LEI check digits do not verify: 'X'"))
"rr.csv:7: LEI check digits do not verify: 'X'"
>>> str(Problem(Where("data.json", path="$[3].interests[0]"), "share above 100"))
'data.json $[3].interests[0]: share above 100'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DATA_CATEGORIES",
    "DataAssetRecord",
    "Entity",
    "EntityKind",
    "Identifier",
    "Problem",
    "Record",
    "RelationKind",
    "Relationship",
    "Where",
    "lei_is_valid",
    "with_lei_check_digits",
]

#: What kind of party an entity is; "organization" when the source does not say.
EntityKind = Literal["company", "organization", "person", "state", "public-body", "branch"]

#: What a relationship says. Consolidation (GLEIF level 2) is not ownership: it has kinds of
#: its own, as have branches and directorships.
RelationKind = Literal[
    "shareholding",  # a share of the capital
    "voting-rights",  # a share of the votes
    "control",  # control without a stated share, by other means (articles, law, influence)
    "board-appointment",  # the right to appoint or remove board members
    "consolidation-direct",  # IS_DIRECTLY_CONSOLIDATED_BY: subject consolidated by interested
    "consolidation-ultimate",  # IS_ULTIMATELY_CONSOLIDATED_BY
    "branch",  # IS_INTERNATIONAL_BRANCH_OF: subject is a branch of interested
    "directorship",  # interested directs subject
    "other",
]


@dataclass(frozen=True, slots=True)
class Where:
    """Where a record was read: its file, and its line (1-based) or JSON path when known."""

    file: str
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.path is not None:
            return f"{self.file} {self.path}"
        return self.file


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier of an entity: ``scheme`` is ``LEI``, ``WIKIDATA`` (a Q-id), ``EUID``,
    ``REG`` (a registration number; :attr:`register` names the register or its country),
    or the source's own scheme (``BODS``, ``FTM``, ``OPENSANCTIONS``)."""

    scheme: str
    value: str
    register: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A party: a company, another organization, a person, a state or public body, a branch.

    `jurisdiction` is where it is incorporated or registered (ISO 3166-1 alpha-2, or a
    subdivision such as ``US-DE``), `headquarters` the country of its head office; None
    when the source does not say (never guessed). `status` is the source's own word
    (``ACTIVE``, ``INACTIVE``, ``closed``).
    """

    key: str
    where: Where
    name: str | None
    kind: EntityKind
    identifiers: tuple[Identifier, ...] = ()
    jurisdiction: str | None = None
    headquarters: str | None = None
    aliases: tuple[str, ...] = ()
    status: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Relationship:
    """`interested` (the owner, parent, head office or director) has an interest of `kind` in `subject`.

    Shares are percentages: `share` when exact, else `share_min` / `share_max` (a range,
    as BODS and registers give them). `direct` is False for an indirect interest, None
    when not said. `start` and `end` are the period the relationship holds (an end date
    closes it); `status` is the source's own word.
    """

    key: str
    where: Where
    subject: str
    interested: str
    kind: RelationKind
    share: float | None = None
    share_min: float | None = None
    share_max: float | None = None
    direct: bool | None = None
    start: str | None = None
    end: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class DataAssetRecord:
    """A data asset of a register or an inventory: what data, hosted by whom, where.

    `provider` is the entity key of who hosts it (the ICT third-party provider), or None
    with `service` naming a service longarm knows (an id or a label). `storage` and
    `processing` are ISO countries; `custodians` are entity keys of subcontractors that
    hold the data too; `keys_held_by` the entity key of who holds the encryption keys;
    `owner` the entity key of the data controller; `categories` the data categories as the
    source words them (``personal``, ``health`` …); `function` and `service_type` the
    DORA function identifier and ICT service type (``S01`` … ``S19``).
    """

    key: str
    where: Where
    label: str
    provider: str | None = None
    service: str | None = None
    storage: tuple[str, ...] = ()
    processing: tuple[str, ...] = ()
    custodians: tuple[str, ...] = ()
    keys_held_by: str | None = None
    owner: str | None = None
    categories: tuple[str, ...] = ()
    function: str | None = None
    service_type: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """A record the reader could not take, where it is and why."""

    where: Where
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


#: The data categories an inventory may name, as the words it uses → the ontology's term.
DATA_CATEGORIES: dict[str, str] = {
    "personal": "PersonalData",
    "health": "HealthData",
    "identification": "IdentificationData",
    "secret": "LegallyProtectedSecrets",  # covered by a secret protected by law
    "essential": "EssentialMissionData",  # necessary to the State's essential missions
}

#: What a reader yields.
Record = Entity | Relationship | DataAssetRecord | Problem

_LEI = re.compile(r"[0-9A-Z]{18}[0-9]{2}")


def lei_is_valid(lei: str) -> bool:
    """True if `lei` is 20 characters whose ISO 17442 check digits verify (ISO 7064 MOD 97-10).

    >>> lei_is_valid("969500EXAMPLE0000180"), lei_is_valid("969500EXAMPLE0000181"), lei_is_valid("short")
    (True, False, False)
    """
    return bool(_LEI.fullmatch(lei)) and _mod97(lei) == 1


def with_lei_check_digits(base: str) -> str:
    """The LEI made of an 18-character `base` and its check digits (synthetic data, fixtures).

    >>> with_lei_check_digits("969500EXAMPLE00001")
    '969500EXAMPLE0000180'
    """
    return f"{base}{98 - _mod97(base + '00'):02d}"


#: Each letter as its ISO 7064 number (A = 10 … Z = 35); digits stay.
_AS_DIGITS = str.maketrans({chr(c): str(c - ord("A") + 10) for c in range(ord("A"), ord("Z") + 1)})


def _mod97(code: str) -> int:
    return int(code.translate(_AS_DIGITS)) % 97
