// Treaty page: changing a filter redraws counts, map, timeline and table in place (the form
// still works without JavaScript: its button loads the page with the same query).
(function () {
  "use strict";
  var form = document.getElementById("status-filters");
  var panel = document.getElementById("status-panel");
  if (!form || !panel) return;
  var pending = null;

  function query() {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (params.getAll(key).every(function (v) { return v === ""; })) params.delete(key);
    });
    return params.toString();
  }

  function redraw(push) {
    var url = form.action + (query() ? "?" + query() : "");
    if (pending) pending.abort();
    pending = new AbortController();
    panel.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: pending.signal, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) {
          panel.innerHTML = result.body;
          if (push) history.pushState(null, "", url);
        } else {
          var doc = new DOMParser().parseFromString(result.body, "text/html");
          var message = doc.querySelector("main") ? doc.querySelector("main").textContent.trim() : "The filters could not be applied.";
          panel.insertAdjacentHTML("afterbegin", '<p class="flash flash-error" role="alert"></p>');
          panel.firstChild.textContent = message;
        }
      })
      .catch(function (error) { if (error.name !== "AbortError") form.submit(); })
      .finally(function () { panel.removeAttribute("aria-busy"); });
  }

  form.addEventListener("change", function () { redraw(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); redraw(true); });
  window.addEventListener("popstate", function () { window.location.reload(); });
})();
