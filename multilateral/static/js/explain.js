// Why a paragraph has its label and strength: the explanation under each verdict button
// (templates/clauses/_verdict.html) shows on hover and focus by CSS alone; this adds a click
// that opens or closes it (where a click does not focus a button) and Escape to close it.
(function () {
  "use strict";
  function verdictOf(node) {
    return node && node.closest ? node.closest(".verdict") : null;
  }
  function shut(verdict) {
    verdict.classList.remove("open");
    verdict.classList.add("dismissed");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".verdict-button") : null;
    var mine = button ? button.parentNode : null;
    document.querySelectorAll(".verdict.open").forEach(function (v) {
      if (v !== mine) v.classList.remove("open");
    });
    if (!mine) return;
    if (mine.classList.contains("open")) {
      shut(mine);
    } else {
      mine.classList.remove("dismissed");
      mine.classList.add("open");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".verdict.open, .verdict:focus-within, .verdict:hover").forEach(shut);
  });
  // A closed explanation shows again on the next focus or hover.
  document.addEventListener("focusin", function (event) {
    var verdict = verdictOf(event.target);
    if (verdict) verdict.classList.remove("dismissed");
  });
  document.addEventListener("mouseover", function (event) {
    var verdict = verdictOf(event.target);
    if (verdict && verdictOf(event.relatedTarget) !== verdict) verdict.classList.remove("dismissed");
  });
})();
