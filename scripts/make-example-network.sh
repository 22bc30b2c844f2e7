#!/usr/bin/env bash
# Makes a three-show network in OUT from example-site/: the example site becomes the show
# `tin-can-radio` with `path: /` (so its feed, pages, GUIDs and URLs stay where they were), and
# two more shows get a few episodes each, with audio and artwork taken from the example site.
# Used by tests/network.rs and scripts/check-clients.sh; nothing it writes is committed.
#
# usage: scripts/make-example-network.sh OUT   (OUT must not exist)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
example="$here/../example-site"
out=${1:?usage: make-example-network.sh OUT}
if [ -e "$out" ]; then
    echo "make-example-network.sh: $out exists" >&2
    exit 2
fi
mkdir -p "$out/shows"

# The network: what the shows share.
cat > "$out/site.yaml" <<'YAML'
title: Kitchen Table Network
description: >-
  Three small shows made at the kitchen table: how voices travel, soldering for beginners,
  and stories told after midnight.
url: https://onair.example.com
author: Kitchen Table Network
owner: { name: Rosa Lindqvist, email: rosa@onair.example.com }
language: en
timezone: Europe/Stockholm
theme: default
YAML

# 1. The example site, converted: its folders move as they are, site.yaml becomes show.yaml.
show="$out/shows/tin-can-radio"
mkdir -p "$show"
for d in episodes audio assets pages transcripts; do
    [ -d "$example/$d" ] && cp -R "$example/$d" "$show/$d"
done
{ cat "$example/site.yaml"; printf '\npath: /\n'; } > "$show/show.yaml"

# 2 and 3: shows of their own under /<name>/.
# make_show NAME TITLE DESCRIPTION CATEGORY PREFIX
make_show() {
    local dir="$out/shows/$1"
    mkdir -p "$dir/episodes" "$dir/audio" "$dir/assets"
    cp "$example/assets/cover.png" "$dir/assets/cover.png"
    cat > "$dir/show.yaml" <<YAML
title: $2
description: $3
image: assets/cover.png
categories: [$4]
explicit: false
YAML
    cp "$example/audio/001-string-telephone.mp3" "$dir/audio/$5-01.mp3"
    cp "$example/audio/002-crystal-radio.m4a" "$dir/audio/$5-02.m4a"
}
make_show solder-club "Solder Club" "Soldering for beginners, one small kit at a time." \
    '"Education > How To"' solder
cat > "$out/shows/solder-club/episodes/2026-01-08-first-joint.md" <<'MD'
---
title: Your First Solder Joint
date: 2026-01-08 18:00:00
audio: audio/solder-01.mp3
episode: 1
summary: Tinning the tip, heating the pad, and why the solder goes on the joint, not the iron.
tags: [basics]
people:
  - { name: Rosa Lindqvist, role: host }
guid: solder-club-001
---
A clean tip and a hot pad are most of it. This episode walks through one joint, slowly.
MD
cat > "$out/shows/solder-club/episodes/2026-01-22-desoldering.md" <<'MD'
---
title: Taking It Apart Again
date: 2026-01-22 18:00:00
audio: audio/solder-02.m4a
episode: 2
summary: "Braid, pumps and patience: undoing a joint without lifting the pad."
tags: [basics, repair]
guid: solder-club-002
---
Every builder desolders sooner or later. Here is how to do it without damage.
MD
make_show night-shift "Night Shift" "Short stories told after midnight, one a week." \
    '"Fiction > Drama"' night
cat > "$out/shows/night-shift/episodes/2026-01-09-the-lighthouse.md" <<'MD'
---
title: The Lighthouse Keeper's Radio
date: 2026-01-09 23:30:00
audio: audio/night-01.mp3
episode: 1
summary: A keeper, a storm, and a voice on a frequency nobody uses.
tags: [stories]
guid: night-shift-001
---
The storm took the mains out at ten. The radio kept going on its battery.
MD
cat > "$out/shows/night-shift/episodes/2026-01-16-the-last-tram.md" <<'MD'
---
title: The Last Tram
date: 2026-01-16 23:30:00
audio: audio/night-02.m4a
episode: 2
summary: Two strangers, one tram, and the stop that is not on the map.
tags: [stories]
people:
  - { name: Rosa Lindqvist, role: host }
guid: night-shift-002
---
The driver said nothing when the tram passed the depot and kept going.
MD
