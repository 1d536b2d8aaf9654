// The order page follows the order live: when a new stage is recorded, the page reloads.
"use strict";

(function () {
  const list = document.getElementById("order-timeline");
  if (!list) return;
  const known = list.children.length;
  const tick = () => fetch(list.dataset.url, {headers: {"Accept": "application/json"}})
    .then((r) => r.json())
    .then((data) => { if (data.events.length !== known) location.reload(); else setTimeout(tick, 10000); })
    .catch(() => setTimeout(tick, 30000));
  setTimeout(tick, 10000);
})();
