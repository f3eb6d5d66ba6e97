// A "Print" button (id="print-page") prints the page. A file of its own because the
// Content-Security-Policy allows no inline event handlers (onclick="…").
"use strict";
(function () {
  const button = document.getElementById("print-page");
  if (button) {
    button.addEventListener("click", () => window.print());
  }
})();
