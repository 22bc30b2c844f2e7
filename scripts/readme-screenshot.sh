#!/usr/bin/env bash
# Makes docs/images/example-site.png, the README's picture: the example site's home page and
# an episode page side by side, as headless Chromium renders them at 860 px each.
#
#   scripts/readme-screenshot.sh [ONAIR_BINARY]
#
# Without a binary it builds target/debug/onair. Installs Debian's chromium when it is missing
# (as scripts/browser-test.sh does). The site is built into target/, never into example-site/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$root/target/readme-screenshot
out=$root/docs/images/example-site.png

if [ ! -x /usr/bin/chromium ]; then
    echo "readme-screenshot: installing Debian's chromium" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ $# -ge 1 ]; then
    onair=$(realpath "$1")
else
    cargo build --quiet
    onair=$root/target/debug/onair
fi

rm -rf "$work"
mkdir -p "$work" "$(dirname "$out")"
cp -r example-site "$work/site"
rm -rf "$work/site/public" "$work/site/.onair"
# The site's own URL (not the local server's), so the page shows the feed URL a listener copies;
# the theme's images and player use root-relative paths, which the local server answers.
"$onair" build "$work/site" --output "$work/public" >/dev/null

# Both pages in one picture: a page of two frames, served with the site.
cat >"$work/public/_readme-shot.html" <<'EOF'
<!doctype html><html><head><style>
body{margin:0;background:#d9d4cc;display:flex;gap:16px;padding:16px}
iframe{border:0;width:860px;height:760px;box-shadow:0 2px 8px rgba(0,0,0,.25);background:#fff}
</style></head><body>
<iframe src="/"></iframe><iframe src="/episodes/two-cans-and-a-string/"></iframe>
</body></html>
EOF

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 tests/browser/serve.py --dir "$work/public" --port "$port" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null; then break; fi
    sleep 0.1
done

chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --virtual-time-budget=3000 --window-size=1768,792 --screenshot="$out" \
    "http://127.0.0.1:$port/_readme-shot.html" 2>/dev/null
echo "readme-screenshot: wrote $out ($(stat -c %s "$out") bytes)"
