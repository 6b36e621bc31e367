"""The DORA register-of-information reader: a package read as entities, control links, data assets, problems."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from longarm.graph.imports.dora import FORMAT, looks_like_dora, read
from longarm.graph.imports.records import DataAssetRecord, Entity, Identifier, Problem, Record, Relationship

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "imports" / "dora" / "register"

ALPHA = "9695000EXAMPLEALPH69"  # provider, ultimate parent known only by its LEI
BETA = "5493000EXAMPLEBETA72"  # provider whose c0110 repeats its own code
PARENT = "5493000EXAMPLEPRNT39"
SUB = "9695000EXAMPLESUBC61"  # subcontractor (rank 2) of CTR-001, not in b_05.01
BANK = "9695000EXAMPLEBANK03"  # the financial entity
PAY = f"asset:CTR-001|F-PAY|{ALPHA}|S17|{BANK}"
HR = f"asset:CTR-002|F-HR|{BETA}|S09|{BANK}"
LINK = f"ultimate-parent:{ALPHA}:{PARENT}"

#: What the fixture package reads as, in order: (type, key, file, line).
EXPECTED = [
    ("Entity", ALPHA, "b_05.01.csv", 2),
    ("Problem", None, "b_05.01.csv", 3),
    ("Entity", BETA, "b_05.01.csv", 4),
    ("Entity", PARENT, "b_05.01.csv", 2),
    ("Relationship", LINK, "b_05.01.csv", 2),
    ("Entity", SUB, "b_05.02.csv", 3),
    ("Entity", BANK, "b_02.02.csv", 2),
    ("DataAssetRecord", PAY, "b_02.02.csv", 2),
    ("DataAssetRecord", HR, "b_02.02.csv", 4),
]


def _zip(folder: Path, target: Path, root: str | None) -> Path:
    """`folder` zipped into `target`, under one root folder `root` or at the top."""
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                relative = file.relative_to(folder).as_posix()
                archive.write(file, f"{root}/{relative}" if root else relative)
    return target


def _summary(records: list[Record]) -> list[tuple[str, str | None, str, int | None]]:
    return [
        (type(r).__name__, None if isinstance(r, Problem) else r.key, r.where.file.rsplit("/", 1)[-1], r.where.line)
        for r in records
    ]


def _by_key(records: list[Record]) -> dict[str, Record]:
    return {r.key: r for r in records if not isinstance(r, Problem)}


def _problems(records: list[Record]) -> list[tuple[str, int | None, str]]:
    return [(p.where.file.rsplit("/", 1)[-1], p.where.line, p.reason) for p in records if isinstance(p, Problem)]


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(read([FIXTURE]))


# --- inputs --------------------------------------------------------------------------------------

INPUTS: dict[str, Callable[[Path], Path]] = {
    "package root folder": lambda tmp: FIXTURE,
    "reports folder": lambda tmp: FIXTURE / "reports",
    "folder holding the package": lambda tmp: FIXTURE.parent,
    "zip with a root folder": lambda tmp: _zip(
        FIXTURE, tmp / "9695000EXAMPLEBANK03.CON_FR_DORA010100_DORA_2025-03-31_20250401120000000.zip", "register"
    ),
    "zip without a root folder": lambda tmp: _zip(FIXTURE, tmp / "register.zip", None),
}


@pytest.mark.parametrize("make", INPUTS.values(), ids=INPUTS.keys())
def test_every_form_of_the_package_reads_the_same(make: Callable[[Path], Path], tmp_path: Path) -> None:
    path = make(tmp_path)
    assert looks_like_dora(path)
    assert _summary(list(read([path]))) == EXPECTED


def test_where_names_the_zip_and_its_member(tmp_path: Path) -> None:
    path = _zip(FIXTURE, tmp_path / "register.zip", "root")
    first = next(iter(read([path])))
    assert (first.where.file, first.where.line) == ("register.zip/root/reports/b_05.01.csv", 2)


def test_format_name() -> None:
    assert FORMAT == "dora"


# --- what the fixture maps to --------------------------------------------------------------------

FIELDS = [
    # providers (b_05.01): LEI by EBA QName and plain, name, kind, headquarters by QName and lower-case plain
    (ALPHA, "name", "Alpha Cloud SAS"),
    (ALPHA, "kind", "company"),
    (ALPHA, "identifiers", (Identifier("LEI", ALPHA),)),
    (ALPHA, "headquarters", "FR"),
    (ALPHA, "jurisdiction", None),
    (BETA, "name", "Beta Hosting Ltd"),
    (BETA, "identifiers", (Identifier("LEI", BETA),)),
    (BETA, "headquarters", "US"),
    (BETA, "aliases", ()),  # the Latin name repeats the legal name
    # the ultimate parent: known by its code only
    (PARENT, "name", None),
    (PARENT, "kind", "company"),
    (PARENT, "identifiers", (Identifier("LEI", PARENT),)),
    (PARENT, "jurisdiction", None),
    (PARENT, "headquarters", None),
    (LINK, "kind", "control"),
    (LINK, "subject", ALPHA),
    (LINK, "interested", PARENT),
    (LINK, "share", None),
    (LINK, "direct", None),
    # the subcontractor and the financial entity
    (SUB, "name", None),
    (SUB, "identifiers", (Identifier("LEI", SUB),)),
    (BANK, "name", None),
    (BANK, "kind", "company"),
    (BANK, "identifiers", (Identifier("LEI", BANK),)),
    # assets (b_02.02): rows of one arrangement and function merged
    (PAY, "label", "function F-PAY under contract CTR-001"),
    (PAY, "provider", ALPHA),
    (PAY, "owner", BANK),
    (PAY, "storage", ("FR", "US")),
    (PAY, "processing", ("FR",)),
    (PAY, "custodians", (SUB,)),
    (PAY, "function", "F-PAY"),
    (PAY, "service_type", "S17"),
    (HR, "provider", BETA),
    (HR, "storage", ("US",)),
    (HR, "processing", ("US",)),
    (HR, "custodians", ()),  # BETA is rank 1 of CTR-002: no subcontractor
    (HR, "service_type", "S09"),
]


@pytest.mark.parametrize(("key", "name", "expected"), FIELDS, ids=[f"{k[-12:]}.{n}" for k, n, _ in FIELDS])
def test_fixture_fields(records: list[Record], key: str, name: str, expected: object) -> None:
    assert getattr(_by_key(records)[key], name) == expected


def test_the_row_without_a_provider_code_is_the_only_problem(records: list[Record]) -> None:
    assert _problems(records) == [
        ("b_05.01.csv", 3, "c0010: no identification code of the ICT third-party service provider: row skipped")
    ]


# --- what must not be produced -------------------------------------------------------------------


def test_country_of_provision_is_neither_storage_nor_processing(records: list[Record]) -> None:
    assets = [r for r in records if isinstance(r, DataAssetRecord)]
    assert len(assets) == 2
    for asset in assets:  # c0130 is DE for CTR-001, IE for CTR-002
        assert not {"DE", "IE"} & set(asset.storage + asset.processing)


def test_no_parent_link_when_c0110_repeats_the_provider(records: list[Record]) -> None:
    links = [r for r in records if isinstance(r, Relationship)]
    assert [(r.subject, r.interested) for r in links] == [(ALPHA, PARENT)]
    assert not any(BETA in (r.subject, r.interested) for r in links)


def test_each_entity_once_and_nothing_from_other_templates(records: list[Record]) -> None:
    keys = [r.key for r in records if isinstance(r, Entity)]
    assert len(keys) == len(set(keys))
    assert not any(r.where.file.endswith("b_01.01.csv") for r in records)
    assert not any(isinstance(r, Entity) and r.name == "Provider without a code" for r in records)


def test_the_direct_provider_is_not_its_own_custodian(records: list[Record]) -> None:
    for asset in (r for r in records if isinstance(r, DataAssetRecord)):
        assert asset.provider not in asset.custodians


# --- variations: values, mappings and bad input --------------------------------------------------

Edit = tuple[str, str, str]  # (template, old text, new text)
BASELINE_PROBLEM = ("b_05.01.csv", 3, "c0010: no identification code of the ICT third-party service provider")
ALPHA_ROW = f"{ALPHA},eba_qCO:qx2000,,,Alpha Cloud SAS,,eba_CT:x212,eba_GA:FR,eba_CU:EUR,250000,{PARENT},eba_qCO:qx2000"


def _edited(tmp_path: Path, edits: list[Edit], remove: tuple[str, ...] = ()) -> Path:
    """A copy of the fixture package with `edits` made and the `remove` templates left out."""
    reports = tmp_path / "pkg" / "reports"
    reports.mkdir(parents=True)
    for file in (FIXTURE / "reports").iterdir():
        if file.name not in remove:
            (reports / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    for template, old, new in edits:
        text = (reports / template).read_text(encoding="utf-8")
        assert old in text, (template, old)
        (reports / template).write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "pkg"


# (id, edits, key, attribute, expected): a mapping the fixture does not show
MAPPINGS: list[tuple[str, list[Edit], str, str, object]] = [
    ("natural person (EBA)", [("b_05.01.csv", "eba_CT:x212", "eba_CT:x213")], ALPHA, "kind", "person"),
    ("natural person (plain)", [("b_05.01.csv", "eba_CT:x212", "natural person")], ALPHA, "kind", "person"),
    ("type of person blank", [("b_05.01.csv", "eba_CT:x212", "")], ALPHA, "kind", "organization"),
    (
        "EUID (EBA)",
        [("b_05.01.csv", f"{ALPHA},eba_qCO:qx2000", f"{ALPHA},eba_qCO:qx2002")],
        ALPHA,
        "identifiers",
        (Identifier("EUID", ALPHA),),
    ),
    (
        "EUID (plain)",
        [("b_05.01.csv", f"{ALPHA},eba_qCO:qx2000", f"{ALPHA},EUID")],
        ALPHA,
        "identifiers",
        (Identifier("EUID", ALPHA),),
    ),
    (
        "other type of code kept as written",
        [("b_05.01.csv", f"{ALPHA},eba_qCO:qx2000", f"{ALPHA},eba_qCO:qx2003")],
        ALPHA,
        "identifiers",
        (Identifier("REG", ALPHA, register="eba_qCO:qx2003"),),
    ),
    (
        "country-specific type of code",
        [("b_05.01.csv", f"{ALPHA},eba_qCO:qx2000", f"{ALPHA},FR_CRN")],
        ALPHA,
        "identifiers",
        (Identifier("REG", ALPHA, register="FR_CRN"),),
    ),
    (
        "parent by EUID",
        [("b_05.01.csv", f"{PARENT},eba_qCO:qx2000", f"{PARENT},EUID")],
        PARENT,
        "identifiers",
        (Identifier("EUID", PARENT),),
    ),
    (
        "Latin name as alias",
        [("b_05.01.csv", "Alpha Cloud SAS,,", "Альфа Клауд,Alpha Cloud SAS,")],
        ALPHA,
        "aliases",
        ("Alpha Cloud SAS",),
    ),
    (
        "Latin name when no legal name",
        [("b_05.01.csv", "Alpha Cloud SAS,,", ",Alpha Cloud SAS,")],
        ALPHA,
        "name",
        "Alpha Cloud SAS",
    ),
    (
        "not applicable is no country",
        [("b_02.02.csv", "eba_GA:US,eba_GA:FR", "eba_GA:qx2007,eba_GA:FR")],
        PAY,
        "storage",
        ("FR",),
    ),
    (
        "subcontractor of another service type",
        [("b_05.02.csv", f"eba_TA:S17,{SUB}", f"eba_TA:S03,{SUB}")],
        PAY,
        "custodians",
        (),
    ),
    (
        "subcontractor of no stated service type",
        [("b_05.02.csv", f"eba_TA:S17,{SUB}", f",{SUB}")],
        PAY,
        "custodians",
        (SUB,),
    ),
    ("provider not in b_05.01", [("b_05.01.csv", ALPHA_ROW + "\n", "")], ALPHA, "name", None),
]


@pytest.mark.parametrize(("edits", "key", "name", "expected"), [m[1:] for m in MAPPINGS], ids=[m[0] for m in MAPPINGS])
def test_mappings(tmp_path: Path, edits: list[Edit], key: str, name: str, expected: object) -> None:
    records = list(read([_edited(tmp_path, edits)]))
    assert getattr(_by_key(records)[key], name) == expected


def test_without_b_05_02_there_is_no_custodian(tmp_path: Path) -> None:
    records = list(read([_edited(tmp_path, [], remove=("b_05.02.csv",))]))
    assert [(a.key, a.custodians) for a in records if isinstance(a, DataAssetRecord)] == [(PAY, ()), (HR, ())]
    assert SUB not in _by_key(records)


def test_excel_csv_with_bom_and_crlf_reads_the_same(tmp_path: Path) -> None:
    package = _edited(tmp_path, [])
    for file in (package / "reports").iterdir():
        text = file.read_text(encoding="utf-8")
        file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert _summary(list(read([package]))) == EXPECTED


def test_lines_are_where_rows_start(tmp_path: Path) -> None:
    """A quoted cell over two lines: the rows after it keep their own line numbers."""
    package = _edited(tmp_path, [("b_05.01.csv", "Alpha Cloud SAS,,", '"Alpha Cloud\nSAS",,')])
    records = list(read([package]))
    assert _summary(records)[:3] == [
        ("Entity", ALPHA, "b_05.01.csv", 2),
        ("Problem", None, "b_05.01.csv", 4),
        ("Entity", BETA, "b_05.01.csv", 5),
    ]
    alpha = _by_key(records)[ALPHA]
    assert isinstance(alpha, Entity)
    assert alpha.name == "Alpha Cloud\nSAS"


def test_rows_of_one_arrangement_that_differ_in_service_type_are_two_assets(tmp_path: Path) -> None:
    edits = [
        (
            "b_02.02.csv",
            "eba_TA:S17,2023-01-01,9999-12-31,,90,180,eba_GA:FR,eba_GA:DE,eba_BT:x28,eba_GA:US",
            "eba_TA:S03,2023-01-01,9999-12-31,,90,180,eba_GA:FR,eba_GA:DE,eba_BT:x28,eba_GA:US",
        )
    ]
    assets = {r.service_type: r for r in read([_edited(tmp_path, edits)]) if isinstance(r, DataAssetRecord)}
    assert (assets["S17"].storage, assets["S03"].storage) == (("FR",), ("US",))
    assert (assets["S17"].custodians, assets["S03"].custodians) == ((SUB,), ())
    assert assets["S17"].key != assets["S03"].key


# (id, edits, removed templates, the problems besides the fixture's own, what else must hold)
PROBLEMS: list[tuple[str, list[Edit], tuple[str, ...], list[tuple[str, int | None, str]]]] = [
    (
        "missing column: one problem, file not read",
        [("b_05.01.csv", "c0070,c0080,", "c0070,c0081,")],
        (),
        [("b_05.01.csv", 1, "no column c0080: file not read")],
    ),
    (
        "row of b_02.02 without provider",
        [("b_02.02.csv", f"CTR-002,{BANK},{BETA},", f"CTR-002,{BANK},,")],
        (),
        [("b_02.02.csv", 4, "c0030: no identification code")],
    ),
    (
        "row of b_02.02 without function",
        [("b_02.02.csv", "LEI,F-HR,", "LEI,,")],
        (),
        [("b_02.02.csv", 4, "c0050: no function identifier")],
    ),
    (
        "invalid storage country",
        [("b_02.02.csv", "eba_GA:US,eba_GA:FR", "eba_GA:XX,eba_GA:FR")],
        (),
        [("b_02.02.csv", 3, "c0150: not an ISO 3166-1 country code: 'eba_GA:XX'")],
    ),
    (
        "invalid headquarters country",
        [("b_05.01.csv", "legal person,us,", "legal person,USA,")],
        (),
        [("b_05.01.csv", 4, "c0080: not an ISO 3166-1 country code: 'USA'")],
    ),
    (
        "unknown type of person",
        [("b_05.01.csv", "eba_CT:x212", "eba_CT:x999")],
        (),
        [("b_05.01.csv", 2, "c0070: unknown type of person 'eba_CT:x999'")],
    ),
    (
        "blank type of code",
        [("b_05.01.csv", f"{ALPHA},eba_qCO:qx2000", f"{ALPHA},")],
        (),
        [("b_05.01.csv", 2, "c0020: no type of code")],
    ),
    (
        "not a service type",
        [("b_02.02.csv", "LEI,F-HR,S09", "LEI,F-HR,S20")],
        (),
        [("b_02.02.csv", 4, "c0060: not an ICT service type S01-S19: 'S20'")],
    ),
    (
        "not a rank",
        [("b_05.02.csv", f"{SUB},eba_qCO:qx2000,2", f"{SUB},eba_qCO:qx2000,two")],
        (),
        [("b_05.02.csv", 3, "c0050: not a rank")],
    ),
    (
        "provider listed twice",
        [
            (
                "b_05.01.csv",
                "USD,90000,5493000EXAMPLEBETA72,LEI\n",
                "USD,90000,5493000EXAMPLEBETA72,LEI\n" + ALPHA_ROW + "\n",
            )
        ],
        (),
        [("b_05.01.csv", 5, f"provider '{ALPHA}' listed again (first at line 2)")],
    ),
    (
        "more cells than columns",
        [("b_02.02.csv", ",us,US,,", ",us,US,,,extra")],
        (),
        [("b_02.02.csv", 4, "19 cells for 18 columns: row skipped")],
    ),
    (
        "template left out",
        [],
        ("b_05.02.csv",),
        [("pkg", None, "no reports/b_05.02.csv in the package: no subcontractor is read")],
    ),
]


@pytest.mark.parametrize(("edits", "remove", "expected"), [p[1:] for p in PROBLEMS], ids=[p[0] for p in PROBLEMS])
def test_bad_input_is_a_problem_and_reading_goes_on(
    tmp_path: Path, edits: list[Edit], remove: tuple[str, ...], expected: list[tuple[str, int | None, str]]
) -> None:
    records = list(read([_edited(tmp_path, edits, remove)]))
    problems = [p for p in _problems(records) if (p[0], p[1]) != BASELINE_PROBLEM[:2]]
    assert [(f, line) for f, line, _ in problems] == [(f, line) for f, line, _ in expected]
    for (_, _, reason), (_, _, wanted) in zip(problems, expected, strict=True):
        assert reason.startswith(wanted), reason
    assert any(isinstance(r, DataAssetRecord) for r in records)  # the rest is still read


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    package = _edited(tmp_path, [])
    (package / "reports" / "b_05.02.csv").write_bytes(b"c0010,c0020,c0030,c0040,c0050\nCTR-001,S17,\xff\xfe,LEI,2\n")
    records = list(read([package]))
    assert any(f == "b_05.02.csv" and "cannot be read" in reason for f, _, reason in _problems(records))
    assert any(isinstance(r, DataAssetRecord) for r in records)


def _bad_zip(tmp: Path) -> Path:
    path = tmp / "register.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    return path


def _empty_folder(tmp: Path) -> Path:
    (tmp / "empty").mkdir()
    return tmp / "empty"


def _zip_of_other_files(tmp: Path) -> Path:
    with zipfile.ZipFile(tmp / "other.zip", "w") as archive:
        archive.writestr("data/readme.txt", "hello")
    return tmp / "other.zip"


def _zip_with_two_roots(tmp: Path) -> Path:
    path = _zip(FIXTURE, tmp / "two.zip", "first")
    with zipfile.ZipFile(path, "a") as archive:
        archive.write(FIXTURE / "reports" / "b_05.01.csv", "second/reports/b_05.01.csv")
    return path


# (id, input, the problems' reasons, whether it looks like a package)
NOT_PACKAGES: list[tuple[str, Callable[[Path], Path], list[str], bool]] = [
    ("no such path", lambda tmp: tmp / "missing.zip", ["no such file or folder"], False),
    ("damaged zip", _bad_zip, ["neither a zip nor a folder"], False),
    ("a CSV file alone", lambda tmp: FIXTURE / "reports" / "b_05.01.csv", ["neither a zip nor a folder"], False),
    ("empty folder", _empty_folder, ["no reports/b_05.01.csv, b_02.02.csv or b_05.02.csv: not a DORA register"], False),
    (
        "zip of other files",
        _zip_of_other_files,
        ["no reports/b_05.01.csv, b_02.02.csv or b_05.02.csv: not a DORA register"],
        False,
    ),
]


@pytest.mark.parametrize(("make", "reasons", "looks"), [n[1:] for n in NOT_PACKAGES], ids=[n[0] for n in NOT_PACKAGES])
def test_what_is_not_a_package(make: Callable[[Path], Path], reasons: list[str], looks: bool, tmp_path: Path) -> None:
    path = make(tmp_path)
    records = list(read([path]))
    assert [r.reason for r in records if isinstance(r, Problem)] == reasons
    assert not [r for r in records if not isinstance(r, Problem)]
    assert looks_like_dora(path) is looks


def test_a_zip_with_two_packages_reads_the_first(tmp_path: Path) -> None:
    records = list(read([_zip_with_two_roots(tmp_path)]))
    assert next(p.reason for p in records if isinstance(p, Problem)) == (
        "a second b_05.01.csv in the zip: only two.zip/first/reports/b_05.01.csv is read"
    )
    assert _summary([r for r in records if not isinstance(r, Problem)]) == [e for e in EXPECTED if e[0] != "Problem"]


def test_looks_like_dora_wants_the_header() -> None:
    assert not looks_like_dora(FIXTURE.parent.parent.parent)  # tests/fixtures: no reports/ of a register


def test_looks_like_dora_rejects_other_headers(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "b_05.01.csv").write_text("LEI,Entity.LegalName\n", encoding="utf-8")
    assert not looks_like_dora(tmp_path)


def test_several_packages_yield_each_entity_once(tmp_path: Path) -> None:
    records = list(read([FIXTURE, _zip(FIXTURE, tmp_path / "again.zip", None)]))
    keys = [r.key for r in records if isinstance(r, Entity)]
    assert len(keys) == len(set(keys)) == 5
    assert len([r for r in records if isinstance(r, Relationship)]) == 1
    assert [r.key for r in records if isinstance(r, DataAssetRecord)] == [PAY, HR]
    assert [p.reason for p in records if isinstance(p, Problem)][-2:] == [
        "CTR-001 / F-PAY: already read from an earlier package: skipped",
        "CTR-002 / F-HR: already read from an earlier package: skipped",
    ]
