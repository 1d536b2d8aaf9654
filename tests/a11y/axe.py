"""axe-core (npm registry, pinned in tests/a11y/package-lock.json, installed by `make
install-test` into tests/a11y/node_modules) run inside a Playwright page.

Two ways in, both past the app's Content-Security-Policy (a <script> tag would be refused):
- `scan(page)`: evaluate axe in the page as it is now, and return its findings (the figures
  script, scripts/a11y_figures.py);
- `RUN_AFTER_LOAD`: init scripts for a browser context that run axe once on every document after
  its load event and hand the findings to a binding (the journeys, tests/journeys/conftest.py:
  on by default, a WCAG 2.1 A/AA violation fails the journey; TCM_AXE=0 turns it off for a quick
  local run, `make test` always runs it).

Findings are split the way issue 22 counts them: violations of WCAG 2.1 A/AA (what the journeys
will fail on), best-practice violations (reported apart), and the items axe cannot decide
("incomplete": a person has to look)."""

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BEST_PRACTICE = "best-practice"
# The binding through which the pages of a journey report (see RUN_AFTER_LOAD).
BINDING = "__tcmAxeReport"
# Where the journeys record what axe found on each page (one JSON object per line).
JOURNEY_REPORT = Path(__file__).resolve().parent.parent.parent / ".pytest_cache" / "axe.jsonl"

_OPTIONS = {
    "runOnly": {"type": "tag", "values": [*WCAG_TAGS, BEST_PRACTICE]},
    "resultTypes": ["violations", "incomplete"],
    # The top document only: a frame (an uploaded file shown inline) is its own document.
    "iframes": False,
}
# The journeys' run: the WCAG rules only (what fails a journey), violations only (no time spent
# detailing the passes and the items left for review).
_JOURNEY_OPTIONS = {
    "runOnly": {"type": "tag", "values": list(WCAG_TAGS)},
    "resultTypes": ["violations"],
    "iframes": False,
}


def _run_script(options: dict) -> str:
    """axe.run, reduced to what we keep (rule, impact, tags, the CSS targets of each node)."""
    return f"""async () => {{
  const result = await window.axe.run(document, {json.dumps(options)});
  const keep = (items) => items.map((item) => ({{
    rule: item.id, impact: item.impact, tags: item.tags, help: item.help,
    targets: item.nodes.map((node) => node.target.join(" ")),
  }}));
  return {{ url: location.href, violations: keep(result.violations),
           incomplete: keep(result.incomplete || []) }};
}}"""


_RUN = _run_script(_OPTIONS)

# Only where axe is to run: the top document of an HTML page, not a frame (an uploaded file shown
# inline is its own document) nor a file the browser shows itself (Chromium's image viewer).
_WANTED = 'window.top === window && document.contentType === "text/html"'

RUN_AFTER_LOAD = f"""(() => {{
  if (!({_WANTED})) return;
  // One run per document (axe refuses two at once), started after the page's own load handlers,
  // or earlier by __tcmAxeNow (the journey's end, a test's own scan), which waits for it.
  let started = null;
  const run = () => {{
    started = started || (async () => {{
      if (!window.axe || typeof window.{BINDING} !== "function") return;
      try {{
        await window.{BINDING}(await ({_run_script(_JOURNEY_OPTIONS)})());
      }} catch (error) {{
        await window.{BINDING}({{ url: location.href, error: String(error) }});
      }}
    }})();
    return started;
  }};
  window.__tcmAxeNow = run;
  window.addEventListener("load", () => setTimeout(run, 0));
}})();"""
# Waits for the document's run (starting it if its load has not come yet); nothing without axe.
RUN_NOW = "() => window.__tcmAxeNow ? window.__tcmAxeNow().then(() => true) : false"


class AxeMissingError(RuntimeError):
    pass


def axe_source() -> str:
    if not AXE_JS.exists():
        raise AxeMissingError(f"{AXE_JS} is missing: run `make install-test`")
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class Finding:
    rule: str
    impact: str | None
    tags: list[str]
    help: str
    targets: list[str]

    @property
    def is_wcag(self) -> bool:
        return any(tag in WCAG_TAGS for tag in self.tags)


@dataclass
class PageResult:
    url: str
    violations: list[Finding] = field(default_factory=list)  # WCAG 2.1 A/AA
    best_practice: list[Finding] = field(default_factory=list)
    incomplete: list[Finding] = field(default_factory=list)
    error: str | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> "PageResult":
        if "error" in raw:
            return cls(url=raw.get("url", "?"), error=raw["error"])
        violations = [Finding(**item) for item in raw["violations"]]
        return cls(
            url=raw["url"],
            violations=[f for f in violations if f.is_wcag],
            best_practice=[f for f in violations if not f.is_wcag],
            incomplete=[Finding(**item) for item in raw["incomplete"]],
        )


def scan(page) -> PageResult:
    """axe on the page as it is now (axe evaluated into it first if it is not there). In a
    journey's page the run after load comes first (axe refuses two runs at once)."""
    page.evaluate(RUN_NOW)
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(axe_source())
    return PageResult.from_raw(page.evaluate(_RUN))


def by_rule(findings: list[Finding]) -> Counter:
    """Nodes per rule: `{"th-has-data-cells": 1}`."""
    return Counter({f.rule: len(f.targets) for f in findings})


# The journeys' switch and record ----------------------------------------------------------------


def enabled() -> bool:
    """On unless TCM_AXE=0 (a quicker local run of the journeys; `make test` does not set it)."""
    return os.environ.get("TCM_AXE", "1") != "0"


def watch_context(context, who: str, on_result=None) -> None:
    """Run axe after the load of every document this context opens (WCAG 2.1 A/AA rules only);
    append what it finds to JOURNEY_REPORT and hand each PageResult to `on_result` (the journeys'
    watcher fails the journey on a violation)."""
    source = axe_source()

    def report(_source, raw):
        if on_result is not None:
            on_result(PageResult.from_raw(raw))
        record = {"who": who, **raw}
        JOURNEY_REPORT.parent.mkdir(parents=True, exist_ok=True)
        # One write per line in append mode: the xdist workers share the file.
        with JOURNEY_REPORT.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    context.expose_binding(BINDING, report)
    # axe itself only where it runs: a frame or an image viewer does not execute its 560 kB.
    context.add_init_script(f"if ({_WANTED}) {{\n{source}\n}}")
    context.add_init_script(RUN_AFTER_LOAD)


def problems(result: PageResult) -> list[str]:
    """What fails a journey: each WCAG 2.1 A/AA violation, with where it is and how to fix it."""
    return [
        f"axe {finding.rule} on {result.url}: {', '.join(finding.targets)} ({finding.help})"
        for finding in result.violations
    ]


def start_journey_report() -> None:
    JOURNEY_REPORT.unlink(missing_ok=True)


def journey_summary() -> list[str]:
    """Lines for the end of the test run: pages scanned, violations by rule and where."""
    if not JOURNEY_REPORT.exists():
        return ["axe: no page was scanned"]
    results = [
        PageResult.from_raw(json.loads(line))
        for line in JOURNEY_REPORT.read_text(encoding="utf-8").splitlines()
    ]
    lines = [f"axe-core on {len(results)} pages the journeys loaded (record in {JOURNEY_REPORT})"]
    for title, pick in (
        ("WCAG 2.1 A/AA violations", lambda r: r.violations),
        ("best-practice violations", lambda r: r.best_practice),
        ("to review (incomplete)", lambda r: r.incomplete),
    ):
        pages: Counter = Counter()
        nodes: Counter = Counter()
        for result in results:
            for rule, count in by_rule(pick(result)).items():
                pages[rule] += 1
                nodes[rule] += count
        lines.append(f"  {title}: {sum(nodes.values())} nodes")
        for rule in sorted(nodes):
            lines.append(f"    {rule}: {nodes[rule]} nodes on {pages[rule]} pages")
    errors = [r for r in results if r.error]
    lines += [f"  axe failed on {r.url}: {r.error}" for r in errors]
    return lines
