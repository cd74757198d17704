"""The `mortgage-cloud valuation` commands: import listing files, train the model, evaluate it on a test file."""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from mortgage_cloud.settings import get_settings

log = logging.getLogger(__name__)


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add the `valuation` command and its subcommands to the main parser."""
    valuation = commands.add_parser("valuation", help="smart valuation (智慧评估): market data, model, accuracy")
    actions = valuation.add_subparsers(required=True, metavar="ACTION")

    load = actions.add_parser("import", help="import Lianjia listing files (Changsha detail shape or Beijing list shape)")
    load.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CSV file to import, read where it lies")
    load.add_argument("--city", help="city to record for every listing, e.g. 长沙 (default: from the listing URL or file shape)")
    load.add_argument("--create-tables", action="store_true", help="create missing tables first (scratch databases only)")
    load.set_defaults(run=_import)

    train = actions.add_parser("train", help="train the model on the stored listings and make it current")
    train.add_argument("--city", help="train on this city's listings only, e.g. 长沙")
    train.add_argument("--create-tables", action="store_true", help="create missing tables first (scratch databases only)")
    train.set_defaults(run=_train)

    evaluate = actions.add_parser("evaluate", help="train on files, score on a test file; the last line is the model's scores")
    evaluate.add_argument("--train", nargs="+", type=Path, required=True, metavar="FILE", help="training files")
    evaluate.add_argument("--test", type=Path, required=True, metavar="FILE", help="test file (listings also in the training files are skipped)")
    evaluate.add_argument("--city", help="city to record for every listing")
    evaluate.set_defaults(run=_evaluate)


def _import(args: argparse.Namespace) -> int:
    from mortgage_cloud.valuation.importer import import_file
    from mortgage_cloud.valuation.sources import UnknownShape

    async def run() -> int:
        status = 0
        for path in args.files:
            try:
                summary = await import_file(path, city=args.city)
            except (OSError, UnknownShape) as error:
                log.warning("listing file not imported", extra={"file": str(path), "error": str(error)})
                print(f"{path}: not imported: {error}", file=sys.stderr)
                status = 1
                continue
            print("\n".join(summary.lines()))
        return status

    return asyncio.run(_with_database(run(), create_tables=args.create_tables))


def _train(args: argparse.Namespace) -> int:
    from mortgage_cloud.valuation.service import model_dir, train_model

    async def run() -> int:
        model = await train_model(city=args.city, directory=model_dir(get_settings()))
        print(f"model {model.version} trained on {model.trained_on} listings")
        metrics = model.cv_metrics
        print(f"cross-validated: median_ape={metrics['median_ape']:.4f} within_10={metrics['within_10']:.4f} within_20={metrics['within_20']:.4f}")
        return 0

    return asyncio.run(_with_database(run(), create_tables=args.create_tables))


def _evaluate(args: argparse.Namespace) -> int:
    from mortgage_cloud.valuation.evaluate import evaluate, load_listings, score_by_basis, score_by_community
    from mortgage_cloud.valuation.model import ValuationModel
    from mortgage_cloud.valuation.sources import UnknownShape

    try:
        train = load_listings(args.train, city=args.city)
        test = load_listings([args.test], city=args.city)
    except (OSError, UnknownShape) as error:
        log.warning("evaluation files unreadable", extra={"error": str(error)})
        print(f"cannot read the listing files: {error}", file=sys.stderr)
        return 2
    model = ValuationModel.fit(train)
    metrics = model.cv_metrics
    print(f"trained on {len(train)} listings; model {model.version}")
    print(f"cross-validated on the training files: median_ape={metrics['median_ape']:.4f} "
          f"within_10={metrics['within_10']:.4f} within_20={metrics['within_20']:.4f}")
    print(f"  communities seen in the other folds: median_ape={metrics['seen_median_ape']:.4f} within_10={metrics['seen_within_10']:.4f}; "
          f"unseen ({metrics['unseen_share']:.1%} of listings): median_ape={metrics['unseen_median_ape']:.4f} "
          f"within_10={metrics['unseen_within_10']:.4f}")

    scores = evaluate(train, test, model=model)
    groups = [*score_by_community(train, test, model=model), *score_by_basis(train, test, model=model)]
    for item in [*scores[:-1], *groups, scores[-1]]:
        print(f"{item.name} ({item.listings} test listings): {item.line()}")
    print(scores[-1].line())
    return 0


async def _with_database(work, *, create_tables: bool) -> int:
    from mortgage_cloud.infra.db import close_db, init_db

    await init_db(get_settings(), create_schema=create_tables)
    try:
        return await work
    finally:
        await close_db()
