// Runs in <head> before the page is painted: applies the remembered theme so that a dark page
// never flashes light. "auto" follows the operating system.
(function () {
  "use strict";
  var stored = null;
  try { stored = localStorage.getItem("spends-theme"); } catch (e) { /* storage blocked */ }
  var choice = stored === "light" || stored === "dark" ? stored : "auto";
  var dark = choice === "dark" || (choice === "auto" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
  document.documentElement.setAttribute("data-theme-choice", choice);
})();
