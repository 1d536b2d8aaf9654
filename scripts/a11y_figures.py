"""Accessibility figures of the demo (issue 22), printed per page: `make a11y`.

The demo app as `make run` sets it up (migrated SQLite in a temporary folder, reference data,
diagnosis codes, seed-demo) is served on a loopback port. Each demo account (password tcm-demo)
signs in, in Debian's Chromium through Playwright, and follows the same-origin links of the pages
it reaches (GET only; one page per URL shape: ids and query values left out; at most PAGES_PER_ROLE
pages). The patient, the elder (demo-elder, in the elderly mode) and her son acting for her
(demo-family) use a phone (390x844, touch); staff a desktop (1366x900). Per page:

- axe-core 4.14 (tests/a11y/axe.py): WCAG 2.1 A/AA violations by rule (nodes), best-practice
  violations apart, and the items axe leaves to a person (incomplete);
- patient pages: the touch targets (links, buttons, inputs, selects, labels, summaries; a label
  and its control joined as one target, links inside running text exempt: tests/a11y/measure.py)
  whose box is under 44x44 CSS px, and how many of those are under 24x24;
- the smallest computed font size of visible text (not text clipped for screen readers), and where;
- 200 % zoom: does the page scroll sideways? Emulated by halving the viewport width at device
  scale 1 (195 px for the 390 px phone, 683 px for the 1366 px desktop): browser zoom makes a
  CSS px two device px, so the layout viewport and the media queries see half the width, which
  is what this reproduces. CSS `zoom: 2` on the root would not: media queries and viewport
  units would still see the full width.

Environment: ROLES (comma-separated usernames without "demo-"), PAGES_PER_ROLE (default 40)."""

import logging
import os
import shutil
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tcm_app.app import create_app  # noqa: E402
from tests.a11y import axe, measure  # noqa: E402
from tests.a11y.walk import is_html_page, links_on  # noqa: E402
from tests.a11y.walk import url_shape as shape  # noqa: E402

PASSWORD = "tcm-demo"
ROLES = os.environ.get(
    "ROLES", "patient,elder,family,doctor,pharmacist,decoction,clinic,therapist,admin,quality"
).split(",")
PAGES_PER_ROLE = int(os.environ.get("PAGES_PER_ROLE", "40"))
# On a phone, counted apart: the patient, the demo elder in the elderly mode (长辈模式, her
# account's setting) and her son acting for her (家人代办, a patient account in the normal mode).
PHONE_KINDS = {"patient": "patient", "elder": "elder mode", "family": "patient"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
TARGET, MINIMUM = measure.TARGET, measure.MINIMUM


def demo_app(folder: Path):
    """The app as `make run` prepares it, on SQLite in `folder`."""
    app = create_app(
        {
            "SECRET_KEY": "a" * 48,
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "RATELIMIT_ENABLED": False,
        }
    )
    runner = app.test_cli_runner()
    for args in (
        ["db", "upgrade", "--directory", str(ROOT / "migrations")],
        ["import-reference"],
        ["codes", "import", "--if-empty", str(ROOT / "tcm_app/data/gbt15657_codes.csv")],
        ["seed-demo"],
    ):
        with app.app_context():  # the commands added without Flask's decorator need one
            result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(args)} failed: {result.output}{result.exception}")
    return app


def serve(app) -> str:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def where(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def measure_page(page, phone: bool, screen: dict) -> dict:
    result = axe.scan(page)
    figures = {
        "axe": result,
        "smallest": measure.smallest_text(page),
        "smallest_outside_charts": measure.smallest_text(page, outside_charts=True),
        "zoom": measure.zoomed(page, screen["viewport"]),
    }
    if phone:
        figures["targets"] = measure.small_targets(page)
    return figures


def rules(findings) -> str:
    counts = axe.by_rule(findings)
    return ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())) or "0"


def report(path: str, figures: dict) -> list[str]:
    result, smallest, zoom = figures["axe"], figures["smallest"], figures["zoom"]
    lines = [f"  {path}"]
    if result.error:
        lines.append(f"    axe failed: {result.error}")
    lines.append(
        f"    axe: WCAG A/AA {rules(result.violations)}; best practice "
        f"{rules(result.best_practice)}; to review {rules(result.incomplete)}"
    )
    if smallest:
        lines.append(
            f'    smallest text: {smallest["size"]:g} px ({smallest["where"]} "{smallest["text"]}")'
        )
    sideways = zoom["scroll"] > zoom["width"]
    where = (
        f", widest {zoom['widest']['where']} to {zoom['widest']['right']} px"
        if zoom["widest"]
        else ", by text overflowing its box"  # e.g. white-space: nowrap: no element is wider
    )
    lines.append(
        f"    200 % zoom ({zoom['width']} px wide): "
        + (f"scrolls sideways to {zoom['scroll']} px{where}" if sideways else "no sideways scroll")
    )
    if "targets" in figures:
        total, small = figures["targets"]
        tiny = sum(1 for t in small if t["width"] < MINIMUM or t["height"] < MINIMUM)
        kinds = Counter(f"{t['what']} {t['width']}x{t['height']} «{t['text']}»" for t in small)
        lines.append(
            f"    touch targets: {len(small)} of {total} under {TARGET}x{TARGET} "
            f"({tiny} under {MINIMUM}x{MINIMUM})"
        )
        for kind, n in kinds.most_common(6):
            lines.append(f"      {n} x {kind}")
        if len(kinds) > 6:
            lines.append(f"      ... {len(kinds) - 6} more kinds")
    return lines


def sweep_role(browser, base: str, role: str, totals: Counter) -> None:
    phone = role in PHONE_KINDS
    screen = PHONE if phone else DESKTOP
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **screen)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, f"demo-{role}")
    print(f"demo-{role} ({'phone 390x844' if phone else 'desktop 1366x900'})", flush=True)
    queue, seen_shapes = [page.url], set()
    while queue and totals[f"demo-{role} pages"] < PAGES_PER_ROLE:
        url = queue.pop(0)
        if shape(url) in seen_shapes:
            continue
        seen_shapes.add(shape(url))
        if not is_html_page(page, url):
            continue
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(base):
            continue
        if page.url != url and shape(page.url) in seen_shapes:
            continue  # redirected to a page already measured
        seen_shapes.add(shape(page.url))
        page.wait_for_load_state("load")
        figures = measure_page(page, phone, screen)
        print("\n".join(report(where(page.url), figures)), flush=True)
        count(totals, role, PHONE_KINDS.get(role, "staff"), figures)
        queue += links_on(page, base)
    context.close()


def count(totals: Counter, role: str, kind: str, figures: dict) -> None:
    result, zoom = figures["axe"], figures["zoom"]
    totals[f"demo-{role} pages"] += 1
    totals[f"{kind} pages"] += 1
    totals[f"{kind} WCAG violation nodes"] += sum(len(f.targets) for f in result.violations)
    totals[f"{kind} best-practice nodes"] += sum(len(f.targets) for f in result.best_practice)
    totals[f"{kind} pages scrolling sideways at 200 %"] += zoom["scroll"] > zoom["width"]
    size = figures["smallest"]["size"] if figures["smallest"] else 99
    smallest = totals.get(f"{kind} smallest text px", 99)
    totals[f"{kind} smallest text px"] = min(smallest, size)
    outside = figures["smallest_outside_charts"]
    key = f"{kind} smallest text px outside charts"
    totals[key] = min(totals.get(key, 99), outside["size"] if outside else 99)
    if "targets" in figures:
        total, small = figures["targets"]
        totals[f"{kind} touch targets"] += total
        totals[f"{kind} touch targets under 44x44"] += len(small)
        totals[f"{kind} touch targets under 24x24"] += sum(
            1 for t in small if t["width"] < MINIMUM or t["height"] < MINIMUM
        )


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.chromium import ARGS, CHROMIUM

    logging.disable(logging.WARNING)  # the seed's and the server's logs
    axe.axe_source()  # fail early, with the remedy, when axe-core is not installed
    folder = Path(tempfile.mkdtemp(prefix="tcm-a11y-"))
    try:
        base = serve(demo_app(folder))
        totals: Counter = Counter()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for role in ROLES:
                sweep_role(browser, base, role, totals)
            browser.close()
        print("\ntotals")
        for name in sorted(k for k in totals if not k.endswith(" pages") or "at 200" in k):
            print(f"  {name}: {totals[name]:g}")
        for kind in ("patient", "elder mode", "staff"):
            print(f"  {kind} pages: {totals[f'{kind} pages']}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
