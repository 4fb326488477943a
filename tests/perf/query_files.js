/* Which index files a query loads, with their sizes: node tests/perf/query_files.js OUTPUT_DIR QUERY…
 * Runs search-core.js in Node on a built site's search/ files the way the page does (search,
 * facets, the first 10 documents) and prints one line per file. search_bench.py measures the
 * same in Chromium; this is the quick look while changing the format. */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const core = require("../../themes/default/static/search-core.js");

async function main() {
  const [out, ...queries] = process.argv.slice(2);
  const dir = path.join(out, "search");
  let current = null;
  const context = vm.createContext({ window: { __sbSearch: { register(name, data) { current = { name, data }; } } } });
  const loaded = [];
  const s = core.createSearcher(function load(name) {
    const file = path.join(dir, name + ".js");
    if (!fs.existsSync(file)) { loaded.push([name, 0]); return null; }
    const text = fs.readFileSync(file, "utf8");
    loaded.push([name, Buffer.byteLength(text)]);
    current = null;
    vm.runInContext(text, context);
    return current.data;
  });
  for (const q of queries) {
    loaded.length = 0;
    const [r] = await Promise.all([s.search(q), s.facets()]);
    await s.documents(r.docs.slice(0, 10));
    const kinds = {};
    let total = 0;
    loaded.forEach(([name, size]) => {
      const kind = name.includes("/") ? name.split("/")[0] + "/" : name;
      kinds[kind] = (kinds[kind] || 0) + size; total += size;
    });
    console.log(`${JSON.stringify(q)}: ${r.docs.length} results, ${loaded.length} files, ${total} bytes;`,
      Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join(", "));
    if (process.env.VERBOSE) loaded.forEach(([name, size]) => console.log(`  ${name} ${size}`));
  }
}
main();
