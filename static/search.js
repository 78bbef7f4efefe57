/* corem default theme — search.js: live search over search-index.js and its shards (format:
 * src/search/mod.rs), classic scripts inserted on first use, so search works from file://.
 * See docs/search.md. */
(function () {
  "use strict";
  var doc = document, win = window, ROOT = doc.documentElement.getAttribute("data-root") || "";
  var K1 = 1.2, B = 0.75, HEAD_BONUS = 0.25, F_PREFIX = 0.75, F_TYPO1 = 0.45, F_TYPO2 = 0.3, PHRASE_BONUS = 2;
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
  function shardOf(st, x) { var i = 0; while (st[i + 1] <= x) i++; return i; }

  function decode(raw) {
    DIG = new Int8Array(128).fill(-1);
    for (var i = 0; i < raw.alphabet.length; i++) DIG[raw.alphabet.charCodeAt(i)] = i;
    var t = { stop: {}, folders: nums(raw.folders), folderTitles: lines(raw.folderTitles), urls: lines(raw.urls),
      titles: lines(raw.titles), headings: lines(raw.headings), anchors: lines(raw.anchors), weights: raw.weights,
      ps: starts(nums(raw.pshards)), ss: starts(nums(raw.sshards)), cache: {}, tc: new Map(), sc: new Map() };
    raw.stop.split(" ").forEach(function (w) { t.stop[w] = 1; });
    /* notes: folder, entries; entries: level (0: the note itself), parent distance, length */
    var nt = nums(raw.notes), es = nums(raw.entries), j = 0, n = 0, e = 0, m, c = 0, sum = 0;
    for (i = 1; i < nt.length; i += 2) n += nt[i];
    t.n = n; t.noteFolder = [];
    t.eNote = new Int32Array(n); t.eParent = new Int32Array(n); t.eLen = new Float32Array(n); t.eHead = new Int32Array(n);
    for (i = 0; i < nt.length; i += 2) {
      t.noteFolder.push(nt[i] - 1);
      for (m = 0; m < nt[i + 1]; m++, e++) {
        t.eNote[e] = i / 2;
        if (es[j++]) { t.eParent[e] = es[j++]; t.eHead[e] = c++; } else t.eHead[e] = -1;
        sum += t.eLen[e] = es[j++];
      }
    }
    t.avgLen = sum / Math.max(1, n) || 1;
    /* dictionary, one word per term, front-coded: a mark gives the length shared with the
       previous word (encode::front_code) */
    var MK = new Int8Array(128), NEW = " !#$%&()*+-/<=>?@[]^`{|}~", d = raw.words, words = [], prev = "", p = 0, q, code;
    for (i = 0; i < 25; i++) MK[NEW.charCodeAt(i)] = i + 1;
    while (p < d.length) {
      m = MK[d.charCodeAt(p)] - 1; q = ++p;
      while (p < d.length && ((code = d.charCodeAt(p)) >= 128 || !MK[code])) p++;
      words.push(prev = prev.slice(0, m) + d.slice(q, p));
    }
    t.words = words;
    var tt = nums(raw.terms);
    t.df = new Int32Array(words.length); t.off = new Int32Array(words.length + 1);
    for (i = 0; i < words.length; i++) { t.df[i] = tt[2 * i]; t.off[i + 1] = t.off[i] + tt[2 * i + 1]; }
    return t;
  }

  /* a classic script (the only kind file:// allows), once */
  function script(name, ok, fail) {
    var s = doc.createElement("script");
    s.src = ROOT + name; s.onload = ok; s.onerror = fail;
    doc.head.appendChild(s);
  }
  /* loads the shards named in `keys` (p3: postings shard 3, s0: snippets shard 0), then done() */
  function need(keys, done) {
    var left = 1;
    function one() { if (!--left) done(); }
    Object.keys(keys).forEach(function (k) {
      if (k in SH) return;
      left++;
      if (pending[k]) return pending[k].push(one);
      pending[k] = [one];
      function end() { if (!(k in SH)) SH[k] = ""; var w = pending[k]; delete pending[k]; w.forEach(function (f) { f(); }); }
      script("search-index-" + k + ".js", end, end);
    });
    one();
  }
  function snippet(e) {
    var k = shardOf(ix.ss, e), key = "s" + k;
    if (!(key in ix.cache)) { if (!(key in SH)) return ""; ix.cache[key] = lines(SH[key]); }
    return ix.cache[key][e - ix.ss[k]] || "";
  }
  /* the posting list of term t: entries and weights (half units), decoded once */
  function postings(t) {
    if (ix.cache[t]) return ix.cache[t];
    var k = shardOf(ix.ps, t), s = SH["p" + k] || "", df = s ? ix.df[t] : 0;
    var es = new Int32Array(df), ws = new Uint8Array(df), r = { p: ix.off[t] - ix.off[ix.ps[k]] }, e = -1, L = ix.weights.length;
    /* per entry: gap × levels + weight level */
    for (var i = 0; i < df; i++) {
      var v = num(s, r);
      es[i] = e += Math.floor(v / L) + 1; ws[i] = ix.weights[v % L];
    }
    return (ix.cache[t] = { e: es, w: ws });
  }

  /* words, as src/search/text.rs: [{w: folded word, i: start, j: end}] */
  var seg = win.Intl && Intl.Segmenter && new Intl.Segmenter("en", { granularity: "word" });
  function tokens(s) {
    var out = [];
    function add(w, i) { out.push({ w: w.toLowerCase().replace(/\u2019/g, "'"), i: i, j: i + w.length }); }
    if (!seg) s.replace(/[\p{L}\p{N}_]+(?:['’.][\p{L}\p{N}_]+)*/gu, add);
    else for (var x of seg.segment(s)) if (x.isWordLike && /[\p{L}\p{N}]/u.test(x.segment)) add(x.segment, x.index);
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
  function stemOf(i) {
    var s = ix.sc.get(i);
    if (s === undefined) ix.sc.set(i, s = stem(ix.words[i]));
    return s;
  }

  /* first index of words >= w */
  function lower(w) {
    var lo = 0, hi = ix.words.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (ix.words[mid] < w) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function starting(i, p) { return i < ix.words.length && ix.words[i].lastIndexOf(p, 0) === 0; }
  /* the term of a folded word, or -1: the dictionary keeps one form per stem, so other forms
     are found through their stem among the words sharing its start */
  function termOf(w) {
    var t = ix.tc.get(w);
    if (t !== undefined) return t;
    var i = lower(w), j, s;
    t = -1;
    if (ix.words[i] === w) t = i;
    else if (!ix.stop[w] && w.length > 2) {
      s = stem(w);
      var pre = s.slice(0, Math.max(2, s.length - 1));
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
  /* the terms a query word stands for: {term: factor} */
  function expand(q) {
    var out = {}, any = false, w = q.w, i, j;
    function add(t, f) { if (t >= 0 && !(out[t] >= f)) { out[t] = f; any = true; } }
    add(termOf(w), 1);
    if (q.open) {
      /* the word being typed: completions, the most frequent first, up to ~60,000 postings */
      var cands = [], cap = w.length < 2 ? 0 : w.length < 3 ? 3 : 16;
      for (i = lower(w); starting(i, w); i++) cands.push(i);
      cands.sort(function (a, b) { return ix.df[b] - ix.df[a]; });
      for (var sum = j = 0; j < cands.length && j < cap && (!j || sum + ix.df[cands[j]] < 60000); j++) {
        /* the more of a word is typed, the more it counts */
        sum += ix.df[cands[j]]; add(cands[j], F_PREFIX * w.length / ix.words[cands[j]].length);
      }
      /* typed past the dictionary's form ("replicati" after "replicate"): a neighbour whose
         stem the word starts with */
      for (i = lower(w), j = i - 1; !any && j <= i; j++)
        if (j >= 0 && j < ix.words.length && stemOf(j).length > Math.max(3, w.length - 5) && w.lastIndexOf(stemOf(j), 0) === 0) add(j, F_PREFIX);
    }
    if (!any && !q.stop && w.length >= 4) {
      /* typos, among words with the same first letter or the first two swapped: a first
         letter is rarely wrong, and it keeps 10,000 notes fast */
      var max = w.length >= 8 ? 2 : 1;
      [w[0], w[1] + w[0]].forEach(function (p) {
        for (i = lower(p); starting(i, p); i++) {
          var d = dist(w, ix.words[i], max);
          if (d <= max) add(i, d === 1 ? F_TYPO1 : F_TYPO2);
        }
      });
    }
    return out;
  }

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

  /* cb({results: the best `limit` [{e: entry, score}], best first, book order on ties, total,
     words}), once the shards the query needs are loaded (at once when they are) */
  function search(query, limit, cb) {
    var qs = parse(query), words = [], optional = [], keys = {};
    /* a stop word being typed may be the start of a word: it counts, but is not required */
    qs.forEach(function (q) {
      if (q.stop && !q.open) return;
      q.terms = expand(q);
      for (var t in q.terms) keys["p" + shardOf(ix.ps, +t)] = 1;
      (q.stop || (q.open && q.w.length < 2) ? optional : words).push(q);
    });
    var need_ = words.length, n = ix.n;
    if (!need_) return cb({ results: [], total: 0, words: qs });
    words = words.concat(optional);
    need(keys, function () {
      if (!ix.total) { ix.total = new Float64Array(n); ix.count = new Uint8Array(n); ix.best = new Float64Array(n); }
      var total = ix.total.fill(0), count = ix.count.fill(0), best = ix.best, e, i;
      words.forEach(function (q, k) {
        var touched = [], want = Math.min(k, need_);
        for (var key in q.terms) {
          var t = +key, f = q.terms[key], pl = postings(t), df = ix.df[t];
          var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          for (i = 0; i < pl.e.length; i++) {
            e = pl.e[i];
            if (count[e] !== want) continue;
            var tf = pl.w[i] / 2, s = f * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * ix.eLen[e] / ix.avgLen));
            if (best[e] === 0) touched.push(e);
            if (s > best[e]) best[e] = s;
          }
        }
        touched.forEach(function (e) { total[e] += best[e]; best[e] = 0; if (k < need_) count[e] = k + 1; });
      });
      /* the best `keep` by a min-heap (worst on top), so common words cost no full sort; then
         headings and phrases rerank them */
      var phrase = qs.some(function (q) { return q.phrase; }), keep = Math.min(n, limit * 3 + 20);
      var heap = [], found = 0;
      function worse(a, b) { return a.score < b.score || (a.score === b.score && a.e > b.e); }
      function swap(i, j) { var t = heap[i]; heap[i] = heap[j]; heap[j] = t; }
      for (e = 0; e < n; e++) {
        if (count[e] !== need_) continue;
        found++;
        /* entries come in book order, so an equal score never beats the heap's worst */
        if (heap.length === keep && total[e] <= heap[0].score) continue;
        var r = { e: e, score: total[e] };
        if (heap.length < keep) {
          heap.push(r);
          for (i = heap.length - 1; i > 0 && worse(heap[i], heap[(i - 1) >> 1]); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
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
      }
      function rank() { heap.sort(function (a, b) { return b.score - a.score || a.e - b.e; }); }
      /* loads the snippet shards of some results, then f() */
      function snippets(rs, f) {
        var sk = {};
        rs.forEach(function (r) { sk["s" + shardOf(ix.ss, r.e)] = 1; });
        need(sk, f);
      }
      heap.forEach(function (r) {
        /* each query word in the section's own heading (a note's: its title) adds a share */
        var h = tokens(ix.eHead[r.e] < 0 ? ix.titles[ix.eNote[r.e]] : heading(r.e)).map(function (x) { return termOf(x.w); });
        words.forEach(function (q) { if (h.some(function (t) { return t in q.terms; })) r.score *= 1 + HEAD_BONUS; });
      });
      snippets(phrase ? heap : [], function () {
        if (phrase) heap.forEach(function (r) { if (phraseOk(r.e, qs)) r.score *= PHRASE_BONUS; });
        rank();
        heap = heap.slice(0, limit);
        snippets(heap, function () { cb({ results: heap, total: found, words: qs }); });
      });
    });
  }

  /* every quoted phrase occurs, word after word, in the entry's title, heading or snippet */
  function phraseOk(e, qs) {
    var text = tokens(ix.titles[ix.eNote[e]] + " \u0001 " + heading(e) + " \u0001 " + snippet(e));
    for (var p = 1; ; p++) {
      var ph = qs.filter(function (q) { return q.phrase === p; }), ok = !ph.length;
      if (ok) return true;
      for (var i = 0; i + ph.length <= text.length && !ok; i++) {
        ok = ph.every(function (q, j) { var w = text[i + j].w; return w === q.w || (q.open && w.lastIndexOf(q.w, 0) === 0) || (q.terms && termOf(w) in q.terms); });
      }
      if (!ok) return false;
    }
  }

  function heading(e) { return ix.eHead[e] < 0 ? "" : ix.headings[ix.eHead[e]]; }
  /* what a result shows: {url, title, path: [..], snippet} */
  function describe(e) {
    var note = ix.eNote[e], path = [], f = ix.noteFolder[note], url = ix.urls[note], title = ix.titles[note], x = e;
    while (f > 0) { path.unshift(ix.folderTitles[f]); f = ix.folders[f] - 1; }
    if (ix.eHead[e] >= 0) {
      path.push(title);
      var chain = [];
      while (ix.eParent[x] > 0) { x -= ix.eParent[x]; chain.unshift(heading(x)); }
      path = path.concat(chain);
      title = heading(e);
      url += "#" + (ix.anchors[ix.eHead[e]] || title.trim().replace(/[^A-Za-z0-9 _-]/g, "").replace(/ /g, "-").toLowerCase());
    }
    return { url: ROOT + encodeURI(url).replace(/\?/g, "%3F"), title: title, path: path, snippet: snippet(e) };
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
  /* highlights the query's words (every form of a matched term) in a text; with `cut`, a long
     text starts shortly before its first highlighted word */
  function marker(qs) {
    var terms = {}, exact = {}, prefixes = [];
    qs.forEach(function (q) {
      if (!q.stop) exact[q.w] = 1;
      if (q.open) prefixes.push(q.w);
      for (var t in q.terms || {}) terms[t] = 1;
    });
    return function (text, cut) {
      var out = "", at = 0;
      tokens(text).forEach(function (x) {
        var hit = exact[x.w] || terms[termOf(x.w)] || prefixes.some(function (p) { return x.w.lastIndexOf(p, 0) === 0; });
        if (!hit) return;
        if (cut && !out && x.i > 60) {
          at = text.lastIndexOf(" ", x.i - 30) + 1;
          out = "…";
        }
        out += esc(text.slice(at, x.i)) + "<mark>" + esc(text.slice(x.i, x.j)) + "</mark>";
        at = x.j;
      });
      return out + esc(text.slice(at));
    };
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
      var max = live ? 8 : 200, mark = marker(found.words), out = "";
      found.results.forEach(function (r, i) {
        var d = describe(r.e);
        out += option(listId + "-" + i, "", d.url, span("title", mark(d.title)) +
          (d.path.length ? span("path", esc(d.path.join(" › "))) : "") + (d.snippet ? span("snippet", mark(d.snippet, true)) : ""));
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
      search(q, live ? 8 : 200, function (found) { if (input.value === q) { show(q, found); box.removeAttribute("aria-busy"); } });
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
      search(q, limit || ix.n, function (found) {
        cb(found.results.map(function (r) { var d = describe(r.e); d.score = r.score; return d; }));
      });
    },
    vocabulary: function () { return { words: ix.words, terms: ix.words.map(function (w, i) { return i; }) }; }
  };
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
