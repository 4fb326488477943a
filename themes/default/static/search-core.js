/* Search core: query planning and scoring over an index read through search-format.js, with
 * the words of search-text.js. No DOM: it reads index files only through the `load(name)` it is
 * given, so the same code runs in the page (search-ui.js loads files with <script> tags) and in
 * Node's tests. A classic script, not a module, so file:// works: the page loads search-text.js
 * and search-format.js before it; it defines window.__sbSearchCore (the three scripts' functions
 * together), or module.exports under Node. Every number it ranks with comes from manifest.js.
 * Format: docs/search.md. Build side: site_builder/search/. */
(function (root, factory) {
  "use strict";
  var node = typeof module === "object" && module && module.exports;
  var made = node ? factory(require("./search-text.js"), require("./search-format.js")) : factory(root.__sbSearchText, root.__sbSearchFormat);
  if (node) module.exports = made;
  else root.__sbSearchCore = made;
}(typeof self !== "undefined" ? self : this, function (T, F) {
  "use strict";
  var ALPHABET = F.ALPHABET, decodeIds = F.decodeIds, unpackText = F.unpackText, impact = F.impact,
    vocabName = F.vocabName, typoChunkKeys = F.typoChunkKeys, setName = F.setName, fragmentName = F.fragmentName,
    readManifest = F.readManifest, prepareFacets = F.prepareFacets;
  var VI_LETTERS_RE = T.VI_LETTERS_RE, stem = T.stem, tokenize = T.tokenize, chars = T.chars,
    withinOneEdit = T.withinOneEdit;

  /* ------------------------------------------------------------- querying */

  /* sorted id lists → their sorted union */
  function union(lists) {
    var seen = new Set();
    lists.forEach(function (ids) { ids.forEach(function (d) { seen.add(d); }); });
    return Array.from(seen).sort(function (a, b) { return a - b; });
  }

  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }

  /* which of a plan's words a document must have (g.required): a word in more than
   * common_share of the documents ("vietnam" in a Vietnamese archive) says little about which
   * document is meant, so it adds its score but is not required — unless every word is that
   * common. → how many words are required */
  function markRequired(p, settings) {
    var most = settings.rank.common_share * settings.docs;
    var common = function (g) { return g.alts.length && g.alts.every(function (a) { return a.entry.df > most; }); };
    var all = p.groups.every(common);
    p.groups.forEach(function (g) { g.required = all || !common(g); });
    return p.groups.filter(function (g) { return g.required; }).length;
  }

  /* a loaded plan → {docs: matching doc ids best first, masks: per doc the groups it matched}.
   * Every required word must match (within a word the best alternative counts), or with
   * `relaxed` the most words any document has, or with `atLeast` that many of all the words
   * (more words first); phrases add a bonus; a document in the query's language (p.prefer) is
   * boosted; ties go to the newer document (higher id) */
  function score(p, pairSets, settings, relaxed, atLeast) {
    var n = settings.docs, rank = settings.rank, levelWeight = settings.levelWeight, titleLevel = settings.titleLevelWeight;
    var total = new Float64Array(n), hits = new Uint8Array(n), best = new Float64Array(n);
    var needed = new Uint8Array(n), required = markRequired(p, settings);
    var masks = new Int32Array(n), exactMark = new Uint8Array(n), need = p.groups.length;
    p.groups.forEach(function (g, gi) {
      var touched = [];
      if (Array.isArray(g.exact)) { exactMark.fill(0); g.exact.forEach(function (d) { exactMark[d] = 1; }); }
      /* a Vietnamese document that has the word only with other accents has another word ("báo"
       * is not "bão"): the word's own term does not match it there — unless no document has the
       * spelling typed (the accents are taken as a slip then) */
      var otherWord = p.vietnamese && Array.isArray(g.exact) && g.exact.length ? p.vietnamese : null;
      /* a longer word that completes a whole word the reader typed, or a concept it stands for,
       * is no better a match than it */
      var cap = Infinity;
      g.alts.forEach(function (alt) { if (alt.kind === "exact" && alt.entry) cap = idf(n, alt.entry.df); });
      g.alts.forEach(function (alt) {
        if (!alt.post) return;
        var ids = decodeIds(alt.post[0]), imp = alt.post[1];
        var top = alt.capDf != null ? idf(n, alt.capDf) : cap;
        var w = alt.weight * (alt.kind === "prefix" || alt.capped ? Math.min(idf(n, ids.length), top) : idf(n, ids.length));
        for (var k = 0; k < ids.length; k++) {
          var d = ids[k], v = impact(imp.charAt(k));
          var s = w * (v.title ? titleLevel[v.level] + rank.title_bonus : levelWeight[v.level]);
          if (alt.kind === "exact" && (g.exact === "all" || (g.exact && exactMark[d]))) s *= rank.accent_boost;
          else if (alt.kind === "exact" && otherWord && otherWord[d]) continue;
          if (best[d] === 0) touched.push(d);
          if (s > best[d]) best[d] = s;
        }
      });
      var req = g.required ? 1 : 0;
      touched.forEach(function (d) {
        total[d] += best[d]; hits[d]++; needed[d] += req; masks[d] |= gi < 30 ? 1 << gi : 0; best[d] = 0;
      });
    });
    var result = [];
    if (!need) return { docs: result, masks: masks };
    if (relaxed) { need = 0; for (var h = 0; h < n; h++) if (hits[h] > need) need = hits[h]; }
    if (!need) return { docs: result, masks: masks };
    var got = hits;
    if (atLeast) need = Math.max(1, atLeast);
    else if (!relaxed) { need = required; got = needed; }
    for (var d = 0; d < n; d++) if (got[d] >= need) result.push(d);
    pairSets.forEach(function (set) {
      var bonus = set.weight * rank.phrase_bonus * Math.max(idf(n, set.df), rank.phrase_min_idf);
      set.ids.forEach(function (d) { if (got[d] >= need) total[d] += bonus; });
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

    /* query → {groups: [{word, prefix, alts: [{entry, weight, kind}]}], pairs, spelt} | null */
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
        var lang = { spelt: false };
        return Promise.all([joinedPairs(groups), conceptAlts(words, groups, lang)]).then(function (r) {
          /* a joined name or a glossary expression spanning a pair is that pair's phrase too */
          r[0].concat(r[1]).forEach(function (span) {
            for (var k = 0; k + 1 < span.words.length; k++) {
              var key = span.words[k] + " " + span.words[k + 1];
              if (key in pairs) pairs[key].push(span.alt);
            }
          });
          return { groups: groups, pairs: pairs, spelt: lang.spelt };
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
     * gives every document using any expression of it), shared by the span's words; lang.spelt:
     * a span spells without accents an expression that is only ever written with them */
    function conceptAlts(words, groups, lang) {
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
          /* every spelling of this expression has accents and none was typed ("ket xe"): Vietnamese */
          if (entry.length > 1 && words.slice(i, i + len).every(function (w) { return w.e === w.f; })) lang.spelt = true;
          jobs.push(conceptJob(entry[0], owners, len, words.slice(i, i + len), conceptWeight(chunks[i], entry[0])));
          i += len;
        }
        return Promise.all(jobs.concat(groups.map(typoConcepts))).then(function (spans) {
          return spans.filter(function (x) { return x && !Array.isArray(x); });
        });
      });
    }
    /* a glossary concept counts concept_weight of the words it stands for, or all of them when it
     * is a name (the names of one place, `n` of the chunk: "TP.HCM" is Saigon, not like it) */
    function conceptWeight(chunk, concept) {
      return chunk && chunk.n && chunk.n.indexOf(concept) >= 0 ? 1 : settings.rank.concept_weight;
    }
    /* a concept term's entry, with `spelled`: its expressions' exact words (its chunk's `e`), so
     * that a result can mark "TP.HCM" for "saigon" */
    function conceptEntry(concept) {
      return lookup(concept).then(function (entry) {
        if (!entry) return null;
        return loadVocab(concept).then(function (chunk) {
          entry.spelled = (chunk && chunk.e && chunk.e[concept]) || [];
          return entry;
        });
      });
    }
    /* a word taken as a one-edit spelling ("typhon" → typhoon) also finds the concept its
     * spelling is an expression of (typhoon → bão), at typo_weight · concept_weight */
    function typoConcepts(g) {
      var typos = g.alts.filter(function (a) { return a.kind === "typo"; });
      return Promise.all(typos.map(function (t) {
        return loadVocab(t.entry.term).then(function (chunk) {
          var e = chunk && chunk.c && chunk.c[t.entry.term];
          return e ? conceptEntry(e[0]).then(function (entry) {
            return entry && { entry: entry, weight: conceptWeight(chunk, e[0]) };
          }) : null;
        }).then(function (found) {
          if (!found || g.alts.some(function (a) { return a.entry.term === found.entry.term; })) return;
          g.alts.push({ entry: found.entry, weight: settings.rank.typo_weight * found.weight, kind: "concept",
            capped: true, capDf: t.entry.df });
        });
      }));
    }
    /* → {words: the run's folded words, alt}, or null when the index has no such concept */
    function conceptJob(concept, owners, len, run, weight) {
      return conceptEntry(concept).then(function (entry) {
        if (!entry) return null;
        var alt = { entry: entry, weight: weight / len, kind: "concept", capped: len === 1, phrase: weight };
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
     * the index has it, counts for both words as a folded match, half each, and as their phrase.
     * For each word it is worth at most that word's own idf: any two capitalised syllables side
     * by side are joined ("Bão Noru" → baonoru), and such a rare term must not outweigh the
     * words themselves */
    function joinedPairs(groups) {
      var jobs = [];
      var half = function (entry, g) {
        var own = g.alts.filter(function (x) { return x.kind === "exact"; })[0];
        return own ? { entry: entry, weight: 0.5, kind: "joined", capped: true, capDf: own.entry.df }
          : { entry: entry, weight: 0.5, kind: "joined" };
      };
      for (var i = 0; i + 1 < groups.length; i++) {
        (function (a, b) {
          if (!/^[a-z]+$/.test(a.word.f + b.word.f)) return;
          jobs.push(lookup(a.word.f + b.word.f).then(function (entry) {
            if (!entry) return null;
            var alt = half(entry, a);
            a.alts.push(alt); b.alts.push(half(entry, b));
            return { words: [a.word.f, b.word.f], alt: alt };
          }));
        }(groups[i], groups[i + 1]));
      }
      return Promise.all(jobs).then(function (alts) { return alts.filter(Boolean); });
    }

    /* load what a plan needs: postings, exact-form sets, pair sets, the Vietnamese documents */
    function fetchPlan(p) {
      var jobs = [], pairSets = [], vi = null;
      /* the language rule needs to know which documents are Vietnamese: vi.js, an id set (a
       * bitmap of N/6 bytes at most), when the archive has them and others */
      var langs = Object.keys(settings.languages || {});
      if (langs.indexOf("vi") >= 0 && langs.length > 1) jobs.push(get("vi").then(function (ids) { vi = ids; }));
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
          var sets = [pairIds[key] || []], concepts = [], weight = settings.rank.concept_weight;
          p.pairs[key].forEach(function (alt) {
            if (alt.post) (alt.kind === "concept" ? concepts : sets).push(decodeIds(alt.post[0]));
            if (alt.kind === "concept") weight = alt.phrase;
          });
          var ids = sets.length > 1 ? union(sets) : sets[0];
          var all = concepts.length ? union(concepts.concat([ids])) : ids;
          if (ids.length) pairSets.push({ ids: ids, df: all.length, weight: 1 });
          if (all.length > ids.length) {     /* an expression of the same concept: worth its weight */
            var have = new Set(ids);
            pairSets.push({ ids: all.filter(function (d) { return !have.has(d); }), df: all.length, weight: weight });
          }
        });
        queryLanguage(p, vi);
        return pairSets;
      });
    }

    /* A query with a letter only Vietnamese uses ("Sài Gòn", "bão"), or that spells without
     * accents a Vietnamese expression of the glossary ("ket xe" for "kẹt xe"), is Vietnamese;
     * any other is not (the reader typed English, or a name as English writes it: "nguyen phu
     * trong", "danang"). Documents in the query's language rank ×language_boost, since the
     * glossary and joined names bring in the other language too: p.prefer, per document 1 or 0,
     * and p.vietnamese, 1 for a Vietnamese document (null both when the archive is in one language) */
    function queryLanguage(p, vi) {
      p.prefer = p.vietnamese = null;
      if (typeof vi !== "string") return;
      var mark = new Uint8Array(settings.docs), want = p.spelt || p.groups.some(function (g) { return VI_LETTERS_RE.test(g.word.e); });
      decodeIds(vi).forEach(function (d) { mark[d] = 1; });
      p.vietnamese = mark;
      p.prefer = want ? mark : mark.map(function (x) { return 1 - x; });
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
        var terms = new Set(), spelling = [], phrases = [];
        r.groups.forEach(function (g) {
          g.alts.forEach(function (a) {
            terms.add(a.entry.term);
            if (a.kind === "typo") spelling.push(a.entry.term);
            (a.entry.spelled || []).forEach(function (e) { if (phrases.indexOf(e) < 0) phrases.push(e); });
          });
          if (g.prefix) terms.add(g.word.f);
        });
        return { docs: r.docs, terms: terms, spelling: spelling, partial: r.partial || null,
          phrases: phrases.map(function (e) { return e.split(" "); }),
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

  var out = { createSearcher: createSearcher };
  [T, F].forEach(function (part) { Object.keys(part).forEach(function (k) { out[k] = part[k]; }); });
  return out;
}));
