"""Figures that a notebook shows exactly once."""

import matplotlib.pyplot as plt


def new_figure(**kwargs):
    """Make a Figure that is shown only when it is a cell's value or passed to ``display``.

    Pyplot is used so that Jupyter's inline backend knows how to draw the figure; the figure
    is then closed so pyplot does not show it a second time at the end of the cell.

    Args:
        **kwargs: passed to ``matplotlib.pyplot.figure``, e.g. ``figsize``.

    Returns:
        The Figure.
    """
    fig = plt.figure(**kwargs)
    plt.close(fig)
    return fig
