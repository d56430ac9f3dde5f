"""Archives that are not DP1 load as they are: ObsCore's optional columns published once
they hold values, the archive's own columns declared with their metadata and published,
through TAP, VOSI and SIA alike, on each backend.

``tests/data/anchor_obscore.csv`` is what ``../shared/anchors/dachs/gen_obscore.py --rows
200`` wrote (the file loaded into the peer service): every ObsCore 1.1 column, mandatory
and optional, plus DaCHS's ``preview``; ``s_region`` as DALI polygons.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from astropy.table import Table
from pyvo.dal import DALQueryError, SIA2Service, TAPService

from app.storage.database import archive_schema, create_sync_engine
from obscore.declarations import DeclarationError, declare, read_declarations
from obscore.loader import LoadError, read_rows
from tests.conftest import BACKENDS
from tests.support.pgcluster import PostgresCluster
from tests.support.server import ServerProcess, run_obscura, served

ANCHOR = Path(__file__).parent / "data" / "anchor_obscore.csv"

DECLARED = [
    {
        "name": "preview",
        "datatype": "char",
        "ucd": "meta.ref.url;meta.preview",
        "description": "URL of a preview image",
    },
    {
        "name": "Seeing",
        "datatype": "double",
        "unit": "arcsec",
        "ucd": "instr.obsty.seeing",
        "description": "FWHM of the PSF at the zenith",
    },
    {"name": "night", "datatype": "char", "xtype": "timestamp", "description": "Night of"},
    {"name": "flagged", "datatype": "boolean", "ucd": "meta.code.qual"},
]


def _anchor_rows() -> list[dict[str, str]]:
    """The anchor file's rows, with the archive's own columns and one optional column
    given values by this test (so that the expectations are the test's own)."""
    with ANCHOR.open(newline="") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows):
        row["Seeing"] = f"{0.5 + (i % 7) * 0.125:.3f}"
        row["night"] = f"2024-03-{1 + i % 28:02d}" if i % 5 else ""
        row["flagged"] = "true" if i % 3 == 0 else "false"
        row["obs_release_date"] = "2025-06-30T12:00:00Z" if i % 2 else ""
    return rows


def _write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module", params=BACKENDS)
def anchor_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the anchor archive, loaded with ``obscura load --columns``."""
    directory = tmp_path_factory.mktemp("anchor")
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'anchor.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database("anchor_archive")
    data = directory / "archive.csv"
    _write(_anchor_rows(), data)
    declarations = directory / "columns.json"
    declarations.write_text(json.dumps({"columns": DECLARED}))
    result = run_obscura(url, "load", "--columns", str(declarations), str(data))
    assert result.returncode == 0, result.stderr
    assert "loaded 200 rows" in result.stdout
    return url


@pytest.fixture(scope="module")
def anchor_server(
    anchor_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    with served(anchor_url, tmp_path_factory.mktemp("anchor-server")) as server:
        yield server


def _columns(server: ServerProcess) -> dict[str, dict[str, object]]:
    tap = TAPService(server.tap_url)
    result = tap.run_sync(
        "SELECT column_name, datatype, arraysize, xtype, unit, ucd, utype, description, std, "
        "column_index FROM TAP_SCHEMA.columns WHERE table_name = 'ivoa.ObsCore'"
    ).to_table()
    return {str(r["column_name"]): {n: r[n] for n in result.colnames} for r in result}


def test_optional_columns_holding_values_are_published(anchor_server: ServerProcess) -> None:
    columns = _columns(anchor_server)
    rows = _anchor_rows()
    for name in ("target_class", "s_pixel_scale", "em_ucd", "obs_release_date"):
        assert any(r[name] for r in rows)
        assert columns[name]["std"] == 1, name
    # All empty in the file: not published (ObsCore publishes what an archive has).
    assert not any(r["obs_creator_did"] for r in rows)
    assert "obs_creator_did" not in columns
    # The metadata ObsCore 1.1 gives them (as STILTS taplint checks it).
    assert columns["s_pixel_scale"]["unit"] == "arcsec"
    assert columns["s_pixel_scale"]["ucd"] == "phys.angSize;instr.pixel"
    assert columns["target_class"]["ucd"] == "src.class"
    assert columns["obs_release_date"]["xtype"] == "timestamp"
    assert str(columns["em_ucd"]["utype"]).lower() == "obscore:char.spectralaxis.ucd"


def test_own_columns_are_published_with_their_declared_metadata(
    anchor_server: ServerProcess,
) -> None:
    columns = _columns(anchor_server)
    for declared in DECLARED:
        found = columns[str(declared["name"]).lower()]
        assert found["std"] == 0
        assert found["datatype"] == declared["datatype"]
        for key in ("unit", "ucd", "description", "xtype"):
            assert (found[key] or None) == declared.get(key), (declared["name"], key)
    # After the fixed columns, in the order they arrived.
    order = sorted(columns, key=lambda n: int(columns[n]["column_index"]))  # type: ignore[call-overload]
    assert order[-8:] == [
        "preview",
        "seeing",
        "night",
        "flagged",
        "target_class",  # then the optional ones, in ObsCore's order
        "obs_release_date",
        "s_pixel_scale",
        "em_ucd",
    ]
    tables = TAPService(anchor_server.tap_url).tables
    vosi = {c.name: c for c in tables["ivoa.ObsCore"].columns}
    assert str(vosi["seeing"].unit) == "arcsec"
    assert vosi["seeing"].ucd == "instr.obsty.seeing"
    assert "obs_creator_did" not in vosi


def test_adql_selects_and_filters_on_the_new_columns(anchor_server: ServerProcess) -> None:
    rows = _anchor_rows()
    expected = {
        r["obs_id"]: r for r in rows if float(r["Seeing"]) > 1.0 and r["target_class"] == "field"
    }
    result = (
        TAPService(anchor_server.tap_url)
        .run_sync(
            "SELECT obs_id, seeing, night, flagged, target_class, s_pixel_scale, em_ucd, "
            "obs_release_date, preview FROM ivoa.ObsCore "
            "WHERE Seeing > 1.0 AND target_class = 'field' ORDER BY obs_id"
        )
        .to_table()
    )
    assert list(result["obs_id"]) == sorted(expected)
    for row in result:
        source = expected[str(row["obs_id"])]
        assert float(row["seeing"]) == float(source["Seeing"])
        assert float(row["s_pixel_scale"]) == pytest.approx(float(source["s_pixel_scale"]))
        assert str(row["em_ucd"]) == source["em_ucd"]
        assert bool(row["flagged"]) == (source["flagged"] == "true")
        night = "" if np.ma.is_masked(row["night"]) else str(row["night"])
        assert night[:10] == source["night"]
        release = "" if np.ma.is_masked(row["obs_release_date"]) else str(row["obs_release_date"])
        assert release[:19] == source["obs_release_date"].rstrip("Z")
        assert np.ma.is_masked(row["preview"]) or str(row["preview"]) == ""
    with pytest.raises(DALQueryError, match="obs_creator_did"):
        TAPService(anchor_server.tap_url).run_sync("SELECT obs_creator_did FROM ivoa.ObsCore")


def test_sia_returns_the_archive_columns_too(anchor_server: ServerProcess) -> None:
    result = SIA2Service(f"{anchor_server.url}/api/sia/dp1").search(
        pos=(53.13, -28.10, 0.05), maxrec=10000
    )
    table: Table = result.to_table()
    assert len(table) > 0
    for name in ("seeing", "night", "flagged", "target_class", "s_pixel_scale"):
        assert name in table.colnames, name
    # SIA 2.0 returns images and cubes only; the anchor archive holds spectra too.
    assert set(table["dataproduct_type"]) <= {"image", "cube"}


def _load(url: str, path: Path, *args: str) -> tuple[int, str]:
    result = run_obscura(url, "load", *args, str(path))
    return result.returncode, result.stderr


def _published(url: str) -> list[str]:
    engine = create_sync_engine(url)
    schema = archive_schema(engine)
    columns = schema.tap_schema["columns"]
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(columns.c.column_name)
                    .where(columns.c.table_name == "ivoa.ObsCore")
                    .order_by(columns.c.column_index)
                ).scalars()
            )
    finally:
        engine.dispose()


def test_declarations_are_kept_replaced_and_their_types_defended(
    empty_url: str, tmp_path: Path
) -> None:
    rows = _anchor_rows()[:20]
    for row in rows:
        row.pop("preview")
    first = tmp_path / "first.csv"
    _write(rows[:10], first)
    declarations = tmp_path / "columns.json"
    declarations.write_text(json.dumps([d for d in DECLARED if d["name"] != "preview"]))
    assert _load(empty_url, first, "--columns", str(declarations)) == (0, "")
    assert "seeing" in _published(empty_url)

    # The same column declared again with another type is refused; nothing lands.
    second = tmp_path / "second.csv"
    _write(rows[10:], second)
    retyped = [dict(d, datatype="char") if d["name"] == "Seeing" else d for d in DECLARED[1:]]
    declarations.write_text(json.dumps(retyped))
    code, message = _load(empty_url, second, "--columns", str(declarations))
    assert code == 1
    assert "column seeing: the archive already has this column as double" in message
    assert "Nothing was loaded" in message

    # --replace starts over: the earlier own columns go with the earlier rows.
    plain = tmp_path / "plain.csv"
    _write([{k: v for k, v in r.items() if k in _anchor_header()} for r in rows], plain)
    assert _load(empty_url, plain, "--replace")[0] == 0
    published = _published(empty_url)
    assert not {"seeing", "night", "flagged"} & set(published)
    engine = create_sync_engine(empty_url)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sa.exc.SAWarning)  # pgSphere's types
            found = sa.inspect(engine).get_columns("ObsCore", schema=_ivoa(engine))
    finally:
        engine.dispose()
    physical = {c["name"] for c in found}
    assert "seeing" not in physical
    assert "obs_release_date" in physical  # standard: always stored


def _anchor_header() -> list[str]:
    with ANCHOR.open() as f:
        return next(csv.reader(f))


def _ivoa(engine: sa.Engine) -> str | None:
    return None if engine.dialect.name == "sqlite" else "ivoa"


def test_undeclared_columns_are_refused_with_a_way_out(tmp_path: Path) -> None:
    path = tmp_path / "anchor.csv"
    path.write_bytes(ANCHOR.read_bytes())
    with pytest.raises(LoadError) as caught:
        read_rows(path)
    assert caught.value.column == "preview"
    assert "--columns" in str(caught.value)
    header = [n for n in _anchor_header() if n != "preview"]
    rows = [{n: r[n] for n in header} for r in _anchor_rows()[:3]]
    _write([dict(r, s_pixel_scal=r.pop("s_pixel_scale")) for r in rows], path)
    with pytest.raises(LoadError, match=r"did you mean s_pixel_scale\?"):
        read_rows(path)


def test_a_votables_fields_declare_its_own_columns(tmp_path: Path) -> None:
    rows = read_rows(ANCHOR, {"preview": declare("preview", "char")}).rows.slice(0, 5)
    table = Table(
        {
            "obs_publisher_did": rows["obs_publisher_did"].to_pylist(),
            "obs_collection": rows["obs_collection"].to_pylist(),
            "obs_id": rows["obs_id"].to_pylist(),
            "calib_level": rows["calib_level"].to_pylist(),
            "airmass": np.linspace(1.0, 1.4, 5),
        }
    )
    table["airmass"].unit = ""
    table["airmass"].description = "Airmass at mid-exposure"
    table["airmass"].meta["ucd"] = "obs.airMass"
    path = tmp_path / "rows.xml"
    table.write(path, format="votable")
    loaded = read_rows(path)
    (spec,) = loaded.own_columns
    assert (spec.name, spec.datatype, spec.ucd, spec.description) == (
        "airmass",
        "double",
        "obs.airMass",
        "Airmass at mid-exposure",
    )
    assert loaded.rows["airmass"].to_pylist() == pytest.approx(np.linspace(1.0, 1.4, 5))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "2fast", "datatype": "double"}, "use a letter"),
        ({"name": "select", "datatype": "double"}, "ADQL reserved word"),
        ({"name": "s_ra", "datatype": "double"}, "an ObsCore column"),
        ({"name": "s_point", "datatype": "double"}, "taken by the archive"),
        ({"name": "S_Bound", "datatype": "double"}, "taken by the archive"),
        ({"name": "x", "datatype": "decimal"}, "datatype 'decimal'"),
        ({"name": "x", "datatype": "double", "unit": "parsecs per fortnight"}, "not a VOUnit"),
        ({"name": "x", "datatype": "double", "ucd": "very.made.up"}, "UCD1+"),
        ({"name": "x", "datatype": "double", "arraysize": "3"}, "arrays of double"),
        ({"name": "x", "datatype": "double", "colour": "red"}, "unknown key 'colour'"),
        ({"datatype": "double"}, "at least a name and a datatype"),
    ],
)
def test_wrong_declarations_say_what_to_change(
    tmp_path: Path, entry: dict[str, str], message: str
) -> None:
    path = tmp_path / "columns.json"
    path.write_text(json.dumps([entry]))
    with pytest.raises(DeclarationError, match=message):
        read_declarations(path)


def test_timestamps_are_written_the_dali_way(tmp_path: Path) -> None:
    rows = _anchor_rows()[:4]
    for row, value in zip(
        rows, ["2024-01-02", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05.5", ""], strict=True
    ):
        row["obs_release_date"] = value
        row.pop("preview")
    bad = dict(rows[0], obs_release_date="last tuesday", obs_publisher_did="ivo://x/y?bad")
    path = tmp_path / "dates.csv"
    _write(rows, path)
    loaded = read_rows(path, read_declarations(_declarations(tmp_path)))
    assert loaded.rows["obs_release_date"].to_pylist() == [
        "2024-01-02T00:00:00.000",
        "2024-01-02T03:04:05.000",
        "2024-01-02T03:04:05.500",
        None,
    ]
    _write([*rows, bad], path)
    with pytest.raises(LoadError, match="row 5, column obs_release_date: 'last tuesday'"):
        read_rows(path, read_declarations(_declarations(tmp_path)))


def _declarations(tmp_path: Path) -> Path:
    path = tmp_path / "columns.json"
    path.write_text(json.dumps(DECLARED[1:]))
    return path


def test_parquet_types_of_own_columns_are_checked(tmp_path: Path) -> None:
    rows = read_rows(ANCHOR, {"preview": declare("preview", "char")}).rows.slice(0, 3)
    rows = rows.drop_columns(["preview"]).append_column(
        "seeing", pa.array(["0.7", "fine", "0.9"], pa.string())
    )
    path = tmp_path / "rows.parquet"
    pq.write_table(rows, path)
    with pytest.raises(LoadError, match="row 2, column seeing: 'fine' is not a number"):
        read_rows(path, {"seeing": declare("seeing", "double")})


def test_taplint_finds_the_columns_as_obscore_defines_them(anchor_server: ServerProcess) -> None:
    """STILTS taplint's metadata and ObsCore stages: the optional columns' types, units,
    UCDs and utypes as ObsCore 1.1 gives them; /tables and TAP_SCHEMA agreeing."""
    stilts = shutil.which("stilts")
    assert stilts is not None, "stilts is not installed (scripts/install-system-deps.sh)"
    completed = subprocess.run(
        [stilts, "taplint", f"tapurl={anchor_server.tap_url}", "stages=TMV TME TMS TMC OBS"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = completed.stdout
    assert "Totals: Errors: 0; Warnings: 0;" in output, output[-4000:]
    assert "Failures: 0" in output
    # dataproduct_subtype, obs_title (DP1's), target_class, obs_release_date,
    # s_pixel_scale, em_ucd; custom: the six lsst_* and the four declared here.
    assert "30/30 required, 6/30 optional, 10 custom" in output, output[-4000:]
