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
  document.addEventListener("htmx:afterSettle", function () { showToasts(document); });
  document.addEventListener("htmx:oobAfterSwap", function () { showToasts(document); });
})();
