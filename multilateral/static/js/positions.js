// Positions editor: each paragraph saves on its own (PUT, JSON, CSRF header), keyboard first.
// A stale save (409) shows both texts, the colleague's and yours, to merge by hand.
(function () {
  "use strict";
  var list = document.getElementById("positions");
  if (!list) return;
  var url = list.dataset.url;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var rows = Array.prototype.slice.call(list.querySelectorAll("form.position-row"));
  var STANCE_KEYS = { s: "support", o: "oppose", a: "amend", r: "reserve", n: "none" };
  var PRIORITY_KEYS = { "1": "red-line", "2": "important", "3": "flexible" };

  function stanceOf(form) {
    var checked = form.querySelector('input[name="stance"]:checked');
    return checked ? checked.value : "none";
  }

  function refresh(form) {
    var stance = stanceOf(form);
    form.className = form.className.replace(/\bstance-\S+/, "stance-" + stance);
    var proposed = form.querySelector(".proposed");
    if (proposed) proposed.hidden = stance !== "amend";
  }

  function payload(form, revision) {
    return {
      paragraph_id: Number(form.dataset.paragraphId),
      stance: stanceOf(form),
      priority: form.elements.priority.value,
      proposed_text: stanceOf(form) === "amend" ? form.elements.proposed_text.value : "",
      rationale: form.elements.rationale.value,
      revision: revision === undefined ? Number(form.dataset.revision) : revision
    };
  }

  function say(form, text, isError) {
    var status = form.querySelector(".saved");
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function showConflict(form, conflict) {
    var box = form.querySelector(".conflict");
    var theirs = conflict.theirs || {};
    box.hidden = false;
    box.innerHTML = "";
    var title = document.createElement("p");
    title.className = "flash flash-error";
    title.setAttribute("role", "alert");
    title.textContent = "Saved meanwhile by " + (theirs.author || "a colleague") +
      " (revision " + (theirs.revision || "?") + "). Nothing of yours was saved: merge, then save.";
    box.appendChild(title);
    [["Theirs", theirs], ["Yours", conflict.yours]].forEach(function (side) {
      var div = document.createElement("div");
      div.className = "side side-" + side[0].toLowerCase();
      var h = document.createElement("strong");
      h.textContent = side[0] + ": " + (side[1].stance || "none") + ", " + (side[1].priority || "");
      div.appendChild(h);
      ["proposed_text", "rationale"].forEach(function (name) {
        if (!side[1][name]) return;
        var p = document.createElement("p");
        p.textContent = (name === "rationale" ? "Rationale: " : "Proposed: ") + side[1][name];
        div.appendChild(p);
      });
      box.appendChild(div);
    });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = "Save mine over theirs";
    keep.addEventListener("click", function () { save(form, theirs.revision || 0); });
    var take = document.createElement("button");
    take.type = "button";
    take.className = "secondary";
    take.textContent = "Take theirs";
    take.addEventListener("click", function () {
      var radio = form.querySelector('input[name="stance"][value="' + (theirs.stance || "none") + '"]');
      if (radio) radio.checked = true;
      form.elements.priority.value = theirs.priority || "flexible";
      form.elements.proposed_text.value = theirs.proposed_text || "";
      form.elements.rationale.value = theirs.rationale || "";
      form.dataset.revision = theirs.revision || 0;
      box.hidden = true;
      refresh(form);
      say(form, "revision " + (theirs.revision || 0) + " (theirs)");
    });
    box.appendChild(keep);
    box.appendChild(take);
    keep.focus();
  }

  function save(form, revision) {
    if (!form.dataset.paragraphId) return;
    say(form, "saving…");
    fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ positions: [payload(form, revision)] })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (result.status === 200) {
        var saved = result.body.positions[0];
        form.dataset.revision = saved.revision;
        form.querySelector(".conflict").hidden = true;
        var note = form.querySelector(".state-note");
        if (note) note.remove();
        form.classList.remove("state-carried-over");
        say(form, "saved — revision " + saved.revision);
      } else if (result.status === 409 && result.body.conflicts) {
        say(form, "not saved: changed meanwhile", true);
        showConflict(form, result.body.conflicts[0]);
      } else {
        say(form, (result.body.error && result.body.error.message) || "not saved", true);
      }
    }).catch(function () { say(form, "not saved: the server did not answer", true); });
  }

  rows.forEach(function (form, index) {
    refresh(form);
    form.addEventListener("submit", function (event) { event.preventDefault(); save(form); });
    form.addEventListener("change", function (event) {
      if (event.target.name === "stance") refresh(form);
    });
    form.addEventListener("keydown", function (event) {
      var inText = /^(TEXTAREA|INPUT|SELECT)$/.test(event.target.tagName) && event.target.type !== "radio";
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        save(form);
        return;
      }
      if (inText || event.altKey || event.ctrlKey || event.metaKey) return;
      var key = event.key.toLowerCase();
      if (STANCE_KEYS[key] && form.dataset.paragraphId) {
        event.preventDefault();
        form.querySelector('input[name="stance"][value="' + STANCE_KEYS[key] + '"]').checked = true;
        refresh(form);
        if (STANCE_KEYS[key] === "amend") {
          var box = form.elements.proposed_text;
          if (!box.value) box.value = form.querySelector(".draft .text").textContent;
          box.focus();
        }
      } else if (PRIORITY_KEYS[key] && form.dataset.paragraphId) {
        event.preventDefault();
        form.elements.priority.value = PRIORITY_KEYS[key];
      } else if (key === "j" || key === "k") {
        event.preventDefault();
        var next = rows[index + (key === "j" ? 1 : -1)];
        if (next) next.focus();
      } else if (key === "enter" && event.target === form && form.elements.rationale) {
        event.preventDefault();
        form.elements.rationale.focus();
      }
    });
  });
})();
