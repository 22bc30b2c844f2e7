#!/usr/bin/env python3
"""Measures what the default theme's search downloads on a big catalogue with transcripts.

usage: scripts/search-size.py ONAIR_BIN [N] [--out DIR] [--keep]

Makes gen-sites.py's N-episode show (default 10,000), gives every episode a WebVTT transcript
(300 cues of 10 words, about 20 minutes of talk, drawn from a Zipf-distributed vocabulary of
30,000 made-up words, plus `uniqNNNN` said once in episode NNNN's transcript, so that `uniq`
is a prefix of N distinct words), builds it with ONAIR_BIN (`ONAIR_TIMINGS=1`, under
/usr/bin/time) and reports the search index's files and, for chosen words and for the worst
word of all, the bytes a listener's first query downloads: the entry file plus the one
fragment the script (themes/default/static/onair.js, the same lookup as src/search.rs
`lookup`) fetches for it. The content is deterministic. DIR defaults to a folder in /dev/shm.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONS = "bdfgklmnprstvz"
VOWELS = "aeiou"


def shared():
    for c in (os.environ.get("ONAIR_SHARED"), os.path.join(os.path.dirname(REPO), "shared"),
              "/work/shared"):
        if c and os.path.isfile(os.path.join(c, "bench", "gen-sites.py")):
            return c
    sys.exit("search-size: cannot find shared/bench/gen-sites.py (set ONAIR_SHARED)")


def vocabulary(r, n):
    words, seen = [], set()
    while len(words) < n:
        w = "".join(r.choice(CONS) + r.choice(VOWELS) for _ in range(r.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def stamp(s):
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}.000"


def add_transcripts(site):
    r = random.Random(7)
    vocab = vocabulary(r, 30000)
    cum, total = [], 0.0
    for k in range(len(vocab)):
        total += 1.0 / (k + 1)
        cum.append(total)
    eps = os.path.join(site, "episodes")
    tdir = os.path.join(site, "transcripts")
    os.makedirs(tdir, exist_ok=True)
    for name in sorted(os.listdir(eps)):
        path = os.path.join(eps, name)
        text = open(path).read()
        i = int(re.search(r"^episode: (\d+)$", text, re.M).group(1))
        words = r.choices(vocab, cum_weights=cum, k=3000)
        words[r.randrange(3000)] = f"uniq{i:04d}"
        cues = ["WEBVTT", ""]
        for c in range(300):
            cues += [f"{stamp(c * 4)} --> {stamp(c * 4 + 4)}", " ".join(words[c * 10:c * 10 + 10]), ""]
        vtt = name[:-3] + ".vtt"
        with open(os.path.join(tdir, vtt), "w") as f:
            f.write("\n".join(cues))
        text = text.replace("\n---\n", f"\ntranscript: transcripts/{vtt}\n---\n", 1)
        with open(path, "w") as f:
            f.write(text)


def lookup(public, word, cache):
    """(paths fetched, hits or None when common), as src/search.rs `lookup` does."""
    def get(rel):
        if rel not in cache:
            with open(os.path.join(public, rel), "rb") as f:
                cache[rel] = json.loads(f.read())
        return cache[rel]
    entry = get("search/index.json")
    keys = {k: n for n, k in enumerate(entry["keys"].split(" "))}
    k = word
    while k and k not in keys:
        k = k[:-1]
    paths = ["search/index.json"]
    if not k:
        return paths, {}
    # Named by its key (src/search.rs, fragment_path): ASCII letters and digits as they are,
    # any other character as "_" and the hex of each UTF-8 byte.
    name = "".join(c if (c.isascii() and (c.islower() or c.isdigit())) else "".join(f"_{b:02x}" for b in c.encode()) for c in k)
    paths.append(f"search/w/{name}.json")
    frag = get(paths[1])
    union = k == word and "*" in frag
    hits = {}
    for w, a in frag.items():
        if not a and w == word:
            return paths, None
        if not a or ((w != "*") if union else (w == "*" or not w.startswith(word))):
            continue
        e = -1
        for d, t in zip(a[::2], a[1::2]):
            e += d
            had = hits.get(e)
            if had is None or (had >= 0 and (t < 0 or t < had)):
                hits[e] = t
    return paths, hits


def index_share(stderr):
    """What the index cost the build, from ONAIR_TIMINGS: a one-off build makes the index in
    one task that nothing else runs beside (each episode's words, then the fragments, on every
    core), so its time is its share of the build's wall time."""
    index = re.search(r"search: index: \d+ build, ([\d.]+) ms", stderr)
    words = re.search(r"search: episode words: \d+ episode\(s\), ([\d.]+) ms", stderr)
    built = re.search(r"^built .* in (\d+) ms$", stderr, re.M)
    if not (index and words and built):
        return
    index, total = float(index.group(1)), float(built.group(1))
    print(f"  index: {index:.0f} ms of the {total:.0f} ms build (the words {float(words.group(1)):.0f} ms "
          f"of CPU of it), +{100 * index / (total - index):.0f}% over the build without it")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    onair = os.path.abspath(args[0])
    n = int(args[1]) if len(args) > 1 else 10000
    out = None
    if "--out" in sys.argv:
        out = sys.argv[sys.argv.index("--out") + 1]
        args = [a for a in args if a != out]
    out = out or tempfile.mkdtemp(prefix="search-size-", dir="/dev/shm")
    root = os.path.join(out, f"sites-{n}")
    site = os.path.join(root, "onair")
    if not os.path.isdir(os.path.join(site, "transcripts")):
        subprocess.run([sys.executable, os.path.join(shared(), "bench", "gen-sites.py"), str(n), root],
                       check=True)
        add_transcripts(site)
    shutil.rmtree(os.path.join(site, "public"), ignore_errors=True)
    p = subprocess.run(["/usr/bin/time", "-v", onair, "build", site], capture_output=True, text=True,
                       env=dict(os.environ, ONAIR_TIMINGS="1"))
    if p.returncode != 0:
        sys.exit(p.stderr[-3000:])
    for line in p.stderr.splitlines():
        if re.search(r"Elapsed|Maximum resident|User time|System time|search|publish|total", line):
            print("  build:", line.strip())
    index_share(p.stderr)
    public = os.path.join(site, "public")
    sdir = os.path.join(public, "search", "w")
    sizes = sorted(os.path.getsize(os.path.join(sdir, f)) for f in os.listdir(sdir))
    entry_size = os.path.getsize(os.path.join(public, "search", "index.json"))
    entry = json.load(open(os.path.join(public, "search", "index.json")))
    keys = entry["keys"].split(" ")
    print(f"{n} episodes: entry file {entry_size:,} bytes, {len(keys):,} keys; fragments: "
          f"{len(sizes):,}, median {sizes[len(sizes) // 2]:,} bytes, largest {sizes[-1]:,}, "
          f"{sum(sizes) / 1e6:.1f} MB in all")
    print(f"worst first query of one word (entry + largest fragment): {(entry_size + sizes[-1]) / 1000:.0f} KB")
    cache = {}
    for word in ["uniq1234", "uniq", "uniq1", "uniq12", sys.argv[-1] if "--word" in sys.argv else "kalo",
                 "ka", "wex", "ba", "bala"]:
        paths, hits = lookup(public, word, cache)
        total = sum(os.path.getsize(os.path.join(public, q)) for q in paths)
        what = "common (does not narrow)" if hits is None else f"{len(hits):,} episodes"
        print(f"  first query {word!r}: {total / 1000:.0f} KB ({len(paths) - 1} fragment), {what}")
    if "--keep" not in sys.argv:
        shutil.rmtree(public, ignore_errors=True)


if __name__ == "__main__":
    main()
