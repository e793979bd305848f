"""The answer page, pinned: the runs' data give exactly the pages learners read.

Three pinned results, each holding the claims and data payloads that `theory.report.answer` reads:

* `tests/data/answer_results.json`, trimmed from a default `HYPOTHESIS_PROFILE=ci` run's
  `reports/results.json`; its page is `answer_page.md`;
* `docs/data/results_full.json`, trimmed from the full run (`pytest -m ""`, the slow agreement
  experiment included) that `docs/motivating-question.md` and `docs/learner-guide.md` quote;
  its page `answer_page_full.md` has the paragraphs only the full run triggers (the
  learning-rate sensitivity, the distances where the gap to the LSTM narrowed);
* `tests/data/answer_results_empty.json`, the default run's with no claims and no data:
  every number on `answer_page_empty.md` reads "not measured in this run".

Each is trimmed to what the page reads and stays valid against the results schema, so the
page is rendered from the same typed objects (`theory.report.document.Results`) as a run's.

Every number on a page comes from the data, so a change to the text or to how a payload is
read shows up here. The expected pages are golden files (`tests/golden/answer_page*.md`):
after a deliberate change, `UPDATE_GOLDEN=1 pytest tests/test_answer_page.py` rewrites them;
read the diff before committing it. To pin new runs (a default run's and a full run's
results.json)::

    python -c "from tests.test_answer_page import pin; pin('default/results.json', 'full/results.json')"
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.report_fixtures import assert_golden
from theory.report import answer
from theory.report.document import load_results

DATA = Path(__file__).resolve().parent / "data"
#: The full run the docs pages quote, trimmed to what the page reads.
FULL_RUN = Path(__file__).resolve().parent.parent / "docs" / "data" / "results_full.json"

PINNED = {"answer_results.json": "answer_page.md", "results_full.json": "answer_page_full.md",
          "answer_results_empty.json": "answer_page_empty.md"}


def _path(name):
    return FULL_RUN if name == FULL_RUN.name else DATA / name


def _results(name="answer_results.json"):
    return load_results(_path(name))


def rendered(with_figures=True, name="answer_results.json"):
    """The page of pinned results, with its figures linked as the report links them."""
    figures = {key: f"figures/{name}.png" for key, name in answer.FIGURES.items()}
    return answer.render(_results(name), figures if with_figures else None)


#: What the page reads: the claims it names and the data payloads it quotes.
PAGE_CLAIMS = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "Q11", "LIN1", "LIN2", "LIN3", "X1")
PAGE_DATA = ("weight_sharing", "two_roles", "bptt_sum_rule", "bptt_lag_shares", "input_sensitivity",
             "input_sensitivity_trained", "default_init_spectra", "agreement_accuracy", "agreement_details",
             "agreement_lr_sensitivity", "agreement_training")


def _trimmed(document):
    """A results document cut to what the page reads and still valid against the schema: the
    page's claims and data payloads with their sources, the run's provenance, run and summary,
    and the session's time (the per-claim and per-test times are dropped)."""
    data = {k: v for k, v in document["data"].items() if k in PAGE_DATA}
    return {**document, "claims": [c for c in document["claims"] if c["id"] in PAGE_CLAIMS],
            "data": data, "data_sources": {k: v for k, v in document["data_sources"].items() if k in data},
            "timings": {"session_s": document["timings"]["session_s"], "claims": {}, "tests": {}}}


def pin(default_results, full_results):
    """Pin a default run's and a full run's results.json as the fixtures (trimmed to what the
    page reads), and the default run's with no claims and no data as the empty one; then
    ``UPDATE_GOLDEN=1 pytest tests/test_answer_page.py`` renews the pages."""
    default = _trimmed(load_results(default_results).document)
    empty = {**default, "claims": [], "data": {}, "data_sources": {},
             "summary": {key: 0 for key in default["summary"]}}
    for path, document in ((DATA / "answer_results.json", default), (FULL_RUN, _trimmed(load_results(full_results).document)),
                           (DATA / "answer_results_empty.json", empty)):
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.mark.parametrize("results, page", sorted(PINNED.items()))
def test_the_pinned_page_is_unchanged(results, page):
    assert_golden(page, rendered(name=results))


def test_only_the_full_run_tests_the_learning_rate():
    default, full = rendered(), rendered(name="results_full.json")
    for phrase in ("Sensitivity to the recipe", "The full agreement experiment took"):
        assert phrase not in default and phrase in full, f"{phrase!r}: default {phrase in default}, full {phrase in full}"


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


def test_narrow_gaps_picks_the_failed_distances_whose_gap_fell_below_3_decades():
    """The sentence on shorter distances, from a payload built to sit on every edge: D = 5 has
    no accuracy (skipped); the RNN learned D = 2 (skipped); D = 20 has the RNN's upper Wilson
    end exactly at 0.75 (counts as failed) and a gap of 2.5 decades at step 0, beside steps
    whose values cannot be compared (0, negative, infinite); D = 25 failed but its gap is
    exactly 3 decades (not below); the last distance, 30, is the claim's own and never listed."""
    steps = [0, 1, 2, 3, 4, 5]
    distances = [5, 2, 25, 20, 30]
    fine = ([1e-3] * 6, [1.0] * 6)  # log10: −3 and 0, a gap of exactly 3 decades
    rows = {5: fine, 2: fine, 25: fine, 30: fine,
            20: ([1e-3, 0.0, 1e-3, -1.0, math.inf, 1e-3], [10 ** -0.5, 1.0, 0.0, 1.0, 1.0, 1.0])}
    training = {"steps": steps, "distances": distances,
                "rnn": [rows[d][0] for d in distances], "lstm": [rows[d][1] for d in distances]}
    acc = {"distances": [2, 20, 25, 30], "rnn": {"ci_high": [0.95, 0.75, 0.5, 0.5]}}
    got = answer._narrow_gaps(training, steps, distances, acc)
    expected = (" At shorter distances where the RNN also failed the comparison is less clean: D = 20 (smallest "
                "gap 2.5 decades, at step 0). There the RNN's own gradient is larger, and the LSTM, once it has "
                "fitted the task, carries a small loss and hence a small gradient of its own; the claim (Q11) is "
                "about the longest distance.")
    assert got == expected, f"_narrow_gaps gave {got!r}"
    acc["rnn"]["ci_high"][1] = 0.7500001
    assert answer._narrow_gaps(training, steps, distances, acc) == "", "D = 20 learned: nothing to say"
