// The settings page: the live example of the chosen date format, and the copy button of a new
// API token. Delegated from document, so it keeps working after htmx swaps a region.
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
})();
