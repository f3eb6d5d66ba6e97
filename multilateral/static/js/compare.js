// Compare page: the filters, jumping from change to change (onto other pages of a long
// comparison), and collapsed runs of unchanged paragraphs opened on demand. Works offline; no
// libraries. Opened runs are HTML from this server's /compare/pairs, escaped there.
(function () {
  "use strict";
  var pairs = document.getElementById("pairs");
  if (!pairs) return;
  var prev = document.getElementById("prev-change");
  var next = document.getElementById("next-change");
  var filters = document.getElementById("compare-filters");
  var FOLLOWING = Node.DOCUMENT_POSITION_FOLLOWING;
  var PRECEDING = Node.DOCUMENT_POSITION_PRECEDING;
  var current = null;

  // "Only changes" and "Only weakened" ask the server for that list (all its pages).
  ["only-changes", "only-weakened"].forEach(function (id) {
    var box = document.getElementById(id);
    if (box) box.addEventListener("change", function () { filters.submit(); });
  });

  // The change shown in full before (step -1) or after (step 1) the current one, or null.
  function neighbour(step) {
    var list = pairs.querySelectorAll(".pair.is-change");
    if (!current) return step > 0 && list.length ? list[0] : null;
    var i;
    if (step > 0) {
      for (i = 0; i < list.length; i++) if (current.compareDocumentPosition(list[i]) & FOLLOWING) return list[i];
    } else {
      for (i = list.length - 1; i >= 0; i--) if (current.compareDocumentPosition(list[i]) & PRECEDING) return list[i];
    }
    return null;
  }
  // A button is disabled when there is nothing to jump to, here or on another page.
  function update() {
    prev.disabled = !neighbour(-1) && !prev.dataset.url;
    next.disabled = !neighbour(1) && !next.dataset.url;
  }
  function show(target) {
    current = target;
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    if (location.hash !== "#" + target.id) history.replaceState(null, "", "#" + target.id);
    update();
  }
  function jump(step) {
    var target = neighbour(step);
    var button = step > 0 ? next : prev;
    if (target) show(target);
    else if (button.dataset.url) location.assign(button.dataset.url);
  }

  // A collapsed run replaced by its pairs (those around `focus` when it is long).
  function openRun(run, focus) {
    if (run.getAttribute("aria-busy") === "true") return Promise.resolve();
    run.setAttribute("aria-busy", "true");
    var url = pairs.dataset.fragmentUrl + "&start=" + run.dataset.start + "&stop=" + run.dataset.stop +
      (focus === undefined ? "" : "&focus=" + focus);
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html;
        var first = holder.content.querySelector(".pair, .collapsed-run");
        var hadFocus = run.contains(document.activeElement);
        var added = Array.prototype.slice.call(holder.content.querySelectorAll(".pair"));
        run.replaceWith(holder.content);
        // For whatever decorates pairs (the "agreed before in …" links): these are new.
        pairs.dispatchEvent(new CustomEvent("compare:pairs-added", { detail: { pairs: added } }));
        if (hadFocus && first) {
          var target = first.classList.contains("pair") ? first : first.querySelector("button");
          target.focus({ preventScroll: true });
        }
        update();
      })
      .catch(function () {
        run.removeAttribute("aria-busy");
        var button = run.querySelector(".expand");
        if (button && !/try again/.test(button.textContent)) button.textContent += " (could not load: try again)";
      });
  }
  pairs.addEventListener("click", function (event) {
    var button = event.target.closest(".collapsed-run .expand");
    if (button) openRun(button.parentNode);
  });

  // A link to #pair-N: the pair, once its collapsed run is open; or the page that holds it.
  function reveal() {
    var match = /^#pair-(\d+)$/.exec(location.hash);
    if (!match) return;
    var index = Number(match[1]);
    var target = document.getElementById("pair-" + index);
    if (target) { show(target); return; }
    var runs = pairs.querySelectorAll(".collapsed-run");
    for (var i = 0; i < runs.length; i++) {
      if (Number(runs[i].dataset.start) <= index && index < Number(runs[i].dataset.stop)) {
        openRun(runs[i], index).then(function () {
          var opened = document.getElementById("pair-" + index);
          if (opened) show(opened);
        });
        return;
      }
    }
    if (!new URLSearchParams(location.search).has("pair")) {
      location.replace(pairs.dataset.pairUrl + "&pair=" + index + location.hash);
    }
  }

  next.addEventListener("click", function () { jump(1); });
  prev.addEventListener("click", function () { jump(-1); });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    if (event.key === "n" || event.key === "j") jump(1);
    if (event.key === "p" || event.key === "k") jump(-1);
  });
  window.addEventListener("hashchange", reveal);
  reveal();
  update();
})();
