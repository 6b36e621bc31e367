"""Requirements graded in levels: the SEAL level of the EU Cloud Sovereignty Framework's SOV-2, as a range."""

from __future__ import annotations

import datetime as dt

import pytest

from longarm.graph.engine.assess import assess, find_requirement
from longarm.graph.engine.criteria import CriterionResult, Status
from longarm.graph.engine.levels import grade
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import Level, Projection, Requirement, RequirementCriterion, iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.graph.views.assessment import assessment_to_dict, assessment_to_text

AS_OF = dt.date(2026, 6, 1)
LEVELS = [Level(f"l{i}", label=f"L{i}", rank=i) for i in range(4)]


def _graded(*statuses: tuple[str | None, Status]) -> str:
    """The words of the grade reached by criteria (level they are required for, status)."""
    criteria = [RequirementCriterion(f"c{i}", label=f"c{i}", level=lv) for i, (lv, _) in enumerate(statuses)]
    req = Requirement("r", levels=LEVELS, criteria=criteria)
    g = grade(req, [CriterionResult(c, s, ()) for c, (_, s) in zip(criteria, statuses, strict=True)])
    assert g is not None
    return g.words


@pytest.mark.parametrize(
    ("case", "statuses", "words"),
    [
        ("every criterion passes", [("l1", "pass"), ("l2", "pass"), ("l3", "pass")], "L3"),
        ("the first level's criterion fails", [("l1", "fail"), ("l2", "pass")], "L0"),
        ("an unknown in the middle", [("l1", "pass"), ("l2", "unknown"), ("l3", "fail")], "L1 to L2"),
        (
            "a higher level reached implies the one below",
            [("l1", "pass"), ("l2", "unknown"), ("l3", "pass")],
            "L1 to L3",
        ),
        ("a criterion for every level fails", [(None, "fail")], "none of its levels"),
        ("a criterion for every level is unknown", [(None, "unknown"), ("l2", "fail")], "at most L1"),
    ],
)
def test_levels_reached(case: str, statuses: list[tuple[str | None, Status]], words: str) -> None:
    assert _graded(*statuses) == words


def test_a_level_above_reached_settles_an_unknown_one_below() -> None:
    criteria = [RequirementCriterion("a", label="a", level="l2"), RequirementCriterion("b", label="b", level="l3")]
    g = grade(Requirement("r", levels=LEVELS, criteria=criteria), [CriterionResult(criteria[0], "unknown", ())])
    assert g is not None and [x.status for x in g.levels] == ["pass", "pass", "unknown", "unknown"]
    assert g.levels[2].unknown == ("a",)  # what keeps it open, by clause or label


def test_a_requirement_without_levels_has_no_grade() -> None:
    assert grade(Requirement("r", criteria=[]), []) is None


@pytest.fixture(scope="module")
def bundled() -> Projection:
    store = Store.in_memory()
    load_bundled(store)
    return projection_for(store)


SEAL = [
    # (provider, level, a clause that rules a level out, a level that must not be shown reached)
    ("aws-european-sovereign-cloud-gmbh", "SEAL-1", "SEAL-2 (no exclusive non-EU control)", "SEAL-2"),
    ("s3ns", "SEAL-2 to SEAL-3", "SEAL-4 (no non-EU dependency)", "SEAL-3"),
    ("amazon-web-services-inc", "SEAL-0", "SEAL-1 (EU law applies)", "SEAL-1"),
]


@pytest.mark.parametrize(("org", "words", "ruled_out_by", "not_reached"), SEAL, ids=[c[0] for c in SEAL])
def test_the_seal_level_of_sov_2_on_the_bundled_data(
    bundled: Projection, org: str, words: str, ruled_out_by: str, not_reached: str
) -> None:
    a = assess(bundled, iri("org", org), find_requirement(bundled, "eu-csf-sov-2"), AS_OF)
    data = assessment_to_dict(bundled, a)
    assert data["level"]["words"] == words
    levels = {x["label"]: x for x in data["level"]["levels"]}
    assert levels[not_reached]["status"] != "pass"
    assert any(ruled_out_by in x["failed"] for x in levels.values())
    assert all(x["definition"] for x in levels.values())  # each level with the framework's words
    assert data["requirement"]["source"] and all(c["source"] for c in data["criteria"])  # cited
    assert next(c for c in data["criteria"] if c["clause"] == ruled_out_by)["required_for"]
    text = assessment_to_text(bundled, a)
    assert text.splitlines()[0].endswith(f"as of 2026-06-01: {words}") and "ruled out" in text
