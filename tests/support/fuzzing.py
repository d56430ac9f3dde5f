"""Requests a client could send, near and far from valid, to every endpoint; how to send
them; and what every answer must satisfy. Used by ``tests/test_fuzz.py`` (a bounded,
seeded run in ``make test``) and ``scripts/fuzz.py`` (the long run).

A :class:`Probe` is one HTTP request. The strategies build probes from each endpoint's
parameters, with values drawn from what users type (valid values, values off by a
little) and what breaks parsers (huge, non-finite and non-ASCII numbers, NUL, quotes,
long text, paths and URLs). :func:`problems` lists what is wrong with an answer: a 5xx,
an error not in its protocol's format, a traceback, a failure hidden behind a 200.
"""

from __future__ import annotations

import html
import io
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
from astropy.io.votable import parse as parse_votable
from hypothesis import strategies as st
from typing_extensions import override

__all__ = [
    "JOB",
    "KNOWN",
    "Probe",
    "Samples",
    "endpoint_probes",
    "job_scripts",
    "problems",
    "send",
]

URL_LIMIT = 16_000
"""Longer queries are POSTed, as clients do (pyvo; and httpx refuses URLs over 64 KiB)."""

JOB = "{job}"
"""Stands, in a probe's path, for the job the probe's script created."""


@dataclass(frozen=True)
class Samples:
    """Valid values from the archive under test, for probes to start from."""

    image_id: str
    """An image's ``obs_publisher_did`` (cutouts and links work on it)."""
    ra: float
    dec: float
    collection: str = "dp1"


@dataclass(frozen=True)
class Probe:
    """One request: method, path, parameters in order (repeats allowed), an optional
    uploaded file (multipart part ``t``), extra headers."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    upload: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @override
    def __str__(self) -> str:
        shown = urllib.parse.urlencode(self.params)
        upload = f" + upload of {len(self.upload)} bytes" if self.upload is not None else ""
        return f"{self.method} {self.path}?{shown[:2000]}{upload}"

    @override
    def __repr__(self) -> str:  # hypothesis shows failing examples by their repr
        return f"Probe({str(self)!r})"


# Values ----------------------------------------------------------------------------

# fmt: off
NUMBERS = [
    "0", "-0", "1", "-1", "0.5", "2", "10", "90", "-90", "90.0000001", "180", "360", "361",
    "-360", "53.1", "-28.1", "0.01", "1e-9", "1e308", "-1e308", "1e309", "-1e309", "1e-400",
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "99999999999999999999",
    "-9223372036854775809", "9223372036854775807", "9223372036854775808", "2147483648",
    "-2147483649", "0x1F", "1_0", "１２", "٣", "", " ", "+", "-", ".", "e", "1e", "1.2.3", "1,5",
    "60000", "-60000", "51544", "1e6",
]
# fmt: on

# fmt: off
TEXTS = [
    "", " ", "a", "x" * 300, "y" * 20_000, "é", "💥", "'", "''", '"', "%", "_", "*", "\\",
    "a\x00b", "\x00", "\t", "\r\n", "<x>", "&amp;", "]]>", "--", "/*", ";", "?", "#",
    "../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "http://127.0.0.1:1/x", "ivo://",
    "ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=", "NULL", "null", "true", "SELECT 1",
    "'; DROP TABLE ivoa.obscore; --", "${jndi:ldap://x}", "%00", "%zz",
]
# fmt: on

# fmt: off
TIMES = [
    "2024-11-09T00:00:00", "2024-11-09", "2024-11-09T00:00:00Z", "2024-11-09T00:00:00+14:00",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2024-02-30T00:00:00",
    "2024-11-09T25:00:00", "-2024-01-01", "10000-01-01", "now", "1e9", "",
]
# fmt: on

numbers = st.sampled_from(NUMBERS) | st.floats().map(repr) | st.integers().map(str)
texts = st.sampled_from(TEXTS) | st.text(max_size=30) | st.sampled_from(["a\x00b", "\x00"])
anything = numbers | texts | st.sampled_from(TIMES)


def _joined(parts: st.SearchStrategy[list[str]], sep: str = " ") -> st.SearchStrategy[str]:
    return parts.map(sep.join)


def _numbers(low: int, high: int) -> st.SearchStrategy[list[str]]:
    return st.lists(numbers, min_size=low, max_size=high)


def _interval(center: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return _joined(st.lists(center | numbers, min_size=0, max_size=3))


def _shape(samples: Samples, keywords: Sequence[str]) -> st.SearchStrategy[str]:
    ra, dec = f"{samples.ra:.5f}", f"{samples.dec:.5f}"
    near = st.sampled_from([ra, dec, "0.01", "0.1"]) | numbers
    circle = st.tuples(st.sampled_from(keywords), st.lists(near, min_size=0, max_size=4))
    many = st.integers(3, 2000).map(
        lambda n: (
            "POLYGON " + " ".join(f"{samples.ra + (i % 7) * 1e-3} {samples.dec}" for i in range(n))
        )
    )
    return (
        circle.map(lambda kw_values: " ".join([kw_values[0], *kw_values[1]]))
        | _joined(st.lists(near, min_size=0, max_size=10))
        | many
    )


# ADQL ------------------------------------------------------------------------------

SEED_QUERIES = [
    "SELECT TOP 5 obs_id, s_ra, s_dec FROM ivoa.ObsCore WHERE calib_level = 2",
    "SELECT COUNT(*) FROM ivoa.ObsCore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
    "CIRCLE('ICRS', 53.1, -28.1, 0.1)) = 1",
    "SELECT TOP 5 obs_id FROM ivoa.ObsCore WHERE INTERSECTS(s_region, "
    "POLYGON('ICRS', 53, -28, 53.2, -28, 53.1, -27.9)) = 1",
    "SELECT lsst_band, COUNT(*) AS n, AVG(t_exptime) FROM ivoa.ObsCore GROUP BY lsst_band",
    "SELECT TOP 3 table_name, column_name, datatype FROM tap_schema.columns",
    "SELECT TOP 5 obs_id, DISTANCE(POINT('ICRS', s_ra, s_dec), POINT('ICRS', 53, -28)) AS d "
    "FROM ivoa.ObsCore ORDER BY d",
    "SELECT TOP 5 AREA(s_region), COORD1(POINT('ICRS', s_ra, s_dec)) FROM ivoa.ObsCore",
    "SELECT TOP 5 CAST(lsst_visit AS INTEGER), CAST(obs_id AS CHAR(10)) FROM ivoa.ObsCore",
    "SELECT TOP 5 * FROM ivoa.ObsCore WHERE s_ra BETWEEN 52 AND 54 OFFSET 2",
    "SELECT TOP 5 obs_id FROM ivoa.ObsCore WHERE obs_id LIKE 'dp1%' OR obs_id IN ('a', 'b')",
]

# fmt: off
EXPRESSIONS = [
    "s_ra", "s_dec", "t_min", "obs_id", "lsst_visit", "s_region", "calib_level", "em_min", "*",
    "1", "1.5", "'text'", "NULL", "COUNT(*)",
]
# fmt: on

# fmt: off
FUNCTIONS = [
    "CIRCLE('ICRS', {n}, {n}, {n})", "CIRCLE({n}, {n}, {n})", "POINT('ICRS', {n}, {n})",
    "BOX('ICRS', {n}, {n}, {n}, {n})", "POLYGON('ICRS', {n}, {n}, {n}, {n}, {n}, {n})",
    "POLYGON({n}, {n}, {n}, {n}, {n}, {n}, {n}, {n})", "AREA(CIRCLE({n}, {n}, {n}))",
    "AREA(POLYGON({n}, {n}, {n}, {n}, {n}, {n}))", "DISTANCE({n}, {n}, {n}, {n})",
    "CONTAINS(POINT({n}, {n}), CIRCLE({n}, {n}, {n}))",
    "INTERSECTS(s_region, CIRCLE({n}, {n}, {n}))", "COORD1(POINT({n}, {n}))", "SQRT({n})",
    "LOG({n})", "LOG10({n})", "EXP({n})", "POWER({n}, {n})", "MOD({n}, {n})", "ROUND({n}, {n})",
    "TRUNCATE({n}, {n})", "{n} / {n}", "{n} * {n}", "{n} + {n}", "-{n}", "CAST({n} AS INTEGER)",
    "CAST({n} AS SMALLINT)", "CAST({n} AS BIGINT)", "CAST({n} AS REAL)",
    "CAST({e} AS CHAR({n}))", "CAST({e} AS VARCHAR({n}))", "CAST({e} AS TIMESTAMP)",
    "LOWER({e})", "UPPER({e})", "{e} || {e}", "COALESCE({e}, {n})", "ABS({n})", "CEILING({n})",
    "FLOOR({n})", "RADIANS({n})", "DEGREES({n})", "ATAN2({n}, {n})", "ACOS({n})", "ASIN({n})",
    "RAND({n})", "IN_UNIT({n}, 'deg')", "1 = 1",
]
# fmt: on

# fmt: off
CONDITIONS = [
    "{f} = 1", "{f} > {n}", "{e} IS NULL", "{e} LIKE {t}", "{e} ILIKE {t}",
    "{e} BETWEEN {n} AND {n}", "{e} IN ({n}, {t})", "NOT ({f} = {n})", "{f} < {f}",
    "EXISTS (SELECT 1 FROM ivoa.ObsCore WHERE {e} = {n})",
]
# fmt: on

# fmt: off
TABLES = [
    "ivoa.ObsCore", "ivoa.obscore", "tap_schema.tables", "tap_schema.columns",
    "TAP_SCHEMA.schemas", "ivoa.ObsCore AS a, ivoa.ObsCore AS b", "nosuch.table",
    "sqlite_master", "pg_catalog.pg_user", "obscura.uws_job", "TAP_UPLOAD.t",
    "(SELECT s_ra FROM ivoa.ObsCore) AS q",
]
# fmt: on

# fmt: off
TOKENS = [
    "SELECT", "FROM", "WHERE", "TOP", "(", ")", ",", "'", '"', "*", "/*", "--", ";", "1e309",
    "99999999999999999999", "POINT(", "CIRCLE(", "UNION", "JOIN", "ORDER BY", "GROUP BY",
    "\x00", "é", " ", "\n", "NULL", "AS", ".", "OFFSET", "-", "||",
]
# fmt: on


@st.composite
def _filled(draw: st.DrawFn, template: str, depth: int = 0) -> str:
    def piece(kind: str) -> str:
        if kind == "n":
            return draw(numbers | st.sampled_from(["s_ra", "s_dec", "t_min"]))
        if kind == "t":
            value = draw(texts)
            return "'" + value.replace("'", "''") + "'"
        if kind == "f" and depth < 2:
            return draw(_filled(draw(st.sampled_from(FUNCTIONS)), depth + 1))
        return draw(st.sampled_from(EXPRESSIONS))

    return re.sub(r"\{(\w)\}", lambda m: piece(m.group(1)), template)


@st.composite
def adql_queries(draw: st.DrawFn) -> str:
    """ADQL: valid seeds, composed queries, and mutations of both."""
    kind = draw(st.sampled_from(["seed", "composed", "composed", "composed", "mutated", "text"]))
    if kind == "seed":
        return draw(st.sampled_from(SEED_QUERIES))
    if kind == "text":
        return draw(texts)
    terms = st.sampled_from(FUNCTIONS * 3 + EXPRESSIONS).flatmap(_filled)
    select = ", ".join(draw(st.lists(terms, min_size=1, max_size=2)))
    top = draw(st.sampled_from(["TOP 5 ", "TOP 5 ", "TOP 0 ", "", "TOP {n} "]))
    table = draw(st.sampled_from(["ivoa.ObsCore"] * len(TABLES) + TABLES))
    query = f"SELECT {top.replace('{n}', draw(numbers))}{select} FROM {table}"
    if draw(st.booleans()):
        query += " WHERE " + draw(st.sampled_from(CONDITIONS).flatmap(_filled))
    if draw(st.integers(0, 3)) == 0:
        query += " " + draw(st.sampled_from(["ORDER BY 1", "GROUP BY s_ra", "OFFSET 3"]))
    if kind == "mutated":
        base = draw(st.sampled_from([query, *SEED_QUERIES]))
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(base)))
            end = draw(st.integers(at, min(len(base), at + 8)))
            base = base[:at] + draw(st.sampled_from(["", *TOKENS])) + base[end:]
        query = base
    return query


# Endpoints -------------------------------------------------------------------------


@st.composite
def _parameters(
    draw: st.DrawFn, known: dict[str, st.SearchStrategy[str]], required: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """Some of the endpoint's parameters (names sometimes in another case, sometimes
    repeated), sometimes an unknown one; the required ones usually present."""
    names = draw(st.lists(st.sampled_from(sorted(known)), max_size=5))
    chosen: list[tuple[str, str]] = []
    for name, value in required.items():
        if draw(st.integers(0, 9)) > 0:
            chosen.append((name, value))
    for name in names:
        shown = draw(st.sampled_from([name, name, name.lower(), name.title()]))
        chosen.append(
            (shown, draw(known[name] | anything if draw(st.integers(0, 3)) == 0 else known[name]))
        )
    if draw(st.integers(0, 5)) == 0:
        chosen.append((draw(st.sampled_from(["FOO", "", "a\x00", "é", "QUERY "])), draw(anything)))
    if chosen and draw(st.integers(0, 7)) == 0:
        chosen = chosen[::-1]
    return tuple(chosen)


def _formats() -> st.SearchStrategy[str]:
    return (
        st.sampled_from(
            [
                "votable",
                "application/x-votable+xml",
                "votable/td",
                "votable/b2",
                "csv",
                "tsv",
                "text/csv",
                "fits",
                "parquet",
                "application/fits",
                "text/html",
                "html",
                "json",
                "image/png",
                "",
                "application/x-votable+xml;serialization=TABLEDATA",
            ]
        )
        | texts
    )


def _upload_body() -> st.SearchStrategy[bytes]:
    table = (
        b'<?xml version="1.0"?><VOTABLE version="1.4" '
        b'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>'
        b'<FIELD name="ra" datatype="double"/><FIELD name="dec" datatype="double"/>'
        b"<DATA><TABLEDATA><TR><TD>53.1</TD><TD>-28.1</TD></TR></TABLEDATA></DATA></TABLE>"
        b"</RESOURCE></VOTABLE>"
    )

    def mutate(data: tuple[int, int, bytes]) -> bytes:
        at, length, insert = data
        at %= len(table) + 1
        return table[:at] + insert + table[at + length :]

    return (
        st.just(table)
        | st.binary(max_size=200)
        | st.tuples(st.integers(0, 10_000), st.integers(0, 20), st.binary(max_size=20)).map(mutate)
    )


def _tap_sync() -> st.SearchStrategy[Probe]:
    known = {
        "QUERY": adql_queries(),
        "LANG": st.sampled_from(["ADQL", "ADQL-2.0", "ADQL-2.1", "adql", "PQL", "SQL", ""]),
        "REQUEST": st.sampled_from(["doQuery", "getCapabilities", "x", ""]),
        "MAXREC": numbers,
        "RESPONSEFORMAT": _formats(),
        "FORMAT": _formats(),
        "UPLOAD": st.sampled_from(
            [
                "t,param:t",
                "t,param:x",
                "T,param:t",
                "t",
                ",",
                "t,http://127.0.0.1:1/x",
                "t,file:///etc/passwd",
                "é,param:t",
                "a b,param:t",
                "t,param:t;u,param:t",
            ]
        ),
        "RUNID": texts,
        "VERSION": st.sampled_from(["1.0", "1.1", "2.0", ""]),
    }
    required = {"LANG": "ADQL", "QUERY": "SELECT TOP 1 obs_id FROM ivoa.ObsCore"}
    return st.builds(
        Probe,
        method=st.sampled_from(["GET", "POST", "POST"]),
        path=st.sampled_from(["/api/tap/sync"]),
        params=_parameters(known, required),
        upload=st.none() | _upload_body(),
    )


def _sia(samples: Samples) -> st.SearchStrategy[Probe]:
    near = st.sampled_from(
        [f"{samples.ra:.4f}", f"{samples.dec:.4f}", "400e-9 900e-9", "60600 60700"]
    )
    known = {
        "POS": _shape(samples, ["CIRCLE", "RANGE", "POLYGON", "circle", "BOX", ""]),
        "BAND": _interval(st.sampled_from(["400e-9", "900e-9", "r", "-inf", "+inf"])),
        "TIME": _interval(st.sampled_from(["60600", "60700", "-inf", "+inf"])),
        "POL": st.sampled_from(["I", "Q", "U", "V", "x", ""]) | texts,
        "FOV": _interval(near),
        "SPATRES": _interval(near),
        "EXPTIME": _interval(near),
        "ID": st.sampled_from([samples.image_id, samples.image_id.upper()]) | texts,
        "COLLECTION": st.sampled_from(["LSST.ComCam", "x", ""]) | texts,
        "FACILITY": st.sampled_from(["Rubin:Simonyi", "x"]) | texts,
        "INSTRUMENT": st.sampled_from(["LSSTComCam", ""]) | texts,
        "DPTYPE": st.sampled_from(["image", "cube", "a\x00b"]) | texts,
        "CALIB": st.sampled_from(["0", "1", "2", "3", "-9223372036854775809"]) | numbers,
        "TARGET": texts,
        "TIMERES": _interval(near),
        "SPECRP": _interval(near),
        "FORMAT": _formats(),
        "MAXREC": numbers,
        "RESPONSEFORMAT": _formats(),
    }
    return st.builds(
        Probe,
        method=st.sampled_from(["GET", "POST"]),
        path=st.sampled_from(
            [
                f"/api/sia/{samples.collection}/query",
                "/api/sia/nosuch/query",
                f"/api/sia/{samples.collection}/capabilities",
                f"/api/sia/{samples.collection}/availability",
            ]
        ),
        params=_parameters(known, {}),
    )


def _datalink(samples: Samples) -> st.SearchStrategy[Probe]:
    ids = st.sampled_from([samples.image_id, samples.image_id + "x", samples.image_id[:-3]]) | texts
    links = st.builds(
        Probe,
        method=st.sampled_from(["GET", "POST"]),
        path=st.just("/api/datalink/links"),
        params=_parameters(
            {"ID": ids, "RESPONSEFORMAT": _formats(), "REQUEST": st.sampled_from(["", "x"])},
            {"ID": samples.image_id},
        ),
    )
    keys = st.sampled_from(["x", "..", "%2e%2e", "0" * 64, "a" * 500, "%00"]) | st.text(
        st.characters(codec="ascii", exclude_characters="/?#"), max_size=20
    )
    files = st.builds(
        lambda kind, key, name: Probe(
            "GET", f"/api/datalink/{kind}/{urllib.parse.quote(key, safe='')}{name}"
        ),
        st.sampled_from(["files", "previews", "thumbnails"]),
        keys,
        st.sampled_from(["", "/x.fits", "/../../etc/passwd"]),
    )
    return links | files


def _cutout(samples: Samples) -> st.SearchStrategy[Probe]:
    ra, dec = f"{samples.ra:.5f}", f"{samples.dec:.5f}"
    known = {
        "ID": st.sampled_from([samples.image_id, samples.image_id]) | texts,
        "POS": _shape(samples, ["CIRCLE", "RANGE", "POLYGON"]),
        "CIRCLE": _joined(st.lists(st.sampled_from([ra, dec, "0.01"]) | numbers, max_size=4)),
        "POLYGON": _joined(st.lists(st.sampled_from([ra, dec]) | numbers, max_size=8)),
        "BAND": _interval(st.sampled_from(["400e-9", "900e-9"])),
        "TIME": _interval(st.sampled_from(["60600", "60700"])),
        "POL": st.sampled_from(["I", "x"]),
        "CUTOUTDETAIL": st.sampled_from(["Image", "Full", "x", ""]),
        "RESPONSEFORMAT": _formats(),
    }
    return st.builds(
        Probe,
        method=st.sampled_from(["GET", "POST"]),
        path=st.sampled_from(["/api/cutout/sync", "/api/cutout/sync", "/api/cutout/examples"]),
        params=_parameters(known, {"ID": samples.image_id, "CIRCLE": f"{ra} {dec} 0.005"}),
    )


def _documents() -> st.SearchStrategy[Probe]:
    paths = [
        "/",
        "/api/tap/capabilities",
        "/api/tap/availability",
        "/api/tap/tables",
        "/api/tap/tables/ivoa.ObsCore",
        "/api/tap/tables/nosuch",
        "/api/tap/tables/%00",
        "/api/tap/examples",
        "/api/cutout/capabilities",
        "/api/cutout/availability",
        "/api/tap/async",
        "/api/cutout/jobs",
        "/api/nosuch",
        "/openapi.json",
    ]
    return st.builds(
        Probe,
        method=st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE", "HEAD"]),
        path=st.sampled_from(paths),
        params=_parameters(
            {
                "PHASE": st.sampled_from(["EXECUTING", "COMPLETED", "x"]),
                "AFTER": st.sampled_from(TIMES),
                "LAST": numbers,
                "REQUEST": texts,
                "VERSION": texts,
            },
            {},
        ),
    )


def endpoint_probes(samples: Samples) -> st.SearchStrategy[Probe]:
    """Requests to the synchronous endpoints: TAP, SIA, DataLink, SODA, VOSI, pages."""
    weighted = [_tap_sync()] * 4 + [_sia(samples)] * 3
    weighted += [_datalink(samples), _cutout(samples), _documents()]
    return st.sampled_from(weighted).flatmap(lambda strategy: strategy)


@dataclass(frozen=True)
class JobScript:
    """A job created with ``create`` (on ``service``: ``tap`` or ``soda``), then the
    ``steps`` on it (paths relative to the job, ``{job}`` standing for its id), then
    deleted."""

    service: str
    create: Probe
    steps: tuple[Probe, ...] = field(default=())


JOB_PHASES = ["RUN", "ABORT", "run", "SUSPEND", "", "COMPLETED", "x"]


def _job_step(base: str) -> st.SearchStrategy[Probe]:
    job = f"{base}/{JOB}"
    other = f"{base}/{'0' * 16}"
    posts = {
        "phase": {"PHASE": st.sampled_from(JOB_PHASES) | texts},
        "executionduration": {"EXECUTIONDURATION": numbers},
        "destruction": {"DESTRUCTION": st.sampled_from(TIMES) | texts},
        "parameters": {"QUERY": adql_queries(), "MAXREC": numbers, "LANG": texts, "ID": texts},
        "": {"ACTION": st.sampled_from(["DELETE", "x"]), "PHASE": st.sampled_from(JOB_PHASES)},
    }
    gets = [
        "",
        "phase",
        "executionduration",
        "destruction",
        "quote",
        "owner",
        "parameters",
        "results",
        "results/result",
        "results/x",
        "error",
        "nosuch",
    ]

    post = st.sampled_from(sorted(posts)).flatmap(
        lambda part: st.builds(
            Probe,
            method=st.just("POST"),
            path=st.sampled_from([f"{job}/{part}".rstrip("/"), f"{other}/{part}".rstrip("/")]),
            params=_parameters(posts[part], {}),
        )
    )
    get = st.builds(
        Probe,
        method=st.sampled_from(["GET", "GET", "DELETE", "PUT"]),
        path=st.sampled_from(gets).map(lambda part: f"{job}/{part}".rstrip("/")),
        params=_parameters(
            {
                "WAIT": st.sampled_from(["0", "0.1", "-1", "nan", "inf", "1e309", "x", ""]),
                "PHASE": st.sampled_from(["EXECUTING", "QUEUED", "x"]),
            },
            {},
        ),
    )
    return post | get


def job_scripts(samples: Samples) -> st.SearchStrategy[JobScript]:
    """Create a TAP or SODA async job with any parameters, then act on it."""
    tap = st.builds(
        lambda create, steps: JobScript("tap", create, tuple(steps)),
        st.builds(
            Probe,
            method=st.just("POST"),
            path=st.just("/api/tap/async"),
            params=_parameters(
                {
                    "QUERY": adql_queries(),
                    "LANG": st.just("ADQL"),
                    "MAXREC": numbers,
                    "PHASE": st.sampled_from(["RUN", "x", ""]),
                    "RESPONSEFORMAT": _formats(),
                    "UPLOAD": st.sampled_from(["t,param:t", "t,param:x"]),
                },
                {"LANG": "ADQL", "QUERY": "SELECT TOP 1 obs_id FROM ivoa.ObsCore"},
            ),
            upload=st.none() | _upload_body(),
        ),
        st.lists(_job_step("/api/tap/async"), max_size=5),
    )
    ra, dec = f"{samples.ra:.5f}", f"{samples.dec:.5f}"
    soda = st.builds(
        lambda create, steps: JobScript("soda", create, tuple(steps)),
        st.builds(
            Probe,
            method=st.just("POST"),
            path=st.just("/api/cutout/jobs"),
            params=_parameters(
                {
                    "ID": st.just(samples.image_id) | texts,
                    "CIRCLE": _joined(_numbers(0, 4)),
                    "POS": _shape(samples, ["CIRCLE", "POLYGON"]),
                    "PHASE": st.sampled_from(["RUN", ""]),
                },
                {"ID": samples.image_id, "CIRCLE": f"{ra} {dec} 0.005"},
            ),
        ),
        st.lists(_job_step("/api/cutout/jobs"), max_size=4),
    )
    return tap | soda


def _adql(query: str) -> Probe:
    return Probe("POST", "/api/tap/sync", (("LANG", "ADQL"), ("QUERY", query)))


KNOWN = [
    _adql("SELECT TOP 1 * FROM ivoa.ObsCore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), "
          "CIRCLE('ICRS', -1e309, -1e309, 1e308)) = 1"),
    _adql("SELECT TOP 1 AREA(POLYGON('ICRS', 1e309, 0, 1, 1, 2, 0)) FROM ivoa.ObsCore"),
    _adql("SELECT TOP 1 AREA(BOX('ICRS', 0, 0, 1e309, 1)) FROM ivoa.ObsCore"),
    _adql("SELECT TOP 1 AREA(CIRCLE('ICRS', 0, 0, 100)) FROM ivoa.ObsCore"),
    _adql("SELECT TOP 1 DISTANCE(0, 0, 99999999999999999999999, 1) FROM ivoa.ObsCore"),
    _adql("SELECT TOP 5 CAST(lsst_visit AS INTEGER) FROM ivoa.ObsCore WHERE lsst_visit > 0"),
    _adql("SELECT TOP 5 CAST(obs_id AS CHAR(99999999999)) FROM ivoa.ObsCore"),
    _adql("SELECT TOP 1 obs_id FROM ivoa.ObsCore WHERE obs_id = 'a\x00b'"),
    Probe("GET", "/api/sia/dp1/query", (("CALIB", "-9223372036854775809"),)),
    Probe("GET", "/api/sia/dp1/query", (("DPTYPE", "a\x00b"),)),
    Probe("GET", "/api/sia/dp1/query", (("COLLECTION", "a\x00b"),)),
    Probe("GET", "/api/tap/async", (("LAST", "99999999999999999999"),)),
    Probe("GET", "/api/tap/async", (("AFTER", "0001-01-01T00:00:00+14:00"),)),
    Probe("GET", "/api/tap/async/nosuchjob", (("WAIT", "nan"),)),
    Probe("POST", "/api/tap/sync", (("QUERY", "SELECT 1"), ("UPLOAD", "é,param:t"))),
    Probe("GET", "/api/cutout/sync", (("ID", "x"), ("CIRCLE", "nan nan inf"))),
]  # fmt: skip
"""The inputs that gave 500s before (issue 17), sent on every run before the generated ones."""


# Sending and judging ---------------------------------------------------------------


def send(client: httpx.Client, probe: Probe, job: str = "") -> httpx.Response:
    """Send ``probe`` (``{job}`` in its path replaced by ``job``); the whole answer read."""
    path = probe.path.replace(JOB, job)
    headers = dict(probe.headers)
    query = urllib.parse.urlencode(probe.params)
    if probe.method in ("GET", "HEAD", "DELETE") and len(query) < URL_LIMIT:
        return client.request(probe.method, path, params=list(probe.params), headers=headers)
    if probe.upload is not None:
        data: dict[str, list[str]] = {}
        for name, value in probe.params:
            data.setdefault(name, []).append(value)
        files = {"t": ("t.xml", probe.upload, "application/x-votable+xml")}
        return client.request(probe.method, path, data=data, files=files, headers=headers)
    headers["content-type"] = "application/x-www-form-urlencoded"
    method = "POST" if probe.method in ("GET", "HEAD", "DELETE") else probe.method
    return client.request(method, path, content=query.encode(), headers=headers)


_SODA_LABELS = ("UsageError", "MultiValuedParamNotSupported", "ServiceUnavailable", "Error")
_DALI_LABELS = ("UsageFault", "NotFoundFault", "TransientFault", "FatalFault", "DefaultFault")


def _is_soda(path: str) -> bool:
    return path.startswith("/api/cutout/")


def _dali_error_message(body: bytes) -> str | None:
    """The message of a DALI error document, or None if ``body`` is not one."""
    try:
        table = parse_votable(io.BytesIO(body), verify="exception")
    except Exception:
        return None
    for resource in table.resources:
        for info in resource.infos:
            if info.name == "QUERY_STATUS" and info.value == "ERROR":
                return str(info.content or "")
    return None


def _asks_for_a_page(probe: Probe) -> bool:
    """Whether the probe asked for pages (app/negotiation.py): RESPONSEFORMAT=html, or a
    browser's Accept header (it names XHTML)."""
    formats = [v for k, v in probe.params if k.upper() == "RESPONSEFORMAT"]
    if any(v.split(";")[0].strip().lower() in ("html", "text/html") for v in formats):
        return True
    accept = {k.lower(): v for k, v in probe.headers}.get("accept", "").lower()
    return "text/html" in accept and "application/xhtml+xml" in accept


def _error_page_message(body: bytes) -> str | None:
    """The message of an error page (app/pages/error.py), or None if ``body`` is not one."""
    match = re.search(rb'<p class="message">(.*?)</p>', body, re.S)
    return None if match is None else html.unescape(match.group(1).decode())


def problems(probe: Probe, response: httpx.Response) -> list[str]:
    """What is wrong with ``response`` as the answer to ``probe``: empty if nothing."""
    found: list[str] = []
    status = response.status_code
    body = response.content
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if status >= 500:
        found.append(f"status {status}")
    if b"Traceback (most recent call last)" in body:
        found.append("a traceback in the body")
    if 400 <= status < 600 and probe.method != "HEAD":
        if kind == "text/html" and _asks_for_a_page(probe):
            if not _error_page_message(body):
                found.append(f"an error page without its message: {body[:300]!r}")
        elif _is_soda(probe.path):
            text = body.decode("utf-8", "replace")
            if kind != "text/plain" or not text.startswith(_SODA_LABELS):
                found.append(
                    f"a SODA error not in text/plain with its label: {kind} {text[:200]!r}"
                )
        elif kind == "text/plain" and probe.path.startswith("/api/sia/"):
            if not body.decode("utf-8", "replace").startswith(_DALI_LABELS):
                found.append(f"an SIA text error without its DALI label: {body[:200]!r}")
        elif kind == "application/x-votable+xml":
            if _dali_error_message(body) is None:
                found.append(f"an error that is not a DALI error document: {body[:300]!r}")
        else:
            found.append(f"an error as {kind!r}: {body[:200]!r}")
    if status == 200 and kind == "application/x-votable+xml" and b'"QUERY_STATUS"' in body:
        tail = body.rsplit(b"</TABLE>", 1)[-1]
        if b'value="ERROR"' in tail and b"The query failed on the server" in tail:
            found.append(f"a server fault after the first row: {tail[:300]!r}")
    return found
