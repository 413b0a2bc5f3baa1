"""axe-core's accessibility checks on a page open in the test browser.

axe-core comes from npm into tests/node (pinned in its package-lock.json, installed by
`make test`) and is injected only into the page under test: the shipped pages never load it.
It goes in through Playwright's `page.evaluate` (the DevTools protocol), which a page's
Content-Security-Policy does not govern, so the pages keep their strict `script-src 'self'`.
It works the same on a served page and a file:// page such as the built explorer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parent / "node/node_modules/axe-core/axe.min.js"

# Runs axe over the document less the excluded selectors; the result keeps what a failing
# test needs to name the problem and where it is.
RUN_AXE = """async (exclude) => {
  const results = await window.axe.run({ exclude: exclude.map((selector) => [selector]) },
                                       { resultTypes: ['violations'] });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.flat().join(' ')),
    summary: violation.nodes[0] ? violation.nodes[0].failureSummary : '',
  }));
}"""


@dataclass(frozen=True)
class Violation:
    id: str  # the axe rule, e.g. "color-contrast"; https://dequeuniversity.com/rules/axe/<id>
    impact: str  # minor, moderate, serious or critical
    help: str
    targets: tuple[str, ...]  # a CSS selector for each failing element
    summary: str  # axe's "fix any of / all of" advice for the first failing element

    def __str__(self) -> str:
        where = ", ".join(self.targets[:5]) + (" ..." if len(self.targets) > 5 else "")
        advice = " ".join(self.summary.split())
        return f"{self.id} ({self.impact}): {self.help}\n    at {where}\n    {advice}"


@cache
def _axe_source() -> str:
    assert AXE_SCRIPT.is_file(), (
        f"{AXE_SCRIPT} is missing: run `make test`, which installs tests/node with npm ci"
    )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(
    page: Page,
    impacts: Sequence[str] = ("serious", "critical"),
    exclude: Sequence[str] = (),
) -> list[Violation]:
    """The page's axe-core violations of the given impacts (all of axe's default rules),
    leaving out elements matching the `exclude` CSS selectors; str() of each names the rule,
    the elements and the fix."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # wrapped in a function so the script runs as a script, not as one expression
        page.evaluate(f"() => {{ {_axe_source()}\n}}")
    found = page.evaluate(RUN_AXE, list(exclude))
    return [
        Violation(v["id"], v["impact"], v["help"], tuple(v["targets"]), v["summary"] or "")
        for v in found
        if v["impact"] in impacts
    ]


def assert_accessible(
    page: Page,
    impacts: Sequence[str] = ("serious", "critical"),
    exclude: Sequence[str] = (),
) -> None:
    """Fail, listing every fault in full, if axe-core finds violations of these impacts."""
    found = axe_violations(page, impacts, exclude)
    faults = "".join(f"\n  {violation}" for violation in found)
    assert not found, f"axe-core finds {len(found)} fault(s) on {page.url}:{faults}"
