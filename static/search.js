/* corem default theme — search.js: live search over search-index.js (format: src/search/mod.rs),
 * a classic script inserted on first use, so search works from file://. See docs/search.md. */
(function () {
  "use strict";
  var doc = document, win = window, html = doc.documentElement;
  var ROOT = html.getAttribute("data-root") || "";
  var K1 = 1.2, B = 0.75, WORD_MAX = 40;
  var F_STEM = 0.9, F_PREFIX = 0.75, F_TYPO1 = 0.45, F_TYPO2 = 0.3, PHRASE_BONUS = 2;
  var ix = null, state = 0, waiting = [];

  function digits(alpha) {
    var d = new Int8Array(128).fill(-1);
    for (var i = 0; i < alpha.length; i++) d[alpha.charCodeAt(i)] = i;
    return d;
  }
  var DIG, STARTS = [0, 64];
  for (var k = 2; k < 9; k++) STARTS[k] = STARTS[k - 1] + 64 * Math.pow(29, k - 1);
  /* reads one number of s at r.p (the code of src/search/encode.rs) */
  function num(s, r) {
    var hi = 0, k = 0, d;
    for (;;) {
      d = DIG[s.charCodeAt(r.p++)];
      if (d < 64) return STARTS[k] + hi * 64 + d;
      hi = hi * 29 + d - 64; k++;
    }
  }
  /* every number of s, in one tight loop */
  function nums(s) {
    var out = new Float64Array(s.length), n = 0, hi = 0, k = 0, d;
    for (var i = 0, len = s.length; i < len; i++) {
      d = DIG[s.charCodeAt(i)];
      if (d < 64) { out[n++] = STARTS[k] + hi * 64 + d; hi = k = 0; } else { hi = hi * 29 + d - 64; k++; }
    }
    return out.subarray(0, n);
  }
  function lines(s) { return s === "" ? [] : s.split("\n"); }

  function decode(raw) {
    DIG = digits(raw.alphabet);
    var t = { stop: {}, folders: nums(raw.folders), folderTitles: lines(raw.folderTitles),
      urls: lines(raw.urls), titles: lines(raw.titles), headings: lines(raw.headings),
      anchors: lines(raw.anchors), raw: raw, postings: raw.postings, weights: raw.weights, cache: {} };
    raw.stop.split(" ").forEach(function (w) { t.stop[w] = 1; });
    /* entries: note, level (0: the note itself), parent distance, length */
    var nt = nums(raw.notes), es = nums(raw.entries), j = 0, r = { p: 0 }, n = 0, e, i, m, c = 0, lenSum = 0;
    for (i = 0; i < nt.length; i += 2) n += nt[i + 1];
    t.n = n; t.noteFolder = [];
    t.eNote = new Int32Array(n); t.eParent = new Int32Array(n); t.eLen = new Float32Array(n); t.eHead = new Int32Array(n);
    for (i = 0, e = 0; i < nt.length; i += 2) {
      t.noteFolder.push(nt[i] - 1);
      for (m = 0; m < nt[i + 1]; m++, e++) {
        t.eNote[e] = i / 2;
        if (es[j++]) { t.eParent[e] = es[j++]; t.eHead[e] = c++; } else t.eHead[e] = -1;
        lenSum += t.eLen[e] = es[j++];
      }
    }
    t.avgLen = lenSum / Math.max(1, n) || 1;
    /* dictionary: a mark gives the shared prefix length and the term link (see front_code) */
    var MK = new Int8Array(128), SAME = "ABCDEFGHIJKLMNOPQRSTUVWXY", NEW = " !#$%&()*+-/<=>?@[]^`{|}~";
    for (i = 0; i < 25; i++) { MK[SAME.charCodeAt(i)] = i + 1; MK[NEW.charCodeAt(i)] = -(i + 1); }
    MK[90] = 100; /* Z: a back reference follows */
    var d = raw.words, len = d.length, words = [], terms = [], prev = "", p = 0, nterms = 0, code;
    while (p < len) {
      var back = 1, mk = MK[d.charCodeAt(p)];
      if (mk === 100) { r.p = p + 1; back = num(d, r); p = r.p; mk = MK[d.charCodeAt(p)]; }
      var q = ++p;
      while (p < len && ((code = d.charCodeAt(p)) >= 128 || !MK[code])) p++;
      var w = (mk > 0 ? prev.slice(0, mk - 1) : prev.slice(0, -mk - 1)) + d.slice(q, p);
      terms.push(mk < 0 ? nterms++ : terms[terms.length - back]);
      words.push(w); prev = w;
    }
    t.words = words; t.wordTerm = Int32Array.from(terms);
    var tt = nums(raw.terms);
    t.df = new Int32Array(nterms); t.off = new Int32Array(nterms + 1);
    for (i = 0; i < nterms; i++) { t.df[i] = tt[2 * i]; t.off[i + 1] = t.off[i] + tt[2 * i + 1]; }
    return t;
  }
  /* snippets are split on first use */
  function snippet(e) {
    if (!ix.snippets) ix.snippets = lines(ix.raw.snippets);
    return ix.snippets[e] || "";
  }

  /* the posting list of term t: entries and weights (half units), decoded once */
  function postings(t) {
    var hit = ix.cache[t];
    if (hit) return hit;
    var df = ix.df[t], es = new Int32Array(df), ws = new Uint8Array(df), r = { p: ix.off[t] }, e = -1;
    for (var i = 0; i < df; i++) {
      var v = num(ix.postings, r), c = v % 4;
      e += Math.floor(v / 4) + 1;
      es[i] = e; ws[i] = c < 3 ? ix.weights[c] : num(ix.postings, r);
    }
    return (ix.cache[t] = { e: es, w: ws });
  }

  /* words: as src/search/text.rs */
  var seg = win.Intl && Intl.Segmenter ? new Intl.Segmenter("en", { granularity: "word" }) : null;
  /* [{w: folded word, i: start, j: end}] */
  function tokens(s) {
    var out = [];
    if (seg) {
      for (var it = seg.segment(s)[Symbol.iterator](), x = it.next(); !x.done; x = it.next()) {
        var g = x.value;
        if (g.isWordLike && /[\p{L}\p{N}]/u.test(g.segment)) out.push({ w: fold(g.segment), i: g.index, j: g.index + g.segment.length });
      }
    } else {
      s.replace(/[\p{L}\p{N}_]+(?:['’.][\p{L}\p{N}_]+)*/gu, function (m, i) { out.push({ w: fold(m), i: i, j: i + m.length }); });
    }
    return out;
  }
  function fold(w) { return w.toLowerCase().replace(/\u2019/g, "'"); }

  /* Snowball English (Porter2), as rust-stemmers implements it; tests compare the two */
  var EX1 = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
    ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: 1, news: 1, howe: 1, atlas: 1, cosmos: 1, bias: 1, andes: 1 };
  var EX2 = /^(inning|outing|canning|herring|earring|proceed|exceed|succeed)$/;
  var S2 = { tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize",
    ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous",
    ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogi: "og", fulli: "ful", lessli: "less", li: "" };
  var S3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: "" };
  function isV(c) { return c !== undefined && "aeiouy".indexOf(c) >= 0; }
  /* a short syllable ending at n: (non-vowel) vowel non-vowel-or-wxY, or vowel non-vowel at the start */
  function shortv(w, n) {
    return isV(w[n - 2]) && (n === 2 ? !isV(w[1]) : n > 2 && "aeiouywxY".indexOf(w[n - 1]) < 0 && !isV(w[n - 3]));
  }
  function stem(w) {
    if (/\p{N}/u.test(w)) return w;
    if (Object.prototype.hasOwnProperty.call(EX1, w)) return EX1[w] === 1 ? w : EX1[w];
    if (w.length < 3) return w;
    if (w[0] === "'") w = w.slice(1);
    var found = false, i, m;
    if (w[0] === "y") { w = "Y" + w.slice(1); found = true; }
    for (i = 1; i < w.length; i++) if (w[i] === "y" && isV(w[i - 1])) { w = w.slice(0, i) + "Y" + w.slice(i + 1); found = true; }
    var p1 = w.length, p2 = w.length;
    function past(i) {
      while (i < w.length && !isV(w[i])) i++;
      if (++i > w.length) return -1;
      while (i < w.length && isV(w[i])) i++;
      return i < w.length ? i + 1 : -1;
    }
    m = /^(gener|commun|arsen)/.exec(w);
    var a = m ? m[0].length : past(0);
    if (a >= 0) { p1 = a; var b = past(p1); if (b >= 0) p2 = b; }
    /* step 1a */
    w = w.replace(/'(s'?)?$/, "");
    if (/sses$/.test(w)) w = w.slice(0, -2);
    else if (/ie[ds]$/.test(w)) w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
    else if (/(us|ss)$/.test(w)) { /* kept */ }
    else if (/s$/.test(w) && /[aeiouy]/.test(w.slice(0, -2))) w = w.slice(0, -1);
    if (!EX2.test(w)) {
      /* step 1b */
      if ((m = /eed(ly)?$/.exec(w))) { if (m.index >= p1) w = w.slice(0, m.index) + "ee"; }
      else if ((m = /(ed|edly|ing|ingly)$/.exec(w)) && /[aeiouy]/.test(w.slice(0, m.index))) {
        w = w.slice(0, m.index);
        if (/(at|bl|iz)$/.test(w)) w += "e";
        else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
        else if (w.length === p1 && shortv(w, w.length)) w += "e";
      }
      /* step 1c */
      if (w.length > 2 && /[yY]$/.test(w) && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
      /* step 2 */
      m = /(ational|tional|enci|anci|abli|entli|izer|ization|ation|ator|alism|aliti|alli|fulness|ousli|ousness|iveness|iviti|biliti|bli|ogi|fulli|lessli|li)$/.exec(w);
      if (m && m.index >= p1 && (m[1] !== "ogi" || w[m.index - 1] === "l") && (m[1] !== "li" || "cdeghkmnrt".indexOf(w[m.index - 1]) >= 0))
        w = w.slice(0, m.index) + S2[m[1]];
      /* step 3 */
      m = /(ational|tional|alize|icate|iciti|ical|ful|ness|ative)$/.exec(w);
      if (m && m.index >= p1 && (m[1] !== "ative" || m.index >= p2)) w = w.slice(0, m.index) + S3[m[1]];
      /* step 4 */
      m = /(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ism|ate|iti|ous|ive|ize|ion)$/.exec(w);
      if (m && m.index >= p2 && (m[1] !== "ion" || /[st]/.test(w[m.index - 1] || ""))) w = w.slice(0, m.index);
      /* step 5 */
      var n = w.length;
      if (w[n - 1] === "e" && (n - 1 >= p2 || (n - 1 >= p1 && !shortv(w, n - 1)))) w = w.slice(0, -1);
      else if (w[n - 1] === "l" && n - 1 >= p2 && w[n - 2] === "l") w = w.slice(0, -1);
    }
    return found ? w.replace(/Y/g, "y") : w;
  }

  /* first index of words >= w */
  function lower(w) {
    var lo = 0, hi = ix.words.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (ix.words[mid] < w) lo = mid + 1; else hi = mid; }
    return lo;
  }
  /* optimal string alignment distance (a swap of neighbours is one edit), or max+1 when
     larger; only the band |i - j| <= max is computed */
  var R0 = new Int32Array(64), R1 = new Int32Array(64), R2 = new Int32Array(64);
  function dist(a, b, max) {
    var la = a.length, lb = b.length, i, j, big = max + 1;
    if (Math.abs(la - lb) > max) return big;
    var pp = R0, p = R1, c = R2, t;
    for (j = 0; j <= lb; j++) p[j] = j;
    for (i = 1; i <= la; i++) {
      var lo = big, from = Math.max(1, i - max), to = Math.min(lb, i + max);
      c[from - 1] = from > 1 ? big : i;
      for (j = from; j <= to; j++) {
        var v = p[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
        if (j < i + max && p[j] + 1 < v) v = p[j] + 1;
        if (c[j - 1] + 1 < v) v = c[j - 1] + 1;
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] && pp[j - 2] + 1 < v) v = pp[j - 2] + 1;
        c[j] = v; if (v < lo) lo = v;
      }
      if (to < lb) c[to + 1] = big;
      if (lo > max) return big;
      t = pp; pp = p; p = c; c = t;
    }
    return Math.min(p[lb], big);
  }
  /* dictionary ranges of words starting with s */
  function range(s) {
    var i = lower(s), j = lower(s + "\uffff");
    return [i, j];
  }
  /* the terms a query word stands for: {term: factor} */
  function expand(q) {
    var out = {}, any = false, w = q.w, i, t;
    function add(term, f) { if (term >= 0 && !(out[term] >= f)) { out[term] = f; any = true; } }
    i = lower(w);
    if (ix.words[i] === w) add(ix.wordTerm[i], 1);
    if (q.open) {
      /* the word being typed: completions, the most frequent terms first */
      var cands = [];
      for (var j = i; j < ix.words.length && ix.words[j].lastIndexOf(w, 0) === 0; j++) cands.push(ix.wordTerm[j]);
      cands.sort(function (a, b) { return ix.df[b] - ix.df[a]; });
      var cap = w.length < 2 ? 0 : w.length < 3 ? 3 : 16;
      /* and no more than ~60,000 postings of them, so a short prefix stays fast */
      for (var sum = j = 0; j < cands.length && j < cap && (j === 0 || sum + ix.df[cands[j]] < 60000); j++) {
        sum += ix.df[cands[j]]; add(cands[j], F_PREFIX);
      }
    }
    if (!any && !q.stop && w.length > 3) {
      /* a form the notes do not use: its stem, checked against words sharing its start */
      var s = stem(w), pre = s.slice(0, Math.max(3, s.length - 1)), end = lower(pre) + 400;
      for (i = lower(pre); i < end && i < ix.words.length && ix.words[i].lastIndexOf(pre, 0) === 0; i++)
        if (stem(ix.words[i]) === s) add(ix.wordTerm[i], F_STEM);
    }
    if (!any && !q.stop && w.length >= 4) {
      /* typos are looked for among words with the same first letter, or the first two
         letters swapped: a first letter is rarely wrong, and it keeps 10,000 notes fast */
      var max = w.length >= 8 ? 2 : 1, rs = [range(w[0]), range(w[1] + w[0])];
      for (var r = 0; r < 2; r++) {
        for (i = rs[r][0]; i < rs[r][1]; i++) {
          var d = dist(w, ix.words[i], max);
          if (d <= max) add(ix.wordTerm[i], d === 1 ? F_TYPO1 : F_TYPO2);
        }
      }
    }
    return out;
  }

  /* query → [{w, open, stop, phrase}] */
  function parse(query) {
    var out = [], phrase = 0, re = /"([^"]*)"?|[^"]+/g, m;
    while ((m = re.exec(query))) {
      var quoted = m[1] !== undefined, toks = tokens(quoted ? m[1] : m[0]);
      if (quoted) phrase++;
      toks.forEach(function (x) {
        if (x.w.length <= WORD_MAX) out.push({ w: x.w, phrase: quoted ? phrase : 0, stop: !!ix.stop[x.w] });
      });
    }
    /* the last word is being typed unless a space or a closing quote follows it */
    if (out.length && /[\p{L}\p{N}_']$/u.test(query)) out[out.length - 1].open = true;
    return out;
  }

  /* results: {results: the best `limit` [{e: entry, score}], best first, book order on ties,
     total, words}; phrases are checked on the best candidates */
  function search(query, limit) {
    var qs = parse(query), words = [], optional = [];
    /* a stop word being typed may be the start of a word: it counts, but is not required */
    qs.forEach(function (q) {
      if (q.stop && !q.open) return;
      q.terms = expand(q);
      (q.stop || (q.open && q.w.length < 2) ? optional : words).push(q);
    });
    var need = words.length;
    if (!need) return { results: [], words: qs };
    words = words.concat(optional);
    var n = ix.n;
    if (!ix.total) { ix.total = new Float64Array(n); ix.count = new Uint8Array(n); ix.best = new Float64Array(n); }
    var total = ix.total.fill(0), count = ix.count.fill(0), best = ix.best;
    for (var k = 0; k < words.length; k++) {
      var touched = [], want = Math.min(k, need);
      for (var key in words[k].terms) {
        var t = +key, f = words[k].terms[key], pl = postings(t), df = ix.df[t];
        var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (var i = 0; i < pl.e.length; i++) {
          var e = pl.e[i];
          if (count[e] !== want) continue;
          var tf = pl.w[i] / 2, s = f * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * ix.eLen[e] / ix.avgLen));
          if (best[e] === 0) touched.push(e);
          if (s > best[e]) best[e] = s;
        }
      }
      for (i = 0; i < touched.length; i++) { e = touched[i]; total[e] += best[e]; best[e] = 0; if (k < need) count[e] = k + 1; }
    }
    /* the best `keep` by a min-heap (worst on top), so common words cost no full sort */
    var keep = Math.min(limit || n, n), phrase = qs.some(function (q) { return q.phrase; });
    if (phrase) keep = Math.min(n, keep * 4 + 50);
    var heap = [], found = 0;
    function worse(a, b) { return a.score < b.score || (a.score === b.score && a.e > b.e); }
    for (e = 0; e < n; e++) {
      if (count[e] !== need) continue;
      found++;
      /* entries come in book order, so an equal score never beats the heap's worst */
      if (heap.length === keep && total[e] <= heap[0].score) continue;
      var r = { e: e, score: total[e] };
      if (heap.length < keep) {
        heap.push(r);
        for (i = heap.length - 1; i > 0 && worse(heap[i], heap[(i - 1) >> 1]); i = (i - 1) >> 1) swap(heap, i, (i - 1) >> 1);
      } else {
        heap[0] = r;
        for (i = 0; ;) {
          var a = 2 * i + 1, b = a + 1, m = i;
          if (a < heap.length && worse(heap[a], heap[m])) m = a;
          if (b < heap.length && worse(heap[b], heap[m])) m = b;
          if (m === i) break;
          swap(heap, i, m); i = m;
        }
      }
    }
    if (phrase) heap.forEach(function (r) { if (phraseOk(r.e, qs)) r.score *= PHRASE_BONUS; });
    heap.sort(function (a, b) { return b.score - a.score || a.e - b.e; });
    return { results: limit ? heap.slice(0, limit) : heap, total: found, words: qs };
  }
  function swap(h, i, j) { var t = h[i]; h[i] = h[j]; h[j] = t; }

  /* every quoted phrase occurs in the entry's stored text (title, heading, snippet) */
  function phraseOk(e, qs) {
    var text = tokens(ix.titles[ix.eNote[e]] + " \u0001 " + heading(e) + " \u0001 " + snippet(e)).map(function (x) { return x.w; });
    for (var p = 1; ; p++) {
      var ph = qs.filter(function (q) { return q.phrase === p; });
      if (!ph.length) return true;
      var ok = false;
      for (var i = 0; i + ph.length <= text.length && !ok; i++) {
        ok = ph.every(function (q, j) { var w = text[i + j]; return w === q.w || (q.open && w.lastIndexOf(q.w, 0) === 0) || (!q.stop && matchesTerms(w, q)); });
      }
      if (!ok) return false;
    }
  }
  function matchesTerms(w, q) {
    var i = lower(w);
    return ix.words[i] === w && q.terms && q.terms[ix.wordTerm[i]] !== undefined;
  }

  function heading(e) { return ix.eHead[e] < 0 ? "" : ix.headings[ix.eHead[e]]; }
  function slug(s) {
    return s.trim().replace(/[^A-Za-z0-9 _-]/g, "").replace(/ /g, "-").toLowerCase();
  }
  /* what a result shows: {url, title, path: [..], snippet} */
  function describe(e) {
    var note = ix.eNote[e], path = [], f = ix.noteFolder[note];
    while (f > 0) { path.unshift(ix.folderTitles[f]); f = ix.folders[f] - 1; }
    var url = ix.urls[note], title = ix.titles[note];
    if (ix.eHead[e] >= 0) {
      path.push(title);
      var chain = [], x = e;
      while (ix.eParent[x] > 0) { x -= ix.eParent[x]; chain.unshift(heading(x)); }
      path = path.concat(chain);
      title = heading(e);
      var a = ix.anchors[ix.eHead[e]] || slug(title);
      url += "#" + a;
    }
    return { url: ROOT + encodeURI(url).replace(/\?/g, "%3F"), title: title, path: path, snippet: snippet(e) };
  }

  function load(done) {
    if (state === 2) return done();
    if (state === 3) return;
    waiting.push(done);
    if (state === 1) return;
    state = 1;
    if (win.COREM_SEARCH_INDEX) return loaded();
    var s = doc.createElement("script");
    s.src = ROOT + "search-index.js";
    s.onload = loaded;
    s.onerror = function () { state = 3; waiting.forEach(function (f) { f(); }); waiting = []; };
    doc.head.appendChild(s);
  }

  function loaded() {
    try { ix = decode(win.COREM_SEARCH_INDEX); state = 2; } catch (err) { state = 3; }
    win.COREM_SEARCH_INDEX = null;
    var w = waiting; waiting = [];
    w.forEach(function (f) { f(); });
  }

  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  /* words of the query, folded, for highlighting: surfaces of every matched term */
  function marker(qs) {
    var terms = {}, exact = {}, prefixes = [];
    qs.forEach(function (q) {
      if (!q.stop) exact[q.w] = 1;
      if (q.open) prefixes.push(q.w);
      for (var t in q.terms || {}) terms[t] = 1;
    });
    return function (text) {
      var out = "", at = 0;
      tokens(text).forEach(function (x) {
        var i = lower(x.w), hit = exact[x.w] || (ix.words[i] === x.w && terms[ix.wordTerm[i]]) ||
          prefixes.some(function (p) { return x.w.lastIndexOf(p, 0) === 0; });
        if (hit) { out += esc(text.slice(at, x.i)) + "<mark>" + esc(text.slice(x.i, x.j)) + "</mark>"; at = x.j; }
      });
      return out + esc(text.slice(at));
    };
  }
  function resultHtml(r, mark, id) {
    var d = describe(r.e), snip = d.snippet;
    return "<a href=\"" + esc(d.url) + "\" role=\"option\" aria-selected=\"false\" id=\"" + id + "\">" +
      "<span class=\"sr-title\">" + mark(d.title) + "</span>" +
      (d.path.length ? "<span class=\"sr-path\">" + esc(d.path.join(" › ")) + "</span>" : "") +
      (snip ? "<span class=\"sr-snippet\">" + mark(snip) + "</span>" : "") + "</a>";
  }

  /* a search box and its results list; `live` is the header dropdown */
  function attach(form, live) {
    var input = form.querySelector("input[type=search]"), box = live ? form.querySelector("[data-search-results]") : doc.querySelector(".search-page-results[data-search-results]");
    if (!input || !box) return;
    var status = doc.createElement("p"), active = -1, last = null, listId = box.id || (box.id = "search-results-" + Math.random().toString(36).slice(2));
    status.className = "visually-hidden"; status.setAttribute("role", "status");
    form.appendChild(status);
    box.setAttribute("role", "listbox"); box.setAttribute("aria-label", "Search results");
    input.setAttribute("role", "combobox"); input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId); input.setAttribute("aria-expanded", "false");
    function items() { return box.querySelectorAll("a[role=option]"); }
    function open(on) {
      if (live) box.hidden = !on;
      input.setAttribute("aria-expanded", String(on));
      if (!on) select(-1);
    }
    function select(i) {
      var list = items();
      active = i;
      for (var j = 0; j < list.length; j++) {
        list[j].setAttribute("aria-selected", String(j === i));
        list[j].classList.toggle("is-active", j === i);
      }
      if (i >= 0 && list[i]) { input.setAttribute("aria-activedescendant", list[i].id); list[i].scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }
    function run() {
      var q = input.value;
      if (q === last && state === 2) return;
      if (!q.trim()) { last = q; box.innerHTML = ""; status.textContent = ""; open(false); return; }
      if (state !== 2) {
        status.textContent = state === 3 ? "Search is unavailable: search-index.js did not load." : "Loading search…";
        load(run);
        return;
      }
      last = q;
      var max = live ? 8 : 200, found = search(q, max), res = found.results, mark = marker(found.words), out = "";
      for (var i = 0; i < res.length && i < max; i++) out += resultHtml(res[i], mark, listId + "-" + i);
      if (live && res.length) {
        var all = ROOT + "search.html?q=" + encodeURIComponent(q);
        out += "<a class=\"sr-all\" href=\"" + esc(all) + "\" role=\"option\" aria-selected=\"false\" id=\"" + listId + "-all\">" +
          (found.total > max ? "All " + found.total + " results" : "Open the results page") + "</a>";
      }
      box.innerHTML = out || "<p class=\"sr-none\">No results for “" + esc(q.trim()) + "”</p>";
      status.textContent = found.total ? found.total + (found.total === 1 ? " result" : " results") : "No results";
      open(true);
      select(-1);
    }
    input.addEventListener("focus", function () { load(function () {}); if (input.value.trim()) run(); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      var list = items(), n = list.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!n) return;
        e.preventDefault();
        if (live && box.hidden) open(true);
        select(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
      } else if (e.key === "Enter") {
        var target = list[active >= 0 ? active : 0];
        if (target && (live || active >= 0)) { e.preventDefault(); win.location.href = target.href; }
      } else if (e.key === "Escape") {
        if (live && !box.hidden) { e.preventDefault(); open(false); } else if (input.value) { input.value = ""; run(); }
      }
    });
    if (live) {
      doc.addEventListener("click", function (e) { if (!form.contains(e.target)) open(false); });
      form.addEventListener("focusout", function (e) { if (e.relatedTarget && !form.contains(e.relatedTarget)) open(false); });
    }
    return { input: input, run: run };
  }

  function init() {
    var header = doc.querySelector(".site-header form.search"), page = doc.querySelector("form.search-large");
    if (header) attach(header, true);
    if (page) {
      var p = attach(page, false), q = /[?&]q=([^&#]*)/.exec(win.location.search);
      if (p && q) {
        try { p.input.value = decodeURIComponent(q[1].replace(/\+/g, " ")); } catch (err) { p.input.value = q[1]; }
        p.run();
      }
    }
    doc.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K")) {
        var box = doc.querySelector(".site-header input[type=search]");
        if (box) { e.preventDefault(); box.focus(); box.select(); }
      }
    });
  }
  /* for tests and other scripts: the engine without the UI */
  win.coremSearch = {
    load: load, stem: stem, tokens: tokens,
    ready: function () { return state === 2; },
    search: function (q, limit) {
      return search(q, limit).results.map(function (r) { var d = describe(r.e); d.score = r.score; return d; });
    },
    vocabulary: function () { return { words: ix.words, terms: Array.from(ix.wordTerm) }; }
  };
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
