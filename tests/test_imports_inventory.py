"""Inventories of data assets: the documented template reads, imports and is answered; bad rows are named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from longarm.graph.base.errors import ImportRefusedError
from longarm.graph.engine.reach import compel
from longarm.graph.imports.importer import import_files
from longarm.graph.imports.inventory import COLUMNS, looks_like_inventory, read
from longarm.graph.imports.records import DataAssetRecord, Problem
from longarm.graph.projection.cache import projection_for
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.ontology.namespace import entity_iri

TEMPLATE = Path(__file__).resolve().parent.parent / "api" / "static" / "inventory-template.csv"
HEADER = ",".join(COLUMNS)


def _one(tmp_path: Path, row: str) -> object:
    f = tmp_path / "inventory.csv"
    f.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    [record] = read([f])
    return record


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("a,,,Bleu Microsoft 365,FR,,,", "no label"),
        (",Files,,Bleu Microsoft 365,FR,,,", "empty or used twice"),
        ("a,Files,,,FR,,,", "neither a provider nor a service"),
        ("a,Files,,Bleu Microsoft 365,France,,,", "not ISO 3166 country codes: FRANCE"),
        ("a,Files,,Bleu Microsoft 365,FR,,classified,", "unknown data categories: classified"),
    ],
)
def test_a_bad_row_is_a_problem_of_its_line(tmp_path: Path, row: str, reason: str) -> None:
    record = _one(tmp_path, row)
    assert isinstance(record, Problem) and record.where.line == 2 and reason in record.reason


def test_a_row_reads_as_an_asset_with_references_to_resolve(tmp_path: Path) -> None:
    record = _one(tmp_path, "hr,HR files,OVH SAS,,fr; DE ;FR,Orange,Personal;health,Orange")
    assert isinstance(record, DataAssetRecord)
    assert (record.provider, record.service, record.storage) == ("ref:OVH SAS", None, ("FR", "DE"))
    assert (record.keys_held_by, record.owner, record.categories) == (
        "ref:Orange",
        "ref:Orange",
        ("personal", "health"),
    )


def test_the_template_is_recognised_and_other_files_are_not(tmp_path: Path) -> None:
    assert looks_like_inventory(TEMPLATE)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n", encoding="utf-8")
    assert not looks_like_inventory(other) and not looks_like_inventory(tmp_path)


def test_the_template_imports_and_each_asset_is_answered() -> None:
    store = Store.in_memory()
    load_bundled(store)
    report = import_files(store, "inventory", [TEMPLATE], today=dt.date(2026, 12, 4))
    assert report.counts["data assets"] == 3 and not report.problems
    p = projection_for(store)
    imported = {p.assets[a].label: a for a in p.assets if "/asset/imp-" in a}
    assert set(imported) == {"Payroll records", "Customer records", "Staff e-mail"}
    mail = p.assets[imported["Staff e-mail"]]
    assert set(mail.services) == {str(entity_iri("service", "bleu-microsoft-365"))}  # resolved by its name
    answer = compel(p, imported["Staff e-mail"], dt.date(2026, 12, 1))
    assert answer.exposures  # Bleu's Microsoft licence and Microsoft's US parent, as for the bundled assets


def test_a_reference_to_nothing_the_store_knows_refuses_the_import(tmp_path: Path) -> None:
    store = Store.in_memory()
    load_bundled(store)
    f = tmp_path / "inventory.csv"
    f.write_text(f"{HEADER}\nx,Files,,No Such Cloud Anywhere,FR,,,\n", encoding="utf-8")
    with pytest.raises(ImportRefusedError, match=r"inventory.csv:2: 'No Such Cloud Anywhere'"):
        import_files(store, "inventory", [f])
