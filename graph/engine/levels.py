"""Requirements graded in levels (the SEAL levels of the EU Cloud Sovereignty Framework): which level is reached.

A graded requirement lists its levels (``lx:level``, each with an ``lx:rank`` from 0) and
its criteria, each required from one level up (``lx:requiredFor``; a criterion with none
is required for every level). A level is

- ``fail`` when a criterion required for it fails (and so every level above it fails);
- ``pass`` when every criterion required for it passes, or a level above it passes;
- ``unknown`` otherwise: a criterion it needs is unknown, or cannot be assessed from the
  record (``lx:NotAssessable``).

The outcome is a range: the highest level shown reached, and the highest level not ruled
out. It is one level when the facts settle it.

Examples
--------
>>> from longarm.graph.projection.model import Level, Requirement, RequirementCriterion
>>> from longarm.graph.engine.criteria import CriterionResult
>>> levels = [Level(f"l{i}", label=f"L-{i}", rank=i) for i in range(3)]
>>> seat = RequirementCriterion("seat", label="seat", level="l1")
>>> caps = RequirementCriterion("caps", label="caps", level="l2")
>>> req = Requirement("r", levels=levels, criteria=[seat, caps])
>>> g = grade(req, [CriterionResult(seat, "pass", ()), CriterionResult(caps, "unknown", ())])
>>> g.words, [x.status for x in g.levels]
('L-1 to L-2', ['pass', 'pass', 'unknown'])
"""

from __future__ import annotations

from dataclasses import dataclass

from ..projection.model import Level, Requirement
from .criteria import CriterionResult, Status

__all__ = ["Grade", "LevelResult", "grade"]


@dataclass(frozen=True, slots=True)
class LevelResult:
    """One level: whether it is reached, and the criteria that keep it from being sure (clause or label)."""

    level: Level
    status: Status
    failed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Grade:
    """The levels reached: `floor` is the highest shown reached, `ceiling` the highest not ruled out."""

    levels: tuple[LevelResult, ...]
    floor: Level | None
    ceiling: Level | None

    @property
    def words(self) -> str:
        """``"SEAL-1"``, ``"SEAL-2 to SEAL-3"``, ``"at most SEAL-2"`` or ``"none of its levels"``."""
        if self.ceiling is None:
            return "none of its levels"
        if self.floor is None:
            return f"at most {self.ceiling.label}"
        if self.floor.iri == self.ceiling.iri:
            return self.floor.label
        return f"{self.floor.label} to {self.ceiling.label}"


def grade(requirement: Requirement, results: list[CriterionResult]) -> Grade | None:
    """The levels of a graded `requirement` the criterion `results` reach; None for a requirement without levels."""
    if not requirement.levels:
        return None
    return _grade(sorted(requirement.levels, key=lambda x: x.rank), results)


def _grade(levels: list[Level], results: list[CriterionResult]) -> Grade:
    rank = {x.iri: x.rank for x in levels}
    lowest = levels[0].rank
    raw: list[tuple[Status, tuple[str, ...], tuple[str, ...]]] = []
    for level in levels:
        needed = [r for r in results if rank.get(r.criterion.level or "", lowest) <= level.rank]
        failed = tuple(_name(r) for r in needed if r.status == "fail")
        unknown = tuple(_name(r) for r in needed if r.status == "unknown")
        status: Status = "fail" if failed else "unknown" if unknown else "pass"
        raw.append((status, failed, unknown))
    out = []
    for i, level in enumerate(levels):
        status, failed, unknown = raw[i]
        if status == "unknown" and any(s == "pass" for s, _, _ in raw[i + 1 :]):
            status = "pass"  # a higher level reached implies this one
        out.append(LevelResult(level, status, failed, unknown))
    reached = [x.level for x in out if x.status == "pass"]
    open_ = [x.level for x in out if x.status != "fail"]
    return Grade(tuple(out), reached[-1] if reached else None, open_[-1] if open_ else None)


def _name(result: CriterionResult) -> str:
    return result.criterion.clause or result.criterion.label
