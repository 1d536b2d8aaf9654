// Prescribing editor: herb suggestions as the doctor types, and the live safety check.
// Progressive enhancement: without this file the form still saves and the server checks it.
(function () {
  "use strict";
  var form = document.getElementById("rx-editor");
  if (!form) { return; }
  var listbox = document.getElementById("herb-listbox");
  var output = document.getElementById("live-findings");
  var searchUrl = form.dataset.searchUrl;
  var checkUrl = form.dataset.checkUrl;
  var prescriptionId = parseInt(form.dataset.prescriptionId, 10);
  var checkTimer = null;

  function herbsFor(query) {
    return fetch(searchUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error("search " + response.status); }
        return response.json();
      })
      .then(function (body) {
        return body.herbs.map(function (herb) {
          // Pinyin as typed in an input method (gancao), not as spaced syllables.
          var hint = [herb.pinyin.replace(/ /g, ""), herb.matched !== herb.name ? herb.matched : "", herb.dose,
            herb.method].filter(Boolean).join(" · ");
          return {value: herb.name, label: herb.name, hint: hint, hintLang: "zh-Latn-pinyin",
            warning: herb.lookalike_hint || "", data: herb};
        });
      });
  }

  function showLookalike(row, text) {
    var note = row && row.querySelector("[data-lookalike-row]");
    if (!note) { return; }
    note.textContent = text || "";
    note.hidden = !text;
  }

  function hintForTyped(input) {
    var typed = input.value.trim();
    if (!typed) { return; }
    herbsFor(typed).then(function (items) {
      var same = items.filter(function (item) {
        return item.data.name === typed || item.data.matched === typed;
      })[0];
      if (same && input.value.trim() === typed) {
        showLookalike(input.closest("tr"), same.data.lookalike_hint);
      }
    }).catch(function () { /* the saved draft shows the hint anyway */ });
  }

  function picked(item, input) {
    var row = input.closest("tr");
    showLookalike(row, item.data.lookalike_hint);
    var method = row && row.querySelector(".herb-method");
    if (method && !method.value && item.data.method) { method.value = item.data.method; }
    var dose = row && row.querySelector(".herb-dose");
    if (dose) { dose.focus(); }
    scheduleCheck();
  }

  if (listbox && window.Typeahead) {
    form.querySelectorAll(".herb-name").forEach(function (input) {
      window.Typeahead.attach(input, {listbox: listbox, source: herbsFor, onPick: picked});
      // A hint belongs to the herb it was shown for: typing another name clears it, and a
      // name typed in full without picking a suggestion gets its own hint when the cell is left.
      input.addEventListener("input", function () { showLookalike(input.closest("tr"), ""); });
      input.addEventListener("change", function () { hintForTyped(input); });
    });
  }

  function currentLines() {
    var lines = [];
    form.querySelectorAll(".rx-row").forEach(function (row) {
      var name = row.querySelector(".herb-name").value.trim();
      var grams = parseFloat(row.querySelector(".herb-dose").value);
      if (name && grams > 0) { lines.push({name: name, dose_g: grams}); }
    });
    return lines;
  }

  function say(text, css) {
    var note = document.createElement("p");
    note.className = css;
    note.textContent = text;
    output.appendChild(note);
  }

  function render(findings, lineCount) {
    output.textContent = "";
    if (!lineCount) { say(output.dataset.emptyText, "empty"); return; }
    if (!findings.length) { say(output.dataset.okText, "ok"); return; }
    var list = document.createElement("ul");
    list.className = "findings";
    findings.forEach(function (finding) {
      var item = document.createElement("li");
      item.className = "finding finding-" + finding.severity;
      item.textContent = finding.message;
      list.appendChild(item);
    });
    output.appendChild(list);
  }

  function check() {
    var packets = parseInt(form.querySelector("[name=packets]").value, 10) || 1;
    var lines = currentLines();
    if (!lines.length) { render([], 0); return; }
    fetch(checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf},
      body: JSON.stringify({herbs: lines, packets: packets, prescription_id: prescriptionId})
    })
      .then(function (response) { return response.json(); })
      .then(function (body) { render(body.findings || [], lines.length); })
      .catch(function () { /* the saved draft is checked on the server anyway */ });
  }

  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 300);
  }

  form.addEventListener("input", scheduleCheck);
  form.addEventListener("change", scheduleCheck);
  check();
})();
