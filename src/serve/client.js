// corem serve's live-reload client. Injected by the dev server into every HTML response; never
// part of `corem build` output. Listens on /__corem/events (server-sent events):
//   reload {changed: [paths], all?}  → reload this page if it changed (keeping the scroll);
//   css    {changed: [paths]}        → swap the changed stylesheets without a reload;
//   errors {diagnostics: [...]}      → show every diagnostic over the page;
//   ok                               → the build is good again: remove the overlay.
(function () {
  'use strict';
  if (window.__coremLive) return;
  window.__coremLive = true;
  var script = document.currentScript;
  var missing = !!(script && script.hasAttribute('data-corem-missing'));
  var SCROLL_KEY = 'corem-serve-scroll';

  function here() {
    var p = decodeURIComponent(location.pathname).replace(/^\/+/, '');
    if (p === '' || p.charAt(p.length - 1) === '/') p += 'index.html';
    return p;
  }

  // Put the page back where it was before the reload.
  try {
    var saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || 'null');
    sessionStorage.removeItem(SCROLL_KEY);
    if (saved && saved.path === location.pathname) {
      var restore = function () { window.scrollTo(saved.x, saved.y); };
      if (document.readyState === 'complete') restore();
      else window.addEventListener('load', restore);
    }
  } catch (e) { /* storage may be disabled */ }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({
        path: location.pathname, x: window.scrollX, y: window.scrollY,
      }));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  function swapCss(changed) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    var stamp = Date.now();
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      var path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
      if (changed.indexOf(path) >= 0) {
        url.searchParams.set('corem', String(stamp));
        links[i].href = url.pathname + url.search;
      }
    }
  }

  var OVERLAY = 'corem-overlay';
  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.setAttribute('style', style);
    if (text != null) e.textContent = text;
    return e;
  }
  function hideOverlay() {
    var o = document.getElementById(OVERLAY);
    if (o) o.remove();
  }
  function showOverlay(diags) {
    hideOverlay();
    var errors = diags.filter(function (d) { return d.severity === 'error'; }).length;
    var o = el('div', 'all:initial;position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(20,20,24,.92);color:#eee;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:24px;');
    o.id = OVERLAY;
    o.setAttribute('role', 'alertdialog');
    o.setAttribute('aria-label', 'corem build failed');
    var box = el('div', 'max-width:960px;margin:0 auto;');
    var close = el('button', 'float:right;font:inherit;background:#333;color:#eee;border:1px solid #666;border-radius:4px;padding:2px 10px;cursor:pointer', 'close');
    close.addEventListener('click', hideOverlay);
    box.appendChild(close);
    box.appendChild(el('h2', 'font-size:18px;margin:0 0 4px;color:#ff6b6b',
      'Build failed: ' + errors + ' error' + (errors === 1 ? '' : 's')));
    box.appendChild(el('p', 'margin:0 0 16px;color:#aaa',
      'The last good build is still served. Fix the file and save: this overlay goes away by itself.'));
    diags.forEach(function (d) {
      var item = el('div', 'margin:0 0 14px;padding:10px 12px;background:#1d1d22;border-left:4px solid ' +
        (d.severity === 'error' ? '#ff6b6b' : '#f0c05a') + ';border-radius:4px');
      item.className = 'corem-diagnostic';
      var loc = el('div', 'color:#8ab4f8', d.location);
      loc.className = 'corem-location';
      item.appendChild(loc);
      var msg = el('div', 'color:#fff;font-weight:bold;white-space:pre-wrap', d.severity + ': ' + d.message);
      msg.className = 'corem-message';
      item.appendChild(msg);
      if (d.source_line != null) {
        var gutter = d.line ? String(d.line) + ' | ' : '';
        var src = gutter + d.source_line;
        if (d.caret) src += '\n' + ' '.repeat(gutter.length + Math.max(0, d.caret - 1)) + '^';
        var pre = el('pre', 'margin:6px 0 0;color:#ddd;white-space:pre-wrap', src);
        pre.className = 'corem-source';
        item.appendChild(pre);
      }
      if (d.help) item.appendChild(el('div', 'color:#9fd49f;margin-top:4px', 'help: ' + d.help));
      box.appendChild(item);
    });
    o.appendChild(box);
    (document.body || document.documentElement).appendChild(o);
  }

  var es = new EventSource('/__corem/events');
  es.addEventListener('reload', function (e) {
    var d = JSON.parse(e.data);
    if (d.all || missing || d.changed.indexOf(here()) >= 0) reload();
  });
  es.addEventListener('css', function (e) {
    swapCss(JSON.parse(e.data).changed);
  });
  es.addEventListener('errors', function (e) {
    showOverlay(JSON.parse(e.data).diagnostics);
  });
  es.addEventListener('ok', hideOverlay);
  window.addEventListener('pagehide', function () { es.close(); });
})();
