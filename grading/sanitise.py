"""What a student wrote or printed, made inert before it reaches ``autograded/``.

Formgrader shows an autograded notebook in the instructor's browser, so raw HTML in an
output or a written answer could run script there. nbconvert's own sanitiser (bleach) cleans
every markdown and raw cell and every HTML or markdown output; output kinds that can carry
script (JavaScript, SVG, widget views, anything unknown) are dropped, and so are
attachments that are not PNG or JPEG. The tags kept are enough for pandas tables, the checks'
verdict boxes and ordinary formatting; no image or link can load anything from elsewhere.
"""

from bleach.sanitizer import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from nbconvert.preprocessors.sanitize import SanitizeHTML

TAGS = sorted(set(ALLOWED_TAGS) | {
    "div", "span", "p", "br", "hr", "pre", "sub", "sup", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "details", "summary"})
ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "*": ["style"], "th": ["style", "colspan", "rowspan"],
              "td": ["style", "colspan", "rowspan"]}
STYLES = ["background-color", "color", "border", "border-left", "border-bottom", "padding",
          "margin", "font-weight", "font-style", "text-align"]
SAFE_ATTACHMENTS = {"image/png", "image/jpeg"}

_SANITISER = SanitizeHTML(tags=TAGS, attributes=ATTRIBUTES, styles=STYLES, strip=False)


def notebook(executed):
    """``executed`` with every cell made inert (changed in place, and returned)."""
    for index, cell in enumerate(executed.cells):
        _SANITISER.preprocess_cell(cell, {}, index)
        if "attachments" in cell:
            cell.attachments = {
                name: {kind: data for kind, data in bundle.items() if kind in SAFE_ATTACHMENTS}
                for name, bundle in cell.attachments.items()}
    return executed
