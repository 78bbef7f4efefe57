/* corem --single-file: the one-file handbook's glue for search.js, which links each result to
 * the multi-page site's file (principles/cap-theorem.html#heading). Here every note is an
 * in-page anchor (render::note_anchor: principles--cap-theorem, its headings
 * principles--cap-theorem--heading), so result links are rewritten as they appear, and the
 * search form (which would submit to search.html) opens the first result instead. */
(function () {
  "use strict";
  var doc = document;
  function anchor(path) {
    var p = path.replace(/\.html$/, "").replace(/\/index$/, "");
    return p === "index" || p === "" ? "home" : p.split("/").join("--");
  }
  function dec(s) { try { return decodeURIComponent(s); } catch (e) { return s; } }
  function inPage(href) {
    var m = /^(?:\.\/)?([^?#:]*\.html)(?:#(.*))?$/.exec(href || "");
    if (!m) return null;
    var note = anchor(dec(m[1]));
    if (m[2] && doc.getElementById(note + "--" + dec(m[2]))) return "#" + note + "--" + dec(m[2]);
    return doc.getElementById(note) ? "#" + note : null;
  }
  function rewrite(box) {
    Array.prototype.forEach.call(box.querySelectorAll("a[href]"), function (a) {
      var h = a.getAttribute("href");
      if (h.charAt(0) === "#") return;
      var to = inPage(h);
      if (to) a.setAttribute("href", to);
      else a.hidden = true; /* e.g. "all results" on search.html, which this file has not */
    });
  }
  try {
    Array.prototype.forEach.call(doc.querySelectorAll("[data-search-results]"), function (box) {
      new MutationObserver(function () { rewrite(box); }).observe(box, { childList: true, subtree: true });
    });
    doc.addEventListener("submit", function (e) {
      var form = e.target, first = form && form.querySelector && form.querySelector("[data-search-results] a[href^='#']:not([hidden])");
      if (!form || !form.querySelector || !form.querySelector("input[type=search]")) return;
      e.preventDefault();
      if (first) location.hash = first.getAttribute("href");
    });
  } catch (e) { /* search still lists results; links stay as search.js wrote them */ }
})();
