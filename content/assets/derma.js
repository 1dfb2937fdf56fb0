/* Derma Evidence: accessibility fix for Material's search dialog, and the filters of the all-claims table.
   The table works without JavaScript; this only adds the filter form (hidden until this script runs).
   The filters live in the address (?topic=...&verdict=...&certainty=...): a filtered view can be bookmarked,
   shared and restored with Back; "Reset filters" clears them. */
(function () {
  "use strict";

  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  function setupFilters() {
    var form = document.querySelector("[data-derma-filters]");
    var table = document.getElementById("claims-table");
    if (!form || !table || form.dataset.dermaReady) return;
    form.dataset.dermaReady = "1";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var count = form.querySelector(".derma-count");

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
    }

    selects.forEach(function (s) { s.addEventListener("change", function () { toUrl(); apply(); }); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { selects.forEach(function (s) { s.value = ""; }); toUrl(); apply(); }, 0);
    });
    window.addEventListener("popstate", function () { fromUrl(); apply(); });
    form.hidden = false;
    fromUrl();
    apply();
  }

  function init() { nameSearchDialog(); setupFilters(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
