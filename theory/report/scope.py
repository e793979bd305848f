"""Decide whether a pytest session ran the full suite or only part of it."""

from __future__ import annotations

import shlex
from pathlib import Path

__all__ = ["default_markexpr", "run_scope"]


def default_markexpr(addopts):
    """The ``-m`` expression that ``addopts`` (a list of arguments) sets, or ``""``."""
    if isinstance(addopts, str):
        addopts = shlex.split(addopts)
    expr = ""
    args = list(addopts)
    for i, arg in enumerate(args):
        if arg == "-m" and i + 1 < len(args):
            expr = args[i + 1]
        elif arg.startswith("-m") and len(arg) > 2:
            expr = arg[2:].lstrip("=")
    return expr


def run_scope(*, keyword, markexpr, default_mark, args, explicit_args, testpaths, rootdir,
              invocation_dir, deselect=(), ignore=(), last_failed=False):
    """Whether a run is full, and if not, why.

    A run is **full** when it selects what a bare ``pytest`` selects: no ``-k``; ``-m``
    absent, equal to the default of ``addopts`` or empty (which selects more); no
    ``--deselect``, ``--ignore`` or ``--lf``; and either no path arguments or only paths
    that are the rootdir or one of ``testpaths``. Anything else is **partial**.

    Parameters
    ----------
    keyword, markexpr, default_mark : str
        The ``-k`` and ``-m`` expressions, and the ``-m`` that ``addopts`` sets.
    args : list of str
        The positional arguments pytest collected from.
    explicit_args : bool
        False when pytest took ``args`` from ``testpaths`` (nothing given on the command line).
    testpaths : list of str
    rootdir, invocation_dir : Path
    deselect, ignore : list of str
    last_failed : bool

    Returns
    -------
    scope : str
        ``"full"`` or ``"partial"``.
    reasons : list of str
        Why the run is partial (empty for a full run).
    """
    reasons = []
    if keyword:
        reasons.append(f"-k {keyword!r}")
    if markexpr and markexpr != default_mark:
        reasons.append(f"-m {markexpr!r} instead of the default {default_mark!r}")
    if deselect:
        reasons.append(f"--deselect of {len(deselect)} test(s)")
    if ignore:
        reasons.append("--ignore " + " ".join(str(i) for i in ignore))
    if last_failed:
        reasons.append("--lf (last failed only)")
    if explicit_args:
        rootdir = Path(rootdir).resolve()
        full_paths = {rootdir} | {(rootdir / t).resolve() for t in testpaths}
        for arg in args:
            arg = str(arg)
            if "::" in arg:
                reasons.append(f"node id {arg}")
                continue
            path = Path(invocation_dir, arg).resolve()
            if path not in full_paths:
                reasons.append(f"path {arg}")
    return ("partial" if reasons else "full"), reasons
