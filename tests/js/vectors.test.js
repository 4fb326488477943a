/* search-core.js against what the Python build computes (vectors from test_vectors.py):
 * words, folding, file keys, buckets, decoded ids. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { core, vectors, NO_VECTORS, indexLoader } = require("./support.js");

const manifest = vectors && core.readManifest(indexLoader(vectors.index)("manifest"));

function words(text) { return core.tokenize(text).map((w) => (w ? [w.e, w.f] : null)); }

/* every mismatch at once, so a failure shows what changed */
function mismatches(rows, actual) {
  return rows.filter(([input, expected]) => JSON.stringify(actual(input)) !== JSON.stringify(expected))
    .map(([input, expected]) => ({ input, python: expected, javascript: actual(input) }));
}

test("texts split into the same exact and folded words", { skip: NO_VECTORS }, () => {
  assert.deepEqual(mismatches(vectors.tokens, words).slice(0, 20), []);
});

test("every alphanumeric code point gives the same word", { skip: NO_VECTORS }, () => {
  assert.ok(vectors.chars.length > 100000);
  assert.deepEqual(mismatches(vectors.chars, words).slice(0, 20), []);
});

test("English words stem the same (plurals, -ed, -ing)", { skip: NO_VECTORS }, () => {
  assert.ok(vectors.stem.some(([w, st]) => w === "flooding" && st === "flood"));
  assert.deepEqual(mismatches(vectors.stem, core.stem), []);
});

test("words fold the same (accents, đ/Đ, case kept)", { skip: NO_VECTORS }, () => {
  assert.ok(vectors.fold.some(([w, f]) => w.includes("đ") && f.includes("d")));
  assert.deepEqual(mismatches(vectors.fold, core.fold), []);
});

test("chunk keys become the same file names", { skip: NO_VECTORS }, () => {
  assert.deepEqual(mismatches(vectors.fileKeys, core.fileKey), []);
});

test("every term of the index is looked up in the vocabulary and typo files Python put it in", { skip: NO_VECTORS }, () => {
  const bad = vectors.terms.filter(([term, vocab, typo]) =>
    core.vocabName(term, manifest) !== vocab
    || (typo && JSON.stringify(core.typoChunkKeys(term).sort()) !== JSON.stringify(typo)));
  assert.ok(vectors.terms.length > 1000);
  assert.deepEqual(bad.slice(0, 20), []);
});

test("set keys hash into the same buckets", { skip: NO_VECTORS }, () => {
  const bad = vectors.sets.filter(([key, bucket, hash]) =>
    core.fnv1a(key) !== hash || core.setName(key, vectors.setBits) !== bucket);
  assert.ok(vectors.sets.length > 1000);
  assert.deepEqual(bad.slice(0, 20), []);
});

test("encoded id sets decode to the ids Python encoded", { skip: NO_VECTORS }, () => {
  assert.deepEqual(mismatches(vectors.ids, core.decodeIds), []);
});

test("documents are found in the same fragment files", { skip: NO_VECTORS }, () => {
  assert.deepEqual(mismatches(vectors.fragments, (d) => core.fragmentName(d, manifest)), []);
});
