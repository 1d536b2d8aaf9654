// A small accessible typeahead (the WAI-ARIA combobox pattern with a listbox popup), in place of
// a native <datalist>, which filters the suggestions again on its own and so hides matches that
// do not contain the typed text (pinyin "gc" for 甘草).
//
//   Typeahead.attach(input, {
//     listbox: element (a <ul>, shared by several inputs; moved under the active one),
//     source: function (query) -> Promise of [{value, label, hint, hintLang, warning, data}],
//     onPick: function (item, input)
//   });
//
// The input gets role=combobox, aria-expanded, aria-controls and aria-activedescendant; arrow keys
// move through the options, Enter picks, Escape closes, a click or tap picks.
(function () {
  "use strict";

  function Combo(input, options) {
    this.input = input;
    this.listbox = options.listbox;
    this.source = options.source;
    this.onPick = options.onPick || function () {};
    this.items = [];
    this.active = -1;
    this.asked = 0;
    this.timer = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.listbox.id);
    input.setAttribute("autocomplete", "off");
    input.removeAttribute("list");
    input.addEventListener("input", this.typed.bind(this));
    input.addEventListener("keydown", this.key.bind(this));
    input.addEventListener("blur", this.close.bind(this));
  }

  Combo.prototype.typed = function () {
    var self = this;
    clearTimeout(this.timer);
    var query = this.input.value.trim();
    if (!query) { this.close(); return; }
    this.timer = setTimeout(function () { self.ask(query); }, 120);
  };

  Combo.prototype.ask = function (query) {
    var self = this;
    var asked = ++this.asked;
    this.source(query).then(function (items) {
      // Only the answer to the latest question counts, and only while the input has focus.
      if (asked !== self.asked || document.activeElement !== self.input) { return; }
      self.show(items);
    }).catch(function () { self.close(); });
  };

  Combo.prototype.show = function (items) {
    var self = this;
    this.items = items;
    this.active = -1;
    this.listbox.textContent = "";
    if (!items.length) { this.close(); return; }
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = self.listbox.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.className = "typeahead-option";
      var name = document.createElement("span");
      name.className = "typeahead-label";
      name.textContent = item.label || item.value;
      option.appendChild(name);
      if (item.hint) {
        var hint = document.createElement("span");
        hint.className = "typeahead-hint";
        if (item.hintLang) { hint.setAttribute("lang", item.hintLang); }
        hint.textContent = item.hint;
        option.appendChild(hint);
      }
      if (item.warning) {
        // A caution the doctor must see before picking (look-alike herbs: 注意：易与黄芩混淆).
        var warning = document.createElement("span");
        warning.className = "typeahead-warning";
        warning.textContent = item.warning;
        option.appendChild(warning);
      }
      // mousedown keeps the focus in the input; click (or a tap) picks.
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { self.pick(index); });
      self.listbox.appendChild(option);
    });
    if (this.listbox.parentNode !== this.input.parentNode) {
      this.input.parentNode.appendChild(this.listbox);
    }
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combo.prototype.isOpen = function () {
    return this.input.getAttribute("aria-expanded") === "true";
  };

  Combo.prototype.close = function () {
    clearTimeout(this.timer);
    this.asked++;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    if (this.listbox.parentNode === this.input.parentNode) {
      this.listbox.hidden = true;
      this.listbox.textContent = "";
    }
  };

  Combo.prototype.move = function (step) {
    var count = this.items.length;
    if (!count) { return; }
    this.active = (this.active + step + count) % count;
    var options = this.listbox.querySelectorAll("[role=option]");
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    var current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({block: "nearest"});
  };

  Combo.prototype.pick = function (index) {
    var item = this.items[index];
    if (!item) { return; }
    this.input.value = item.value;
    this.close();
    this.onPick(item, this.input);
  };

  Combo.prototype.key = function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!this.isOpen()) { this.typed(); return; }
      event.preventDefault();
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && this.isOpen() && this.active >= 0) {
      event.preventDefault();  // pick, do not submit the form
      this.pick(this.active);
    } else if (event.key === "Escape" && this.isOpen()) {
      event.preventDefault();
      this.close();
    }
  };

  window.Typeahead = {
    attach: function (input, options) { return new Combo(input, options); }
  };
})();
