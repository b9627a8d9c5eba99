"""Answers as inert data: what crosses from a student's kernel to the grader's judge.

The grader never judges an answer in the process that ran the student's code. After each
test cell, the student's kernel writes the question's variables into a folder with
:func:`export`, in formats that cannot carry code; the judge reads them back with
:func:`load`, which trusts nothing in the folder:

- Keras models as ``.keras`` files, loaded with ``safe_mode=True`` (no Lambda layers);
- arrays, tensors and pandas tables as ``.npy`` / ``.npz``, loaded with ``allow_pickle=False``;
- numbers, text, lists and tuples, histories and callback settings as JSON;
- Keras losses, metrics and optimizers as their Keras config (JSON), built-in classes only.

Anything else cannot cross. :func:`problem` says so in the learner's words, and the visible
check uses it too, so a learner never sees *Correct* for an answer the grader cannot read.
"""

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np

MANIFEST = "manifest.json"
MAX_DEPTH = 4          # lists of lists of ...
MAX_ITEMS = 10_000     # items of one list or tuple
MAX_TEXT = 10_000      # characters of one string
EARLY_STOPPING_SETTINGS = ("monitor", "min_delta", "patience", "mode", "restore_best_weights",
                            "baseline", "start_from_epoch", "verbose")


def keras_module():
    import keras  # only here: the module itself stays cheap to import
    return keras


# --- What can cross -----------------------------------------------------------------------

def _is_keras_class(obj):
    return type(obj).__module__.split(".")[0] == "keras"


_WHY = {
    "own_model": ("is a model of your own class (`{type}`). The grader can only read models "
                  "built from Keras's own layers: build it with `keras.Sequential` or the "
                  "functional API (`keras.Model(inputs, outputs)`)."),
    "lambda": ("has a `Lambda` layer, which holds Python code the grader will not run. Use "
               "Keras's own layers (for example `layers.Activation`, `layers.Rescaling`, "
               "`layers.Softmax`)."),
    "own_layer": ("has a layer of your own class (`{type}`). The grader can only read "
                  "Keras's own layers: use those."),
    "type": ("holds a {type}, which the grader cannot read: answer with what the question "
             "asks for (a number, an array, a table, a Keras model, a history...)."),
    "save": "holds a {type} that could not be saved for the grader.",
}


def _model_why(model):
    """(reason code, offending type name) for a model that cannot cross, or None."""
    keras = keras_module()
    if not _is_keras_class(model):
        return "own_model", type(model).__name__
    for layer in model.layers:
        if isinstance(layer, keras.layers.Lambda):
            return "lambda", "Lambda"
        if isinstance(layer, keras.Model):
            nested = _model_why(layer)
            if nested:
                return nested
        elif not _is_keras_class(layer):
            return "own_layer", type(layer).__name__
    return None


def _why(value, depth=0):
    """(reason code, type name) for a value that cannot cross, or None."""
    kind = _kind(value, depth)
    if kind == "model":
        return _model_why(value)
    if kind in ("list", "tuple"):
        return next(filter(None, (_why(item, depth + 1) for item in value)), None)
    return None if kind else ("type", type(value).__name__)


def explain(code, type_name):
    """The learner's words for a reason code, as the end of a sentence."""
    type_name = re.sub(r"[^A-Za-z0-9_]", "", str(type_name))[:60] or "value"
    return _WHY.get(code, _WHY["type"]).format(type=type_name)


def problem(value):
    """Why ``value`` cannot cross to the grader, as the end of a sentence that starts
    with the variable's name (``"`model` has a Lambda layer..."``), or None."""
    why = _why(value)
    return explain(*why) if why else None


def _kind(value, depth=0):
    """The record kind ``value`` crosses as, or None if it cannot cross."""
    if value is None or isinstance(value, (bool, int, float)):
        return "scalar"
    if isinstance(value, str):
        return "scalar" if len(value) <= MAX_TEXT else None
    if isinstance(value, np.generic):
        return "array" if value.dtype.kind in "biufcUS" else None
    if isinstance(value, np.ndarray):
        return "array" if value.dtype.kind in "biufcUS" else None
    if isinstance(value, (list, tuple)):
        if depth >= MAX_DEPTH or len(value) > MAX_ITEMS:
            return None
        return type(value).__name__
    if hasattr(value, "toarray") and hasattr(value, "shape"):  # SciPy sparse
        return "array"
    module = type(value).__module__.split(".")[0]
    if module == "pandas":
        import pandas as pd
        if isinstance(value, (pd.DataFrame, pd.Series)):
            return "table"
        return None
    if module not in ("keras", "tensorflow") and not hasattr(value, "layers"):
        return None
    keras = keras_module()
    if isinstance(value, keras.Model):
        return "model"
    if isinstance(value, keras.callbacks.History):
        return "history"
    if type(value) is keras.callbacks.EarlyStopping:
        return "early_stopping"
    if isinstance(value, (keras.losses.Loss, keras.metrics.Metric, keras.optimizers.Optimizer)):
        return "keras_object" if _is_keras_class(value) else None
    if hasattr(value, "numpy") and hasattr(value, "shape"):  # tensors and variables
        return "array"
    return None


# --- Writing (in the student's kernel) ------------------------------------------------------

class _Writer:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.count = 0

    def file(self, suffix):
        name = f"v{self.count}.{suffix}"
        self.count += 1
        return name, self.folder / name

    def record(self, value, depth=0):
        kind = _kind(value, depth)
        why = _model_why(value) if kind == "model" else None if kind else ("type", type(value).__name__)
        if why:
            return {"kind": "unreadable", "why": why[0], "type": why[1]}
        if kind == "scalar":
            if isinstance(value, float) and not math.isfinite(value):
                return {"kind": "float", "text": repr(value)}
            return {"kind": "scalar", "value": value}
        if kind in ("list", "tuple"):
            return {"kind": kind, "items": [self.record(v, depth + 1) for v in value]}
        if kind == "array":
            array = _as_numpy(value)
            name, path = self.file("npy")
            np.save(path, array, allow_pickle=False)
            return {"kind": "scalar_array" if isinstance(value, np.generic) else "array",
                    "file": name}
        if kind == "table":
            return self._table(value)
        if kind == "model":
            name, path = self.file("keras")
            value.save(path)
            return {"kind": "model", "file": name}
        if kind == "history":
            return {"kind": "history", "history": {k: [float(x) for x in v]
                                                   for k, v in value.history.items()},
                    "params": {k: v for k, v in value.params.items()
                               if isinstance(v, (int, float, str, bool, type(None)))},
                    "epoch": [int(e) for e in value.epoch]}
        if kind == "early_stopping":
            settings = {k: getattr(value, k, None) for k in EARLY_STOPPING_SETTINGS}
            settings["min_delta"] = abs(float(settings["min_delta"]))
            return {"kind": "early_stopping", "settings": _plain(settings)}
        keras = keras_module()
        return {"kind": "keras_object",
                "config": _plain(keras.saving.serialize_keras_object(value))}

    def _table(self, table):
        import pandas as pd
        frame = table.to_frame() if isinstance(table, pd.Series) else table
        arrays = {"index": np.asarray(frame.index)}
        columns, dtypes = [], []
        for number, (column, series) in enumerate(frame.items()):
            values = np.asarray(series)
            if values.dtype.kind not in "biufcUSM":
                values = series.astype(str).to_numpy().astype("U")
            arrays[f"c{number}"] = values
            columns.append(str(column))
            dtypes.append(str(series.dtype))
        if arrays["index"].dtype.kind not in "biufcUS":
            arrays["index"] = arrays["index"].astype(str).astype("U")
        name, path = self.file("npz")
        np.savez(path, **arrays)
        return {"kind": "series" if isinstance(table, pd.Series) else "frame", "file": name,
                "columns": columns, "dtypes": dtypes,
                "name": str(table.name) if isinstance(table, pd.Series) else None}


def _as_numpy(value):
    if hasattr(value, "toarray"):
        value = value.toarray()
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def _plain(value):
    """JSON-safe copy of a config: numbers, text, lists and dicts."""
    return json.loads(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item") else str(v)))


def export(namespace, names, folder):
    """Write the variables ``names`` of ``namespace`` into ``folder`` as inert files.

    A variable that is not defined is left out; one that cannot cross is recorded as
    unreadable, with its type's name.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    writer, records = _Writer(folder), {}
    for name in names:
        if name in namespace:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # libraries' warnings are not the learner's
                    records[name] = writer.record(namespace[name])
            except Exception:  # saving failed: the value cannot cross
                records[name] = {"kind": "unreadable", "why": "save",
                                 "type": type(namespace[name]).__name__}
    (folder / MANIFEST).write_text(json.dumps({"values": records}))
