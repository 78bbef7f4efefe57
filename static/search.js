/* corem default theme — search.js: live search over search-index.js and its shards (format:
 * src/search/mod.rs), classic scripts inserted as a query needs them, so search works from
 * file:// and what a keystroke loads does not grow with the site. See docs/notes/search.md. */
(function () {
  "use strict";
  var doc = document, win = window, ROOT = doc.documentElement.getAttribute("data-root") || "";
  var HEAD_BONUS = 0.25, F_PREFIX = 0.75, F_TYPO1 = 0.45, F_TYPO2 = 0.3, PHRASE_BONUS = 2, EXCERPT_WORDS = 24;
  var ix = null, state = 0, waiting = [], SH = win.COREM_SEARCH_SHARDS = win.COREM_SEARCH_SHARDS || {}, pending = {};

  /* numbers packed in strings (src/search/encode.rs): digits 0..63 end a number, 64..92 lead */
  var DIG, STARTS = [0, 64];
  for (var k = 2; k < 9; k++) STARTS[k] = STARTS[k - 1] + 64 * Math.pow(29, k - 1);
  function num(s, r) {
    for (var hi = 0, k = 0, d; ; k++) {
      d = DIG[s.charCodeAt(r.p++)];
      if (d < 64) return STARTS[k] + hi * 64 + d;
      hi = hi * 29 + d - 64;
    }
  }
  function nums(s) {
    var out = [], r = { p: 0 };
    while (r.p < s.length) out.push(num(s, r));
    return out;
  }
  function lines(s) { return s ? s.split("\n") : []; }
  /* first numbers of each run of `counts` (shard tables), and the shard holding x */
  function starts(counts) { var out = [0]; counts.forEach(function (n, i) { out.push(out[i] + n); }); return out; }
  function shardOf(st, x) {
    var lo = 0, hi = st.length - 2;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (st[mid] <= x) lo = mid; else hi = mid - 1; }
    return lo;
  }

  /* the core: entries, stop words, impact levels, and the shard tables */
  function decode(raw) {
    DIG = new Int8Array(128).fill(-1);
    for (var i = 0; i < raw.alphabet.length; i++) DIG[raw.alphabet.charCodeAt(i)] = i;
    var t = { stop: {}, n: raw.n, levels: raw.levels, dfirst: lines(raw.dfirst), dstart: starts(nums(raw.dterms)),
      sstart: starts(nums(raw.sshards)), d: {}, s: {}, pl: new Map(), tc: new Map(), ex: new Map(), sc: new Map() };
    raw.stop.split(" ").forEach(function (w) { t.stop[w] = 1; });
    return t;
  }

  /* a classic script (the only kind file:// allows), once */
  function script(name, ok, fail) {
    var s = doc.createElement("script");
    s.src = ROOT + name; s.onload = ok; s.onerror = fail;
    doc.head.appendChild(s);
  }
  /* loads the shards named in `keys` (d2: dictionary shard 2, p3: postings, s0: sections),
     then done(): at once when they are all there */
  function need(keys, done) {
    var left = 1;
    function one() { if (!--left) done(); }
    Object.keys(keys).forEach(function (k) {
      if (k in SH) return;
      left++;
      if (pending[k]) return pending[k].push(one);
      pending[k] = [one];
      function end() { if (!(k in SH)) SH[k] = null; var w = pending[k]; delete pending[k]; w.forEach(function (f) { f(); }); }
      script("search-index-" + k + ".js", end, end);
    });
    one();
  }

  /* ---- the dictionary, in shards of consecutive words ---- */
  /* the shard that holds w, or would */
  function dshardFor(w) {
    var f = ix.dfirst, lo = 0, hi = f.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (f[mid] <= w) lo = mid; else hi = mid - 1; }
    return lo;
  }
  /* adds to `keys` the dictionary shards holding the words from lo up to hi (or just lo) */
  function dkeys(keys, lo, hi) {
    for (var k = dshardFor(lo), e = hi === undefined ? k : dshardFor(hi); k <= e; k++) keys["d" + k] = 1;
  }
  /* a dictionary shard, decoded on first use: words, per term df, list length, stem code,
     its postings shard and offset there; null while not loaded */
  function dict(k) {
    if (ix.d[k]) return ix.d[k];
    var raw = SH["d" + k];
    if (!raw) return null;
    var MK = new Int8Array(128), NEW = " !#$%&()*+-/<=>?@[]^`{|}~", SAME = "ABCDEFGHIJKLMNOPQRSTUVWXY";
    for (var i = 0; i < 25; i++) { MK[NEW.charCodeAt(i)] = i + 1; MK[SAME.charCodeAt(i)] = i + 1; }
    var d = raw.w, words = [], prev = "", p = 0, q, code, m;
    while (p < d.length) {
      m = MK[d.charCodeAt(p)] - 1; q = ++p;
      while (p < d.length && ((code = d.charCodeAt(p)) >= 128 || !MK[code])) p++;
      words.push(prev = prev.slice(0, m) + d.slice(q, p));
    }
    var tt = nums(raw.t), n = words.length, per = nums(raw.n), apart = lines(raw.x), a = 0;
    var x = { words: words, df: new Int32Array(n), off: new Int32Array(n), ps: new Int32Array(n), stems: new Array(n) };
    for (var j = 0, shard = raw.p, left = per[0], pi = 0, off = 0; j < n; j++) {
      if (!left) { shard++; left = per[++pi]; off = 0; }
      left--;
      x.df[j] = tt[3 * j]; x.ps[j] = shard; x.off[j] = off; off += tt[3 * j + 1];
      x.stems[j] = tt[3 * j + 2] ? words[j].slice(0, words[j].length + 1 - tt[3 * j + 2]) : apart[a++];
    }
    return (ix.d[k] = x);
  }
  /* term t's shard and place there */
  function at(t) { var k = shardOf(ix.dstart, t), d = dict(k); return d ? { d: d, j: t - ix.dstart[k] } : null; }
  function word(t) { var a = at(t); return a ? a.d.words[a.j] : undefined; }
  function stemOf(t) { var a = at(t); return a ? a.d.stems[a.j] : ""; }
  function dfOf(t) { var a = at(t); return a ? a.d.df[a.j] : 0; }
  /* first term whose word is >= w (its shard must be loaded) */
  function lower(w) {
    var k = dshardFor(w), d = dict(k), lo = 0, hi = d ? d.words.length : 0;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (d.words[mid] < w) lo = mid + 1; else hi = mid; }
    return ix.dstart[k] + lo;
  }
  function starting(t, p) { var w = t < ix.dstart[ix.dstart.length - 1] ? word(t) : undefined; return w !== undefined && w.lastIndexOf(p, 0) === 0; }

  /* the posting list of term t: entries, impact levels and heading flags, decoded once */
  function postings(t) {
    var c = ix.pl.get(t);
    if (c) return c;
    var a = at(t), s = a && SH["p" + a.d.ps[a.j]], df = s ? a.d.df[a.j] : 0;
    var es = new Int32Array(df), cs = new Uint8Array(df), r = { p: s ? a.d.off[a.j] : 0 }, e = -1, L2 = 2 * ix.levels.length;
    /* per entry: (gap × 2 + heading) × levels + level */
    for (var i = 0; i < df; i++) {
      var v = num(s, r);
      es[i] = e += Math.floor(v / L2) + 1; cs[i] = v % L2;
    }
    c = { e: es, c: cs };
    /* a bounded cache: a long session of queries on a large site must not grow without end */
    if ((ix.plSize = (ix.plSize || 0) + df) > 4e6) { ix.pl.clear(); ix.plSize = df; }
    ix.pl.set(t, c);
    return c;
  }

  /* ---- sections: what a result shows, in shards of whole notes ---- */
  /* entry e: {url, title, path, level, parent, heading, anchor, text}, or null while its
     shard is not loaded */
  function entry(e) {
    var k = shardOf(ix.sstart, e), es = ix.s[k];
    if (!es) {
      var raw = SH["s" + k];
      if (!raw) return null;
      es = ix.s[k] = [];
      raw.forEach(function (n) {
        var note = { url: n[0], title: n[1], path: n[2] };
        es.push({ note: note, level: 0, parent: 0, heading: "", anchor: "", text: n[3] });
        for (var i = 4; i < n.length; i++) es.push({ note: note, level: n[i][0], parent: n[i][1], heading: n[i][2], anchor: n[i][3], text: n[i][4] });
      });
    }
    return es[e - ix.sstart[k]] || null;
  }
  function skeys(rs) { var keys = {}; rs.forEach(function (r) { keys["s" + shardOf(ix.sstart, r.e)] = 1; }); return keys; }

  /* words, as src/search/text.rs: [{w: folded word, i: start, j: end}] */
  var seg = win.Intl && Intl.Segmenter && new Intl.Segmenter("en", { granularity: "word" });
  var WORD = /[\p{L}\p{N}_]+(?:['’.][\p{L}\p{N}_]+)*/gu;
  function fold(w) { return w.toLowerCase().replace(/\u2019/g, "'"); }
  function tokens(s) {
    var out = [];
    function add(w, i) { out.push({ w: fold(w), i: i, j: i + w.length }); }
    if (!seg) s.replace(WORD, add);
    else for (var x of seg.segment(s)) if (x.isWordLike && /[\p{L}\p{N}]/u.test(x.segment)) add(x.segment, x.index);
    return out;
  }
  /* the same, quickly, for long texts (excerpts): a regular expression instead of the segmenter */
  function quickTokens(s) {
    var out = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(s))) out.push({ w: fold(m[0]), i: m.index, j: m.index + m[0].length });
    return out;
  }

  /* Snowball English (Porter2), as rust-stemmers implements it; tests compare the two */
  var EX1 = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
    ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: 1, news: 1, howe: 1, atlas: 1, cosmos: 1, bias: 1, andes: 1 };
  var S2 = { tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize",
    ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous",
    ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogi: "og", fulli: "ful", lessli: "less", li: "" };
  var S3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: "" };
  /* the longest suffix wins: an anchored match starts as far left as it can */
  function ends(table) { return new RegExp("(" + Object.keys(table).join("|") + ")$"); }
  var SUF2 = ends(S2), SUF3 = ends(S3);
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
    var found = false, i, m, p1 = w.length, p2 = p1;
    if (w[0] === "y") { w = "Y" + w.slice(1); found = true; }
    for (i = 1; i < w.length; i++) if (w[i] === "y" && isV(w[i - 1])) { w = w.slice(0, i) + "Y" + w.slice(i + 1); found = true; }
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
    if (!/^(inning|outing|canning|herring|earring|proceed|exceed|succeed)$/.test(w)) {
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
      m = SUF2.exec(w);
      if (m && m.index >= p1 && (m[1] !== "ogi" || w[m.index - 1] === "l") && (m[1] !== "li" || "cdeghkmnrt".indexOf(w[m.index - 1]) >= 0))
        w = w.slice(0, m.index) + S2[m[1]];
      /* step 3 */
      m = SUF3.exec(w);
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
  /* the stem of any word, cached */
  function stemW(w) {
    var s = ix.sc.get(w);
    if (s === undefined) { s = stem(w); if (ix.sc.size > 50000) ix.sc.clear(); ix.sc.set(w, s); }
    return s;
  }

  /* ---- what a query word stands for ---- */
  /* where a typo's candidates start: the typed word's first letter, or its first two swapped;
     when the first letter's words fill more than TYPO_SHARDS dictionary shards (a large site),
     its first two letters, or the first and third (a letter doubled or added second), or the
     first two swapped, so a typo loads a bounded part of the dictionary */
  var TYPO_SHARDS = 4;
  function typoStarts(q) {
    var w = q.w;
    if (dshardFor(w[0] + "\uffff") - dshardFor(w[0]) < TYPO_SHARDS) return [w[0], w[1] + w[0]];
    return [w[0] + w[1], w[1] + w[0], w[0] + w[2]];
  }
  /* the dictionary shards a query word needs: its own, its completions (the word being
     typed), the words sharing its stem's start; with `typo`, those where its typos start */
  function wordKeys(q, keys, typo) {
    var w = q.w;
    if (typo) {
      typoStarts(q).forEach(function (p) { dkeys(keys, p, p + "\uffff"); });
      return;
    }
    dkeys(keys, w);
    if (q.open) dkeys(keys, w, w + "\uffff");
    if (!ix.stop[w] && w.length > 2) { var p = stemPre(stemW(w)); dkeys(keys, p, p + "\uffff"); }
  }
  function stemPre(s) { return s.slice(0, Math.max(2, s.length - 1)); }
  /* the term of a folded word, or -1: the dictionary keeps one form per stem, so other forms
     are found through their stem among the words sharing its start */
  function termOf(w) {
    var t = ix.tc.get(w);
    if (t !== undefined) return t;
    if (!dict(dshardFor(w))) return -1;
    var i = lower(w), j, s;
    t = -1;
    if (word(i) === w) t = i;
    else if (!ix.stop[w] && w.length > 2) {
      s = stemW(w);
      var pre = stemPre(s);
      for (i = lower(pre), j = i + 400; t < 0 && i < j && starting(i, pre); i++) if (stemOf(i) === s) t = i;
    }
    ix.tc.set(w, t);
    return t;
  }
  /* optimal string alignment distance (a swap of neighbours is one edit), or max+1 when
     larger; only the band |i - j| <= max is computed */
  var R0 = new Int32Array(64), R1 = new Int32Array(64), R2 = new Int32Array(64);
  function dist(a, b, max) {
    var la = a.length, lb = b.length, i, j, big = max + 1;
    if (Math.abs(la - lb) > max || la > 60 || lb > 60) return big;
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
  /* how far a typed word is from dictionary term t: the least of the distance between the
     words, between their stems, and between the term's stem and the typed word's start when
     what follows is an ending (`replicaton` → replic·ation) */
  function typoDist(w, ws, t, max) {
    var c = word(t), cs = stemOf(t), d = dist(w, c, max);
    if (d > 0 && Math.abs(ws.length - cs.length) <= max) d = Math.min(d, dist(ws, cs, max));
    if (d > 0 && cs.length >= 5 && w.length - cs.length <= 4 && w.length > cs.length) d = Math.min(d, dist(w.slice(0, cs.length), cs, max));
    return d;
  }
  /* the terms a query word stands for: {term: factor}; typos only with `typo`, for a word
     nothing else matched */
  function expand(q, typo) {
    var key = (q.open ? "1" : "0") + (typo ? "t" : "") + q.w, hit = ix.ex.get(key);
    if (hit) return hit;
    var out = {}, any = false, w = q.w, i, j;
    function add(t, f) { if (t >= 0 && !(out[t] >= f)) { out[t] = f; any = true; } }
    if (typo) {
      /* among the words where its typos start (typoStarts): a first letter is rarely wrong */
      var max = w.length >= 8 ? 2 : 1, ws = stemW(w), seen = {};
      typoStarts(q).forEach(function (p) {
        for (i = lower(p); starting(i, p); i++) {
          if (seen[i]) continue;
          seen[i] = 1;
          var l = word(i).length;
          if (l < w.length - max - 4 || l > w.length + max + 4) continue;
          var d = typoDist(w, ws, i, max);
          if (d <= max) add(i, d <= 1 ? F_TYPO1 : F_TYPO2);
        }
      });
    } else {
      add(termOf(w), 1);
      if (q.open) {
        /* the word being typed: completions, the most frequent first, up to ~60,000 postings */
        var cands = [], cap = w.length < 2 ? 0 : w.length < 3 ? 3 : 16;
        for (i = lower(w); starting(i, w) && cands.length < 5000; i++) cands.push(i);
        cands.sort(function (a, b) { return dfOf(b) - dfOf(a); });
        for (var sum = j = 0; j < cands.length && j < cap && (!j || sum + dfOf(cands[j]) < 60000); j++) {
          /* the more of a word is typed, the more it counts */
          sum += dfOf(cands[j]); add(cands[j], F_PREFIX * w.length / word(cands[j]).length);
        }
        /* typed past the dictionary's form ("replicati" after "replicate"): a neighbour whose
           stem the word starts with */
        for (i = lower(w), j = i - 1; !any && j <= i; j++)
          if (j >= 0 && word(j) !== undefined && stemOf(j).length > Math.max(3, w.length - 5) && w.lastIndexOf(stemOf(j), 0) === 0) add(j, F_PREFIX);
      }
    }
    if (ix.ex.size > 5000) ix.ex.clear();
    ix.ex.set(key, out);
    return out;
  }
  function typoWord(q) { return !q.stop && q.w.length >= 4; }
  function empty(o) { for (var k in o) return false; return true; }

  /* query → [{w, open, stop, phrase}] */
  function parse(query) {
    var out = [], phrase = 0, re = /"([^"]*)"?|[^"]+/g, m;
    while ((m = re.exec(query))) {
      var quoted = m[1] !== undefined;
      if (quoted) phrase++;
      tokens(quoted ? m[1] : m[0]).forEach(function (x) {
        if (x.w.length <= 40) out.push({ w: x.w, phrase: quoted ? phrase : 0, stop: !!ix.stop[x.w] });
      });
    }
    /* the last word is being typed unless a space or a closing quote follows it */
    if (out.length && /[\p{L}\p{N}_']$/u.test(query)) out[out.length - 1].open = true;
    return out;
  }

  /* scores the entries matching every required word (BM25 from the stored impacts, the
     best term of each word, a share more per word in the entry's own heading): [{e, score}],
     and how many */
  function score(words, required) {
    var n = ix.n;
    if (!ix.acc) { ix.acc = new Float64Array(n); ix.best = new Float64Array(n); ix.cnt = new Uint8Array(n); ix.hd = new Uint8Array(n); ix.bh = new Uint8Array(n); }
    var acc = ix.acc, best = ix.best, cnt = ix.cnt, hd = ix.hd, bh = ix.bh, all = [], e, i;
    words.forEach(function (q, k) {
      var touched = [], want = Math.min(k, required);
      for (var key in q.terms) {
        var t = +key, f = q.terms[key], pl = postings(t), df = pl.e.length;
        var idf = f * Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (i = 0; i < df; i++) {
          e = pl.e[i];
          if (cnt[e] !== want) continue;
          var c = pl.c[i], L = ix.levels.length, s = idf * ix.levels[c % L];
          if (best[e] === 0) touched.push(e);
          if (s > best[e]) best[e] = s;
          if (c >= L) bh[e] = 1;
        }
      }
      touched.forEach(function (e) { acc[e] += best[e]; hd[e] += bh[e]; best[e] = 0; bh[e] = 0; if (k < required) cnt[e] = k + 1; });
      if (k === 0) all = touched;
    });
    var out = [];
    all.forEach(function (e) {
      if (cnt[e] === required) out.push({ e: e, score: acc[e] * Math.pow(1 + HEAD_BONUS, hd[e]) });
      acc[e] = 0; cnt[e] = 0; hd[e] = 0;
    });
    return out;
  }
  /* the best `keep` by a min-heap (worst on top), so common words cost no full sort */
  function top(found, keep) {
    var heap = [];
    function worse(a, b) { return a.score < b.score || (a.score === b.score && a.e > b.e); }
    function swap(i, j) { var t = heap[i]; heap[i] = heap[j]; heap[j] = t; }
    found.forEach(function (r) {
      if (heap.length === keep && !worse(heap[0], r)) return;
      if (heap.length < keep) {
        heap.push(r);
        for (var i = heap.length - 1; i > 0 && worse(heap[i], heap[(i - 1) >> 1]); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
      } else {
        heap[0] = r;
        for (i = 0; ;) {
          var a = 2 * i + 1, b = a + 1, m = i;
          if (a < heap.length && worse(heap[a], heap[m])) m = a;
          if (b < heap.length && worse(heap[b], heap[m])) m = b;
          if (m === i) break;
          swap(i, m); i = m;
        }
      }
    });
    return heap;
  }

  /* cb({results: the best `limit` [{e: entry, score}], best first, book order on ties, total,
     words}), once the shards the query needs are loaded (at once when they are) */
  function search(query, limit, cb) {
    var qs = parse(query), keys = {}, active = [];
    /* a stop word being typed may be the start of a word: it counts, but is not required */
    qs.forEach(function (q) { if (!(q.stop && !q.open)) { active.push(q); wordKeys(q, keys, false); } });
    if (!active.some(function (q) { return !(q.stop || (q.open && q.w.length < 2)); })) return cb({ results: [], total: 0, words: qs });
    need(keys, function () {
      var typoKeys = {}, typos = [];
      active.forEach(function (q) {
        q.terms = expand(q, false);
        if (empty(q.terms) && typoWord(q)) { typos.push(q); wordKeys(q, typoKeys, true); }
      });
      need(typoKeys, function () {
        typos.forEach(function (q) { q.terms = expand(q, true); });
        var pkeys = {}, words = [], optional = [];
        active.forEach(function (q) {
          for (var t in q.terms) { var a = at(+t); if (a) pkeys["p" + a.d.ps[a.j]] = 1; }
          (q.stop || (q.open && q.w.length < 2) ? optional : words).push(q);
        });
        /* rarest first: the candidates shrink fastest */
        function cost(q) { var c = 0; for (var t in q.terms) c += dfOf(+t); return c; }
        words.sort(function (a, b) { return cost(a) - cost(b); });
        need(pkeys, function () { rank(qs, words, optional, limit, cb); });
      });
    });
  }
  function rank(qs, words, optional, limit, cb) {
    var found = score(words.concat(optional), words.length), phrase = qs.some(function (q) { return q.phrase; });
    var heap = top(found, Math.min(found.length, limit * 3 + 20));
    function order() { heap.sort(function (a, b) { return b.score - a.score || a.e - b.e; }); }
    /* quoted phrases rank first the candidates that have them, word after word */
    need(phrase ? skeys(heap) : {}, function () {
      if (phrase) heap.forEach(function (r) { if (phraseOk(r.e, qs)) r.score *= PHRASE_BONUS; });
      order();
      heap = heap.slice(0, limit);
      need(skeys(heap), function () { cb({ results: heap, total: found.length, words: qs }); });
    });
  }

  /* every quoted phrase occurs, word after word, in the entry's title, heading or text */
  function phraseOk(e, qs) {
    var x = entry(e);
    if (!x) return false;
    qs.forEach(function (q) { if (!q.stems) { q.stems = {}; for (var t in q.terms || {}) q.stems[stemOf(+t)] = 1; } });
    var text = quickTokens(x.note.title + " \u0001 " + x.heading + " \u0001 " + x.text);
    for (var p = 1; ; p++) {
      var ph = qs.filter(function (q) { return q.phrase === p; }), ok = !ph.length;
      if (ok) return true;
      for (var i = 0; i + ph.length <= text.length && !ok; i++) {
        ok = ph.every(function (q, j) { var w = text[i + j].w; return w === q.w || (q.open && w.lastIndexOf(q.w, 0) === 0) || q.stems[stemW(w)]; });
      }
      if (!ok) return false;
    }
  }

  /* what a result shows: {url, title, path: [..], entry} */
  function describe(e) {
    var x = entry(e), path = x.note.path ? x.note.path.split(" › ") : [], title = x.note.title, url = x.note.url, y = e;
    if (x.level) {
      path.push(title);
      var chain = [];
      while (entry(y).parent > 0) { y -= entry(y).parent; chain.unshift(entry(y).heading); }
      path = path.concat(chain);
      title = x.heading;
      url += "#" + (x.anchor || title.trim().replace(/[^A-Za-z0-9 _-]/g, "").replace(/ /g, "-").toLowerCase());
    }
    return { url: ROOT + encodeURI(url).replace(/\?/g, "%3F"), title: title, path: path, entry: x };
  }

  function load(done) {
    if (state > 1) return state === 2 && done();
    waiting.push(done);
    if (state) return;
    state = 1;
    function end(ok) {
      try { if (ok) { ix = decode(win.COREM_SEARCH_INDEX); state = 2; } } catch (err) { /* unavailable */ }
      if (state !== 2) state = 3;
      win.COREM_SEARCH_INDEX = null;
      var w = waiting; waiting = [];
      w.forEach(function (f) { f(); });
    }
    if (win.COREM_SEARCH_INDEX) end(true);
    else script("search-index.js", function () { end(true); }, function () { end(false); });
  }

  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  /* which words of a text the query matched: the typed words, completions of the word being
     typed, and every form of a matched term (by stem) */
  function matcher(qs) {
    var exact = {}, prefixes = [], stems = {}, heads = {};
    qs.forEach(function (q) {
      if (!q.stop) exact[q.w] = 1;
      if (q.open) prefixes.push(q.w);
      for (var t in q.terms || {}) { var s = stemOf(+t); if (s) { stems[s] = 1; heads[s.slice(0, 3)] = 1; } }
    });
    return function (w) {
      return !!(exact[w] || prefixes.some(function (p) { return w.lastIndexOf(p, 0) === 0; }) || (heads[w.slice(0, 3)] && stems[stemW(w)]));
    };
  }
  /* a text with the matched words marked */
  function marked(text, hit) {
    var out = "", at = 0;
    quickTokens(text).forEach(function (x) {
      if (!hit(x.w)) return;
      out += esc(text.slice(at, x.i)) + "<mark>" + esc(text.slice(x.i, x.j)) + "</mark>";
      at = x.j;
    });
    return out + esc(text.slice(at));
  }
  /* about EXCERPT_WORDS words of an entry's text around its best match (the window with the
     most of the query's words, the earliest on a tie), matched words marked: {html, text} */
  function excerpt(text, hit, qs) {
    var toks = quickTokens(text), n = toks.length, best = -1, from = 0, wanted = [];
    qs.forEach(function (q) { if (!q.stop) wanted.push(q.w); });
    var hits = [];
    for (var i = 0; i < n; i++) if (hit(toks[i].w)) hits.push(i);
    /* the window starting a few words before each match: distinct matched words first */
    hits.forEach(function (h) {
      var s = Math.max(0, h - 3), seen = {}, distinct = 0, total = 0;
      for (var j = 0; j < hits.length; j++) {
        var x = hits[j];
        if (x < s || x >= s + EXCERPT_WORDS) continue;
        total++;
        if (!seen[toks[x].w]) { seen[toks[x].w] = 1; distinct++; }
      }
      var v = distinct * 1000 + total;
      if (v > best) { best = v; from = s; }
    });
    if (!n) return { html: esc(text), text: text };
    var to = Math.min(n, from + EXCERPT_WORDS), a = from ? toks[from].i : 0, b = to < n ? toks[to - 1].j : text.length;
    /* keep the sentence's closing punctuation */
    if (to < n) { var m = /^[^\s\p{L}\p{N}]*/u.exec(text.slice(b)); b += m[0].length; }
    var piece = text.slice(a, b), pre = from ? "…" : "", post = b < text.length ? "…" : "";
    return { html: pre + marked(piece, hit) + post, text: pre + piece + post };
  }
  function option(id, cls, href, body) {
    return "<a" + (cls ? " class=\"" + cls + "\"" : "") + " href=\"" + esc(href) + "\" role=\"option\" aria-selected=\"false\" id=\"" + id + "\">" + body + "</a>";
  }
  function span(cls, body) { return "<span class=\"sr-" + cls + "\">" + body + "</span>"; }

  /* a search box and its results list; `live` is the header dropdown */
  function attach(form, live) {
    var input = form.querySelector("input[type=search]"), box = live ? form.querySelector("[data-search-results]") : doc.querySelector(".search-page-results[data-search-results]");
    if (!input || !box) return;
    var status = doc.createElement("p"), active = -1, last = null, listId = box.id || (box.id = "search-results-" + Math.random().toString(36).slice(2));
    status.className = "visually-hidden"; status.setAttribute("role", "status");
    form.appendChild(status);
    function set(el, attrs) { for (var a in attrs) el.setAttribute(a, attrs[a]); }
    set(box, { role: "listbox", "aria-label": "Search results" });
    set(input, { role: "combobox", "aria-autocomplete": "list", "aria-controls": listId, "aria-expanded": "false" });
    function items() { return box.querySelectorAll("a[role=option]"); }
    function open(on) {
      if (live) box.hidden = !on;
      input.setAttribute("aria-expanded", String(on));
      if (!on) select(-1);
    }
    function select(i) {
      var list = items();
      active = i;
      list.forEach(function (a, j) { a.setAttribute("aria-selected", String(j === i)); a.classList.toggle("is-active", j === i); });
      if (list[i]) { input.setAttribute("aria-activedescendant", list[i].id); list[i].scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }
    function show(q, found) {
      var max = live ? 8 : 100, hit = matcher(found.words), out = "";
      found.results.forEach(function (r, i) {
        var d = describe(r.e), x = excerpt(d.entry.text, hit, found.words);
        out += option(listId + "-" + i, "", d.url, span("title", marked(d.title, hit)) +
          (d.path.length ? span("path", esc(d.path.join(" › "))) : "") + (x.text ? span("snippet", x.html) : ""));
      });
      if (live && out) out += option(listId + "-all", "sr-all", ROOT + "search.html?q=" + encodeURIComponent(q),
        found.total > max ? "All " + found.total + " results" : "Open the results page");
      box.innerHTML = out || "<p class=\"sr-none\">No results for “" + esc(q.trim()) + "”</p>";
      status.textContent = found.total ? found.total + (found.total === 1 ? " result" : " results") : "No results";
      open(true);
      select(-1);
    }
    function run() {
      var q = input.value;
      if (q === last && state === 2) return;
      if (!q.trim()) { last = q; box.innerHTML = ""; box.removeAttribute("aria-busy"); status.textContent = ""; open(false); return; }
      if (state !== 2) {
        status.textContent = state === 3 ? "Search is unavailable: search-index.js did not load." : "Loading search…";
        return load(run);
      }
      last = q;
      /* busy until the answer is shown; a later keystroke wins over one that waited for a shard */
      box.setAttribute("aria-busy", "true");
      search(q, live ? 8 : 100, function (found) { if (input.value === q) { show(q, found); box.removeAttribute("aria-busy"); } });
    }
    input.addEventListener("focus", function () { load(function () {}); if (input.value.trim()) run(); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      var list = items(), n = list.length, k = e.key;
      if (k === "ArrowDown" || k === "ArrowUp") {
        if (!n) return;
        e.preventDefault();
        if (live && box.hidden) open(true);
        select(k === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
      } else if (k === "Enter") {
        var target = list[active >= 0 ? active : 0];
        if (target && (live || active >= 0)) { e.preventDefault(); win.location.href = target.href; }
      } else if (k === "Escape") {
        if (live && !box.hidden) { e.preventDefault(); open(false); } else if (input.value) { input.value = ""; run(); }
      }
    });
    if (live) {
      doc.addEventListener("click", function (e) { if (!form.contains(e.target)) open(false); });
      form.addEventListener("focusout", function (e) { if (e.relatedTarget && !form.contains(e.relatedTarget)) open(false); });
    }
    /* loaded on the box's first focus (by corem.js): answer what was typed meanwhile */
    if (doc.activeElement === input) { load(function () {}); if (input.value.trim()) run(); }
    return { input: input, run: run };
  }

  function init() {
    var header = doc.querySelector(".site-header form.search"), page = doc.querySelector("form.search-large");
    if (header) attach(header, true);
    var p = page && attach(page, false), q = /[?&]q=([^&#]*)/.exec(win.location.search);
    if (p && q) {
      try { p.input.value = decodeURIComponent(q[1].replace(/\+/g, " ")); } catch (err) { p.input.value = q[1]; }
      p.run();
    }
  }
  /* for tests and other scripts: the engine without the UI; search's callback runs at once
     when the shards it needs are loaded */
  win.coremSearch = {
    load: load, stem: stem, tokens: tokens,
    ready: function () { return state === 2; },
    search: function (q, limit, cb) {
      search(q, limit || 100, function (found) {
        var hit = matcher(found.words);
        cb(found.results.map(function (r) {
          var d = describe(r.e), x = excerpt(d.entry.text, hit, found.words);
          return { url: d.url, title: d.title, path: d.path, score: r.score, excerpt: x.text, excerptHtml: x.html };
        }));
      });
    },
    /* cb({words, terms}): every dictionary word and its term (loads every dictionary shard) */
    vocabulary: function (cb) {
      var keys = {};
      ix.dfirst.forEach(function (_, k) { keys["d" + k] = 1; });
      need(keys, function () {
        var words = [], terms = [];
        for (var t = 0; t < ix.dstart[ix.dstart.length - 1]; t++) { words.push(word(t)); terms.push(t); }
        cb({ words: words, terms: terms });
      });
    },
    /* the script files loaded so far (for benchmarks: what queries cost) */
    loaded: function () { return Object.keys(SH).filter(function (k) { return SH[k] !== null; }); }
  };
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
