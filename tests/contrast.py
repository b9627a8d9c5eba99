"""WCAG 2 contrast of two colours, given as ``#rrggbb`` or as a browser's ``rgb(r, g, b)``
or ``rgba(r, g, b, a)`` (a translucent text colour is blended over its background)."""

import re

#: WCAG AA's minimum contrast for normal text.
AA = 4.5


def _rgba(colour):
    if colour.startswith("#"):
        return [int(colour[i:i + 2], 16) for i in (1, 3, 5)] + [1.0]
    match = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", colour)
    if not match:
        raise ValueError(f"not a colour: {colour!r}")
    return [int(match.group(i)) for i in (1, 2, 3)] + [float(match.group(4) or 1)]


def luminance(colour):
    """The relative luminance of an opaque sRGB colour, 0 (black) to 1 (white)."""
    *channels, alpha = _rgba(colour)
    if alpha != 1:
        raise ValueError(f"not an opaque colour: {colour!r}")
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
              for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(foreground, background):
    """The contrast ratio of text on an opaque background, from 1 (none) to 21."""
    *front, alpha = _rgba(foreground)
    back = _rgba(background)[:3]
    seen = "rgb({}, {}, {})".format(*(round(alpha * f + (1 - alpha) * b) for f, b in zip(front, back)))
    lighter, darker = sorted((luminance(seen), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
