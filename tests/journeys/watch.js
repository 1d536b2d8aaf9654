// Injected into every journey page before its own scripts. After load, and again whenever the
// page changes, it looks for English sentences in the visible text of a Chinese page and reports
// each one as a console error, which the journey's watcher turns into a failure.
(() => {
  const SENTENCE = /[A-Za-z][a-z]+(?:[ ,'’:-]+[A-Za-z][a-z]*){2,}/;
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "CODE", "KBD", "SAMP"]);
  const reported = new Set();

  function isChinesePage() {
    return (document.documentElement.lang || "").toLowerCase().startsWith("zh");
  }
  function foreignLanguage(element) {
    // Text marked as another language on purpose (a Latin herb name, the "English" link).
    const marked = element.closest("[lang]");
    return marked && !marked.lang.toLowerCase().startsWith("zh");
  }
  function visible(element) {
    if (element.closest("[hidden], [aria-hidden=true]")) return false;
    return typeof element.checkVisibility === "function"
      ? element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
      : element.getClientRects().length > 0;
  }
  function scan() {
    if (!isChinesePage() || !document.body) return;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || SKIP.has(parent.tagName) || foreignLanguage(parent) || !visible(parent)) continue;
      const found = node.textContent.match(SENTENCE);
      if (found && !reported.has(found[0])) {
        reported.add(found[0]);
        console.error(`ENGLISH ON A CHINESE PAGE: "${found[0]}" in <${parent.tagName.toLowerCase()}>`);
      }
    }
  }
  let pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(scan, 150);
  }
  // The journey's end runs a scan still waiting for the page to settle, instead of sleeping.
  window.__watchScanNow = () => {
    clearTimeout(pending);
    scan();
  };
  window.addEventListener("load", () => {
    scan();
    new MutationObserver(later).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["hidden", "class", "style"],
    });
  });
})();
