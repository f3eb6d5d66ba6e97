// Agreed language: the precedents look-up on the search page, and "agreed before in …"
// links beside paragraphs on the document and compare pages. No libraries; text is put in
// with textContent, never as HTML.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function where(p) {
    var d = p.document;
    return d.title + (d.symbol ? " (" + d.symbol + ")" : "") + ", " + p.year +
      ", v" + p.version + " " + p.paragraph.kind + " " + p.paragraph.number;
  }

  function diffNode(diff) {
    var out = el("p", "diff");
    diff.forEach(function (d) {
      if (d.op === "equal") out.appendChild(document.createTextNode(d.text));
      else out.appendChild(el(d.op === "delete" ? "del" : "ins", d.op === "delete" ? "diff-del" : "diff-ins", d.text));
    });
    return out;
  }

  var form = document.getElementById("precedents-form");
  if (form) {
    var out = document.getElementById("precedents-out");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = document.getElementById("precedent-text").value;
      out.textContent = "Looking…";
      fetch(form.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
        body: JSON.stringify({ text: text })
      }).then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
        .then(function (res) {
          out.textContent = "";
          if (!res[0]) { out.appendChild(el("p", "flash flash-error", res[1].error.message)); return; }
          var found = res[1].precedents;
          if (!found.length) {
            out.appendChild(el("p", null, "No earlier text carries this language. Try a shorter passage."));
            return;
          }
          var list = el("ol", "precedents");
          found.forEach(function (p) {
            var item = el("li", "precedent");
            var link = el("a", null, where(p));
            link.href = p.url;
            item.appendChild(link);
            item.appendChild(el("span", "badge badge-" + p.paragraph.label, p.document.status));
            item.appendChild(el("span", "meta", " similarity " + Math.round(p.similarity * 100) + "%"));
            item.appendChild(diffNode(p.diff));
            list.appendChild(item);
          });
          out.appendChild(el("p", "meta", "Deleted words are only in the earlier text; inserted words only in yours."));
          out.appendChild(list);
        })
        .catch(function () { out.textContent = "The look-up failed; try again."; });
    });
  }

  var holder = document.querySelector("[data-precedents-url]");
  if (holder) {
    fetch(holder.dataset.precedentsUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { paragraphs: {} }; })
      .then(function (body) {
        Object.keys(body.paragraphs).forEach(function (id) {
          var target = holder.querySelector('[data-paragraph-id="' + id + '"]');
          if (!target) return;
          var found = body.paragraphs[id];
          var box = el("p", "agreed-before");
          box.appendChild(document.createTextNode("Agreed before in "));
          found.forEach(function (p, i) {
            if (i) box.appendChild(document.createTextNode("; "));
            var link = el("a", null, where(p));
            link.href = p.url;
            link.title = Math.round(p.similarity * 100) + "% similar";
            box.appendChild(link);
          });
          target.appendChild(box);
        });
      })
      .catch(function () { /* the links are a help, not the page */ });
  }
})();
