"""The README is honest: its longarm examples print what it shows, its test command is CI's."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from longarm.api.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _examples() -> list[tuple[list[str], str]]:
    """Each ```console block whose first line is `$ longarm …`: (argv, expected output)."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL):
        lines = block.splitlines()
        if not lines or not lines[0].startswith("$ longarm "):
            continue
        command, i = lines[0][2:], 1
        while True:  # a command goes on while a quote is open or a line ends with a backslash
            try:
                argv = shlex.split(command)[1:]
            except ValueError:
                argv = None
            if argv is not None and not command.endswith("\\"):
                break
            command = (command[:-1] if command.endswith("\\") else command + "\n") + lines[i]
            i += 1
        if argv and argv[0] in ("serve", "bench"):  # the server runs forever; a benchmark takes minutes
            continue
        out.append((argv, "\n".join(lines[i:]).rstrip()))
    return out


EXAMPLES = _examples()


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.fixture(scope="module")
def readme_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for all the examples, which run in README order (as a reader would type them)."""
    path = tmp_path_factory.mktemp("readme") / "store"
    assert main(["--store", str(path), "load", "--bundled"]) == 0
    return path


@pytest.mark.parametrize(("argv", "expected"), EXAMPLES, ids=[" ".join(a)[:60] for a in (e[0] for e in EXAMPLES)])
def test_readme_example_prints_what_it_shows(
    argv: list[str],
    expected: str,
    readme_store: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LONGARM_STORE", str(readme_store))
    monkeypatch.chdir(ROOT)
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    assert (captured.out + captured.err).rstrip() == expected
    # An example either succeeds, or shows the error it exits with.
    assert (code == 0) == (not captured.err.startswith("longarm: error:"))


def test_readme_test_command_is_what_ci_runs() -> None:
    m = re.search(r"```console\n\$ (python3 -m venv .*pytest)\n", README)
    assert m, "the README shows its test command in a console block"
    assert m.group(1) in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
