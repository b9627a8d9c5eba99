"""Interactive explorers built with ipywidgets."""

import ipywidgets
import numpy as np
from IPython.display import display

from helpers import plots


def mean_absolute_error(x, y, w, b):
    """The mean absolute error of the line y = w·x + b on the data.

    Args:
        x, y: the data, one value per example.
        w, b: the line's weight and bias.

    Returns:
        The error as a float.
    """
    return float(np.mean(np.abs(np.asarray(y) - (w * np.asarray(x) + b))))


def line_with_error(x, y, w, b, xlabel="x", ylabel="y"):
    """Draw the data, the line y = w·x + b, each example's error, and the mean error.

    Args:
        x, y: the data, one value per example.
        w, b: the line's weight and bias.
        xlabel, ylabel: axis labels.

    Returns:
        The Figure.
    """
    fig = plots.scatter_with_line(x, y, w, b, xlabel=xlabel, ylabel=ylabel)
    ax = fig.axes[0]
    x, y = np.asarray(x), np.asarray(y)
    ax.vlines(x, y, w * x + b, color="tab:red", alpha=0.25, linewidth=1)
    ax.set_title(f"mean absolute error: {mean_absolute_error(x, y, w, b):.1f}")
    return fig


def linear_unit_explorer(x, y, w_range=(-10.0, 10.0), b_range=(0.0, 200.0),
                         xlabel="x", ylabel="y"):
    """Sliders for w and b that redraw the line and its error, to fit a line by hand.

    Args:
        x, y: the data, one value per example.
        w_range, b_range: the slider ranges for the weight and the bias.
        xlabel, ylabel: axis labels.

    Returns:
        An ``ipywidgets.VBox`` holding the two sliders and the plot.
    """
    w = ipywidgets.FloatSlider(value=0.0, min=w_range[0], max=w_range[1], step=0.1,
                               description="w (weight)", continuous_update=False)
    b = ipywidgets.FloatSlider(value=float(np.mean(y)), min=b_range[0], max=b_range[1],
                               step=1.0, description="b (bias)", continuous_update=False)

    def redraw(w, b):
        display(line_with_error(x, y, w, b, xlabel=xlabel, ylabel=ylabel))

    plot = ipywidgets.interactive_output(redraw, {"w": w, "b": b})
    return ipywidgets.VBox([ipywidgets.HBox([w, b]), plot])
