"""What a person meets on a rendered page, measured in Chromium (issue 22): touch targets and
their size, the smallest text, sideways scroll at 200 % zoom. Used by the patient pages' test
(tests/journeys/test_patient_pages_measure.py) and by `make a11y` (scripts/a11y_figures.py).

A touch target is what a finger can hit: links, buttons, form controls, summaries. A label and its
control are one target (tapping either works the control, WCAG 2.5.5's "target" is the whole
region), so a checkbox counts with its label and a text field's label with its field. A link inside
running text (display inline, with words of the sentence around it) is exempt, as WCAG 2.5.5 and
2.5.8 exempt inline targets: its height is the line's, and making it taller would push the lines
of the paragraph apart."""

TARGET = 44  # CSS px, WCAG 2.5.5 (AAA) and the aim on patient pages
MINIMUM = 24  # CSS px, WCAG 2.2 2.5.8 (AA)
SMALLEST_TEXT_PX = 14  # 0.875rem at the default font size

# Visible touch targets with their box (a label's and its control's boxes joined), and whether
# the target is an inline link in running text (exempt).
TARGETS = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, label, summary,"
    + " [role=button], [role=link], [tabindex]:not([tabindex='-1'])";
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const join = (boxes) => {
    const seen = boxes.filter((b) => b.width > 0 && b.height > 0);
    const left = Math.min(...seen.map((b) => b.left)), top = Math.min(...seen.map((b) => b.top));
    const right = Math.max(...seen.map((b) => b.right));
    const bottom = Math.max(...seen.map((b) => b.bottom));
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };
  // A label works its control: the two make one target (when they sit together).
  const partners = (el) => {
    if (el.tagName === "LABEL" && el.control && shown(el.control)) return [el.control];
    if (el.labels && el.labels.length) return [...el.labels].filter(shown);
    return [];
  };
  const inlineInText = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const block = el.parentElement;
    const own = (el.textContent || "").trim().length;
    return Boolean(block) && (block.textContent || "").trim().length > own + 1;
  };
  const seen = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el)) continue;
    const own = el.getBoundingClientRect();
    if (own.width === 0 || own.height === 0) continue;
    // A scroll region (a table's wrapper) is focusable for the keyboard, not a finger's target.
    if (el.getAttribute("role") === "region") continue;
    // Off the page until focused (the skip link): not a target a finger meets.
    if (own.bottom + scrollY <= 0 || own.right + scrollX <= 0) continue;
    const box = join([own, ...partners(el).map((p) => p.getBoundingClientRect())]);
    const type = el.type && el.tagName === "INPUT" ? `[${el.type}]` : "";
    const cls = el.classList.length ? "." + [...el.classList].slice(0, 2).join(".") : "";
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    seen.push({
      what: `${el.tagName.toLowerCase()}${type}${cls}`,
      text: text.replace(/\\s+/g, " ").slice(0, 12),
      width: Math.round(box.width), height: Math.round(box.height),
      inline: inlineInText(el),
    });
  }
  return seen;
}"""

# The smallest computed font size among elements that show text, with an example; with
# `outsideCharts`, text drawn inside an SVG chart (its labels, sized with the chart) left out.
SMALLEST_TEXT = """(outsideCharts) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let smallest = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || ["SCRIPT", "STYLE", "NOSCRIPT"].includes(el.tagName)) {
      continue;
    }
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    if (outsideCharts && el.closest("svg")) continue;
    // Text for screen readers only (clipped to 1 px) is not read with the eyes.
    const box = el.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (smallest === null || size < smallest.size) {
      const cls = el.classList.length ? "." + [...el.classList].slice(0, 2).join(".") : "";
      smallest = { size, where: `${el.tagName.toLowerCase()}${cls}`,
                   text: node.textContent.trim().slice(0, 12) };
    }
  }
  return smallest;
}"""

# Sideways scroll, and the element reaching furthest right: outside any scrolling or clipping
# box if there is one (what makes the page scroll), else the furthest of all.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const scroll = document.documentElement.scrollWidth;
  const furthest = { outside: null, any: null };
  if (scroll > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right <= width + 1 || !el.checkVisibility()) continue;
      let inside = false;
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (["auto", "scroll", "hidden"].includes(getComputedStyle(up).overflowX)) inside = true;
      }
      const cls = el.classList.length ? "." + [...el.classList].slice(0, 2).join(".") : "";
      const found = { right: Math.round(box.right), where: `${el.tagName.toLowerCase()}${cls}` };
      for (const key of inside ? ["any"] : ["outside", "any"]) {
        if (!furthest[key] || found.right > furthest[key].right) furthest[key] = found;
      }
    }
  }
  return { width, scroll, widest: furthest.outside || furthest.any };
}"""


def targets(page) -> list[dict]:
    """Every visible touch target of the page with its size (label and control joined)."""
    return page.evaluate(TARGETS)


def small_targets(page) -> tuple[int, list[dict]]:
    """(targets counted, those under TARGET x TARGET), inline links in running text left out."""
    found = [t for t in targets(page) if not t["inline"]]
    return len(found), [t for t in found if t["width"] < TARGET or t["height"] < TARGET]


def smallest_text(page, outside_charts: bool = False) -> dict | None:
    """{"size": px, "where": element, "text": example} of the smallest visible text; with
    `outside_charts`, of the text outside SVG charts."""
    return page.evaluate(SMALLEST_TEXT, outside_charts)


def zoomed(page, viewport: dict) -> dict:
    """Sideways scroll at 200 % zoom: the layout of a viewport half as wide and half as high at
    device scale 1 (browser zoom makes a CSS px two device px, so the layout viewport and the
    media queries see half the width). `viewport` is restored after."""
    page.set_viewport_size({"width": viewport["width"] // 2, "height": viewport["height"] // 2})
    try:
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
        return page.evaluate(SIDEWAYS)
    finally:
        page.set_viewport_size(viewport)


def scrolls_sideways(zoom: dict) -> bool:
    return zoom["scroll"] > zoom["width"]
