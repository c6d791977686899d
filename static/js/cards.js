// Dashboard cards shown or hidden, remembered in this browser (SPEC 3, Dashboard and Settings).
// The server renders the cards (`[data-card="<id>"]`) and the checkboxes that choose them
// (`<input type="checkbox" data-card-toggle="<id>">`, ticked = shown), wherever they are: on the
// dashboard's "Customise" menu or on the settings page. The ids and labels live in one Python
// place, analytics/cards.py (DASHBOARD_CARDS). Here: localStorage "spends-hidden-cards", a JSON
// list of the hidden ids.
(function () {
  "use strict";

  var KEY = "spends-hidden-cards";

  function hiddenCards() {
    try {
      var value = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (id) { return typeof id === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function saveHiddenCards(ids) {
    try { localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* storage blocked */ }
  }

  function applyCards() {
    var hidden = hiddenCards();
    if (window.spendsHideCards) { window.spendsHideCards(hidden); }  // before-paint.js's sheet
    document.querySelectorAll("[data-card]").forEach(function (card) {
      card.hidden = hidden.indexOf(card.getAttribute("data-card")) !== -1;
    });
    document.querySelectorAll("[data-card-toggle]").forEach(function (input) {
      input.checked = hidden.indexOf(input.getAttribute("data-card-toggle")) === -1;
    });
    // A note in place of the cards when every one of them is hidden.
    document.querySelectorAll("[data-cards-all-hidden]").forEach(function (note) {
      var cards = note.parentElement.querySelectorAll("[data-card]");
      var shown = Array.prototype.some.call(cards, function (card) { return !card.hidden; });
      note.hidden = cards.length === 0 || shown;
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target.closest ? event.target.closest("[data-card-toggle]") : null;
    if (!input) { return; }
    var id = input.getAttribute("data-card-toggle");
    var hidden = hiddenCards().filter(function (other) { return other !== id; });
    if (!input.checked) { hidden.push(id); }
    saveHiddenCards(hidden);
    applyCards();
    document.dispatchEvent(new CustomEvent("spends:cardschange", { detail: { hidden: hidden } }));
  });

  // Another tab changed the choice.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { applyCards(); }
  });

  document.addEventListener("htmx:afterSettle", applyCards);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyCards);
  } else {
    applyCards();
  }
})();
