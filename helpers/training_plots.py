"""Pictures of training: the loss surface SGD walks on, and what under- and overfitting look like.

Each function returns a captioned figure with alt text (``helpers.figures``) that a notebook
shows exactly once, by leaving it as the cell's last value or passing it to ``display``.
"""

import numpy as np

from helpers.animations import sgd_path
from helpers.figures import captioned_figure


def _mse_grid(x, y, w_grid, b_grid):
    """The mean squared error of y ≈ w·x + b at every (w, b) of a grid, from five means."""
    xx, xy, yy = np.mean(x * x), np.mean(x * y), np.mean(y * y)
    return (w_grid**2 * xx + 2 * w_grid * b_grid * np.mean(x) + b_grid**2
            - 2 * w_grid * xy - 2 * b_grid * np.mean(y) + yy)


def loss_surface(x, y, learning_rate=0.1, batch_size=16, epochs=3, seed=0):
    """Draw the mean squared error of a linear unit over (w, b), with the path SGD takes on it.

    The path is :func:`helpers.animations.sgd_path` with the same settings, so it is the
    path of the lesson's animation; the cross marks the least-squares line, the bottom.

    Args:
        x, y: the data, one value per example (best standardised).
        learning_rate, batch_size, epochs, seed: the training settings, as in ``sgd_path``.

    Returns:
        A captioned Figure with alt text: filled contours of the loss, and the path.

    Raises:
        ValueError: if x and y differ in length, x is constant, or SGD diverges.
    """
    x, y = np.ravel(x).astype(float), np.ravel(y).astype(float)
    if len(x) != len(y) or len(x) < 2:
        raise ValueError(f"x and y need the same length, at least 2; got {len(x)} and {len(y)}.")
    if np.ptp(x) == 0:
        raise ValueError("x is constant, so every weight w fits equally well: no surface to draw.")
    path = sgd_path(x, y, learning_rate, batch_size, epochs, seed=seed)
    if not np.all(np.isfinite(path.loss)) or path.loss[-1] > 100 * path.loss[0]:
        raise ValueError(f"SGD diverged with learning rate {learning_rate}: its path leaves "
                         "any drawable surface. Try a smaller learning rate.")
    best_w, best_b = np.polyfit(x, y, 1)
    ws, bs = np.append(path.w, best_w), np.append(path.b, best_b)
    pad_w, pad_b = 0.3 * np.ptp(ws) + 0.2, 0.3 * np.ptp(bs) + 0.2
    w_grid, b_grid = np.meshgrid(np.linspace(ws.min() - pad_w, ws.max() + pad_w, 200),
                                 np.linspace(bs.min() - pad_b, bs.max() + pad_b, 200))
    loss = _mse_grid(x, y, w_grid, b_grid)
    steps = len(path.w) - 1
    fig = captioned_figure(
        f"SGD walks downhill on the loss: {steps} steps, wobbling as each sees only "
        f"{batch_size} examples",
        f"Filled contour map of the mean squared error over the weight w (horizontal) and the "
        f"bias b (vertical), yellow at the bottom (w = {best_w:.2f}, b = {best_b:.2f}, marked "
        f"with a cross). A path of {steps} dots starts at w = {path.w[0]:.2f}, "
        f"b = {path.b[0]:.2f}, runs downhill across the contours and ends near the bottom at "
        f"w = {path.w[-1]:.2f}, b = {path.b[-1]:.2f}, loss {path.loss[-1]:.3f}.",
        figsize=(6.4, 4.8))
    ax = fig.subplots()
    levels = np.geomspace(max(loss.min(), 1e-3), loss.max(), 15)
    filled = ax.contourf(w_grid, b_grid, loss, levels=levels, cmap="viridis_r",
                         norm="log", extend="min")
    fig.colorbar(filled, ax=ax, label="mean squared error (all data)", format="%.2g")
    ax.plot(path.w, path.b, color="tab:red", linewidth=1.2, marker="o", markersize=2.5,
            label="SGD steps")
    ax.plot(path.w[0], path.b[0], marker="s", color="white", markeredgecolor="black",
            markersize=8, linestyle="", label="start")
    ax.plot(best_w, best_b, marker="x", color="black", markersize=11, markeredgewidth=2.5,
            linestyle="", label="bottom (least squares)")
    ax.set(xlabel="weight w", ylabel="bias b")
    ax.legend(loc="upper right", fontsize=9)
    return fig


def _stylised_curves(epochs):
    """Training and validation losses of an under- and an overfitting model, made up."""
    decay = np.exp(-epochs / 8)
    under = (0.62 + 0.25 * decay, 0.65 + 0.25 * decay)
    over_train = 0.05 + 0.85 * np.exp(-epochs / 9)
    over_valid = 0.30 + 0.62 * np.exp(-epochs / 6) + 0.0035 * epochs
    return under, (over_train, over_valid)


def fitting_regimes():
    """Draw schematic learning curves of underfitting and overfitting (stylised, not measured).

    Returns:
        A captioned Figure with alt text, two panels: "underfitting" and "overfitting", each
        with a training and a validation curve; the overfitting panel marks the best epoch.
    """
    epochs = np.arange(0, 61)
    under, over = _stylised_curves(epochs)
    best = int(np.argmin(over[1]))
    fig = captioned_figure(
        "Schematic, not measured: underfitting keeps both losses high; overfitting opens a gap "
        "as the validation loss turns up",
        "Two schematic panels of made-up learning curves, loss against epoch. Underfitting: the "
        "training and validation losses fall a little, then level off high and close together. "
        "Overfitting: the training loss keeps falling towards 0, while the validation loss "
        f"falls, reaches its lowest point near epoch {best} (marked 'stop here') and then "
        "rises, opening a growing gap.",
        figsize=(10, 3.6))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (title, (train, valid)) in zip(axes, [("underfitting", under), ("overfitting", over)]):
        ax.plot(epochs, train, label="training loss")
        ax.plot(epochs, valid, label="validation loss")
        ax.set(title=title, xlabel="epoch", ylim=(0, 1.0), xticks=[], yticks=[])
        ax.legend(loc="upper right", fontsize=9)
    axes[0].set_ylabel("loss")
    axes[1].axvline(best, color="grey", linestyle=":")
    axes[1].annotate("stop here", (best, over[1][best]), xytext=(best + 4, 0.75),
                     arrowprops={"arrowstyle": "->", "color": "grey"}, fontsize=9)
    fig.tight_layout()
    return fig
