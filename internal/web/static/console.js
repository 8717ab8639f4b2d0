// Keeps the reception's day list fresh: every 10 seconds it fetches the list fragment and
// swaps it in when it changed, unless someone is typing in it. Works without this too.
(function () {
  var box = document.getElementById("day-list");
  if (!box || !window.fetch) return;
  var busy = false;
  function typing() {
    var a = document.activeElement;
    return a && box.contains(a) && (a.tagName === "INPUT" || a.tagName === "SELECT");
  }
  function poll() {
    if (busy || document.hidden || typing()) return;
    busy = true;
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (r.status === 401 || r.redirected) { location.reload(); return null; }
        if (!r.ok) return null;
        var v = r.headers.get("X-List-Version");
        if (v && v === box.getAttribute("data-version")) return null;
        return r.text().then(function (html) { box.innerHTML = html; box.setAttribute("data-version", v || ""); });
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  setInterval(poll, 10000);
})();
