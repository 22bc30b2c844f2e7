#!/usr/bin/env python3
"""Writes the loudness fixtures: 16-bit PCM WAV files of a 1 kHz sine at a known level, small
enough to commit (8 kHz, 2 seconds: 32 KB mono). Deterministic; run from the repository root:

    python3 scripts/make-loudness-fixtures.py

Expected figures (BS.1770-4; K-weighting is +0.69 dB at 1 kHz, cancelled by its -0.691 offset):
a mono sine with a peak of P dBFS has an integrated loudness of P - 3.01 LUFS, the same sine on
both stereo channels P LUFS; the true peak is P dBTP (the sine's crests fall on samples) and
the loudness range 0 LU (a steady tone). tests/loudness.rs pins these.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 8000
SECONDS = 2
FREQ = 1000


def sine(peak_dbfs, channels, path):
    amp = 10 ** (peak_dbfs / 20)
    frames = bytearray()
    for n in range(RATE * SECONDS):
        # Phase 0: the crests fall on samples 2 and 6 of each 8-sample period.
        v = round(amp * 32767 * math.sin(2 * math.pi * FREQ * n / RATE))
        frames += struct.pack("<h", v) * channels
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))


def steps(path):
    """8-bit mono at 4 kHz (small): a 500 Hz tone, 4 s at -30 dBFS then 4 s at -10 dBFS, so
    that the loudness range is far from 0."""
    rate, freq = 4000, 500
    frames = bytearray()
    for n in range(rate * 8):
        amp = 10 ** ((-30 if n < rate * 4 else -10) / 20)
        frames.append(128 + round(amp * 127 * math.sin(2 * math.pi * freq * n / rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def main():
    audio = Path("tests/fixtures/audio/loudness")
    audio.mkdir(parents=True, exist_ok=True)
    sine(-20, 1, audio / "sine-1k-20dbfs-mono.wav")
    sine(-20, 2, audio / "sine-1k-20dbfs-stereo.wav")
    steps(audio / "steps-500hz-30-then-10dbfs.wav")
    # The fixture site of tests/loudness.rs: one episode too quiet, one too loud and peaking,
    # one on target (-16 LUFS mono: a -12.99 dBFS peak).
    site = Path("tests/fixtures/sites/loudness/audio")
    site.mkdir(parents=True, exist_ok=True)
    sine(-20, 1, site / "quiet.wav")
    sine(-0.5, 1, site / "loud.wav")
    sine(-12.99, 1, site / "right.wav")


if __name__ == "__main__":
    main()
