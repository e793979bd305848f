"""Render a results document into a report folder, and load one back from disk."""

from __future__ import annotations

import json
from pathlib import Path

from .figures import FIGURES, draw_all
from .jsonsafe import decode
from .latex import render_latex
from .markdown import render_markdown
from .schema import validate
from .writer import atomic_dir

__all__ = ["dump_results", "load_results", "render_into", "write_report"]


def dump_results(results):
    """results.json text: UTF-8 JSON, no NaN/Infinity tokens, key order kept, newline at end."""
    return json.dumps(results, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def load_results(path):
    """Read and validate a results.json.

    Raises
    ------
    ValueError
        If the file is missing, is not JSON, or does not match the schema.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file (expected a results.json written by the test run)")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    try:
        return validate(results)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _answer(results, figures_folder=None):
    """(text, note): the output of ``theory.report.answer.render`` if that module exists.

    Its own figures (``theory.report.answer.draw_figures``) are drawn into ``figures_folder``.
    """
    import importlib

    try:
        answer = importlib.import_module("theory.report.answer")
    except ModuleNotFoundError as exc:
        if exc.name in ("theory.report.answer",):
            return None, None
        return None, f"ANSWER.md not written: importing theory.report.answer failed ({exc})"
    except Exception as exc:  # noqa: BLE001 - another module's bug must not stop the report
        return None, f"ANSWER.md not written: importing theory.report.answer failed ({type(exc).__name__}: {exc})"
    render = getattr(answer, "render", None)
    if not callable(render):
        return None, "ANSWER.md not written: theory.report.answer has no render(results) function"
    decoded = decode(results)
    figures = None
    draw = getattr(answer, "draw_figures", None)
    if figures_folder is not None and callable(draw):
        try:
            figures = {k: f"figures/{v}" for k, v in draw(decoded, figures_folder).items()}
        except Exception as exc:  # noqa: BLE001
            return None, f"ANSWER.md not written: theory.report.answer.draw_figures raised {type(exc).__name__}: {exc}"
    try:
        text = render(decoded, figures) if figures else render(decoded)
    except Exception as exc:  # noqa: BLE001
        return None, f"ANSWER.md not written: theory.report.answer.render raised {type(exc).__name__}: {exc}"
    if not isinstance(text, str):
        return None, f"ANSWER.md not written: theory.report.answer.render returned {type(text).__name__}, not str"
    return text, None


def render_into(results, folder):
    """Write results.json, REPORT.md, claims.tex, figures/ and ANSWER.md into ``folder``.

    Parameters
    ----------
    results : dict
        A valid results document.
    folder : Path
        An existing folder (normally the temporary one of :func:`write_report`).

    Returns
    -------
    dict
        ``{"figures": {key: info}, "skipped": {key: reason}, "notes": [str]}``.
    """
    folder = Path(folder)
    claims_for_key = {}
    for c in results["claims"]:
        for key in c["figures"]:
            claims_for_key.setdefault(key, []).append(c["id"])
    drawn, skipped = draw_all(results.get("data") or {}, folder / "figures", claims_for_key)
    notes = []
    figure_keys = {spec.key for spec in FIGURES}
    plain = sorted(k for k in (results.get("data") or {}) if k not in figure_keys)
    if plain:
        notes.append("data recorded without a figure (kept in results.json): "
                     + ", ".join(f"`{k}`" for k in plain))
    answer, note = _answer(results, folder / "figures")
    if answer is not None:
        (folder / "ANSWER.md").write_text(answer, encoding="utf-8")
    if note:
        notes.append(note)
    (folder / "claims.tex").write_text(render_latex(results), encoding="utf-8")
    (folder / "REPORT.md").write_text(render_markdown(results, drawn, skipped, notes), encoding="utf-8")
    (folder / "results.json").write_text(dump_results(results), encoding="utf-8")
    return {"figures": drawn, "skipped": skipped, "notes": notes}


def write_report(results, target, *, carry=()):
    """Validate ``results`` and write the whole report folder ``target`` atomically.

    Parameters
    ----------
    results : dict
    target : str or Path
        The report folder; replaced only once every file has been written.
    carry : iterable of str
        Entries of an existing ``target`` to keep (e.g. ``("partial",)``).

    Returns
    -------
    dict
        As :func:`render_into`, plus ``"target"``.
    """
    validate(results)
    log = {}

    def fill(tmp):
        log.update(render_into(results, tmp))

    log["target"] = atomic_dir(target, fill, carry=carry)
    return log
