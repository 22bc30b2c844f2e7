#!/usr/bin/env bash
# Makes the media of example-site/: short spoken audio for its episodes (espeak-ng speaking lines
# written for the show, encoded with ffmpeg), the WebVTT transcript of the first episode timed
# from that audio, and the 1400x1400 cover art. The outputs are committed; this script is only
# re-run by hand, and gives the same bytes for the same tool versions.
#
# usage: scripts/make-example-media.sh [SITE_DIR]   (default: example-site next to scripts/)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
site=${1:-"$here/../example-site"}

missing=()
for tool in espeak-ng sox soxi ffmpeg ffprobe convert; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "make-example-media.sh: missing: ${missing[*]}" >&2
    echo "  on Debian/Ubuntu: sudo apt-get install espeak-ng sox ffmpeg imagemagick" >&2
    exit 1
fi

mkdir -p "$site/audio" "$site/assets" "$site/transcripts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# speak RATE OUT.wav LINE...: speaks each line with espeak-ng and pads it with silence to the
# next whole second, so every line starts on a whole second and the chapter times written in
# the show notes are exact. Prints "START END LINE" for each line (seconds; END is where speech
# stops) so a transcript can be timed from it.
speak() {
    local rate=$1 out=$2; shift 2
    local parts=() start=0 n=0
    for line in "$@"; do
        n=$((n + 1))
        espeak-ng -v en-us -s 175 -p 45 -w "$work/raw$n.wav" "$line"
        # espeak-ng ends each line with a little silence; cut it so END is where speech stops.
        sox -R -D "$work/raw$n.wav" -r "$rate" -c 1 "$work/talk$n.wav" reverse silence 1 0.02 0.5% reverse
        local talk whole
        talk=$(soxi -D "$work/talk$n.wav")
        # at least 0.25 s of silence after each line, then up to the next whole second
        whole=$(awk -v t="$talk" 'BEGIN { s = t + 0.25; w = int(s); if (w < s) w++; print w }')
        sox -R "$work/talk$n.wav" "$work/seg$n.wav" pad 0 "$(awk -v t="$talk" -v w="$whole" 'BEGIN { printf "%.4f", w - t }')"
        awk -v s="$start" -v t="$talk" -v l="$line" 'BEGIN { printf "%.3f %.3f %s\n", s, s + t, l }'
        parts+=("$work/seg$n.wav")
        start=$((start + whole))
    done
    sox -R "${parts[@]}" "$out"
}

# Constant-bitrate MP3 (LAME), mono. No encoder version or date tags: reruns give equal bytes.
mp3() {
    ffmpeg -nostdin -loglevel error -y -i "$1" -map_metadata -1 -fflags +bitexact \
        -flags:a +bitexact -c:a libmp3lame -b:a "$3" -ac 1 \
        -metadata title="$4" -metadata artist="Tin Can Radio" "$2"
}

# AAC-LC in an MP4 (.m4a) container, index at the front so players can start before the end.
m4a() {
    ffmpeg -nostdin -loglevel error -y -i "$1" -map_metadata -1 -fflags +bitexact \
        -flags:a +bitexact -c:a aac -b:a "$3" -ac 1 -movflags +faststart \
        -metadata title="$4" -metadata artist="Tin Can Radio" "$2"
}

vtt_time() {
    awk -v t="$1" 'BEGIN { ms = int(t * 1000 + 0.5); printf "%02d:%02d:%02d.%03d", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000 }'
}

# --- trailer ---------------------------------------------------------------------------------
speak 22050 "$work/trailer.wav" \
    "This is Tin Can Radio." \
    "Small things that talk to each other." \
    "Every other Tuesday." >"$work/trailer.times"
mp3 "$work/trailer.wav" "$site/audio/trailer.mp3" 48k "Tin Can Radio: Trailer"

# --- episode 1, with the transcript ------------------------------------------------------------
speak 44100 "$work/ep1.wav" \
    "Welcome to Tin Can Radio, episode one." \
    "Two cans and a string." \
    "Pull it tight and talk." >"$work/ep1.times"
mp3 "$work/ep1.wav" "$site/audio/001-string-telephone.mp3" 64k "Two Cans and a String"
{
    echo "WEBVTT"
    while read -r start end line; do
        echo
        echo "$(vtt_time "$start") --> $(vtt_time "$end")"
        echo "<v Host>$line"
    done <"$work/ep1.times"
} >"$site/transcripts/2026-01-13-two-cans-and-a-string.vtt"

# --- episode 2 ---------------------------------------------------------------------------------
speak 22050 "$work/ep2.wav" \
    "Episode two: crystal radios." \
    "No battery at all." \
    "Next time: antennas." >"$work/ep2.times"
m4a "$work/ep2.wav" "$site/audio/002-crystal-radio.m4a" 40k "A Radio Without a Battery"

# --- bonus -------------------------------------------------------------------------------------
speak 22050 "$work/bonus.wav" \
    "Bonus: listener mail." \
    "How far can a string reach?" \
    "Our record: forty meters." >"$work/bonus.times"
m4a "$work/bonus.wav" "$site/audio/bonus-listener-mail.m4a" 40k "Listener Mail: How Far Can a String Reach?"

# --- cover art: two tin cans joined by a string, radio waves, the show name ---------------------
font=$(fc-match -f '%{file}' 'DejaVu Sans:bold' 2>/dev/null || true)
font_args=()
[[ -n "$font" && -f "$font" ]] && font_args=(-font "$font")
draw=()
can() { # can X Y: a tin can, open end up, with ribs, seen slightly from above
    local x=$1 y=$2
    draw+=(-fill '#c9d1d3' -stroke '#8a979b' -strokewidth 6
        -draw "rectangle $((x - 110)),$y $((x + 110)),$((y + 300))"
        -draw "ellipse $x,$((y + 300)) 110,34 0,180"
        -fill '#e3e8e9' -draw "ellipse $x,$y 110,34 0,360"
        -fill '#5c6b70' -stroke none -draw "ellipse $x,$y 80,22 0,360")
    for rib in 90 160 230; do
        draw+=(-fill none -stroke '#a3afb2' -strokewidth 5
            -draw "arc $((x - 110)),$((y + rib - 30)) $((x + 110)),$((y + rib + 30)) 0,180")
    done
}
can 330 520
can 1070 520
convert -size 1400x1400 xc:'#123b44' \
    -fill '#184a55' -stroke none -draw 'circle 700,640 700,60' \
    -fill '#f2a541' -draw 'circle 700,640 700,470' \
    -fill none -stroke '#f2a541' -strokewidth 18 \
    -draw 'arc 430,370 970,910 200,340' -draw 'arc 330,270 1070,1010 205,335' \
    -fill none -stroke '#f7ecd7' -strokewidth 7 -draw 'bezier 390,600 700,860 700,860 1010,600' \
    "${draw[@]}" \
    -stroke none -fill '#f7ecd7' "${font_args[@]}" -gravity south \
    -pointsize 150 -annotate +0+190 'TIN CAN RADIO' \
    -fill '#f2a541' -pointsize 54 -annotate +0+110 'small things that talk to each other' \
    -strip -alpha off -type TrueColor -define png:color-type=2 -define png:compression-level=9 \
    "PNG24:$work/cover.png"
mv "$work/cover.png" "$site/assets/cover.png"

echo "made in $site:"
for f in "$site"/audio/* "$site"/assets/cover.png "$site"/transcripts/*.vtt; do
    size=$(stat -c %s "$f")
    case $f in
        *.mp3 | *.m4a) dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f") ;;
        *) dur=- ;;
    esac
    printf '  %-45s %7s bytes  %s s\n' "${f#"$site"/}" "$size" "$dur"
done
echo "line start times (s), for the chapter lines in the show notes:"
for name in trailer ep1 ep2 bonus; do
    echo "  $name: $(cut -d' ' -f1 "$work/$name.times" | tr '\n' ' ')"
done
