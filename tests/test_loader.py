"""``obscura load``: good files load, bad ones are refused whole with row and column named."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from astropy.table import MaskedColumn, Table

from app.storage.archive import fill_archive
from app.storage.database import archive_schema, create_sync_engine
from obscore.ingest import row_count
from obscore.loader import LoadError, read_batches, read_rows
from obscore.published import published_column
from tests.support.server import run_obscura

_obscura = run_obscura


@pytest.fixture(scope="module")
def sample(demo_tables: list[pa.Table]) -> pa.Table:
    """A few rows of each kind of product."""
    return pa.concat_tables([t.slice(0, 20) for t in demo_tables])


def _write_votable(rows: pa.Table, path: Path) -> None:
    columns = []
    for name in rows.column_names:
        values = rows[name]
        mask = values.is_null().to_numpy(zero_copy_only=False)
        if pa.types.is_string(values.type):
            data = np.array([v or "" for v in values.to_pylist()], dtype=str)
        else:
            data = values.fill_null(0).to_numpy()
        columns.append(MaskedColumn(data, name=name, mask=mask))
    Table(columns).write(path, format="votable", overwrite=True)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xml"])
def test_every_format_reads_back_the_same_rows(
    sample: pa.Table, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"rows{suffix}"
    if suffix == ".csv":
        pa_csv.write_csv(sample, path)
    elif suffix == ".parquet":
        pq.write_table(sample, path)
    else:
        _write_votable(sample, path)
    loaded = read_rows(path)
    assert loaded.rows.equals(sample)
    assert loaded.own_columns == ()


def _bad_csv(sample: pa.Table, tmp_path: Path, row: int, column: str, value: str) -> Path:
    path = tmp_path / "bad.csv"
    pa_csv.write_csv(sample, path)
    lines = path.read_text().splitlines()
    header = [h.strip('"') for h in lines[0].split(",")]
    # s_region holds no commas, so splitting on commas is safe for these rows.
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("calib_level", "abc", "'abc' is not an integer"),
        ("calib_level", "7", "calib_level must be 0, 1, 2, 3 or 4"),
        ("s_dec", "-95.5", "s_dec must be in [-90, 90]"),
        ("t_min", "yesterday", "'yesterday' is not a number"),
        ("obs_id", "", "a value is required"),
        ("dataproduct_type", '"picture"', "'picture' is not an ObsCore data product type"),
        ("s_region", '"CIRCLE ICRS 10 20 1"', "expected an STC-S POLYGON"),
        ("s_region", '"POLYGON ICRS 10 20 11 21"', "at least three"),
        # Shaped like every other row (checked column-wise), but off the sky.
        ("s_region", '"POLYGON ICRS 10 20 11 21 12 95.5 10 22"', "is not on the sky"),
        ("s_region", '"POLYGON ICRS 10 20 11 21 12 nan 10 22"', "is not on the sky"),
        ("s_region", '"POLYGON ICRS 10 20 11 21 12 x 10 22"', "must be numbers"),
    ],
)
def test_bad_values_name_the_row_and_column(
    sample: pa.Table, tmp_path: Path, column: str, value: str, message: str
) -> None:
    path = _bad_csv(sample, tmp_path, 17, column, value)
    with pytest.raises(LoadError) as caught:
        read_rows(path)
    assert caught.value.row == 17
    assert caught.value.column == column
    assert message in str(caught.value)


def test_missing_required_and_unknown_columns(sample: pa.Table, tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(sample.drop_columns(["obs_publisher_did"]), path)
    with pytest.raises(LoadError, match="column obs_publisher_did: required column"):
        read_rows(path)
    pq.write_table(sample.append_column("s_raa", sample["s_ra"]), path)
    with pytest.raises(
        LoadError, match=r"'s_raa' is not an ObsCore column \(did you mean s_ra\?\)"
    ):
        read_rows(path)


def _fingerprint(url: str) -> tuple[int, list[str]]:
    from app.storage.database import create_sync_engine

    engine = create_sync_engine(url)
    schema = archive_schema(engine)
    try:
        with engine.connect() as conn:
            dids = (
                conn.execute(
                    sa.select(schema.obscore.c.obs_publisher_did).order_by(
                        schema.obscore.c.obs_publisher_did
                    )
                )
                .scalars()
                .all()
            )
            return row_count(conn, schema), list(dids)
    finally:
        engine.dispose()


def test_cli_loads_a_good_file_and_refuses_a_bad_one_whole(
    empty_url: str, sample: pa.Table, tmp_path: Path
) -> None:
    good = tmp_path / "good.parquet"
    pq.write_table(sample.slice(0, 60), good)
    result = _obscura(empty_url, "load", str(good))
    assert result.returncode == 0, result.stderr
    assert "loaded 60 rows" in result.stdout
    before = _fingerprint(empty_url)
    assert before[0] == 60

    bad = _bad_csv(sample.slice(60), tmp_path, 9, "calib_level", "three")
    result = _obscura(empty_url, "load", str(bad))
    assert result.returncode == 1
    assert "row 9, column calib_level: 'three' is not an integer" in result.stderr
    assert "Nothing was loaded" in result.stderr
    assert "Traceback" not in result.stderr
    assert _fingerprint(empty_url) == before


def test_cli_refuses_rows_already_in_the_archive(
    empty_url: str, sample: pa.Table, tmp_path: Path
) -> None:
    first = tmp_path / "first.parquet"
    pq.write_table(sample.slice(0, 30), first)
    assert _obscura(empty_url, "load", str(first)).returncode == 0
    before = _fingerprint(empty_url)
    # Rows 1..10 are new, row 11 repeats a DID already loaded: nothing may land.
    overlap = tmp_path / "overlap.parquet"
    pq.write_table(pa.concat_tables([sample.slice(40, 10), sample.slice(5, 1)]), overlap)
    result = _obscura(empty_url, "load", str(overlap))
    assert result.returncode == 1
    assert "row 11, column obs_publisher_did" in result.stderr
    assert "already in the archive" in result.stderr
    assert _fingerprint(empty_url) == before
    # --replace swaps the archive's rows for the file's in one transaction.
    result = _obscura(empty_url, "load", "--replace", str(overlap))
    assert result.returncode == 0, result.stderr
    assert _fingerprint(empty_url)[0] == 11


def _files(url: str) -> list[tuple[str, str, int | None]]:
    from app.storage.database import create_sync_engine

    engine = create_sync_engine(url)
    files = archive_schema(engine).files
    try:
        with engine.connect() as conn:
            query = sa.select(files.c.obs_publisher_did, files.c.file_url, files.c.size)
            return [tuple(r) for r in conn.execute(query.order_by(files.c.obs_publisher_did))]
    finally:
        engine.dispose()


def _estsizes(url: str, dids: list[str]) -> list[int]:
    from app.storage.database import create_sync_engine

    engine = create_sync_engine(url)
    obscore = archive_schema(engine).obscore
    try:
        with engine.connect() as conn:
            query = sa.select(obscore.c.obs_publisher_did, obscore.c.access_estsize)
            found = dict(conn.execute(query.where(obscore.c.obs_publisher_did.in_(dids))).all())
        return [int(found[d]) for d in dids]
    finally:
        engine.dispose()


def test_cli_checks_the_files_rows_name(empty_url: str, sample: pa.Table, tmp_path: Path) -> None:
    """A ``file_url`` column says where each row's file is: every file must exist and be
    FITS, or nothing loads; loaded, the real size replaces ``access_estsize``."""
    from astropy.io import fits

    image = tmp_path / "image.fits"
    fits.HDUList([fits.PrimaryHDU(np.zeros((64, 64), dtype=np.float32))]).writeto(image)
    rows = sample.slice(0, 3).drop_columns(["file_url"])
    urls = [str(image), image.as_uri(), None]
    good = tmp_path / "with-files.parquet"
    pq.write_table(rows.append_column("file_url", pa.array(urls, pa.string())), good)
    result = _obscura(empty_url, "load", str(good))
    assert result.returncode == 0, result.stderr
    size = image.stat().st_size
    dids = rows.column("obs_publisher_did").to_pylist()
    assert _files(empty_url) == sorted([(dids[0], urls[0], size), (dids[1], urls[1], size)])
    assert _estsizes(empty_url, dids[:2]) == [-(-size // 1024)] * 2

    text = tmp_path / "notes.fits"
    text.write_text("not FITS at all " * 400)
    for where, message in ((tmp_path / "gone.fits", "no such file"), (text, "not a FITS file")):
        bad_rows = sample.slice(3, 2).drop_columns(["file_url"])
        bad = tmp_path / "bad.parquet"
        column = pa.array([str(image), str(where)], pa.string())
        pq.write_table(bad_rows.append_column("file_url", column), bad)
        before = (_fingerprint(empty_url), _files(empty_url))
        result = _obscura(empty_url, "load", str(bad))
        assert result.returncode == 1
        assert "row 2, column file_url" in result.stderr
        assert message in result.stderr
        assert (_fingerprint(empty_url), _files(empty_url)) == before


def test_rows_exported_from_another_obscura_link_to_this_service(
    empty_url: str, sample: pa.Table, tmp_path: Path
) -> None:
    # Another Obscura publishes https://other.example/api/datalink/links?ID=<DID>; loaded
    # here, those rows must lead to this service's DataLink. Files elsewhere stay.
    rows = sample.slice(0, 6)
    dids = rows["obs_publisher_did"].to_pylist()
    urls = [
        "https://other.example/api/datalink/links?ID=" + quote(did, safe="") for did in dids[:4]
    ] + ["https://files.example/data/a.fits", None]
    urls[3] = "https://other.example/api/datalink/links?ID=" + quote(
        dids[0], safe=""
    )  # not its own
    exported = rows.set_column(
        rows.schema.get_field_index("access_url"), "access_url", pa.array(urls, pa.string())
    )
    path = tmp_path / "exported.parquet"
    pq.write_table(exported, path)
    result = _obscura(empty_url, "load", str(path))
    assert result.returncode == 0, result.stderr
    engine = create_sync_engine(empty_url)
    schema = archive_schema(engine)
    base = "https://here.example/archive"
    with engine.connect() as conn:
        published = dict(
            conn.execute(
                sa.select(
                    schema.obscore.c.obs_publisher_did,
                    published_column(schema, "access_url", base),
                )
            ).all()
        )
    engine.dispose()
    for did in dids[:3]:
        assert published[did] == f"{base}/api/datalink/links?ID={quote(did, safe='')}"
    assert published[dids[3]] == urls[3]  # another row's links: left as it was
    assert published[dids[4]] == "https://files.example/data/a.fits"
    assert published[dids[5]] is None


@pytest.mark.parametrize("form", ["dali-text", "dali-array", "stcs"])
def test_dali_polygons_load_as_footprints(
    empty_url: str, sample: pa.Table, tmp_path: Path, form: str
) -> None:
    rows = sample.slice(0, 5)
    stcs = rows["s_region"].to_pylist()
    vertices = [[float(x) for x in text.split()[2:]] for text in stcs]
    if form == "dali-text":
        regions: pa.Array = pa.array([" ".join(map(str, v)) for v in vertices], pa.string())
    elif form == "dali-array":
        regions = pa.array(vertices, pa.list_(pa.float64()))
    else:
        regions = pa.array(stcs, pa.string())
    index = rows.schema.get_field_index("s_region")
    path = tmp_path / "regions.parquet"
    pq.write_table(rows.set_column(index, "s_region", regions), path)
    result = _obscura(empty_url, "load", str(path))
    assert result.returncode == 0, result.stderr
    engine = create_sync_engine(empty_url)
    obscore = archive_schema(engine).obscore
    with engine.connect() as conn:
        query = sa.select(obscore.c.obs_publisher_did, obscore.c.s_region)
        loaded: dict[str, str] = {}
        for did, region in conn.execute(query):
            loaded[did] = region
    engine.dispose()
    for did, original in zip(rows["obs_publisher_did"].to_pylist(), vertices, strict=True):
        words = loaded[did].split()
        assert words[:2] == ["POLYGON", "ICRS"]
        assert [float(x) for x in words[2:]] == pytest.approx(original)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_files_are_read_in_batches(
    demo_tables: list[pa.Table], tmp_path: Path, suffix: str
) -> None:
    rows = demo_tables[0].slice(0, 2000)  # a few hundred kB
    path = tmp_path / f"rows{suffix}"
    if suffix == ".csv":
        pa_csv.write_csv(rows, path)
    else:
        pq.write_table(rows, path)
    loaded = read_batches(path, batch_rows=100)
    batches = list(loaded.batches)
    assert len(batches) >= 5
    assert max(b.num_rows for b in batches) <= 400  # CSV is cut by bytes: about 100
    assert pa.concat_tables(batches).equals(rows)


def test_a_bad_row_in_a_later_batch_is_named_and_nothing_lands(
    empty_url: str, sample: pa.Table, tmp_path: Path
) -> None:
    path = _bad_csv(sample.slice(5), tmp_path, 87, "calib_level", "9")
    with pytest.raises(LoadError) as caught:
        read_rows(path)
    assert (caught.value.row, caught.value.column) == (87, "calib_level")
    engine = create_sync_engine(empty_url)
    try:
        fill_archive(engine, [sample.slice(0, 5)], replace=True, progress=False)
        before = _fingerprint(empty_url)
        batches = read_batches(path, batch_rows=20).batches
        with pytest.raises(LoadError) as caught:
            fill_archive(engine, batches, replace=False, progress=False)
        # The row of the file, not of its batch; the batches before it are not kept.
        assert (caught.value.row, caught.value.column) == (87, "calib_level")
        assert "row 87, column calib_level" in str(caught.value)
        assert _fingerprint(empty_url) == before
    finally:
        engine.dispose()


@pytest.mark.parametrize("with_files", [False, True])
def test_a_did_repeated_across_batches_is_refused(
    empty_url: str, sample: pa.Table, tmp_path: Path, with_files: bool
) -> None:
    # Row 90 repeats row 3's DID; each batch of 20 holds it once.
    rows = pa.concat_tables([sample.slice(0, 89), sample.slice(2, 1)])
    if not with_files:
        rows = rows.drop_columns([c for c in rows.column_names if c == "file_url"])
    path = tmp_path / "repeated.parquet"
    pq.write_table(rows, path)
    engine = create_sync_engine(empty_url)
    try:
        fill_archive(engine, [sample.slice(0, 5)], replace=True, progress=False)
        before = _fingerprint(empty_url)
        for replace in (True, False):
            batches = read_batches(path, batch_rows=20).batches
            with pytest.raises(LoadError) as caught:
                fill_archive(engine, batches, replace=replace, progress=False)
            assert caught.value.column == "obs_publisher_did"
            if not replace:  # rows 1..5 are already in the archive
                assert caught.value.row == 1
            elif with_files:  # found by the files' unique index, while writing
                assert "appears more than once" in str(caught.value)
            else:  # found before the indexes are built
                assert caught.value.row == 90
                assert "appears more than once" in str(caught.value)
            assert _fingerprint(empty_url) == before
    finally:
        engine.dispose()
