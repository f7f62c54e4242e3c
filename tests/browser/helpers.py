"""Helpers the browser tests share: axe-core checks and signing in through the real form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def _axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_JS} is missing). Run scripts/setup-browser "
            "(it runs `npm ci` for the version pinned in package-lock.json).",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe(page, *, context: str | None = None) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations (WCAG 2.x A/AA + best practice)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as an inline <script> (add_script_tag):
        # the site's Content-Security-Policy rightly blocks inline scripts.
        page.evaluate(_axe_source() + "\n;undefined")
    result = page.evaluate(
        """async (context) => {
            const r = await axe.run(context || document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }));
        }""",
        context,
    )
    return result


def format_violations(violations: list[dict], url: str) -> str:
    """One readable block per violation: rule, impact, and each offending element."""
    lines = [f"axe-core found {len(violations)} serious/critical violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' > '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("summary") or "").replace("\n", "\n         ")
            if summary:
                lines.append(f"       {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more element(s)")
    return "\n".join(lines)


def assert_accessible(page) -> list[dict]:
    """Fail on any serious or critical axe-core violation; return the minor ones for inspection."""
    violations = axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(format_violations(blocking, page.url), pytrace=False)
    return violations


def sign_in(page, base_url: str, username: str, password: str, *, next_path: str = "") -> None:
    """Sign in through the login form, as a person would, by its labels."""
    url = f"{base_url}/accounts/login/"
    if next_path:
        url += f"?next={next_path}"
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        pytest.fail(f"sign-in as {username!r} did not leave the login page:\n{page.inner_text('main')}")


def dump(obj) -> str:
    return json.dumps(obj, indent=2, default=str)
