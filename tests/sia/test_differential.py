"""Differential: an SIA 2.0 query returns exactly the rows the test computes itself from
the demo data (numpy over the rows the archive was loaded with, and the test's own
spherical geometry in ``tests/sia/sky.py``), on SQLite and on PostgreSQL + pgSphere.

The expectation follows SIA 2.0 itself, independently of the ``sia`` library and of the
database: POS overlaps ``s_region``; BAND and TIME overlap [low, high] columns; FOV,
SPATRES, EXPTIME, TIMERES and SPECRP lie in the interval (bounds included); the string
parameters match exactly (ID ignoring case); values of one parameter are ORed,
different parameters ANDed; a NULL in a constrained column never matches.

The combinations are drawn from a seeded generator. Each one is built around an
"anchor" row of the demo data; most parameters get a value the anchor matches, so
that most combinations return rows, and the anchor must be among them.

POS RANGE has no ADQL counterpart; it is checked against the positions of the demo
rows instead: rows well inside the box are returned, rows far outside are not.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import numpy as np
import pyarrow as pa
import pytest

from tests.sia.sky import Bools, Floats, circle_hits, polygon_hits

SEED = 20_151_223  # SIA 2.0's REC date
CASES = 60
MAXREC = 100_000
"""Above the demo's 53,525 rows: no result is ever cut."""

QUERY_PATH = "/api/sia/dp1/query"


FIELD_CENTRES = (
    (6.02, -72.08),
    (37.86, 6.98),
    (40.00, -34.45),
    (53.13, -28.10),
    (59.10, -48.73),
    (95.00, -25.00),
    (106.23, -10.51),
)

SUBTYPES = (
    "lsst.raw",
    "lsst.visit_image",
    "lsst.difference_image",
    "lsst.deep_coadd",
    "lsst.template_coadd",
)
TARGETS = (
    "47_Tuc",
    "Rubin_SV_38_7",
    "Fornax_dSph",
    "ECDFS",
    "EDFS_comcam",
    "Rubin_SV_95_-25",
    "Seagull",
    "slew_icrs",
)

COLUMNS = (
    "obs_publisher_did",
    "s_ra",
    "s_dec",
    "s_fov",
    "s_resolution",
    "em_min",
    "em_max",
    "em_res_power",
    "t_min",
    "t_max",
    "t_exptime",
    "t_resolution",
    "calib_level",
    "dataproduct_subtype",
    "dataproduct_type",
    "target_name",
    "obs_collection",
    "facility_name",
    "instrument_name",
    "access_format",
)

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Data:
    """The demo rows as the test sees them: columns as numpy arrays (NaN or None for
    NULL) and each row's footprint (n, 4, 2)."""

    columns: dict[str, np.ndarray]
    footprints: Floats

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]


Predicate = Callable[[Data], Bools]
Generator = Callable[[random.Random, Row, bool], tuple[str, Predicate, bool]]


@dataclass(frozen=True, slots=True)
class Case:
    """One SIA request and the rows it must select."""

    sia: tuple[tuple[str, str], ...]
    conditions: tuple[tuple[Predicate, ...], ...]
    """For each parameter, one predicate per value: ANDed across, ORed within."""
    anchor: str | None
    """obs_publisher_did of a row the query must return (None: no such promise)."""
    post: bool

    def describe(self) -> str:
        return "SIA: " + "&".join(f"{name}={value}" for name, value in self.sia)

    def expected(self, data: Data) -> set[str]:
        selected = np.ones(len(data["obs_publisher_did"]), dtype=bool)
        for alternatives in self.conditions:
            selected &= np.logical_or.reduce([condition(data) for condition in alternatives])
        return set(data["obs_publisher_did"][selected])


@dataclass(frozen=True, slots=True)
class Drawn:
    """One parameter's values, their predicates, and whether the anchor matches."""

    values: list[str]
    conditions: list[Predicate]
    anchored: bool


# --- value formatting ----------------------------------------------------------------


def _deg(value: float) -> str:
    return f"{value:.6f}"


def _number(text: str) -> float:
    return {"-Inf": -math.inf, "+Inf": math.inf}.get(text) or float(text)


def _interval_text(low: str, high: str) -> str:
    return low if low == high else f"{low} {high}"


def _overlap(low_column: str, high_column: str, low: str, high: str) -> Predicate:
    lo, hi = _number(low), _number(high)

    def overlaps(data: Data) -> Bools:
        with np.errstate(invalid="ignore"):  # NaN (NULL) compares False
            result: Bools = (data[low_column] <= hi) & (data[high_column] >= lo)
        return result

    return overlaps


def _inside(column: str, low: str, high: str) -> Predicate:
    lo, hi = _number(low), _number(high)

    def inside(data: Data) -> Bools:
        with np.errstate(invalid="ignore"):
            result: Bools = (data[column] >= lo) & (data[column] <= hi)
        return result

    return inside


def _equal(column: str, value: object) -> Predicate:
    def equal(data: Data) -> Bools:
        return np.asarray(data[column] == value, dtype=bool)

    return equal


# --- parameter generators -------------------------------------------------------------
#
# Each returns one value (SIA text, ADQL condition, does the anchor match it?); ``match``
# asks for a value the anchor matches, when the anchor can match at all.


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _near(rng: random.Random, row: Row, match: bool, reach: float) -> tuple[float, float, bool]:
    """A point within ``reach`` degrees of the anchor's centre, or anywhere near the data."""
    if match:
        ra, dec = row["s_ra"], row["s_dec"]
    else:
        ra, dec = rng.choice(FIELD_CENTRES)
        reach = 2.0
    step = reach * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    dec2 = max(-89.0, min(89.0, dec + step * math.sin(angle)))
    ra2 = (ra + step * math.cos(angle) / math.cos(math.radians(dec2))) % 360.0
    return ra2, dec2, match


def _circle(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
    radius = _log_uniform(rng, 0.003, 0.3)
    ra, dec, anchored = _near(rng, row, match, 0.4 * radius)
    r, d, rr = _deg(ra), _deg(dec), _deg(radius)
    centre, size = (float(r), float(d)), float(rr)
    return (
        f"CIRCLE {r} {d} {rr}",
        lambda data: circle_hits(data.footprints, *centre, size),
        anchored,
    )


def _polygon(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
    """A polygon star-shaped around its centre (which it contains), convex or not,
    listed counter-clockwise or clockwise."""
    size = _log_uniform(rng, 0.005, 0.4)
    ra, dec, anchored = _near(rng, row, match, 0.2 * size)
    n = rng.choice((3, 4, 5, 6))
    start = rng.uniform(0, 2 * math.pi)
    vertices = []
    for k in range(n):
        angle = start + 2 * math.pi * (k + rng.uniform(-0.3, 0.3)) / n
        rho = size * rng.uniform(0.4, 1.0)
        vdec = dec + rho * math.sin(angle)
        vra = (ra + rho * math.cos(angle) / math.cos(math.radians(vdec))) % 360.0
        vertices.append((_deg(vra), _deg(vdec)))
    if rng.random() < 0.5:
        vertices.reverse()
    flat = [x for vertex in vertices for x in vertex]
    corners = [(float(a), float(b)) for a, b in vertices]
    return (
        "POLYGON " + " ".join(flat),
        lambda data: polygon_hits(data.footprints, corners),
        anchored,
    )


def _pos(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
    return (_circle if rng.random() < 0.6 else _polygon)(rng, row, match)


def _overlap_value(
    low_column: str, high_column: str, lo: float, hi: float, scale: float, fmt: str
) -> Generator:
    """BAND, TIME: a value or an interval around a point of the anchor's interval."""

    def draw(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
        row_low, row_high = row[low_column], row[high_column]
        anchored = match and row_low is not None and row_high is not None
        if anchored:
            point = row_low + rng.uniform(0.1, 0.9) * (row_high - row_low)
        else:
            point = rng.uniform(lo, hi)

        def reach(sign: str) -> str | None:
            pick = rng.random()
            if pick < 0.3:
                return None  # the point itself
            if pick < 0.4:
                return f"{sign}Inf"
            offset = _log_uniform(rng, scale * 1e-3, scale)
            return format(point - offset if sign == "-" else point + offset, fmt)

        exact = format(point, fmt)
        low = reach("-") or exact
        high = reach("+") or exact
        return (
            _interval_text(low, high),
            _overlap(low_column, high_column, low, high),
            anchored,
        )

    return draw


def _interval_value(column: str, lo: float, hi: float, scale: float) -> Generator:
    """FOV, SPATRES, EXPTIME, TIMERES, SPECRP: an interval containing the anchor's value,
    or anywhere (sometimes a single value, sometimes open on one side)."""

    def draw(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
        value = row[column]
        anchored = match and value is not None
        if anchored:
            low = "-Inf" if rng.random() < 0.15 else f"{value - rng.uniform(0.01, 1) * scale:.6f}"
            high = "+Inf" if rng.random() < 0.15 else f"{value + rng.uniform(0.01, 1) * scale:.6f}"
            if value == round(value) and rng.random() < 0.3:
                low = high = f"{value:g}"  # t_exptime 30: "30" is exact
        else:
            pick = rng.random()
            centre = rng.uniform(lo, hi)
            if pick < 0.2:
                low = high = f"{centre:.6f}"
            elif pick < 0.3:
                low, high = "-Inf", "+Inf"  # every non-NULL value
            else:
                width = rng.uniform(0, scale)
                low, high = f"{centre - width:.6f}", f"{centre + width:.6f}"
                if pick < 0.4:
                    low = "-Inf"
                elif pick < 0.5:
                    high = "+Inf"
        return _interval_text(low, high), _inside(column, low, high), anchored

    return draw


def _exact_value(column: str, others: tuple[str, ...]) -> Generator:
    def draw(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
        value = row[column]
        anchored = match and value is not None
        text = value if anchored else rng.choice(others)
        return text, _equal(column, text), anchored

    return draw


def _calib(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
    level = row["calib_level"] if match else rng.choice((0, 1, 2, 3, 4))
    return str(level), _equal("calib_level", level), match


def _identifier(others: list[str]) -> Generator:
    """An IVOID, the anchor's or another row's or none, in any case (IVOIDs ignore it)."""

    def draw(rng: random.Random, row: Row, match: bool) -> tuple[str, Predicate, bool]:
        if match:
            did = row["obs_publisher_did"]
        elif rng.random() < 0.3:
            did = row["obs_publisher_did"][:-12] + "000000000000"
        else:
            did = rng.choice(others)
        style = rng.random()
        if style < 0.3:
            did = did.upper()
        elif style < 0.5:
            authority, _, rest = did.partition("?")
            did = authority.upper() + "?" + rest
        return did, _equal("did_lower", did.lower()), match

    return draw


GENERATORS: dict[str, tuple[float, Generator]] = {
    "BAND": (3, _overlap_value("em_min", "em_max", 2.5e-7, 1.2e-6, 3e-7, ".5e")),
    "TIME": (3, _overlap_value("t_min", "t_max", 60600.0, 60660.0, 2.0, ".6f")),
    "CALIB": (3, _calib),
    "DPSUBTYPE": (
        3,
        _exact_value("dataproduct_subtype", (*SUBTYPES, "lsst.calexp", "LSST.RAW")),
    ),
    "EXPTIME": (1.5, _interval_value("t_exptime", 0.0, 60.0, 20.0)),
    "FOV": (1.5, _interval_value("s_fov", 0.2, 0.4, 0.03)),
    "SPATRES": (1.5, _interval_value("s_resolution", 0.4, 2.5, 0.5)),
    "SPECRP": (1.5, _interval_value("em_res_power", 3.0, 9.0, 1.5)),
    "TIMERES": (1, _interval_value("t_resolution", 0.0, 60.0, 20.0)),
    "TARGET": (1.5, _exact_value("target_name", (*TARGETS, "NGC 253", "ecdfs"))),
    "COLLECTION": (1, _exact_value("obs_collection", ("LSST.DP0.2", "lsst.dp1"))),
    "FACILITY": (1, _exact_value("facility_name", ("Rubin", "rubin:simonyi"))),
    "INSTRUMENT": (1, _exact_value("instrument_name", ("LSSTCam", "lsstcomcam"))),
    "DPTYPE": (1, _exact_value("dataproduct_type", ("cube", "Image"))),
    "FORMAT": (1, _exact_value("access_format", ("image/fits", "application/x-votable+xml"))),
}


def _draw_parameter(
    rng: random.Random,
    row: Row,
    generator: Generator,
) -> Drawn:
    """One to three values, the first one matching the anchor most times."""
    count = rng.choices((1, 2, 3), weights=(7, 2, 1))[0]
    drawn = [generator(rng, row, k == 0 and rng.random() < 0.88) for k in range(count)]
    return Drawn(
        [text for text, _, _ in drawn],
        [condition for _, condition, _ in drawn],
        any(anchored for _, _, anchored in drawn),
    )


def _draw_case(
    rng: random.Random, rows: list[Row], generators: dict[str, tuple[float, Generator]]
) -> Case:
    row = rng.choice(rows)
    count = rng.randint(1, 4)
    chosen: dict[str, Drawn] = {}
    if rng.random() < 0.7:
        chosen["POS"] = _draw_parameter(rng, row, _pos)
    names = list(generators)
    weights = [generators[n][0] for n in names]
    while len(chosen) < count:
        name = rng.choices(names, weights=weights)[0]
        if name not in chosen:
            chosen[name] = _draw_parameter(rng, row, generators[name][1])
    sia: list[tuple[str, str]] = []
    for name, drawn in chosen.items():
        sent = name.lower() if rng.random() < 0.2 else name  # names in any case (DALI)
        sia += [(sent, value) for value in drawn.values]
    rng.shuffle(sia)
    conditions = tuple(tuple(drawn.conditions) for drawn in chosen.values())
    anchored = all(drawn.anchored for drawn in chosen.values())
    return Case(
        tuple(sia),
        conditions,
        row["obs_publisher_did"] if anchored else None,
        post=rng.random() < 0.5,
    )


# --- fixtures and helpers ------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_columns(demo_tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables([t.select(list(COLUMNS)) for t in demo_tables])


@pytest.fixture(scope="session")
def differential_cases(demo_columns: pa.Table) -> list[Case]:
    rng = random.Random(SEED)
    picks = rng.sample(range(demo_columns.num_rows), 400)
    rows: list[Row] = demo_columns.take(picks[:200]).to_pylist()
    others = [r["obs_publisher_did"] for r in demo_columns.take(picks[200:]).to_pylist()]
    generators = {**GENERATORS, "ID": (1.5, _identifier(others))}
    return [_draw_case(rng, rows, generators) for _ in range(CASES)]


def _dids(response: httpx.Response, what: str) -> list[str]:
    assert response.status_code == 200, f"{what}: {response.status_code} {response.text[:500]}"
    assert response.headers["content-type"].startswith("text/csv"), response.headers
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames is not None
    assert "obs_publisher_did" in reader.fieldnames
    return [line["obs_publisher_did"] for line in reader]


async def _sia(
    client: httpx.AsyncClient, params: list[tuple[str, str]], *, post: bool = False
) -> list[str]:
    params = [*params, ("RESPONSEFORMAT", "csv"), ("MAXREC", str(MAXREC))]
    if post:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        response = await client.post(QUERY_PATH, content=urlencode(params), headers=form)
    else:
        response = await client.get(QUERY_PATH, params=tuple(params))
    return _dids(response, "SIA")


@pytest.fixture(scope="session")
def data(demo_columns: pa.Table, demo_tables: list[pa.Table]) -> Data:
    columns = {}
    for name in COLUMNS:
        column = demo_columns[name]
        if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
            columns[name] = column.to_numpy(zero_copy_only=False).astype(float)
        else:
            columns[name] = np.array(column.to_pylist(), dtype=object)
    columns["did_lower"] = np.array([d.lower() for d in columns["obs_publisher_did"]], dtype=object)
    words = [t.split() for t in pa.concat_tables(demo_tables)["s_region"].to_pylist()]
    assert all(w[:2] == ["POLYGON", "ICRS"] and len(w) == 10 for w in words)
    footprints = np.array([w[2:] for w in words], dtype=np.float64).reshape(-1, 4, 2)
    return Data(columns, footprints)


def _sample(ids: set[str]) -> list[str]:
    return sorted(ids)[:5]


# --- the differential ---------------------------------------------------------------


def test_most_combinations_promise_rows(differential_cases: list[Case]) -> None:
    """Anchored combinations must return their anchor (checked below), so this is the
    share of combinations that return rows, at least."""
    anchored = sum(case.anchor is not None for case in differential_cases)
    assert anchored >= CASES // 2, anchored
    assert anchored < CASES  # and some are (likely) empty
    names = {name.upper() for case in differential_cases for name, _ in case.sia}
    assert names == {"POS", "ID", *GENERATORS}, names  # every parameter is exercised


@pytest.mark.parametrize("index", range(CASES))
async def test_sia_query_returns_the_rows_the_standard_selects(
    sia_client: httpx.AsyncClient, differential_cases: list[Case], data: Data, index: int
) -> None:
    case = differential_cases[index]
    sia = await _sia(sia_client, list(case.sia), post=case.post)
    expected = case.expected(data)
    assert len(sia) == len(set(sia)), f"duplicate rows\n{case.describe()}"
    found = set(sia)
    assert found == expected, (
        f"{case.describe()}\nSIA only ({len(found - expected)}): {_sample(found - expected)}\n"
        f"expected, not returned ({len(expected - found)}): {_sample(expected - found)}"
    )
    if case.anchor is not None:
        assert case.anchor in found, case.describe()


# --- POS RANGE ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Box:
    lon1: float | None  # None: -Inf +Inf
    lon2: float | None
    lat1: float
    lat2: float

    def text(self) -> str:
        def lon(value: float | None, infinite: str) -> str:
            return infinite if value is None else f"{value:g}"

        def lat(value: float) -> str:
            return "-Inf" if value == -90 else "+Inf" if value == 90 else f"{value:g}"

        return (
            f"RANGE {lon(self.lon1, '-Inf')} {lon(self.lon2, '+Inf')} "
            f"{lat(self.lat1)} {lat(self.lat2)}"
        )


RANGES: list[tuple[Box, tuple[tuple[str, str], ...]]] = [
    # Around fields, a few degrees wide; lon1 > lon2 crosses RA 0; -Inf reaches a pole.
    (Box(52.0, 54.5, -29.0, -27.0), (("DPSUBTYPE", "lsst.visit_image"),)),
    (Box(357.0, 8.0, -74.0, -70.5), (("CALIB", "3"),)),
    (Box(0.0, 8.0, -90.0, -71.5), ()),
    (Box(36.0, 39.5, 5.5, 8.5), (("DPSUBTYPE", "lsst.raw"),)),
    (Box(57.0, 61.0, -49.5, -47.5), (("DPSUBTYPE", "lsst.template_coadd"),)),
    (Box(93.5, 96.5, -26.0, -24.0), (("CALIB", "2"),)),
    (Box(105.0, 107.5, -11.5, -9.5), ()),
    (Box(38.5, 41.5, -36.0, -33.0), ()),
    (Box(150.0, 155.0, -30.0, -25.0), ()),  # nothing there
    # Every latitude, from pole to pole, of RA 120 to 130, where there is no data.
    (Box(120.0, 130.0, -90.0, 90.0), ()),
]


def _meridian_distance(delta: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """Degrees from points to the great circle of a meridian ``delta`` degrees of RA away."""
    distance: np.ndarray = np.degrees(
        np.arcsin(np.abs(np.sin(np.radians(delta))) * np.cos(np.radians(dec)))
    )
    return distance


def _box_expectations(box: Box, ra: np.ndarray, dec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows that must be returned (centre 0.5 deg inside the box), rows that must not
    (centre 1 deg outside; footprints are under 0.35 deg across)."""
    lat_inside = (dec >= box.lat1 + 0.5) & (dec <= box.lat2 - 0.5)
    lat_far = (dec < box.lat1 - 1.0) | (dec > box.lat2 + 1.0)
    if box.lon1 is None or box.lon2 is None:
        return lat_inside, lat_far
    width = (box.lon2 - box.lon1) % 360.0
    offset = (ra - box.lon1) % 360.0
    to_west = _meridian_distance(offset, dec)
    to_east = _meridian_distance(width - offset, dec)
    within = offset <= width
    must = lat_inside & within & (to_west >= 0.5) & (to_east >= 0.5)
    must_not = lat_far | (~within & (to_west >= 1.0) & (to_east >= 1.0))
    return must, must_not


@dataclass(frozen=True, slots=True)
class Positions:
    """The demo rows' identifiers, centres and the columns RANGE tests filter on."""

    did: np.ndarray
    ra: np.ndarray
    dec: np.ndarray
    calib_level: np.ndarray
    dataproduct_subtype: np.ndarray


@pytest.fixture(scope="session")
def positions(demo_columns: pa.Table) -> Positions:
    assert max(demo_columns["s_fov"].to_pylist()) < 0.35  # what "far outside" relies on

    def column(name: str) -> np.ndarray:
        return np.asarray(demo_columns[name].to_pylist())

    return Positions(
        column("obs_publisher_did"),
        column("s_ra").astype(float),
        column("s_dec").astype(float),
        column("calib_level").astype(int),
        column("dataproduct_subtype"),
    )


@pytest.mark.parametrize(
    ("box", "extra"),
    RANGES,
    ids=[b.text().replace(" ", "_") + "".join(f"&{n}={v}" for n, v in e) for b, e in RANGES],
)
async def test_range_returns_rows_inside_and_none_far_outside(
    sia_client: httpx.AsyncClient,
    positions: Positions,
    box: Box,
    extra: tuple[tuple[str, str], ...],
) -> None:
    selected = np.ones(len(positions.did), dtype=bool)
    for name, value in extra:
        if name == "CALIB":
            selected &= positions.calib_level == int(value)
        else:
            selected &= positions.dataproduct_subtype == value
    must, must_not = _box_expectations(box, positions.ra, positions.dec)
    found = set(await _sia(sia_client, [("POS", box.text()), *extra]))
    missing = set(positions.did[must & selected]) - found
    wrong = set(positions.did[must_not]) & found
    unselected = found - set(positions.did[selected])
    text = box.text()
    assert not missing, f"{text}: {len(missing)} rows well inside not returned: {_sample(missing)}"
    assert not wrong, f"{text}: {len(wrong)} rows far outside returned: {_sample(wrong)}"
    assert not unselected, f"{text}: {extra} ignored: {_sample(unselected)}"
    # Each box has data well inside it, or none anywhere near.
    assert (must & selected).any() or must_not.all(), text


async def test_polygon_matches_nothing_at_its_antipode(sia_client: httpx.AsyncClient) -> None:
    """A pole-to-pole quadrilateral over RA 120 to 200 holds no demo data (RA 3.8 to 107):
    47 Tuc (RA 6, Dec -72), at the antipode of its part near (186, 72), must not match."""
    polygon = "POLYGON 120 -89 200 -89 200 89 120 89"
    found = await _sia(sia_client, [("POS", polygon)])
    assert found == [], f"{len(found)} rows, e.g. {_sample(set(found))}"


async def test_polygon_of_many_vertices(sia_client: httpx.AsyncClient) -> None:
    """A 24-vertex polygon inscribed in a 0.3 deg circle: what it returns, the circle does."""
    ra, dec, radius = 59.1, -48.73, 0.3
    vertices = []
    for k in range(24):
        angle = 2 * math.pi * k / 24
        vdec = dec + radius * math.sin(angle)
        vertices += [_deg(ra + radius * math.cos(angle) / math.cos(math.radians(vdec))), _deg(vdec)]
    polygon = set(await _sia(sia_client, [("POS", "POLYGON " + " ".join(vertices))]))
    circle = set(await _sia(sia_client, [("POS", f"CIRCLE {ra} {dec} {radius + 0.01}")]))
    inner = set(await _sia(sia_client, [("POS", f"CIRCLE {ra} {dec} {radius * 0.9}")]))
    assert inner
    assert inner <= polygon <= circle
