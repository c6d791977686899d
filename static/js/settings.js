// The settings page: the live example of the chosen date format, the copy button of a new
// API token, and the Backups section's refreshes and refusals. Delegated from document, so it
// keeps working after htmx swaps a region.
(function () {
  "use strict";

  function dateExamples() {
    var element = document.getElementById("date-format-examples");
    if (!element) { return {}; }
    try { return JSON.parse(element.textContent) || {}; } catch (e) { return {}; }
  }

  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-date-format-select]");
    if (!select) { return; }
    var example = dateExamples()[select.value];
    var form = select.closest("form") || document;
    form.querySelectorAll("[data-date-example]").forEach(function (element) {
      if (example) { element.textContent = example; }
    });
  });

  function copied(button, text) {
    var label = button.querySelector("[data-copy-label]");
    if (label) { label.textContent = text; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy-target"));
    if (!source) { return; }
    var value = source.value || source.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(
        function () { copied(button, "Copied"); },
        function () { source.select(); copied(button, "Press Ctrl+C"); }
      );
    } else {
      // Without the clipboard API (plain http): select it so that the person can copy it.
      source.focus();
      source.select();
      copied(button, "Selected: press Ctrl+C");
    }
  });

  // A job that has ended and changed what other regions show names an event
  // (data-finished-event, templates/jobs/job.html); it is fired once on the body, where those
  // regions listen (hx-trigger="backups-changed from:body").
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-finished-event]:not([data-finished-fired])").forEach(function (job) {
      job.setAttribute("data-finished-fired", "");
      document.body.dispatchEvent(new CustomEvent(job.getAttribute("data-finished-event"), { bubbles: true }));
    });
  });

  // An action refused because another is under way (409: a backup or restore is running)
  // swaps nothing in place, but its toast, out of band, still shows; htmx would otherwise drop
  // the whole answer as an error.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status !== 409) { return; }
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.swapOverride = "none";
  });
})();
