// The diagnosis form's code picker: typing a disease name (or the start of its code) offers the
// GB/T 15657 names we ship; picking one fills the name and its code. Without this file the
// server still fills the code of a known name.
(function () {
  "use strict";
  var name = document.getElementById("dx-disease_name");
  var code = document.getElementById("dx-disease_code");
  var listbox = document.getElementById("disease-listbox");
  var terms = document.getElementById("disease-terms");
  if (!name || !code || !listbox || !terms || !window.Typeahead) { return; }
  var entries = JSON.parse(terms.textContent);

  function matching(query) {
    var upper = query.toUpperCase();
    var found = entries.filter(function (entry) {
      return entry.name.indexOf(query) !== -1 || entry.code.indexOf(upper) === 0;
    });
    return Promise.resolve(found.slice(0, 12).map(function (entry) {
      return {value: entry.name, label: entry.name, hint: entry.code, data: entry};
    }));
  }

  window.Typeahead.attach(name, {
    listbox: listbox,
    source: matching,
    onPick: function (item) { code.value = item.data.code; }
  });
})();
