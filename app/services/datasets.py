"""The archive's datasets by identifier: an ID as DataLink and SODA clients send it, the
ObsCore row it names, and its file (made on first access for demo rows), preview and
thumbnail.

IDs are accepted in the forms Rubin's services accept (datalinker, vo-cutouts): the
publisher DID itself (``ivo://org.rubinobs/usdac/lsst-dp1?repo=dp1&id=UUID``); any
``ivo://...?repo=LABEL&id=UUID`` (DP1's DataLink form omits ``usdac/``), read as the
archive's DID for that repository and UUID; and the deprecated ``butler://LABEL/UUID``.
DIDs compare without regard to case (IVOIDs do), through the index on
``lower(obs_publisher_did)``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
import shutil
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import structlog

from app.faults import NotFoundError, UsageError
from obscore.demo import DEMO_FILE_SCHEME
from obscore.schema import ArchiveSchema
from pixels.file_cache import FileCache, cache_key
from pixels.locations import FileProblemError, StoredFile, local_path, open_file, stat_file
from pixels.previews import PREVIEW_SIZE, THUMBNAIL_SIZE, preview_png

__all__ = [
    "Dataset",
    "DatasetService",
    "ProductWriter",
    "dataset_key",
    "key_dataset",
    "parse_dataset_id",
]

log = structlog.get_logger("obscura")

_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
_LABEL = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_MAX_ID = 1024

ProductWriter = Callable[[Mapping[str, Any], Path, int], None]
"""Writes a demo row's FITS file: (row, path, seed)."""


@dataclass(frozen=True, slots=True)
class Dataset:
    """One dataset of the archive: its ObsCore row and where its file lives."""

    did: str
    row: Mapping[str, Any]
    file_url: str | None
    file_size: int | None

    @property
    def subtype(self) -> str:
        """``raw``, ``visit_image``, ``difference_image``, ``deep_coadd``..."""
        return str(self.row.get("dataproduct_subtype") or "").removeprefix("lsst.")

    @property
    def file_name(self) -> str:
        """A name a person recognises: product, band, visit and detector (or tract and
        patch)."""
        row = self.row
        parts = [self.subtype or "dataset", row.get("lsst_band")]
        if row.get("lsst_tract") is not None:
            parts += [f"t{row['lsst_tract']}", f"p{row['lsst_patch']}"]
        elif row.get("lsst_visit") is not None:
            parts += [str(row["lsst_visit"]), f"d{row.get('lsst_detector')}"]
        name = "_".join(str(p) for p in parts if p is not None)
        return re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".fits"


def parse_dataset_id(text: str) -> list[str]:
    """The DIDs an ID may stand for (the ID as given first).

    Raises
    ------
    UsageError
        If ``text`` is not an ID this archive could hold.
    """
    asked = text.strip()
    if not asked or len(asked) > _MAX_ID:
        raise UsageError(f"Unable to extract valid dataset ID from {text[:100]!r}")
    if asked.startswith("butler://"):
        label, _, uuid = asked.removeprefix("butler://").partition("/")
        if _LABEL.fullmatch(label) and _UUID.fullmatch(uuid):
            return [_rubin_did(label, uuid)]
        raise UsageError(f"Unable to extract valid dataset ID from {asked!r}")
    if not asked.lower().startswith("ivo://"):
        raise UsageError(
            f"Unable to extract valid dataset ID from {asked!r}: IDs are ivo:// or "
            "butler:// identifiers (the obs_publisher_did of an ObsCore row)"
        )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(asked).query)
    repo, ids = query.get("repo", []), query.get("id", [])
    if len(repo) == 1 and len(ids) == 1 and _LABEL.fullmatch(repo[0]) and _UUID.fullmatch(ids[0]):
        return list(dict.fromkeys([asked, _rubin_did(repo[0], ids[0])]))
    return [asked]


def _rubin_did(label: str, uuid: str) -> str:
    return f"ivo://org.rubinobs/usdac/lsst-{label}?repo={label}&id={uuid.lower()}"


def dataset_key(did: str) -> str:
    """The DID as one URL path segment (file, preview and thumbnail URLs)."""
    return base64.urlsafe_b64encode(did.encode()).decode().rstrip("=")


def key_dataset(key: str) -> str:
    """The DID of a :func:`dataset_key`.

    Raises
    ------
    NotFoundError
        If ``key`` is not one.
    """
    try:
        return base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise NotFoundError(f"No dataset has the key {key[:80]!r}") from None


class DatasetService:
    """Finds datasets and makes their files, previews and thumbnails (blocking)."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        schema: ArchiveSchema,
        cache: FileCache,
        write_product: ProductWriter,
    ) -> None:
        self._engine = engine
        self._schema = schema
        self._cache = cache
        self._write_product = write_product

    def find(self, ids: Sequence[str]) -> dict[str, Dataset | UsageError | NotFoundError]:
        """Each ID's dataset, or why there is none (one query for them all)."""
        wanted: dict[str, list[str]] = {}
        found: dict[str, Dataset | UsageError | NotFoundError] = {}
        for asked in ids:
            try:
                wanted[asked] = parse_dataset_id(asked)
            except UsageError as exc:
                found[asked] = exc
        by_did = self._rows({did.lower() for dids in wanted.values() for did in dids})
        for asked, dids in wanted.items():
            match = next((by_did[d.lower()] for d in dids if d.lower() in by_did), None)
            found[asked] = match or NotFoundError(f"Unknown dataset ID {asked!r}")
        return found

    def get(self, did: str) -> Dataset:
        """The dataset ``did`` (exactly as the archive holds it).

        Raises
        ------
        NotFoundError
            If there is none.
        """
        match = self._rows({did.lower()}).get(did.lower())
        if match is None:
            raise NotFoundError(f"Unknown dataset ID {did!r}")
        return match

    def _rows(self, lowered: set[str]) -> dict[str, Dataset]:
        if not lowered:
            return {}
        obscore, files = self._schema.obscore, self._schema.files
        query = (
            sa.select(obscore, files.c.file_url, files.c.size.label("file_size"))
            .select_from(
                obscore.outerjoin(files, files.c.obs_publisher_did == obscore.c.obs_publisher_did)
            )
            .where(sa.func.lower(obscore.c.obs_publisher_did).in_(sorted(lowered)))
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        found = {}
        for row in rows:
            values = dict(row)
            url, size = values.pop("file_url"), values.pop("file_size")
            did = str(values["obs_publisher_did"])
            found[did.lower()] = Dataset(did, values, url, size)
        return found

    def first(self, subtypes: Sequence[str]) -> Dataset | None:
        """The archive's first dataset of the first of ``subtypes`` it holds."""
        c = self._schema.obscore.c
        for subtype in subtypes:
            query = (
                sa.select(c.obs_publisher_did)
                .where(c.dataproduct_subtype == subtype)
                .order_by(c.obscore_id)
                .limit(1)
            )
            found = self.related(query)
            if found:
                return found[0]
        return None

    def related(self, query: sa.Select[Any]) -> list[Dataset]:
        """The datasets a query over ObsCore selects (for provenance links)."""
        with self._engine.connect() as conn:
            dids = conn.execute(query).scalars().all()
        rows = self._rows({str(d).lower() for d in dids})
        return [rows[str(d).lower()] for d in dids if str(d).lower() in rows]

    # -- files ------------------------------------------------------------------------

    def file(self, dataset: Dataset) -> StoredFile:
        """The dataset's file, made first if it is a demo file not made yet.

        Raises
        ------
        NotFoundError
            If the archive records no file for it, or the file is gone.
        """
        url = dataset.file_url
        if url is None:
            raise NotFoundError(f"The archive holds no file for {dataset.did!r}")
        if url.startswith(f"{DEMO_FILE_SCHEME}:"):
            return self._demo_file(dataset, int(url.split(":", 1)[1]))
        try:
            return stat_file(url)
        except FileProblemError as exc:
            log.warning("a dataset's file is missing", did=dataset.did, problem=str(exc))
            raise NotFoundError(f"The file of {dataset.did!r} cannot be read now") from None

    def _demo_file(self, dataset: Dataset, seed: int) -> StoredFile:
        key = cache_key(dataset.did, str(seed))

        def make(path: Path) -> None:
            started = datetime.datetime.now(datetime.UTC)
            self._write_product(dataset.row, path, seed)
            log.info(
                "demo file made",
                did=dataset.did,
                bytes=path.stat().st_size,
                seconds=round((datetime.datetime.now(datetime.UTC) - started).total_seconds(), 2),
            )

        path = self._cache.get(key, ".fits", make)
        stored = stat_file(str(path))
        if dataset.file_size != stored.size:
            self._record_size(dataset.did, stored.size)
        # The content is a function of the row and the seed: the ETag says so.
        return StoredFile(str(path), stored.size, key, stored.modified)

    def _record_size(self, did: str, size: int) -> None:
        """Remember a made file's size: links then give it, and ``access_estsize``
        becomes the real size (kB, rounded up)."""
        obscore, files = self._schema.obscore, self._schema.files
        with self._engine.begin() as conn:
            conn.execute(sa.update(files).where(files.c.obs_publisher_did == did).values(size=size))
            conn.execute(
                sa.update(obscore)
                .where(obscore.c.obs_publisher_did == did)
                .values(access_estsize=-(-size // 1024))
            )

    def preview(self, dataset: Dataset, *, thumbnail: bool = False) -> Path:
        """The dataset's PNG preview (or thumbnail), made and cached on first use."""
        stored = self.file(dataset)
        size = THUMBNAIL_SIZE if thumbnail else PREVIEW_SIZE
        key = cache_key(dataset.did, stored.etag, str(size))

        def make(path: Path) -> None:
            source = local_path(stored.url)
            if source is not None:
                path.write_bytes(preview_png(source, size))
                return
            copy = path.with_name(path.name + ".fits")  # a remote file: a local copy first
            try:
                with open_file(stored.url) as remote, copy.open("wb") as local:
                    shutil.copyfileobj(remote, local, 1 << 20)
                path.write_bytes(preview_png(copy, size))
            finally:
                copy.unlink(missing_ok=True)

        return self._cache.get(key, ".png", make)
