#!/usr/bin/env bash
# Makes the audio fixtures with embedded chapters in tests/fixtures/audio/chapters/ (a few KB
# each): 5 s of tone at 8 kHz with the three chapters of chapters.txt (an ffmpeg metadata
# file, also the tests' record of what each fixture must give). Needs ffmpeg and python3.
# Tests do not run it: its output is committed. Re-running it rewrites these fixtures only.
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/audio/chapters"
rm -f ./*.mp3 ./*.m4a ./*.m4b chapters.txt

cat > chapters.txt <<'META'
;FFMETADATA1
title=Chapter fixture
[CHAPTER]
TIMEBASE=1/1000
START=0
END=1500
title=Cold open
[CHAPTER]
TIMEBASE=1/1000
START=1500
END=3250
title=Café talk
[CHAPTER]
TIMEBASE=1/1000
START=3250
END=5000
title=Wrap-up
META

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# Exactly 40000 samples (5.000 s) of mono tone, with chapters.txt as metadata.
with_chapters() {
  echo "-f lavfi -i sine=frequency=440:sample_rate=8000 -i chapters.txt -map 0:a -map_metadata 1 -af atrim=end_sample=40000"
}

# MP3: ID3v2.4 (ffmpeg's default) and ID3v2.3 tags with a CTOC and one CHAP frame per
# chapter, each titled by a TIT2 subframe.
ff $(with_chapters) -c:a libmp3lame -b:a 8k chapters-id3v24.mp3
ff $(with_chapters) -c:a libmp3lame -b:a 8k -id3v2_version 3 chapters-id3v23.mp3

# M4A/M4B: ffmpeg writes both a QuickTime chapter text track (named by the sound track's
# tref/chap) and a Nero chpl box; disable_chpl leaves only the track.
ff $(with_chapters) -c:a aac -b:a 8k chapters.m4b
ff $(with_chapters) -c:a aac -b:a 8k -movflags +disable_chpl chapters-track-only.m4a
# Only chpl: the chapter track stays but the sound track no longer names it (its tref box is
# renamed to free, same size).
python3 - <<'PY'
data = bytearray(open("chapters.m4b", "rb").read())
at = data.index(b"tref")
assert data.count(b"tref") == 1
data[at : at + 4] = b"free"
open("chapters-chpl-only.m4a", "wb").write(data)
PY

ls -l
