// The diagnosis form's code pickers: typing a disease or syndrome name, its pinyin (weipi) or
// initials (wpb) offers GB/T 15657-2021 names from the server; picking one fills the name and its
// code. Syndromes: the usual patterns of the chosen disease come first. Progressive enhancement:
// without this file the form still posts, and the server codes the names it knows and checks codes.
(function () {
  "use strict";
  var form = document.getElementById("dx-form");
  if (!form || !window.Typeahead) { return; }
  var searchUrl = form.dataset.searchUrl;
  var disease = document.getElementById("dx-disease_name");
  var diseaseCode = document.getElementById("dx-disease_code");
  var syndrome = document.getElementById("dx-syndrome_name");
  var syndromeCode = document.getElementById("dx-syndrome_code");

  function source(kind) {
    return function (query) {
      var url = searchUrl + "?kind=" + kind + "&q=" + encodeURIComponent(query);
      if (kind === "pattern" && diseaseCode && diseaseCode.value) {
        url += "&disease=" + encodeURIComponent(diseaseCode.value);
      }
      return fetch(url, {credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) { throw new Error("codes " + response.status); }
          return response.json();
        })
        .then(function (body) {
          return body.items.map(function (item) {
            var marks = [item.code, item.pinyin];
            if (item.usual) { marks.push(form.dataset.usualLabel || ""); }
            if (item.temporary) { marks.push(form.dataset.temporaryLabel || ""); }
            return {value: item.name, label: item.name, hint: marks.filter(Boolean).join(" · "),
                    hintLang: "zh-Latn-pinyin", data: item};
          });
        });
    };
  }

  function clearCodeWhenRetyped(input, code) {
    // A name typed over after a pick no longer belongs to the picked code.
    input.addEventListener("input", function () {
      if (code.dataset.pickedName && code.dataset.pickedName !== input.value) {
        code.value = "";
        delete code.dataset.pickedName;
      }
    });
  }

  function pickInto(code) {
    return function (item) {
      code.value = item.data.code;
      code.dataset.pickedName = item.data.name;
    };
  }

  if (disease && diseaseCode) {
    window.Typeahead.attach(disease, {listbox: document.getElementById("disease-listbox"),
                                      source: source("disease"), onPick: pickInto(diseaseCode)});
    clearCodeWhenRetyped(disease, diseaseCode);
  }
  if (syndrome && syndromeCode) {
    window.Typeahead.attach(syndrome, {listbox: document.getElementById("syndrome-listbox"),
                                       source: source("pattern"), onPick: pickInto(syndromeCode)});
    clearCodeWhenRetyped(syndrome, syndromeCode);
  }
})();
