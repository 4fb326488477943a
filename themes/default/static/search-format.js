/* Search format: the index's encodings (id sets, impacts, packed text), its file names, the
 * manifest a query needs and the facet counts. The build side writes the same
 * (site_builder/search/codec.py, layout.py, files.py). A classic script for search-core.js: it
 * defines window.__sbSearchFormat, or module.exports under Node. Format: docs/search.md. */
(function (root, factory) {
  "use strict";
  var node = typeof module === "object" && module && module.exports;
  var made = node ? factory(require("./search-text.js")) : factory(root.__sbSearchText);
  if (node) module.exports = made;
  else root.__sbSearchFormat = made;
}(typeof self !== "undefined" ? self : this, function (T) {
  "use strict";
  var chars = T.chars, prefix = T.prefix;

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


  /* ------------------------------------------------------------- manifest */

  var MANIFEST_KEYS = ["docs", "setBits", "fragments", "vocab", "typo", "k1", "levels", "curve", "chunkKey", "query",
    "languages", "titleFloor"];
  var RANKING_KEYS = ["title_bonus", "accent_boost", "phrase_bonus", "phrase_min_idf", "completion_weight",
    "completions", "prefix_min_length", "typo_weight", "typos", "typo_min_length", "fill_below", "concept_weight",
    "language_boost", "common_share"];

  /* impact level → its BM25 part: levels are spaced on 1 − (1 − x)^curve of the share x of
   * k1 + 1, a title match's from `floor` up (search/scoring.py impact_char) */
  function levelWeights(k1, levels, curve, floor) {
    var out = new Float64Array(levels + 1);
    for (var l = 1; l <= levels; l++) out[l] = (floor + (1 - floor) * (1 - Math.pow(1 - l / levels, 1 / curve))) * (k1 + 1);
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
      levelWeight: levelWeights(m.k1, m.levels, m.curve, 0),
      titleLevelWeight: levelWeights(m.k1, m.levels, m.curve, m.titleFloor),
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

  return {
    ALPHABET: ALPHABET, FACET_FIELDS: FACET_FIELDS, decodeIds: decodeIds, unpackText: unpackText,
    impact: impact, fnv1a: fnv1a, fileKey: fileKey, vocabName: vocabName, typoChunkKeys: typoChunkKeys,
    setName: setName, fragmentName: fragmentName, readManifest: readManifest,
    prepareFacets: prepareFacets, passes: passes, facetCounts: facetCounts
  };
}));
