/* onair default theme: the episode player, the episode filter and the feed copy button.
   Every page works without this file; it only adds to what the HTML already does. */
(function () {
"use strict";

function $(sel, root) { return (root || document).querySelector(sel); }
function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

function clock(s) {
  s = Math.max(0, Math.floor(s || 0));
  var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
  var mm = h ? (m < 10 ? "0" : "") + m : String(m);
  return (h ? h + ":" : "") + mm + ":" + (sec < 10 ? "0" : "") + sec;
}

// "#t=90", "#t=1:30", "#t=1:02:03" and "#t=90.5" all name a time in seconds.
function hashTime(hash) {
  var m = /^#t=([0-9:.]+)$/.exec(hash || "");
  if (!m) return null;
  var t = m[1].split(":").reduce(function (acc, part) { return acc * 60 + parseFloat(part || 0); }, 0);
  return isFinite(t) ? t : null;
}

function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
  } catch (e) { /* storage may be disabled; remembering is optional */ }
}
function load(key) {
  try { return localStorage.getItem(key); } catch (e) { return null; }
}

/* ---------- Player ---------- */
function player(root) {
  var audio = $("audio", root), ui = $(".pl", root);
  var play = $(".pl-play", ui), range = $(".pl-range", ui), marks = $(".pl-marks", ui);
  var cur = $(".pl-cur", ui), dur = $(".pl-dur", ui), label = $(".pl-chapter", ui), speed = $(".pl-speed select", ui);
  var posKey = "onair:pos:" + root.getAttribute("data-key");
  var chapters = $$("[data-chapter]").map(function (a) { return { t: +a.getAttribute("data-t"), a: a, title: $(".ct", a).textContent }; });
  var cues = $$(".cue[data-t]").map(function (el) { return { t: +el.getAttribute("data-t"), end: +el.getAttribute("data-end"), el: el }; });
  var current = -1, cueNow = null, lastSave = 0, dragging = false, pending = null, wantPlay = false;

  function now() { return pending === null ? audio.currentTime : pending; }

  audio.removeAttribute("controls");
  ui.hidden = false;

  function duration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : +root.getAttribute("data-duration") || 0;
  }

  function drawMarks() {
    var d = duration();
    marks.textContent = "";
    if (!d) return;
    chapters.forEach(function (c) {
      if (c.t <= 0 || c.t >= d) return;
      var s = document.createElement("span");
      s.style.left = (c.t / d * 100) + "%";
      s.title = c.title;
      marks.appendChild(s);
    });
  }

  function showChapter(t) {
    var i = -1;
    for (var k = 0; k < chapters.length; k++) if (chapters[k].t <= t + 0.01) i = k;
    if (i === current) return;
    if (current >= 0) chapters[current].a.removeAttribute("aria-current");
    current = i;
    if (i >= 0) chapters[i].a.setAttribute("aria-current", "true");
    label.textContent = i >= 0 ? chapters[i].title : "";
  }

  function showCue(t) {
    var hit = null;
    for (var k = 0; k < cues.length; k++) {
      if (cues[k].t > t) break;
      if (t < cues[k].end) hit = cues[k].el;
    }
    if (hit === cueNow) return;
    if (cueNow) cueNow.classList.remove("now");
    cueNow = hit;
    if (!hit) return;
    hit.classList.add("now");
    // Follow along inside the transcript's own scroll box, never scrolling the page.
    var box = hit.closest(".cues");
    if (box && box.offsetParent && !audio.paused) box.scrollTop = hit.offsetTop - box.offsetTop - box.clientHeight / 3;
  }

  function update() {
    var t = now(), d = duration();
    if (!dragging) range.value = t;
    range.max = d;
    range.style.setProperty("--p", d ? (t / d * 100) + "%" : "0%");
    range.setAttribute("aria-valuetext", clock(t) + " of " + clock(d));
    cur.textContent = clock(t);
    showChapter(t);
    showCue(t);
  }

  function remember(force) {
    var ms = Date.now();
    if (!force && ms - lastSave < 3000) return;
    lastSave = ms;
    var t = now(), d = duration();
    // Nothing worth resuming at the very start or end.
    store(posKey, t > Math.min(5, d / 10) && (!d || t < d - Math.min(15, d / 10)) ? String(Math.floor(t)) : null);
  }

  // Before the audio's metadata is in (preload="none" fetches nothing until asked), a seek
  // is kept in `pending` and shown, then applied once the browser knows the file.
  function seek(t, andPlay) {
    var d = duration();
    t = Math.max(0, d ? Math.min(t, d) : t);
    if (audio.readyState > 0) {
      audio.currentTime = t;
      update();
      if (andPlay) start();
      return;
    }
    var first = pending === null;
    pending = t;
    wantPlay = wantPlay || andPlay;
    update();
    if (first) {
      audio.preload = "metadata";
      audio.load();
    }
  }

  function start() {
    var p = audio.play();
    if (p && p.catch) p.catch(function () { /* refused autoplay: the play button still works */ });
  }

  play.addEventListener("click", function () {
    if (pending !== null) wantPlay = !wantPlay;
    else if (audio.paused) start();
    else audio.pause();
  });
  $$("[data-skip]", ui).forEach(function (b) {
    b.addEventListener("click", function () { seek(now() + +b.getAttribute("data-skip"), false); });
  });
  range.addEventListener("input", function () { seek(+range.value, false); });
  range.addEventListener("pointerdown", function () { dragging = true; });
  range.addEventListener("change", function () { dragging = false; });
  range.addEventListener("keydown", function (e) {
    var step = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30 }[e.key];
    if (step) { e.preventDefault(); seek(now() + step, false); }
  });
  // Keys while focus is inside the player (so they never take over typing elsewhere).
  root.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.tagName === "SELECT") return;
    var k = e.key;
    if ((k === " " && e.target === range) || k === "k") { e.preventDefault(); play.click(); }
    else if (k === "j") { e.preventDefault(); seek(now() - 15, false); }
    else if (k === "l") { e.preventDefault(); seek(now() + 30, false); }
  });

  var saved = parseFloat(load("onair:speed"));
  if (saved >= 0.5 && saved <= 3) {
    audio.playbackRate = audio.defaultPlaybackRate = saved;
    speed.value = String(saved);
  }
  speed.addEventListener("change", function () {
    audio.playbackRate = audio.defaultPlaybackRate = +speed.value;
    store("onair:speed", speed.value === "1" ? null : speed.value);
  });

  audio.addEventListener("play", function () { root.classList.add("playing"); play.setAttribute("aria-label", "Pause"); });
  audio.addEventListener("pause", function () { root.classList.remove("playing"); play.setAttribute("aria-label", "Play"); remember(true); });
  audio.addEventListener("ended", function () { store(posKey, null); });
  audio.addEventListener("timeupdate", function () { update(); if (!audio.paused) remember(false); });
  audio.addEventListener("seeked", function () { remember(true); });
  audio.addEventListener("loadedmetadata", function () {
    dur.textContent = clock(duration());
    drawMarks();
    if (pending !== null) {
      audio.currentTime = pending;
      pending = null;
      if (wantPlay) start();
      wantPlay = false;
    }
    update();
  });

  // Any link to "#t=..." on the page (chapters, transcript) seeks instead of scrolling.
  document.addEventListener("click", function (e) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = e.target.closest ? e.target.closest("a[href^='#t='], .cue[data-t]") : null;
    if (!a) return;
    var t = a.hasAttribute("data-t") ? +a.getAttribute("data-t") : hashTime(a.getAttribute("href"));
    if (t === null || !isFinite(t)) return;
    e.preventDefault();
    if (a.tagName === "A") history.replaceState(null, "", a.getAttribute("href"));
    seek(t, true);
  });
  window.addEventListener("hashchange", function () {
    var t = hashTime(location.hash);
    if (t !== null) seek(t, true);
  });

  // Lock screen and headset controls.
  var ms = navigator.mediaSession;
  if (ms && window.MediaMetadata) {
    var art = $('meta[property="og:image"]'), show = $('meta[property="og:site_name"]');
    ms.metadata = new MediaMetadata({
      title: $("h1").textContent.trim(),
      artist: show ? show.content : "",
      artwork: art ? [{ src: art.content }] : []
    });
    [["play", start], ["pause", function () { audio.pause(); }],
      ["seekbackward", function () { seek(now() - 15, false); }],
      ["seekforward", function () { seek(now() + 30, false); }],
      ["seekto", function (d) { seek(d.seekTime, false); }]].forEach(function (h) {
      try { ms.setActionHandler(h[0], h[1]); } catch (e) { /* action not supported here */ }
    });
  }

  drawMarks();
  var fromLink = hashTime(location.hash);
  var resume = parseFloat(load(posKey));
  if (fromLink !== null) seek(fromLink, false);
  else if (resume > 0) seek(resume, false);
  else update();
}

/* ---------- Episode filter on /episodes/ ---------- */
// Case and accents off, as src/search.rs folds words: U+00C0-U+024F by this table of runs
// (a fold, then how many letters in a row fold so, A = 1; "." keeps the letter).
var LATIN = {}, at = 192;
"aFaeAcAeDiDdAnAoExAoAuDyAthAssAaFaeAcAeDiDdAnAoE.AoAuDyAthAyAaFcHdDeJgHhDiJijBjBkClJnF.AngBoFoeBrFsHtFuLwByCzFsAbD6BoAcBdE3A.AeAfBgBhvAiBkBlBwAnBoCoiBpByrA2BshBtDuByAvAyBzBzhD2A5BtsAwA.DdzCljCnjCaBiBoBuJ.AaDaeBgDkBoDzhBjAdzCgBhvAwAnBaBaeBoBaDeDiDoDrDuDsBtByBhBnAdAouBzBaBeBoHyBlAnAtAjAdbAqpAaAcBlAtAsAzA.BbAuA.AeBjBqBrByB".replace(/([a-z\d.]+)([A-Z])/g, function (_, f, n) {
  for (n = n.charCodeAt(0) - 64; n--; ) LATIN[String.fromCharCode(at++)] = f;
});
function fold(s) {
  return String(s || "").replace(/[\u00c0-\u024f]/g, function (c) { return LATIN[c] == "." ? c : LATIN[c]; }).toLowerCase();
}

// src/search.rs (`lookup` does the same): {episode: seconds, -1: own text}; null: common.
function searchIndex(url) {
  var entry = null, keys = Object.create(null), frags = {};
  function get(u) { return fetch(u).then(function (r) { if (!r.ok) throw r.status; return r.json(); }); }
  function lookup(w) {
    for (var k = w; k && !(k in keys); ) k = k.slice(0, -1);
    if (!k) return {};
    // The fragment is named by its key (src/search.rs, fragment_path): é -> _c3_a9.
    var n = k.replace(/[^a-z0-9]/g, function (c) { return encodeURIComponent(c).replace(/%/g, "_").toLowerCase(); });
    return (frags[n] = frags[n] || get(url.replace(/[^/]*$/, "w/" + n + ".json"))).then(function (f) {
      var hits = {}, all = k == w && "*" in f;
      for (var word in f) {
        var a = f[word];
        if (!a && word == w) return null;
        if (!a || (all ? word != "*" : word == "*" || word.indexOf(w))) continue;
        for (n = -1, k = 0; k < a.length; k += 2) {
          n += a[k];
          var t = a[k + 1], had = hits[n];
          if (had === undefined || (had >= 0 && (t < 0 || t < had))) hits[n] = t;
        }
      }
      return hits;
    });
  }
  return {
    load: function () {
      return entry = entry || get(url).then(function (e) {
        e.keys.split(" ").forEach(function (k, i) { keys[k] = i; });
        return entry = e;
      });
    },
    query: function (words) {
      return Promise.resolve(this.load()).then(function () { return Promise.all(words.map(lookup)); });
    }
  };
}

function split(term) { return term.split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; }); }

function filter(form) {
  var input = $("input", form), count = $(".filter-count", form), none = $(".filter-none");
  var items = $$(".card[data-url]"), years = $$(".year"), latest = 0;
  var own = items.map(function (li) { return fold(li.textContent); });
  var index = searchIndex(form.getAttribute("data-search"));
  form.hidden = false;

  function show(terms, words, found) {
    var shown = 0;
    items.forEach(function (li, n) {
      var at = null, old = $(".hit", li);
      var ok = terms.every(function (term) {
        var sw = split(term);
        return own[n].indexOf(term) >= 0 || found && sw.length && sw.every(function (w) {
          var h = found[words.indexOf(w)];
          if (h === null) return true;
          if (!h || !(n in h)) return false;
          if (h[n] >= 0 && at === null) at = h[n];
          return true;
        });
      });
      li.hidden = !ok;
      if (old) old.remove();
      if (!ok) return;
      shown++;
      if (at !== null) {
        var p = document.createElement("p");
        p.className = "hit";
        p.innerHTML = '<a href="' + li.getAttribute("data-url") + "#t=" + at + '">Said at ' + clock(at) + "</a>";
        $("article", li).appendChild(p);
      }
    });
    years.forEach(function (y) { y.hidden = !$(".card:not([hidden])", y); });
    count.textContent = terms.length ? shown + " of " + items.length + " episodes" : "";
    if (none) none.hidden = shown > 0;
  }

  function run() {
    var q = input.value, terms = fold(q).split(/\s+/).filter(Boolean), ticket = ++latest;
    var words = [].concat.apply([], terms.map(split));
    show(terms, words, null);
    if (words.length) index.query(words).then(function (found) {
      if (ticket === latest && index.load().episodes === items.length) show(terms, words, found);
    }).catch(function () {});
    var url = new URL(location.href);
    if (q.trim()) url.searchParams.set("q", q); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }

  input.addEventListener("input", run);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  var clear = $("[data-filter-clear]");
  if (clear) clear.addEventListener("click", function () { input.value = ""; run(); input.focus(); });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; run(); }
}

/* ---------- Copy the feed URL ---------- */
function copyButton(btn) {
  var field = document.getElementById(btn.getAttribute("data-copy"));
  var status = $(".copied", btn.closest(".feed-copy") || document);
  if (!field || !navigator.clipboard) return;
  btn.hidden = false;
  btn.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      if (status) status.textContent = "Copied. Paste it into your podcast app.";
    }, function () {
      field.select();
      if (status) status.textContent = "Select the address and copy it.";
    });
  });
  field.addEventListener("focus", function () { field.select(); });
}

var p = $("[data-player]");
if (p) player(p);
var f = $("[data-filter]");
if (f) filter(f);
$$("[data-copy]").forEach(copyButton);
})();
