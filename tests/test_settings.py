"""Settings are read once from the environment, with defaults that need nothing set."""

from __future__ import annotations

from pathlib import Path

import pytest

from longarm.api.settings import Settings


def test_defaults_need_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/u")  # the store's default place is under it
    s = Settings.from_env({})
    assert s.store_path == Path("/home/u/.local/share/longarm/store")
    assert (s.host, s.port, s.write_token, s.query_timeout, s.result_cap) == ("127.0.0.1", 8000, None, 30.0, 10_000)
    assert (s.query_workers, s.max_body, s.access_log) == (2, 64 * 1024 * 1024, False)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("true", True), ("YES", True), ("0", False), ("", False), ("no", False)]
)
def test_access_log(value: str, expected: bool) -> None:
    assert Settings.from_env({"LONGARM_ACCESS_LOG": value, "XDG_DATA_HOME": "/d"}).access_log is expected


def test_variables_and_command_line_options() -> None:
    env = {"XDG_DATA_HOME": "/d", "LONGARM_PORT": "9001", "LONGARM_WRITE_TOKEN": "t", "LONGARM_QUERY_TIMEOUT": "2.5"}
    s = Settings.from_env(env)
    assert (s.store_path, s.port, s.write_token, s.query_timeout) == (Path("/d/longarm/store"), 9001, "t", 2.5)
    assert s.with_(port=None, host="0.0.0.0").host == "0.0.0.0" and s.with_(port=None).port == 9001
