"""Split a Changsha listing file into train and holdout files by a hash of the listing URL, in a temp folder.

Usage: python bench/valuation_split.py SOURCE_CSV OUT_DIR [--holdout-share 0.2]

Every row of one listing URL goes to the same side, so duplicates never straddle the split. The
rows are written unchanged (same header, quirks and line ends), so both files keep the source's shape.
"""

import argparse
import csv
import hashlib
import io
from pathlib import Path

SALT = "mortgage-cloud-holdout-v1:"


def main() -> None:
    """Write OUT_DIR/train.csv and OUT_DIR/holdout.csv and print their row counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="Changsha Lianjia detail-shape CSV")
    parser.add_argument("out_dir", type=Path, help="folder for train.csv and holdout.csv (outside the repository)")
    parser.add_argument("--holdout-share", type=float, default=0.2, help="share of listing URLs held out (0–1)")
    args = parser.parse_args()

    text = args.source.read_bytes().decode("utf-8")
    lines = text.splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    args.out_dir.mkdir(parents=True, exist_ok=True)

    sides = {"train": [header], "holdout": [header]}
    for line in body:
        fields = next(csv.reader(io.StringIO(line)))
        url = fields[2].strip() if len(fields) > 2 else line
        bucket = int(hashlib.sha256((SALT + url).encode()).hexdigest(), 16) % 1000
        sides["holdout" if bucket < args.holdout_share * 1000 else "train"].append(line)

    for name, rows in sides.items():
        (args.out_dir / f"{name}.csv").write_text("".join(rows), encoding="utf-8", newline="")
        print(f"{name}: {len(rows) - 1} rows")


if __name__ == "__main__":
    main()
