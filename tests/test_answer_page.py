"""The answer page, pinned: the full run's data gives exactly the page learners read.

`tests/data/answer_results.json` holds the claims and data payloads that `theory.answer`
reads, taken from the full run at commit 42c7c43 (`reports/results.json`, 2026-11-26), and
`tests/data/answer_page.md` the page rendered from them, identical to that run's
reports/ANSWER.md, which was read in review. Every number on the page comes from the data,
so a change to the page's text or to how it reads a payload shows up here. After a
deliberate change to the page, regenerate the expected page with::

    python -c "from tests.test_answer_page import rendered; open('tests/data/answer_page.md', 'w', encoding='utf-8').write(rendered())"

and read the diff before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

from theory import answer
from theory.report.jsonsafe import decode

DATA = Path(__file__).resolve().parent / "data"


def _results():
    return decode(json.loads((DATA / "answer_results.json").read_text(encoding="utf-8")))


def rendered(with_figures=True):
    """The page of the pinned results, with its figures linked as the report links them."""
    figures = {key: f"figures/{name}.png" for key, name in answer.FIGURES.items()}
    return answer.render(_results(), figures if with_figures else None)


def _first_difference(got, expected):
    for i, (g, e) in enumerate(zip(got.splitlines(), expected.splitlines())):
        if g != e:
            return f"line {i + 1}:\n got      {g!r}\n expected {e!r}"
    return f"lengths differ: {len(got.splitlines())} lines against {len(expected.splitlines())}"


def test_the_full_runs_page_is_unchanged():
    expected = (DATA / "answer_page.md").read_text(encoding="utf-8")
    got = rendered()
    assert got == expected, "the answer page changed: " + _first_difference(got, expected)


def _links(page):
    return [line[line.index("](") + 2:-1] for line in page.splitlines() if line.startswith("![")]


def test_without_its_own_figures_the_page_links_the_reports():
    """Given no figures, the page links the report's figures of the data it has (the
    agreement accuracy and training curves); given an empty dict, none."""
    assert _links(rendered()) == ["figures/motivating_lag_terms.png", "figures/motivating_input_sensitivity.png",
                                  "figures/motivating_agreement_accuracy.png",
                                  "figures/motivating_agreement_training.png"], _links(rendered())
    got = _links(rendered(with_figures=False))
    assert got == ["figures/agreement_accuracy.png", "figures/agreement_training.png"], got
    assert _links(answer.render(_results(), {})) == [], _links(answer.render(_results(), {}))
