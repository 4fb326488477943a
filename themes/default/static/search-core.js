/* Search core: folding, tokens, the index's encodings and file rules, query planning and
 * scoring. No DOM: it reads index files only through the `load(name)` it is given, so the same
 * code runs in the page (search-ui.js loads files with <script> tags) and in Node's tests.
 * A classic script, not a module, so file:// works: it defines window.__sbSearchCore, or
 * module.exports under Node. Every number it ranks with comes from manifest.js.
 * Format: docs/search.md. Build side: site_builder/search/. */
(function (root, factory) {
  "use strict";
  var core = factory();
  if (typeof module === "object" && module && module.exports) module.exports = core;
  else root.__sbSearchCore = core;
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* ------------------------------------------------------------- encodings */

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VAL = new Int8Array(128).fill(-1);
  for (var ai = 0; ai < 64; ai++) VAL[ALPHABET.charCodeAt(ai)] = ai;

  /* fragment files hold JSON as raw DEFLATE in standard base64 (codec.pack_text) → Promise of the data */
  function unpackText(text) {
    var bin = atob(text), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text().then(JSON.parse);
  }

  /* sorted doc ids from 'b' + bitmap or 'g' + gap varints */
  function decodeIds(text) {
    var ids = [], i, c;
    if (text.charAt(0) === "b") {
      for (i = 1; i < text.length; i++) {
        c = VAL[text.charCodeAt(i)];
        if (!c) continue;
        for (var bit = 0; bit < 6; bit++) if (c >> bit & 1) ids.push((i - 1) * 6 + bit);
      }
      return ids;
    }
    var prev = -1, n = 0;
    for (i = 1; i < text.length; i++) {
      c = VAL[text.charCodeAt(i)];
      n = n * 32 + (c & 31);
      if (c < 32) { prev = prev + 1 + n; ids.push(prev); n = 0; }
    }
    return ids;
  }

  /* one impact character → {level: 1..levels, title: bool} */
  function impact(ch) {
    var v = VAL[ch.charCodeAt(0)];
    return { level: v & 31, title: (v & 32) !== 0 };
  }

  /* 32-bit FNV-1a of the UTF-8 bytes */
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  /* ------------------------------------------------------------- text */

  /* letters only Vietnamese uses: site_builder/text/sentences.py _VI_LETTERS (tests check) */
  var VI_LETTERS = "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ";
  var VI_LETTERS_RE = new RegExp("[" + VI_LETTERS + "]");
  var WORD_SOURCE = "[\\p{L}\\p{N}]+|[.!?;:\\u2026\\u3002\\n]";
  var BREAK_RE = /^[.!?;:\u2026\u3002\n]$/;
  var HAS_NOT_ALNUM_RE = /[^\p{L}\p{N}]/u, NOT_ALNUM_RE = /[^\p{L}\p{N}]/gu;
  /* Python's fold drops the marks of combining class > 0; JavaScript cannot ask for the class,
   * so it drops every mark but the few of class 0 that a letter's NFD holds (Tamil au length
   * mark, Tibetan subjoined ssa/ha, Myanmar ii, Balinese tedung) */
  var MARKS_RE = /[^\P{M}\u0bd7\u0fb5\u0fb7\u102e\u1b35]/gu;
  var NOT_DOTLESS_I_RE = /[^\u0131]+/g;
  var CHEROKEE_SMALL_RE = /[\u13f8-\u13fd\uab70-\uabbf]/g;

  /* Python's str.casefold: the lower case of the upper case (µ → μ, ſ → s, ﬁ → fi, ß → ss),
   * except dotless ı, which stays, and Cherokee, which folds to capitals */
  function casefold(s) {
    return s.replace(NOT_DOTLESS_I_RE, function (run) { return run.toUpperCase().toLowerCase(); })
      .replace(CHEROKEE_SMALL_RE, function (c) { return c.toUpperCase(); })
      .replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3");
  }
  /* accents stripped (NFD, combining marks dropped); đ/Đ have no decomposition */
  function fold(text) {
    return text.replace(/\u0111/g, "d").replace(/\u0110/g, "D").normalize("NFD")
      .replace(MARKS_RE, "").normalize("NFC");
  }
  /* English plurals, -ed and -ing (Porter's step 1), as site_builder/search/stem.py */
  var STEM_KEEP = new Set(("this thus does news plus always perhaps series species yes lens bias gas " +
    "whereas towards afterwards besides sometimes").split(" "));
  function consonant(w, i) {
    var c = w[i];
    if ("aeiou".indexOf(c) >= 0) return false;
    return c !== "y" || i === 0 || !consonant(w, i - 1);
  }
  function measure(w) {
    var shape = "";
    for (var i = 0; i < w.length; i++) shape += consonant(w, i) ? "c" : "v";
    return (shape.match(/v+c+/g) || []).length;
  }
  function hasVowel(w) {
    for (var i = 0; i < w.length; i++) if (!consonant(w, i)) return true;
    return false;
  }
  function cvc(w) {
    var n = w.length;
    return n >= 3 && consonant(w, n - 3) && !consonant(w, n - 2) && consonant(w, n - 1) && "wxy".indexOf(w[n - 1]) < 0;
  }
  function stemPlural(w) {
    if (STEM_KEEP.has(w) || /(ss|us|is)$/.test(w)) return w;
    if (/ies$/.test(w)) return w.slice(0, -3) + (w.length > 4 ? "y" : "ie");
    if (/(sses|ches|shes|xes|zes)$/.test(w)) return w.slice(0, -2);
    return w.slice(0, -1);
  }
  function stemEnding(w) {
    if (/eed$/.test(w)) return measure(w.slice(0, -3)) > 0 ? w.slice(0, -1) : w;
    if (/ied$/.test(w) && w.length > 4) return w.slice(0, -3) + "y";
    var m = /(ed|ing)$/.exec(w);
    if (!m || !hasVowel(w.slice(0, -m[0].length))) return w;
    w = w.slice(0, -m[0].length);
    if (/(at|bl|iz)$/.test(w)) return w + "e";
    var last = w[w.length - 1];
    if (w.length > 1 && last === w[w.length - 2] && consonant(w, w.length - 1) && "lsz".indexOf(last) < 0) return w.slice(0, -1);
    if (measure(w) === 1 && cvc(w)) return w + "e";
    return w;
  }
  function stemOnce(w) {
    if (!/^[a-z]{4,}$/.test(w)) return w;
    if (w[w.length - 1] === "s") w = stemPlural(w);
    return w.length >= 4 ? stemEnding(w) : w;
  }
  /* repeated until nothing changes, so a stem is its own stem */
  function stem(w) {
    for (var s = stemOnce(w); s !== w; s = stemOnce(w)) w = s;
    return w;
  }
  /* a raw word → {e: exact (NFC, case-folded), f: folded}, or null when nothing alphanumeric
   * is left (search_index.normalize_word and _tokenise_chunk); the folded form is stemmed, the
   * exact one too when it has no accents */
  function word(raw) {
    var e = casefold(raw.normalize("NFC")), f = casefold(fold(e)), s = stem(f);
    if (e === f) e = s;
    f = s;
    if (HAS_NOT_ALNUM_RE.test(f)) {      /* e.g. a letter whose case folding leaves a stray mark */
      f = f.replace(NOT_ALNUM_RE, "");
      e = e.replace(NOT_ALNUM_RE, "") || f;
    }
    return f ? { e: e, f: f } : null;
  }
  /* text → [{e, f} | null (sentence break)], as search_index.tokens */
  function tokenize(text) {
    var out = [], m, re = new RegExp(WORD_SOURCE, "gu");
    text = text.normalize("NFC");
    while ((m = re.exec(text)) !== null) {
      out.push(m[0].length === 1 && BREAK_RE.test(m[0]) ? null : word(m[0]));
    }
    return out;
  }
  /* the folded form of one word as a reader sees it (for highlighting) */
  function folded(raw) {
    var w = word(raw);
    return w ? w.f : "";
  }

  function chars(s) { return Array.from(s); }
  function prefix(s, n) { return chars(s).slice(0, n).join(""); }

  /* ------------------------------------------------------------- file rules */

  /* a chunk key as a file name: itself when [a-z0-9]+, else "_" + the hex of its UTF-8 */
  function fileKey(key) {
    if (/^[a-z0-9]+$/.test(key)) return key;
    var bytes = new TextEncoder().encode(key), hex = "_";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return hex;
  }
  function vocabName(term, manifest) { return "v/" + fileKey(prefix(term, manifest.chunkKey)); }
  /* the typo chunks a query word looks in: q[:2], q[1:3], q[0]+q[2] */
  function typoChunkKeys(term) {
    var c = chars(term);
    return [c[0] + c[1], c[1] + c[2], c[0] + c[2]].map(fileKey)
      .filter(function (k, i, all) { return all.indexOf(k) === i; });
  }
  function setName(key, setBits) {
    var h = setBits ? (fnv1a(key) & ((1 << setBits) - 1)) >>> 0 : 0;
    return "s/" + h.toString(16);
  }
  function fragmentName(doc, manifest) { return "f/" + Math.floor(doc / manifest.fragments); }

  /* optimal string alignment distance, stopping early above 1 */
  function withinOneEdit(a, b) {
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;                        // substitution
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  /* ------------------------------------------------------------- manifest */

  var MANIFEST_KEYS = ["docs", "setBits", "fragments", "vocab", "typo", "k1", "levels", "curve", "chunkKey", "query",
    "languages"];
  var RANKING_KEYS = ["title_bonus", "accent_boost", "phrase_bonus", "phrase_min_idf", "completion_weight",
    "completions", "prefix_min_length", "typo_weight", "typos", "typo_min_length", "fill_below", "concept_weight",
    "language_boost"];

  /* impact level → its BM25 part: levels are spaced on 1 − (1 − x)^curve of the share x of
   * k1 + 1 (search/scoring.py impact_char) */
  function levelWeights(k1, levels, curve) {
    var out = new Float64Array(levels + 1);
    for (var l = 1; l <= levels; l++) out[l] = (1 - Math.pow(1 - l / levels, 1 / curve)) * (k1 + 1);
    return out;
  }

  /* manifest.js data → the settings a query needs; an index from an older build is refused */
  function readManifest(m) {
    if (!m) throw new Error("search index missing");
    MANIFEST_KEYS.forEach(function (k) {
      if (!(k in m)) throw new Error("search index has no '" + k + "': rebuild the site");
    });
    RANKING_KEYS.forEach(function (k) {
      if (!(k in m.query)) throw new Error("search index has no 'query." + k + "': rebuild the site");
    });
    return {
      docs: m.docs, setBits: m.setBits, fragments: m.fragments, k1: m.k1, levels: m.levels,
      levelWeight: levelWeights(m.k1, m.levels, m.curve),
      chunkKey: m.chunkKey, rank: m.query, languages: m.languages,
      vocabKeys: new Set(m.vocab ? m.vocab.split(" ") : []),
      typoKeys: new Set(m.typo ? m.typo.split(" ") : [])
    };
  }

  /* ------------------------------------------------------------- facets */

  var FACET_FIELDS = ["lang", "source", "tag", "year"];

  /* facets.js data → per field: values, labels, ids per value, and per doc its value indexes */
  function prepareFacets(data, n) {
    var fields = {};
    FACET_FIELDS.forEach(function (name) { fields[name] = { values: [], labels: [], docs: [] }; });
    if (data) {
      ["lang", "source", "tag"].forEach(function (name) {
        var f = fields[name];
        (data.fields[name] || []).forEach(function (v) {
          f.values.push(v[0]); f.labels.push(v[2] || v[0]); f.docs.push(decodeIds(v[1]));
        });
      });
      var years = {}, yf = fields.year;
      data.years.forEach(function (r) {
        if (!(r[0] in years)) { years[r[0]] = yf.values.length; yf.values.push(r[0]); yf.labels.push(r[0]); yf.docs.push([]); }
        var list = yf.docs[years[r[0]]];
        for (var d = r[1]; d < r[2]; d++) list.push(d);
      });
    }
    FACET_FIELDS.forEach(function (name) {
      var f = fields[name];
      f.of = new Array(n);
      f.docs.forEach(function (ids, vi) {
        ids.forEach(function (d) { (f.of[d] || (f.of[d] = [])).push(vi); });
      });
    });
    return fields;
  }

  /* does doc d pass every filter ({field: value}) but the one of field `except`? */
  function passes(facets, filters, d, except) {
    for (var i = 0; i < FACET_FIELDS.length; i++) {
      var name = FACET_FIELDS[i], want = filters[name];
      if (want == null || name === except) continue;
      var f = facets[name], vi = f.values.indexOf(want), of = f.of[d];
      if (vi < 0 || !of || of.indexOf(vi) < 0) return false;
    }
    return true;
  }

  /* counts over all matches, each field ignoring its own filter:
   * [{field, values: [{value, label, count, active}]}] in display order, empty fields left out */
  function facetCounts(facets, filters, docs) {
    var out = [];
    FACET_FIELDS.forEach(function (name) {
      var f = facets[name], counts = new Array(f.values.length).fill(0);
      docs.forEach(function (d) {
        if (!passes(facets, filters, d, name)) return;
        (f.of[d] || []).forEach(function (vi) { counts[vi]++; });
      });
      var order = counts.map(function (c, i) { return i; }).filter(function (i) {
        return counts[i] > 0 || f.values[i] === filters[name];
      });
      if (!order.length) return;
      order.sort(function (a, b) {
        return name === "year" ? (f.values[b] > f.values[a] ? 1 : -1)
          : counts[b] - counts[a] || (f.labels[a] < f.labels[b] ? -1 : 1);
      });
      out.push({ field: name, values: order.map(function (vi) {
        return { value: f.values[vi], label: f.labels[vi], count: counts[vi], active: filters[name] === f.values[vi] };
      }) });
    });
    return out;
  }

  /* ------------------------------------------------------------- highlighting */

  function isMatch(f, terms, prefixes) {
    if (terms.has(f)) return true;
    for (var i = 0; i < prefixes.length; i++) if (f.startsWith(prefixes[i])) return true;
    return false;
  }

  /* text[from:to] → [[text, marked]]: words matching the query marked */
  function highlight(text, terms, prefixes, from, to) {
    from = from || 0; to = to == null ? text.length : to;
    var parts = [], m, last = from, re = /[\p{L}\p{N}]+/gu;
    re.lastIndex = from;
    while ((m = re.exec(text)) !== null && m.index < to) {
      if (!isMatch(folded(m[0]), terms, prefixes)) continue;
      if (m.index > last) parts.push([text.slice(last, m.index), false]);
      parts.push([m[0], true]);
      last = m.index + m[0].length;
    }
    if (last < to) parts.push([text.slice(last, to), false]);
    return parts;
  }

  /* the window of `size` words with the most distinct matches →
   * {cutBefore, parts: [[text, marked]], cutAfter} */
  function snippet(text, terms, prefixes, size) {
    var re = /[\p{L}\p{N}]+/gu, m, starts = [], ends = [], hit = [];
    while ((m = re.exec(text)) !== null) {
      starts.push(m.index); ends.push(m.index + m[0].length);
      var f = folded(m[0]);
      hit.push(isMatch(f, terms, prefixes) ? f : null);
    }
    if (!starts.length) return { cutBefore: false, parts: [], cutAfter: false };
    var bestStart = 0, bestScore = -1;
    for (var i = 0; i < starts.length; i++) {
      if (!hit[i] && i !== 0) continue;
      var seen = new Set(), score = 0;
      for (var j = i; j < Math.min(starts.length, i + size); j++) {
        if (hit[j]) { score += seen.has(hit[j]) ? 0.25 : 1; seen.add(hit[j]); if (j > i && hit[j - 1]) score += 0.5; }
      }
      if (score > bestScore) { bestScore = score; bestStart = i; }
    }
    var first = Math.max(0, bestStart - 4), lastWord = Math.min(starts.length, first + size) - 1;
    var isEnd = lastWord === starts.length - 1;
    return { cutBefore: first > 0,
      parts: highlight(text, terms, prefixes, first ? starts[first] : 0, isEnd ? text.length : ends[lastWord]),
      cutAfter: !isEnd };
  }

  /* ------------------------------------------------------------- querying */

  /* sorted id lists → their sorted union */
  function union(lists) {
    var seen = new Set();
    lists.forEach(function (ids) { ids.forEach(function (d) { seen.add(d); }); });
    return Array.from(seen).sort(function (a, b) { return a - b; });
  }

  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }

  /* a loaded plan → {docs: matching doc ids best first, masks: per doc the groups it matched}.
   * Every word must match (within a word the best alternative counts), or with `relaxed` the
   * most words any document has, or with `atLeast` that many (more words first); phrases add a
   * bonus; a document in the query's language (p.prefer) is boosted; ties go to the newer
   * document (higher id) */
  function score(p, pairSets, settings, relaxed, atLeast) {
    var n = settings.docs, rank = settings.rank, levelWeight = settings.levelWeight;
    var total = new Float64Array(n), hits = new Uint8Array(n), best = new Float64Array(n);
    var masks = new Int32Array(n), exactMark = new Uint8Array(n), need = p.groups.length;
    p.groups.forEach(function (g, gi) {
      var touched = [];
      if (Array.isArray(g.exact)) { exactMark.fill(0); g.exact.forEach(function (d) { exactMark[d] = 1; }); }
      /* a longer word that completes a whole word the reader typed, or a concept it stands for,
       * is no better a match than it */
      var cap = Infinity;
      g.alts.forEach(function (alt) { if (alt.kind === "exact" && alt.entry) cap = idf(n, alt.entry.df); });
      g.alts.forEach(function (alt) {
        if (!alt.post) return;
        var ids = decodeIds(alt.post[0]), imp = alt.post[1];
        var w = alt.weight * (alt.kind === "prefix" || alt.capped ? Math.min(idf(n, ids.length), cap) : idf(n, ids.length));
        for (var k = 0; k < ids.length; k++) {
          var d = ids[k], v = impact(imp.charAt(k));
          var s = w * (levelWeight[v.level] + (v.title ? rank.title_bonus : 0));
          if (alt.kind === "exact" && (g.exact === "all" || (g.exact && exactMark[d]))) s *= rank.accent_boost;
          if (best[d] === 0) touched.push(d);
          if (s > best[d]) best[d] = s;
        }
      });
      touched.forEach(function (d) { total[d] += best[d]; hits[d]++; masks[d] |= gi < 30 ? 1 << gi : 0; best[d] = 0; });
    });
    var result = [];
    if (!need) return { docs: result, masks: masks };
    if (relaxed) { need = 0; for (var h = 0; h < n; h++) if (hits[h] > need) need = hits[h]; }
    if (!need) return { docs: result, masks: masks };
    if (atLeast) need = Math.max(1, atLeast);
    for (var d = 0; d < n; d++) if (hits[d] >= need) result.push(d);
    pairSets.forEach(function (set) {
      var bonus = set.weight * rank.phrase_bonus * Math.max(idf(n, set.df), rank.phrase_min_idf);
      set.ids.forEach(function (d) { if (hits[d] >= need) total[d] += bonus; });
    });
    if (p.prefer) result.forEach(function (d) { if (p.prefer[d]) total[d] *= rank.language_boost; });
    result.sort(function (a, b) {
      var diff = Math.round((total[b] - total[a]) * 1e6);
      return diff || b - a;
    });
    return { docs: result, masks: masks, total: total };
  }

  /* Postings of a term in many documents come split (docs/search.md): p/ holds [ids, head
   * positions, head impacts, cut], t/ the other impacts in id order. → [ids, impacts], the
   * missing impacts taken from `tail` when it is given, else all `fill`. */
  function joinPostings(rec, tail, fill) {
    var n = decodeIds(rec[0]).length, pos = decodeIds(rec[1]), head = rec[2], out = new Array(n);
    for (var i = 0, h = 0, t = 0; i < n; i++) {
      if (h < pos.length && pos[h] === i) out[i] = head.charAt(h++);
      else out[i] = tail != null ? tail.charAt(t++) : fill;
    }
    return [rec[0], out.join("")];
  }
  var LOWEST = ALPHABET.charAt(1);          /* level 1, not in the title: below any impact */

  /* Scored with every missing impact at its lowest (lower) and at the cut (upper): how many of
   * lower's first documents are surely in the right order — all of them when no other document
   * could reach the k-th even at its upper bound (ties go to the higher id) — or 0 */
  function provenTop(lower, upper, k) {
    var top = lower.docs.slice(0, k), L = lower.total, U = upper.total;
    for (var i = 0; i < top.length; i++) if (L[top[i]] !== U[top[i]]) return 0;
    if (lower.docs.length <= k) return lower.docs.length;
    var last = top[top.length - 1], bar = L[last], inTop = new Set(top);
    for (var j = 0; j < upper.docs.length; j++) {
      var d = upper.docs[j];
      if (!inTop.has(d) && (U[d] > bar + 1e-6 || (U[d] >= bar - 1e-6 && d > last))) return 0;
    }
    return top.length;
  }

  /* A searcher over one index. load(name) → Promise of a file's registered data, or null when
   * the file does not exist ("manifest", "v/ab", …); each file is asked for once. */
  function createSearcher(load, options) {
    var top = options && options.top || 10;   /* results a page shows first: ranked from heads when they can */
    var files = {}, unpacked = {}, settings = null, facets = null, termLists = new WeakMap();

    function get(name) { return files[name] || (files[name] = Promise.resolve(load(name))); }

    /* the manifest is needed to plan a query; the facets (a file that grows with the archive)
     * only to count and filter, so the page asks for them after the first results */
    function ready() {
      return get("manifest").then(function (m) {
        if (!settings) settings = readManifest(m);
        return settings;
      });
    }
    function facetsReady() {
      return ready().then(function () { return get("facets"); }).then(function (data) {
        if (!facets) facets = prepareFacets(data, settings.docs);
        return facets;
      });
    }

    function vocabEntry(chunk, term) {
      if (!chunk) return null;
      var terms = termLists.get(chunk);
      if (!terms) { terms = chunk.t.split(" "); termLists.set(chunk, terms); }
      var lo = 0, hi = terms.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid] < term) lo = mid + 1; else hi = mid; }
      return { index: lo, found: terms[lo] === term, terms: terms };
    }
    function entryAt(chunk, i) {
      var terms = termLists.get(chunk);
      return { term: terms[i], df: chunk.d[i], shard: chunk.P[chunk.p[i]], form: chunk.f[terms[i]] };
    }
    function loadVocab(term) {
      var name = vocabName(term, settings);
      return settings.vocabKeys.has(name.slice(2)) ? get(name) : Promise.resolve(null);
    }
    function lookup(term) {
      return loadVocab(term).then(function (chunk) {
        var v = vocabEntry(chunk, term);
        return v && v.found ? entryAt(chunk, v.index) : null;
      });
    }
    function completions(term) {
      return loadVocab(term).then(function (chunk) {
        var v = vocabEntry(chunk, term), out = [];
        if (!v) return out;
        for (var i = v.index; i < v.terms.length && v.terms[i].startsWith(term); i++) {
          if (v.terms[i] !== term) out.push(entryAt(chunk, i));
        }
        out.sort(function (a, b) { return b.df - a.df || (a.term < b.term ? -1 : 1); });
        return out.slice(0, settings.rank.completions);
      });
    }
    function typoCandidates(term) {
      if (chars(term).length < settings.rank.typo_min_length || /^\d+$/.test(term)) return Promise.resolve([]);
      var keys = typoChunkKeys(term).filter(function (k) { return settings.typoKeys.has(k); });
      return Promise.all(keys.map(function (k) { return get("x/" + k); })).then(function (lists) {
        var seen = new Set();
        lists.forEach(function (list) {
          if (!list) return;
          list.split(" ").forEach(function (t) { if (t !== term && withinOneEdit(t, term)) seen.add(t); });
        });
        return Promise.all(Array.from(seen).sort().map(lookup));
      }).then(function (entries) {
        return entries.filter(Boolean).sort(function (a, b) { return b.df - a.df; }).slice(0, settings.rank.typos);
      });
    }
    function postings(entry) {
      return get("p/" + entry.shard).then(function (shard) { return shard && shard[entry.term] || null; });
    }
    function idSet(key) {
      return get(setName(key, settings.setBits)).then(function (shard) {
        return shard && shard[key] ? decodeIds(shard[key]) : null;
      });
    }

    /* query → {groups: [{word, prefix, alts: [{entry, weight, kind}]}], pairs} | null */
    function plan(query, typoAll) {
      var toks = tokenize(query), rank = settings.rank;
      var words = toks.filter(Boolean);
      if (!words.length) return Promise.resolve(null);
      var lastIsPrefix = !/[\s.!?;:,\u2026]$/.test(query);
      var seen = {}, groups = [];
      words.forEach(function (w, i) {
        var isLast = i === words.length - 1;
        if (seen[w.f]) { if (isLast && lastIsPrefix) seen[w.f].prefix = true; return; }
        seen[w.f] = { word: w, prefix: isLast && lastIsPrefix, alts: [] };
        groups.push(seen[w.f]);
      });
      return Promise.all(groups.map(function (g) {
        var f = g.word.f, n = chars(f).length;
        var jobs = [lookup(f), g.prefix && n >= rank.prefix_min_length ? completions(f) : Promise.resolve([])];
        return Promise.all(jobs).then(function (r) {
          if (r[0]) g.alts.push({ entry: r[0], weight: 1, kind: "exact" });
          r[1].forEach(function (e) { g.alts.push({ entry: e, weight: rank.completion_weight, kind: "prefix" }); });
          if (!g.alts.length && g.prefix) return stemmedPrefix(f).then(function (entries) {
            entries.forEach(function (e) { g.alts.push({ entry: e, weight: rank.completion_weight, kind: "prefix" }); });
          });
        }).then(function () {
          if (!g.alts.length || (typoAll && !g.prefix)) {
            return typoCandidates(f).then(function (cands) {
              cands.forEach(function (e) { g.alts.push({ entry: e, weight: rank.typo_weight, kind: "typo" }); });
            });
          }
        });
      })).then(function () {
        /* a word still being typed (too short to complete, nothing found) is not a requirement yet */
        groups = groups.filter(function (g) {
          return g.alts.length || !(g.prefix && chars(g.word.f).length < rank.prefix_min_length);
        });
        var pairs = {};
        for (var i = 0; i + 1 < toks.length; i++) {
          var a = toks[i], b = toks[i + 1];
          if (a && b && a.f !== b.f) pairs[a.f + " " + b.f] = [];
        }
        return Promise.all([joinedPairs(groups), conceptAlts(words, groups)]).then(function (r) {
          /* a joined name or a glossary expression spanning a pair is that pair's phrase too */
          r[0].concat(r[1]).forEach(function (span) {
            for (var k = 0; k + 1 < span.words.length; k++) {
              var key = span.words[k] + " " + span.words[k + 1];
              if (key in pairs) pairs[key].push(span.alt);
            }
          });
          return { groups: groups, pairs: pairs };
        });
      });
    }

    /* does a query span spell a glossary expression? [concept, exact spellings…] of chunk.c: a
     * word typed without accents matches any spelling, one typed with them that spelling */
    function spells(span, entry) {
      if (entry.length < 2) return !span.some(function (w) { return w.e !== w.f; });
      return entry.slice(1).some(function (exact) {
        var parts = exact.split(" ");
        return span.every(function (w, i) { return w.e === w.f || w.e === parts[i]; });
      });
    }
    /* query words that spell a glossary expression ("tp hcm", "typhoon", "kẹt xe", longest
     * first, not overlapping) also match the expression's concept term ('_…', which the build
     * gives every document using any expression of it), shared by the span's words */
    function conceptAlts(words, groups) {
      var byWord = {};
      groups.forEach(function (g) { byWord[g.word.f] = g; });
      return Promise.all(words.map(function (w) { return loadVocab(w.f); })).then(function (chunks) {
        var jobs = [];
        for (var i = 0; i < words.length;) {
          var c = chunks[i] && chunks[i].c, len = 0, entry = null;
          for (var n = Math.min(words.length - i, 6); c && n >= 1 && !entry; n--) {
            var span = words.slice(i, i + n), e = c[span.map(function (w) { return w.f; }).join(" ")];
            if (e && spells(span, e)) { entry = e; len = n; }
          }
          if (!entry) { i++; continue; }
          var owners = words.slice(i, i + len).map(function (w) { return byWord[w.f]; })
            .filter(function (g, k, all) { return g && all.indexOf(g) === k; });
          jobs.push(conceptJob(entry[0], owners, len, words.slice(i, i + len)));
          i += len;
        }
        return Promise.all(jobs).then(function (spans) { return spans.filter(Boolean); });
      });
    }
    /* → {words: the run's folded words, alt}, or null when the index has no such concept */
    function conceptJob(concept, owners, len, run) {
      return lookup(concept).then(function (entry) {
        if (!entry) return null;
        var alt = { entry: entry, weight: settings.rank.concept_weight / len, kind: "concept", capped: len === 1 };
        owners.forEach(function (g) { g.alts.push(alt); });
        return { words: run.map(function (w) { return w.f; }), alt: alt };
      });
    }

    /* a word being typed that matches nothing because the index holds stems ("floodin": the
     * term is "flood"): the stem of the word its ending is on the way to (-ing, -ed, -es) */
    function stemmedPrefix(f) {
      var whole = /in$/.test(f) ? [f + "g"] : /i$/.test(f) ? [f + "ng"] : /e$/.test(f) ? [f + "d", f + "s"] : [];
      var stems = whole.map(stem).filter(function (t, i, all) { return t !== f && all.indexOf(t) === i; });
      return Promise.all(stems.map(lookup)).then(function (entries) { return entries.filter(Boolean); });
    }

    /* two query words that a document may write as one ("ha noi" → Hanoi): the joined term, when
     * the index has it, counts for both words as a folded match, half each, and as their phrase */
    function joinedPairs(groups) {
      var jobs = [];
      for (var i = 0; i + 1 < groups.length; i++) {
        (function (a, b) {
          if (!/^[a-z]+$/.test(a.word.f + b.word.f)) return;
          jobs.push(lookup(a.word.f + b.word.f).then(function (entry) {
            if (!entry) return null;
            var alt = { entry: entry, weight: 0.5, kind: "joined" };
            a.alts.push(alt); b.alts.push(alt);
            return { words: [a.word.f, b.word.f], alt: alt };
          }));
        }(groups[i], groups[i + 1]));
      }
      return Promise.all(jobs).then(function (alts) { return alts.filter(Boolean); });
    }

    /* load what a plan needs: postings, exact-form sets, pair sets */
    function fetchPlan(p) {
      var jobs = [], pairSets = [], fac = null;
      /* the language boost needs each document's language (facets.js, which the page otherwise
       * loads after the first results): asked for only by a query it can apply to */
      if (vietnameseQuery(p)) jobs.push(facetsReady().then(function (f) { fac = f; }));
      p.groups.forEach(function (g) {
        g.alts.forEach(function (alt) {
          jobs.push(postings(alt.entry).then(function (post) { alt.post = post; }));
        });
        var e = g.word.e, exact = g.alts.length && g.alts[0].kind === "exact" ? g.alts[0].entry : null;
        g.exact = null;
        if (exact && e !== g.word.f) {           /* the query has accents: rank that spelling first */
          if (exact.form === 1) jobs.push(idSet("=" + e).then(function (ids) { g.exact = ids || []; }));
          else g.exact = exact.form === e ? "all" : [];
        }
      });
      var pairIds = {};
      Object.keys(p.pairs).forEach(function (key) {
        jobs.push(idSet(key).then(function (ids) { pairIds[key] = ids; }));
      });
      return Promise.all(jobs).then(function () {
        /* a phrase is found once, as the pair or as a joined name or expression spanning it */
        Object.keys(p.pairs).sort().forEach(function (key) {
          var sets = [pairIds[key] || []], concepts = [];
          p.pairs[key].forEach(function (alt) {
            if (alt.post) (alt.kind === "concept" ? concepts : sets).push(decodeIds(alt.post[0]));
          });
          var ids = sets.length > 1 ? union(sets) : sets[0];
          var all = concepts.length ? union(concepts.concat([ids])) : ids;
          if (ids.length) pairSets.push({ ids: ids, df: all.length, weight: 1 });
          if (all.length > ids.length) {     /* an expression of the same concept: worth concept_weight */
            var have = new Set(ids);
            pairSets.push({ ids: all.filter(function (d) { return !have.has(d); }), df: all.length,
              weight: settings.rank.concept_weight });
          }
        });
        p.prefer = queryLanguage(p, fac);
        return pairSets;
      });
    }

    /* a query with a letter only Vietnamese uses ("Sài Gòn", "bão") is Vietnamese: per doc 1
     * when it is in Vietnamese, or null (no such letter, or no Vietnamese documents) */
    function vietnameseQuery(p) {
      return p.groups.some(function (g) { return VI_LETTERS_RE.test(g.word.e); });
    }
    function queryLanguage(p, fac) {
      var lang = fac && fac.lang, vi = lang ? lang.values.indexOf("vi") : -1;
      if (vi < 0 || !vietnameseQuery(p)) return null;
      var mark = new Uint8Array(settings.docs);
      lang.docs[vi].forEach(function (d) { mark[d] = 1; });
      return mark;
    }

    /* score a loaded plan; terms whose postings are split are first scored from their heads,
     * and their tails loaded only when the heads cannot prove the first `top` in order.
     * → the score result with `exact`: how many of its first documents are in their final order */
    function scorePlan(p, relaxed, atLeast) {
      return fetchPlan(p).then(function (pairSets) {
        var run = function () { return score(p, pairSets, settings, relaxed, atLeast); }, split = [];
        p.groups.forEach(function (g) {
          g.alts.forEach(function (alt) { if (alt.post && alt.post.length === 4 && split.indexOf(alt) < 0) split.push(alt); });
        });
        if (!split.length) return withExact(run(), Infinity);
        if (!p.full) {
          var lower = withPostings(split, function (rec) { return joinPostings(rec, null, LOWEST); }, run);
          /* the tail's highest impact bounds the rest when a title outweighs any level; else the
           * impact with the tail's highest level and title bit */
          var cut = settings.rank.title_bonus >= settings.k1 + 1 ? 0 : 1;
          var upper = withPostings(split, function (rec) { return joinPostings(rec, null, rec[3].charAt(cut)); }, run);
          var proven = provenTop(lower, upper, top);
          if (proven) return withExact(lower, proven);
        }
        return Promise.all(split.map(function (alt) {
          return get("t/" + alt.entry.shard).then(function (t) { alt.tail = t && t[alt.entry.term] || ""; });
        })).then(function () {
          return withExact(withPostings(split, function (rec, alt) { return joinPostings(rec, alt.tail, LOWEST); }, run), Infinity);
        });
      });
    }
    function withPostings(split, make, run) {
      var records = split.map(function (alt) { return alt.post; });
      split.forEach(function (alt, i) { alt.post = make(records[i], alt); });
      try { return run(); } finally { split.forEach(function (alt, i) { alt.post = records[i]; }); }
    }
    function withExact(r, exact) { r.exact = Math.min(exact, r.docs.length); return r; }

    /* query → {docs: ids best first, full: how many of them have every word (the others have
     * all but one), terms: Set of folded terms used, prefixes, spelling: typo terms, partial: null
     * or, when no document has every word, {all: the query's words, some: the words the results have},
     * exact: how many of the first docs are in their final order (the rest are all there, in an
     * order that may change)}; `whole`: rank every document (loads the tails of split postings) */
    function search(query, whole) {
      var ranked = function (p) { if (p) p.full = !!whole; return p; };
      return ready().then(function () { return plan(query, false); }).then(ranked).then(function (p) {
        if (!p) return { docs: [], groups: [] };
        return scorePlan(p).then(function (r) {
          var typoMin = settings.rank.typo_min_length;
          if (r.docs.length >= settings.rank.fill_below || (r.docs.length && p.groups.length < 2)) {
            return { docs: r.docs, groups: p.groups, exact: r.exact };
          }
          if (r.docs.length) {      /* few have every word: those that lack one follow them, … */
            return fill(p, r.docs, r.exact, p.groups.length - 1).then(function (f) {
              return { docs: f.docs, groups: p.groups, full: r.docs.length, exact: f.exact };
            });
          }
          if (!p.groups.some(function (g) { return chars(g.word.f).length >= typoMin; })) {
            return p.groups.length < 2 ? { docs: [], groups: p.groups } : relax(p);
          }
          return plan(query, true).then(ranked).then(function (p2) {    /* nothing: try one-edit spellings */
            return scorePlan(p2).then(function (r2) {
              return r2.docs.length || p2.groups.length < 2 ? { docs: r2.docs, groups: p2.groups, exact: r2.exact }
                : relax(p2);
            });
          });
        });
      }).then(function (r) {
        var terms = new Set(), spelling = [];
        r.groups.forEach(function (g) {
          g.alts.forEach(function (a) {
            terms.add(a.entry.term);
            if (a.kind === "typo") spelling.push(a.entry.term);
          });
          if (g.prefix) terms.add(g.word.f);
        });
        return { docs: r.docs, terms: terms, spelling: spelling, partial: r.partial || null,
          full: r.partial ? 0 : r.full == null ? r.docs.length : r.full,
          exact: r.exact == null ? r.docs.length : r.exact,
          prefixes: r.groups.filter(function (g) { return g.prefix; }).map(function (g) { return g.word.f; }) };
      });
    }

    /* … then, while there are still fewer than fill_below, those that lack two, and so on down
     * to one word: more words first (a page of the best partial matches, after the full ones).
     * → {docs, exact}: while every document so far is in its final order, each step adds those
     * of its own proven first ones (scorePlan's exact) that are new */
    function fill(p, docs, exact, atLeast) {
      return scorePlan(p, false, atLeast).then(function (more) {
        var have = new Set(docs), fresh = function (d) { return !have.has(d); };
        if (exact >= docs.length) exact = docs.length + more.docs.slice(0, more.exact).filter(fresh).length;
        docs = docs.concat(more.docs.filter(fresh));
        var floor = 1;
        if (docs.length >= settings.rank.fill_below || atLeast <= floor) return { docs: docs, exact: exact };
        return fill(p, docs, exact, atLeast - 1);
      });
    }

    /* no document has every word: the documents with the most of them, and which words those are */
    function relax(p) {
      return scorePlan(p, true).then(function (r) {
        if (!r.docs.length) return { docs: [], groups: p.groups };
        var mask = r.masks[r.docs[0]];
        var some = p.groups.filter(function (g, gi) { return gi < 30 && mask & (1 << gi); });
        return { docs: r.docs, groups: some, exact: r.exact, partial: {
          all: p.groups.map(function (g) { return g.word.e; }),
          some: some.map(function (g) { return g.word.e; }) } };
      });
    }

    /* the documents of some ids, in order: {t: title, u: url, d: date, l: lang, s: source, g: tags, x: text} */
    function documents(ids) {
      return ready().then(function () {
        return Promise.all(ids.map(function (d) {
          var name = fragmentName(d, settings);
          if (!unpacked[name]) {
            unpacked[name] = get(name).then(function (g) { return typeof g === "string" ? unpackText(g) : null; });
          }
          return unpacked[name].then(function (g) { return g ? g[d % settings.fragments] || null : null; });
        }));
      });
    }

    /* language code → its name (manifest.languages), for a result's meta line */
    function languageName(code) { return settings && settings.languages[code] || code; }

    return { ready: ready, facets: facetsReady, search: search, documents: documents, languageName: languageName };
  }

  return {
    ALPHABET: ALPHABET, FACET_FIELDS: FACET_FIELDS,
    decodeIds: decodeIds, unpackText: unpackText, impact: impact, fnv1a: fnv1a,
    VI_LETTERS: VI_LETTERS, casefold: casefold, fold: fold, stem: stem, word: word, tokenize: tokenize,
    fileKey: fileKey, vocabName: vocabName, typoChunkKeys: typoChunkKeys, setName: setName,
    fragmentName: fragmentName, withinOneEdit: withinOneEdit, readManifest: readManifest,
    prepareFacets: prepareFacets, passes: passes, facetCounts: facetCounts,
    highlight: highlight, snippet: snippet, createSearcher: createSearcher
  };
}));
