// Compare page: filters and jumping from change to change. Works offline; no libraries.
(function () {
  "use strict";
  var pairs = document.getElementById("pairs");
  if (!pairs) return;
  var onlyChanges = document.getElementById("only-changes");
  var onlyWeakened = document.getElementById("only-weakened");
  var current = -1;

  function apply() {
    pairs.classList.toggle("only-changes", onlyChanges.checked);
    pairs.classList.toggle("only-weakened", onlyWeakened.checked);
  }
  function visibleChanges() {
    var selector = onlyWeakened.checked ? ".pair.shift-weakened, .pair.shift-mixed" : ".pair.is-change";
    return Array.prototype.slice.call(pairs.querySelectorAll(selector));
  }
  function jump(step) {
    var changes = visibleChanges();
    if (!changes.length) return;
    current = (current + step + changes.length) % changes.length;
    var target = changes[current];
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    history.replaceState(null, "", "#" + target.id);
  }
  onlyChanges.addEventListener("change", apply);
  onlyWeakened.addEventListener("change", apply);
  document.getElementById("next-change").addEventListener("click", function () { jump(1); });
  document.getElementById("prev-change").addEventListener("click", function () { jump(-1); });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    if (event.key === "n" || event.key === "j") jump(1);
    if (event.key === "p" || event.key === "k") jump(-1);
  });
  apply();
})();
