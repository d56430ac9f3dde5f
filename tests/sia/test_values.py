"""SIA 2.0 parameter values without a database: numbers, intervals, POS shapes, POL, the
parsing of a whole request (:func:`sia.query.parse_query`) and the polygons a POS RANGE
becomes (:func:`sia.adql.range_polygons`), checked against a point-in-polygon test."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from obscore.sphere import radec_to_xyz
from sia.adql import range_polygons
from sia.errors import SiaParameterError
from sia.parameters import POL_STATES, SIA_PARAMETERS
from sia.query import parse_query
from sia.ranges import edge_strips
from sia.values import (
    Circle,
    Interval,
    Polygon,
    Range,
    parse_integer,
    parse_interval,
    parse_number,
    parse_shape,
)

INF = math.inf


def _refused(name: str, call: object, *args: str) -> str:
    """Call ``call(name, *args)``, expect a SiaParameterError naming ``name``; its text."""
    assert callable(call)
    with pytest.raises(SiaParameterError) as caught:
        call(name, *args)
    assert caught.value.parameter == name
    message = str(caught.value)
    assert message.startswith(f"{name}: "), message
    return message


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.5", 1.5),
        (" -2e-7 ", -2e-7),
        ("-Inf", -INF),
        ("+Inf", INF),
        ("Inf", INF),
        ("inf", INF),  # str(math.inf), what pyvo sends
        ("-inf", -INF),  # str(-math.inf)
        ("+inf", INF),
        ("INF", INF),
        ("-INF", -INF),
    ],
)
def test_numbers_and_infinities(text: str, value: float) -> None:
    assert parse_number("BAND", text) == value


@pytest.mark.parametrize("text", ["nan", "NaN", "-nan", "+NAN"])
def test_nan_is_refused(text: str) -> None:
    assert "NaN" in _refused("TIME", parse_number, text)


@pytest.mark.parametrize("text", ["", "abc", "1,5", "1 2", "0x10"])
def test_non_numbers_are_refused(text: str) -> None:
    _refused("EXPTIME", parse_number, text)


def test_integers() -> None:
    assert parse_integer("CALIB", " 3 ") == 3
    for text in ("3.0", "three", "", "1e2", "-9223372036854775809", "9" * 30):
        _refused("CALIB", parse_integer, text)
    assert parse_integer("CALIB", "-9223372036854775807") == -(2**63 - 1)


# --- intervals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("30", Interval(30.0, 30.0)),
        ("5.5e-7", Interval(5.5e-7, 5.5e-7)),
        ("1 2", Interval(1.0, 2.0)),
        ("2 2", Interval(2.0, 2.0)),
        ("  -1   4.5 ", Interval(-1.0, 4.5)),
        ("-Inf 3", Interval(-INF, 3.0)),
        ("3 +Inf", Interval(3.0, INF)),
        ("-inf inf", Interval(-INF, INF)),  # pyvo: str(-math.inf), str(math.inf)
        ("60600 +Inf", Interval(60600.0, INF)),
    ],
)
def test_intervals(text: str, interval: Interval) -> None:
    assert parse_interval("FOV", text) == interval


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2 1", "above"),
        ("+Inf -Inf", "above"),
        ("1 2 3", "not 3"),
        ("", "not 0"),
        ("Inf", "finite"),
        ("-Inf", "finite"),
        ("1 nan", "NaN"),
        ("1 x", "not a number"),
    ],
)
def test_bad_intervals_are_refused(text: str, words: str) -> None:
    assert words in _refused("SPATRES", parse_interval, text)


@pytest.mark.parametrize("text", ["-Inf -Inf", "+Inf +Inf"])
def test_interval_with_both_bounds_at_one_infinity_is_refused(text: str) -> None:
    _refused("EXPTIME", parse_interval, text)


# --- shapes --------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["CIRCLE", "circle", "Circle", "cIrClE"])
def test_circle_keyword_in_any_case(keyword: str) -> None:
    assert parse_shape("POS", f"{keyword} 53.1 -28.1 0.05") == Circle(53.1, -28.1, 0.05)


@pytest.mark.parametrize("keyword", ["RANGE", "range", "Range"])
def test_range_keyword_in_any_case(keyword: str) -> None:
    assert parse_shape("POS", f"{keyword} 10 20 -5 5") == Range(10.0, 20.0, -5.0, 5.0)


@pytest.mark.parametrize("keyword", ["POLYGON", "polygon", "Polygon"])
def test_polygon_keyword_in_any_case(keyword: str) -> None:
    shape = parse_shape("POS", f"{keyword} 10 0 11 0 11 1 10 1")
    assert shape == Polygon(((10.0, 0.0), (11.0, 0.0), (11.0, 1.0), (10.0, 1.0)))


def test_circle_limits() -> None:
    assert parse_shape("POS", "CIRCLE 0 -90 180") == Circle(0.0, -90.0, 180.0)
    assert parse_shape("POS", "CIRCLE 360 90 1e-6") == Circle(360.0, 90.0, 1e-6)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("CIRCLE 10 10 0", "radius"),
        ("CIRCLE 10 10 -1", "radius"),
        ("CIRCLE 10 10 180.5", "radius"),
        ("CIRCLE 10 10 +Inf", "radius"),
        ("CIRCLE -0.5 10 1", "longitude"),
        ("CIRCLE 360.5 10 1", "longitude"),
        ("CIRCLE 10 90.5 1", "latitude"),
        ("CIRCLE 10 -91 1", "latitude"),
        ("CIRCLE 10 10", "not 2"),
        ("CIRCLE 10 10 1 1", "not 4"),
        ("CIRCLE 10 nan 1", "NaN"),
        ("CIRCLE 10 ten 1", "not a number"),
        ("BOX 10 10 1 1", "unknown shape"),
        ("", "empty"),
        ("   ", "empty"),
        ("10 10 1", "unknown shape"),
    ],
)
def test_bad_circles_are_refused(text: str, words: str) -> None:
    assert words in _refused("POS", parse_shape, text)


def test_range_values() -> None:
    # -Inf +Inf longitudes: all of them; infinite latitudes are clamped to the poles.
    assert parse_shape("POS", "RANGE -Inf +Inf -Inf +Inf") == Range(None, None, -90.0, 90.0)
    assert parse_shape("POS", "RANGE -inf inf 10 20") == Range(None, None, 10.0, 20.0)
    assert parse_shape("POS", "RANGE 0 360 -Inf 0") == Range(0.0, 360.0, -90.0, 0.0)
    # lon1 > lon2: the range crosses RA 0 (kept as given).
    assert parse_shape("POS", "RANGE 350 10 -5 5") == Range(350.0, 10.0, -5.0, 5.0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("RANGE -Inf 10 0 1", "-Inf +Inf"),
        ("RANGE 10 +Inf 0 1", "-Inf +Inf"),
        ("RANGE +Inf -Inf 0 1", "-Inf +Inf"),
        ("RANGE -1 10 0 1", "outside [0, 360]"),
        ("RANGE 10 361 0 1", "outside [0, 360]"),
        ("RANGE 10 10 0 1", "lon1 equals lon2"),
        ("RANGE 10 20 -91 0", "outside [-90, 90]"),
        ("RANGE 10 20 0 90.5", "outside [-90, 90]"),
        ("RANGE 10 20 5 1", "lat1 below lat2"),
        ("RANGE 10 20 5 5", "lat1 below lat2"),
        ("RANGE 10 20 +Inf +Inf", "lat1 below lat2"),
        ("RANGE 10 20 0", "not 3"),
        ("RANGE 10 20 0 1 2", "not 5"),
    ],
)
def test_bad_ranges_are_refused(text: str, words: str) -> None:
    assert words in _refused("POS", parse_shape, text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("POLYGON 10 0 11 0 11", "not 5"),
        ("POLYGON 10 0 11 0 11 1 10", "not 7"),
        ("POLYGON 10 0 11 0", "not 4"),
        ("POLYGON", "not 0"),
        ("POLYGON 10 0 11 0 361 1", "longitude"),
        ("POLYGON 10 0 11 0 11 -90.1", "latitude"),
        ("POLYGON 10 0 11 0 11 +Inf", "latitude"),
    ],
)
def test_bad_polygons_are_refused(text: str, words: str) -> None:
    assert words in _refused("POS", parse_shape, text)


def test_concave_polygon_keeps_its_vertices() -> None:
    text = "POLYGON 10 0 13 0 13 3 12 3 12 1 11 1 11 3 10 3"
    shape = parse_shape("POS", text)
    assert isinstance(shape, Polygon)
    assert len(shape.vertices) == 8
    assert shape.vertices[4] == (12.0, 1.0)


# --- a whole request -----------------------------------------------------------------


def test_query_names_in_any_case_values_ored_unknown_ignored() -> None:
    query = parse_query(
        {
            "pos": ["circle 10 20 1"],
            "Calib": ["1", "3"],
            "BAND": ["5e-7", "6e-7 7e-7"],
            "maxrec": ["10"],
            "RESPONSEFORMAT": ["csv"],
            "NOT_A_PARAMETER": ["whatever (is never read)"],
            "dpsubtype": ["lsst.raw"],
        }
    )
    found = {c.parameter.name: c.values for c in query.constraints}
    assert found == {
        "POS": (Circle(10.0, 20.0, 1.0),),
        "CALIB": (1, 3),
        "BAND": (Interval(5e-7, 5e-7), Interval(6e-7, 7e-7)),
        "DPSUBTYPE": ("lsst.raw",),
    }
    # In the order of the parameter table, whatever the request's order.
    order = [p.name for p in SIA_PARAMETERS]
    names = [c.parameter.name for c in query.constraints]
    assert names == sorted(names, key=order.index)


def test_same_parameter_in_two_cases_is_one_parameter() -> None:
    query = parse_query({"TARGET": ["ECDFS"], "target": ["47_Tuc"]})
    assert [(c.parameter.name, set(c.values)) for c in query.constraints] == [
        ("TARGET", {"ECDFS", "47_Tuc"})
    ]


def test_no_constraints() -> None:
    assert parse_query({}).constraints == ()
    assert parse_query({"MAXREC": ["3"], "FOO": ["1"]}).constraints == ()
    assert parse_query({"POS": []}).constraints == ()


def test_every_parameter_is_parsed() -> None:
    values = {
        "POS": "RANGE 1 2 3 4",
        "BAND": "5e-7",
        "TIME": "60600 60601",
        "POL": "I",
        "FOV": "0.1 1",
        "SPATRES": "0.5 1",
        "EXPTIME": "30",
        "TIMERES": "30",
        "SPECRP": "3 9",
        "ID": "IVO://X?Y",
        "COLLECTION": "LSST.DP1",
        "FACILITY": "Rubin:Simonyi",
        "INSTRUMENT": "LSSTComCam",
        "DPTYPE": "image",
        "CALIB": "2",
        "TARGET": "ECDFS",
        "FORMAT": "application/fits",
        "DPSUBTYPE": "lsst.raw",
    }
    query = parse_query({name.lower(): [text] for name, text in values.items()})
    assert [c.parameter.name for c in query.constraints] == [p.name for p in SIA_PARAMETERS]
    found = {c.parameter.name: c.values[0] for c in query.constraints}
    assert found["ID"] == "IVO://X?Y"  # compared ignoring case, but kept as given
    assert found["EXPTIME"] == Interval(30.0, 30.0)
    assert found["CALIB"] == 2


@pytest.mark.parametrize("state", POL_STATES)
def test_pol_states_accepted(state: str) -> None:
    query = parse_query({"POL": [state]})
    assert query.constraints[0].values == (state,)


@pytest.mark.parametrize("text", ["X", "i", "I Q", "", " "])
def test_bad_pol_values_refused(text: str) -> None:
    with pytest.raises(SiaParameterError) as caught:
        parse_query({"pol": [text]})
    assert caught.value.parameter == "POL"
    assert str(caught.value).startswith("POL: ")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("POS", "CIRCLE 10 10"),
        ("pos", "TRIANGLE 1 2 3"),
        ("BAND", "7e-7 6e-7"),
        ("TIME", "nan"),
        ("FOV", "1 2 3"),
        ("SPATRES", "x"),
        ("EXPTIME", "+Inf"),
        ("TIMERES", ""),
        ("SPECRP", "9 3"),
        ("CALIB", "two"),
        ("calib", "2.5"),
        ("TARGET", ""),
        ("ID", "  "),
        ("COLLECTION", ""),
        ("FACILITY", ""),
        ("INSTRUMENT", ""),
        ("DPTYPE", ""),
        ("FORMAT", ""),
        ("DPSUBTYPE", ""),
        ("POL", "Z"),
    ],
)
def test_every_error_names_its_parameter(name: str, text: str) -> None:
    with pytest.raises(SiaParameterError) as caught:
        parse_query({"MAXREC": ["5"], name: [text], "UNKNOWN": ["1"]})
    assert caught.value.parameter == name.upper()
    assert str(caught.value).startswith(f"{name.upper()}: ")


def test_first_bad_value_among_good_ones_is_refused() -> None:
    with pytest.raises(SiaParameterError, match=r"^POS: "):
        parse_query({"POS": ["CIRCLE 1 2 3", "CIRCLE 1 2 300"]})


# --- RANGE as polygons ---------------------------------------------------------------

Points = npt.NDArray[np.float64]


def _winding(vertices: Points, points: Points) -> Points:
    """Signed winding angle (radians) of a spherical polygon (k, 3) around points (m, 3):
    about +-2 pi inside (the sign is the polygon's orientation), about 0 outside. Unlike
    an unsigned winding number, it tells a point from its antipode."""
    a = vertices[None, :, :]
    b = np.roll(vertices, -1, axis=0)[None, :, :]
    p = points[:, None, :]
    pa = np.cross(p, a)
    pb = np.cross(p, b)
    sin = np.einsum("...i,...i->...", np.cross(pa, pb), np.broadcast_to(p, pa.shape))
    cos = np.einsum("...i,...i->...", pa, pb)
    angles: Points = np.arctan2(sin, cos).sum(axis=-1)
    return angles


def _covered(
    polygons: list[list[tuple[float, float]]], ra: Points, dec: Points
) -> npt.NDArray[np.bool_]:
    """Whether each (ra, dec) point is inside at least one of the polygons."""
    points = radec_to_xyz(ra, dec)
    inside = np.zeros(len(points), dtype=bool)
    for polygon in polygons:
        vertices = radec_to_xyz(*np.array(polygon, dtype=np.float64).T)
        # The orientation: the sign of the polygon's area seen from the mean of its
        # vertices (which may lie outside a thin, curved strip; these polygons are less
        # than a hemisphere).
        centre = vertices.mean(axis=0)
        area = np.cross(vertices, np.roll(vertices, -1, axis=0)).sum(axis=0) @ centre
        assert area != 0
        inside |= _winding(vertices, points) * np.sign(area) > math.pi
    return inside


def _grid(
    lon_low: float, lon_high: float, lat_low: float, lat_high: float
) -> tuple[Points, Points]:
    lons = np.linspace(lon_low, lon_high, 42)  # never on a meridian between pieces
    lats = np.linspace(lat_low, lat_high, 23)
    ra, dec = np.meshgrid(lons, lats)
    return ra.ravel() % 360.0, dec.ravel()


MARGIN = 0.05
"""Degrees kept between test points and the edges of a RANGE (the parallels are followed
by chords)."""


@pytest.mark.parametrize(
    "shape",
    [
        Range(10.0, 50.0, -30.0, 20.0),
        Range(350.0, 20.0, -10.0, 10.0),  # crosses RA 0
        Range(300.0, 60.0, 40.0, 70.0),  # crosses RA 0, 120 degrees wide
        Range(30.0, 100.0, 60.0, 90.0),  # touches the north pole
        Range(200.0, 250.0, -90.0, -80.0),  # touches the south pole
        Range(100.0, 130.0, -60.0, 70.0),  # more than 90 degrees of latitude
        Range(10.0, 5.0, -20.0, 20.0),  # all but 5 degrees of longitude
        Range(0.0, 360.0, -20.0, 30.0),  # all longitudes
        Range(None, None, -20.0, 30.0),  # all longitudes (-Inf +Inf)
        Range(None, None, 80.0, 90.0),  # polar cap
        Range(None, None, -90.0, -75.0),  # polar cap
        Range(0.0, 360.0, -90.0, 10.0),  # all the sky south of +10
        Range(120.0, 160.0, -90.0, 90.0),  # a lune from pole to pole
    ],
)
def test_range_polygons_cover_the_range_and_nothing_else(shape: Range) -> None:
    polygons = range_polygons(shape)
    assert polygons is not None
    for polygon in polygons:
        assert len(polygon) >= 3
        assert all(0 <= ra < 360 and -90 <= dec <= 90 for ra, dec in polygon)
    west = 0.0 if shape.lon1 is None else shape.lon1
    width = 360.0 if shape.lon1 is None or shape.lon2 is None else shape.lon2 - shape.lon1
    width = width % 360.0 or 360.0
    south, north = shape.lat1, shape.lat2
    # Strictly inside: covered.
    ra, dec = _grid(west + MARGIN, west + width - MARGIN, south + MARGIN, north - MARGIN)
    assert _covered(polygons, ra, dec).all(), "a point inside the RANGE is not covered"
    # Clearly outside in latitude (any longitude): not covered.
    for lat_low, lat_high in ((-89.9, south - MARGIN), (north + MARGIN, 89.9)):
        if lat_high > lat_low:
            ra, dec = _grid(0.0, 359.9, lat_low, lat_high)
            assert not _covered(polygons, ra, dec).any(), "a point outside is covered"
    # Clearly outside in longitude (inside the latitudes, away from the poles).
    if width < 360.0 - 2 * MARGIN:
        lat_low, lat_high = max(south, -89.0) + MARGIN, min(north, 89.0) - MARGIN
        ra, dec = _grid(west + width + MARGIN, west + 360.0 - MARGIN, lat_low, lat_high)
        assert not _covered(polygons, ra, dec).any(), "a point outside is covered"


def test_range_polygons_pole_points() -> None:
    polygons = range_polygons(Range(30.0, 100.0, 60.0, 90.0))
    assert polygons is not None
    near_pole = np.array([89.999, 89.9999])
    assert _covered(polygons, np.array([31.0, 99.0]), near_pole).all()
    assert not _covered(polygons, np.array([200.0, 0.0]), np.array([89.5, 89.5])).any()
    cap = range_polygons(Range(None, None, 85.0, 90.0))
    assert cap is not None
    ra = np.arange(360.0) + 0.5
    assert _covered(cap, ra, np.full(360, 89.99)).all()
    assert _covered(cap, ra, np.full(360, 85.1)).all()
    assert not _covered(cap, ra, np.full(360, 84.9)).any()


def test_range_polygons_are_at_most_10_degrees_wide() -> None:
    polygons = range_polygons(Range(None, None, -10.0, 10.0))
    assert polygons is not None
    assert len(polygons) == 36
    polygons = range_polygons(Range(350.0, 10.0, -10.0, 10.0))
    assert polygons is not None
    assert len(polygons) == 2
    longitudes = {round(ra, 9) for polygon in polygons for ra, _ in polygon}
    assert 0.0 in longitudes
    assert 350.0 in longitudes
    assert 10.0 in longitudes
    assert not any(20.0 < ra < 340.0 for ra in longitudes)


def test_whole_sky_range_is_no_polygon() -> None:
    assert range_polygons(Range(None, None, -90.0, 90.0)) is None
    assert range_polygons(Range(0.0, 360.0, -90.0, 90.0)) is None


@pytest.mark.parametrize(("south", "north"), [(45.0, 60.0), (-60.0, -45.0), (-10.0, 10.0)])
def test_range_polygons_cover_the_box_and_stray_under_five_arcseconds_beyond(
    south: float, north: float
) -> None:
    polygons = range_polygons(Range(0.0, 10.0, south, north))
    assert polygons is not None
    arcsec = 1 / 3600
    # Midway between vertices (where chords stray most) and on them, along both
    # parallels: 0.05 arcsec inside the RANGE is covered, 4.5 arcsec outside is not.
    lons = np.array([0.5, 1.0, 2.5, 5.0, 9.5])
    for lat, outward in ((south, -1.0), (north, 1.0)):
        inside = _covered(polygons, lons, np.full(lons.shape, lat - outward * 0.05 * arcsec))
        outside = _covered(polygons, lons, np.full(lons.shape, lat + outward * 4.5 * arcsec))
        assert inside.all(), (lat, inside)
        assert not outside.any(), (lat, outside)


@pytest.mark.parametrize(
    "shape",
    [
        Range(10.0, 50.0, -30.0, 20.0),
        Range(350.0, 20.0, -10.0, 10.0),  # crosses RA 0
        Range(30.0, 100.0, 60.0, 90.0),  # touches the north pole
        Range(200.0, 250.0, -90.0, -80.0),  # touches the south pole
        Range(120.0, 130.0, -90.0, 90.0),  # pole to pole
        Range(10.0, 5.0, -20.0, 20.0),  # all but 5 degrees of longitude
        Range(52.0, 54.5, -29.0, -27.0),  # small
    ],
)
def test_edge_strips_hold_the_edges_and_nothing_far_from_them(shape: Range) -> None:
    strips = edge_strips(shape)
    assert shape.lon1 is not None
    assert shape.lon2 is not None
    west, width = shape.lon1, (shape.lon2 - shape.lon1) % 360.0
    south, north = max(shape.lat1, -89.999), min(shape.lat2, 89.999)
    lats = np.linspace(south, north, 997)
    lons = west + np.linspace(0.0, width, 997)
    edges = [
        (np.full_like(lats, west), lats),
        (np.full_like(lats, west + width), lats),
        *[(lons, np.full_like(lons, lat)) for lat in (shape.lat1, shape.lat2) if abs(lat) < 90],
    ]
    for ra, dec in edges:
        assert _covered(strips, ra % 360.0, dec).all(), "a point on an edge is not covered"
    # 0.01 degree (36 arcseconds) away from every edge, inside and outside: not covered.
    away = 0.01
    inner = [
        (np.full_like(lats[1:-1], west + away / math.cos(math.radians(60))), lats[1:-1]),
        (lons[1:-1], np.full_like(lons[1:-1], (south + north) / 2)),
    ]
    for ra, dec in inner:
        inside = (dec > shape.lat1 + away) & (dec < shape.lat2 - away) & (np.abs(dec) < 60)
        assert not _covered(strips, ra[inside] % 360.0, dec[inside]).any()
    outside = [
        (lons, np.full_like(lons, shape.lat1 - away)),
        (lons, np.full_like(lons, shape.lat2 + away)),
    ]
    for ra, dec in outside:
        keep = np.abs(dec) < 89.9
        assert not _covered(strips, ra[keep] % 360.0, dec[keep]).any()
