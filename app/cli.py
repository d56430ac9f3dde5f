"""The ``obscura`` command: serve, build the demo data, load files, create the schema."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import structlog
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.config import Config
from app.logging import configure_logging

__all__ = ["main"]

log = structlog.get_logger("obscura")


def _serve(config: Config, args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import SWITCH_INTERVAL, create_app, prepare_server

    if "base_url" not in config.model_fields_set:
        # Links must point where this server really listens unless told otherwise.
        config = config.model_copy(update={"base_url": f"http://{args.host}:{args.port}"})
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": config.log_level.lower(),
        "log_config": None,  # uvicorn's lines go through ours (app/logging.py)
        "access_log": False,  # the request log middleware writes one line per request
    }
    processes = config.server_processes
    if processes == 1:
        sys.setswitchinterval(SWITCH_INTERVAL)
        uvicorn.run(create_app(config), **options)
        return 0
    # Several processes share the listening socket, each with its own interpreter (the
    # GIL caps one process at about one core of query work). The archive and the jobs a
    # previous run left are dealt with here, once; each process then builds its
    # application from the environment.
    prepare_server(config)
    os.environ["OBSCURA_BASE_URL"] = config.base_url
    log.info("starting server processes", processes=processes)
    uvicorn.run("app.main:create_process_app", factory=True, workers=processes, **options)
    return 0


def _demo_data(config: Config, args: argparse.Namespace) -> int:
    from app.storage.archive import count_rows, fill_archive
    from app.storage.database import create_sync_engine
    from obscore.demo import DP1_COUNTS, generate_dp1
    from obscore.survey import generate_survey

    if config.effective_database_url.startswith("sqlite"):
        config.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_sync_engine(config.effective_database_url)
    try:
        if args.if_empty and count_rows(engine) > 0:
            print("ivoa.ObsCore already holds rows; leaving them as they are")
            return _demo_pixels(config, engine, args.pixels, args.pixels_limit)
        if args.survey_rows:
            tables = generate_survey(args.survey_rows, seed=args.seed or 2026)
            total, label = args.survey_rows, "generating survey"
        else:
            tables = generate_dp1(args.seed or config.demo_seed)
            total, label = sum(DP1_COUNTS.values()), "building demo data"
        rows = fill_archive(
            engine, tables, replace=True, total=total, description=label, progress=True
        )
        print(f"ivoa.ObsCore now holds {rows:,} rows")
        return _demo_pixels(config, engine, args.pixels, args.pixels_limit)
    finally:
        engine.dispose()


def _demo_pixels(config: Config, engine: Any, subtypes: str | None, limit: int | None) -> int:
    """Make the demo rows' files ahead of their first request (``--pixels``)."""
    if not subtypes:
        return 0
    import sqlalchemy as sa
    from tqdm import tqdm

    from app.factory import write_demo_product
    from app.services.datasets import DatasetService
    from app.storage.database import archive_schema
    from obscore.demo import DEMO_FILE_SCHEME
    from pixels.file_cache import FileCache

    schema = archive_schema(engine)
    obscore, files = schema.obscore, schema.files
    query = (
        sa.select(obscore.c.obs_publisher_did)
        .join(files, files.c.obs_publisher_did == obscore.c.obs_publisher_did)
        .where(files.c.file_url.startswith(f"{DEMO_FILE_SCHEME}:"))
        .order_by(obscore.c.obscore_id)
    )
    if subtypes != "all":
        wanted = [f"lsst.{name.strip()}" for name in subtypes.split(",") if name.strip()]
        query = query.where(obscore.c.dataproduct_subtype.in_(wanted))
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        dids = list(conn.execute(query).scalars())
    cache = FileCache(config.pixel_cache_location, cap_bytes=config.pixel_cache_bytes)
    service = DatasetService(
        engine=engine, schema=schema, cache=cache, write_product=write_demo_product
    )
    made = 0
    for did in tqdm(dids, desc="making demo files", unit=" files"):
        made += service.file(service.get(did)).size
    print(f"{len(dids):,} demo files ready in {cache.root} ({made / 1e9:.1f} GB)")
    return 0


def _load(config: Config, args: argparse.Namespace) -> int:
    from app.storage.archive import check_files, fill_archive
    from app.storage.database import create_sync_engine
    from obscore.declarations import DeclarationError, read_declarations
    from obscore.loader import LoadError, read_batches

    try:
        declared = read_declarations(Path(args.columns)) if args.columns else {}
    except DeclarationError as exc:
        print(f"obscura load: --columns {exc}. Nothing was loaded.", file=sys.stderr)
        return 1
    engine = create_sync_engine(config.effective_database_url)
    try:
        # Read, checked and written a batch at a time, in one transaction.
        loaded = read_batches(Path(args.file), declared)
        written = fill_archive(
            engine,
            (check_files(rows) for rows in loaded.batches),
            replace=args.replace,
            own_columns=loaded.own_columns,
        )
    except LoadError as exc:
        print(f"obscura load: {args.file}: {exc}. Nothing was loaded.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"loaded {written:,} rows from {args.file}")
    return 0


def _worker(config: Config, _args: argparse.Namespace) -> int:
    import asyncio

    from app.worker import run_worker

    if config.job_runner != "queue":
        print(
            "obscura worker: set OBSCURA_JOB_RUNNER=queue (and a PostgreSQL "
            "OBSCURA_DATABASE_URL) for the API to send jobs to workers",
            file=sys.stderr,
        )
        return 2
    asyncio.run(run_worker(config))
    return 0


def _init_db(config: Config, _args: argparse.Namespace) -> int:
    from app.main import prepare_archive

    prepare_archive(config)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="obscura",
        description="IVOA archive service for astronomical images. "
        "Configured by OBSCURA_* environment variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)
    demo = commands.add_parser(
        "demo-data", help="(re)build the DP1-like demo data set, replacing the archive's rows"
    )
    demo.add_argument("--seed", type=int, default=None)
    demo.add_argument(
        "--survey-rows",
        type=int,
        default=0,
        metavar="N",
        help="instead, generate a synthetic survey of at least N rows",
    )
    demo.add_argument(
        "--if-empty", action="store_true", help="keep the rows if the archive already holds some"
    )
    demo.add_argument(
        "--pixels",
        default=None,
        metavar="SUBTYPES",
        help="also make the demo files ahead of time: 'all', or product subtypes such as "
        "visit_image,deep_coadd (otherwise each is made on its first request)",
    )
    demo.add_argument("--pixels-limit", type=int, default=None, help="make at most this many files")
    demo.set_defaults(run=_demo_data)
    load = commands.add_parser("load", help="load ObsCore rows from CSV, Parquet or VOTable")
    load.add_argument("file")
    load.add_argument(
        "--replace",
        action="store_true",
        help="replace the archive's rows (and its own columns) instead of adding to them",
    )
    load.add_argument(
        "--columns",
        metavar="FILE.json",
        help="declare the file's columns that are not ObsCore's: a JSON list of {name, "
        "datatype, unit, ucd, description} (a VOTable's FIELDs declare its own); "
        "restart the server to publish new columns",
    )
    load.set_defaults(run=_load)
    worker = commands.add_parser(
        "worker", help="run async jobs from the PostgreSQL task queue (OBSCURA_JOB_RUNNER=queue)"
    )
    worker.set_defaults(run=_worker)
    init = commands.add_parser(
        "init-db", help="create the schema (and, on SQLite, the demo data if the archive is empty)"
    )
    init.set_defaults(run=_init_db)
    return parser


def _problem(error: ErrorDetails) -> str:
    message = error["msg"].removeprefix("Value error, ")
    if not error["loc"]:
        return message
    return f"OBSCURA_{str(error['loc'][0]).upper()}: {message}"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``obscura`` console script."""
    args = _parser().parse_args(argv)
    try:
        config = Config()
    except ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors())
        print(f"obscura: the configuration is not usable: {problems}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.log_format)
    code: int = args.run(config, args)
    return code


if __name__ == "__main__":
    sys.exit(main())
