"""Checks that the state labels in miniprogram/utils/format.js match the backend's LABELS.

The mini-program is packaged on its own and cannot load /h5/common/format.js, so it keeps a copy. These tests
load that copy through Node and fail when it drifts from the backend.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mortgage_cloud.applications.states import LABELS, State

FORMAT_SCRIPT = Path(__file__).resolve().parents[2] / "miniprogram" / "utils" / "format.js"
NODE_TIMEOUT_SECONDS = 30

# Prints the module's STATE_LABELS as JSON. Node passes the script path in as process.argv[1].
PRINT_LABELS = "process.stdout.write(JSON.stringify(require(process.argv[1]).STATE_LABELS));"


@pytest.fixture(scope="module")
def miniprogram_labels() -> dict[str, str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed, so miniprogram/utils/format.js cannot be loaded")

    completed = subprocess.run(
        [node, "-e", PRINT_LABELS, str(FORMAT_SCRIPT)],
        capture_output=True, text=True, timeout=NODE_TIMEOUT_SECONDS, check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"node could not load {FORMAT_SCRIPT}: {completed.stderr.strip()}")
    return json.loads(completed.stdout)


@pytest.mark.parametrize("state", list(State))
def test_miniprogram_labels_have_backend_label(miniprogram_labels, state):
    assert miniprogram_labels.get(state.value) == LABELS[state]


def test_miniprogram_labels_no_extra_state(miniprogram_labels):
    extra = set(miniprogram_labels) - {state.value for state in State}
    assert extra == set()
