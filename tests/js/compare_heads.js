/* node compare_heads.js WHOLE_DIR SPLIT_DIR QUERIES_JSON → JSON {ranked_from_heads, differ: [...]}.
 * WHOLE_DIR holds an index without split postings, SPLIT_DIR the same documents with small heads
 * (test_search_heads.py): every query must give the same first page, counts and spellings, and
 * the same full order once ranked in whole. */
"use strict";
const fs = require("node:fs");
const { core, indexLoader } = require("./support.js");

async function main() {
  const [wholeDir, splitDir, queriesFile] = process.argv.slice(2);
  const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));
  const whole = core.createSearcher(indexLoader(wholeDir));
  const split = core.createSearcher(indexLoader(splitDir));
  const full = core.createSearcher(indexLoader(splitDir));
  const differ = [];
  let fromHeads = 0;
  for (const q of queries) {
    const a = await whole.search(q), b = await split.search(q), c = await full.search(q, true);
    if (b.exact < b.docs.length) fromHeads++;
    const page = (r) => JSON.stringify([r.docs.slice(0, 10), r.docs.length, r.full, r.spelling, r.partial]);
    if (page(a) !== page(b) || JSON.stringify(a.docs) !== JSON.stringify(c.docs) || c.exact !== c.docs.length
        || JSON.stringify(a.docs.slice(0, b.exact)) !== JSON.stringify(b.docs.slice(0, b.exact))) {
      differ.push({ q, whole: a.docs.slice(0, 10), split: b.docs.slice(0, 10), exact: b.exact });
    }
  }
  process.stdout.write(JSON.stringify({ ranked_from_heads: fromHeads, differ }));
}
main();
