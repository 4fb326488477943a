/* search-core.js on its own: the rules a reader can check by hand (no vectors needed). */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { core } = require("./support.js");

test("Vietnamese words fold to plain letters, đ included, case folded", () => {
  assert.deepEqual(core.tokenize("Đại SỨ"), [{ e: "đại", f: "dai" }, { e: "sứ", f: "su" }]);
  assert.equal(core.fold("Đồng"), "Dong");
});

test("sentence punctuation and line ends are breaks; other punctuation is not a word", () => {
  const words = core.tokenize("tội, phạm. mạng\nAnh (UNODC)…").map((w) => w && w.f);
  assert.deepEqual(words, ["toi", "pham", null, "mang", null, "anh", "unodc", null]);
});

test("ids decode from both encodings", () => {
  assert.deepEqual(core.decodeIds("g"), []);
  assert.deepEqual(core.decodeIds("gAAA"), [0, 1, 2]);           // gaps of 0
  assert.deepEqual(core.decodeIds("gjE"), [100]);                 // 3·32 + 4
  assert.deepEqual(core.decodeIds("ghA"), [32]);                  // h = 32 + 1: digit 1, more follows; A = 0
  assert.deepEqual(core.decodeIds("bFB"), [0, 2, 6]);              // F = 5 = bits 0 and 2; B = bit 0 of the second char
});

test("impacts: the level in bits 0-4, in the title in bit 5", () => {
  assert.deepEqual(core.impact("f"), { level: 31, title: false });
  assert.deepEqual(core.impact("h"), { level: 1, title: true });
});

test("file keys: plain when [a-z0-9], else _ and the UTF-8 hex", () => {
  assert.equal(core.fileKey("ab"), "ab");
  assert.equal(core.fileKey("tộ"), "_74e1bb99");
  assert.equal(core.vocabName("toi", { chunkKey: 2 }), "v/to");
  assert.deepEqual(core.typoChunkKeys("kestrel"), ["ke", "es", "ks"]);
});

test("one edit: insert, delete, substitute, swap neighbours; two is too many", () => {
  for (const [a, b] of [["kestrelford", "kestrelfrod"], ["kestelford", "kestrelford"], ["abcd", "abxd"], ["abc", "abcd"]]) {
    assert.ok(core.withinOneEdit(a, b) && core.withinOneEdit(b, a), a + " " + b);
  }
  assert.ok(!core.withinOneEdit("abcd", "badc"));
  assert.ok(!core.withinOneEdit("abc", "abcde"));
});

test("a manifest without the ranking numbers is refused with the reason", async () => {
  const old = { docs: 1, setBits: 0, fragments: 4, vocab: "", typo: "", k1: 1.2, levels: 31 };
  const s = core.createSearcher((name) => (name === "manifest" ? old : null));
  await assert.rejects(s.search("toi"), /has no 'curve': rebuild the site/);
  const linear = Object.assign({}, old, { curve: 1 });   /* an index from before the level curve */
  await assert.rejects(core.createSearcher((name) => (name === "manifest" ? linear : null)).search("toi"),
    /has no 'chunkKey': rebuild the site/);
  await assert.rejects(core.createSearcher(() => null).search("toi"), /search index missing/);
});

test("highlighting marks whole words that match, whatever their accents", () => {
  const parts = core.highlight("Tội phạm, toilet.", new Set(["toi"]), []);
  assert.deepEqual(parts, [["Tội", true], [" phạm, toilet.", false]]);
  assert.deepEqual(core.highlight("toilet", new Set(), ["toi"]), [["toilet", true]]);
});

test("a glossary expression the query stands for is marked word by word, across punctuation", () => {
  const phrases = [["tp", "hcm"], ["ho", "chi", "minh", "city"], ["kẹt", "xe"]];
  const parts = core.highlight("Kẹt xe ở TP.HCM, not tp alone; kết xe", new Set(), [], 0, null, phrases);
  assert.deepEqual(parts.filter((p) => p[1]).map((p) => p[0]), ["Kẹt", "xe", "TP", "HCM"]);
  const s = core.snippet("a b c d e f g h i j k l m n Ho Chi Minh City", new Set(), [], 10, phrases);
  assert.deepEqual(s.parts.filter((p) => p[1]).map((p) => p[0]), ["Ho", "Chi", "Minh", "City"]);
});

test("the snippet is the window with the most distinct matches", () => {
  const text = Array.from({ length: 60 }, (_, i) => "w" + i).join(" ") + " tội phạm end";
  const s = core.snippet(text, new Set(["toi", "pham"]), [], 10);
  assert.ok(s.cutBefore && !s.cutAfter);
  assert.deepEqual(s.parts.filter((p) => p[1]).map((p) => p[0]), ["tội", "phạm"]);
});

test("facet counts ignore their own field's filter and keep a chosen value shown", () => {
  const facets = core.prepareFacets({
    fields: { lang: [["en", "bB", "English"], ["vi", "bC", "Tiếng Việt"]], source: [], tag: [] },
    years: [["2024", 0, 1], ["2025", 1, 2]],
  }, 2);
  const counts = core.facetCounts(facets, { lang: "vi" }, [0, 1]);
  assert.deepEqual(counts.map((f) => f.field), ["lang", "year"]);
  assert.deepEqual(counts[0].values.map((v) => [v.value, v.count, v.active]), [["en", 1, false], ["vi", 1, true]]);
  assert.deepEqual(counts[1].values.map((v) => [v.value, v.count]), [["2025", 1]]);
  assert.ok(core.passes(facets, { lang: "vi" }, 1, null) && !core.passes(facets, { lang: "vi" }, 0, null));
});
