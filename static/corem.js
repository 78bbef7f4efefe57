/* corem default theme — corem.js
 * Progressive enhancement only: every page reads fine without it.
 * Plain script (no modules, no fetch) so it works from file://; every feature is
 * wrapped so that one failure never breaks the others or throws to the console.
 *  - theme toggle, remembered in localStorage "corem-theme" ("light" | "dark")
 *  - sidebar / table-of-contents <details> forced open on wide screens
 *  - "/" focuses the search box
 *  - copy buttons on code blocks
 *  - keyboard access to horizontally scrolling boxes
 *  - highlight the current heading in the table of contents
 *  - an accessible name for Markdown task-list checkboxes
 *  - open every <details> while printing
 */
(function () {
  "use strict";
  var doc = document, root = doc.documentElement, KEY = "corem-theme";

  function safe(fn) { try { fn(); } catch (e) { /* never break the page */ } }
  function each(sel, fn) { Array.prototype.forEach.call(doc.querySelectorAll(sel), fn); }
  function mq(q) { return window.matchMedia ? window.matchMedia(q) : { matches: false }; }
  function listen(m, fn) {
    if (m.addEventListener) m.addEventListener("change", fn);
    else if (m.addListener) m.addListener(fn);
  }

  /* ----- theme ----- */
  var darkQuery = mq("(prefers-color-scheme: dark)");
  function effectiveTheme() {
    var t = root.getAttribute("data-theme");
    return t === "light" || t === "dark" ? t : (darkQuery.matches ? "dark" : "light");
  }
  function syncToggles() {
    var dark = effectiveTheme() === "dark";
    each(".theme-toggle", function (b) {
      b.setAttribute("aria-pressed", dark ? "true" : "false");
      b.title = dark ? "Switch to light theme" : "Switch to dark theme";
    });
  }
  function initTheme() {
    syncToggles();
    listen(darkQuery, syncToggles);
    each(".theme-toggle", function (b) {
      b.addEventListener("click", function () {
        var next = effectiveTheme() === "dark" ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try { localStorage.setItem(KEY, next); } catch (e) { /* storage may be disabled */ }
        syncToggles();
      });
    });
    /* keep several open tabs in step */
    window.addEventListener("storage", function (e) {
      if (e.key === KEY && (e.newValue === "light" || e.newValue === "dark")) {
        root.setAttribute("data-theme", e.newValue);
        syncToggles();
      }
    });
  }

  /* ----- <details data-wide-open>: open on wide screens (CSS already shows the
     content there in browsers that support ::details-content) ----- */
  function initDrawers() {
    var pairs = [[".nav-drawer", "(min-width: 900px)"], [".toc-details", "(min-width: 1200px)"]];
    pairs.forEach(function (p) {
      var m = mq(p[1]);
      function apply() { each(p[0], function (d) { if (m.matches) d.open = true; }); }
      apply();
      listen(m, apply);
    });
  }

  /* ----- "/" focuses the header search box ----- */
  function initSlash() {
    doc.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target, tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
      var box = doc.querySelector(".site-header input[type=search]");
      if (box) { e.preventDefault(); box.focus(); box.select(); }
    });
  }

  /* ----- copy buttons on code blocks ----- */
  function copyText(text, done) {
    function fallback() {
      var ta = doc.createElement("textarea");
      ta.value = text; ta.setAttribute("readonly", ""); ta.style.position = "fixed"; ta.style.opacity = "0";
      doc.body.appendChild(ta); ta.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      doc.body.removeChild(ta);
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else fallback();
  }
  function initCopy() {
    each("pre.code", function (pre) {
      var wrap = doc.createElement("div");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var btn = doc.createElement("button");
      btn.type = "button"; btn.className = "copy-btn"; btn.textContent = "Copy";
      btn.setAttribute("aria-label", "Copy code to clipboard");
      btn.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        copyText(code.textContent.replace(/\n$/, ""), function (ok) {
          btn.textContent = ok ? "Copied" : "Press Ctrl+C";
          btn.classList.add("is-done");
          setTimeout(function () { btn.textContent = "Copy"; btn.classList.remove("is-done"); }, 1600);
        });
      });
      wrap.appendChild(btn);
    });
  }

  /* ----- boxes that scroll sideways must be reachable by keyboard ----- */
  function initScrollers() {
    each(".table-wrap, pre.code, math[display=block], figure.diagram", function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        if (el.classList.contains("table-wrap")) {
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", "Table (scrolls sideways)");
        }
      }
    });
  }

  /* ----- mark the heading being read in the table of contents ----- */
  function initScrollSpy() {
    var links = doc.querySelectorAll(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {}, heads = [], visible = {};
    Array.prototype.forEach.call(links, function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1)), h = doc.getElementById(id);
      if (h) { byId[id] = a; heads.push(h); }
    });
    function setActive(id) {
      Array.prototype.forEach.call(links, function (a) { a.classList.remove("is-active"); });
      if (byId[id]) byId[id].classList.add("is-active");
    }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) { visible[en.target.id] = en.isIntersecting; });
      for (var i = 0; i < heads.length; i++) if (visible[heads[i].id]) return setActive(heads[i].id);
    }, { rootMargin: "-64px 0px -60% 0px" });
    heads.forEach(function (h) { io.observe(h); });
  }

  /* ----- task-list checkboxes (disabled, from Markdown) get their item's text as
     accessible name ----- */
  function initTasks() {
    each("li > input[type=checkbox]:not([aria-label]):not([id])", function (box) {
      var text = (box.parentNode.textContent || "").replace(/\s+/g, " ").trim();
      if (text) box.setAttribute("aria-label", text.slice(0, 120));
    });
  }

  /* ----- printing: show the inside of every <details> ----- */
  function initPrint() {
    var reopened = [];
    window.addEventListener("beforeprint", function () {
      each("details:not([open])", function (d) { d.open = true; reopened.push(d); });
    });
    window.addEventListener("afterprint", function () {
      reopened.forEach(function (d) { d.open = false; });
      reopened = [];
    });
  }

  function init() {
    [initTheme, initDrawers, initSlash, initCopy, initScrollers, initScrollSpy, initTasks, initPrint].forEach(safe);
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
