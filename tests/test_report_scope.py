"""Full or partial run: the reasons ``run_scope`` gives for each way of selecting less than a
bare ``pytest``, and the default ``-m`` that ``default_markexpr`` reads from ``addopts``.

A partial run must never overwrite the full report, and its reasons are printed to the user,
so both the decision and the exact wording are checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from theory.report.outcomes import default_markexpr, run_scope

# --- default_markexpr -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "addopts, expected",
    [
        ("--strict-markers -m 'not slow' -p no:cacheprovider", "not slow"),
        (["--strict-markers", "-m", "not slow"], "not slow"),
        (("-m", "a"), "a"),
        (["-m", "a", "-m", "b"], "b"),  # the last one wins, as in pytest
        ("-mfoo", "foo"),
        ("-m=foo", "foo"),
        ("-m=", ""),
        (["-mXY"], "XY"),  # only '=' is stripped after -m
        (["-m", "a", "-mb"], "b"),  # a one-letter expression joined to -m
        (["-m", "=x"], "=x"),  # a separate value is taken as it is
        ("--markers", ""),
        (["-m", "a", "--markers"], "a"),
        (["--mx"], ""),
        (["-m"], ""),  # -m as the last argument, with no value
        (["-m", "a", "-m"], "a"),
        (["-m", "a", "-q"], "a"),
        ("-q", ""),
        ("", ""),
        ([], ""),
    ],
)
def test_default_markexpr(addopts, expected):
    got = default_markexpr(addopts)
    assert got == expected, f"default_markexpr({addopts!r}) = {got!r}, expected {expected!r}"


# --- run_scope --------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path):
    """A rootdir with testpaths tests/ and more/."""
    for folder in ("tests", "more", "other"):
        (tmp_path / folder).mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("")
    return tmp_path


def _scope(root, **kw):
    args = dict(keyword="", markexpr="not slow", default_mark="not slow", args=["tests", "more"],
                explicit_args=False, testpaths=["tests", "more"], rootdir=root, invocation_dir=root)
    args.update(kw)
    return run_scope(**args)


@pytest.mark.parametrize(
    "kw, reasons",
    [
        ({}, []),
        ({"keyword": "upper"}, ["-k 'upper'"]),
        ({"keyword": "a and not b"}, ["-k 'a and not b'"]),
        ({"markexpr": "slow"}, ["-m 'slow' instead of the default 'not slow'"]),
        ({"markexpr": "slow", "default_mark": ""}, ["-m 'slow' instead of the default ''"]),
        ({"markexpr": "", "default_mark": "not slow"}, []),  # -m "" selects more than the default
        ({"markexpr": "", "default_mark": ""}, []),
        ({"markexpr": "meta", "default_mark": "meta"}, []),
        ({"deselect": ["tests/test_a.py::test_f"]}, ["--deselect of 1 test(s)"]),
        ({"deselect": ("a::b", "a::c", "a::d")}, ["--deselect of 3 test(s)"]),
        ({"ignore": ["tests/test_a.py"]}, ["--ignore tests/test_a.py"]),
        ({"ignore": ["tests/test_a.py", Path("more")]}, ["--ignore tests/test_a.py more"]),
        ({"last_failed": True}, ["--lf (last failed only)"]),
        ({"explicit_args": False, "args": ["tests/test_a.py::test_f", "other"]}, []),  # from testpaths
    ],
)
def test_run_scope_selection_options(root, kw, reasons):
    got = _scope(root, **kw)
    expected = ("partial" if reasons else "full", reasons)
    assert got == expected, f"{kw}: run_scope gave {got}, expected {expected}"


def test_run_scope_defaults_are_a_full_run(root):
    got = run_scope(keyword="", markexpr="", default_mark="not slow", args=[], explicit_args=True,
                    testpaths=["tests"], rootdir=root, invocation_dir=root)
    assert got == ("full", []), f"run_scope without deselect/ignore/lf gave {got}, expected ('full', [])"


@pytest.mark.parametrize(
    "args, invocation, reasons",
    [
        (["tests"], ".", []),
        (["tests", "more"], ".", []),
        (["tests/"], ".", []),
        (["./tests"], ".", []),
        (["."], ".", []),
        ([], ".", []),
        ([Path("more")], ".", []),
        (["ROOT"], ".", []),  # the rootdir as an absolute path
        (["."], "tests", []),
        ([".."], "tests", []),
        (["../more"], "tests", []),
        (["tests/test_a.py"], ".", ["path tests/test_a.py"]),
        ([Path("tests/test_a.py")], ".", ["path tests/test_a.py"]),
        (["test_a.py"], "tests", ["path test_a.py"]),
        (["other"], ".", ["path other"]),
        (["tests/../other"], ".", ["path tests/../other"]),
        (["tests/test_a.py::test_f"], ".", ["node id tests/test_a.py::test_f"]),
        (["tests::x"], ".", ["node id tests::x"]),  # a node id even when the path part is a testpath
        (["tests/test_a.py::test_f", "tests", "other", "tests/test_a.py::test_g[1]", "more"], ".",
         ["node id tests/test_a.py::test_f", "path other", "node id tests/test_a.py::test_g[1]"]),
    ],
)
def test_run_scope_path_arguments(root, args, invocation, reasons):
    args = [str(root) if a == "ROOT" else a for a in args]
    got = _scope(root, args=args, explicit_args=True, invocation_dir=root / invocation)
    expected = ("partial" if reasons else "full", reasons)
    assert got == expected, f"args {args} from {invocation}: run_scope gave {got}, expected {expected}"


def test_run_scope_path_not_in_testpaths(root):
    got = _scope(root, args=["tests"], explicit_args=True, testpaths=[])
    assert got == ("partial", ["path tests"]), f"tests/ without testpaths: {got}, expected ('partial', ['path tests'])"


def test_run_scope_rootdir_given_as_a_string_with_dots(root):
    got = _scope(root, args=["tests"], explicit_args=True, rootdir=f"{root}/tests/..")
    assert got == ("full", []), f"rootdir {root}/tests/..: {got}, expected ('full', [])"


def test_run_scope_gives_every_reason_in_order(root):
    got = _scope(root, keyword="k1", markexpr="slow", deselect=["a::b", "a::c"], ignore=["other"],
                 last_failed=True, explicit_args=True, args=["other", "tests/test_a.py::t", "tests"])
    expected = ("partial", ["-k 'k1'", "-m 'slow' instead of the default 'not slow'",
                            "--deselect of 2 test(s)", "--ignore other", "--lf (last failed only)",
                            "path other", "node id tests/test_a.py::t"])
    assert got == expected, f"every option: run_scope gave\n {got}\n expected\n {expected}"
