"""GLEIF Golden Copy CSV: Level 1 entities, Level 2 relationships and reporting exceptions, zipped or not."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from longarm.graph.imports.gleif import ReportingException, lei_is_valid, read
from longarm.graph.imports.records import Entity, Problem, Relationship

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "gleif"
CHILD, PARENT, BRANCH = "969500EXAMPLECHLD154", "549300EXAMPLEPRNT142", "969500EXAMPLEBRCH118"


@pytest.mark.parametrize(
    ("lei", "valid"),
    [
        ("969500MCOONR8990S771", True),  # Orange S.A., as the bundled data gives it
        (CHILD, True),
        ("969500EXAMPLECHLD155", False),  # one check digit off
        ("969500example0000180", False),  # lower case
        ("969500EXAMPLE00001", False),  # too short
        ("969500EXAMPLE000018X", False),  # check digits must be digits
    ],
)
def test_lei_check_digits(lei: str, valid: bool) -> None:
    assert lei_is_valid(lei) is valid


def _records(*names: str) -> list[object]:
    return list(read([FIXTURES / n for n in names]))


def test_level_1_entities() -> None:
    records = _records("lei2.csv")
    entities = {r.key: r for r in records if isinstance(r, Entity)}
    assert set(entities) == {f"lei:{CHILD}", f"lei:{PARENT}", f"lei:{BRANCH}"}
    child = entities[f"lei:{CHILD}"]
    assert (child.name, child.kind, child.jurisdiction, child.headquarters) == (
        "Example Cloud SAS",
        "company",
        "FR",
        "FR",
    )
    assert child.aliases == ("Example Cloud",)  # the name, not its language or type columns
    assert child.start == "2019-03-01"
    assert [(i.scheme, i.value, i.register) for i in child.identifiers] == [
        ("LEI", CHILD, None),
        ("REG", "900000001", "RA000189"),
    ]
    assert entities[f"lei:{PARENT}"].jurisdiction == "US-DE" and entities[f"lei:{PARENT}"].start is None
    assert entities[f"lei:{BRANCH}"].kind == "branch"
    [problem] = [r for r in records if isinstance(r, Problem)]
    assert str(problem) == "lei2.csv:5: LEI check digits do not verify: '969500EXAMPLECHLD155'"


def test_level_2_relationships_take_the_relationship_period() -> None:
    records = _records("rr.csv")
    assert not [r for r in records if isinstance(r, Problem)]
    relations = {r.kind: r for r in records if isinstance(r, Relationship)}
    assert set(relations) == {"consolidation-direct", "branch"}  # the fund relationship is left out
    direct = relations["consolidation-direct"]
    assert (direct.subject, direct.interested) == (f"lei:{CHILD}", f"lei:{PARENT}")
    assert (direct.start, direct.end, direct.share, direct.status) == ("2020-06-15", None, 100.0, "ACTIVE")
    assert relations["branch"].subject == f"lei:{BRANCH}"


def test_reporting_exceptions() -> None:
    [exception] = _records("repex.csv")
    assert isinstance(exception, ReportingException)
    assert (exception.entity, exception.category, exception.reasons) == (
        f"lei:{PARENT}",
        "DIRECT_ACCOUNTING_CONSOLIDATION_PARENT",
        ("NON_CONSOLIDATING",),
    )


def test_zipped_files_read_as_the_plain_ones(tmp_path: Path) -> None:
    archive = tmp_path / "golden-copy.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("lei2.csv", "rr.csv"):
            z.write(FIXTURES / name, name)
    zipped = [r for r in read([archive]) if not isinstance(r, Problem)]
    plain = [r for r in _records("lei2.csv", "rr.csv") if not isinstance(r, Problem)]
    assert [(type(r), getattr(r, "key", None)) for r in zipped] == [(type(r), getattr(r, "key", None)) for r in plain]


def test_a_file_of_another_kind_is_one_problem(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    [problem] = read([other])
    assert isinstance(problem, Problem) and "not a GLEIF Golden Copy file" in problem.reason
