"""Read the answer files a student's kernel wrote, trusting nothing in them.

The other half of :mod:`helpers.checks.crossing`, which writes them. Every file is opened
without following links and must be a plain file of a bounded size with a name the writer
uses; arrays are loaded without pickle, Keras models with ``safe_mode=True``, Keras objects
only from Keras's own losses, metrics and optimizers. A value that cannot be read is
reported with a reason in the learner's words, never with the file's contents.
"""

import json
import os
import re
import stat
import warnings
from pathlib import Path

import numpy as np

from helpers.checks import crossing

MAX_MANIFEST_BYTES = 1_000_000
_FILE_NAME = re.compile(r"^v[0-9]{1,6}\.(npy|npz|keras)$")
_KERAS_CONFIG_PACKAGES = ("keras.losses", "keras.metrics", "keras.optimizers", "keras.src.losses",
                          "keras.src.metrics", "keras.src.optimizers")

_UNREAD = "could not be read by the grader: "


class Unreadable(ValueError):
    """A value, or a file meant to hold one, that cannot cross safely."""


def _open_regular(folder, name, max_bytes):
    if not isinstance(name, str) or not _FILE_NAME.match(name):
        raise Unreadable(_UNREAD + "its file has a name the grader does not accept")
    path = Path(folder) / name
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        raise Unreadable(_UNREAD + "its file is missing or is not a plain file") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode) or status.st_size > max_bytes:
        os.close(descriptor)
        raise Unreadable(_UNREAD + "its file is not a plain file of a reasonable size")
    return os.fdopen(descriptor, "rb"), path


def _read_array(folder, name, max_bytes):
    handle, _ = _open_regular(folder, name, max_bytes)
    with handle:
        try:
            array = np.load(handle, allow_pickle=False)
        except Exception:
            raise Unreadable(_UNREAD + "its array file is damaged") from None
    if isinstance(array, np.lib.npyio.NpzFile):
        raise Unreadable(_UNREAD + "its array file is damaged")
    return array


class _Reader:
    def __init__(self, folder, max_bytes):
        self.folder, self.max_bytes = Path(folder), max_bytes

    def value(self, record, depth=0):
        if not isinstance(record, dict) or depth > crossing.MAX_DEPTH:
            raise Unreadable(_UNREAD + "its record is damaged")
        kind = record.get("kind")
        reader = getattr(self, f"_{kind}", None) if isinstance(kind, str) else None
        if reader is None:
            raise Unreadable(_UNREAD + "its record is damaged")
        try:
            return reader(record, depth)
        except Unreadable:
            raise
        except Exception:  # anything else a crafted record may cause
            raise Unreadable(_UNREAD + "its record is damaged") from None

    def _unreadable(self, record, depth):
        raise Unreadable(_unreadable_reason(record))

    def _scalar(self, record, depth):
        value = record["value"]
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise Unreadable(_UNREAD + "its record is damaged")
        if isinstance(value, str) and len(value) > crossing.MAX_TEXT:
            raise Unreadable(_UNREAD + "its text is too long")
        return value

    def _float(self, record, depth):
        if record.get("text") not in ("nan", "inf", "-inf"):
            raise Unreadable(_UNREAD + "its record is damaged")
        return float(record["text"])

    def _list(self, record, depth):
        items = record["items"]
        if not isinstance(items, list) or len(items) > crossing.MAX_ITEMS:
            raise Unreadable(_UNREAD + "its record is damaged")
        return [self.value(item, depth + 1) for item in items]

    def _tuple(self, record, depth):
        return tuple(self._list(record, depth))

    def _array(self, record, depth):
        return _read_array(self.folder, record["file"], self.max_bytes)

    def _scalar_array(self, record, depth):
        array = self._array(record, depth)
        if array.shape != ():
            raise Unreadable(_UNREAD + "its record is damaged")
        return array[()]

    def _table(self, record, series):
        import pandas as pd
        handle, _ = _open_regular(self.folder, record["file"], self.max_bytes)
        with handle:
            try:
                arrays = np.load(handle, allow_pickle=False)
                data = {key: arrays[key] for key in arrays.files}
            except Exception:
                raise Unreadable(_UNREAD + "its table file is damaged") from None
        columns, dtypes = record["columns"], record["dtypes"]
        if (not isinstance(columns, list) or not isinstance(dtypes, list)
                or len(columns) != len(dtypes)
                or not all(isinstance(c, str) and len(c) < 200 for c in columns)):
            raise Unreadable(_UNREAD + "its table record is damaged")
        frame = pd.DataFrame({column: data[f"c{n}"] for n, column in enumerate(columns)},
                             index=data["index"])
        for column, dtype in zip(columns, dtypes):
            if str(frame[column].dtype) != dtype:
                try:  # a dtype's name, parsed by pandas: text, categories, nullable types
                    frame[column] = frame[column].astype(pd.api.types.pandas_dtype(dtype))
                except (TypeError, ValueError):
                    frame[column] = frame[column].astype(object)
        if series:
            if len(columns) != 1:
                raise Unreadable(_UNREAD + "its table record is damaged")
            result = frame[columns[0]]
            result.name = record.get("name") if isinstance(record.get("name"), str) else None
            return result
        return frame

    def _frame(self, record, depth):
        return self._table(record, series=False)

    def _series(self, record, depth):
        return self._table(record, series=True)

    def _model(self, record, depth):
        keras = crossing.keras_module()
        _, path = _open_regular(self.folder, record["file"], self.max_bytes)
        try:
            return keras.saving.load_model(path, safe_mode=True, compile=True)
        except Exception:
            raise Unreadable(_UNREAD + "its Keras file could not be loaded safely (only "
                             "Keras's own layers can be read)") from None

    def _history(self, record, depth):
        keras = crossing.keras_module()
        history = keras.callbacks.History()
        history.history = {str(k): [float(x) for x in v] for k, v in record["history"].items()}
        history.params = {str(k): v for k, v in record["params"].items()
                          if isinstance(v, (int, float, str, bool, type(None)))}
        history.epoch = [int(e) for e in record["epoch"]]
        return history

    def _early_stopping(self, record, depth):
        keras = crossing.keras_module()
        settings = record["settings"]
        if not isinstance(settings, dict) or set(settings) - set(crossing.EARLY_STOPPING_SETTINGS):
            raise Unreadable(_UNREAD + "its record is damaged")
        return keras.callbacks.EarlyStopping(**settings)

    def _keras_object(self, record, depth):
        keras = crossing.keras_module()
        config = record["config"]
        module = config.get("module") if isinstance(config, dict) else None
        if not (isinstance(module, str) and module.startswith(_KERAS_CONFIG_PACKAGES)):
            raise Unreadable(_UNREAD + "it is not one of Keras's own losses, metrics or optimizers")
        try:
            return keras.saving.deserialize_keras_object(config, safe_mode=True)
        except Exception:
            raise Unreadable(_UNREAD + "its Keras settings could not be read") from None


def _unreadable_reason(record):
    return crossing.explain(record.get("why"), record.get("type"))


def load(folder, max_bytes=200 * 2**20):
    """Read what :func:`export` wrote, trusting nothing.

    Returns:
        ``(values, unreadable)``: name -> value, and name -> why it could not be read.
    """
    values, unreadable = {}, {}
    try:
        descriptor = os.open(Path(folder) / crossing.MANIFEST, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(descriptor, "rb") as manifest:
            text = manifest.read(MAX_MANIFEST_BYTES + 1)
        if len(text) > MAX_MANIFEST_BYTES:
            raise ValueError("too long")
        records = json.loads(text)["values"]
        if not isinstance(records, dict):
            raise ValueError("not a mapping")
    except FileNotFoundError:
        return values, unreadable
    except Exception:
        return values, {"*": _UNREAD + "the answers' manifest is damaged"}
    reader = _Reader(folder, max_bytes)
    for name, record in records.items():
        if not (isinstance(name, str) and name.isidentifier()) or name.startswith("__"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values[name] = reader.value(record)
        except Unreadable as reason:
            unreadable[name] = str(reason)
        except RecursionError:
            unreadable[name] = _UNREAD + "its record is damaged"
    return values, unreadable
