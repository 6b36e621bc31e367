"""What an answer could not evaluate: verdicts and gaps.

Unknown is not "none". Every answer of the reach engine carries a :class:`Verdict` —
``exposed`` (someone may be compelled), ``none_found`` (no instrument reaches the data and
every rule could be evaluated) or ``incomplete`` (nothing found, but facts the engine
needed are missing) — and its :class:`Gap` list: each fact the engine needed and did not
find, of a closed set of :class:`GapKind`.

Examples
--------
>>> verdict_of(exposures=0, gaps=[])
<Verdict.NONE_FOUND: 'none_found'>
>>> gap = Gap(GapKind.NO_LOCATION, "urn:x", "no storage location is recorded")
>>> verdict_of(exposures=0, gaps=[gap]).value, verdict_of(exposures=2, gaps=[gap]).value
('incomplete', 'exposed')
>>> GapKind.NO_LOCATION.iri == str(LX.NoLocation)
True
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...ontology.namespace import LX

__all__ = ["Gap", "GapKind", "Verdict", "verdict_of"]


class Verdict(enum.Enum):
    """What an answer found (``lx:Verdicts`` in the ontology)."""

    EXPOSED = "exposed"
    NONE_FOUND = "none_found"
    INCOMPLETE = "incomplete"

    @property
    def iri(self) -> str:
        return str({"exposed": LX.Exposed, "none_found": LX.NoneFound, "incomplete": LX.Incomplete}[self.value])

    @property
    def words(self) -> str:
        """The verdict as a heading of a text answer."""
        return {
            "exposed": "Exposed: someone may be compelled to give access",
            "none_found": "None found: no recorded instrument reaches this data, and every rule could be evaluated",
            "incomplete": "Incomplete: nothing found, but facts the answer needs are missing (unknown, not none)",
        }[self.value]


class GapKind(enum.Enum):
    """The kinds of fact an answer can lack (``lx:GapKinds`` in the ontology)."""

    NO_SERVICE = "no_service"
    NO_LOCATION = "no_location"
    NO_OPERATOR = "no_operator"
    UNCERTAIN_FACT = "uncertain_fact"
    NOT_IN_EXISTENCE = "not_in_existence"
    SUBSIDIARIES_NOT_RECORDED = "subsidiaries_not_recorded"
    OWNERS_NOT_RECORDED = "owners_not_recorded"
    JURISDICTION_UNKNOWN = "jurisdiction_unknown"
    CATEGORY_UNKNOWN = "category_unknown"

    @property
    def iri(self) -> str:
        return str(getattr(LX, _CONCEPTS[self.value]))


_CONCEPTS = {
    "no_service": "NoRecordedService",
    "no_location": "NoLocation",
    "no_operator": "NoOperator",
    "uncertain_fact": "UncertainFact",
    "not_in_existence": "NotInExistence",
    "subsidiaries_not_recorded": "SubsidiariesNotRecorded",
    "owners_not_recorded": "OwnersNotRecorded",
    "jurisdiction_unknown": "JurisdictionUnknown",
    "category_unknown": "CategoryUnknown",
}


@dataclass(frozen=True)
class Gap:
    """One fact an answer needed and did not find: its kind, the node it is about (an IRI,
    or the described asset's label), a sentence, and the caveats the data gives on that node."""

    kind: GapKind
    subject: str
    message: str
    caveats: tuple[str, ...] = field(default=())


def verdict_of(*, exposures: int, gaps: Sequence[Gap]) -> Verdict:
    """``exposed`` if anything was found; otherwise ``incomplete`` when a gap exists, else ``none_found``."""
    if exposures:
        return Verdict.EXPOSED
    return Verdict.INCOMPLETE if gaps else Verdict.NONE_FOUND
