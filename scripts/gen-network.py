#!/usr/bin/env python3
"""Split an onair site made by ../shared/bench/gen-sites.py into a network of N shows.

    scripts/gen-network.py SITE N OUT

SITE's site.yaml becomes the network's, its assets/ are shared, and its episodes are dealt out
round-robin to shows/show-01 ... shows/show-NN (each with a show.yaml of its own title). The
network has the same episodes as SITE, so scripts/bench can time one against the other.
"""
import pathlib
import shutil
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    site, count, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])
    if out.exists():
        sys.exit(f"gen-network.py: {out} exists")
    out.mkdir(parents=True)
    shutil.copy(site / "site.yaml", out / "site.yaml")
    if (site / "assets").is_dir():
        shutil.copytree(site / "assets", out / "assets")
    shows = []
    for n in range(1, count + 1):
        show = out / "shows" / f"show-{n:02}"
        (show / "episodes").mkdir(parents=True)
        (show / "show.yaml").write_text(
            f"title: Bench Show {n}\ndescription: Show {n} of a synthetic network for build benchmarks.\n"
        )
        shows.append(show)
    episodes = sorted((site / "episodes").glob("*.md"))
    for i, ep in enumerate(episodes):
        shutil.copy(ep, shows[i % count] / "episodes" / ep.name)
    print(f"{out}: {count} shows, {len(episodes)} episodes")


if __name__ == "__main__":
    main()
