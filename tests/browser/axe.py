"""axe-core in the browser journeys: the page is checked by the real axe engine, and for sideways scrolling.

tests/browser/vendor/axe.min.js is axe-core 4.14.1 as npm publishes it (`npm pack axe-core`; MPL-2.0, licence
beside it), vendored so the suite runs offline and pages never load anything from a CDN: the test suite hands the
script to the page through DevTools (page.evaluate), which no Content-Security-Policy of ours can block."""
from functools import cache
from pathlib import Path

SEVERE = ("serious", "critical")


@cache
def axe_source() -> str:
    return (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:
    """The serious and critical violations of WCAG 2.1 A/AA on the page, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations']})""")
    return [f"{violation['impact']} {violation['id']}: {violation['help']} "
            f"({', '.join(str(node['target']) for node in violation['nodes'][:3])})"
            for violation in result["violations"] if violation["impact"] in SEVERE]


def sideways_overflow(page) -> int | None:
    """How many pixels the page is wider than the viewport (None when it fits)."""
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width - viewport if width > viewport else None
