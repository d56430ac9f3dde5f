"""The optional ADQL 2.1 features the TAP capability declares (TAPRegExt ``languageFeatures``).

ADQL 2.1 sect. 4 says a client may use an optional feature only when the service declares
it, so a form is listed here only when the ADQL engine parses, binds and translates it on
both database backends:

* functions come from :data:`adql.functions.FUNCTIONS`, grouped by their ``feature``;
* syntax features are the grammar's own (``adql/grammar/adql.lark``): ``ILIKE`` (rule
  ``ilike``), ``UNION``/``EXCEPT``/``INTERSECT`` (``union``, ``except_``, ``intersect``),
  ``WITH`` (``with_clause``), ``CAST`` (``cast``) and ``OFFSET`` (``offset``).

``tests/vosi/test_features.py`` compiles a query using each declared form for both
backends, so a declaration cannot outlive the support behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from adql.functions import FUNCTIONS

__all__ = [
    "COMMON_TABLE",
    "CONDITIONAL",
    "GEOMETRY",
    "OFFSET",
    "SETS",
    "STRING",
    "TYPE",
    "UNIT",
    "FeatureGroup",
    "language_features",
]

# IVOIDs compare case-insensitively (pyvo does so). We write TAPRegExt's own spelling,
# as DaCHS does and as STILTS taplint expects: it flags the all-lower-case form as a
# "custom feature type" (W-CAP-CULF).
_PREFIX = "ivo://ivoa.net/std/TAPRegExt#"
GEOMETRY = _PREFIX + "features-adqlgeo"
STRING = _PREFIX + "features-adql-string"
SETS = _PREFIX + "features-adql-sets"
COMMON_TABLE = _PREFIX + "features-adql-common-table"
TYPE = _PREFIX + "features-adql-type"
# Except this one: STILTS 3.4.7 (Debian 12) predates it and rejects it in TAPRegExt's
# spelling as an unknown standard key (an error); in lower case it is a "custom" type
# (a warning, explained in docs/conformance.md). Newer STILTS know it in any case.
CONDITIONAL = "ivo://ivoa.net/std/tapregext#features-adql-conditional"
UNIT = _PREFIX + "features-adql-unit"
OFFSET = _PREFIX + "features-adql-offset"

_ORDER = (GEOMETRY, STRING, SETS, COMMON_TABLE, TYPE, CONDITIONAL, UNIT, OFFSET)
_SPELLING = {t.lower(): t for t in _ORDER}
"""How each feature type is written, by its case-insensitive IVOID."""

_SYNTAX = (
    (STRING, "ILIKE"),
    (SETS, "UNION"),
    (SETS, "EXCEPT"),
    (SETS, "INTERSECT"),
    (COMMON_TABLE, "WITH"),
    (TYPE, "CAST"),
    (OFFSET, "OFFSET"),
)
"""Optional features that are syntax rather than functions."""

_NOT_TRANSLATED: frozenset[str] = frozenset()
"""Functions the binder accepts but the translator refuses: none (REGION takes STC-S
since issue 15); one listed here would not be declared, to invite no failing queries."""


@dataclass(frozen=True, slots=True)
class FeatureGroup:
    """One ``languageFeatures`` element: a feature type and the forms declared under it."""

    type: str
    """The feature-type IVOID, in TAPRegExt's spelling."""
    forms: tuple[str, ...]
    """Each ``feature/form``: a function name or keyword, upper case."""


def language_features() -> tuple[FeatureGroup, ...]:
    """The optional ADQL features this service supports, grouped by feature type.

    Returns
    -------
    tuple of FeatureGroup
        In the order of ADQL 2.1 sect. 4 (geometry first), each group's forms in the
        order :data:`adql.functions.FUNCTIONS` lists them, then syntax features.
    """
    forms: dict[str, list[str]] = {}
    for name, spec in FUNCTIONS.items():
        if spec.feature is not None and name not in _NOT_TRANSLATED:
            feature = _SPELLING.get(spec.feature.lower(), spec.feature)
            forms.setdefault(feature, []).append(name)
    for feature, keyword in _SYNTAX:
        forms.setdefault(feature, []).append(keyword)
    ordered = [t for t in _ORDER if t in forms] + [t for t in forms if t not in _ORDER]
    return tuple(FeatureGroup(t, tuple(forms[t])) for t in ordered)
