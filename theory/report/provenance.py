"""Where and how a run happened: versions, commit, platform, Hypothesis settings, date."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata

__all__ = ["git_state", "package_versions", "hypothesis_settings", "collect_provenance", "reproduce_commands"]

PACKAGE = "rnn-gradient-theory"


def _run_git(args, cwd):
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state(root):
    """``{"commit", "short", "dirty"}`` of the git checkout at ``root`` (None where unknown).

    ``dirty`` is True when tracked files differ from the commit or untracked files that
    git does not ignore exist (both can change the results).
    """
    commit = _run_git(["rev-parse", "HEAD"], root)
    status = _run_git(["status", "--porcelain"], root) if commit else None
    return {
        "commit": commit,
        "short": commit[:7] if commit else None,
        "dirty": None if status is None else bool(status),
    }


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def package_versions():
    """Versions of the package and of the libraries that the numbers depend on."""
    import theory

    versions = {"rnn-gradient-theory": theory.__version__}
    for dist in ("numpy", "torch", "hypothesis", "pytest", "pytest-xdist", "scipy", "matplotlib"):
        module = sys.modules.get("xdist" if dist == "pytest-xdist" else dist)
        versions[dist] = getattr(module, "__version__", None) or _version(dist)
    return versions


def hypothesis_settings():
    """The loaded Hypothesis profile and the settings that decide which examples run."""
    try:
        from hypothesis import settings
    except ImportError:
        return {"profile": None}
    current = settings()
    return {
        "profile": getattr(settings, "_current_profile", None) or os.environ.get("HYPOTHESIS_PROFILE"),
        "derandomize": bool(current.derandomize),
        "max_examples": int(current.max_examples),
        "print_blob": bool(current.print_blob),
        "database": None if current.database is None else type(current.database).__name__,
    }


def _torch_threads():
    torch = sys.modules.get("torch")
    try:
        return int(torch.get_num_threads()) if torch is not None else None
    except Exception:  # noqa: BLE001 - provenance must never break the report
        return None


def collect_provenance(root, *, seed=None, workers=0, args=(), torch_threads=None):
    """Everything needed to say where a result came from.

    Parameters
    ----------
    root : str or path
        The repository root (pytest's rootdir).
    seed : str, optional
        The ``--hypothesis-seed`` given on the command line, if any.
    workers : int
        Number of xdist workers (0 for a run without xdist).
    args : sequence of str
        The pytest command-line arguments as invoked.
    torch_threads : int, optional
        The torch threads of the processes that ran the tests, where that is not this
        process (an xdist controller runs none and need not import torch); by default this
        process's own.

    Returns
    -------
    dict
    """
    versions = package_versions()
    hyp = hypothesis_settings()
    hyp["seed"] = None if seed is None else str(seed)
    provenance = {
        "package": PACKAGE,
        "version": versions["rnn-gradient-theory"],
        "git": git_state(str(root)),
        "versions": versions,
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": _torch_threads() if torch_threads is None else int(torch_threads),
        "xdist_workers": int(workers),
        "hypothesis": hyp,
        "pytest_args": [str(a) for a in args],
        "date": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    provenance["reproduce"] = reproduce_commands(provenance)
    return provenance


def reproduce_commands(provenance):
    """The shell commands that reproduce a run, from its provenance.

    Returns
    -------
    list of str
    """
    git = provenance.get("git") or {}
    hyp = provenance.get("hypothesis") or {}
    commands = []
    if git.get("commit"):
        commands.append(f"git checkout {git['commit']}")
    torch = ((provenance.get("versions") or {}).get("torch") or "").split("+")[0]
    commands.append(f'pip install {"torch==" + torch if torch else "torch"} -e ".[test]"')
    env = f"HYPOTHESIS_PROFILE={shlex.quote(hyp['profile'])} " if hyp.get("profile") else ""
    args = list(provenance.get("pytest_args") or [])
    if hyp.get("seed") is not None and not any(a.startswith("--hypothesis-seed") for a in args):
        args.append(f"--hypothesis-seed={hyp['seed']}")
    workers = provenance.get("xdist_workers") or 0
    if workers and not any(a.startswith(("-n", "--numprocesses")) for a in args):
        args = ["-n", "auto", *args]
    commands.append(f"{env}python -m pytest {shlex.join(args)}".rstrip())
    return commands
