"""``longarm bench scale`` at a tiny size: every column filled, embedded and remote, with its peers."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from longarm.api.cli import main

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="spawns servers")


def test_one_table_of_both_stores_and_their_peers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "scale.json"
    argv = ["bench", "scale", "--sizes", "300", "--queries", "5", "--requests", "40", "--warmup", "4"]
    assert main([*argv, "--rate", "0", "--clients", "4", "--json", str(saved)]) == 0
    table = capsys.readouterr().out
    assert "embedded:" in table and "remote:" in table and "| 300 |" in table
    [row] = json.loads(saved.read_text())["rows"]
    figures = [
        row["embedded"]["load_s"],
        row["embedded"]["restart_s"],
        row["embedded"]["compel_p50_ms"],
        row["pyoxigraph"]["sparql_p50_ms"],
        row["embedded_rest"]["p50_ms"],
        row["remote"]["first_answer_s"],
        row["remote"]["compel_p50_ms"],
        row["remote_rest"]["p50_ms"],
        row["oxigraph_serve"]["p50_ms"],
    ]
    assert all(isinstance(f, float) and math.isfinite(f) and f >= 0 for f in figures), figures
    assert row["embedded_rest"]["errors"] == row["remote_rest"]["errors"] == row["oxigraph_serve"]["errors"] == 0
    assert row["embedded"]["peak_rss_mb"] > 0


def test_sizes_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "scale", "--sizes", "0"])
    assert "at least 1" in capsys.readouterr().err
