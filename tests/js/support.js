/* Shared by the tests: search-core.js, the vectors the Python side wrote (SB_SEARCH_VECTORS,
 * see test_vectors.py) and a loader that reads a built index the way the page does.
 * SB_SEARCH_SCRIPTS names another folder of the scripts: a built site's static/, whose copies
 * the build wrote without comments and indentation, must pass the same tests. */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const SCRIPTS = process.env.SB_SEARCH_SCRIPTS || path.join(__dirname, "..", "..", "themes", "default", "static");
const core = require(path.resolve(SCRIPTS, "search-core.js"));

const VECTORS_FILE = process.env.SB_SEARCH_VECTORS;
const vectors = VECTORS_FILE ? JSON.parse(fs.readFileSync(VECTORS_FILE, "utf8")) : null;
const NO_VECTORS = vectors ? false
  : "no vectors: SB_SEARCH_VECTORS is not set (python -m pytest tests/js writes them and runs these tests)";

/* name → the data an index file registers, or null when the file does not exist. The files are
 * <script> payloads (window.__sbSearch.register(name, data)), so they run in a vm context. */
function indexLoader(dir) {
  let current = null;
  const context = vm.createContext({
    window: { __sbSearch: { register(name, data) { current = { name, data }; } } },
  });
  return function load(name) {
    const file = path.join(dir, name + ".js");
    if (!fs.existsSync(file)) return null;
    current = null;
    vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
    if (!current || current.name !== name) throw new Error(file + " does not register " + name);
    return current.data;
  };
}

module.exports = { core, vectors, NO_VECTORS, indexLoader };
