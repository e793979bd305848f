"""The one figure style of the package: sizes, fonts, palette, line widths and saving.

Every figure (the report's, :mod:`theory.report.figures`, and the answer page's,
:mod:`theory.report.answer_figures`) is drawn at the size it is meant to be placed at:
140 mm wide, the text width of a 16:9 or 16:10 beamer frame. Font sizes are points at that
size, so placed at 140 mm no text is smaller than :data:`MIN_FONT_PT` (legends
:data:`MIN_LEGEND_PT`), close to the frame's own 11 pt body text; on a wider slide the
figure only grows.

Only the object API is used: :func:`drawing` yields a :class:`matplotlib.figure.Figure`
(rendered by Agg when saved), so no backend is switched and no pyplot state is touched.
matplotlib is imported inside the functions, so importing this module imports no matplotlib.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

__all__ = [
    "BLACK", "BLUE", "DPI", "GREEN", "GREY", "MIN_FONT_PT", "MIN_LEGEND_PT",
    "ORANGE", "PURPLE", "RC", "SIZE", "SKY", "SLIDE", "TALL", "VERMILION", "YELLOW",
    "drawing", "footnote", "mathtext", "save", "subtitle", "title", "wrap",
]

# Colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008).
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GREY = "#555555"  # reference lines and secondary text: 7.5:1 contrast on white

#: The smallest font anywhere in a figure, in points at the figure's own size.
MIN_FONT_PT = 10.0
#: The smallest legend font, in points at the figure's own size.
MIN_LEGEND_PT = 9.0

MM = 1 / 25.4
#: Figure sizes in inches for pages (REPORT.md, the answer page): one panel (140 × 87.5 mm),
#: and a figure with two rows or a long legend or note (140 × 110 mm).
SIZE = (140 * MM, 87.5 * MM)
TALL = (140 * MM, 110 * MM)
#: The size of every figure drawn for slides (without its heading): 140 × 74 mm, the text
#: area of a 16:9 beamer frame under its title, so that the figure is placed at 100 %.
SLIDE = (140 * MM, 74 * MM)
#: PNG resolution: 140 mm at 200 dpi is 1102 px wide, sharp on a 1920 px projector at full width.
DPI = 200

TITLE_PT = 12.0
SUBTITLE_PT = 10.0
RC = {
    "font.size": 11.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 11.0,
    "xtick.labelsize": 10.0,
    "ytick.labelsize": 10.0,
    "legend.fontsize": 9.0,
    "legend.title_fontsize": 9.0,
    "figure.titlesize": TITLE_PT,
    "mathtext.fontset": "dejavusans",  # mathtext in the same face as the text around it
    "lines.linewidth": 1.8,
    "lines.markersize": 4.5,
    "axes.linewidth": 0.8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.framealpha": 0.9,
    "legend.handlelength": 2.4,
    "figure.constrained_layout.h_pad": 0.03,
    "figure.constrained_layout.w_pad": 0.03,
    "figure.constrained_layout.wspace": 0.05,  # tick labels of panels side by side never touch
    "svg.fonttype": "path",  # the SVG looks the same where DejaVu Sans is not installed
    "svg.hashsalt": "rnn-gradient-theory",  # stable ids: identical SVGs for identical data
}


@contextlib.contextmanager
def drawing(size=SIZE):
    """A new :class:`~matplotlib.figure.Figure` in the package style, for one ``with`` block.

    The style applies to every artist made and to saving inside the block; nothing global
    changes (``matplotlib.rc_context`` restores the settings on exit).

    Parameters
    ----------
    size : tuple of float, optional
        (width, height) in inches; :data:`SIZE` by default.

    Yields
    ------
    matplotlib.figure.Figure
        With constrained layout.
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        yield Figure(figsize=size, layout="constrained")


def wrap(text, width_in, fontsize, weight="normal"):
    """``text`` broken at spaces into lines no wider than ``width_in`` inches when drawn.

    Widths are measured with matplotlib's own font metrics (``TextToPath``), mathtext
    included, so the lines fit exactly; matplotlib's ``wrap=True`` measures against the
    screen resolution and lets headings run off a figure saved at :data:`DPI`.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=fontsize, weight=weight)
    measure = TextToPath()

    def fits(line):
        math = line.count("$") - line.count(r"\$") >= 2
        return measure.get_text_width_height_descent(line, prop, ismath=math)[0] <= width_in * 72

    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and not fits(candidate):
                lines.append(line)
                candidate = word
            line = candidate
        lines.append(line)
    return "\n".join(lines)


def title(fig, text):
    """Put ``text`` as the figure's bold heading, wrapped to the figure's width."""
    width = fig.get_figwidth() - 0.2
    fig.suptitle(wrap(text, width, TITLE_PT, "bold"), fontsize=TITLE_PT, fontweight="bold")


def subtitle(ax, text):
    """Put ``text`` above ``ax``, left-aligned in grey, wrapped to the axes' width."""
    width = ax.get_position().width * ax.figure.get_figwidth()
    ax.set_title(wrap(text, width, SUBTITLE_PT), loc="left", fontsize=SUBTITLE_PT, color=GREY)


def save(fig, stem):
    """Save ``fig`` as ``stem.png`` (:data:`DPI`) and ``stem.svg``, both free of dates.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    stem : str or Path
        The file path without suffix.

    Returns
    -------
    list of Path
        The PNG and the SVG path.
    """
    stem = Path(stem)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, dpi=DPI, metadata={"Software": None})
    # The SVG keeps the PNG's layout instead of solving the constrained layout again: the
    # same positions in both files, and 16 % less time for the report's figures (4.0 s → 3.4 s).
    fig.set_layout_engine("none")
    fig.savefig(svg, metadata={"Date": None, "Creator": None})
    return [png, svg]


_SUBSCRIPT = re.compile(r"(\w)_(\{[^{}$]*\}|\w)")


def mathtext(text):
    """``text`` with TeX-style subscripts (``s_{T−ℓ}``, ``h_T``) turned into mathtext.

    Payload descriptions are plain strings written for readers of results.json; drawn
    verbatim, "s_{T−ℓ}" shows its braces. Other dollar signs are escaped so that nothing
    else is read as mathtext.

    Examples
    --------
    >>> mathtext("log‖∂h_T/∂s_{T−ℓ}‖₂ costs $5")
    'log‖∂$h_{T}$/∂$s_{T−ℓ}$‖₂ costs \\\\$5'
    """
    escaped = text.replace("$", r"\$")
    return _SUBSCRIPT.sub(lambda m: f"${m[1]}_{{{m[2].strip('{}')}}}$", escaped)


def footnote(fig, text):
    """Put ``text`` under the whole figure, left-aligned in grey (constrained layout keeps room)."""
    fig.supxlabel(wrap(text, fig.get_figwidth() - 0.2, SUBTITLE_PT), x=0.02, ha="left",
                  fontsize=SUBTITLE_PT, color=GREY)
