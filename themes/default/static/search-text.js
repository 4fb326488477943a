/* Search text: the words of a text as the index has them (case folding, accent folding,
 * English stems, sentence breaks), one-edit distance, and the marked words and snippet of a
 * result. Python has the same rules (site_builder/search/tokens.py, stem.py, text/slug.py) and
 * tests/js/ checks both give the same words. A classic script for search-core.js: it defines
 * window.__sbSearchText, or module.exports under Node. Format: docs/search.md. */
(function (root, factory) {
  "use strict";
  var node = typeof module === "object" && module && module.exports;
  var made = node ? factory() : factory();
  if (node) module.exports = made;
  else root.__sbSearchText = made;
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";
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

  /* ------------------------------------------------------------- highlighting */

  function isMatch(f, terms, prefixes) {
    if (terms.has(f)) return true;
    for (var i = 0; i < prefixes.length; i++) if (f.startsWith(prefixes[i])) return true;
    return false;
  }

  /* the words of a text and which match: {starts, ends, hit: folded word or phrase | null}.
   * phrases: the exact words of glossary expressions the query stands for ("tp hcm" when it
   * said "saigon"), matched across punctuation as the build does ("TP.HCM") */
  function wordHits(text, terms, prefixes, phrases) {
    var re = /[\p{L}\p{N}]+/gu, m, starts = [], ends = [], hit = [], forms = [];
    while ((m = re.exec(text)) !== null) {
      starts.push(m.index); ends.push(m.index + m[0].length);
      var w = word(m[0]);
      forms.push(w ? w.e : "");
      hit.push(w && isMatch(w.f, terms, prefixes) ? w.f : null);
    }
    (phrases || []).forEach(function (words) {
      for (var i = 0; i + words.length <= forms.length; i++) {
        var k = 0;
        while (k < words.length && forms[i + k] === words[k]) k++;
        if (k < words.length) continue;
        for (k = 0; k < words.length; k++) hit[i + k] = hit[i + k] || words.join(" ");
      }
    });
    return { starts: starts, ends: ends, hit: hit };
  }

  /* text[from:to] → [[text, marked]]: words matching the query marked */
  function highlight(text, terms, prefixes, from, to, phrases) {
    from = from || 0; to = to == null ? text.length : to;
    var h = wordHits(text, terms, prefixes, phrases), parts = [], last = from;
    for (var i = 0; i < h.starts.length && h.starts[i] < to; i++) {
      if (h.starts[i] < from || !h.hit[i]) continue;
      if (h.starts[i] > last) parts.push([text.slice(last, h.starts[i]), false]);
      parts.push([text.slice(h.starts[i], h.ends[i]), true]);
      last = h.ends[i];
    }
    if (last < to) parts.push([text.slice(last, to), false]);
    return parts;
  }

  /* the window of `size` words with the most distinct matches →
   * {cutBefore, parts: [[text, marked]], cutAfter} */
  function snippet(text, terms, prefixes, size, phrases) {
    var h = wordHits(text, terms, prefixes, phrases), starts = h.starts, ends = h.ends, hit = h.hit;
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
      parts: highlight(text, terms, prefixes, first ? starts[first] : 0, isEnd ? text.length : ends[lastWord], phrases),
      cutAfter: !isEnd };
  }

  return {
    VI_LETTERS: VI_LETTERS, VI_LETTERS_RE: VI_LETTERS_RE, casefold: casefold, fold: fold, stem: stem,
    word: word, tokenize: tokenize, folded: folded, chars: chars, prefix: prefix,
    withinOneEdit: withinOneEdit, highlight: highlight, snippet: snippet
  };
}));
