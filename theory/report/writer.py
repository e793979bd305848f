"""Write a report folder all at once: build it next to the target, then swap it in.

An interrupted or failed write never leaves a folder that looks complete: everything is
written into a temporary sibling folder, and only when all files are there is the old
folder renamed away and the new one renamed into place (two ``os.replace`` calls on the
same filesystem), after which the old one is deleted.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

__all__ = ["MARKER", "MANAGED", "check_target", "atomic_dir"]

#: The file that marks a folder as written by this package.
MARKER = ".theory-report"
#: The entries a report folder may hold; a folder with anything else is not replaced.
MANAGED = frozenset({"results.json", "REPORT.md", "claims.tex", "ANSWER.md", "figures",
                     "partial", MARKER})
# temporary folders of an interrupted nested write (reports/partial) inside a report folder
_LEFTOVER = re.compile(r"^\.partial\.(tmp|old)-")


def check_target(target):
    """Raise ``ValueError`` unless ``target`` is absent, empty, or a report folder.

    This keeps ``--report-dir .`` or a typo from replacing a folder of other files.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ValueError(f"report target {target} exists and is not a folder")
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir()
                         if p.name not in MANAGED and not _LEFTOVER.match(p.name))
        if foreign:
            raise ValueError(
                f"refusing to replace {target}: it holds entries a report never writes "
                f"({', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}); "
                f"choose another folder (pytest --report-dir, or python -m theory.report --out)"
            )


def _new_folder(parent, prefix):
    """Create a new empty folder ``parent/prefix<random>`` with the usual permissions.

    ``os.mkdir`` applies the umask as any folder the user makes would (``mkdtemp`` makes a
    private one), without changing the process's umask, which other threads share.
    """
    for _ in range(100):
        path = Path(parent, prefix + secrets.token_hex(6))
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free temporary folder name {prefix}* in {parent}")


def atomic_dir(target, fill, *, carry=()):
    """Create the folder ``target`` by ``fill(tmp)`` and swap it into place.

    Parameters
    ----------
    target : str or Path
        The report folder to create or replace.
    fill : callable
        Called with the temporary folder (a Path); it writes every file. If it raises,
        ``target`` is left untouched and the temporary folder is removed.
    carry : iterable of str
        Names of entries of the old ``target`` to keep in the new one (e.g. ``"partial"``
        when re-rendering a full report).

    Returns
    -------
    Path
        The resolved target.
    """
    target = Path(target).resolve()
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_folder(target.parent, f".{target.name}.tmp-")
    old = None
    try:
        fill(tmp)
        (tmp / MARKER).write_text("written by rnn-gradient-theory (theory.report)\n", encoding="utf-8")
        for name in carry:
            if (target / name).exists() and not (tmp / name).exists():
                shutil.copytree(target / name, tmp / name) if (target / name).is_dir() \
                    else shutil.copy2(target / name, tmp / name)
        if target.exists():
            old = _new_folder(target.parent, f".{target.name}.old-")
            os.rmdir(old)
            os.replace(target, old)
        try:
            os.replace(tmp, target)
        except OSError:
            if old is not None:
                os.replace(old, target)
                old = None
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists():
            shutil.rmtree(old, ignore_errors=True)
    return target
