/* search-core.js on an index the Python build wrote (test_vectors.py), loaded from its script
 * files in Node: the same results as the search page shows in Chromium, and the ranking rules. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { core, vectors, NO_VECTORS, indexLoader } = require("./support.js");

function searcher() { return core.createSearcher(indexLoader(vectors.index)); }

/* query → {hrefs: urls of the first 10, count, spelling} as the page would show them */
async function top10(s, q) {
  const r = await s.search(q);
  const docs = await s.documents(r.docs.slice(0, 10));
  const hrefs = docs.map((d) => d.u);
  return { hrefs, count: r.docs.length, spelling: r.spelling, full: hrefs.slice(0, r.full) };
}

/* the page's status line → {count, spelling} */
function parseStatus(status) {
  const m = /^(?:(\d+) results?|No results) for “.*”(?: — also spelt (.*))?$/s.exec(status);
  assert.ok(m, "unexpected status: " + status);
  return { count: m[1] ? Number(m[1]) : 0, spelling: m[2] ? m[2].split(", ") : [] };
}

test("the top 10 of every query equal what the search page shows in Chromium", {
  skip: NO_VECTORS || (vectors.browser === null && "no browser results: " + vectors.browserSkip),
}, async () => {
  const s = searcher(), differ = [];
  for (const shown of vectors.browser) {
    const { full, ...got } = await top10(s, shown.q), want = { hrefs: shown.hrefs, ...parseStatus(shown.status) };
    if (JSON.stringify(got) !== JSON.stringify(want)) differ.push({ q: shown.q, browser: want, node: got });
  }
  assert.equal(vectors.browser.length, vectors.queries.length);
  assert.deepEqual(differ, []);
});

test("accents typed rank that spelling first", { skip: NO_VECTORS }, async () => {
  const s = searcher();
  assert.deepEqual((await top10(s, "quellmoor tội")).full, ["articles/crime.html", "articles/evening.html"]);
  assert.deepEqual((await top10(s, "quellmoor tối")).full, ["articles/evening.html", "articles/crime.html"]);
});

test("a phrase beats the same words apart; a sentence break is no phrase", { skip: NO_VECTORS }, async () => {
  const s = searcher();
  assert.deepEqual((await top10(s, "vexhollow toi pham")).full, ["articles/phrase.html", "articles/scattered.html"]);
  // without the pair bonus the newer (scattered) one wins the tie-like scores
  assert.equal((await top10(s, "vexhollow toi. pham")).hrefs[0], "articles/scattered.html");
});

test("text written in NFD is found by NFC and NFD queries alike", { skip: NO_VECTORS }, async () => {
  const s = searcher();
  const nfc = await top10(s, "hà nội decomposed"), nfd = await top10(s, "ha\u0300 no\u0323\u0302i decomposed");
  assert.deepEqual(nfc.full, ["articles/nfd.html"]);
  assert.deepEqual(nfd, nfc);
});

test("spellings fold like Python's casefold: ß, ligatures, micro sign", { skip: NO_VECTORS }, async () => {
  const s = searcher();
  for (const q of ["strasse", "STRAßE", "final flow", "ﬁnal ﬂow", "μm", "µm"]) {
    assert.deepEqual((await top10(s, q)).full, ["articles/spellings.html"], q);
  }
});

test("a misspelt word finds the term one edit away and says so", { skip: NO_VECTORS }, async () => {
  const r = await top10(searcher(), "kestrelfrod");
  assert.deepEqual(r.full, ["articles/uk-envoy.html"]);
  assert.deepEqual(r.spelling, ["kestrelford"]);
});

test("the manifest the build wrote holds every number the core ranks with", { skip: NO_VECTORS }, () => {
  const m = indexLoader(vectors.index)("manifest");
  const settings = core.readManifest(m);
  assert.equal(settings.docs, m.docs);
  assert.ok(settings.rank.accent_boost > 1 && settings.k1 > 0 && settings.chunkKey >= 1);
});

test("a name written joined in one language and by syllable in the other meets", { skip: NO_VECTORS }, async () => {
  const s = searcher();
  // the Vietnamese article writes "Hà Nội", "Đà Nẵng"; the English one "Hanoi", "Vietnam"
  assert.deepEqual((await top10(s, "hanoi decomposed")).full, ["articles/nfd.html"]);
  assert.deepEqual((await top10(s, "danang decomposed")).full, ["articles/nfd.html"]);
  assert.deepEqual((await top10(s, "zephyrine ha noi")).full, ["articles/joined.html"]);
  assert.deepEqual((await top10(s, "zephyrine viet nam")).full, ["articles/joined.html"]);
  // lower-case words that happen to sit side by side are not a name
  assert.deepEqual((await top10(s, "zephyrinedelegation")).full, []);
});

test("a name only in a photo caption is found", { skip: NO_VECTORS }, async () => {
  assert.deepEqual((await top10(searcher(), "quorvath lindqvist")).full, ["articles/captioned.html"]);
});

test("when no article has every word, those with the words that match, said so", { skip: NO_VECTORS }, async () => {
  const s = searcher();
  const r = await s.search("Zephyrine nothingmatcheszz");
  const docs = await s.documents(r.docs.slice(0, 10));
  assert.deepEqual(docs.map((d) => d.u), ["articles/joined.html"]);
  assert.deepEqual(r.partial, { all: ["zephyrine", "nothingmatcheszz"], some: ["zephyrine"] });
  assert.equal((await s.search("zephyrine delegation")).partial, null);
});

test("fewer than a page with every word: those lacking one word follow, after them", { skip: NO_VECTORS }, async () => {
  const r = await top10(searcher(), "vexhollow toi pham");
  assert.deepEqual(r.full, ["articles/phrase.html", "articles/scattered.html"]);
  assert.equal(r.hrefs.length, 10);
  assert.deepEqual(r.hrefs.slice(0, 2), r.full);
});

test("a glossary concept meets its other spellings and languages; word forms meet", { skip: NO_VECTORS }, async () => {
  const s = searcher();
  // tide-vi writes "TP.HCM" and "sơ tán", tide-en "Saigon", "evacuated" and "floods"
  const both = ["articles/tide-en.html", "articles/tide-vi.html"];
  assert.deepEqual((await top10(s, "quillbrook saigon")).full.sort(), both);
  assert.deepEqual((await top10(s, "quillbrook hcmc")).full.sort(), both);
  assert.deepEqual((await top10(s, "quillbrook evacuation")).full.sort(), both);
  assert.deepEqual((await top10(s, "quillbrook flooding")).full, ["articles/tide-en.html"]);
  // a word still being typed reaches the stem its ending is on the way to
  assert.deepEqual((await top10(s, "quillbrook floodin")).full, ["articles/tide-en.html"]);
  assert.deepEqual((await top10(s, "quillbrook triều cường")).full[0], "articles/tide-vi.html");
});

test("a Vietnamese query ranks Vietnamese articles first", { skip: NO_VECTORS }, async () => {
  assert.deepEqual((await top10(searcher(), "quillbrook triều cường")).full, ["articles/tide-vi.html", "articles/tide-en.html"]);
});

test("before its results a query reads which articles are Vietnamese (vi.js), never facets.js", { skip: NO_VECTORS }, async () => {
  const asked = (q) => {
    const names = [], load = indexLoader(vectors.index);
    return core.createSearcher((name) => { names.push(name); return load(name); }).search(q).then(() => names);
  };
  for (const q of ["quillbrook saigon", "quillbrook triều cường"]) {
    const names = await asked(q);
    assert.ok(names.includes("vi") && !names.includes("facets"), q);
  }
});

test("a query that is not Vietnamese ranks the other articles first", { skip: NO_VECTORS }, async () => {
  // the two briefings score alike and the Vietnamese one is newer
  assert.deepEqual((await top10(searcher(), "varnholt")).full, ["articles/brief-en.html", "articles/brief-vi.html"]);
  assert.deepEqual((await top10(searcher(), "varnholt họp")).full, ["articles/brief-vi.html"]);
  // a Vietnamese expression typed without its accents makes the query Vietnamese: tide-vi writes
  // "sơ tán", tide-en "evacuated"
  assert.deepEqual((await top10(searcher(), "quillbrook so tan")).full, ["articles/tide-vi.html", "articles/tide-en.html"]);
});
