// Progressive enhancement only: every page works without this file.
// No inline handlers, no eval: the Content-Security-Policy allows only this file and htmx.
(function () {
  "use strict";

  // "Copy link" buttons stay hidden unless the clipboard can be used.
  function setUpCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("[data-copy-link]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(window.location.href).then(function () {
          button.textContent = "Link copied";
        }, function () {
          button.textContent = "Copy failed: use the address bar";
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUpCopyButtons(document); });

  // After htmx swaps in the next question, move focus to it so keyboard and
  // screen-reader users continue from the new question, not the old button.
  document.addEventListener("htmx:afterSettle", function (event) {
    setUpCopyButtons(document);
    if (event.detail.target && event.detail.target.id === "step") {
      var heading = document.querySelector("#step h1");
      if (heading) heading.focus();
    }
  });
})();
