"""The `mortgage-cloud valuation` commands run as real subprocesses on synthetic files."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from valuation_synthetic import REAL_DATA, changsha_line, make_rows, write_changsha

LAST_LINE = re.compile(r"^median_ape=\d\.\d{4} within_10=\d\.\d{4} within_20=\d\.\d{4} coverage_80=\d\.\d{4}$")


def _run(*args: str, settings=None, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ, MC_LOG_LEVEL="WARNING")
    if settings is not None:
        environment |= {"MC_DATABASE_URL": settings.database_url, "MC_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "mortgage_cloud.cli", "valuation", *args],
                          capture_output=True, text=True, env=environment, timeout=600)


def test_cli_evaluate_last_line(tmp_path: Path) -> None:
    train = write_changsha(tmp_path / "train.csv", [changsha_line(row) for row in make_rows(400, seed=51, communities=30)])
    test = write_changsha(tmp_path / "test.csv", [changsha_line(row) for row in make_rows(100, seed=52, communities=30, id_base=104900000000)])
    result = _run("evaluate", "--train", str(train), "--test", str(test))
    assert result.returncode == 0, result.stderr
    assert LAST_LINE.match(result.stdout.strip().splitlines()[-1])


def test_cli_evaluate_prints_baselines(tmp_path: Path) -> None:
    train = write_changsha(tmp_path / "train.csv", [changsha_line(row) for row in make_rows(300, seed=53, communities=30)])
    test = write_changsha(tmp_path / "test.csv", [changsha_line(row) for row in make_rows(60, seed=54, communities=30, id_base=104800000000)])
    output = _run("evaluate", "--train", str(train), "--test", str(test)).stdout
    assert "community median" in output
    assert "district median" in output


async def test_cli_import_then_train(runtime, settings, tmp_path: Path) -> None:
    rows = make_rows(300, seed=55, communities=30, id_base=104700000000)
    path = write_changsha(tmp_path / "listings.csv", [changsha_line(row) for row in rows])
    data_dir = tmp_path / "data"

    imported = _run("import", str(path), "--city", "长沙演示", settings=settings, data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    assert "inserted=300" in imported.stdout

    trained = _run("train", "--city", "长沙演示", settings=settings, data_dir=data_dir)
    assert trained.returncode == 0, trained.stderr
    assert (data_dir / "valuation" / "current.txt").exists()


def test_cli_import_unknown_shape_fails(settings, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = _run("import", str(path), settings=settings, data_dir=tmp_path)
    assert result.returncode == 1
    assert "not imported" in result.stderr


@pytest.mark.skipif(not REAL_DATA.exists(), reason="real Lianjia files not found (set MC_HOUSING_DATA to their folder)")
def test_cli_evaluate_real_changsha_beats_baseline(tmp_path: Path) -> None:
    split = subprocess.run([sys.executable, "bench/valuation_split.py", str(REAL_DATA / "changsha_lianjia_ershoufang_2022.csv"), str(tmp_path)],
                           capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    assert "holdout" in split.stdout
    output = _run("evaluate", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "holdout.csv")).stdout
    community = re.search(r"community median .*median_ape=(\d\.\d+)", output)
    model = re.search(r"^median_ape=(\d\.\d+)", output.strip().splitlines()[-1])
    assert float(model.group(1)) < float(community.group(1))
