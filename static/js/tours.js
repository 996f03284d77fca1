/* Itinerary page: a "Copy" button beside the share link (the link stays selectable without it). */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = button.dataset.copied;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { input.select(); });
    });
  });
  document.querySelectorAll("[data-share]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
