// Runs in <head> before the page is painted and applies what this browser remembers, so that
// nothing flashes: the theme (a dark page never flashes light; "auto" follows the operating
// system) and the dashboard cards the person hid (static/js/cards.js keeps that list).
(function () {
  "use strict";
  function stored(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; /* storage blocked */ }
  }

  var theme = stored("spends-theme");
  var choice = theme === "light" || theme === "dark" ? theme : "auto";
  var dark = choice === "dark" || (choice === "auto" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
  document.documentElement.setAttribute("data-theme-choice", choice);

  // Hidden cards are hidden by a style sheet built through the CSS Object Model, which the
  // Content Security Policy allows (it refuses inline <style> elements and style attributes).
  var sheet = null;
  try {
    sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  } catch (e) { sheet = null; /* an old browser: cards.js still hides them once loaded */ }

  window.spendsHideCards = function (ids) {
    if (!sheet) { return; }
    var rules = ids.filter(function (id) { return /^[a-z0-9-]+$/.test(id); }).map(function (id) {
      return '[data-card="' + id + '"] { display: none !important; }';
    });
    sheet.replaceSync(rules.join("\n"));
  };

  var hidden = [];
  try { hidden = JSON.parse(stored("spends-hidden-cards") || "[]"); } catch (e) { hidden = []; }
  if (Array.isArray(hidden)) { window.spendsHideCards(hidden.filter(function (id) { return typeof id === "string"; })); }
})();
