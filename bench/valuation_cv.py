"""Cross-validated accuracy of the valuation model on training files only, repeated over several fold salts.

Usage: python bench/valuation_cv.py FILE [FILE ...] [--salts "" a: b:]

Each salt reassigns the listings to the 5 folds. The spread between salts shows how much a score
moves with the split alone, so a change is worth keeping only when it moves the mean by more than
that. The holdout file is never read here. It prints one line per salt and then the mean, each with
the scores of listings whose community is seen or unseen in the other folds.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from mortgage_cloud.valuation.evaluate import load_listings
from mortgage_cloud.valuation.model import ValuationModel

COLUMNS = (
    "median_ape", "within_10", "within_20", "seen_median_ape", "seen_within_10",
    "unseen_median_ape", "unseen_within_10", "unseen_share",
)


def main() -> None:
    """Parse the options, run one cross-validation per salt and print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="training listing files (never the holdout)")
    parser.add_argument("--salts", nargs="+", default=["", "a:", "b:"], help="fold salts, one cross-validation each")
    args = parser.parse_args()

    listings = load_listings(args.files)
    print(f"{len(listings)} listings; columns: {' '.join(COLUMNS)}")
    rows = []
    for salt in args.salts:
        started = time.perf_counter()
        metrics = ValuationModel.fit(listings, fold_salt=salt).cv_metrics
        rows.append([metrics[name] for name in COLUMNS])
        print(f"salt {salt!r:6}: {_format(rows[-1])} ({time.perf_counter() - started:.1f} s)", flush=True)
    print(f"mean       : {_format(np.mean(rows, axis=0))}")


def _format(values) -> str:
    return " ".join(f"{value:.4f}" for value in values)


if __name__ == "__main__":
    main()
