"""The TAP examples page (DALI 1.1 sect. 2.3, TAP 1.1 sect. 2.6): XHTML with RDFa Lite.

Each example is a ``div`` with ``typeof="example"``, an ``id`` and ``resource="#id"``; its
``name`` is a heading, its ADQL a ``pre`` with ``property="query"`` and the tables it reads
are ``property="table"`` spans, so TOPCAT and pyvo can offer the queries while a browser
shows the same page. The queries are modelled on how Rubin's DP1 tutorials use ObsCore
(the ECDFS field, LSSTComCam visits, ``lsst_cells_v1`` coadds) and run on the demo data;
``tests/vosi/test_examples.py`` executes every one on both database backends.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.vosi._xml import NS_XHTML, add, document, root
from app.vosi.capabilities import tap_service_url

__all__ = ["EXAMPLES", "EXAMPLES_VOCABULARY", "Example", "examples_document"]

EXAMPLES_VOCABULARY = "http://www.ivoa.net/rdf/examples#"

_OBSCORE = ("ivoa.ObsCore",)


@dataclass(frozen=True, slots=True)
class Example:
    """One example query."""

    id: str
    """The fragment identifier (``/examples#id``): lower case, hyphens."""
    name: str
    """A short title, plain text."""
    query: str
    """The ADQL, as a person would copy it."""
    explanation: str
    """One or two sentences on what the query finds and how."""
    tables: tuple[str, ...] = _OBSCORE
    """The tables it reads, named as in TAP_SCHEMA.tables."""


EXAMPLES: tuple[Example, ...] = (
    Example(
        "cone-search",
        "Images centred in a cone",
        "SELECT obs_publisher_did, dataproduct_subtype, lsst_band, s_ra, s_dec, access_url\n"
        "FROM ivoa.ObsCore\n"
        "WHERE CONTAINS(POINT('ICRS', s_ra, s_dec),\n"
        "               CIRCLE('ICRS', 53.13, -28.10, 0.1)) = 1",
        "Every product whose centre lies within 0.1 degrees of the middle of the Extended "
        "Chandra Deep Field South (ECDFS). access_url is a DataLink document listing the "
        "image file and its cutout service.",
    ),
    Example(
        "images-covering-a-position",
        "Images covering a position",
        "SELECT dataproduct_subtype, lsst_band, obs_id, t_min, access_url\n"
        "FROM ivoa.ObsCore\n"
        "WHERE CONTAINS(POINT('ICRS', 53.076, -28.11), s_region) = 1",
        "Every product whose footprint (s_region) contains the position, whatever its "
        "centre: raws, visit and difference images, and deep and template coadds.",
    ),
    Example(
        "visit-images-in-one-band",
        "r-band visit images of a position",
        "SELECT obs_id, lsst_visit, lsst_detector, t_min, t_max, access_url\n"
        "FROM ivoa.ObsCore\n"
        "WHERE dataproduct_subtype = 'lsst.visit_image'\n"
        "  AND lsst_band = 'r'\n"
        "  AND CONTAINS(POINT('ICRS', 53.076, -28.11), s_region) = 1\n"
        "ORDER BY t_min",
        "The calibrated single-detector images (calib_level 2) taken through the r filter "
        "that cover the position, oldest first. lsst_band is one of u, g, r, i, z, y.",
    ),
    Example(
        "products-per-type",
        "How many products of each type cover a position",
        "SELECT dataproduct_subtype, COUNT(*) AS n_products\n"
        "FROM ivoa.ObsCore\n"
        "WHERE CONTAINS(POINT('ICRS', 53.076, -28.11), s_region) = 1\n"
        "GROUP BY dataproduct_subtype\n"
        "ORDER BY dataproduct_subtype",
        "Counts by dataproduct_subtype (lsst.raw, lsst.visit_image, lsst.difference_image, "
        "lsst.deep_coadd, lsst.template_coadd): a quick look at what exists before "
        "fetching rows.",
    ),
    Example(
        "coadds-overlapping-a-polygon",
        "Deep coadds overlapping a polygon",
        "SELECT lsst_tract, lsst_patch, lsst_band, s_region, access_url\n"
        "FROM ivoa.ObsCore\n"
        "WHERE dataproduct_subtype = 'lsst.deep_coadd'\n"
        "  AND INTERSECTS(s_region,\n"
        "                 POLYGON('ICRS', 53.0, -28.0, 53.0, -28.2,\n"
        "                                 53.3, -28.2, 53.3, -28.0)) = 1\n"
        "ORDER BY lsst_tract, lsst_patch, lsst_band",
        "Coadd patches whose footprint overlaps a box about 0.26 by 0.2 degrees, vertices "
        "given counter-clockwise on the sky. Neighbouring patches overlap, so a region "
        "usually touches several.",
    ),
    Example(
        "time-range",
        "Visit images in a time range",
        "SELECT obs_id, lsst_visit, lsst_detector, lsst_band, t_min, t_max\n"
        "FROM ivoa.ObsCore\n"
        "WHERE dataproduct_subtype = 'lsst.visit_image'\n"
        "  AND t_min >= 60623.0 AND t_max <= 60624.0\n"
        "  AND CONTAINS(POINT('ICRS', s_ra, s_dec),\n"
        "               CIRCLE('ICRS', 53.13, -28.10, 1.0)) = 1\n"
        "ORDER BY t_min",
        "Exposure start and end times t_min and t_max are MJD (UTC): this takes the ECDFS "
        "visit images taken between MJD 60623 and 60624, 2024-11-09T00:00 to "
        "2024-11-10T00:00 UTC. Coadds have no times.",
    ),
    Example(
        "images-at-a-wavelength",
        "Images whose band includes a wavelength",
        "SELECT dataproduct_subtype, lsst_band, em_min, em_max, obs_id\n"
        "FROM ivoa.ObsCore\n"
        "WHERE em_min <= 6.2e-7 AND em_max >= 6.2e-7\n"
        "  AND CONTAINS(POINT('ICRS', 53.076, -28.11), s_region) = 1",
        "em_min and em_max bound each band in metres, as SIA's BAND does: 620 nm lies in r. "
        "This works on any ObsCore service, not only those with a band column.",
    ),
    Example(
        "nearest-coadds",
        "Deep coadds nearest a position",
        "SELECT TOP 6 lsst_tract, lsst_patch, lsst_band,\n"
        "       DISTANCE(POINT('ICRS', s_ra, s_dec),\n"
        "                POINT('ICRS', 53.13, -28.10)) AS dist_deg,\n"
        "       access_url\n"
        "FROM ivoa.ObsCore\n"
        "WHERE dataproduct_subtype = 'lsst.deep_coadd' AND lsst_band = 'i'\n"
        "  AND CONTAINS(POINT('ICRS', s_ra, s_dec),\n"
        "               CIRCLE('ICRS', 53.13, -28.10, 1.0)) = 1\n"
        "ORDER BY dist_deg",
        "The i-band coadd patches whose centres are closest to the position, nearest "
        "first. DISTANCE is in degrees; the cone keeps the search small.",
    ),
    Example(
        "visits-per-band",
        "Visits per band in a field",
        "SELECT lsst_band, COUNT(DISTINCT lsst_visit) AS n_visits,\n"
        "       MIN(t_min) AS first_mjd, MAX(t_max) AS last_mjd\n"
        "FROM ivoa.ObsCore\n"
        "WHERE dataproduct_subtype = 'lsst.visit_image'\n"
        "  AND CONTAINS(POINT('ICRS', s_ra, s_dec),\n"
        "               CIRCLE('ICRS', 53.13, -28.10, 1.0)) = 1\n"
        "GROUP BY lsst_band\n"
        "ORDER BY lsst_band",
        "Each visit has one visit_image per detector, so counting distinct lsst_visit "
        "values counts pointings. Also gives the time span covered in each band.",
    ),
    Example(
        "latest-exposures",
        "The most recent exposures",
        "SELECT TOP 20 obs_id, lsst_visit, lsst_band, target_name, t_min\n"
        "FROM ivoa.ObsCore\n"
        "WHERE dataproduct_subtype = 'lsst.raw' AND lsst_detector = 4\n"
        "ORDER BY t_min DESC",
        "TOP with ORDER BY: the last 20 raw exposures. Keeping one detector (4, in the "
        "middle of the raft) gives one row per exposure instead of nine.",
    ),
    Example(
        "coadds-of-a-patch",
        "All coadds of one tract and patch",
        "SELECT dataproduct_subtype, lsst_band, obs_id, s_xel1, s_xel2, access_url\n"
        "FROM ivoa.ObsCore\n"
        "WHERE lsst_tract = 5063 AND lsst_patch = 14\n"
        "  AND dataproduct_subtype IN ('lsst.deep_coadd', 'lsst.template_coadd')\n"
        "ORDER BY dataproduct_subtype, lsst_band",
        "Coadds are cut on the lsst_cells_v1 skymap; tract 5063 covers the ECDFS. Each "
        "patch image is 3400 by 3400 pixels.",
    ),
    Example(
        "obscore-columns",
        "The columns of ivoa.ObsCore",
        "SELECT column_name, datatype, arraysize, xtype, unit, ucd, description\n"
        "FROM TAP_SCHEMA.columns\n"
        "WHERE table_name = 'ivoa.ObsCore'\n"
        "ORDER BY column_index",
        "TAP_SCHEMA describes every published table; this lists the ObsCore columns "
        "with their types, units and UCDs, in display order.",
        ("tap_schema.columns",),
    ),
)
"""The examples, in the order the page shows them."""

_STYLE = (
    "body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; "
    "padding: 0 1rem; line-height: 1.5; } "
    "pre { background: #f6f8fa; padding: 0.6rem; overflow-x: auto; } "
    "code { background: #f6f8fa; padding: 0 0.2rem; }"
)


def examples_document(base_url: str, tap_path: str = "/api/tap") -> bytes:
    """The DALI examples page of the TAP service at ``base_url`` + ``tap_path``.

    Parameters
    ----------
    base_url
        The public URL of the whole service, as for
        :func:`~app.vosi.capabilities.capabilities_document`.
    tap_path
        Where TAP lives under it.

    Returns
    -------
    bytes
        A well-formed XHTML document (UTF-8); serve it as ``application/xhtml+xml`` or
        ``text/html``.
    """
    url = tap_service_url(base_url, tap_path)
    html = root("html", {"": NS_XHTML}, {"lang": "en", "xml:lang": "en"})
    head = add(html, "head")
    add(head, "meta", attrs={"charset": "utf-8"})
    add(head, "title", "TAP examples")
    add(head, "style", _STYLE)
    body = add(html, "body")
    add(body, "h1", "TAP query examples")
    intro = add(
        body,
        "p",
        "Queries on this archive's ObsCore table, ready to copy into a TAP client such as "
        "TOPCAT or pyvo. The TAP service is at ",
    )
    add(intro, "code", url).tail = "; for instance "
    add(intro, "code", f'pyvo.dal.TAPService("{url}").run_sync(query)').tail = "."
    examples = add(body, "div", attrs={"vocab": EXAMPLES_VOCABULARY})
    for example in EXAMPLES:
        div = add(
            examples,
            "div",
            attrs={"typeof": "example", "id": example.id, "resource": f"#{example.id}"},
        )
        add(div, "h2", example.name, {"property": "name"})
        add(div, "p", example.explanation)
        add(div, "pre", example.query, {"class": "dii", "property": "query"})
        tables = add(div, "p", "Reads ")
        for i, table in enumerate(example.tables):
            span = add(tables, "span", table, {"property": "table"})
            span.tail = "." if i == len(example.tables) - 1 else ", "
    return document(html)
