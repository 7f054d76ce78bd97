// Parley's desk: the live what-if of the analysis page. Everything else
// works without this script. On every change of the what-if form, the form
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
        if (out) { out.value = Number(ranges[i].value).toFixed(3); }
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
