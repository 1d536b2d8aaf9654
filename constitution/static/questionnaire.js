// Saves each answer as it is ticked (the page's own form, posted in the background), so a
// patient who closes the phone mid-page finds the answer there when they come back. Without
// script the page still saves on every page turn.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  form.addEventListener("change", function (event) {
    if (event.target.type !== "radio") return;
    var body = new FormData(form);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" },
    }).catch(function () { /* saved on the next page turn instead */ });
  });
})();
