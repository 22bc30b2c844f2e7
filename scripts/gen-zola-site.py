#!/usr/bin/env python3
"""Writes the onair site that shared/bench/gen-sites.py made as a Zola site, so that scripts/bench
can time Zola on the same show.

usage: scripts/gen-zola-site.py ONAIR_SITE OUT_DIR

ONAIR_SITE is gen-sites.py's OUT/onair (site.yaml, episodes/*.md with YAML front matter in the
generator's fixed shape). OUT_DIR gets a Zola site:

  config.toml                  base URL, title, a `tags` taxonomy, one feed (feed.xml)
  content/_index.md            the home page
  content/episodes/_index.md   the episode list (sorted by date, newest first)
  content/episodes/<slug>.md   one page per episode, TOML front matter: title, date,
                               description (the summary), [taxonomies] tags, [extra] audio,
                               length, duration, number and the chapters
  static/cover.png             the show's artwork
  templates/                   what onair's default theme renders, in Zola's Tera: the home
                               page (show, subscribe box, the newest ten as cards with their
                               first three chapters), /episodes/ (every episode as a card,
                               grouped by year), the tag cloud with counts (/tags/), tag pages
                               (/tags/<tag>/, cards), the episode page (player markup,
                               summary, chapter list, show notes, tags, older/newer links) and
                               /feed.xml (RSS 2.0 with itunes: and content:encoded, every episode)

The chapters are the show notes' "- H:MM:SS - Title" lines, which onair reads as chapters from
the notes itself; Zola has no such reader, so they are written into each page's [extra].
onair shows its tag cloud on /episodes/; here it is on /tags/, Zola's taxonomy list page,
which Zola renders in any case: a `get_taxonomy` on /episodes/ would serialize every tag's
pages a second time (1,000 episodes: 1.25 -> 0.66 s, 429 -> 240 MB without it, one run each).
The conversion reads only what gen-sites.py writes and stops on anything else. The same input
gives the same bytes.
"""
import os
import re
import shutil
import sys

FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)
CHAPTER = re.compile(r"^- (\d+):(\d\d):(\d\d) - (.+)$", re.M)


def die(msg):
    print(f"gen-zola-site: error: {msg}", file=sys.stderr)
    sys.exit(1)


def yaml_scalar(v):
    """The few scalar shapes gen-sites.py writes: "quoted", [a, b], bare words and numbers."""
    v = v.strip()
    if v.startswith('"') and v.endswith('"'):
        return v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if v.startswith("[") and v.endswith("]"):
        return [x.strip() for x in v[1:-1].split(",") if x.strip()]
    return v


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    m = FRONT.match(text)
    if not m:
        die(f"{path}: no front matter")
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            die(f"{path}: cannot read front matter line {line!r}")
        meta[key.strip()] = yaml_scalar(value)
    for key in ("title", "date", "audio", "length", "duration", "episode", "summary", "tags"):
        if key not in meta:
            die(f"{path}: no `{key}:` (gen-sites.py's remote-audio sites only)")
    return meta, text[m.end():]


def toml_str(s):
    out = ['"']
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def seconds(hms):
    parts = [int(x) for x in hms.split(":")]
    total = 0
    for p in parts:
        total = total * 60 + p
    return total


def human(s):
    """"58 min", "1 hr 5 min": what onair's cards show (src/render/mod.rs human_duration)."""
    h, m = s // 3600, s % 3600 // 60
    if h == 0:
        return f"{m} min" if m else f"{s} sec"
    return f"{h} hr {m} min" if m else f"{h} hr"


def put(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def episode_page(meta, body):
    date = meta["date"].replace(" ", "T") + "Z"  # gen-sites.py's dates are UTC
    chapters = [(int(h) * 3600 + int(m) * 60 + int(s), f"{h}:{m}:{s}", t)
                for h, m, s, t in CHAPTER.findall(body)]
    lines = ["+++", f"title = {toml_str(meta['title'])}", f"date = {date}",
             f"description = {toml_str(meta['summary'])}", "", "[taxonomies]",
             "tags = [" + ", ".join(toml_str(t) for t in meta["tags"]) + "]", "", "[extra]",
             f"audio = {toml_str(meta['audio'])}", f"length = {int(meta['length'])}",
             f"duration = {toml_str(meta['duration'])}",
             f"duration_s = {seconds(meta['duration'])}",
             f"duration_display = {toml_str(human(seconds(meta['duration'])))}",
             f"number = {int(meta['episode'])}",
             "chapters = ["]
    for t, shown, title in chapters:
        lines.append(f"  {{ t = {t}, start = {toml_str(shown)}, title = {toml_str(title)} }},")
    lines += ["]", "+++", ""]
    return "\n".join(lines) + body


def site_yaml(path):
    conf = {}
    for line in open(path, encoding="utf-8"):
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            conf[key.strip()] = value.strip()
    return conf


def main():
    if len(sys.argv) != 3:
        die("usage: gen-zola-site.py ONAIR_SITE OUT_DIR")
    src, out = sys.argv[1], sys.argv[2]
    conf = site_yaml(os.path.join(src, "site.yaml"))
    if os.path.exists(out):
        shutil.rmtree(out)
    put(os.path.join(out, "config.toml"), CONFIG.format(
        url=toml_str(conf["url"]), title=toml_str(conf["title"]),
        description=toml_str(conf["description"]), author=toml_str(conf["author"])))
    put(os.path.join(out, "content", "_index.md"), "+++\ntemplate = \"index.html\"\n+++\n")
    put(os.path.join(out, "content", "episodes", "_index.md"),
        "+++\ntitle = \"All episodes\"\nsort_by = \"date\"\ntemplate = \"episodes.html\"\n"
        "page_template = \"episode.html\"\n+++\n")
    os.makedirs(os.path.join(out, "static"), exist_ok=True)
    shutil.copyfile(os.path.join(src, conf["image"]), os.path.join(out, "static", "cover.png"))
    episodes = os.path.join(src, "episodes")
    for name in sorted(os.listdir(episodes)):
        if not name.endswith(".md"):
            continue
        meta, body = front_matter(os.path.join(episodes, name))
        slug = re.sub(r"^\d{4}-\d\d-\d\d-", "", name[:-3])
        put(os.path.join(out, "content", "episodes", slug + ".md"), episode_page(meta, body))
    for name, text in TEMPLATES.items():
        put(os.path.join(out, "templates", name), text)


CONFIG = """\
base_url = {url}
title = {title}
description = {description}
default_language = "en"
compile_sass = false
build_search_index = false
generate_feeds = true
feed_filenames = ["feed.xml"]
taxonomies = [{{ name = "tags", feed = false }}]

[markdown]
smart_punctuation = true

[extra]
author = {author}
"""

MACROS = """\
{% macro meta(p) -%}
<p class="meta"><span class="num">#{{ p.extra.number }}</span><time datetime="{{ p.date }}">{{ p.date | date(format="%-d %B %Y") }}</time>
<span>{{ p.extra.duration_display }}</span></p>
{%- endmacro meta %}

{% macro tags(p) -%}
{% if p.taxonomies.tags %}<ul class="tags" aria-label="Tags">
  {%- for t in p.taxonomies.tags %}<li><a class="tag" href="{{ get_taxonomy_url(kind="tags", name=t) }}">{{ t }}</a></li>{% endfor -%}
</ul>{% endif %}
{%- endmacro tags %}

{% macro card(p, chapters=3, level=3) -%}
<li class="card" data-url="{{ p.path }}">
  <article>
    <h{{ level }} class="card-title"><a href="{{ p.path }}">{{ p.title }}</a></h{{ level }}>
    {{ self::meta(p=p) }}
    {% if p.description %}<p class="summary">{{ p.description }}</p>{% endif %}
    {%- if chapters > 0 and p.extra.chapters %}
    <ol class="mini-chapters" aria-label="First chapters">
      {%- for c in p.extra.chapters %}{% if loop.index > chapters %}{% break %}{% endif %}
      <li><a href="{{ p.path }}#t={{ c.t }}"><span class="t">{{ c.start }}</span> {{ c.title }}</a></li>
      {%- endfor %}
      {%- set rest = p.extra.chapters | length - chapters %}
      {%- if rest > 0 %}
      <li class="more"><a href="{{ p.path }}#chapters">{{ rest }} more chapter{{ rest | pluralize }}</a></li>
      {%- endif %}
    </ol>
    {%- endif %}
    {%- if chapters == 0 %}{{ self::tags(p=p) }}{% endif %}
  </article>
</li>
{%- endmacro card %}
"""

BASE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<meta name="description" content="{% block description %}{{ config.description }}{% endblock description %}">
<link rel="canonical" href="{{ current_url }}">
<link rel="alternate" type="application/rss+xml" title="{{ config.title }}" href="{{ get_url(path="feed.xml") }}">
<meta property="og:site_name" content="{{ config.title }}">
<meta property="og:url" content="{{ current_url }}">
<meta property="og:image" content="{{ get_url(path="cover.png") }}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-head"><div class="wrap">
  <a class="brand" href="/"><img src="/cover.png" alt="" width="36" height="36"><span>{{ config.title }}</span></a>
  <nav aria-label="Site"><ul><li><a href="/episodes/">Episodes</a></li><li><a href="{{ get_url(path="feed.xml") }}">RSS</a></li></ul></nav>
</div></header>
<main id="main" class="wrap">
{% block main %}{% endblock main %}
</main>
<footer class="site-foot"><div class="wrap"><p><a href="{{ get_url(path="feed.xml") }}">RSS feed</a> · Published with Zola</p></div></footer>
</body>
</html>
"""

INDEX = """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block main %}
{%- set list = get_section(path="episodes/_index.md") %}
<section class="show" aria-labelledby="show-title">
  <img class="show-art" src="/cover.png" alt="{{ config.title }} artwork" width="220" height="220">
  <div class="show-text">
    <h1 id="show-title">{{ config.title }}</h1>
    <p class="show-by">{{ config.extra.author }} · {{ list.pages | length }} episodes</p>
    <p class="show-desc">{{ config.description }}</p>
    <div class="subscribe"><ul class="apps"><li><a class="btn" href="{{ get_url(path="feed.xml") }}">RSS</a></li></ul>
      <div class="feed-copy"><label for="feed-url">Feed URL for any podcast app</label>
        <input id="feed-url" type="text" readonly value="{{ get_url(path="feed.xml") }}"></div></div>
  </div>
</section>
<section class="latest" aria-labelledby="latest">
  <h2 id="latest">Latest episodes</h2>
  <ol class="cards">
    {%- for p in list.pages %}{% if loop.index > 10 %}{% break %}{% endif %}
    {{ m::card(p=p, chapters=3) }}
    {%- endfor %}
  </ol>
  <p class="all"><a class="btn" href="/episodes/">All {{ list.pages | length }} episodes</a></p>
</section>
{% endblock main %}
"""

EPISODES = """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}Episodes · {{ config.title }}{% endblock title %}
{% block main %}
<h1>All episodes</h1>
<p class="tag-cloud"><a href="/tags/">Every tag</a></p>
{%- set_global year = 0 %}
{%- for p in section.pages %}
{%- if p.year != year %}
{%- if not loop.first %}
</ol>
</section>
{%- endif %}
<section class="year" aria-labelledby="y{{ p.year }}">
<h2 id="y{{ p.year }}">{{ p.year }}</h2>
<ol class="cards compact">
{%- set_global year = p.year %}
{%- endif %}
{{ m::card(p=p, chapters=0, level=3) }}
{%- if loop.last %}
</ol>
</section>
{%- endif %}
{%- endfor %}
{% endblock main %}
"""

EPISODE = """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block description %}{{ page.description }}{% endblock description %}
{% block main %}
<article class="episode">
<header class="ep-head">
  <img class="ep-art" src="/cover.png" alt="" width="160" height="160">
  <div><h1>{{ page.title }}</h1>{{ m::meta(p=page) }}</div>
</header>
<div class="player" data-player data-key="{{ page.slug }}" data-duration="{{ page.extra.duration_s }}">
  <audio controls preload="none" src="{{ page.extra.audio }}"><a href="{{ page.extra.audio }}">Download the episode</a></audio>
</div>
{%- if page.description %}
<p class="lede">{{ page.description }}</p>
{%- endif %}
{%- if page.extra.chapters %}
<section class="chapters" id="chapters" aria-labelledby="chapters-h">
  <h2 id="chapters-h">Chapters</h2>
  <ol class="chapter-list">
    {%- for c in page.extra.chapters %}
    <li><a href="#t={{ c.t }}" data-t="{{ c.t }}" data-chapter><span class="t">{{ c.start }}</span> <span class="ct">{{ c.title }}</span></a></li>
    {%- endfor %}
  </ol>
</section>
{%- endif %}
<section class="notes prose" aria-labelledby="notes-h">
  <h2 id="notes-h">Show notes</h2>
  {{ page.content | safe }}
</section>
<section class="files" aria-labelledby="files-h">
  <ul class="file-list"><li><a class="btn" href="{{ page.extra.audio }}" download>Download</a></li></ul>
  {{ m::tags(p=page) }}
</section>
</article>
{%- if page.lower or page.higher %}
<nav class="prevnext" aria-label="More episodes">
  {#- sorted by date, newest first: "higher" is the older episode #}
  {%- if page.higher %}<a class="prev" href="{{ page.higher.path }}" rel="prev"><span class="dir">Older</span> {{ page.higher.title }}</a>{% endif %}
  {%- if page.lower %}<a class="next" href="{{ page.lower.path }}" rel="next"><span class="dir">Newer</span> {{ page.lower.title }}</a>{% endif %}
</nav>
{%- endif %}
{% endblock main %}
"""

TAG = """\
{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}Episodes tagged “{{ term.name }}” · {{ config.title }}{% endblock title %}
{% block main %}
<p class="crumb"><a href="/episodes/">All episodes</a></p>
<h1>Episodes tagged “{{ term.name }}”</h1>
<p class="muted">{{ term.page_count }} episode{{ term.page_count | pluralize }}</p>
<ol class="cards compact">
  {%- for p in term.pages %}
  {{ m::card(p=p, chapters=0, level=2) }}
  {%- endfor %}
</ol>
{% endblock main %}
"""

TAGS = """\
{% extends "base.html" %}
{% block main %}
<h1>Tags</h1>
<ul class="tags tag-cloud">{% for t in terms %}<li><a class="tag" href="{{ t.path }}">{{ t.name }} <span class="count">{{ t.page_count }}</span></a></li>{% endfor %}</ul>
{% endblock main %}
"""

FEED = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>{{ config.title }}</title><link>{{ config.base_url }}/</link><description>{{ config.description }}</description><language>en</language>
<atom:link href="{{ feed_url | safe }}" rel="self" type="application/rss+xml"/>
<itunes:author>{{ config.extra.author }}</itunes:author><itunes:image href="{{ get_url(path="cover.png") }}"/><itunes:explicit>false</itunes:explicit>
{%- for p in pages %}
<item><title>{{ p.title }}</title><link>{{ p.permalink | escape_xml | safe }}</link>
<guid isPermaLink="false">{{ p.slug }}</guid><pubDate>{{ p.date | date(format="%a, %d %b %Y %H:%M:%S %z") }}</pubDate>
<enclosure url="{{ p.extra.audio }}" length="{{ p.extra.length }}" type="audio/mpeg"/><itunes:duration>{{ p.extra.duration }}</itunes:duration><itunes:episode>{{ p.extra.number }}</itunes:episode>
<description>{{ p.description }}</description><content:encoded><![CDATA[{{ p.content | safe }}]]></content:encoded></item>
{%- endfor %}
</channel></rss>
"""

TEMPLATES = {
    "macros.html": MACROS,
    "base.html": BASE,
    "index.html": INDEX,
    "episodes.html": EPISODES,
    "episode.html": EPISODE,
    "tags/single.html": TAG,
    "tags/list.html": TAGS,
    "feed.xml": FEED,
}

if __name__ == "__main__":
    main()
