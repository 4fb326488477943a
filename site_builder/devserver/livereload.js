// Live reload for pages served by `site-builder serve` (served at /__livereload.js, never
// written to the output): reloads the page when a build changed it or a resource it loaded,
// and shows build errors in an overlay made with textContent only.
(function () {
  "use strict";
  if (window.__siteBuilderReload || !window.EventSource) return;
  window.__siteBuilderReload = true;
  var script = document.currentScript;
  var since = (script && script.getAttribute("data-since")) || "";
  var events = script && script.getAttribute("data-events");  // the server's event stream
  if (!events) return;
  var here = location.pathname;
  try { here = decodeURIComponent(here); } catch (e) {}
  if (here.charAt(here.length - 1) === "/") here += "index.html";
  var overlay = null;

  function shown() {
    // This page and every same-origin resource it loaded (styles, scripts, images, index shards).
    var seen = {};
    seen[here] = true;
    var entries = performance.getEntriesByType ? performance.getEntriesByType("resource") : [];
    for (var i = 0; i < entries.length; i++) {
      try {
        var url = new URL(entries[i].name);
        if (url.origin === location.origin) seen[decodeURIComponent(url.pathname)] = true;
      } catch (e) {}
    }
    return seen;
  }

  function showErrors(problems) {
    if (overlay) overlay.remove();
    overlay = document.createElement("div");
    overlay.id = "site-builder-error";
    overlay.setAttribute("role", "alert");
    Object.assign(overlay.style, {
      position: "fixed", left: "0", right: "0", top: "0", zIndex: "2147483647", maxHeight: "80vh",
      overflow: "auto", margin: "0", padding: "1em 1.25em", background: "#2b0b0b", color: "#ffe9e9",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      borderBottom: "4px solid #ff5c5c", boxShadow: "0 4px 24px rgba(0,0,0,.5)", whiteSpace: "pre-wrap"
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Hide");
    Object.assign(close.style, { float: "right", font: "inherit", fontSize: "20px", background: "none",
      border: "0", color: "inherit", cursor: "pointer" });
    close.addEventListener("click", function () { overlay.style.display = "none"; });
    overlay.appendChild(close);
    var head = document.createElement("strong");
    head.textContent = "Build failed \u2014 showing the last good build. Fix the file and save:";
    overlay.appendChild(head);
    var list = document.createElement("ul");
    Object.assign(list.style, { margin: ".5em 0 0", paddingLeft: "1.2em" });
    for (var i = 0; i < problems.length; i++) {
      var item = document.createElement("li");
      item.className = "site-builder-problem";
      item.textContent = problems[i].text;
      list.appendChild(item);
    }
    overlay.appendChild(list);
    (document.body || document.documentElement).appendChild(overlay);
  }

  var source = new EventSource(events + "?since=" + encodeURIComponent(since));
  source.addEventListener("reload", function (event) {
    var data = JSON.parse(event.data);
    if (overlay || data.all) { source.close(); location.reload(); return; }
    var seen = shown();
    for (var i = 0; i < data.paths.length; i++) {
      if (seen[data.paths[i]]) { source.close(); location.reload(); return; }
    }
  });
  source.addEventListener("builderror", function (event) {
    showErrors(JSON.parse(event.data).problems);
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
