#!/bin/sh
# Makes the media `onair init` puts in a new site, committed under src/scaffold/ and embedded
# in the binary:
#   audio/welcome.mp3  a few seconds of synthetic speech, CBR MP3 (32 kb/s mono, 44.1 kHz,
#                      with a LAME Info frame, no ID3 tag), so the sample episode has real,
#                      probe-able audio
#   assets/cover.jpg   1400x1400 RGB JPEG artwork, the smallest size Apple accepts
# Needs espeak-ng and ffmpeg (with libmp3lame and drawtext). Run from anywhere:
#   sh scripts/make-scaffold-media.sh
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/src/scaffold"
mkdir -p "$out/audio" "$out/assets"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

espeak-ng -v en-us -s 150 -w "$tmp/speech.wav" \
    "Welcome to your new podcast. Replace this sample with your first episode."
ffmpeg -nostdin -loglevel error -y -i "$tmp/speech.wav" \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
    -ac 1 -ar 44100 -c:a libmp3lame -b:a 32k -id3v2_version 0 -write_id3v1 0 \
    "$out/audio/welcome.mp3"

font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
ffmpeg -nostdin -loglevel error -y \
    -f lavfi -i "gradients=s=1400x1400:c0=0x1d3557:c1=0x457b9d:x0=0:y0=0:x1=1400:y1=1400:n=2:duration=1:speed=0.00001" \
    -vf "drawtext=fontfile=$font:text=onair:fontsize=260:fontcolor=0xf1faee:x=(w-text_w)/2:y=(h-text_h)/2-80,drawtext=fontfile=$font:text=your podcast:fontsize=90:fontcolor=0xa8dadc:x=(w-text_w)/2:y=(h/2)+140" \
    -frames:v 1 -pix_fmt yuvj444p -q:v 3 -fflags +bitexact \
    "$out/assets/cover.jpg"

ls -l "$out/audio/welcome.mp3" "$out/assets/cover.jpg"
