"""The README and docs/ are honest: their longarm examples print what they show, their links lead
somewhere, and the README's test command is CI's."""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

from longarm.api.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: The README, then every page of docs/, each with its text.
PAGES: dict[str, str] = {
    p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
    for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
}


def _examples(text: str) -> list[tuple[list[str], str]]:
    """Each ```console block whose first line is `$ longarm …`: (argv, expected output)."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
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


#: (page, argv, expected output), page by page (README first), each page's blocks in order.
EXAMPLES = [(page, argv, expected) for page, text in PAGES.items() for argv, expected in _examples(text)]


def test_readme_has_examples() -> None:
    assert len(_examples(README)) >= 2


@pytest.fixture(scope="module")
def page_store(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """One store per page, loaded with the bundled data on the page's first example; its
    examples then run in the page's order (as a reader would type them)."""
    stores: dict[str, Path] = {}

    def store_for(page: str) -> Path:
        if page not in stores:
            path = tmp_path_factory.mktemp(re.sub(r"\W", "-", page)) / "store"
            assert main(["--store", str(path), "load", "--bundled"]) == 0
            stores[page] = path
        return stores[page]

    return store_for


@pytest.mark.parametrize(
    ("page", "argv", "expected"),
    EXAMPLES,
    ids=[f"{page}: {' '.join(argv)[:60]}" for page, argv, _ in EXAMPLES],
)
def test_readme_example_prints_what_it_shows(
    page: str,
    argv: list[str],
    expected: str,
    page_store: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LONGARM_STORE", str(page_store(page)))
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


def _fence_free(text: str) -> str:
    """The text without its fenced code blocks."""
    kept, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            kept.append(line)
    return "\n".join(kept)


def _prose(text: str) -> str:
    """The text without its code blocks and code spans, where a `[x](y)` is no link."""
    return re.sub(r"(`+).*?\1", "", _fence_free(text), flags=re.DOTALL)


def _anchors(text: str) -> set[str]:
    """The anchors the forge gives the headings of a page (GitHub's rule: lower case, spaces
    to hyphens, other punctuation dropped, a repeated heading numbered -1, -2 …)."""
    anchors: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?)(?: +#+)? *$", _fence_free(text), flags=re.MULTILINE):
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
        slug = "".join(c for c in plain.lower() if c in " -" or unicodedata.category(c)[0] in "LMN" or c == "_")
        slug = slug.replace(" ", "-")
        n = 0
        while (numbered := f"{slug}-{n}" if n else slug) in anchors:
            n += 1
        anchors.add(numbered)
    return anchors


LINKS = [
    (page, target)
    for page, text in PAGES.items()
    for target in re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", _prose(text))
    if not re.match(r"[a-z][a-z0-9+.-]*:", target)  # http:, https:, mailto: … lead off the forge
]


def test_docs_have_local_links() -> None:
    assert any(t.startswith("docs/") for p, t in LINKS if p == "README.md")


@pytest.mark.parametrize(("page", "target"), LINKS, ids=[f"{p} -> {t}" for p, t in LINKS])
def test_local_link_leads_somewhere(page: str, target: str) -> None:
    path, _, anchor = target.partition("#")
    file = (ROOT / page).parent / unquote(path) if path else ROOT / page
    assert file.resolve().is_relative_to(ROOT), f"{page}: {target} leads out of the repository"
    assert file.exists(), f"{page}: {target}: no such file"
    if anchor:
        assert file.suffix == ".md", f"{page}: {target}: an anchor into a file that is not Markdown"
        anchors = _anchors(file.read_text(encoding="utf-8"))
        assert unquote(anchor) in anchors, f"{page}: {target}: no such heading in {file.relative_to(ROOT)}"


def test_readme_links_every_docs_page() -> None:
    """The README's "Where to go next" and docs/index.md lead to every page of docs/."""
    pages = {p for p in PAGES if p.startswith("docs/")}
    from_readme = {f"{t.partition('#')[0]}" for p, t in LINKS if p == "README.md"}
    from_index = {f"docs/{t.partition('#')[0]}" for p, t in LINKS if p == "docs/index.md"}
    assert pages - from_readme == set(), "pages of docs/ the README does not link to"
    assert pages - {"docs/index.md"} - from_index == set(), "pages of docs/ docs/index.md does not link to"
