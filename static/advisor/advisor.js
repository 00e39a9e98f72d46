// Progressive enhancement only: every page works without this file.
// No inline handlers, no eval: the Content-Security-Policy allows only this file and htmx.
(function () {
  "use strict";

  // "Copy link" buttons stay hidden unless the clipboard can be used. The outcome is
  // said in the section's role="status" paragraph: a changed button label is not announced.
  function setUpCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("[data-copy-link]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var section = button.closest("section") || document;
        var status = section.querySelector("[data-copy-status]");
        function say(text) {
          if (status) status.textContent = text;
        }
        navigator.clipboard.writeText(window.location.href).then(function () {
          say("Link copied to the clipboard.");
        }, function () {
          say("Could not copy the link: copy it from the address bar.");
        });
      });
    });
  }

  // "Save a permanent link" is a link to the share page. With JavaScript it becomes a
  // button that shows the form in place (aria-expanded), fetched once, and moves focus to it.
  function setUpShareToggles(root) {
    if (!window.htmx) return;
    root.querySelectorAll("a[data-share-toggle]").forEach(function (link) {
      var slot = document.getElementById(link.dataset.shareToggle);
      if (!slot) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = link.className;
      button.textContent = link.textContent;
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", slot.id);
      link.replaceWith(button);
      var url = link.getAttribute("href");
      function focusForm() {
        var form = slot.querySelector("form");
        if (!form) return;
        form.setAttribute("tabindex", "-1");
        form.focus();
      }
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-expanded") === "true") {
          slot.hidden = true;
          button.setAttribute("aria-expanded", "false");
          return;
        }
        slot.hidden = false;
        if (slot.querySelector("form")) {
          button.setAttribute("aria-expanded", "true");
          focusForm();
          return;
        }
        // A failed request falls back to loading the share page (below).
        window.htmx.ajax("GET", url, { source: button, target: slot, swap: "innerHTML" }).then(function () {
          if (!slot.querySelector("form")) return;
          button.setAttribute("aria-expanded", "true");
          focusForm();
        }, function () { /* sendError: handled below */ });
      });
    });
  }

  // One permanent role="status" says who leads, only when that changes (see questionnaire.html).
  function announceLeader(quietly) {
    var status = document.getElementById("leader-status");
    if (!status) return;
    var first = document.querySelector("#standing .standing-name");
    var leader = first ? first.textContent : "";
    if (leader === status.dataset.leader && !quietly) return;
    status.dataset.leader = leader;
    status.textContent = quietly ? "" : leader ? "Leading so far: " + leader + "." : "No service fits these answers so far.";
  }

  // A design's status says which decision was just settled (see design_questionnaire.html).
  function announceDecision(quietly) {
    var status = document.getElementById("sketch-status");
    var sketch = document.getElementById("sketch");
    if (!status || !sketch) return;
    var latest = sketch.dataset.latest || "";
    if (latest === status.dataset.said && !quietly) return;
    status.dataset.said = latest;
    status.textContent = quietly ? "" : latest;
  }

  function focusHeading() {
    var heading = document.querySelector("#step h1") || document.querySelector("main h1");
    if (!heading) return;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons(document);
    setUpShareToggles(document);
    // Back or Forward onto a question as a whole page (e.g. from a result): its question, too.
    var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    if (navigation && navigation.type === "back_forward" && document.getElementById("step")) focusHeading();
  });

  // After htmx swaps in the next question, move focus to it so keyboard and
  // screen-reader users continue from the new question, not the old button.
  document.addEventListener("htmx:afterSettle", function (event) {
    setUpCopyButtons(document);
    if (event.detail.target && event.detail.target.id === "step") {
      focusHeading();
      announceLeader(false);
      announceDecision(false);
    }
  });

  // Browser Back/Forward within the questionnaire: htmx puts the step back as it was;
  // focus goes to its question, not <body>, and the restored status says nothing stale.
  document.addEventListener("htmx:historyRestore", function () {
    setUpCopyButtons(document);
    setUpShareToggles(document);
    announceLeader(true);
    announceDecision(true);
    focusHeading();
  });

  // A failed htmx request (a 400 because a rules deploy made an answer invalid, a 500,
  // the network) must not leave the page silently as it was: load the same URL as a
  // whole page, so the server's error page (role="alert") or the browser's own shows.
  // Only GETs are sent through htmx here; loading a POST's URL would not repeat it.
  function loadWholePage(event) {
    var path = event.detail.pathInfo && event.detail.pathInfo.finalRequestPath;
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (path && verb === "get") window.location.assign(path);
  }
  document.addEventListener("htmx:responseError", loadWholePage);
  document.addEventListener("htmx:sendError", loadWholePage);
})();
