"""The VOSI capabilities document: VOSI 1.1, TAPRegExt 1.0, TAP 1.1 sect. 2, DALI 1.1."""

from __future__ import annotations

import io
from collections.abc import Callable
from xml.etree import ElementTree as ET

import pytest
from pyvo.io import vosi

from app.vosi import TapLimits, capabilities_document, language_features
from app.vosi.capabilities import OUTPUT_VOTABLE_BINARY2, UPLOAD_INLINE
from obscore.columns import OBSCORE_COLUMNS

VOSI = "{http://www.ivoa.net/xml/VOSICapabilities/v1.0}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
NAMESPACES = {
    "vosi": "http://www.ivoa.net/xml/VOSICapabilities/v1.0",
    "vr": "http://www.ivoa.net/xml/VOResource/v1.0",
    "vs": "http://www.ivoa.net/xml/VODataService/v1.1",
    "tr": "http://www.ivoa.net/xml/TAPRegExt/v1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
TAP_URL = "https://archive.example.org/api/tap"
LIMITS = TapLimits(
    default_maxrec=100_000,
    hard_maxrec=20_000_000,
    retention_default=7 * 86_400,
    retention_hard=30 * 86_400,
    execution_duration_default=600,
    execution_duration_hard=3_600,
    upload_limit_bytes=32 * 1024 * 1024,
)
FORMATS = [
    ("application/x-votable+xml", ("votable", "votable/b2"), OUTPUT_VOTABLE_BINARY2),
    ("text/csv;header=present", "csv", None),
    ("text/tab-separated-values", None, None),
]

OBSCORE_MANDATORY = [
    "dataproduct_type",
    "calib_level",
    "obs_collection",
    "obs_id",
    "obs_publisher_did",
    "access_url",
    "access_format",
    "access_estsize",
    "target_name",
    "s_ra",
    "s_dec",
    "s_fov",
    "s_region",
    "s_resolution",
    "s_xel1",
    "s_xel2",
    "t_min",
    "t_max",
    "t_exptime",
    "t_resolution",
    "t_xel",
    "em_min",
    "em_max",
    "em_res_power",
    "em_xel",
    "o_ucd",
    "pol_states",
    "pol_xel",
    "facility_name",
    "instrument_name",
]
"""The columns ObsCore 1.1 makes mandatory in every ivoa.ObsCore."""


def _document(**changes: object) -> bytes:
    arguments: dict[str, object] = {
        "base_url": "https://archive.example.org",
        "tap_path": "/api/tap",
        "limits": LIMITS,
        "output_formats": FORMATS,
        "upload_methods": [UPLOAD_INLINE],
    }
    arguments.update(changes)
    return capabilities_document(**arguments)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def document() -> bytes:
    return _document()


@pytest.fixture(scope="module")
def root(document: bytes) -> ET.Element:
    return ET.fromstring(document)


def _capability(root: ET.Element, standard_id: str) -> ET.Element:
    found = [c for c in root.findall("capability") if c.get("standardID") == standard_id]
    assert len(found) == 1, standard_id
    return found[0]


def _single(element: ET.Element, path: str) -> ET.Element:
    found = element.findall(path)
    assert len(found) == 1, path
    return found[0]


def test_root_element_and_prefixes(document: bytes, root: ET.Element) -> None:
    assert root.tag == f"{VOSI}capabilities"
    declared = dict(ns for _event, ns in ET.iterparse(io.BytesIO(document), events=["start-ns"]))
    # xsi:type values name types by prefix, so each prefix must be declared as expected.
    assert declared == NAMESPACES


def test_valid_against_the_schemas(document: bytes, validate_xsd: Callable[[bytes], None]) -> None:
    validate_xsd(document)
    validate_xsd(_document(upload_methods=[]))


def test_tap_capability(root: ET.Element) -> None:
    tap = _capability(root, "ivo://ivoa.net/std/TAP")
    assert tap.get(XSI_TYPE) == "tr:TableAccess"
    interface = _single(tap, "interface")
    assert interface.get(XSI_TYPE) == "vs:ParamHTTP"
    assert interface.get("role") == "std"
    assert interface.get("version") == "1.1"
    url = _single(interface, "accessURL")
    assert (url.get("use"), url.text) == ("base", TAP_URL)
    assert tap.find("securityMethod") is None
    assert tap.find("interface/securityMethod") is None


def test_data_model_and_language(root: ET.Element) -> None:
    tap = _capability(root, "ivo://ivoa.net/std/TAP")
    model = _single(tap, "dataModel")
    assert (model.get("ivo-id"), model.text) == (
        "ivo://ivoa.net/std/ObsCore#core-1.1",
        "ObsCore-1.1",
    )
    language = _single(tap, "language")
    assert _single(language, "name").text == "ADQL"
    versions = [(v.text, v.get("ivo-id")) for v in language.findall("version")]
    assert versions == [
        ("2.0", "ivo://ivoa.net/std/ADQL#v2.0"),
        ("2.1", "ivo://ivoa.net/std/ADQL#v2.1"),
    ]


def test_language_features_are_those_of_the_engine(root: ET.Element) -> None:
    language = _single(_capability(root, "ivo://ivoa.net/std/TAP"), "language")
    declared = [
        (group.get("type"), [f.findtext("form") for f in group.findall("feature")])
        for group in language.findall("languageFeatures")
    ]
    assert declared == [(g.type, list(g.forms)) for g in language_features()]
    for feature_type, forms in declared:
        assert feature_type is not None
        assert feature_type.lower().startswith("ivo://ivoa.net/std/tapregext#features-")
        assert forms
        assert len(forms) == len(set(forms))


def test_the_obscore_model_is_complete() -> None:
    """TAPRegExt may declare ObsCore 1.1 only if ivoa.ObsCore has all its mandatory columns."""
    assert len(OBSCORE_MANDATORY) == 30
    assert set(OBSCORE_MANDATORY) <= {c.name for c in OBSCORE_COLUMNS}


def test_output_formats_upload_methods_and_limits(root: ET.Element) -> None:
    tap = _capability(root, "ivo://ivoa.net/std/TAP")
    formats = [
        (f.findtext("mime"), [a.text for a in f.findall("alias")], f.get("ivo-id"))
        for f in tap.findall("outputFormat")
    ]
    assert formats == [
        ("application/x-votable+xml", ["votable", "votable/b2"], OUTPUT_VOTABLE_BINARY2),
        ("text/csv;header=present", ["csv"], None),
        ("text/tab-separated-values", [], None),
    ]
    assert [m.get("ivo-id") for m in tap.findall("uploadMethod")] == [UPLOAD_INLINE]
    assert _single(tap, "retentionPeriod/default").text == "604800"
    assert _single(tap, "retentionPeriod/hard").text == "2592000"
    assert _single(tap, "executionDuration/default").text == "600"
    assert _single(tap, "executionDuration/hard").text == "3600"
    for which, value in (("default", "100000"), ("hard", "20000000")):
        limit = _single(tap, f"outputLimit/{which}")
        assert (limit.text, limit.get("unit")) == (value, "row")
    upload = _single(tap, "uploadLimit/hard")
    assert (upload.text, upload.get("unit")) == (str(32 * 1024 * 1024), "byte")
    assert tap.find("uploadLimit/default") is None
    # TAPRegExt's sequence: the extension's elements follow the interface, in this order.
    order = [child.tag for child in tap]
    expected = ["interface", "dataModel", "language", "outputFormat", "uploadMethod"]
    expected += ["retentionPeriod", "executionDuration", "outputLimit", "uploadLimit"]
    assert list(dict.fromkeys(order)) == expected


def test_without_uploads_no_upload_method_or_limit() -> None:
    tap = _capability(ET.fromstring(_document(upload_methods=[])), "ivo://ivoa.net/std/TAP")
    assert tap.find("uploadMethod") is None
    assert tap.find("uploadLimit") is None


@pytest.mark.parametrize(
    ("standard_id", "child", "interface_type"),
    [
        ("ivo://ivoa.net/std/VOSI#capabilities", "capabilities", "vs:ParamHTTP"),
        ("ivo://ivoa.net/std/VOSI#availability", "availability", "vs:ParamHTTP"),
        ("ivo://ivoa.net/std/VOSI#tables-1.1", "tables", "vs:ParamHTTP"),
        ("ivo://ivoa.net/std/DALI#examples", "examples", "vr:WebBrowser"),
    ],
)
def test_sibling_resources(
    root: ET.Element, standard_id: str, child: str, interface_type: str
) -> None:
    capability = _capability(root, standard_id)
    interface = _single(capability, "interface")
    assert interface.get(XSI_TYPE) == interface_type
    url = _single(interface, "accessURL")
    assert (url.get("use"), url.text) == ("full", f"{TAP_URL}/{child}")
    assert interface.find("securityMethod") is None


def test_every_capability_is_known(root: ET.Element) -> None:
    assert len(root.findall("capability")) == 5


@pytest.mark.parametrize(
    ("base_url", "tap_path"),
    [
        ("https://archive.example.org/", "/api/tap"),
        ("https://archive.example.org", "api/tap/"),
    ],
)
def test_urls_join_with_one_slash(base_url: str, tap_path: str) -> None:
    root = ET.fromstring(_document(base_url=base_url, tap_path=tap_path))
    urls = [u.text for u in root.iter("accessURL")]
    assert urls[0] == TAP_URL
    assert all(u is not None and u.startswith(f"{TAP_URL}/") for u in urls[1:])


def test_output_format_required() -> None:
    with pytest.raises(ValueError, match="output format"):
        _document(output_formats=[])


@pytest.mark.parametrize(
    "change",
    [
        {"default_maxrec": 30_000_000},
        {"retention_default": -1},
        {"execution_duration_default": 7_200},
        {"upload_limit_bytes": 0},
    ],
)
def test_inconsistent_limits_are_refused(change: dict[str, int]) -> None:
    values = {
        "default_maxrec": 10,
        "hard_maxrec": 100,
        "retention_default": 10,
        "retention_hard": 100,
        "execution_duration_default": 10,
        "execution_duration_hard": 100,
        "upload_limit_bytes": 1_000,
    }
    TapLimits(**values)
    with pytest.raises(ValueError, match=r"default|upload limit"):
        TapLimits(**{**values, **change})


def test_pyvo_reads_it(document: bytes) -> None:
    capabilities = vosi.parse_capabilities(io.BytesIO(document), pedantic=True)
    tap = next(c for c in capabilities if c.standardid == "ivo://ivoa.net/std/TAP")
    adql = tap.get_adql()
    # Clients compare feature types without case, so the lower-case IVOIDs are found.
    geometry = "ivo://ivoa.net/std/TAPRegExt#features-adqlgeo"
    assert adql.get_feature(geometry, "CONTAINS") is not None
    assert adql.get_feature(geometry, "REGION") is not None
    assert adql.get_feature("ivo://ivoa.net/std/TAPRegExt#features-adql-sets", "UNION")
    assert tap.outputlimit.hard.content == 20_000_000
    assert [f.mime for f in tap.outputformats] == [f[0] for f in FORMATS]
