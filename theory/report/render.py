"""Render a results document into a report folder."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from .document import Results, parse_results
from .figures import FIGURES, draw_all
from .jsonsafe import decode
from .latex import render_latex
from .markdown import render_markdown
from .writer import atomic_dir

__all__ = ["draw_slides", "dump_results", "render_answer", "render_into", "write_report"]


def dump_results(document):
    """results.json text: UTF-8 JSON, no NaN/Infinity tokens, key order kept, newline at end."""
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def render_answer(results, figures_folder=None, *, figures_drawn=None):
    """The answer page (ANSWER.md) for ``results``, drawing its figures into ``figures_folder``.

    Parameters
    ----------
    results : Results
    figures_folder : Path, optional
        Where :func:`theory.report.answer_figures.draw_figures` puts the page's figures;
        without it the page has no figures.
    figures_drawn : tuple, optional
        ``(drawn, warnings)`` of figures another process already drew there (see
        :func:`render_into`); they are then not drawn again.

    Returns
    -------
    str
    """
    from .answer import render

    decoded = decode(results.document)
    drawn = {}
    if figures_folder is not None:
        drawn = _warned(*(figures_drawn or _draw_answer_figures(decoded, figures_folder)))
    return render(decoded, {k: f"figures/{v}" for k, v in drawn.items()} or None)


def _draw_answer_figures(decoded, folder):
    """The answer page's figures drawn into ``folder``: ``(drawn, [(message, category)])``,
    the warnings kept to be given by the process that renders the page."""
    from .answer_figures import draw_figures

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = draw_figures(decoded, folder)
    return drawn, [(str(w.message), w.category) for w in caught]


def _warned(drawn, caught):
    for message, category in caught:
        warnings.warn(message, category, stacklevel=3)
    return drawn


class _AnswerFiguresInAChild:
    """The answer page's figures drawn by a second process while this one draws the report's.

    The report's figures (about 3 s on this project's 2-core machine) and the answer page's
    (1.3 s, plus about 1 s to start a Python with matplotlib) are drawn one after the other
    otherwise; at the end of a test run both cores are free again. ``spawn``, not ``fork``:
    the pytest controller holds threads. Any failure to start or finish falls back to
    drawing here.
    """

    def __init__(self, decoded, folder):
        self.decoded, self.folder, self.future, self.pool = decoded, folder, None, None
        try:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self.future = self.pool.submit(_draw_answer_figures, decoded, folder)
        except Exception:  # noqa: BLE001 - drawn here instead
            self.close()

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def result(self):
        """``(drawn, caught)`` as :func:`_draw_answer_figures` gives them."""
        try:
            if self.future is not None:
                return self.future.result()
        except Exception:  # noqa: BLE001 - drawn here instead
            pass
        finally:
            self.close()
        return _draw_answer_figures(self.decoded, self.folder)


def _claims_for_key(results):
    claims_for_key = {}
    for c in results.claims:
        for key in c.figures:
            claims_for_key.setdefault(key, []).append(c.id)
    return claims_for_key


def draw_slides(results, folder):
    """Draw every figure of the report and of the answer page for slides into ``folder``.

    Slide figures carry no "Claim …" heading and are drawn at the style's slide size (the
    text area of a 16:9 beamer frame under its title), as PNG and SVG.

    Parameters
    ----------
    results : Results
    folder : str or Path

    Returns
    -------
    tuple of (list of str, dict)
        The PNG file names written, and ``{key: reason}`` for report figures not drawn.
    """
    from .answer_figures import draw_figures

    folder = Path(folder)
    drawn, skipped = draw_all(results.document["data"], folder, _claims_for_key(results), titles=False)
    answer = draw_figures(decode(results.document), folder, titles=False)
    names = sorted({info["png"] for info in drawn.values()} | set(answer.values()))
    return names, skipped


def render_into(results, folder, *, parallel=False):
    """Write results.json, REPORT.md, claims.tex, ANSWER.md and figures/ into ``folder``.

    Parameters
    ----------
    results : Results or dict
        Parsed results, or a results document (validated and parsed here).
    folder : Path
        An existing folder (normally the temporary one of :func:`write_report`).
    parallel : bool
        Draw the answer page's figures in a second process while this one draws the
        report's (the same files; the pytest plugin does this at the end of a run). Only
        from a program whose main module can be imported without side effects (``spawn``
        imports it again).

    Returns
    -------
    dict
        ``{"figures": {key: info}, "skipped": {key: reason}, "notes": [str]}``.
    """
    if not isinstance(results, Results):
        results = parse_results(results)
    folder = Path(folder)
    data = results.document["data"]
    child = _AnswerFiguresInAChild(decode(results.document), folder / "figures") if parallel else None
    try:
        drawn, skipped = draw_all(data, folder / "figures", _claims_for_key(results))
    finally:
        answer = child.result() if child else None
    figure_keys = {spec.key for spec in FIGURES}
    plain = sorted(k for k in data if k not in figure_keys)
    notes = ["data recorded without a figure (kept in results.json): "
             + ", ".join(f"`{k}`" for k in plain)] if plain else []
    page = render_answer(results, folder / "figures", figures_drawn=answer) if answer else \
        render_answer(results, folder / "figures")
    (folder / "ANSWER.md").write_text(page, encoding="utf-8")
    (folder / "claims.tex").write_text(render_latex(results), encoding="utf-8")
    (folder / "REPORT.md").write_text(render_markdown(results, drawn, skipped, notes), encoding="utf-8")
    (folder / "results.json").write_text(dump_results(results.document), encoding="utf-8")
    return {"figures": drawn, "skipped": skipped, "notes": notes}


def write_report(results, target, *, carry=(), parallel=False):
    """Validate ``results`` and write the whole report folder ``target`` atomically.

    Parameters
    ----------
    results : Results or dict
    target : str or Path
        The report folder; replaced only once every file has been written.
    carry : iterable of str
        Entries of an existing ``target`` to keep (e.g. ``("partial",)``).
    parallel : bool
        As in :func:`render_into`.

    Returns
    -------
    dict
        As :func:`render_into`, plus ``"target"``.
    """
    if not isinstance(results, Results):
        results = parse_results(results)
    log = {}

    def fill(tmp):
        log.update(render_into(results, tmp, parallel=parallel))

    log["target"] = atomic_dir(target, fill, carry=carry)
    return log
