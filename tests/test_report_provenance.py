"""The provenance block of results.json: git state, versions, Hypothesis settings, platform, date,
and the commands that reproduce a run.

Every source the module reads (git, ``sys.modules``, ``importlib.metadata``, ``platform``, the
clock, the loaded Hypothesis profile) is replaced here by a fake with known answers, so each
value is checked exactly and the tests do not depend on the machine; one test runs the real
``git`` on a throwaway repository whose commit hash is fixed by fixed names and dates.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import types
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import InMemoryExampleDatabase

import theory
from theory.report import provenance
from theory.report.provenance import (
    _run_git,
    _torch_threads,
    _version,
    collect_provenance,
    git_state,
    hypothesis_settings,
    package_versions,
    reproduce_commands,
)

COMMIT = "0123456789abcdef0123456789abcdef01234567"


# --- _run_git ---------------------------------------------------------------------------------


def _fake_subprocess(monkeypatch, result=None, raises=None):
    """Replace provenance's ``subprocess`` by one whose ``run`` records its call and answers
    ``result`` (or raises ``raises``)."""
    calls = []

    def run(cmd, **kwargs):
        calls.append((cmd, kwargs))
        if raises is not None:
            raise raises
        return result

    fake = types.SimpleNamespace(run=run, SubprocessError=subprocess.SubprocessError)
    monkeypatch.setattr(provenance, "subprocess", fake)
    return calls


def test_run_git_calls_git_with_a_timeout_and_strips_the_output(monkeypatch):
    calls = _fake_subprocess(monkeypatch, types.SimpleNamespace(returncode=0, stdout="  abc def \n"))
    got = _run_git(["rev-parse", "HEAD"], "/some/root")
    assert got == "abc def", f"_run_git output {got!r}, expected 'abc def'"
    expected = [(["git", "rev-parse", "HEAD"],
                 {"cwd": "/some/root", "capture_output": True, "text": True, "timeout": 10,
                  "check": False})]
    assert calls == expected, f"subprocess.run calls {calls}, expected {expected}"


def test_run_git_keeps_an_empty_output_of_a_successful_command(monkeypatch):
    _fake_subprocess(monkeypatch, types.SimpleNamespace(returncode=0, stdout="\n"))
    got = _run_git(["status", "--porcelain"], "/r")
    assert got == "", f"_run_git of a clean status {got!r}, expected ''"


@pytest.mark.parametrize("returncode", [1, 128, -9])
def test_run_git_gives_none_on_a_nonzero_exit(monkeypatch, returncode):
    _fake_subprocess(monkeypatch, types.SimpleNamespace(returncode=returncode, stdout="fatal: x\n"))
    got = _run_git(["rev-parse", "HEAD"], "/r")
    assert got is None, f"_run_git with exit status {returncode} gave {got!r}, expected None"


@pytest.mark.parametrize(
    "error",
    [FileNotFoundError("git"), PermissionError("git"), subprocess.TimeoutExpired(["git"], 10),
     subprocess.SubprocessError("other")],
    ids=["no-git", "no-permission", "timeout", "subprocess-error"],
)
def test_run_git_gives_none_when_git_cannot_run(monkeypatch, error):
    _fake_subprocess(monkeypatch, raises=error)
    got = _run_git(["rev-parse", "HEAD"], "/r")
    assert got is None, f"_run_git raising {error!r} gave {got!r}, expected None"


# --- git_state --------------------------------------------------------------------------------


def _fake_run_git(monkeypatch, answers):
    calls = []

    def run_git(args, cwd):
        calls.append((list(args), cwd))
        return answers[tuple(args)]

    monkeypatch.setattr(provenance, "_run_git", run_git)
    return calls


@pytest.mark.parametrize(
    "status, dirty",
    [("", False), (" M theory/x.py", True), ("?? new.txt", True), (None, None)],
    ids=["clean", "modified", "untracked", "status-failed"],
)
def test_git_state_from_commit_and_status(monkeypatch, status, dirty):
    calls = _fake_run_git(monkeypatch, {("rev-parse", "HEAD"): COMMIT, ("status", "--porcelain"): status})
    got = git_state("/repo")
    expected = {"commit": COMMIT, "short": "0123456", "dirty": dirty}
    assert got == expected, f"status {status!r}: git_state {got}, expected {expected}"
    expected_calls = [(["rev-parse", "HEAD"], "/repo"), (["status", "--porcelain"], "/repo")]
    assert calls == expected_calls, f"git calls {calls}, expected {expected_calls}"


def test_git_state_without_a_commit_does_not_ask_for_the_status(monkeypatch):
    calls = _fake_run_git(monkeypatch, {("rev-parse", "HEAD"): None, ("status", "--porcelain"): "?? x"})
    got = git_state("/not-a-repo")
    expected = {"commit": None, "short": None, "dirty": None}
    assert got == expected, f"git_state outside a repository {got}, expected {expected}"
    assert calls == [(["rev-parse", "HEAD"], "/not-a-repo")], f"git calls {calls}"


@pytest.fixture
def git_env(monkeypatch):
    """Environment for a reproducible ``git``: no user or system config, fixed author and dates
    (so the commit hash is fixed), and no repository chosen from outside."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (provenance then records no commit, tested above)")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    fixed = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
             "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
             "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
             "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    for name, value in fixed.items():
        monkeypatch.setenv(name, value)


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, timeout=30)


def test_git_state_of_a_real_repository(tmp_path, git_env):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / ".gitignore").write_text("ignored.txt\n")
    (repo / "tracked.txt").write_text("one\n")
    _git(repo, "add", ".gitignore", "tracked.txt")
    _git(repo, "commit", "-q", "-m", "first")
    # fixed author, committer, dates, message and files: git always gives this hash
    commit = "e510a3ea926f27c93e294e347f30a45624fc428e"

    cases = []
    cases.append(("clean", git_state(repo), False))
    (repo / "ignored.txt").write_text("ignored\n")
    cases.append(("ignored file only", git_state(repo), False))
    (repo / "new.txt").write_text("new\n")
    cases.append(("untracked file", git_state(repo), True))
    (repo / "new.txt").unlink()
    (repo / "tracked.txt").write_text("two\n")
    cases.append(("modified tracked file", git_state(str(repo)), True))
    for case, got, dirty in cases:
        expected = {"commit": commit, "short": "e510a3e", "dirty": dirty}
        assert got == expected, f"{case}: git_state {got}, expected {expected}"


def test_git_state_of_a_folder_that_is_not_a_repository(tmp_path, git_env, monkeypatch):
    plain = tmp_path / "plain"
    plain.mkdir()
    # keep git from finding a repository above tmp_path on this machine
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    got = git_state(plain)
    expected = {"commit": None, "short": None, "dirty": None}
    assert got == expected, f"git_state of {plain} {got}, expected {expected}"


# --- package versions -------------------------------------------------------------------------


def _module(name, version=None):
    module = types.ModuleType(name)
    if version is not None:
        module.__version__ = version
    return module


def _fake_sources(monkeypatch, modules, dists):
    """provenance sees ``modules`` as ``sys.modules`` and ``dists`` as the installed
    distributions; records which distributions were asked for."""
    asked = []

    def version(dist):
        asked.append(dist)
        if dist not in dists:
            raise metadata.PackageNotFoundError(dist)
        return dists[dist]

    monkeypatch.setattr(provenance, "sys", types.SimpleNamespace(modules=modules))
    monkeypatch.setattr(provenance, "metadata", types.SimpleNamespace(
        version=version, PackageNotFoundError=metadata.PackageNotFoundError))
    monkeypatch.setattr(theory, "__version__", "7.7.7")
    return asked


ALL_DISTS = {"numpy": "1.0-meta", "torch": "2.0-meta", "hypothesis": "3.0-meta", "pytest": "4.0-meta",
             "pytest-xdist": "5.0-meta", "scipy": "6.0-meta", "matplotlib": "7.0-meta"}


def test_version_reads_the_installed_distribution(monkeypatch):
    asked = _fake_sources(monkeypatch, {}, {"numpy": "1.2.3"})
    got = (_version("numpy"), _version("no-such-dist"))
    assert got == ("1.2.3", None), f"_version of numpy and of a missing dist {got}, expected ('1.2.3', None)"
    assert asked == ["numpy", "no-such-dist"], f"distributions asked for {asked}"


def test_package_versions_prefers_the_imported_module_version(monkeypatch):
    modules = {"numpy": _module("numpy", "1.0-mod"), "torch": _module("torch", "2.0-mod"),
               "hypothesis": _module("hypothesis", "3.0-mod"), "pytest": _module("pytest", "4.0-mod"),
               "xdist": _module("xdist", "5.0-mod"), "scipy": _module("scipy", "6.0-mod"),
               "matplotlib": _module("matplotlib", "7.0-mod")}
    asked = _fake_sources(monkeypatch, modules, ALL_DISTS)
    got = package_versions()
    expected = {"rnn-gradient-theory": "7.7.7", "numpy": "1.0-mod", "torch": "2.0-mod",
                "hypothesis": "3.0-mod", "pytest": "4.0-mod", "pytest-xdist": "5.0-mod",
                "scipy": "6.0-mod", "matplotlib": "7.0-mod"}
    assert got == expected, f"package_versions {got}, expected {expected}"
    assert list(got) == list(expected), f"key order {list(got)}, expected {list(expected)}"
    assert asked == [], f"metadata asked for {asked} although every module has __version__"


def test_package_versions_falls_back_to_metadata(monkeypatch):
    # numpy, torch: imported without __version__ (or an empty one); the rest: not imported
    modules = {"numpy": _module("numpy"), "torch": _module("torch", "")}
    asked = _fake_sources(monkeypatch, modules, ALL_DISTS)
    got = package_versions()
    expected = {"rnn-gradient-theory": "7.7.7", "numpy": "1.0-meta", "torch": "2.0-meta",
                "hypothesis": "3.0-meta", "pytest": "4.0-meta", "pytest-xdist": "5.0-meta",
                "scipy": "6.0-meta", "matplotlib": "7.0-meta"}
    assert got == expected, f"package_versions {got}, expected {expected}"
    assert list(got) == list(expected), f"key order {list(got)}, expected {list(expected)}"
    expected_asked = ["numpy", "torch", "hypothesis", "pytest", "pytest-xdist", "scipy", "matplotlib"]
    assert asked == expected_asked, f"metadata asked for {asked}, expected {expected_asked}"


def test_package_versions_gives_none_for_a_library_that_is_neither_imported_nor_installed(monkeypatch):
    modules = {"numpy": _module("numpy", "1.0-mod")}
    _fake_sources(monkeypatch, modules, {"pytest": "4.0-meta"})
    got = package_versions()
    expected = {"rnn-gradient-theory": "7.7.7", "numpy": "1.0-mod", "torch": None, "hypothesis": None,
                "pytest": "4.0-meta", "pytest-xdist": None, "scipy": None, "matplotlib": None}
    assert got == expected, f"package_versions {got}, expected {expected}"
    assert list(got) == list(expected), f"key order {list(got)}, expected {list(expected)}"


# --- torch threads ----------------------------------------------------------------------------


def _torch_with_threads(get_num_threads):
    torch = _module("torch", "2.0")
    torch.get_num_threads = get_num_threads
    return torch


def _raise():
    raise RuntimeError("no threads")


@pytest.mark.parametrize(
    "modules, expected",
    [({}, None),
     ({"torch": None}, None),
     ({"torch": _torch_with_threads(lambda: 3)}, 3),
     ({"torch": _torch_with_threads(lambda: 5.0)}, 5),
     ({"torch": _torch_with_threads(_raise)}, None),
     ({"torch": _module("torch", "2.0")}, None)],
    ids=["not-imported", "import-blocked", "three", "float-five", "raises", "no-get_num_threads"],
)
def test_torch_threads(monkeypatch, modules, expected):
    monkeypatch.setattr(provenance, "sys", types.SimpleNamespace(modules=modules))
    got = _torch_threads()
    assert got == expected and type(got) is type(expected), (
        f"_torch_threads with {modules} gave {got!r}, expected {expected!r}")


# --- Hypothesis settings ----------------------------------------------------------------------


@pytest.fixture
def restore_profile():
    """Profiles loaded by a test are undone, so the suite's own profile stays in force."""
    saved = settings._current_profile
    try:
        yield
    finally:
        settings.load_profile(saved)


def test_hypothesis_settings_of_the_loaded_profile(restore_profile, monkeypatch):
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "from-environment")
    settings.register_profile("provenance-test-a", max_examples=17, derandomize=True,
                              print_blob=True, database=None)
    settings.load_profile("provenance-test-a")
    got = hypothesis_settings()
    expected = {"profile": "provenance-test-a", "derandomize": True, "max_examples": 17,
                "print_blob": True, "database": None}
    assert got == expected, f"hypothesis_settings {got}, expected {expected}"


def test_hypothesis_settings_names_the_database_type(restore_profile):
    settings.register_profile("provenance-test-b", max_examples=3, derandomize=False,
                              print_blob=False, database=InMemoryExampleDatabase())
    settings.load_profile("provenance-test-b")
    got = hypothesis_settings()
    expected = {"profile": "provenance-test-b", "derandomize": False, "max_examples": 3,
                "print_blob": False, "database": "InMemoryExampleDatabase"}
    assert got == expected, f"hypothesis_settings {got}, expected {expected}"
    assert type(got["max_examples"]) is int, f"max_examples {got['max_examples']!r} is not an int"


@pytest.mark.parametrize("how", ["none", "absent"])
def test_hypothesis_settings_takes_the_profile_from_the_environment_when_unknown(
        restore_profile, monkeypatch, how):
    settings.register_profile("provenance-test-c", max_examples=9, derandomize=True,
                              print_blob=False, database=None)
    settings.load_profile("provenance-test-c")
    if how == "none":
        monkeypatch.setattr(settings, "_current_profile", None)
    else:
        monkeypatch.delattr(settings, "_current_profile")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "from-environment")
    got = hypothesis_settings()
    expected = {"profile": "from-environment", "derandomize": True, "max_examples": 9,
                "print_blob": False, "database": None}
    assert got == expected, f"_current_profile {how}: hypothesis_settings {got}, expected {expected}"


def test_hypothesis_settings_without_hypothesis(monkeypatch):
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "hypothesis", None)  # makes the import fail
        got = hypothesis_settings()
    assert got == {"profile": None}, f"hypothesis_settings without Hypothesis {got}, expected {{'profile': None}}"


# --- collect_provenance -----------------------------------------------------------------------


class _FakeDatetime:
    """``datetime.now(tz)`` at a fixed instant with microseconds, in the zone asked for."""

    asked = []

    @classmethod
    def now(cls, tz=None):
        cls.asked.append(tz)
        return datetime.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=tz)


@pytest.fixture
def fake_machine(monkeypatch, restore_profile):
    """Fixed answers from every source collect_provenance reads; gives the git calls made."""
    torch = _module("torch", "2.5.1+cpu")
    torch.get_num_threads = lambda: 4
    modules = {"numpy": _module("numpy", "1.26.4"), "torch": torch,
               "hypothesis": _module("hypothesis", "6.100.0"), "pytest": _module("pytest", "8.3.0")}
    _fake_sources(monkeypatch, modules, {"pytest-xdist": "3.6.1", "scipy": "1.14.0"})
    git_calls = _fake_run_git(monkeypatch, {("rev-parse", "HEAD"): COMMIT, ("status", "--porcelain"): ""})
    monkeypatch.setattr(provenance, "platform", types.SimpleNamespace(
        python_version=lambda: "3.99.1", python_implementation=lambda: "FakePython",
        platform=lambda: "Linux-fake-x86_64", machine=lambda: "fake64"))
    monkeypatch.setattr(os, "cpu_count", lambda: 48)
    _FakeDatetime.asked = []
    monkeypatch.setattr(provenance, "_dt", types.SimpleNamespace(
        datetime=_FakeDatetime, timezone=datetime.timezone))
    settings.register_profile("provenance-test-d", max_examples=21, derandomize=True,
                              print_blob=True, database=None)
    settings.load_profile("provenance-test-d")
    return git_calls


VERSIONS = {"rnn-gradient-theory": "7.7.7", "numpy": "1.26.4", "torch": "2.5.1+cpu",
            "hypothesis": "6.100.0", "pytest": "8.3.0", "pytest-xdist": "3.6.1", "scipy": "1.14.0",
            "matplotlib": None}


def test_collect_provenance_with_seed_workers_and_args(fake_machine, tmp_path):
    got = collect_provenance(tmp_path, seed=1234, workers="2", args=(Path("tests"), "-q", "-k", "a b"))
    expected = {
        "package": "rnn-gradient-theory",
        "version": "7.7.7",
        "git": {"commit": COMMIT, "short": "0123456", "dirty": False},
        "versions": VERSIONS,
        "python": "3.99.1",
        "python_implementation": "FakePython",
        "platform": "Linux-fake-x86_64",
        "machine": "fake64",
        "cpu_count": 48,
        "torch_threads": 4,
        "xdist_workers": 2,
        "hypothesis": {"profile": "provenance-test-d", "derandomize": True, "max_examples": 21,
                       "print_blob": True, "database": None, "seed": "1234"},
        "pytest_args": ["tests", "-q", "-k", "a b"],
        "date": "2026-03-04T05:06:07Z",
        "reproduce": [
            f"git checkout {COMMIT}",
            'pip install torch==2.5.1 -e ".[test]"',
            "HYPOTHESIS_PROFILE=provenance-test-d python -m pytest -n auto tests -q -k 'a b' "
            "--hypothesis-seed=1234",
        ],
    }
    assert got == expected, f"collect_provenance\n got {got}\n expected {expected}"
    assert list(got) == list(expected), f"key order {list(got)}, expected {list(expected)}"
    assert type(got["xdist_workers"]) is int, f"xdist_workers {got['xdist_workers']!r} is not an int"
    assert fake_machine == [(["rev-parse", "HEAD"], str(tmp_path)), (["status", "--porcelain"], str(tmp_path))], (
        f"git asked about {fake_machine}, expected the root {str(tmp_path)!r} as a string")
    assert _FakeDatetime.asked == [datetime.timezone.utc], f"clock asked in zones {_FakeDatetime.asked}"
    assert got["reproduce"] == reproduce_commands(got), (
        f"reproduce {got['reproduce']} differs from reproduce_commands {reproduce_commands(got)}")


def test_collect_provenance_takes_the_test_processes_torch_threads(fake_machine, tmp_path):
    # an xdist controller, which imports no torch, reports its workers' threads (fake_machine: 4)
    got = [collect_provenance(tmp_path, torch_threads=t)["torch_threads"] for t in (1, 1.0, None)]
    assert got == [1, 1, 4] and all(type(t) is int for t in got), f"torch_threads {got}, expected [1, 1, 4]"


def test_collect_provenance_defaults(fake_machine, tmp_path):
    got = collect_provenance(str(tmp_path))
    checked = {key: got[key] for key in ("xdist_workers", "pytest_args", "hypothesis", "reproduce")}
    expected = {
        "xdist_workers": 0,
        "pytest_args": [],
        "hypothesis": {"profile": "provenance-test-d", "derandomize": True, "max_examples": 21,
                       "print_blob": True, "database": None, "seed": None},
        "reproduce": [f"git checkout {COMMIT}", 'pip install torch==2.5.1 -e ".[test]"',
                      "HYPOTHESIS_PROFILE=provenance-test-d python -m pytest"],
    }
    assert checked == expected, f"collect_provenance defaults {checked}, expected {expected}"
    assert type(got["xdist_workers"]) is int, f"xdist_workers {got['xdist_workers']!r} is not an int"


def test_collect_provenance_seed_zero_is_kept(fake_machine, tmp_path):
    got = collect_provenance(tmp_path, seed=0)["hypothesis"]["seed"]
    assert got == "0", f"seed 0 recorded as {got!r}, expected '0'"


# --- reproduce_commands -----------------------------------------------------------------------

PIP = 'pip install torch -e ".[test]"'


@pytest.mark.parametrize(
    "case, prov, expected",
    [
        ("nothing known", {}, [PIP, "python -m pytest"]),
        ("all None", {"git": None, "hypothesis": None, "versions": None, "pytest_args": None,
                      "xdist_workers": None}, [PIP, "python -m pytest"]),
        ("commit", {"git": {"commit": COMMIT}},
         [f"git checkout {COMMIT}", PIP, "python -m pytest"]),
        ("no commit", {"git": {"commit": None, "short": None, "dirty": None}}, [PIP, "python -m pytest"]),
        ("torch +cpu stripped", {"versions": {"torch": "2.5.1+cpu"}},
         ['pip install torch==2.5.1 -e ".[test]"', "python -m pytest"]),
        ("plain torch", {"versions": {"torch": "2.4.0"}},
         ['pip install torch==2.4.0 -e ".[test]"', "python -m pytest"]),
        ("torch unknown", {"versions": {"torch": None, "numpy": "1.0"}}, [PIP, "python -m pytest"]),
        ("profile", {"hypothesis": {"profile": "ci"}}, [PIP, "HYPOTHESIS_PROFILE=ci python -m pytest"]),
        ("no profile", {"hypothesis": {"profile": None}}, [PIP, "python -m pytest"]),
        ("profile quoted", {"hypothesis": {"profile": "my prof"}}, [PIP, "HYPOTHESIS_PROFILE='my prof' python -m pytest"]),
        ("args", {"pytest_args": ["tests/test_a.py", "-q"]}, [PIP, "python -m pytest tests/test_a.py -q"]),
        ("args quoted", {"pytest_args": ["-k", "upper and not slow", "-m", "it's"]},
         [PIP, "python -m pytest -k 'upper and not slow' -m 'it'\"'\"'s'"]),
        ("args as tuple", {"pytest_args": ("-x",)}, [PIP, "python -m pytest -x"]),
        ("seed", {"hypothesis": {"seed": "42"}, "pytest_args": ["-q"]},
         [PIP, "python -m pytest -q --hypothesis-seed=42"]),
        ("seed zero", {"hypothesis": {"seed": "0"}}, [PIP, "python -m pytest --hypothesis-seed=0"]),
        ("seed already given", {"hypothesis": {"seed": "42"}, "pytest_args": ["--hypothesis-seed=42"]},
         [PIP, "python -m pytest --hypothesis-seed=42"]),
        ("seed given as two args", {"hypothesis": {"seed": "42"}, "pytest_args": ["--hypothesis-seed", "42"]},
         [PIP, "python -m pytest --hypothesis-seed 42"]),
        ("workers", {"xdist_workers": 2, "pytest_args": ["-q"]}, [PIP, "python -m pytest -n auto -q"]),
        ("workers no args", {"xdist_workers": 3}, [PIP, "python -m pytest -n auto"]),
        ("workers -n given", {"xdist_workers": 2, "pytest_args": ["-q", "-n", "2"]},
         [PIP, "python -m pytest -q -n 2"]),
        ("workers -n4 given", {"xdist_workers": 4, "pytest_args": ["-n4", "-q"]}, [PIP, "python -m pytest -n4 -q"]),
        ("workers --numprocesses given", {"xdist_workers": 2, "pytest_args": ["--numprocesses=2"]},
         [PIP, "python -m pytest --numprocesses=2"]),
        ("no workers", {"xdist_workers": 0, "pytest_args": ["-q"]}, [PIP, "python -m pytest -q"]),
        ("everything", {"git": {"commit": COMMIT}, "versions": {"torch": "2.1.0+cu121"},
                        "hypothesis": {"profile": "thorough", "seed": "7"}, "xdist_workers": 2,
                        "pytest_args": ["tests", "-k", "a b"]},
         [f"git checkout {COMMIT}", 'pip install torch==2.1.0 -e ".[test]"',
          "HYPOTHESIS_PROFILE=thorough python -m pytest -n auto tests -k 'a b' --hypothesis-seed=7"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_reproduce_commands(case, prov, expected):
    got = reproduce_commands(prov)
    assert got == expected, f"{case}: reproduce_commands({prov}) =\n {got}\n expected\n {expected}"


def test_reproduce_commands_leaves_the_provenance_unchanged():
    args = ["-q"]
    prov = {"hypothesis": {"seed": "5"}, "xdist_workers": 2, "pytest_args": args}
    reproduce_commands(prov)
    assert args == ["-q"] and prov == {"hypothesis": {"seed": "5"}, "xdist_workers": 2, "pytest_args": ["-q"]}, (
        f"reproduce_commands changed its input: {prov}")
