#!/usr/bin/env bash
# Checks the default theme in headless Chromium: builds the example site, serves it on
# 127.0.0.1 (with HTTP Range, for audio seeking), then plays the player, seeks by chapter and
# transcript, filters the episode list, runs axe-core and the Nu Html Checker, and writes
# screenshots at 375 and 1280 px (light and dark) for review.
#
#   scripts/browser-test.sh [ONAIR_BINARY]
#
# Without a binary it builds target/debug/onair. Screenshots go to $SCREENSHOTS
# (default target/screenshots). Installs Debian's chromium and the pinned npm packages if
# they are missing; it never downloads a browser of its own.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shots=${SCREENSHOTS:-$root/target/screenshots}
work=$root/target/browser-test

if [ ! -x /usr/bin/chromium ]; then
    echo "browser-test: installing Debian's chromium" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v java >/dev/null; then
    echo "browser-test: installing a Java runtime for the Nu Html Checker" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
if ! (cd tests/browser && npm ls --silent >/dev/null 2>&1); then
    echo "browser-test: installing npm packages (package-lock.json)" >&2
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ $# -ge 1 ]; then
    onair=$(realpath "$1")
else
    cargo build --quiet
    onair=$root/target/debug/onair
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
rm -rf "$work"
mkdir -p "$work"
# Built into a copy of the example site so nothing is written into the committed one; the
# base URL is the test server's, so absolute links (audio, artwork) stay on 127.0.0.1.
cp -r example-site "$work/site"
rm -rf "$work/site/public" "$work/site/.onair"
"$onair" build "$work/site" --output "$work/public" --base-url "$base"

python3 tests/browser/serve.py --dir "$work/public" --port "$port" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    if python3 -c "import urllib.request; urllib.request.urlopen('$base/')" 2>/dev/null; then break; fi
    sleep 0.1
done

node tests/browser/check.mjs "$base/" "$shots" "$work/public"
