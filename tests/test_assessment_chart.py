"""The picture of an assessment (``longarm assess --format svg``): valid, self-contained, outcome in words."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from longarm.api.cli import main

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    args = ["--store", str(tmp_path_factory.mktemp("s") / "store")]
    assert main([*args, "load", "--bundled"]) == 0
    return args


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and not [e for e in root.iter() if e.get("href", "").startswith("http")]
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_a_criterion_by_criterion_picture(store: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    argv = ["assess", "aws-european-sovereign-cloud-gmbh", "--requirement", "secnumcloud-3-2-19-6"]
    assert main([*store, *argv, "--as-of", "2026-06-01", "--format", "svg"]) == 0
    texts = _texts(capsys.readouterr().out)
    assert "19.6.a: passes" in texts and "19.6.b: fails" in texts and "19.6.c: cannot be told" in texts
    assert "outcome: fail" in texts and "holds 100 %" in texts  # the holder behind the failing cap
    assert not any(t == "reached" for t in texts)  # no levels for a requirement without them


def test_a_graded_requirement_shows_each_level(store: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    argv = ["assess", "s3ns", "--requirement", "eu-csf-sov-2", "--as-of", "2026-06-01", "--format", "svg"]
    assert main([*store, *argv]) == 0
    texts = _texts(capsys.readouterr().out)
    assert {f"SEAL-{i}" for i in range(5)} <= set(texts)  # every level, each with its outcome
    assert "ruled out" in texts and "reached" in texts and "cannot be told" in texts
    assert any(t.startswith("Outcome: SEAL-2 to SEAL-3") for t in texts)


def test_a_picture_is_of_one_assessment(store: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*store, "assess", "s3ns", "--as-of", "2026-06-01", "--format", "svg"]) == 2
    assert "a picture shows one assessment, and 3 were asked" in capsys.readouterr().err
