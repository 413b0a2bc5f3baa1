"""tests/axe.py finds what axe-core finds, on a page whose Content-Security-Policy would block
any injected script tag, and names each fault's rule and element."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.axe import assert_accessible, axe_violations
from tests.conftest import FIXTURES


def test_axe_names_the_faults_of_a_page_under_a_strict_policy(browser: Browser) -> None:
    page = browser.new_page()
    page.goto((FIXTURES / "axe-known-violations.html").as_uri())
    found = {(v.id, v.impact, v.targets) for v in axe_violations(page)}
    assert found == {
        ("button-name", "critical", ("#unnamed-button",)),
        ("label", "critical", ("#unlabelled-input",)),
    }
    assert axe_violations(page, exclude=["#unnamed-button", "#unlabelled-input"]) == []
    try:
        assert_accessible(page)
    except AssertionError as failure:
        message = str(failure)
    assert message.startswith("axe-core finds 2 fault(s) on file://")
    assert (
        "\n  button-name (critical): Buttons must have discernible text\n    at #unnamed-button"
        in message
    )
    page.close()
