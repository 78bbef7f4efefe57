/* corem default theme — preview.js: link previews. Loaded by corem.js the first time a link is
 * hovered or focused. A note's preview is the classic script _preview/<page>.js (written by the
 * build: src/render/preview.rs), inserted as a <script> on first use, so previews work from
 * file:// with no fetch. Hover (mouse or pen) or keyboard focus opens a popover after a short
 * delay; Escape closes it; Tab from the link moves into it; a tap just follows the link.
 * A link inside a preview opens a second one (one level deep). */
(function () {
  "use strict";
  var doc = document, win = window, html = doc.documentElement;
  var DATA = win.COREM_PREVIEWS = win.COREM_PREVIEWS || {};
  var OPEN = 380, CLOSE = 260, MARGIN = 8, GAP = 6, MAX_HTML = 14000;
  var SEL = ".content a[href], .backlinks a[href], .entries a[href], [data-search-results] a[href], .local-graph a, .preview-body a[href]";
  var rootHref = new URL(html.getAttribute("data-root") || "./", location.href).href.split("#")[0];
  var loading = {}, open = [], timer = 0, checkTimer = 0, count = 0, quiet = null;

  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function is(el, sel) { try { return el.matches(sel); } catch (e) { return false; } }

  /* where a link goes: its page under the site root, that page's preview script, the anchor */
  function target(a) {
    if (a.closest(".anchor, .toc, .preview-head, .preview-more") || a.classList.contains("external")) return null;
    var raw = a.getAttribute("href") || (a.getAttribute("xlink:href") || "");
    if (!raw || /^[a-z]+:/i.test(raw) && raw.indexOf(rootHref) !== 0) return null;
    var u = new URL(raw, location.href), page = u.href.split("#")[0].split("?")[0];
    if (page.indexOf(rootHref) !== 0 || !/\.html$/.test(page)) return null;
    var rel = page.slice(rootHref.length), key;
    try { key = decodeURIComponent(rel); } catch (e) { return null; }
    var anchor = "";
    try { anchor = decodeURIComponent(u.hash.slice(1)); } catch (e) { /* left empty */ }
    return { page: page, key: key, src: rootHref + "_preview/" + rel.replace(/\.html$/, ".js"), anchor: anchor, href: u.href };
  }

  /* the note's data, loading its script once; `done` runs only when it is there */
  function load(t, done) {
    if (DATA[t.key]) return done(DATA[t.key]);
    var w = loading[t.key];
    if (w === false) return;
    if (w) return w.push(done);
    loading[t.key] = [done];
    var s = doc.createElement("script");
    s.src = t.src;
    s.onload = function () {
      var fs = loading[t.key], d = DATA[t.key];
      loading[t.key] = d ? null : false;
      if (d) fs.forEach(function (f) { f(d); });
    };
    s.onerror = function () { loading[t.key] = false; };
    doc.head.appendChild(s);
  }

  /* the linked heading's chunk and its subsections, or the opening (src/render/preview.rs) */
  function body(d, anchor) {
    var c = d.c, i = 0, n, h = "", cut;
    if (anchor) {
      while (i < c.length && c[i][0] !== anchor) i++;
      if (i === c.length) return null;
    } else if (!c[0][3] && c.length > 1) i = 1;
    h = c[i][3]; cut = c[i][4];
    for (n = i + 1; c[i][1] && n < c.length && c[n][1] > c[i][1]; n++) {
      if (h.length > MAX_HTML) { cut = 1; break; }
      h += "<p class=\"preview-h\">" + esc(c[n][2]) + "</p>" + c[n][3];
      cut = cut || c[n][4];
    }
    return { heading: i && c[i][2], html: h, more: !!cut || n < c.length };
  }

  function popover(a, t, d, level) {
    var b = body(d, t.anchor);
    if (!b) return null;
    var id = "corem-preview-" + (++count), pop = doc.createElement("div"), k = "pv" + count + "-";
    pop.className = "preview";
    pop.id = id;
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-labelledby", id + "-t");
    pop.setAttribute("data-level", level);
    pop.innerHTML = "<div class=\"preview-head\" id=\"" + id + "-h\">" +
      (d.p ? "<p class=\"preview-path\">" + esc(d.p) + "</p>" : "") +
      "<a class=\"preview-title\" id=\"" + id + "-t\" href=\"" + esc(t.href) + "\">" + esc(d.t) +
      (b.heading ? "<span class=\"preview-sec\"> › " + esc(b.heading) + "</span>" : "") + "</a>" +
      (d.d && !b.heading ? "<p class=\"preview-desc\">" + esc(d.d) + "</p>" : "") + "</div>" +
      "<div class=\"preview-body content\">" + b.html.replace(/\bid="/g, "id=\"" + k)
        .replace(/url\(#/g, "url(#" + k).replace(/aria-labelledby="/g, "aria-labelledby=\"" + k) + "</div>" +
      (b.more ? "<p class=\"preview-more\"><a href=\"" + esc(t.href) + "\">Continue in the note →</a></p>" : "");
    /* the chunk's links were written for the note's own page */
    Array.prototype.forEach.call(pop.querySelectorAll(".preview-body [href], .preview-body img[src]"), function (el) {
      var attr = el.hasAttribute("src") ? "src" : "href", v = el.getAttribute(attr);
      if (v && v.indexOf("#" + k) !== 0) { try { el.setAttribute(attr, new URL(v, t.page).href); } catch (e) { /* kept */ } }
    });
    if ("popover" in pop) pop.setAttribute("popover", "manual");
    return pop;
  }

  /* below the link (or above, where there is more room), inside the viewport */
  function place(pop, a, point) {
    var rects = a.getClientRects(), r = rects[0] || a.getBoundingClientRect(), i;
    for (i = 0; point && i < rects.length; i++) {
      if (point.y >= rects[i].top - 2 && point.y <= rects[i].bottom + 2) { r = rects[i]; break; }
    }
    var vw = html.clientWidth, vh = html.clientHeight, box = a.closest("[data-search-results]");
    var w = Math.min(pop.offsetWidth, vw - 2 * MARGIN), h = pop.offsetHeight, left, top, room;
    if (box && (room = box.getBoundingClientRect()).left - w - GAP >= MARGIN) {
      /* beside the search results, not over them */
      left = room.left - w - GAP;
      top = Math.max(MARGIN, Math.min(r.top, vh - h - MARGIN));
      pop.style.maxHeight = (vh - 2 * MARGIN) + "px";
    } else {
      var below = vh - r.bottom - GAP - MARGIN, above = r.top - GAP - MARGIN, down = below >= Math.min(h, 260) || below >= above;
      room = Math.max(120, down ? below : above);
      pop.style.maxHeight = room + "px";
      h = Math.min(h, room);
      top = down ? r.bottom + GAP : r.top - GAP - h;
      left = Math.max(MARGIN, Math.min(r.left, vw - w - MARGIN));
    }
    pop.style.left = Math.round(left) + "px";
    pop.style.top = Math.round(Math.max(MARGIN, top)) + "px";
  }

  function close(from) {
    while (open.length > from) {
      var o = open.pop();
      o.a.removeAttribute("aria-describedby");
      try { if (o.pop.hidePopover && o.pop.matches(":popover-open")) o.pop.hidePopover(); } catch (e) { /* closed */ }
      if (o.pop.parentNode) o.pop.parentNode.removeChild(o.pop);
    }
  }

  function show(a, how, point) {
    var t = target(a), parent = a.closest(".preview"), level = parent ? +parent.getAttribute("data-level") + 1 : 1;
    if (!t || level > 2 || (t.page === location.href.split("#")[0].split("?")[0] && !t.anchor)) return;
    load(t, function (d) {
      var still = how === "hover" ? is(a, ":hover") : doc.activeElement === a || is(a, "[aria-selected=true]");
      if (!still || (open[level - 1] && open[level - 1].a === a)) return;
      var pop = popover(a, t, d, level);
      if (!pop) return;
      close(level - 1);
      pop.style.visibility = "hidden";
      doc.body.appendChild(pop);
      try { if (pop.showPopover) pop.showPopover(); } catch (e) { /* shown as a fixed box */ }
      place(pop, a, point);
      pop.style.visibility = "";
      a.setAttribute("aria-describedby", pop.id + "-h");
      open.push({ a: a, pop: pop, how: how });
    });
  }

  function hookable(a) { return a && is(a, SEL) && !(a.closest(".preview") && +a.closest(".preview").getAttribute("data-level") >= 2); }
  function later(a, how, point) {
    clearTimeout(timer);
    timer = setTimeout(function () { show(a, how, point); }, OPEN);
  }
  /* a preview stays while its link or itself (or a preview it opened) is hovered or focused */
  function check() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () {
      for (var i = open.length - 1; i >= 0; i--) {
        var o = open[i], act = doc.activeElement, alive = is(o.a, ":hover") || is(o.pop, ":hover") ||
          act === o.a || o.pop.contains(act) || (o.how === "select" && is(o.a, "[aria-selected=true]")) || i < open.length - 1;
        if (alive) return;
        close(i);
      }
    }, CLOSE);
  }

  doc.addEventListener("pointerover", function (e) {
    if (e.pointerType === "touch" || !e.target.closest) return;
    var a = e.target.closest("a");
    if (hookable(a)) later(a, "hover", { x: e.clientX, y: e.clientY });
  });
  doc.addEventListener("pointerout", function (e) {
    if (e.pointerType === "touch" || !e.target.closest) return;
    var a = e.target.closest("a");
    if (a && !(e.relatedTarget && a.contains(e.relatedTarget))) clearTimeout(timer);
    if (open.length) check();
  });
  doc.addEventListener("focusin", function (e) {
    var a = e.target.closest && e.target.closest("a");
    if (a === quiet) { quiet = null; return; }
    if (hookable(a) && is(a, ":focus-visible")) later(a, "focus");
  });
  doc.addEventListener("focusout", function () { clearTimeout(timer); if (open.length) check(); });
  doc.addEventListener("keydown", function (e) {
    var top = open[open.length - 1], act = doc.activeElement;
    if (!top) return;
    if (e.key === "Escape") {
      e.preventDefault();
      var back = top.pop.contains(act);
      close(open.length - 1);
      if (back && top.a.focus) { quiet = top.a; top.a.focus(); }
    } else if (e.key === "Tab") {
      var links = top.pop.querySelectorAll("a[href], [tabindex='0']"), first = links[0], last = links[links.length - 1];
      if (!e.shiftKey && act === top.a && first) { e.preventDefault(); first.focus(); }
      else if (e.shiftKey && act === first) { e.preventDefault(); quiet = top.a; top.a.focus(); }
      else if (!e.shiftKey && act === last) { e.preventDefault(); close(open.length - 1); quiet = top.a; top.a.focus(); }
    }
  });
  /* search results chosen with the arrow keys preview too (the box keeps the focus) */
  doc.addEventListener("keyup", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var box = e.target.getAttribute && doc.getElementById(e.target.getAttribute("aria-controls") || "");
    var a = box && box.querySelector("a[aria-selected=true]");
    if (hookable(a)) later(a, "select");
    else if (open.length) check();
  });
  win.addEventListener("scroll", function () {
    open.forEach(function (o) { if (!o.pop.contains(doc.activeElement)) place(o.pop, o.a); });
  }, { passive: true });
  win.addEventListener("resize", function () { close(0); });

  /* the hover or focus that made corem.js load this script */
  var first = win.COREM_PREVIEW_FIRST;
  if (first && hookable(first.a) && (first.how === "hover" || is(first.a, ":focus-visible"))) later(first.a, first.how);
  win.coremPreview = { close: function () { close(0); } };
})();
