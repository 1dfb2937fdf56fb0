/* Derma Evidence: accessibility fix for Material's search dialog, a pointer to the Answers page when a search
   finds nothing, and the filters of the all-claims table. Loaded with `defer`.
   The table works without JavaScript; the filter form is laid out from the first paint (no layout shift) and
   hidden only when scripts are off (the `no-js` class on <html>, derma.css). The filters live in the address
   (?topic=...&verdict=...&certainty=...): a filtered view can be bookmarked, shared and restored with Back;
   "Reset filters" clears them. */
(function () {
  "use strict";

  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  /* When a search finds nothing, say where the questions are answered (Material's own line says only
     "No matching documents"). The note sits after the meta line, so Material's updates never overwrite it. */
  function setupEmptySearch() {
    var meta = document.querySelector(".md-search-result__meta");
    var list = document.querySelector(".md-search-result__list");
    var input = document.querySelector("input.md-search__input");
    if (!meta || !list || !input || meta.dataset.dermaReady) return;
    meta.dataset.dermaReady = "1";
    var root = typeof __md_scope !== "undefined" ? __md_scope : new URL(".", document.baseURI);
    var note = document.createElement("p");
    note.className = "derma-search-empty";
    note.hidden = true;
    note.appendChild(document.createTextNode("Nothing matches these words. Readers' questions are answered on the "));
    var link = document.createElement("a");
    link.href = new URL("answers/", root).href;
    link.textContent = "Answers page";
    note.appendChild(link);
    note.appendChild(document.createTextNode("; or try fewer or other words (for example \u201cdepth\u201d, \u201csafe\u201d)."));
    meta.parentNode.insertBefore(note, meta.nextSibling);
    function update() {
      var empty = input.value.trim() !== "" && !list.querySelector("li") && !/Initializing/i.test(meta.textContent);
      note.hidden = !empty;
    }
    new MutationObserver(update).observe(meta, { childList: true, characterData: true, subtree: true });
    new MutationObserver(update).observe(list, { childList: true });
    input.addEventListener("input", update);
  }

  function setupFilters() {
    var form = document.querySelector("[data-derma-filters]");
    var table = document.getElementById("claims-table");
    if (!form || !table || form.dataset.dermaReady) return;
    form.dataset.dermaReady = "1";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var count = form.querySelector(".derma-count");
    var none = document.querySelector(".derma-none");

    function fromUrl() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        var v = params.get(s.name) || "";
        var known = Array.prototype.some.call(s.options, function (o) { return o.value === v; });
        s.value = known ? v : "";
      });
    }

    function toUrl() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); else params.delete(s.name); });
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.pushState(null, "", url);
      }
    }

    function apply() {
      var wanted = {};
      selects.forEach(function (s) { if (s.value) wanted[s.name] = s.value; });
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Object.keys(wanted).every(function (k) { return row.dataset[k] === wanted[k]; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " claims shown";
      if (none) none.hidden = shown !== 0;
      table.hidden = shown === 0;  // no bare header row: the message above says why nothing shows
    }

    selects.forEach(function (s) { s.addEventListener("change", function () { toUrl(); apply(); }); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { selects.forEach(function (s) { s.value = ""; }); toUrl(); apply(); }, 0);
    });
    window.addEventListener("popstate", function () { fromUrl(); apply(); });
    fromUrl();
    apply();
  }

  function init() { nameSearchDialog(); setupEmptySearch(); setupFilters(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
