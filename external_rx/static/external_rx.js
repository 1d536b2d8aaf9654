// Outside prescription photos: zoom buttons beside each page so the pharmacist reads the paper
// next to the form. Progressive enhancement: without this file each photo opens full size.
(function () {
  "use strict";
  var STEPS = [1, 1.5, 2, 3, 4];
  document.querySelectorAll(".ext-page").forEach(function (page) {
    var frame = page.querySelector(".ext-zoom");
    var buttons = page.querySelector(".ext-zoom-buttons");
    var image = frame && frame.querySelector("img");
    if (!image || !buttons) { return; }
    buttons.hidden = false;
    buttons.querySelectorAll("[data-zoom-by]").forEach(function (button) {
      button.addEventListener("click", function () {
        var at = STEPS.indexOf(parseFloat(frame.dataset.zoom)) + parseInt(button.dataset.zoomBy, 10);
        var level = STEPS[Math.max(0, Math.min(STEPS.length - 1, at))];
        frame.dataset.zoom = String(level);
        image.style.width = (level * 100) + "%";
        frame.classList.toggle("ext-zoomed", level > 1);
      });
    });
  });
})();
