"""The live progress line of training (helpers.progress): what it says, how rarely it
updates, and that it writes nothing to stderr, in a kernel or outside one."""

import keras
import nbformat
import numpy as np
import pytest
from keras import layers

from helpers import progress
from tests.test_notebooks import offline_kernel


def _fit(callbacks, epochs=4, **kwargs):
    x = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mae")
    return model.fit(x, x.sum(axis=1), validation_split=0.25, batch_size=30, epochs=epochs,
                     callbacks=callbacks, verbose=0, **kwargs)


class _Display:
    """Stands in for IPython's display: records the first display and its updates."""

    def __init__(self):
        self.shown, self.updates = [], []

    def __call__(self, bundle, raw, display_id):
        assert raw and display_id is True
        self.shown.append(bundle["text/plain"])
        return self

    def update(self, bundle, raw):
        self.updates.append(bundle["text/plain"])


def test_outside_a_kernel_only_the_final_line_is_printed(capsys):
    shown = progress.Progress(interval=0)
    history = _fit([shown])
    out, err = capsys.readouterr()
    assert err == ""
    loss, val_loss = history.history["loss"][-1], history.history["val_loss"][-1]
    assert out == f"epoch 4/4 · loss {loss:.4g} · val_loss {val_loss:.4g} · done\n"
    assert shown.lines[0] == "epoch 1/4 · starting"
    assert "epoch 1/4 · step 1/5 · loss " in shown.lines[1]  # 150 training rows, batches of 30


def test_early_stopping_is_said(capsys):
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=100.0)
    _fit([stop, progress.Progress()], epochs=50)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and printed[0].startswith("epoch 2/50 · loss ")
    assert printed[0].endswith(" · stopped early")
    shown = progress.Progress()
    _fit([shown], epochs=2)
    assert shown.lines[-1].endswith(" · done")


def test_in_a_kernel_one_display_is_updated_at_most_twice_a_second(monkeypatch, capsys):
    display = _Display()
    monkeypatch.setattr(progress, "_in_kernel", lambda: True)
    monkeypatch.setattr("IPython.display.display", display)
    clock = iter(np.arange(0.0, 1000.0, 0.1))  # 0.1 s per call: 5 calls per allowed update
    monkeypatch.setattr(progress, "_clock", lambda: next(clock))
    shown = progress.Progress(fits=2)
    _fit([shown], epochs=10)
    _fit([shown], epochs=10)
    assert capsys.readouterr() == ("", "")
    assert display.shown == ["fit 1/2 · epoch 1/10 · starting"]  # one line for both fits
    calls = 2 * (1 + 10 * 5 + 10 + 1)  # begin, 5 batches and the end of each epoch, end
    assert len(display.updates) <= calls / 5 + 4
    assert display.updates[-1].startswith("fit 2/2 · epoch 10/10 · loss ")
    assert display.updates[-1].endswith(" · done")
    assert any(line.startswith("fit 1/2 · epoch 10/10") and line.endswith("done")
               for line in display.updates)


@pytest.mark.notebooks
def test_in_a_real_kernel_the_line_is_a_display_and_nothing_goes_to_stderr(tmp_path):
    from nbclient import NotebookClient

    cell = nbformat.v4.new_code_cell(
        "from helpers import session\n"
        "session.start(seed=0)\n"
        "import keras, numpy as np\n"
        "from helpers import progress\n"
        "x = np.ones((64, 2), 'float32')\n"
        "model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])\n"
        "model.compile(optimizer='sgd', loss='mse')\n"
        "history = model.fit(x, x[:, 0], epochs=3, callbacks=[progress.Progress()], verbose=0)")
    notebook = nbformat.v4.new_notebook(cells=[cell])
    NotebookClient(notebook, km=offline_kernel(), timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data"], outputs
    assert outputs[0].data["text/plain"].startswith("epoch 3/3 · loss ")
    assert outputs[0].data["text/plain"].endswith(" · done")
