// Small, plain behaviour shared by every page: the theme switch and toasts.
(function () {
  "use strict";

  var THEME_KEY = "spends-theme";
  var ICONS = { light: "bi-sun", dark: "bi-moon-stars", auto: "bi-circle-half" };
  var media = window.matchMedia("(prefers-color-scheme: dark)");

  function storedTheme() {
    try { return localStorage.getItem(THEME_KEY) || "auto"; } catch (e) { return "auto"; }
  }

  function applyTheme(choice) {
    var dark = choice === "dark" || (choice === "auto" && media.matches);
    document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
    document.documentElement.setAttribute("data-theme-choice", choice);
    document.querySelectorAll("[data-theme-icon]").forEach(function (icon) {
      icon.className = "bi " + ICONS[choice];
    });
    document.querySelectorAll("[data-theme-value]").forEach(function (button) {
      var active = button.getAttribute("data-theme-value") === choice;
      button.classList.toggle("active", active);
      button.setAttribute("aria-pressed", active ? "true" : "false");
    });
    document.dispatchEvent(new CustomEvent("spends:themechange"));
  }

  function showToasts(root) {
    if (!window.bootstrap) { return; }
    (root || document).querySelectorAll("[data-toast]:not([data-shown])").forEach(function (el) {
      el.setAttribute("data-shown", "");
      el.addEventListener("hidden.bs.toast", function () { el.remove(); });
      window.bootstrap.Toast.getOrCreateInstance(el, { delay: 5000 }).show();
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-value]");
    if (!button) { return; }
    var choice = button.getAttribute("data-theme-value");
    try { localStorage.setItem(THEME_KEY, choice); } catch (e) { /* storage blocked */ }
    applyTheme(choice);
  });

  media.addEventListener("change", function () {
    if (storedTheme() === "auto") { applyTheme("auto"); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    applyTheme(storedTheme());
    showToasts(document);
  });
  // The one modal dialog (templates/partials/dialog.html): opened when a fragment is swapped
  // into it, closed when the server sends the "dialog:close" trigger, emptied once hidden.
  function dialogModal() {
    var element = document.getElementById("dialog");
    return element && window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(element) : null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "dialog-content" || !target.children.length) { return; }
    var modal = dialogModal();
    if (!modal) { return; }
    modal.show();
    var field = event.detail.target.querySelector(".is-invalid, [autofocus], input:not([type=hidden]), select, textarea");
    if (field && document.getElementById("dialog").classList.contains("show")) { field.focus(); }
  });
  document.addEventListener("shown.bs.modal", function (event) {
    if (event.target.id !== "dialog") { return; }
    var field = event.target.querySelector(".is-invalid, [autofocus], input:not([type=hidden]), select, textarea");
    if (field) { field.focus(); }
  });
  document.addEventListener("hidden.bs.modal", function (event) {
    if (event.target.id === "dialog") { document.getElementById("dialog-content").innerHTML = ""; }
  });
  document.addEventListener("dialog:close", function () {
    var modal = dialogModal();
    if (modal) { modal.hide(); }
  });

  document.addEventListener("htmx:afterSettle", function () { showToasts(document); });
  document.addEventListener("htmx:oobAfterSwap", function () { showToasts(document); });
})();
