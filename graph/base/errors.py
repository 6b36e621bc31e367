"""The exception tree of longarm, documented in one place.

Every error the engine raises on purpose derives from :class:`LongarmError`. The API maps
each family to one HTTP status, once, in ``api/``; the CLI maps them to exit codes.

::

    LongarmError
    ├── InputError                  bad input from a user (HTTP 400, exit 2)
    │   ├── RdfSyntaxError          a file does not parse: names file, line and column
    │   ├── UnsupportedFormatError  no RDF parser for that file name or media type
    │   ├── ImportRefusedError      an import met records it could not take: lists them, wrote nothing
    │   └── (api/body_limit.py: BodyTooLargeError, a request body over the server's limit, HTTP 413)
    ├── ValidationError             SHACL violations (HTTP 422, exit 1): lists each one
    ├── ResolutionError             an entity reference that does not resolve to one node
    │   ├── UnknownReferenceError   nothing matches (HTTP 404); carries suggestions
    │   │   └── WrongKindError      it names a node of another kind (HTTP 404): says what it is
    │   └── AmbiguousReferenceError several nodes match (HTTP 409); carries candidates
    ├── ProtectedGraphError         a graph users may not change: ontology, bundled data… (HTTP 403)
    ├── QueryError                  a SPARQL query or update is malformed (HTTP 400)
    ├── QueryTimeoutError           a query ran past its deadline and was stopped (HTTP 503)
    └── StoreError                  the store cannot be opened or written (HTTP 503)
        └── StoreInUseError         another process holds the on-disk store (a running server)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "AmbiguousReferenceError",
    "ImportRefusedError",
    "InputError",
    "LongarmError",
    "ProtectedGraphError",
    "QueryError",
    "QueryTimeoutError",
    "RdfSyntaxError",
    "ResolutionError",
    "StoreError",
    "StoreInUseError",
    "UnknownReferenceError",
    "UnsupportedFormatError",
    "ValidationError",
    "Violation",
    "WrongKindError",
]


class LongarmError(Exception):
    """Base class of every error longarm raises on purpose."""


class InputError(LongarmError):
    """Input from a user that longarm cannot read."""


class RdfSyntaxError(InputError):
    """An RDF document does not parse.

    The message names the file, the line and the column (both from 1), as
    ``data/x.ttl:3:9: Unexpected end of file``.
    """

    def __init__(self, file: str, line: int | None, column: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        where = file if line is None else f"{file}:{line}:{column or 1}"
        super().__init__(f"{where}: {reason}")


class UnsupportedFormatError(InputError):
    """No RDF parser is known for a file extension or media type."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL violation: the node, the property and the rule it breaks."""

    focus_node: str
    path: str | None
    constraint: str
    message: str
    value: str | None = None
    severity: str = "Violation"
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        prop = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value is not None else ""
        return f"{where}{self.focus_node}{prop}: {self.constraint}: {self.message}{value}"


class ValidationError(LongarmError):
    """The data breaks the SHACL shapes; nothing was written."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} SHACL violation(s):\n{lines}")


class ResolutionError(LongarmError):
    """An entity reference that does not resolve to exactly one node."""


class UnknownReferenceError(ResolutionError):
    """No entity matches a reference; ``suggestions`` holds ``(iri, label)`` pairs."""

    def __init__(self, ref: str, suggestions: Sequence[tuple[str, str]] = (), what: str = "entity") -> None:
        self.ref = ref
        self.suggestions = list(suggestions)
        hint = ""
        if self.suggestions:
            hint = "; did you mean: " + ", ".join(label for _, label in self.suggestions)
        super().__init__(f"no {what} matches {ref!r}{hint}")


#: How a message names each kind of node (the kinds of ``longarm.graph.engine.resolve.KINDS``).
_KIND_NOUNS = {
    "org": "an organization",
    "service": "a service",
    "asset": "a data asset",
    "instrument": "an instrument",
    "jur": "a jurisdiction",
}


class WrongKindError(UnknownReferenceError):
    """A reference names no node of the kinds asked for, but names one of another kind.

    ``wanted`` holds the kinds asked for, ``found`` the ``(iri, kind, label)`` of the nodes
    the reference names instead (at most one of each kind); ``suggestions`` holds their
    ``(iri, label)``. The message says what the reference is; the command line and the API
    each add where to ask about it.

    Examples
    --------
    >>> str(WrongKindError("us-cloud-act", ["org"], [("https://e.org/i", "instrument", "US CLOUD Act")]))
    'us-cloud-act is an instrument (US CLOUD Act), not an organization'
    >>> str(WrongKindError("hdh", ["instrument"], [("o", "org", "HDH"), ("a", "asset", "HDH data")]))
    'hdh is an organization (HDH) or a data asset (HDH data), not an instrument'
    """

    def __init__(self, ref: str, wanted: Sequence[str], found: Sequence[tuple[str, str, str]]) -> None:
        self.ref = ref
        self.wanted = list(wanted)
        self.found = list(found)
        self.suggestions = [(iri, label) for iri, _, label in self.found]
        what = " or ".join(f"{_KIND_NOUNS.get(kind, kind)} ({label})" for _, kind, label in self.found)
        not_ = " or ".join(_KIND_NOUNS.get(kind, kind) for kind in self.wanted)
        # Its own message, not "no entity matches …": the reference does match, elsewhere.
        ResolutionError.__init__(self, f"{ref} is {what}, not {not_}")

    def with_where_to_ask(
        self, templates: Mapping[str, str], *, provider: str, quote: Callable[[str], str] = str
    ) -> str:
        """The message, then how to ask about each node the reference names: `templates` by
        kind, with ``{}`` for the node's slug (`quote`-d); an organization given where a data
        asset was asked for goes to `provider` (as the host of a described asset).

        >>> from longarm.ontology.namespace import entity_iri
        >>> e = WrongKindError("bleu", ["asset"], [(str(entity_iri("org", "bleu")), "org", "Bleu")])
        >>> e.with_where_to_ask({"org": "chain {}"}, provider="compel --provider {}")
        'bleu is an organization (Bleu), not a data asset: compel --provider bleu'
        """
        from ...ontology.namespace import split_entity_iri  # the namespace module: no cycle at import

        asks = []
        for iri, kind, _ in self.found:
            template = provider if kind == "org" and "asset" in self.wanted else templates.get(kind)
            if template is not None:
                split = split_entity_iri(iri)
                asks.append(template.format(quote(split[1] if split else iri)))
        return f"{self}: {' or '.join(asks)}" if asks else str(self)


class AmbiguousReferenceError(ResolutionError):
    """Several entities match a reference; ``candidates`` holds ``(iri, label)`` pairs."""

    def __init__(self, ref: str, candidates: Sequence[tuple[str, str]]) -> None:
        self.ref = ref
        self.candidates = list(candidates)
        names = ", ".join(f"{label} <{iri}>" for iri, label in self.candidates)
        super().__init__(f"{ref!r} matches several entities: {names}")


class ImportRefusedError(InputError):
    """An import met records it could not take, and was not told to skip them: nothing was written."""

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = f"\n  … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(
            f"{len(self.problems)} record(s) could not be imported; nothing was written "
            f"(--skip-bad imports the others):\n{shown}{more}"
        )


class ProtectedGraphError(LongarmError):
    """A named graph users may not change or remove (the ontology, the bundled data, provenance, inferences)."""


class QueryError(LongarmError):
    """A SPARQL query or update is malformed or refused."""


class QueryTimeoutError(LongarmError):
    """A query ran past its deadline (or found no free worker in time) and was stopped."""


class StoreError(LongarmError):
    """The store cannot be opened, read or written."""


class StoreInUseError(StoreError):
    """Another process holds the on-disk store at `path` (RocksDB's lock), e.g. a running ``longarm serve``.

    It cannot be opened for writing meanwhile; it can be read beside that process
    (:meth:`~longarm.graph.store.embedded.Store.open_beside`).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"the store at {path} is held by another process (a running `longarm serve`?)")
