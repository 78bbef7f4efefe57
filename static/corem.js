/* corem default theme — corem.js: progressive enhancement only, pages read fine without it.
 * A plain script (no modules, no fetch) so it works from file://; every feature runs in its
 * own try/catch so nothing ever throws. */
(function () {
  "use strict";
  var doc = document, root = doc.documentElement, KEY = "corem-theme";
  function each(sel, fn) { Array.prototype.forEach.call(doc.querySelectorAll(sel), fn); }
  function mq(q) { return window.matchMedia ? window.matchMedia(q) : { matches: false }; }
  function listen(m, fn) { if (m.addEventListener) m.addEventListener("change", fn); else if (m.addListener) m.addListener(fn); }

  /* theme: the inline <head> script already applied the stored choice before paint */
  var darkQuery = mq("(prefers-color-scheme: dark)");
  function theme() {
    var t = root.getAttribute("data-theme");
    return t === "light" || t === "dark" ? t : (darkQuery.matches ? "dark" : "light");
  }
  function sync() {
    var dark = theme() === "dark";
    each(".theme-toggle", function (b) {
      b.setAttribute("aria-pressed", String(dark));
      b.title = dark ? "Switch to light theme" : "Switch to dark theme";
    });
  }
  function initTheme() {
    sync();
    listen(darkQuery, sync);
    each(".theme-toggle", function (b) {
      b.addEventListener("click", function () {
        var next = theme() === "dark" ? "light" : "dark";
        root.setAttribute("data-theme", next);
        sync();
        try { localStorage.setItem(KEY, next); } catch (e) { /* storage disabled */ }
      });
    });
  }

  /* CSS already shows these on wide screens (::details-content); this covers older browsers */
  function initDrawers() {
    [[".nav-drawer", "(min-width: 900px)"], [".toc-details", "(min-width: 1200px)"]].forEach(function (p) {
      var m = mq(p[1]);
      function apply() { if (m.matches) each(p[0], function (d) { d.open = true; }); }
      apply();
      listen(m, apply);
    });
  }

  /* `/` and Ctrl/Cmd-K focus the header search box; search.js itself is loaded on the box's
     first focus (or pointer over it), so pages that are only read never fetch it */
  function initSearch() {
    var form = doc.querySelector(".site-header form.search[data-search-js]"),
      box = form && form.querySelector("input[type=search]");
    if (!box) return;
    function load() {
      if (window.coremSearch || form.getAttribute("data-search-loading")) return;
      form.setAttribute("data-search-loading", "");
      var s = doc.createElement("script");
      s.src = form.getAttribute("data-search-js");
      doc.head.appendChild(s);
    }
    box.addEventListener("focus", load);
    form.addEventListener("pointerenter", load);
    doc.addEventListener("keydown", function (e) {
      var t = e.target, k = e.key;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (k === "k" || k === "K")) {
        e.preventDefault(); box.focus(); box.select();
      } else if (k === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !e.defaultPrevented &&
          !(t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable))) {
        e.preventDefault(); box.focus(); box.select();
      }
    });
  }

  /* link previews: preview.js (and each note's preview data) load on the first hover or
     keyboard focus of a link to a note, so a page that is only read loads neither */
  function initPreviews() {
    if (!root.hasAttribute("data-previews")) return;
    function first(e) {
      var a = e.target.closest && e.target.closest(".content a, .backlinks a, .entries a, [data-search-results] a, .local-graph a");
      if (!a || e.pointerType === "touch") return;
      try { if (e.type === "focusin" && !a.matches(":focus-visible")) return; } catch (x) { /* old browser */ }
      doc.removeEventListener("pointerover", first);
      doc.removeEventListener("focusin", first);
      window.COREM_PREVIEW_FIRST = { a: a, how: e.type === "focusin" ? "focus" : "hover" };
      var s = doc.createElement("script");
      s.src = (root.getAttribute("data-root") || "") + "preview.js";
      doc.head.appendChild(s);
    }
    doc.addEventListener("pointerover", first);
    doc.addEventListener("focusin", first);
  }

  function copyText(text, done) {
    function fallback() {
      var ta = doc.createElement("textarea"), ok = false;
      ta.value = text; ta.style.cssText = "position:fixed;opacity:0";
      doc.body.appendChild(ta); ta.select();
      try { ok = doc.execCommand("copy"); } catch (e) { /* unsupported */ }
      doc.body.removeChild(ta);
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else fallback();
  }
  function initCopy() {
    each("pre.code", function (pre) {
      var wrap = doc.createElement("div"), btn = doc.createElement("button");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      btn.type = "button"; btn.className = "copy-btn"; btn.textContent = "Copy";
      btn.setAttribute("aria-label", "Copy code");
      btn.addEventListener("click", function () {
        copyText((pre.querySelector("code") || pre).textContent.replace(/\n$/, ""), function (ok) {
          btn.textContent = ok ? "Copied" : "Press Ctrl+C";
          btn.classList.add("is-done");
          setTimeout(function () { btn.textContent = "Copy"; btn.classList.remove("is-done"); }, 1600);
        });
      });
      wrap.appendChild(btn);
    });
  }

  /* a box that scrolls sideways must be reachable by keyboard */
  function initScrollers() {
    var n = 0;
    each(".table-wrap, pre.code, math[display=block], figure.diagram", function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        if (el.classList.contains("table-wrap")) { /* landmark names must be unique */
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", "Table " + (++n) + ", scrolls sideways");
        }
      }
    });
  }

  /* Markdown task-list checkboxes are unlabelled: name them after their item */
  function initTasks() {
    each("li > input[type=checkbox]:not([aria-label]):not([id])", function (box) {
      var text = box.parentNode.textContent.replace(/\s+/g, " ").trim();
      if (text) box.setAttribute("aria-label", text.slice(0, 120));
    });
  }

  function initPrint() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      each("details:not([open])", function (d) { d.open = true; opened.push(d); });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
  }

  function init() {
    [initTheme, initDrawers, initSearch, initPreviews, initCopy, initScrollers, initTasks, initPrint]
      .forEach(function (f) { try { f(); } catch (e) { /* never break the page */ } });
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
