// Prescribing editor: herb suggestions as the doctor types, and the live safety check.
// Progressive enhancement: without this file the form still saves and the server checks it.
(function () {
  "use strict";
  var form = document.getElementById("rx-editor");
  if (!form) { return; }
  var options = document.getElementById("herb-options");
  var output = document.getElementById("live-findings");
  var searchUrl = form.dataset.searchUrl;
  var checkUrl = form.dataset.checkUrl;
  var prescriptionId = parseInt(form.dataset.prescriptionId, 10);
  var byName = {};
  var searchTimer = null;
  var checkTimer = null;

  function suggest(input) {
    var query = input.value.trim();
    if (!query) { return; }
    fetch(searchUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        options.textContent = "";
        body.herbs.forEach(function (herb) {
          byName[herb.name] = herb;
          var option = document.createElement("option");
          option.value = herb.name;
          option.label = [herb.matched !== herb.name ? herb.matched : "", herb.dose, herb.method]
            .filter(Boolean).join(" · ");
          options.appendChild(option);
        });
      })
      .catch(function () { /* suggestions are a convenience; the form still works */ });
  }

  function fillMethod(input) {
    var herb = byName[input.value.trim()];
    var row = input.closest("tr");
    var method = row && row.querySelector(".herb-method");
    if (herb && method && !method.value) { method.value = herb.method; }
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

  function render(findings) {
    output.textContent = "";
    if (!findings.length) { return; }
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
    if (!lines.length) { render([]); return; }
    fetch(checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf},
      body: JSON.stringify({herbs: lines, packets: packets, prescription_id: prescriptionId})
    })
      .then(function (response) { return response.json(); })
      .then(function (body) { render(body.findings || []); })
      .catch(function () { /* the saved draft is checked on the server anyway */ });
  }

  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("herb-name")) {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { suggest(event.target); }, 120);
    }
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 300);
  });
  form.addEventListener("change", function (event) {
    if (event.target.classList.contains("herb-name")) { fillMethod(event.target); }
  });
  check();
})();
