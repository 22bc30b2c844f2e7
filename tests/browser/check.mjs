// Checks the default theme of a built, served site in headless Chromium (Debian's, never a
// downloaded one), and its HTML with the Nu Html Checker (vnu.jar, needs java).
// Usage: node check.mjs BASE_URL SCREENSHOT_DIR [PUBLIC_DIR]
// Prints one line per check and ends with "browser: N passed, N failed".
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const [base, shots, publicDir] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node check.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
const origin = new URL(base).origin;
mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0, skipped = 0;
function check(ok, what, detail) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail ? `\n       ${detail}` : ""}`);
}

// Valid HTML: every page the build wrote, errors only (warnings are advice).
if (publicDir) {
  const vnu = spawnSync("java", ["-jar", require.resolve("vnu-jar/build/dist/vnu.jar"), "--errors-only", "--skip-non-html", publicDir],
    { encoding: "utf8" });
  const out = (vnu.stderr + vnu.stdout).trim();
  check(vnu.status === 0 && !out, "the Nu Html Checker finds no error in the built pages",
    vnu.error ? String(vnu.error) : out.split("\n").slice(0, 15).join("\n       "));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required", "--mute-audio",
  ],
});

// A page that records console errors, uncaught exceptions, requests to other hosts and the
// bytes of CSS and JS it loaded.
async function open(context, path) {
  const page = await context.newPage();
  const rec = { errors: [], foreign: [], assets: new Map() };
  page.on("console", (m) => { if (m.type() === "error") rec.errors.push(m.text()); });
  page.on("pageerror", (e) => rec.errors.push(String(e)));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("data:") && !u.startsWith("blob:") && new URL(u).origin !== origin) rec.foreign.push(u);
  });
  page.on("response", async (r) => {
    const type = r.headers()["content-type"] || "";
    if (/css|javascript/.test(type)) {
      try { rec.assets.set(r.url(), (await r.body()).length); } catch { /* redirected or aborted */ }
    }
  });
  const resp = await page.goto(base.replace(/\/$/, "") + path, { waitUntil: "load" });
  return { page, rec, status: resp ? resp.status() : 0 };
}

async function axe(page, label) {
  await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe: no serious or critical violations on ${label}`,
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} @ ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`).join("\n       "));
}

function clean(rec, label) {
  check(rec.errors.length === 0, `no console errors on ${label}`, rec.errors.join("\n       "));
  check(rec.foreign.length === 0, `no request to another host from ${label}`, rec.foreign.join("\n       "));
}

const assetBytes = new Map();
const light = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
await light.grantPermissions(["clipboard-read", "clipboard-write"], { origin });

// Home: artwork, subscribe links, feed copy button, episode cards.
{
  const { page, rec, status } = await open(light, "/");
  check(status === 200, "home page answers 200", `status ${status}`);
  check(await page.locator(".show-art").count() === 1, "home shows the artwork");
  check(await page.locator(".card").count() > 0, "home lists episode cards");
  const feed = await page.locator('link[rel="alternate"][type="application/rss+xml"]').getAttribute("href");
  check(!!feed && feed.endsWith("/feed.xml"), "home has RSS autodiscovery", feed);
  const ld = await page.evaluate(() => JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent));
  check(ld["@type"] === "PodcastSeries", "home has PodcastSeries JSON-LD", JSON.stringify(ld));
  const copy = page.locator("[data-copy]");
  if (await copy.isVisible()) {
    await copy.click();
    await page.waitForFunction(() => document.querySelector(".copied").textContent !== "");
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    check(clip === feed, "the copy button copies the feed URL", `clipboard: ${clip}`);
  } else check(false, "the copy button is shown with JavaScript");
  await axe(page, "home");
  clean(rec, "home");
  for (const [u, n] of rec.assets) assetBytes.set(u, n);
  await page.close();
}

// Episode list: every episode, and the filter over the JSON index.
let episodeUrls = [];
{
  const { page, rec } = await open(light, "/episodes/");
  episodeUrls = await page.$$eval(".card[data-url]", (els) => els.map((e) => e.getAttribute("data-url")));
  check(episodeUrls.length > 0, "episode list shows episodes");
  const index = await page.evaluate(async (u) => (await fetch(u)).json(), new URL("index.json", page.url()).href);
  check(Array.isArray(index) && index.length === episodeUrls.length, "episodes/index.json lists every episode",
    `index ${index.length}, page ${episodeUrls.length}`);
  // A word that only one episode's notes contain must leave exactly that episode.
  const hay = index.map((e) => [e.title, (e.tags || []).join(" "), e.summary, e.text].join(" ").toLowerCase());
  let probe = null;
  for (let i = 0; i < index.length && !probe; i++) {
    for (const w of (index[i].text || "").toLowerCase().match(/[a-z]{6,}/g) || []) {
      if (hay.filter((h) => h.includes(w)).length === 1) { probe = { w, url: index[i].url }; break; }
    }
  }
  if (probe) {
    await page.fill("#filter-q", probe.w);
    await page.waitForFunction(() => document.querySelectorAll(".card[data-url]:not([hidden])").length === 1);
    const left = await page.$$eval(".card[data-url]:not([hidden])", (els) => els.map((e) => e.getAttribute("data-url")));
    check(left.length === 1 && left[0] === probe.url, `filter "${probe.w}" leaves only its episode`, left.join(", "));
    check(new URL(page.url()).searchParams.get("q") === probe.w, "the filter is kept in the address (?q=)");
    const tag = index.find((e) => e.tags && e.tags.length);
    if (tag) {
      await page.fill("#filter-q", tag.tags[0]);
      const n = await page.locator(".card[data-url]:not([hidden])").count();
      const want = hay.filter((h) => h.includes(tag.tags[0].toLowerCase())).length;
      check(n === want, `filter by tag "${tag.tags[0]}" shows ${want} episode(s)`, `shown ${n}`);
    }
    // A word only one transcript says (no title, tag, summary or notes has it): the chunked
    // index finds its episode and links to the moment, and the player starts there.
    const spoken = "waxed", at = 3, episode = "/episodes/two-cans-and-a-string/";
    check(!hay.some((h) => h.includes(spoken)), `"${spoken}" is in no episode's own text`);
    const fetched = [];
    page.on("request", (r) => { if (r.url().includes("/search/")) fetched.push(r.url()); });
    await page.fill("#filter-q", spoken);
    await page.waitForFunction(() => document.querySelector(".card[data-url]:not([hidden]) .hit a"), null, { timeout: 5000 }).catch(() => {});
    const moment = await page.$$eval(".card[data-url]:not([hidden])", (els) =>
      els.map((e) => [e.getAttribute("data-url"), (e.querySelector(".hit a") || {}).href || ""]));
    check(moment.length === 1 && moment[0][0].endsWith(episode) && moment[0][1].endsWith(episode + "#t=" + at),
      `searching "${spoken}" finds ${episode} at ${at} s`, JSON.stringify(moment));
    check(fetched.some((u) => /\/search\/w\/[a-z0-9_]+\.json$/.test(u)) && fetched.every((u) => !u.endsWith("/episodes/index.json")),
      "the search loads fragments of the chunked index, not episodes/index.json", fetched.join(", "));
    if (moment.length === 1 && moment[0][1]) {
      const ep = await light.newPage();
      await ep.goto(moment[0][1]);
      await ep.waitForFunction((t) => document.querySelector(".pl-cur") && document.querySelector(".pl-cur").textContent === t, "0:0" + at, { timeout: 5000 }).catch(() => {});
      const cur = await ep.locator(".pl-cur").textContent();
      check(cur === "0:0" + at, `the link's #t=${at} puts the player at 0:0${at}`, cur);
      await ep.close();
    }
    // Typed with a Latin letter that has no accent to strip (ɇ, e with a stroke): the script
    // folds it as the index does (src/search.rs checks the two tables agree).
    await page.fill("#filter-q", "");
    await page.fill("#filter-q", "waxɇd");
    await page.waitForFunction(() => document.querySelector(".card[data-url]:not([hidden]) .hit a"), null, { timeout: 5000 }).catch(() => {});
    const folded = await page.$$eval(".card[data-url]:not([hidden])", (els) => els.map((e) => e.getAttribute("data-url")));
    check(folded.length === 1 && folded[0].endsWith(episode), `searching "waxɇd" finds ${episode} too`, JSON.stringify(folded));
    await page.fill("#filter-q", "");
    check(await page.locator(".card[data-url]:not([hidden])").count() === episodeUrls.length, "clearing the filter shows every episode");
  } else check(false, "the index has a word unique to one episode's text");
  await axe(page, "episode list");
  clean(rec, "episode list");
  for (const [u, n] of rec.assets) assetBytes.set(u, n);
  await page.close();
}

// The first episode whose audio is on this host, preferring one with chapters.
let episodePath = null, withChapters = false;
for (const u of episodeUrls) {
  const { page } = await open(light, u);
  const src = await page.locator("audio").getAttribute("src");
  const chapters = await page.locator("[data-chapter]").count();
  await page.close();
  if (!src || new URL(src, base).origin !== origin) continue;
  if (chapters >= 2) { episodePath = u; withChapters = true; break; }
  if (!episodePath) episodePath = u;
}
check(!!episodePath, "the site has an episode with local audio", episodeUrls.join(", "));
// The example site's chapters come from its show notes once the build fills `chapters`;
// until then the chapter checks are reported as skipped, never as passed.
if (!withChapters) {
  skipped += 5;
  console.log("skip chapter checks: no episode with local audio has chapters on its page");
}

if (episodePath) {
  const { page, rec } = await open(light, episodePath);
  const audio = page.locator("audio");
  check(await page.locator(".pl").isVisible(), "the custom player replaces the native controls");
  check(await audio.getAttribute("controls") === null, "the native controls are hidden when the player runs");
  const ld = await page.evaluate(() => JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent));
  check(ld["@type"] === "PodcastEpisode" && ld.partOfSeries["@type"] === "PodcastSeries", "episode has PodcastEpisode JSON-LD");
  const og = await page.locator('meta[property="og:audio"]').getAttribute("content");
  // The player's src is root-relative (so it also plays in `onair serve`); resolved, it is
  // the absolute URL Open Graph names.
  check(og === await audio.evaluate((a) => a.src), "og:audio names the episode's audio", og);

  // Keyboard: Tab reaches the play button, which shows a focus ring, and Space plays.
  let focused = false;
  for (let i = 0; i < 40 && !focused; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains("pl-play"));
  }
  check(focused, "Tab reaches the play button");
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(ring !== "none", "the focused play button has a visible outline", ring);
  await page.keyboard.press("Space");
  await page.waitForFunction(() => { const a = document.querySelector("audio"); return !a.paused && a.currentTime > 0.2; }, null, { timeout: 10000 })
    .then(() => check(true, "the play button plays the audio"), (e) => check(false, "the play button plays the audio", String(e)));
  check(await page.locator(".pl-play").getAttribute("aria-label") === "Pause", "the play button turns into Pause");
  await page.keyboard.press("Space");
  check(await audio.evaluate((a) => a.paused), "Space on the play button pauses");

  // Clicking a chapter seeks there and marks it current.
  if (withChapters) {
    const ch = page.locator("[data-chapter]").nth(1);
    const t = Number(await ch.getAttribute("data-t"));
    await ch.click();
    await page.waitForFunction((t) => Math.abs(document.querySelector("audio").currentTime - t) < 1, t, { timeout: 5000 }).catch(() => {});
    const at = await audio.evaluate((a) => a.currentTime);
    check(Math.abs(at - t) < 1, `clicking chapter 2 seeks the audio to ${t} s`, `currentTime ${at}`);
    check(await ch.getAttribute("aria-current") === "true", "the clicked chapter is highlighted as current");
    check(new URL(page.url()).hash.startsWith("#t="), "the chapter click leaves a #t= link in the address");
    const marks = await page.locator(".pl-marks span").count();
    check(marks >= 1, "the seek bar shows chapter marks", `${marks} marks`);
  } else {
    await audio.evaluate((a) => { a.currentTime = a.duration / 2; });
  }

  // +30 s / -15 s
  await audio.evaluate((a) => a.pause());
  const before = await audio.evaluate((a) => a.currentTime);
  await page.click('[data-skip="-15"]');
  const back = await audio.evaluate((a) => a.currentTime);
  check(back <= Math.max(0, before - 14.9) + 0.01, "the back button skips back 15 s", `${before} -> ${back}`);

  // Speed
  await page.selectOption(".pl-speed select", "1.5");
  check(await audio.evaluate((a) => a.playbackRate) === 1.5, "the speed menu sets the playback rate");
  await page.selectOption(".pl-speed select", "1");

  // Transcript cues seek too.
  const cue = page.locator(".cue[data-t]").nth(1);
  if (await cue.count()) {
    await page.click(".transcript summary");
    const ct = Number(await cue.getAttribute("data-t"));
    await cue.click();
    await page.waitForFunction((t) => Math.abs(document.querySelector("audio").currentTime - t) < 1, ct, { timeout: 5000 }).catch(() => {});
    const now = await audio.evaluate((a) => a.currentTime);
    check(Math.abs(now - ct) < 1, `clicking a transcript line seeks to ${ct} s`, `currentTime ${now}`);
    await audio.evaluate((a) => a.pause());
  }

  await page.evaluate(() => window.scrollTo(0, 0));
  await axe(page, "episode page");
  clean(rec, "episode page");
  for (const [u, n] of rec.assets) assetBytes.set(u, n);
  await page.close();

  // A #t= link on load starts there; a remembered position comes back on the next visit.
  {
    const p2 = await light.newPage();
    await p2.goto(base.replace(/\/$/, "") + episodePath + "#t=3");
    await p2.waitForFunction(() => document.querySelector("audio").readyState > 0, null, { timeout: 5000 }).catch(() => {});
    const at3 = await p2.locator("audio").evaluate((a) => a.currentTime);
    check(Math.abs(at3 - 3) < 0.5, "#t=3 in the address starts the episode at 3 s", `currentTime ${at3}`);
    const mid = await p2.locator("audio").evaluate((a) => { a.currentTime = Math.floor(a.duration / 2); return a.currentTime; });
    await p2.waitForTimeout(300);
    await p2.goto(base.replace(/\/$/, "") + episodePath);
    await p2.waitForFunction(() => document.querySelector("audio").readyState > 0, null, { timeout: 5000 }).catch(() => {});
    const resumed = await p2.locator("audio").evaluate((a) => a.currentTime);
    check(Math.abs(resumed - mid) < 0.5, `the position (${mid} s) is remembered for the episode`, `currentTime ${resumed}`);
    await p2.close();
  }
}

const total = [...assetBytes.values()].reduce((a, b) => a + b, 0);
check(total > 0 && total < 30 * 1024, `CSS and JS together under 30 KB (${total} bytes)`, [...assetBytes].map(([u, n]) => `${u} ${n}`).join(", "));

// Dark scheme: contrast again; then screenshots for review.
const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "dark" });
for (const [label, path] of [["home", "/"], ["episode list", "/episodes/"], ["episode page", episodePath]]) {
  if (!path) continue;
  const { page, rec } = await open(dark, path);
  await axe(page, `${label} (dark)`);
  clean(rec, `${label} (dark)`);
  await page.close();
}

// A tag page and the first page in the navigation, when the site has them.
let tagPath = null, navPath = null;
{
  const { page } = await open(light, "/episodes/");
  tagPath = await page.locator(".tag-cloud a").first().getAttribute("href").catch(() => null);
  const nav = await page.$$eval(".site-head nav a", (as) => as.map((a) => a.getAttribute("href")));
  navPath = nav.find((h) => h.startsWith("/") && !h.endsWith("/episodes/")) || null;
  await page.close();
}
for (const [label, path] of [["tag page", tagPath], ["page", navPath], ["404 page", "/no-such-page/"]]) {
  if (!path) continue;
  const { page, rec } = await open(light, path);
  await axe(page, label);
  // The 404 page is served with status 404, which Chromium reports on the console.
  if (label !== "404 page") clean(rec, label);
  await page.close();
}

const pages = [["home", "/"], ["episodes", "/episodes/"], ["episode", episodePath], ["tag", tagPath], ["page", navPath], ["404", "/no-such-page/"]];
for (const [scheme, ctxOpts] of [["light", { colorScheme: "light" }], ["dark", { colorScheme: "dark" }]]) {
  for (const width of [375, 1280]) {
    const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 812 : 900 }, ...ctxOpts });
    for (const [name, path] of pages) {
      if (!path) continue;
      const { page } = await open(ctx, path);
      if (name === "episode") await page.evaluate(() => { const d = document.querySelector(".transcript details"); if (d) d.open = true; });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (scheme === "light") check(overflow <= 0, `${name} at ${width} px has no sideways scrolling`, `${overflow} px too wide`);
      await page.screenshot({ path: `${shots}/${name}-${width}-${scheme}.png`, fullPage: true });
      await page.close();
    }
    await ctx.close();
  }
}
console.log(`screenshots in ${shots}`);

await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
