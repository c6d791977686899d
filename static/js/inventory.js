// Inventory pages: row selection and the bulk bar, the bulk value choices, the warranty part of
// the purchase form, and tidy filter URLs. Everything works without this file; it only helps.
(function () {
  "use strict";

  function rowBoxes() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-row-select]"));
  }

  // The bulk bar shows only while rows are selected; "select all" follows the rows.
  function updateSelection() {
    var boxes = rowBoxes();
    var checked = boxes.filter(function (box) { return box.checked; }).length;
    var all = document.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    var bar = document.querySelector("[data-bulk-bar]");
    if (bar) {
      bar.classList.toggle("is-idle", checked === 0);
      var count = bar.querySelector("[data-bulk-count]");
      if (count) {
        count.textContent = checked === 1 ? "1 purchase selected:" : checked + " purchases selected:";
      }
    }
  }

  // The value list offers only what fits the chosen action (nothing for delete).
  function updateBulkValue() {
    var action = document.querySelector("[data-bulk-action]");
    var value = document.querySelector("[data-bulk-value]");
    if (!action || !value) { return; }
    var chosen = action.value;
    value.hidden = chosen === "" || chosen === "delete";
    value.disabled = value.hidden;
    var current = value.selectedOptions[0];
    value.querySelectorAll("optgroup").forEach(function (group) {
      var fits = group.getAttribute("data-bulk-for") === chosen;
      group.hidden = !fits;
      group.disabled = !fits;
    });
    if (current && current.parentElement.tagName === "OPTGROUP" && current.parentElement.disabled) {
      value.value = "";
    }
  }

  // The warranty fields are editable only while "has a warranty" is ticked.
  function updateWarranty(root) {
    (root || document).querySelectorAll("[data-warranty-toggle]").forEach(function (toggle) {
      var form = toggle.closest("form");
      var fields = form && form.querySelector("[data-warranty-fields]");
      if (fields) { fields.disabled = !toggle.checked; }
    });
  }

  function refresh() {
    updateSelection();
    updateBulkValue();
    updateWarranty(document);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      rowBoxes().forEach(function (box) { box.checked = target.checked; });
      updateSelection();
    } else if (target.matches("[data-row-select]")) {
      updateSelection();
    } else if (target.matches("[data-bulk-action]")) {
      updateBulkValue();
    } else if (target.matches("[data-warranty-toggle]")) {
      updateWarranty(document);
      if (target.checked) {
        var first = target.closest("form").querySelector("[data-warranty-fields] select, [data-warranty-fields] input");
        if (first) { first.focus(); }
      }
    }
  });

  // Filters sent by htmx leave out empty fields, so the address bar stays readable.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get" || !event.detail.parameters) { return; }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") { delete params[name]; }
    });
  });

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:load", refresh);
})();
