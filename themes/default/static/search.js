/* Client-side search for the briefing archive: no server, no fetch, no workers, no modules.
 * Index files are small scripts (search/**.js) that call window.__sbSearch.register(name, data);
 * they are loaded with <script> tags, so search works over http(s) and from file://.
 * Everything from the index is inserted as text (textContent / text nodes), never as HTML.
 * Format: docs/search.md. Build side: site_builder/search_index.py. */
(function () {
  "use strict";

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VAL = new Int8Array(128).fill(-1);
  for (var ai = 0; ai < 64; ai++) VAL[ALPHABET.charCodeAt(ai)] = ai;

  var K1 = 1.2, TITLE_BONUS = 1.0, ACCENT_BOOST = 1.6, PHRASE_BONUS = 2.5;
  var COMPLETION_WEIGHT = 0.8, TYPO_WEIGHT = 0.6, MAX_COMPLETIONS = 5, MAX_TYPOS = 3;
  var PAGE = 10, SNIPPET_WORDS = 28;

  var registry = {};
  var loading = {};
  var api = window.__sbSearch = window.__sbSearch || {};
  api.register = function (name, data) { registry[name] = data; };

  var app = document.getElementById("search-app");
  if (!app) return;
  var INDEX = app.getAttribute("data-index") || "search/";
  var ROOT = app.getAttribute("data-root") || "";

  /* ---------------------------------------------------------------- loading */

  function load(name) {
    if (loading[name]) return loading[name];
    loading[name] = new Promise(function (resolve) {
      var s = document.createElement("script");
      s.src = INDEX + name + ".js";
      s.charset = "utf-8";
      s.async = true;
      s.onload = function () { s.remove(); resolve(registry.hasOwnProperty(name) ? registry[name] : null); };
      s.onerror = function () { s.remove(); resolve(null); };
      document.head.appendChild(s);
    });
    return loading[name];
  }

  /* ---------------------------------------------------------- text handling */

  var WORD_RE = /[\p{L}\p{N}]+|[.!?;:\u2026\u3002\n]/gu;
  var MARKS_RE = /\p{M}/gu;

  function exactForm(w) {
    return w.normalize("NFC").toLowerCase().replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3");
  }
  function foldForm(exact) {
    return exact.replace(/\u0111/g, "d").replace(/\u0110/g, "D").normalize("NFD")
      .replace(MARKS_RE, "").normalize("NFC").toLowerCase();
  }
  /* query text → [{e: exact, f: folded} | null (sentence break)] */
  function tokenize(text) {
    var out = [], m;
    WORD_RE.lastIndex = 0;
    text = text.normalize("NFC");
    while ((m = WORD_RE.exec(text)) !== null) {
      var w = m[0];
      if (w.length === 1 && /[.!?;:\u2026\u3002\n]/.test(w)) { out.push(null); continue; }
      var e = exactForm(w);
      out.push({ e: e, f: foldForm(e) });
    }
    return out;
  }
  function fileKey(key) {
    if (/^[a-z0-9]+$/.test(key)) return key;
    var bytes = new TextEncoder().encode(key), hex = "_";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return hex;
  }
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function chars(s) { return Array.from(s); }
  function prefix(s, n) { return chars(s).slice(0, n).join(""); }

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

  /* ------------------------------------------------------------ the index */

  var manifest = null, facets = null, vocabKeys = null, typoKeys = null;

  /* the manifest is needed to plan a query; the facets only to show results */
  function ready() {
    var facetsLoaded = load("facets");
    return load("manifest").then(function (m) {
      if (!m) throw new Error("search index missing");
      if (!manifest) {
        manifest = m;
        vocabKeys = new Set(manifest.vocab ? manifest.vocab.split(" ") : []);
        typoKeys = new Set(manifest.typo ? manifest.typo.split(" ") : []);
      }
      facetsLoaded.then(function (data) { if (!facets) facets = prepareFacets(data, manifest.docs); });
    });
  }
  function facetsReady() {
    return load("facets").then(function (data) {
      if (!facets) facets = prepareFacets(data, manifest.docs);
    });
  }

  function prepareFacets(data, n) {
    var fields = {}, names = ["lang", "source", "tag", "year"];
    names.forEach(function (name) { fields[name] = { values: [], labels: [], docs: [] }; });
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
    /* per doc: value index for each field (tags: a list) */
    names.forEach(function (name) {
      var f = fields[name];
      f.of = new Array(n);
      f.docs.forEach(function (ids, vi) {
        ids.forEach(function (d) { (f.of[d] || (f.of[d] = [])).push(vi); });
      });
    });
    return fields;
  }

  function vocabEntry(chunk, term) {
    if (!chunk) return null;
    var terms = chunk._terms || (chunk._terms = chunk.t.split(" "));
    var lo = 0, hi = terms.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid] < term) lo = mid + 1; else hi = mid; }
    return { index: lo, found: terms[lo] === term, terms: terms };
  }
  function entryAt(chunk, i) {
    var terms = chunk._terms;
    return { term: terms[i], df: chunk.d[i], shard: chunk.P[chunk.p[i]], form: chunk.f[terms[i]] };
  }
  function loadVocab(term) {
    var key = fileKey(prefix(term, 2));
    return vocabKeys.has(key) ? load("v/" + key) : Promise.resolve(null);
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
      return out.slice(0, MAX_COMPLETIONS);
    });
  }
  function typoCandidates(term) {
    var c = chars(term);
    if (c.length < 5 || /^\d+$/.test(term)) return Promise.resolve([]);
    var keys = [c[0] + c[1], c[1] + c[2], c[0] + c[2]].map(fileKey).filter(function (k, i, all) {
      return typoKeys.has(k) && all.indexOf(k) === i;
    });
    return Promise.all(keys.map(function (k) { return load("x/" + k); })).then(function (lists) {
      var seen = new Set();
      lists.forEach(function (list) {
        if (!list) return;
        list.split(" ").forEach(function (t) { if (t !== term && withinOneEdit(t, term)) seen.add(t); });
      });
      return Promise.all(Array.from(seen).sort().map(lookup));
    }).then(function (entries) {
      return entries.filter(Boolean).sort(function (a, b) { return b.df - a.df; }).slice(0, MAX_TYPOS);
    });
  }
  function postings(entry) {
    return load("p/" + entry.shard).then(function (shard) { return shard && shard[entry.term] || null; });
  }
  function idSet(key) {
    var bits = manifest.setBits, h = bits ? (fnv1a(key) & ((1 << bits) - 1)) >>> 0 : 0;
    return load("s/" + h.toString(16)).then(function (shard) {
      return shard && shard[key] ? decodeIds(shard[key]) : null;
    });
  }

  /* query string → {groups: [{word, alts: [{entry, weight, kind}], exact: ids|null|"all"}], pairs, prefix} */
  function plan(query, typoAll) {
    var toks = tokenize(query);
    var words = toks.filter(Boolean);
    if (!words.length) return Promise.resolve(null);
    var lastIsPrefix = !/[\s.!?;:,\u2026]$/.test(query);
    var seen = {}, groups = [];
    words.forEach(function (w, i) {
      var isLast = i === words.length - 1;
      if (seen[w.f]) { if (isLast && lastIsPrefix) seen[w.f].prefix = true; return; }
      seen[w.f] = { word: w, prefix: isLast && lastIsPrefix, alts: [], matched: [w.f] };
      groups.push(seen[w.f]);
    });
    return Promise.all(groups.map(function (g) {
      var f = g.word.f, n = chars(f).length;
      var jobs = [lookup(f), g.prefix && n >= 2 ? completions(f) : Promise.resolve([])];
      return Promise.all(jobs).then(function (r) {
        if (r[0]) g.alts.push({ entry: r[0], weight: 1, kind: "exact" });
        r[1].forEach(function (e) { g.alts.push({ entry: e, weight: COMPLETION_WEIGHT, kind: "prefix" }); });
        if (!g.alts.length || (typoAll && !g.prefix)) {
          return typoCandidates(f).then(function (cands) {
            cands.forEach(function (e) { g.alts.push({ entry: e, weight: TYPO_WEIGHT, kind: "typo" }); });
          });
        }
      });
    })).then(function () {
      /* a word still being typed (one letter, nothing found) is not a requirement yet */
      groups = groups.filter(function (g) { return g.alts.length || !(g.prefix && chars(g.word.f).length < 2); });
      var pairs = [];
      for (var i = 0; i + 1 < toks.length; i++) {
        var a = toks[i], b = toks[i + 1];
        if (a && b && a.f !== b.f) pairs.push(a.f + " " + b.f);
      }
      return { groups: groups, pairs: pairs };
    });
  }

  function scoreQuery(p) {
    var n = manifest.docs, levels = manifest.levels || 31;
    var jobs = [];
    p.groups.forEach(function (g) {
      g.alts.forEach(function (alt) {
        jobs.push(postings(alt.entry).then(function (post) { alt.post = post; }));
        if (alt.kind !== "typo" && alt.entry.term !== g.word.f) g.matched.push(alt.entry.term);
        if (alt.kind === "typo") g.matched.push(alt.entry.term);
      });
      var e = g.word.e, exact = g.alts.length && g.alts[0].kind === "exact" ? g.alts[0].entry : null;
      g.exact = null;
      if (exact && e !== g.word.f) {           /* the query has accents: rank that spelling first */
        if (exact.form === 1) jobs.push(idSet("=" + e).then(function (ids) { g.exact = ids || []; }));
        else g.exact = exact.form === e ? "all" : [];
      }
    });
    var pairSets = [];
    p.pairs.forEach(function (key) {
      jobs.push(idSet(key).then(function (ids) { if (ids) pairSets.push(ids); }));
    });
    return Promise.all(jobs).then(function () {
      var total = new Float64Array(n), hits = new Uint8Array(n), best = new Float64Array(n);
      var exactMark = new Uint8Array(n);
      var need = p.groups.length;
      p.groups.forEach(function (g) {
        var touched = [];
        if (Array.isArray(g.exact)) { exactMark.fill(0); g.exact.forEach(function (d) { exactMark[d] = 1; }); }
        g.alts.forEach(function (alt) {
          if (!alt.post) return;
          var ids = decodeIds(alt.post[0]), imp = alt.post[1], df = ids.length;
          var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          for (var k = 0; k < ids.length; k++) {
            var d = ids[k], v = VAL[imp.charCodeAt(k)];
            var s = alt.weight * idf * ((v & 31) / levels * (K1 + 1) + (v & 32 ? TITLE_BONUS : 0));
            if (alt.kind === "exact" && (g.exact === "all" || (g.exact && exactMark[d]))) s *= ACCENT_BOOST;
            if (best[d] === 0) touched.push(d);
            if (s > best[d]) best[d] = s;
          }
        });
        touched.forEach(function (d) { total[d] += best[d]; hits[d]++; best[d] = 0; });
      });
      var result = [];
      if (!need) return result;
      for (var d = 0; d < n; d++) if (hits[d] === need) result.push(d);
      pairSets.forEach(function (ids) {
        var idf = Math.log(1 + (n - ids.length + 0.5) / (ids.length + 0.5));
        ids.forEach(function (d) { if (hits[d] === need) total[d] += PHRASE_BONUS * Math.max(idf, 0.2); });
      });
      result.sort(function (a, b) {
        var diff = Math.round((total[b] - total[a]) * 1e6);
        return diff || b - a;                      /* ties: newer first (ids run oldest first) */
      });
      return result;
    });
  }

  function mark(name) { (api.timings = api.timings || []).push([name, Math.round(performance.now())]); }

  function runSearch(query) {
    mark("start");
    return ready().then(function () { mark("ready"); return plan(query, false); }).then(function (p) {
      mark("planned");
      if (!p) return { docs: [], terms: [] };
      return scoreQuery(p).then(function (docs) {
        mark("scored");
        if (docs.length || !p.groups.some(function (g) { return chars(g.word.f).length >= 5; })) {
          return { docs: docs, groups: p.groups };
        }
        return plan(query, true).then(function (p2) {    /* nothing: try one-edit spellings */
          return scoreQuery(p2).then(function (d2) { return { docs: d2, groups: p2.groups }; });
        });
      });
    }).then(function (r) {
      var terms = new Set();
      (r.groups || []).forEach(function (g) {
        g.alts.forEach(function (a) { terms.add(a.entry.term); });
        if (g.prefix) terms.add(g.word.f);
      });
      r.terms = terms;
      r.prefixes = (r.groups || []).filter(function (g) { return g.prefix; }).map(function (g) { return g.word.f; });
      r.spelling = [];
      (r.groups || []).forEach(function (g) {
        g.alts.forEach(function (a) { if (a.kind === "typo") r.spelling.push(a.entry.term); });
      });
      return r;
    });
  }

  /* ---------------------------------------------------------------- the page */

  var input = document.getElementById("search-input");
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var facetBox = document.getElementById("search-facets");
  var moreButton = document.getElementById("search-more");
  var FIELDS = [["lang", "Language"], ["source", "Source"], ["tag", "Tag"], ["year", "Year"]];
  var state = { q: "", filters: {}, result: null, shown: 0 };
  var seq = 0, timer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function isMatch(folded, terms, prefixes) {
    if (terms.has(folded)) return true;
    for (var i = 0; i < prefixes.length; i++) if (folded.startsWith(prefixes[i])) return true;
    return false;
  }

  /* text → fragment of text nodes and <mark>s; from/to are character offsets to keep */
  function highlighted(text, terms, prefixes, from, to) {
    var frag = document.createDocumentFragment(), m, last = from;
    from = from || 0; to = to == null ? text.length : to; last = from;
    var re = /[\p{L}\p{N}]+/gu;
    re.lastIndex = from;
    while ((m = re.exec(text)) !== null && m.index < to) {
      if (!isMatch(foldForm(exactForm(m[0])), terms, prefixes)) continue;
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      frag.appendChild(el("mark", null, m[0]));
      last = m.index + m[0].length;
    }
    if (last < to) frag.appendChild(document.createTextNode(text.slice(last, to)));
    return frag;
  }

  /* the window of SNIPPET_WORDS words with the most distinct matches */
  function snippet(text, terms, prefixes) {
    var re = /[\p{L}\p{N}]+/gu, m, starts = [], ends = [], hit = [];
    while ((m = re.exec(text)) !== null) {
      starts.push(m.index); ends.push(m.index + m[0].length);
      var f = foldForm(exactForm(m[0]));
      hit.push(isMatch(f, terms, prefixes) ? f : null);
    }
    if (!starts.length) return el("span", null, "");
    var bestStart = 0, bestScore = -1;
    for (var i = 0; i < starts.length; i++) {
      if (!hit[i] && i !== 0) continue;
      var seen = new Set(), score = 0;
      for (var j = i; j < Math.min(starts.length, i + SNIPPET_WORDS); j++) {
        if (hit[j]) { score += seen.has(hit[j]) ? 0.25 : 1; seen.add(hit[j]); if (j > i && hit[j - 1]) score += 0.5; }
      }
      if (score > bestScore) { bestScore = score; bestStart = i; }
    }
    var first = Math.max(0, bestStart - 4), lastWord = Math.min(starts.length, first + SNIPPET_WORDS) - 1;
    var span = el("span");
    if (first > 0) span.appendChild(document.createTextNode("… "));
    var isEnd = lastWord === starts.length - 1;
    span.appendChild(highlighted(text, terms, prefixes, first ? starts[first] : 0, isEnd ? text.length : ends[lastWord]));
    if (!isEnd) span.appendChild(document.createTextNode(" …"));
    return span;
  }

  function passes(d, except) {
    for (var i = 0; i < FIELDS.length; i++) {
      var name = FIELDS[i][0], want = state.filters[name];
      if (want == null || name === except) continue;
      var f = facets[name], vi = f.values.indexOf(want), of = f.of[d];
      if (vi < 0 || !of || of.indexOf(vi) < 0) return false;
    }
    return true;
  }

  function renderFacets(docs) {
    facetBox.textContent = "";
    FIELDS.forEach(function (pair) {
      var name = pair[0], f = facets[name], counts = new Array(f.values.length).fill(0);
      docs.forEach(function (d) {
        if (!passes(d, name)) return;
        (f.of[d] || []).forEach(function (vi) { counts[vi]++; });
      });
      var order = counts.map(function (c, i) { return i; }).filter(function (i) {
        return counts[i] > 0 || f.values[i] === state.filters[name];
      });
      if (!order.length) return;
      order.sort(function (a, b) {
        return name === "year" ? (f.values[b] > f.values[a] ? 1 : -1) : counts[b] - counts[a] || (f.labels[a] < f.labels[b] ? -1 : 1);
      });
      var group = el("section", "facet");
      group.appendChild(el("h2", null, pair[1]));
      var ul = el("ul");
      order.forEach(function (vi) {
        var li = el("li"), btn = el("button", "facet-value");
        btn.type = "button";
        var active = state.filters[name] === f.values[vi];
        btn.setAttribute("aria-pressed", active ? "true" : "false");
        btn.setAttribute("data-field", name);
        btn.setAttribute("data-value", f.values[vi]);
        btn.appendChild(el("span", "facet-label", f.labels[vi]));
        btn.appendChild(el("span", "facet-count", String(counts[vi])));
        btn.addEventListener("click", function () {
          if (active) delete state.filters[name]; else state.filters[name] = f.values[vi];
          updateUrl();
          show(state.result, seq);
        });
        li.appendChild(btn);
        ul.appendChild(li);
      });
      group.appendChild(ul);
      facetBox.appendChild(group);
    });
  }

  function resultItem(d, doc, r) {
    var li = el("li", "result");
    li.setAttribute("lang", doc.l || "");
    var a = el("a", "result-title");
    a.href = ROOT + doc.u;
    a.appendChild(highlighted(doc.t, r.terms, r.prefixes));
    var h = el("h2", "entry-title");
    h.appendChild(a);
    li.appendChild(h);
    var meta = [doc.d, doc.s, facets.lang.labels[facets.lang.values.indexOf(doc.l)] || doc.l].filter(Boolean);
    li.appendChild(el("p", "entry-meta", meta.join(" · ")));
    var p = el("p", "result-snippet");
    p.appendChild(snippet(doc.x || "", r.terms, r.prefixes));
    li.appendChild(p);
    return li;
  }

  function showMore(token, filtered, r) {
    var from = state.shown, to = Math.min(filtered.length, from + PAGE);
    var ids = filtered.slice(from, to);
    var group = manifest.fragments || 1;  /* documents per f/ file */
    return Promise.all(ids.map(function (d) {
      return load("f/" + Math.floor(d / group)).then(function (g) { return g ? g[d % group] : null; });
    })).then(function (docs) {
      if (token !== seq) return;
      docs.forEach(function (doc, i) { if (doc) list.appendChild(resultItem(ids[i], doc, r)); });
      state.shown = to;
      moreButton.hidden = to >= filtered.length;
      list.setAttribute("data-state", "done");
      if (api.firstResultsAt == null && ids.length) api.firstResultsAt = performance.now();
    });
  }

  function show(r, token) {
    var filtered = r.docs.filter(function (d) { return passes(d, null); });
    list.textContent = "";
    state.shown = 0;
    state.filtered = filtered;
    renderFacets(r.docs);
    var n = filtered.length;
    status.textContent = (n ? n + (n === 1 ? " result" : " results") + " for “" + state.q + "”"
      : "No results for “" + state.q + "”") + (r.spelling.length ? " — also spelt " + r.spelling.join(", ") : "");
    return showMore(token, filtered, r);
  }

  function updateUrl() {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FIELDS.forEach(function (p) { if (state.filters[p[0]] != null) params.set(p[0], state.filters[p[0]]); });
    var qs = params.toString();
    try {
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
    } catch (e) { /* some file:// setups refuse; the query still works */ }
  }

  function search(q) {
    var token = ++seq;
    state.q = q;
    updateUrl();
    list.setAttribute("data-state", "loading");
    list.setAttribute("data-query", q);
    if (!q.trim()) {
      list.textContent = ""; facetBox.textContent = ""; status.textContent = "";
      moreButton.hidden = true; list.setAttribute("data-state", "done");
      return Promise.resolve();
    }
    return runSearch(q).then(function (r) {
      return facetsReady().then(function () { return r; });
    }).then(function (r) {
      if (token !== seq) return;
      state.result = r;
      return show(r, token);
    }).catch(function (err) {
      if (token !== seq) return;
      status.textContent = "Search is not available: " + err.message;
      list.setAttribute("data-state", "error");
    });
  }
  api.search = function (q) { input.value = q; return search(q); };

  form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(timer); search(input.value); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 60);
  });
  moreButton.addEventListener("click", function () { showMore(seq, state.filtered, state.result); });

  /* keyboard: "/" focuses the box, arrows move through results, Enter opens (a native link) */
  function resultLinks() { return Array.prototype.slice.call(list.querySelectorAll("a.result-title")); }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault(); input.focus(); input.select(); return;
    }
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp" && ev.key !== "Escape") return;
    var links = resultLinks(), at = links.indexOf(document.activeElement);
    if (ev.key === "Escape") { if (at >= 0) { ev.preventDefault(); input.focus(); } return; }
    if (t !== input && at < 0) return;
    ev.preventDefault();
    var next = ev.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) { input.focus(); return; }
    if (next < links.length) links[next].focus();
  });
  list.addEventListener("focusin", function (ev) {
    resultLinks().forEach(function (a) { a.closest("li").classList.toggle("active", a === ev.target); });
  });

  var params = new URLSearchParams(location.search);
  FIELDS.forEach(function (p) { if (params.get(p[0])) state.filters[p[0]] = params.get(p[0]); });
  var initial = params.get("q") || "";
  input.value = initial;
  if (initial) search(initial); else list.setAttribute("data-state", "done");
  if (!initial) input.focus();
})();
