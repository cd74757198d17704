"""Persist fitted models as `model-<version>.joblib` files, with `current.txt` naming the one in use."""

import logging
import os
import threading
from pathlib import Path

import joblib

from mortgage_cloud.valuation.model import ValuationModel

log = logging.getLogger(__name__)

CURRENT = "current.txt"

_lock = threading.Lock()
_loaded: dict[Path, tuple[str, ValuationModel]] = {}


def save(model: ValuationModel, directory: Path) -> Path:
    """Write the model file, then point `current.txt` at it (replaced atomically) and cache it for this process."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"model-{model.version}.joblib"
    joblib.dump(model, path, compress=3)

    pointer = directory / (CURRENT + ".tmp")
    pointer.write_text(model.version + "\n", encoding="utf-8")
    os.replace(pointer, directory / CURRENT)
    with _lock:
        _loaded[directory] = (model.version, model)
    return path


def load_current(directory: Path) -> ValuationModel | None:
    """Return the current model of the folder, read from disk on first use; None when no model was saved."""
    with _lock:
        cached = _loaded.get(directory)
    if cached is not None:
        return cached[1]

    pointer = directory / CURRENT
    if not pointer.exists():
        return None
    version = pointer.read_text(encoding="utf-8").strip()
    # joblib files are pickles: only files this deployment wrote into its own data folder are ever loaded.
    model = joblib.load(directory / f"model-{version}.joblib")
    with _lock:
        _loaded[directory] = (version, model)
    log.info("valuation model loaded", extra={"model_version": version})
    return model


def forget(directory: Path) -> None:
    """Drop the cached model of the folder, so the next use reads `current.txt` again."""
    with _lock:
        _loaded.pop(directory, None)
