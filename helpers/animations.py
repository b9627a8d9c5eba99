"""Animations that render inline as HTML and JavaScript (``to_jshtml``): no ffmpeg needed."""

from dataclasses import dataclass

import numpy as np
from IPython.display import HTML
from matplotlib.animation import FuncAnimation

from helpers.figures import new_figure


@dataclass(frozen=True)
class SGDPath:
    """Where stochastic gradient descent took a linear unit, one entry per step.

    Attributes:
        w, b: the weight and bias after each step (the first entry is the start).
        loss: the mean squared error on all the data after each step.
        epoch: the epoch each step belongs to.
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    epoch: np.ndarray


def sgd_path(x, y, learning_rate=0.1, batch_size=16, epochs=5, w=-1.0, b=1.0, seed=0):
    """Train y ≈ w·x + b by minibatch stochastic gradient descent on the squared error.

    Each epoch shuffles the examples and takes one step per minibatch: the gradient of the
    minibatch's mean squared error, times the learning rate, is subtracted from w and b.

    Args:
        x, y: the data, one value per example (best standardised).
        learning_rate: the size of each step.
        batch_size: how many examples each step looks at.
        epochs: how many passes through the data.
        w, b: where training starts.
        seed: the seed of the shuffling.

    Returns:
        An :class:`SGDPath`.
    """
    x, y = np.ravel(x).astype(float), np.ravel(y).astype(float)
    rng = np.random.default_rng(seed)
    history = [(w, b, np.mean((w * x + b - y) ** 2), 0)]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            error = w * x[batch] + b - y[batch]
            w -= learning_rate * 2 * np.mean(error * x[batch])
            b -= learning_rate * 2 * np.mean(error)
            history.append((w, b, np.mean((w * x + b - y) ** 2), epoch))
    w_path, b_path, loss, epoch_of = (np.array(column) for column in zip(*history))
    return SGDPath(w_path, b_path, loss, epoch_of)


def sgd_linear_unit(x, y, learning_rate=0.1, batch_size=16, epochs=5, frames=30,
                    xlabel="x", ylabel="y", seed=0):
    """Animate SGD fitting a line: the data and line, the loss, and w and b converging.

    Args:
        x, y: the data, one value per example (best standardised).
        learning_rate, batch_size, epochs: the training settings, as in :func:`sgd_path`.
        frames: how many frames to draw, spread evenly over the steps.
        xlabel, ylabel: axis labels of the data panel.
        seed: the seed of the shuffling.

    Returns:
        An ``IPython.display.HTML`` object: the animation with play controls.
    """
    x, y = np.ravel(x).astype(float), np.ravel(y).astype(float)
    path = sgd_path(x, y, learning_rate, batch_size, epochs, seed=seed)
    steps = np.unique(np.linspace(0, len(path.loss) - 1, frames).round().astype(int))
    fig = new_figure(figsize=(11, 3.4), dpi=72)
    data_ax, loss_ax, weight_ax = fig.subplots(1, 3)
    fig.suptitle(f"learning rate {learning_rate}, batch size {batch_size}")
    data_ax.scatter(x, y, s=8, alpha=0.5)
    grid = np.array([x.min(), x.max()])
    (line,) = data_ax.plot(grid, path.w[0] * grid + path.b[0], color="tab:red", linewidth=2)
    data_ax.set(xlabel=xlabel, ylabel=ylabel, ylim=(y.min() - 0.5, y.max() + 0.5))
    (loss_line,) = loss_ax.plot([], [], color="tab:purple")
    finite = path.loss[np.isfinite(path.loss)]
    loss_ax.set(xlabel="step", ylabel="mean squared error", xlim=(0, len(path.loss) - 1),
                yscale="log", ylim=(finite.min() * 0.8, finite.max() * 1.25))
    (w_line,) = weight_ax.plot([], [], label="w")
    (b_line,) = weight_ax.plot([], [], label="b")
    bounded = np.clip(np.concatenate([path.w, path.b]), -10, 10)
    weight_ax.set(xlabel="step", xlim=(0, len(path.loss) - 1),
                  ylim=(bounded.min() - 0.2, bounded.max() + 0.2))
    weight_ax.legend(loc="upper right")
    fig.tight_layout()

    def draw(step):
        line.set_ydata(path.w[step] * grid + path.b[step])
        data_ax.set_title(f"epoch {path.epoch[step]}, step {step}")
        done = np.arange(step + 1)
        loss_line.set_data(done, path.loss[:step + 1])
        w_line.set_data(done, path.w[:step + 1])
        b_line.set_data(done, path.b[:step + 1])
        return line, loss_line, w_line, b_line

    animation = FuncAnimation(fig, draw, frames=steps, blit=False)
    return HTML(animation.to_jshtml(fps=8, default_mode="once"))
