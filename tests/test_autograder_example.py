"""The course autograder of examples/autograder passes on the solution and fails, with a printed
falsifying example, on each of the three typical mistakes of examples/autograder/mistakes.py.

Each run is a fresh in-process pytest session in its own temporary directory (pytester):
the student's file is copied in as ``rnn_exercise.py``, as an autograder would, and nothing
is shared between runs or xdist workers (no Hypothesis database), and the inner session loads
no plugin installed on the machine (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``): not the Hypothesis
pytest plugin, which writes patch files, nor any other, as on a clean grading machine.
"""

import runpy
from pathlib import Path

import pytest
from hypothesis import settings

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "autograder"
SOLUTION = (EXAMPLE / "rnn_exercise.py").read_text()
GRADER = (EXAMPLE / "test_rnn_exercise.py").read_text()
MISTAKES = runpy.run_path(str(EXAMPLE / "mistakes.py"))["MISTAKES"]
DOC = (EXAMPLE.parent.parent / "docs" / "autograder.md").read_text()


@pytest.fixture(autouse=True)
def no_installed_plugins(monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def grade(pytester, submission, *selection):
    pytester.makepyfile(rnn_exercise=submission, test_rnn_exercise=GRADER)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q", *selection)


#: How Hypothesis heads the failing case it prints: "Falsifying example:" (6.155, on this
#: project's machines), "Failing test case:" in later releases (6.170, in a fresh tox env).
HEADINGS = ("Falsifying example:", "Failing test case:")


def falsifying_block(output):
    """The lines from the failing case's heading to its closing parenthesis, as pytest prints
    them, with the heading spelled as docs/autograder.md quotes it ("Falsifying example:")."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if any(h in line for h in HEADINGS))
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("E       )"))
    block = "\n".join(lines[start:end + 1])
    return block.replace(HEADINGS[1], HEADINGS[0])


def test_the_solution_passes(pytester):
    result = grade(pytester, SOLUTION)
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_is_falsified(pytester, mistake):
    correct, mistaken = MISTAKES[mistake]
    assert SOLUTION.count(correct) == 1, f"{mistake}: the line {correct!r} is not once in rnn_exercise.py"
    # Every mistake is in the backward pass (the forward test passes on the solution's forward).
    result = grade(pytester, SOLUTION.replace(correct, mistaken), "-k", "test_rnn_backward_gradients")
    result.assert_outcomes(failed=1, deselected=1)
    output = result.stdout.str()
    assert "FAILED test_rnn_exercise.py::test_rnn_backward_gradients" in output, output
    assert any(f"{h} test_rnn_backward_gradients(" in output for h in HEADINGS), output
    assert "case=RNNCase(" in output, output
    assert "differs from the autograd reference" in output, output
    if settings.default.max_examples == 30:  # the profile docs/autograder.md's outputs come from
        block = falsifying_block(output)
        assert block in DOC, f"docs/autograder.md does not quote the falsifying example of {mistake}:\n{block}"
