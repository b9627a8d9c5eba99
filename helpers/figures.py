"""Figures that a notebook shows exactly once, and captioned pictures with alt text."""

import matplotlib.pyplot as plt
from IPython.core.pylabtools import print_figure
from matplotlib.figure import Figure


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


class CaptionedFigure(Figure):
    """A Figure with a one-line caption as its title and alt text for screen readers.

    In Jupyter it displays as a PNG whose output metadata carries the alt text (``alt``, as
    ``IPython.display.Image`` and nbconvert's HTML use it) and whose plain-text form is the alt
    text too, so a text-only front end or a screen reader gets the description.
    """

    alt_text = ""

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = print_figure(self, "png", base64=True)
        return ({"image/png": png, "text/plain": self.alt_text},
                {"image/png": {"alt": self.alt_text}})


def captioned_figure(caption, alt_text, **kwargs):
    """Make a :class:`CaptionedFigure`, shown once like :func:`new_figure`.

    Args:
        caption: one line saying what to see; drawn as the figure's title.
        alt_text: what the picture shows, in words, for readers who cannot see it.
        **kwargs: passed to ``matplotlib.pyplot.figure``, e.g. ``figsize``.

    Returns:
        The CaptionedFigure.
    """
    if not caption.strip() or not alt_text.strip():
        raise ValueError("A picture needs both a caption and alt text.")
    fig = new_figure(FigureClass=CaptionedFigure, **kwargs)
    fig.suptitle(caption, fontsize=11)
    fig.alt_text = alt_text
    return fig
