"""The pytest plugin that writes the claim report on every run.

Loaded from the root conftest.py (``pytest_plugins = ["theory.report.plugin"]``), so a bare
``pytest`` or ``pytest -n auto`` writes ``reports/``. Under pytest-xdist each worker
harvests :mod:`theory.report.evidence` after every test and sends it to the controller through
``config.workeroutput``; the controller merges it with the test outcomes it receives and
writes the report once, at the end of the session. A worker also draws each figure as soon
as a test records its data (:func:`theory.report.render.predraw`), so that the drawing runs
beside the other worker's tests; the controller writes those files where they are the ones
it would draw. Without xdist the same process does both jobs and draws at the end.

Options: ``--report-dir DIR`` (default ``reports``, relative to the rootdir),
``--report-overwrite-partial`` (let a partial run replace the full report instead of
writing ``DIR/partial/``), ``--no-report``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from . import evidence

from .build import build_results, figure_claims
from .jsonsafe import encode
from .merge import merge_collection, merge_data, merge_evidence
from .outcomes import OutcomeTally, default_markexpr, run_scope
from .provenance import _torch_threads, collect_provenance
from .render import predraw, write_report

__all__ = ["ReportPlugin"]

KEY = "theory_report"
# sessions that end like this write no report (interrupted, internal error, usage error,
# nothing collected)
_NO_REPORT_EXIT = {2: "the run was interrupted", 3: "pytest hit an internal error",
                   4: "pytest was used wrongly (usage error)", 5: "no tests were collected"}


def pytest_addoption(parser):
    """Add ``--report-dir``, ``--report-overwrite-partial`` and ``--no-report``."""
    group = parser.getgroup("theory-report", "claim report (theory.report)")
    group.addoption("--report-dir", default="reports", metavar="DIR",
                    help="folder for results.json, REPORT.md, claims.tex and figures "
                         "(relative to the rootdir; default: reports)")
    group.addoption("--report-overwrite-partial", action="store_true", default=False,
                    help="let a partial run (-k, -m, file or node arguments) replace the report "
                         "in --report-dir instead of writing DIR/partial/")
    group.addoption("--no-report", action="store_true", default=False,
                    help="do not write the claim report")


def pytest_configure(config):
    """Register one :class:`ReportPlugin` per process (controller, worker or plain run)."""
    if not config.pluginmanager.has_plugin("theory-report"):
        config.pluginmanager.register(ReportPlugin(config), "theory-report")


class ReportPlugin:
    """Collects outcomes and evidence in every process; writes the report in the controller."""

    def __init__(self, config):
        self.config = config
        self.is_worker = hasattr(config, "workerinput")
        self.evidence_pairs = []
        self.data_pairs = []
        self.collected = {}
        self.selected = []
        self.deselected = set()
        self.slow = set()
        self.tally = OutcomeTally()
        self.worker_outputs = []
        self.workers = 0
        self.messages = []
        self.errors = []
        self.started = time.perf_counter()
        # an xdist worker draws each figure as soon as its data are recorded (render.predraw)
        self.predraws = self.is_worker and not config.getoption("no_report")
        self.latest = {}  # data key → (source, encoded payload), the last this process recorded
        self.predrawn = {}

    # --- every process ---------------------------------------------------------------

    def _harvest(self, source):
        """Move what ``theory.report.evidence`` holds into this plugin, attributed to ``source``."""
        try:
            store, data = evidence.snapshot(), evidence.data_snapshot()
            if store:
                self.evidence_pairs.append([source, encode(store)])
            if data:
                self.data_pairs.append([source, encode(data)])
                if self.predraws:
                    self._predraw(source, self.data_pairs[-1][1])
        except Exception as exc:  # noqa: BLE001 - never break a test run over the report
            self.errors.append(f"evidence of {source} lost: {type(exc).__name__}: {exc}")
            store = data = True
        if store or data:
            evidence.reset()

    def _predraw(self, source, data):
        """Draw the figures that read ``data``, just recorded by ``source``, in this worker."""
        self.latest.update((key, (source, payload)) for key, payload in data.items())
        try:
            from .claims import CLAIMS

            claims = {key: figure_claims(CLAIMS, self.collected, src) for key, (src, _) in self.latest.items()}
            self.predrawn.update(predraw({k: p for k, (_, p) in self.latest.items()}, claims, data))
        except Exception:  # noqa: BLE001 - a figure not drawn here is drawn by the controller
            pass

    def _markers(self, item):
        return sorted({str(a) for m in item.iter_markers("claim") for a in m.args})

    def _collect(self, item):
        self.collected[item.nodeid] = self._markers(item)
        if item.get_closest_marker("slow") is not None:
            self.slow.add(item.nodeid)

    def pytest_deselected(self, items):
        for item in items:
            self._collect(item)
            self.deselected.add(item.nodeid)

    def pytest_collection_finish(self, session):
        for item in session.items:
            self._collect(item)
        self.selected = [item.nodeid for item in session.items]
        self._harvest("<collection>")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        try:
            return (yield)
        finally:
            self._harvest(item.nodeid)

    def pytest_runtest_logreport(self, report):
        if not self.is_worker:
            self.tally.add(report)

    def local_output(self):
        """What this process observed, as plain JSON types (execnet can send it)."""
        return {
            "collected": {k: list(v) for k, v in self.collected.items()},
            "selected": list(self.selected),
            "deselected": sorted(self.deselected),
            "slow": sorted(self.slow),
            "evidence": self.evidence_pairs,
            "data": self.data_pairs,
            "errors": self.errors,
            "torch_threads": _torch_threads(),
            "figures": self.predrawn,
        }

    # --- xdist controller ------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodeready(self, node):
        self.workers += 1

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        out = getattr(node, "workeroutput", None) or {}
        if KEY in out:
            self.worker_outputs.append(out[KEY])
        elif error:
            self.messages.append(f"worker {getattr(node, 'gateway', node)} went down without its "
                                 f"evidence ({error})")

    # --- end of session ----------------------------------------------------------------

    # tryfirst: in an xdist controller the report is written before xdist's own
    # sessionfinish waits for the workers to end (1.2-2 s), so that it overlaps their
    # pytest_unconfigure instead of following it; in a worker, workeroutput is set before
    # xdist sends it.
    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        self._harvest("<session>")
        if self.is_worker:
            self.config.workeroutput[KEY] = self.local_output()
            return
        try:
            self._finish(int(exitstatus))
        except Exception as exc:  # noqa: BLE001 - the report must never break the test run
            self.messages.append(f"report NOT written: {type(exc).__name__}: {exc}")

    def _scope(self):
        cfg = self.config
        opt = cfg.option
        args_source = getattr(cfg, "args_source", None)
        explicit = args_source is None or args_source.name != "TESTPATHS"
        return run_scope(
            keyword=getattr(opt, "keyword", "") or "",
            markexpr=getattr(opt, "markexpr", "") or "",
            default_mark=default_markexpr(cfg.getini("addopts")),
            args=list(cfg.args),
            explicit_args=explicit,
            testpaths=list(cfg.getini("testpaths") or []),
            rootdir=cfg.rootpath,
            invocation_dir=cfg.invocation_params.dir,
            deselect=getattr(opt, "deselect", None) or (),
            ignore=(getattr(opt, "ignore", None) or []) + (getattr(opt, "ignore_glob", None) or []),
            last_failed=bool(getattr(opt, "lf", False)),
        )

    def _finish(self, exitstatus):
        cfg = self.config
        if cfg.getoption("no_report"):
            return
        if cfg.getoption("collectonly", False) or cfg.getoption("setuponly", False) \
                or cfg.getoption("setupplan", False):
            return
        if exitstatus in _NO_REPORT_EXIT:
            self.messages.append(f"report not written: {_NO_REPORT_EXIT[exitstatus]}")
            return
        outputs = self.worker_outputs + [self.local_output()]
        for out in outputs:
            self.messages.extend(f"report incomplete: {e}" for e in out.get("errors", ()))
        collection = merge_collection(outputs)
        evidence_pairs = [tuple(p) for out in outputs for p in out.get("evidence", ())]
        data_pairs = [tuple(p) for out in outputs for p in out.get("data", ())]
        merged_evidence = merge_evidence(evidence_pairs)
        data, sources = merge_data(data_pairs)
        scope, reasons = self._scope()
        lost = [e for out in outputs for e in out.get("errors", ())]
        if lost:
            reasons.append(f"{len(lost)} evidence harvest(s) failed: {lost[0]}")
            scope = "partial"
        outcomes = self.tally.records()
        never_ran = set(collection["selected"]) - set(outcomes)
        if never_ran:
            reasons.append(f"stopped early: {len(never_ran)} selected test(s) did not run")
            scope = "partial"
        if self.workers and len(self.worker_outputs) < self.workers:
            reasons.append(f"only {len(self.worker_outputs)} of {self.workers} xdist workers "
                           f"returned their evidence")
            scope = "partial"
        threads = [out["torch_threads"] for out in self.worker_outputs if out.get("torch_threads") is not None]
        provenance = collect_provenance(
            cfg.rootpath,
            seed=cfg.getoption("hypothesis_seed", None),
            workers=self.workers,
            args=cfg.invocation_params.args,
            torch_threads=max(threads, default=None),
        )
        from theory.report.claims import CLAIMS

        results = build_results(
            CLAIMS, collection, outcomes, merged_evidence, data, sources, provenance,
            {"scope": scope, "partial_reasons": reasons, "exit_status": exitstatus,
             "duration_s": time.perf_counter() - self.started},
        )
        target = Path(cfg.rootpath, cfg.getoption("report_dir"))
        if scope == "partial" and not cfg.getoption("report_overwrite_partial"):
            target = target / "partial"
            kept = (f"; the report in {target.parent} is kept (--report-overwrite-partial replaces it)"
                    if (target.parent / "results.json").exists() else "")
            where = f"partial run ({'; '.join(reasons)}): wrote {target}{kept}"
        elif scope == "partial":
            where = f"partial run ({'; '.join(reasons)}): wrote {target} (--report-overwrite-partial)"
        else:
            where = f"full run: wrote {target}"
        predrawn = {k: v for out in self.worker_outputs for k, v in out.get("figures", {}).items()}
        log = write_report(results, target, carry=("partial",) if scope == "partial" else (),
                           predrawn=predrawn)
        s = results["summary"]
        self.messages.append(
            f"{where} — run {results['run']['status'].upper()}; {s['claims']} claims: "
            f"{s['verified']} verified, {s['failed']} failed, {s['not verified']} not verified, "
            f"{s['not run']} not run; figures drawn: {len(log['figures'])}"
        )
        for note in log["notes"]:
            self.messages.append(note)
        for key, reason in log["skipped"].items():
            if reason.startswith("malformed"):
                self.messages.append(f"figure {key} skipped: {reason}")

    def pytest_terminal_summary(self, terminalreporter):
        if self.is_worker or not self.messages:
            return
        terminalreporter.section("theory report")
        for message in self.messages:
            red = "NOT written" in message or "FAILED" in message
            terminalreporter.line(message, red=red, bold=red)
