// onair serve: live reload over Server-Sent Events. The server fills in the generation this
// page was built from; a different one on (re)connect means the page is stale.
(function () {
  "use strict";
  var generation = __ONAIR_GENERATION__;
  if (!window.EventSource) return;
  var source = new EventSource("/_onair/events");
  function data(e) { try { return JSON.parse(e.data); } catch (_) { return {}; } }
  source.addEventListener("hello", function (e) {
    if (data(e).generation !== generation) location.reload();
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("overlay", function (e) {
    var d = data(e);
    generation = d.generation;
    var old = document.getElementById("onair-overlay");
    if (old) old.remove();
    var holder = document.createElement("div");
    holder.innerHTML = d.html;
    while (holder.firstChild) document.body.appendChild(holder.firstChild);
  });
  // A stylesheet changed and nothing else did: swap the <link> without reloading the page.
  source.addEventListener("css", function (e) {
    var d = data(e);
    generation = d.generation;
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    (d.swaps || []).forEach(function (swap) {
      links.forEach(function (link) {
        var url = new URL(link.href, location.href);
        if (url.origin !== location.origin || url.pathname !== swap.from) return;
        var fresh = link.cloneNode();
        fresh.href = swap.to + (swap.to === swap.from ? "?onair=" + Date.now() : "");
        fresh.onload = function () { link.remove(); };
        link.after(fresh);
      });
    });
  });
})();
