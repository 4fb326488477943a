/* The search page: loads index files with <script> tags, runs queries with search-core.js
 * (window.__sbSearchCore, loaded before this script) and shows results and facets.
 * Index files (search/**.js) call window.__sbSearch.register(name, data), so search works over
 * http(s) and from file:// alike. Everything from the index is inserted as text (text nodes,
 * <mark> elements), never as HTML. Format: docs/search.md. */
(function () {
  "use strict";

  var core = window.__sbSearchCore;
  var registry = {};
  var api = window.__sbSearch = window.__sbSearch || {};
  api.register = function (name, data) { registry[name] = data; };

  var app = document.getElementById("search-app");
  if (!app) return;
  var INDEX = app.getAttribute("data-index") || "search/";
  var ROOT = app.getAttribute("data-root") || "";

  /* presentation, not ranking: results per page, words per snippet */
  var PAGE = 10, SNIPPET_WORDS = 28;
  var FIELD_LABELS = { lang: "Language", source: "Source", tag: "Tag", year: "Year" };

  /* one index file by <script> tag → its registered data, or null when it is missing */
  function loadScript(name) {
    return new Promise(function (resolve) {
      var s = document.createElement("script");
      s.src = INDEX + name + ".js";
      s.charset = "utf-8";
      s.async = true;
      s.onload = function () { s.remove(); resolve(registry.hasOwnProperty(name) ? registry[name] : null); };
      s.onerror = function () { s.remove(); resolve(null); };
      document.head.appendChild(s);
    });
  }
  var searcher = core.createSearcher(loadScript, { top: PAGE });

  var input = document.getElementById("search-input");
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  /* shown above results that have only some of the query's words (the page's language) */
  var partialNote = document.getElementById("search-partial");
  var PARTIAL_TEXT = partialNote.getAttribute("data-text");
  /* above the results that lack one of the words, after the few that have them all */
  var SOME_TEXT = partialNote.getAttribute("data-some");
  var facetBox = document.getElementById("search-facets");
  var moreButton = document.getElementById("search-more");
  var state = { q: "", filters: {}, result: null, facets: null, filtered: [], shown: 0 };
  var seq = 0, timer = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  /* [[text, marked]] → a fragment of text nodes and <mark>s */
  function fragmentOf(parts) {
    var frag = document.createDocumentFragment();
    parts.forEach(function (p) {
      frag.appendChild(p[1] ? el("mark", null, p[0]) : document.createTextNode(p[0]));
    });
    return frag;
  }

  function snippetNode(text, r) {
    var s = core.snippet(text, r.terms, r.prefixes, SNIPPET_WORDS, r.phrases), span = el("span");
    if (s.cutBefore) span.appendChild(document.createTextNode("… "));
    span.appendChild(fragmentOf(s.parts));
    if (s.cutAfter) span.appendChild(document.createTextNode(" …"));
    return span;
  }

  function renderFacets(docs) {
    facetBox.textContent = "";
    core.facetCounts(state.facets, state.filters, docs).forEach(function (field) {
      var name = field.field, group = el("section", "facet"), ul = el("ul");
      group.appendChild(el("h2", null, FIELD_LABELS[name]));
      field.values.forEach(function (v) {
        var li = el("li"), btn = el("button", "facet-value");
        btn.type = "button";
        btn.setAttribute("aria-pressed", v.active ? "true" : "false");
        btn.setAttribute("data-field", name);
        btn.setAttribute("data-value", v.value);
        btn.appendChild(el("span", "facet-label", v.label));
        btn.appendChild(el("span", "facet-count", String(v.count)));
        btn.addEventListener("click", function () {
          if (v.active) delete state.filters[name]; else state.filters[name] = v.value;
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

  function resultItem(doc, r) {
    var li = el("li", "result");
    li.setAttribute("lang", doc.l || "");
    var a = el("a", "result-title");
    a.href = ROOT + doc.u;
    a.appendChild(fragmentOf(core.highlight(doc.t, r.terms, r.prefixes, 0, null, r.phrases)));
    var h = el("h2", "entry-title");
    h.appendChild(a);
    li.appendChild(h);
    var meta = [doc.d, doc.s, doc.l && searcher.languageName(doc.l)].filter(Boolean);
    li.appendChild(el("p", "entry-meta", meta.join(" · ")));
    var p = el("p", "result-snippet");
    p.appendChild(snippetNode(doc.x || "", r));
    li.appendChild(p);
    return li;
  }

  /* the result ranked in whole: needed before showing past the documents the heads ranked, or a filtered view */
  function ranked(token) {
    var r = state.result;
    if (r.exact >= r.docs.length) return Promise.resolve(r);
    return searcher.search(state.q, true).then(function (whole) {
      if (token === seq && state.result === r) state.result = whole;
      return whole;
    });
  }
  function filteredDocs(r) {
    return state.facets ? r.docs.filter(function (d) { return core.passes(state.facets, state.filters, d, null); })
      : r.docs;
  }

  function showMore(token) {
    var from = state.shown, to = Math.min(state.filtered.length, from + PAGE);
    if (to > state.result.exact) {
      return ranked(token).then(function (whole) {
        if (token !== seq) return;
        state.filtered = filteredDocs(whole);
        return showMore(token);
      });
    }
    var r = state.result;
    return searcher.documents(state.filtered.slice(from, to)).then(function (docs) {
      if (token !== seq) return;
      docs.forEach(function (doc, i) {
        if (!doc) return;
        var at = from + i, some = !r.partial && at >= r.full;
        if (some && at === r.full) list.appendChild(el("li", "result-divider", SOME_TEXT));
        var item = resultItem(doc, r);
        if (some) item.className += " result-some";
        list.appendChild(item);
      });
      state.shown = to;
      moreButton.hidden = to >= state.filtered.length;
      list.setAttribute("data-state", "done");
    });
  }

  /* without filters the results need no facets: they are counted once the first page shows */
  function show(r, token) {
    if (Object.keys(state.filters).length && r.exact < r.docs.length) {
      return ranked(token).then(function (whole) { if (token === seq) return show(whole, token); });
    }
    var filtered = filteredDocs(r);
    list.textContent = "";
    state.shown = 0;
    state.filtered = filtered;
    if (state.facets) renderFacets(r.docs); else facetBox.textContent = "";
    var n = filtered.length;
    status.textContent = (n ? n + (n === 1 ? " result" : " results") + " for “" + state.q + "”"
      : "No results for “" + state.q + "”") + (r.spelling.length ? " — also spelt " + r.spelling.join(", ") : "");
    partialNote.hidden = !r.partial;
    partialNote.textContent = r.partial ? PARTIAL_TEXT.replace("{all}", r.partial.all.join(" "))
      .replace("{some}", r.partial.some.join(" ")) : "";
    return showMore(token);
  }

  function updateUrl() {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    core.FACET_FIELDS.forEach(function (f) { if (state.filters[f] != null) params.set(f, state.filters[f]); });
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
    var filtering = Object.keys(state.filters).length > 0;
    return Promise.all([searcher.search(q), filtering ? searcher.facets() : state.facets]).then(function (both) {
      if (token !== seq) return;
      state.result = both[0];
      state.facets = both[1];
      return show(both[0], token).then(function () {
        if (state.facets) return;
        return searcher.facets().then(function (facets) {
          state.facets = facets;
          if (token === seq) renderFacets(state.result.docs);
        });
      });
    }).catch(function (err) {
      if (token !== seq) return;
      status.textContent = "Search is not available: " + err.message;
      list.setAttribute("data-state", "error");
    });
  }

  form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(timer); search(input.value); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 60);
  });
  moreButton.addEventListener("click", function () { showMore(seq); });

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
  core.FACET_FIELDS.forEach(function (f) { if (params.get(f)) state.filters[f] = params.get(f); });
  var initial = params.get("q") || "";
  input.value = initial;
  if (initial) search(initial); else list.setAttribute("data-state", "done");
  if (!initial) input.focus();
})();
