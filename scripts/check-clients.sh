#!/usr/bin/env bash
# Do real podcast clients read our feeds the way onair means them? Builds the example site, a
# generated 1000-episode site and a three-show network (scripts/make-example-network.sh: every
# show's feed, the combined feed and the publisher feed), then reads each feed with three
# parsers apps use --
# feedparser and gPodder's podcastparser (PyPI) and podcast-partytime (npm, the Podcast
# Index's parser) -- and compares every episode's guid, enclosure url, length, type and
# duration with what onair says (`onair check DIR --json`, from the site model). Fails on any
# disagreement, on a missing or extra episode, on feedparser's "bozo" (ill-formed) flag and
# on `onair check` errors (its warnings are printed).
#
#   scripts/check-clients.sh            (uses target/debug/onair, building it if missing)
#   ONAIR=path/to/onair scripts/check-clients.sh
#
# Needs python3 (venv) and npm with access to their registries; the packages go into a
# cache folder (CLIENTS_CACHE, default target/check-clients), never into the repository.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

onair="${ONAIR:-$repo/target/debug/onair}"
if [ ! -x "$onair" ]; then
  cargo build --quiet
  onair="$repo/target/debug/onair"
fi
shared="$repo/../shared"
[ -d "$shared/bench" ] || shared=/work/shared
cache="${CLIENTS_CACHE:-$repo/target/check-clients}"
mkdir -p "$cache"

# The clients, pinned to the versions the research notes tested.
if [ ! -x "$cache/venv/bin/python" ]; then
  python3 -m venv "$cache/venv"
fi
"$cache/venv/bin/python" -c "import feedparser, podcastparser" 2>/dev/null ||
  "$cache/venv/bin/pip" install --quiet "feedparser==6.0.14" "podcastparser==0.6.11"
if [ ! -f "$cache/npm/node_modules/podcast-partytime/package.json" ]; then
  mkdir -p "$cache/npm"
  npm install --silent --no-audit --no-fund --prefix "$cache/npm" "podcast-partytime@5.0.0" >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp -r "$repo/example-site" "$work/example"
rm -rf "$work/example/public"
python3 "$shared/bench/gen-sites.py" 1000 "$work/gen" >/dev/null

status=0
# check_feed NAME FEED JSON: the three clients read FEED as `onair check ... --json` (JSON)
# states its episodes.
check_feed() {
  local name="$1" feed="$2" json="$3"
  node - "$cache/npm/node_modules/podcast-partytime" "$feed" >"$work/partytime.json" <<'JS'
const pt = require(process.argv[2]);
const xml = require("fs").readFileSync(process.argv[3], "utf8");
const feed = pt.parseFeed(xml);
const items = feed ? feed.items.map((i) => ({
  guid: i.guid,
  url: i.enclosure && i.enclosure.url,
  length: i.enclosure && i.enclosure.length,
  type: i.enclosure && i.enclosure.type,
  duration: i.duration,
})) : null;
process.stdout.write(JSON.stringify(items));
JS
  if ! "$cache/venv/bin/python" - "$name" "$json" "$feed" "$work/partytime.json" <<'PY'
import json, sys
import feedparser, podcastparser

name, onair_json, feed_path, partytime_json = sys.argv[1:]
report = json.load(open(onair_json))
want = {e["guid"]: e for e in report["episodes"]}
problems = []
if report["errors"]:
    problems.append(f"onair check: {report['errors']} errors")
for d in report["diagnostics"]:
    if d["severity"] == "warning":
        # Reported, not fatal: this script is about the clients agreeing with onair.
        print(f"check-clients: {name}: onair check warns: [{d['rule']}] {d['message']}")

def seconds(value):
    if value in (None, ""):
        return None
    parts = [float(p) for p in str(value).split(":")]
    total = 0
    for p in parts:
        total = total * 60 + p
    return round(total)

def to_int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None

clients = {}
fp = feedparser.parse(feed_path)
if fp.bozo:
    problems.append(f"feedparser: ill-formed feed: {fp.bozo_exception}")
clients["feedparser"] = [
    {"guid": e.get("id"),
     "url": e.enclosures[0].get("href") if e.enclosures else None,
     "length": to_int(e.enclosures[0].get("length")) if e.enclosures else None,
     "type": e.enclosures[0].get("type") if e.enclosures else None,
     "duration": seconds(e.get("itunes_duration"))}
    for e in fp.entries]
with open(feed_path, "rb") as f:
    pp = podcastparser.parse("file://" + feed_path, f, max_episodes=0)
clients["podcastparser"] = [
    {"guid": e.get("guid"),
     "url": e["enclosures"][0]["url"] if e["enclosures"] else None,
     "length": e["enclosures"][0]["file_size"] if e["enclosures"] else None,
     "type": e["enclosures"][0]["mime_type"] if e["enclosures"] else None,
     "duration": e.get("total_time")}
    for e in pp["episodes"]]
pt = json.load(open(partytime_json))
if pt is None:
    problems.append("partytime: could not parse the feed at all")
    pt = []
clients["partytime"] = pt

for client, episodes in clients.items():
    got = {e["guid"]: e for e in episodes}
    for guid in sorted(set(want) - set(got)):
        problems.append(f"{client}: episode {guid} is missing")
    for guid in sorted(set(got) - set(want)):
        problems.append(f"{client}: unexpected episode {guid}")
    for guid in sorted(set(want) & set(got)):
        for field in ("url", "length", "type", "duration"):
            if got[guid][field] != want[guid][field]:
                problems.append(f"{client}: {guid}: {field} is {got[guid][field]!r}, onair says {want[guid][field]!r}")

if problems:
    print(f"check-clients: {name}: {len(problems)} disagreement(s)")
    for p in problems[:50]:
        print("  " + p)
    sys.exit(1)
print(f"check-clients: {name}: feedparser, podcastparser and partytime agree with onair on {len(want)} episodes")
PY
  then
    status=1
  fi
}

for site in "$work/example" "$work/gen/onair"; do
  case "$site" in */example) name="example-site" ;; *) name="generated 1000-episode site" ;; esac
  "$onair" build "$site" --output "$work/out" >/dev/null 2>"$work/build.log" || {
    cat "$work/build.log" >&2
    echo "check-clients: $name does not build" >&2
    status=1
    continue
  }
  "$onair" check "$site" --json >"$work/onair.json" || true
  check_feed "$name" "$work/out/feed.xml" "$work/onair.json"
  rm -rf "$work/out"
done

# A network of three shows (the example site converted, and two more): each show's feed, as
# onair reads that file, and the combined feed, as the network's check states every episode.
"$repo/scripts/make-example-network.sh" "$work/net" >/dev/null
if "$onair" build "$work/net" >/dev/null 2>"$work/build.log"; then
  "$onair" check "$work/net" --json >"$work/net.json" || true
  check_feed "network: all shows" "$work/net/public/shows/feed.xml" "$work/net.json"
  for feed in feed.xml solder-club/feed.xml night-shift/feed.xml; do
    "$onair" check "$work/net/public/$feed" --json >"$work/show.json" || true
    check_feed "network: $feed" "$work/net/public/$feed" "$work/show.json"
  done
  # The publisher feed lists feeds, not episodes: partytime (the Podcast Index's parser) must
  # read its medium and one remote item per show feed, feedparser must find it well-formed,
  # and onair check must find no error in it.
  publisher="$work/net/public/shows/publisher.xml"
  # (partytime logs a warning line on stdout for a feed without items: the last line is ours.)
  node - "$cache/npm/node_modules/podcast-partytime" "$publisher" 2>/dev/null <<'JS' | tail -n 1 >"$work/partytime.json"
const pt = require(process.argv[2]);
const feed = pt.parseFeed(require("fs").readFileSync(process.argv[3], "utf8"));
process.stdout.write("\n" + JSON.stringify(feed ? {
  medium: feed.medium,
  feeds: (feed.podcastRemoteItems || []).map((r) => r.feedUrl).sort(),
} : null));
JS
  if ! "$cache/venv/bin/python" - "$publisher" "$work/partytime.json" \
      "$("$onair" check "$publisher" --json | "$cache/venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["errors"])')" <<'PY'
import json, sys
import feedparser
path, partytime, errors = sys.argv[1:]
want = sorted(f"https://onair.example.com/{p}feed.xml" for p in ("", "night-shift/", "solder-club/"))
problems = []
if errors != "0":
    problems.append(f"onair check: {errors} errors")
if feedparser.parse(path).bozo:
    problems.append("feedparser: ill-formed feed")
pt = json.load(open(partytime))
if pt != {"medium": "publisher", "feeds": want}:
    problems.append(f"partytime reads {pt!r}, onair wrote medium publisher and {want!r}")
if problems:
    print("check-clients: network: shows/publisher.xml: " + "; ".join(problems))
    sys.exit(1)
print("check-clients: network: shows/publisher.xml: partytime reads the publisher and its 3 show feeds; feedparser finds it well-formed")
PY
  then
    status=1
  fi
else
  cat "$work/build.log" >&2
  echo "check-clients: the example network does not build" >&2
  status=1
fi
exit "$status"
