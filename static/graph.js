/* corem default theme — graph.js: zoom, pan and find on graph.html. The graph itself is an SVG
 * laid out at build time (src/graph/site.rs); this only moves its viewBox, shows more labels
 * as one zooms in, and marks the notes whose title matches what is typed (drawing the links
 * of the best match from the page's JSON data). A classic script, no fetch: works from file://. */
(function () {
  "use strict";
  var doc = document, view = doc.querySelector("[data-graph]"), svg = view && view.querySelector("svg");
  if (!svg) return;
  var full = svg.getAttribute("viewBox").split(/[\s,]+/).map(Number), vb = full.slice();
  var nodes = svg.querySelectorAll("a.g-n"), hl = svg.querySelector(".g-hl"), names = svg.querySelector(".g-names");
  var input = doc.getElementById("graph-q"), count = doc.getElementById("graph-count");
  var NS = "http://www.w3.org/2000/svg", found = -1;
  /* scales (px per unit) from which all labels, or the most linked notes' labels, show
     (src/graph/site.rs writes the same choice for the page without a script) */
  var LABELS_ALL = +svg.getAttribute("data-all") || 1.6, LABELS_HUBS = +svg.getAttribute("data-hubs") || 0.5;

  function r1(v) { return Math.round(v * 100) / 100; }
  /* px per unit: the viewBox is fitted inside the element ("meet") */
  function scale() { return Math.min(svg.clientWidth / vb[2], svg.clientHeight / vb[3]) || 1; }
  function show(b) {
    vb = b;
    svg.setAttribute("viewBox", b.map(r1).join(" "));
    /* labels keep their size on screen; all of them show once notes are far enough apart */
    var s = scale();
    svg.setAttribute("data-labels", s >= LABELS_ALL ? "all" : s >= LABELS_HUBS ? "hubs" : "none");
    svg.style.setProperty("--graph-label", (12.5 / s) + "px");
    /* section names 15 px on screen, but never much wider than their disc */
    Array.prototype.forEach.call(names ? names.children : [], function (t) {
      t.style.fontSize = Math.min(15 / s, +t.getAttribute("data-r") * 0.3) + "px";
    });
  }
  /* the point under a client position, in units */
  function units(x, y) {
    var m = svg.getScreenCTM(), p = svg.createSVGPoint();
    p.x = x; p.y = y;
    p = p.matrixTransform(m.inverse());
    return [p.x, p.y];
  }
  function zoom(f, ux, uy) {
    var w = Math.min(full[2] * 1.5, Math.max(full[2] / 60, vb[2] / f)), k = w / vb[2];
    if (ux === undefined) { ux = vb[0] + vb[2] / 2; uy = vb[1] + vb[3] / 2; }
    show([ux - (ux - vb[0]) * k, uy - (uy - vb[1]) * k, w, vb[3] * k]);
  }
  function pan(dx, dy) { show([vb[0] + dx, vb[1] + dy, vb[2], vb[3]]); }
  function centre(x, y, w) { show([x - w / 2, y - (w * vb[3] / vb[2]) / 2, w, w * vb[3] / vb[2]]); }
  /* a large site draws its notes as dots (src/graph/site.rs NODE_LIMIT): their titles, addresses
     and places are in the data, and the note found or pointed at gets a link drawn for it */
  var big = !nodes.length && !!svg.querySelector(".g-dots"), D = null, grid = null, GRID = 24;
  function data() {
    if (!D) {
      var raw;
      try { raw = JSON.parse(doc.getElementById("graph-data").textContent); } catch (e) { raw = []; }
      D = Array.isArray(raw) ? { l: raw } : raw;
      D.into = D.l.map(function () { return []; });
      D.l.forEach(function (l, a) { l.forEach(function (b) { if (D.into[b]) D.into[b].push(a); }); });
    }
    return D;
  }
  function total() { return big ? data().t.length : nodes.length; }
  function title(i) { return big ? data().t[i] : nodes[i].textContent || ""; }
  function at(i) {
    if (big) { var p = data().p; return [p[2 * i], p[2 * i + 1]]; }
    var c = nodes[i].querySelector("circle");
    return [+c.getAttribute("cx"), +c.getAttribute("cy")];
  }
  function pos(a) { return at(+a.getAttribute("data-i")); }
  /* a link for note i (large sites): a ring, its title, its address */
  function mark(i, cls) {
    var old = svg.querySelector(".g-n." + cls);
    if (old) old.parentNode.removeChild(old);
    if (i < 0) return null;
    var p = at(i), a = doc.createElementNS(NS, "a"), c = doc.createElementNS(NS, "circle"), t = doc.createElementNS(NS, "text");
    a.setAttribute("class", "g-n is-match " + cls);
    a.setAttribute("href", data().u[i]);
    a.setAttribute("data-i", i);
    c.setAttribute("cx", p[0]); c.setAttribute("cy", p[1]); c.setAttribute("r", 5);
    t.setAttribute("x", p[0] + 8); t.setAttribute("y", p[1] + 4);
    t.textContent = title(i);
    a.appendChild(c); a.appendChild(t);
    svg.querySelector(".g-nodes").appendChild(a);
    return a;
  }
  /* the note nearest a point, within r units */
  function nearest(x, y, r) {
    var p = data().p, best = -1, bd = r * r, k, gx, gy, list, j;
    if (!grid) {
      grid = {};
      for (j = 0; j < p.length / 2; j++) {
        k = Math.floor(p[2 * j] / GRID) + "," + Math.floor(p[2 * j + 1] / GRID);
        (grid[k] = grid[k] || []).push(j);
      }
    }
    for (gx = Math.floor((x - r) / GRID); gx <= Math.floor((x + r) / GRID); gx++) {
      for (gy = Math.floor((y - r) / GRID); gy <= Math.floor((y + r) / GRID); gy++) {
        list = grid[gx + "," + gy] || [];
        for (j = 0; j < list.length; j++) {
          var d = (p[2 * list[j]] - x) * (p[2 * list[j]] - x) + (p[2 * list[j] + 1] - y) * (p[2 * list[j] + 1] - y);
          if (d < bd) { bd = d; best = list[j]; }
        }
      }
    }
    return best;
  }

  /* the links of note i (out and in), drawn over the others */
  function links(i) {
    while (hl.firstChild) hl.removeChild(hl.firstChild);
    if (i < 0) return;
    var g = data(), p = at(i), d = "", seen = {};
    (g.l[i] || []).concat(g.into[i] || []).forEach(function (j) {
      if (seen[j] || j >= total()) return;
      seen[j] = 1;
      var q = at(j);
      d += "M" + p[0] + " " + p[1] + "L" + q[0] + " " + q[1];
      if (!big) nodes[j].classList.add("is-near");
    });
    var path = doc.createElementNS(NS, "path");
    path.setAttribute("d", d);
    hl.appendChild(path);
  }
  function clearNear() { Array.prototype.forEach.call(svg.querySelectorAll(".is-near"), function (a) { a.classList.remove("is-near"); }); }

  /* find: every note whose title contains the words typed; the best (title starts so, then
     shortest) is marked and its links drawn */
  function find() {
    var q = input.value.trim().toLowerCase(), n = 0, best = -1, bestKey = null, i, hits = "";
    clearNear();
    for (i = 0; i < total(); i++) {
      var t = title(i).toLowerCase(), hit = !!q && q.split(/\s+/).every(function (w) { return t.indexOf(w) >= 0; });
      if (!big) { nodes[i].classList.toggle("is-match", hit); nodes[i].classList.remove("is-best"); }
      if (!hit) continue;
      if (big && n < 500) { var p = at(i); hits += "M" + p[0] + " " + p[1] + "h0"; }
      n++;
      var key = [t.indexOf(q) === 0 ? 0 : 1, t.length, i];
      if (!bestKey || key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) { best = i; bestKey = key; }
    }
    svg.classList.toggle("is-finding", !!q);
    found = best;
    links(best);
    if (big) {
      var m = doc.createElementNS(NS, "path");
      m.setAttribute("class", "g-hits");
      m.setAttribute("d", hits);
      hl.appendChild(m);
      mark(best, "is-best");
    } else if (best >= 0) nodes[best].classList.add("is-best");
    count.textContent = !q ? "" : n === 0 ? "No note matches" : n === 1 ? "1 note matches" : n + " notes match";
  }
  /* Enter: bring the best match into view, large enough to read, and give it the focus */
  function go() {
    if (found < 0) return;
    var p = at(found);
    centre(p[0], p[1], Math.min(vb[2], svg.clientWidth / 1.2));
    (big ? svg.querySelector(".g-n.is-best") : nodes[found]).focus();
  }

  var pointers = {}, drag = null, moved = false;
  function spread() {
    var ids = Object.keys(pointers);
    if (ids.length < 2) return null;
    var a = pointers[ids[0]], b = pointers[ids[1]];
    return { d: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  view.addEventListener("pointerdown", function (e) {
    if (e.button) return;
    pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    drag = { x: e.clientX, y: e.clientY, pinch: spread() };
    moved = false;
  });
  view.addEventListener("pointermove", function (e) {
    if (!drag || !pointers[e.pointerId]) return;
    pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    var s = scale(), p = spread();
    if (p && drag.pinch) {
      var u = units(p.x, p.y);
      zoom(p.d / drag.pinch.d, u[0], u[1]);
      drag.pinch = p;
      moved = true;
      return;
    }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!moved && view.setPointerCapture) view.setPointerCapture(e.pointerId);
    moved = true;
    view.classList.add("is-dragging");
    pan(-dx / s, -dy / s);
    drag.x = e.clientX; drag.y = e.clientY;
  });
  function up(e) {
    delete pointers[e.pointerId];
    if (!Object.keys(pointers).length) { drag = null; view.classList.remove("is-dragging"); }
    else if (drag) drag.pinch = spread();
  }
  view.addEventListener("pointerup", up);
  view.addEventListener("pointercancel", up);
  /* a drag that ends on a note does not open it */
  view.addEventListener("click", function (e) { if (moved) { e.preventDefault(); moved = false; } }, true);
  view.addEventListener("wheel", function (e) {
    e.preventDefault();
    var u = units(e.clientX, e.clientY);
    zoom(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), u[0], u[1]);
  }, { passive: false });
  view.addEventListener("keydown", function (e) {
    var step = vb[2] / 8, k = e.key;
    if (k === "+" || k === "=") zoom(1.25);
    else if (k === "-" || k === "_") zoom(0.8);
    else if (k === "ArrowLeft") pan(-step, 0);
    else if (k === "ArrowRight") pan(step, 0);
    else if (k === "ArrowUp") pan(0, -step);
    else if (k === "ArrowDown") pan(0, step);
    else return;
    e.preventDefault();
  });
  /* a note reached with Tab comes into view */
  view.addEventListener("focusin", function (e) {
    var a = e.target.closest && e.target.closest("a.g-n");
    if (!a) return;
    var p = pos(a);
    if (p[0] < vb[0] || p[0] > vb[0] + vb[2] || p[1] < vb[1] || p[1] > vb[1] + vb[3]) centre(p[0], p[1], vb[2]);
  });
  view.addEventListener("pointerover", function (e) {
    var a = e.target.closest && e.target.closest("a.g-n");
    if (a && !drag && !big) { clearNear(); links(+a.getAttribute("data-i")); }
  });
  /* large sites: the dot under the pointer becomes a link with its title */
  var pending = 0;
  view.addEventListener("pointermove", function (e) {
    if (!big || drag || pending || (e.target.closest && e.target.closest(".is-hover"))) return;
    pending = requestAnimationFrame(function () {
      pending = 0;
      var u = units(e.clientX, e.clientY), i = nearest(u[0], u[1], 8 / scale());
      var cur = svg.querySelector(".is-hover");
      if (cur && +cur.getAttribute("data-i") === i) return;
      mark(i, "is-hover");
    });
  });
  view.addEventListener("pointerout", function (e) {
    var a = e.target.closest && e.target.closest("a.g-n");
    if (a && !(e.relatedTarget && a.contains(e.relatedTarget))) { clearNear(); links(found); }
  });
  Array.prototype.forEach.call(doc.querySelectorAll("[data-zoom]"), function (b) {
    b.addEventListener("click", function () {
      var z = b.getAttribute("data-zoom");
      if (z === "in") zoom(1.5); else if (z === "out") zoom(1 / 1.5); else show(full.slice());
    });
  });
  if (input) {
    input.addEventListener("input", find);
    input.form.addEventListener("submit", function (e) { e.preventDefault(); go(); });
    var q = /[?&]q=([^&#]*)/.exec(location.search);
    if (q) { try { input.value = decodeURIComponent(q[1].replace(/\+/g, " ")); } catch (e) { input.value = q[1]; } }
    if (input.value) find();
  }
  view.setAttribute("tabindex", "0");
  view.setAttribute("role", "region");
  view.setAttribute("aria-label", "Graph view: arrows move, + and − zoom");
  window.addEventListener("resize", function () { show(vb); });
  show(vb);
  window.coremGraph = { zoom: zoom, show: show, box: function () { return vb.slice(); }, scale: scale };
})();
