// Parley's desk: the live what-if of the analysis page and the profile
// editor's running total. Everything else works without this script. On every change of the what-if form, the form
// is posted (with its CSRF token) to the live endpoint, which answers the
// server-rendered results; they replace the old ones. Nothing is saved.
"use strict";
(function () {
  function init() {
    var form = document.getElementById("whatif");
    var results = document.getElementById("results");
    if (!form || !results) { return; }
    var live = form.getAttribute("data-live");
    var token = form.querySelector("input[name=csrf_token]");
    var pending = null, inflight = null, seq = 0;

    function showValues() {
      var ranges = form.querySelectorAll("input[type=range]");
      for (var i = 0; i < ranges.length; i++) {
        var out = document.getElementById(ranges[i].id + "_out");
        if (out) {
          out.value = Number(ranges[i].value).toLocaleString(document.documentElement.lang || "en",
            { minimumFractionDigits: 3, maximumFractionDigits: 3 });
        }
      }
    }

    function update() {
      pending = null;
      var mine = ++seq;
      if (inflight) { inflight.abort(); }
      inflight = new AbortController();
      var body = new URLSearchParams(new FormData(form));
      results.classList.add("busy");
      results.setAttribute("aria-busy", "true");
      fetch(live, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token ? token.value : "", "Accept": "text/html" },
        signal: inflight.signal
      }).then(function (resp) {
        return resp.text().then(function (text) { return { ok: resp.ok, status: resp.status, text: text }; });
      }).then(function (r) {
        if (mine !== seq) { return; }
        if (r.status === 401) { window.location.assign("/signin?next=" + encodeURIComponent(window.location.pathname)); return; }
        var doc = new DOMParser().parseFromString(r.text, "text/html");
        results.replaceChildren.apply(results, Array.prototype.slice.call(doc.body.childNodes));
        results.classList.remove("busy");
        results.removeAttribute("aria-busy");
      }).catch(function (err) {
        if (err && err.name === "AbortError") { return; }
        results.classList.remove("busy");
        results.removeAttribute("aria-busy");
      });
    }

    function schedule() {
      showValues();
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(update, 60);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function (e) { e.preventDefault(); schedule(); });
  }
  // The profile editor: each weight's share of the total, the total and
  // each option's value follow the sliders. Without this script the page
  // shows them as saved or previewed ("Preview without saving").
  function initProfile() {
    var form = document.getElementById("profile");
    if (!form) { return; }
    var lang = document.documentElement.lang || "en";
    var total = document.getElementById("total");
    var totalLabel = total ? total.textContent.replace(/[0-9.,\s\u00a0]+$/, "") : "";
    function fmt(x, digits) {
      return Number(x).toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    function refresh() {
      var weights = form.querySelectorAll("input[data-weight]");
      var sum = 0, i;
      for (i = 0; i < weights.length; i++) { sum += Number(weights[i].value) || 0; }
      for (i = 0; i < weights.length; i++) {
        var out = document.getElementById(weights[i].id + "_out");
        if (out) {
          var share = sum > 0 ? (Number(weights[i].value) || 0) / sum : 0;
          out.value = out.textContent.replace(/^[0-9.,\s\u00a0]+/, fmt(share * 100, 0) + (lang === "en" ? "" : "\u00a0"));
        }
      }
      if (total) { total.textContent = totalLabel + fmt(sum, 2); }
      var values = form.querySelectorAll("table.values input[type=range]");
      for (i = 0; i < values.length; i++) {
        var vout = document.getElementById(values[i].id + "_out");
        if (vout) { vout.value = fmt(values[i].value, 2); }
      }
    }
    form.addEventListener("input", refresh);
  }
  function start() { init(); initProfile(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
