// Parley's desk: the live what-if of the analysis page, the profile
// editor's running total, and the watch over the audit ledger. Everything
// else works without this script.
//
// The what-if: on every change of the what-if form, the form is posted
// (with its CSRF token) to the live endpoint, which answers the
// server-rendered results; they replace the old ones. Nothing is saved.
//
// The ledger's watch: on every page of a signed-in user, the browser asks
// for the ledger's latest signed checkpoint, checks its Ed25519 signature
// against the verifier key of the checkpoint it kept before (localStorage),
// and asks for an RFC 6962 consistency proof from the kept checkpoint to
// the new one, which it checks itself against the kept root. Only a
// checkpoint that passes replaces the kept one. A database rolled back to
// an older copy, a rewritten log or a checkpoint signed with another key
// shows the page's ledger warning, on this and every later page, until the
// kept checkpoint is removed by hand. The check needs WebCrypto, which the
// browser offers over HTTPS and on localhost only.
"use strict";
(function () {
  function init() {
    watchLedger();
    whatIf();
  }

  function whatIf() {
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

  var keptKey = "parley.ledger.checkpoint";

  function watchLedger() {
    var warning = document.getElementById("ledger-warning");
    if (!warning || !window.localStorage || !window.crypto || !crypto.subtle) { return; }
    checkLedger().then(function (ok) {
      if (!ok) { warning.hidden = false; }
    }, function () { /* the server did not answer: nothing to say */ });
  }

  // checkLedger resolves true when the server's log extends the kept
  // checkpoint (the newer one is then kept instead), false when it does
  // not; it rejects when the server does not answer. The proof is asked
  // for up to the latest checkpoint, which a write meanwhile cannot make
  // unavailable.
  async function checkLedger() {
    var current = await getJSON("/api/v1/audit/checkpoint");
    if (!current) { return true; } // no checkpoint yet
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(keptKey)); } catch (e) { kept = null; }
    if (!kept || typeof kept.size !== "number") {
      if (!(await verifyNote(current.note, current.verifier_key, current.size, current.root))) { return false; }
      localStorage.setItem(keptKey, JSON.stringify(current));
      return true;
    }
    if (current.verifier_key !== kept.verifier_key) { return false; }
    if (!(await verifyNote(current.note, kept.verifier_key, current.size, current.root))) { return false; }
    if (current.size < kept.size) { return false; }
    if (current.size === kept.size) { return current.root === kept.root; }
    var proof = await getJSON("/api/v1/audit/consistency?old=" + kept.size);
    if (!proof || proof.old_size !== kept.size || proof.new_size < current.size) { return false; }
    if (!(await verifyNote(proof.new_checkpoint, kept.verifier_key, proof.new_size, proof.new_root))) { return false; }
    if (!(await consistent(proof.proof.map(unb64), kept.size, unb64(kept.root), proof.new_size, unb64(proof.new_root)))) { return false; }
    localStorage.setItem(keptKey, JSON.stringify({ size: proof.new_size, root: proof.new_root, note: proof.new_checkpoint, verifier_key: kept.verifier_key }));
    return true;
  }

  // getJSON resolves the answer's JSON, null for a 404 (no such
  // checkpoint), and rejects on any other failure.
  async function getJSON(url) {
    var resp = await fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (resp.status === 404) { return null; }
    if (!resp.ok) { throw new Error(url + ": " + resp.status); }
    return resp.json();
  }

  // verifyNote checks a signed note (golang.org/x/mod/sumdb/note) against
  // an Ed25519 verifier key "<name>+<hash, 8 hex>+<base64(0x01 || key)>",
  // and that its text is the C2SP checkpoint of size and root.
  async function verifyNote(note, verifierKey, size, root) {
    // The key's base64 may itself hold "+": only the first two separate.
    var i = verifierKey.indexOf("+"), j = verifierKey.indexOf("+", i + 1);
    if (i <= 0 || j !== i + 9) { return false; }
    var name = verifierKey.slice(0, i), hash = verifierKey.slice(i + 1, j), key = unb64(verifierKey.slice(j + 1));
    if (key.length !== 33 || key[0] !== 1) { return false; }
    var split = note.indexOf("\n\n");
    if (split < 0) { return false; }
    var text = note.slice(0, split + 1);
    if (text !== name + "\n" + size + "\n" + root + "\n") { return false; }
    var prefix = "\u2014 " + name + " ";
    var lines = note.slice(split + 2).split("\n");
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].indexOf(prefix) !== 0) { continue; }
      var sig = unb64(lines[i].slice(prefix.length));
      if (sig.length !== 68 || hex(sig.subarray(0, 4)) !== hash) { continue; }
      var pub = await crypto.subtle.importKey("raw", key.subarray(1), { name: "Ed25519" }, false, ["verify"]);
      if (await crypto.subtle.verify({ name: "Ed25519" }, pub, sig.subarray(4), new TextEncoder().encode(text))) { return true; }
    }
    return false;
  }

  // consistent checks an RFC 6962 consistency proof that the tree (m,
  // oldRoot) is a prefix of the tree (n, newRoot), 1 ≤ m < n: the
  // verification of RFC 9162 §2.1.4.2, with SHA-256(0x01 || left || right)
  // for interior nodes. At most 2⌈log₂ n⌉ hashes.
  async function consistent(proof, m, oldRoot, n, newRoot) {
    // When m is a power of two the old tree is a node of the new one, and
    // the proof leaves out its hash: the old root.
    var p2 = m;
    while (p2 % 2 === 0) { p2 /= 2; }
    if (p2 === 1) { proof = [oldRoot].concat(proof); }
    if (proof.length === 0) { return false; }
    var fn = m - 1, sn = n - 1;
    while (fn % 2 === 1) { fn = (fn - 1) / 2; sn = Math.floor(sn / 2); }
    var fr = proof[0], sr = proof[0];
    for (var i = 1; i < proof.length; i++) {
      var c = proof[i];
      if (sn === 0) { return false; }
      if (fn % 2 === 1 || fn === sn) {
        fr = await node(c, fr);
        sr = await node(c, sr);
        while (fn % 2 === 0 && fn !== 0) { fn = fn / 2; sn = Math.floor(sn / 2); }
      } else {
        sr = await node(sr, c);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
  }

  async function node(left, right) {
    var b = new Uint8Array(1 + left.length + right.length);
    b[0] = 1;
    b.set(left, 1);
    b.set(right, 1 + left.length);
    return new Uint8Array(await crypto.subtle.digest("SHA-256", b));
  }

  // unb64 decodes standard base64; what is not base64 (a kept checkpoint
  // someone edited) decodes to no bytes, which no check accepts.
  function unb64(s) {
    var bin;
    try { bin = atob(s); } catch (e) { return new Uint8Array(0); }
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function hex(b) {
    var s = "";
    for (var i = 0; i < b.length; i++) { s += (b[i] < 16 ? "0" : "") + b[i].toString(16); }
    return s;
  }

  function equal(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
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
  // The ledger's checks, pure functions of what they are given, named so
  // that a browser test can hold them against Go's (TestBrowserLedgerProofs).
  window.ParleyLedger = Object.freeze({ consistent: consistent, verifyNote: verifyNote, unb64: unb64 });

  function start() { init(); initProfile(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
