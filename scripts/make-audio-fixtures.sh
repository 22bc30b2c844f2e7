#!/usr/bin/env bash
# Makes the small audio fixtures of tests/fixtures/audio/ (a few KB each) and records what
# each one must probe as in tests/fixtures/audio/expected.tsv. Every audio fixture is a sine
# cut to an exact number of samples, so its true duration is known independently of onair.
# Needs ffmpeg (libmp3lame, aac, libvorbis, libopus, flac), lame and python3. Tests do not run it:
# its output is committed. Re-running it rewrites the fixtures.
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/audio"
rm -f ./*.mp3 ./*.m4a ./*.m4b ./*.mp4 ./*.aac ./*.ogg ./*.opus ./*.oga ./*.flac ./*.wav expected.tsv

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# sine RATE SAMPLES: an exact-length mono tone as ffmpeg input arguments.
sine() { echo "-f lavfi -i sine=frequency=440:sample_rate=$1 -af atrim=end_sample=$2"; }

{
  printf '# file\tformat\tsample_rate\tchannels\tsamples\ttolerance_ms (0: sample-exact)\tmethod\n'
  printf '# file\terror\tmessage prefix\n'
} > expected.tsv
ok() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> expected.tsv; }
bad() { printf '%s\terror\t%s\n' "$1" "$2" >> expected.tsv; }

# --- MP3 ----------------------------------------------------------------------------------
# CBR with ffmpeg's Info + LAME tag (encoder delay and padding): exact.
ff $(sine 44100 52000) -c:a libmp3lame -b:a 32k mp3-cbr-info.mp3
ok mp3-cbr-info.mp3 mp3 44100 1 52000 0 "info header + lame tag"
# The same with an ID3v2 tag in front (title, comment): the tag is skipped by its size.
ff $(sine 44100 52000) -c:a libmp3lame -b:a 32k -metadata title="Pilot episode" \
  -metadata comment="$(printf 'x%.0s' $(seq 1 3000))" mp3-id3v2.mp3
ok mp3-id3v2.mp3 mp3 44100 1 52000 0 "info header + lame tag"
# CBR without any Xing/Info header: every frame header is walked; within 0.1 s (the
# encoder's delay and padding are part of the stream and nothing records them).
ff $(sine 44100 52000) -c:a libmp3lame -b:a 32k -write_xing 0 -id3v2_version 0 mp3-cbr-noheader.mp3
ok mp3-cbr-noheader.mp3 mp3 44100 1 52000 100 "frame scan"
# VBR with a Xing header.
ff $(sine 44100 60000) -c:a libmp3lame -q:a 8 mp3-vbr-xing.mp3
ok mp3-vbr-xing.mp3 mp3 44100 1 60000 0 "xing header + lame tag"
# VBR with no header at all: frame count, never bitrate x size.
ff $(sine 44100 60000) -c:a libmp3lame -q:a 8 -write_xing 0 mp3-vbr-noheader.mp3
ok mp3-vbr-noheader.mp3 mp3 44100 1 60000 100 "frame scan"
# MPEG-2 (22.05 kHz) and MPEG-2.5 (8 kHz) Layer III, stereo.
ff -f lavfi -i "sine=frequency=440:sample_rate=22050" -af "atrim=end_sample=30000" -ac 2 -c:a libmp3lame -b:a 24k mp3-mpeg2.mp3
ok mp3-mpeg2.mp3 mp3 22050 2 30000 0 "info header + lame tag"
ff -f lavfi -i "sine=frequency=440:sample_rate=8000" -af "atrim=end_sample=12000" -c:a libmp3lame -b:a 8k mp3-mpeg25.mp3
ok mp3-mpeg25.mp3 mp3 8000 1 12000 0 "info header + lame tag"
# The LAME command line, as podcasters use it for low-rate speech. MPEG-2 (16-24 kHz) and
# MPEG-2.5 (8-12 kHz) frames hold 576 samples and their side information is 9 bytes (mono) or
# 17 (stereo), so the Xing/Info header sits at byte 13 or 21 of its frame.
# wavsine RATE CHANNELS SAMPLES OUT: an exact-length tone as 16-bit WAV, LAME's input.
wavsine() { ff -f lavfi -i "sine=frequency=440:sample_rate=$1" -af "atrim=end_sample=$3" -ac "$2" -c:a pcm_s16le "$4"; }
# lame_fixture NAME RATE_KHZ WAV LAME_ARGS...: --resample pins the output rate (LAME would
# otherwise choose its own for low bitrates).
lame_fixture() { local name=$1 khz=$2 wav=$3; shift 3; lame --quiet --resample "$khz" "$@" "$wav" "$name"; }
wavsine 22050 1 20011 in-22k-mono.wav
wavsine 24000 2 20011 in-24k-stereo.wav
wavsine 16000 1 15013 in-16k-mono.wav
wavsine 8000 1 8009 in-8k-mono.wav
wavsine 11025 2 9001 in-11k-stereo.wav
wavsine 12000 2 9001 in-12k-stereo.wav
wavsine 32000 1 24007 in-32k-mono.wav
lame_fixture mp3-mpeg2-lame-cbr-mono.mp3 22.05 in-22k-mono.wav -m m -b 56
ok mp3-mpeg2-lame-cbr-mono.mp3 mp3 22050 1 20011 0 "info header + lame tag"
lame_fixture mp3-mpeg2-lame-cbr-stereo.mp3 24 in-24k-stereo.wav -m j -b 64
ok mp3-mpeg2-lame-cbr-stereo.mp3 mp3 24000 2 20011 0 "info header + lame tag"
lame_fixture mp3-mpeg2-lame-vbr-mono.mp3 16 in-16k-mono.wav -m m -V 6
ok mp3-mpeg2-lame-vbr-mono.mp3 mp3 16000 1 15013 0 "xing header + lame tag"
lame_fixture mp3-mpeg2-lame-vbr-stereo.mp3 24 in-24k-stereo.wav -m j -V 4
ok mp3-mpeg2-lame-vbr-stereo.mp3 mp3 24000 2 20011 0 "xing header + lame tag"
# With a CRC after the frame header (-p): LAME still writes the tag right after the side info.
lame_fixture mp3-mpeg2-lame-crc.mp3 22.05 in-22k-mono.wav -m m -b 56 -p
ok mp3-mpeg2-lame-crc.mp3 mp3 22050 1 20011 0 "info header + lame tag"
lame_fixture mp3-mpeg25-lame-vbr-mono.mp3 8 in-8k-mono.wav -m m -V 6
ok mp3-mpeg25-lame-vbr-mono.mp3 mp3 8000 1 8009 0 "xing header + lame tag"
lame_fixture mp3-mpeg25-lame-cbr-stereo.mp3 11.025 in-11k-stereo.wav -m j -b 64
ok mp3-mpeg25-lame-cbr-stereo.mp3 mp3 11025 2 9001 0 "info header + lame tag"
# No tag at all: LAME writes none when one CBR frame is too small to hold it (under 56 kb/s
# at 22.05 kHz mono, 16 kb/s at 8 kHz: the 104 s recordings of issue 21), and none with -t.
# Nothing in such a file records the encoder's delay (576) and padding, so the length is the
# stored frames' (what players play): 1 to 3 frames longer than the recording.
lame_fixture mp3-mpeg2-lame-cbr-notag.mp3 22.05 in-22k-mono.wav -m m -b 48
ok mp3-mpeg2-lame-cbr-notag.mp3 mp3 22050 1 20011 79 "frame scan"
lame_fixture mp3-mpeg2-lame-vbr-notag.mp3 24 in-24k-stereo.wav -m j -V 4 -t
ok mp3-mpeg2-lame-vbr-notag.mp3 mp3 24000 2 20011 72 "frame scan"
lame_fixture mp3-mpeg25-lame-cbr-notag.mp3 8 in-8k-mono.wav -m m -b 16
ok mp3-mpeg25-lame-cbr-notag.mp3 mp3 8000 1 8009 216 "frame scan"
lame_fixture mp3-mpeg25-lame-vbr-notag.mp3 12 in-12k-stereo.wav -m j -V 6 -t
ok mp3-mpeg25-lame-vbr-notag.mp3 mp3 12000 2 9001 144 "frame scan"
lame_fixture mp3-mpeg1-lame-cbr-notag.mp3 32 in-32k-mono.wav -m m -b 32
ok mp3-mpeg1-lame-cbr-notag.mp3 mp3 32000 1 24007 108 "frame scan"
rm in-*.wav
# ID3v1 and APEv2 tags at the end, junk between the ID3v2 tag and the first frame.
python3 - <<'PY'
import struct
audio = open("mp3-cbr-noheader.mp3", "rb").read()
ape_items = b"\x05\x00\x00\x00\x00\x00\x00\x00Title\x00Pilot"
footer = lambda flags: b"APETAGEX" + struct.pack("<IIII", 2000, len(ape_items) + 32, 1, flags) + b"\0" * 8
ape = footer(0xA0000000) + ape_items + footer(0x80000000)
id3v1 = (b"TAG" + b"Pilot".ljust(30, b"\0")).ljust(128, b"\0")
open("mp3-tags-at-end.mp3", "wb").write(audio + ape + id3v1)
id3v2 = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\0" * 10
junk = bytes((i * 7) % 200 for i in range(1500))
open("mp3-junk-before-frames.mp3", "wb").write(id3v2 + junk + audio)
PY
ok mp3-tags-at-end.mp3 mp3 44100 1 52000 100 "frame scan"
ok mp3-junk-before-frames.mp3 mp3 44100 1 52000 100 "frame scan"

# --- MP4 / M4A ----------------------------------------------------------------------------
# ffmpeg's AAC encoder primes 1024 samples and writes an edit list that skips them. The edit
# list counts in the movie timescale (1/1000 s here), so the length is exact to 1 ms.
ff $(sine 44100 50000) -c:a aac -b:a 24k -movflags +faststart m4a-moov-first.m4a
ok m4a-moov-first.m4a m4a 44100 1 50000 1 "edit list"
ff $(sine 44100 50000) -c:a aac -b:a 24k m4a-moov-last.m4a
ok m4a-moov-last.m4a m4a 44100 1 50000 1 "edit list"
ff $(sine 48000 40000) -c:a aac -b:a 24k audiobook.m4b
ok audiobook.m4b m4a 48000 1 40000 1 "edit list"
# Fragmented MP4 (moof boxes): the sample durations of every fragment. ffmpeg writes no
# edit list here, so the 1024 priming samples count as audio, as players will play them.
ff $(sine 44100 50000) -c:a aac -b:a 24k -movflags frag_keyframe+empty_moov+default_base_moof m4a-fragmented.m4a
ok m4a-fragmented.m4a m4a 44100 1 50000 30 "fragments"

# --- Ogg Vorbis, Opus ---------------------------------------------------------------------
# The last page's granule position is the sample count (less Opus's pre-skip, at 48 kHz).
ff $(sine 22050 30000) -c:a libvorbis -q:a 0 vorbis.ogg
ok vorbis.ogg vorbis 22050 1 30000 0 "granule position"
ff $(sine 48000 50000) -c:a libopus -b:a 16k opus.opus
ok opus.opus opus 48000 1 50000 0 "granule position - pre-skip"
cp opus.opus opus-in-ogg.ogg
ok opus-in-ogg.ogg opus 48000 1 50000 0 "granule position - pre-skip"

# --- FLAC, WAV ----------------------------------------------------------------------------
ff $(sine 8000 9000) -c:a flac flac-padded.flac
# Drop ffmpeg's 8 KiB PADDING block to keep the fixture small (the blocks are walked the same).
python3 - <<'PY'
data = open("flac-padded.flac", "rb").read()
out, at = bytearray(b"fLaC"), 4
while True:
    kind, size = data[at] & 0x7F, int.from_bytes(data[at + 1 : at + 4], "big")
    last = data[at] & 0x80
    if kind != 1:
        out += data[at : at + 4 + size]
    at += 4 + size
    if last:
        break
# Mark the (now) last kept block as last.
pos, last_pos = 4, 4
while pos < len(out):
    last_pos = pos
    pos += 4 + int.from_bytes(out[pos + 1 : pos + 4], "big")
out[last_pos] |= 0x80
open("flac.flac", "wb").write(out + data[at:])
PY
rm flac-padded.flac
ok flac.flac flac 8000 1 9000 0 "streaminfo"
# STREAMINFO with the total left at 0 (unknown): the last frame header tells.
python3 - <<'PY'
data = bytearray(open("flac.flac", "rb").read())
si = 8  # after "fLaC" and the block header
data[si + 13] &= 0xF0
data[si + 14 : si + 18] = b"\0\0\0\0"
open("flac-no-total.flac", "wb").write(data)
PY
ok flac-no-total.flac flac 8000 1 9000 0 "last frame header"
ff $(sine 8000 3000) -c:a pcm_u8 wav-u8.wav
ok wav-u8.wav wav 8000 1 3000 0 "data size"
ff -f lavfi -i "sine=frequency=440:sample_rate=11025" -af "atrim=end_sample=1500" -ac 2 -c:a pcm_s16le wav-s16-stereo.wav
ok wav-s16-stereo.wav wav 11025 2 1500 0 "data size"
ff $(sine 8000 2000) -c:a pcm_s16le -rf64 always wav-rf64.wav
ok wav-rf64.wav wav 8000 1 2000 0 "data size"
ff $(sine 8000 1000) -c:a pcm_s24le wav-s24.wav
ok wav-s24.wav wav 8000 1 1000 0 "data size"

# --- Bad audio ----------------------------------------------------------------------------
: > empty.mp3
bad empty.mp3 "the file is empty"
printf '# Episode notes\n\nThis is a text file that was named like an MP3 file.\n' > text.mp3
bad text.mp3 "this is a text file, not audio"
python3 -c "import random; random.seed(7); open('random.mp3','wb').write(bytes(random.randrange(256) for _ in range(6000)))"
bad random.mp3 "not MP3 audio"
head -c 2500 mp3-cbr-info.mp3 > truncated.mp3
bad truncated.mp3 "truncated: the Info header promises"
head -c 3000 m4a-moov-first.m4a > truncated.m4a
bad truncated.m4a "truncated: box 'mdat'"
# Cut at the end of the audio, where the index (moov) would begin: an interrupted recording.
head -c 3000 m4a-moov-last.m4a > truncated-moov-last.m4a
bad truncated-moov-last.m4a "truncated: box 'mdat'"
python3 - <<'PY'
data = open("m4a-moov-last.m4a", "rb").read()
open("moov-missing.m4a", "wb").write(data[: data.rindex(b"moov") - 4])
PY
bad moov-missing.m4a "no 'moov' box: the file has audio data but no index"
printf 'ID3\x03\x00\x00\x00\x00\x00\x0a%010d' 0 > zero-frames.mp3
bad zero-frames.mp3 "no audio: the file holds only tags"

head -c 3000 flac.flac > truncated.flac
bad truncated.flac "truncated: STREAMINFO promises 9000 samples"
head -c 2000 vorbis.ogg > truncated.ogg
bad truncated.ogg "truncated: the last Ogg page"
head -c 2000 wav-u8.wav > truncated.wav
bad truncated.wav "truncated: the data chunk claims 3000 bytes"
python3 - <<'PY'
data = open("opus.opus", "rb").read()
# Keep the two header pages (OpusHead, OpusTags): a valid stream with no audio.
second = data.index(b"OggS", 4)
third = data.index(b"OggS", second + 4)
open("opus-headers-only.opus", "wb").write(data[:third])
PY
bad opus-headers-only.opus "no audio"
ff $(sine 44100 20000) -c:a aac -b:a 24k -f adts adts.aac
bad adts.aac "no MP3 frames found; this looks like raw ADTS AAC"
ff $(sine 44100 20000) -c:a mp2 -b:a 32k -f mp2 layer2.mp3
bad layer2.mp3 "this is MPEG Layer I/II audio (MP2), not MP3"

# --- Extension lies about the format (probed by content, with a warning) -------------------
cp mp3-cbr-info.mp3 really-an-mp3.m4a
ok really-an-mp3.m4a mp3 44100 1 52000 0 "info header + lame tag"

ls -l
