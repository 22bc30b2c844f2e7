#!/usr/bin/env python3
"""Writes tests/fixtures/import-corpus/: small podcast feeds of the kinds real shows have
(missing dates, announcement posts, relative or several enclosures, Atom, odd values), and
expected.json, what `onair import` must make of each: every item with an audio enclosure an
episode (its GUID and enclosure URL), how many items are skipped and how many guessed.
`{AUDIO_BASE}` in a URL is replaced by tests/import_corpus.rs with a local server that serves
real audio, for the items whose facts the import must probe. The shows are invented.
Re-running rewrites the folder."""
import json
import os
import shutil

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "import-corpus")
NS = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:atom="http://www.w3.org/2005/Atom"'
)
MEDIA = "https://media.example.net/show"
FULL_CHANNEL = (
    "<itunes:image href=\"https://media.example.net/show/cover.jpg\"/>"
    "<itunes:category text=\"Education\"/>"
    "<itunes:author>Marta Quill</itunes:author>"
    "<itunes:owner><itunes:name>Marta Quill</itunes:name><itunes:email>marta@example.net</itunes:email></itunes:owner>"
)
DATES = [
    "Tue, 04 Mar 2025 08:00:00 +0000",
    "Tue, 25 Feb 2025 08:00:00 +0000",
    "Tue, 18 Feb 2025 08:00:00 +0000",
    "Tue, 11 Feb 2025 08:00:00 +0000",
    "Tue, 04 Feb 2025 08:00:00 +0000",
]

feeds = {}


def item(n, title=None, guid="auto", date="auto", enclosure="auto", extra="", body="auto",
         length="1843200", duration="0:30:12", mime="audio/mpeg"):
    parts = ["<item>"]
    if title is None:
        title = f"Field notes {n}"
    if title:
        parts.append(f"<title>{title}</title>")
    if guid == "auto":
        guid = f"fieldnotes-{n}"
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if date == "auto":
        date = DATES[(n - 1) % len(DATES)]
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if enclosure == "auto":
        enclosure = f"{MEDIA}/fieldnotes-{n}.mp3"
    if enclosure is not None:
        attrs = f'url="{enclosure}"'
        if length is not None:
            attrs += f' length="{length}"'
        if mime is not None:
            attrs += f' type="{mime}"'
        parts.append(f"<enclosure {attrs}/>")
    if duration is not None:
        parts.append(f"<itunes:duration>{duration}</itunes:duration>")
    if body == "auto":
        body = f"<description>We walk the river path and talk about week {n}.</description>"
    parts.append(body or "")
    parts.append(extra)
    parts.append("</item>")
    return "".join(parts)


def rss(name, items, channel=FULL_CHANNEL, title="Field Notes", link="https://fieldnotes.example.net",
        head='<?xml version="1.0" encoding="UTF-8"?>', description="A walking show about rivers.",
        episodes=None, skipped=0, guessed=0, encoding=None):
    ch = [f"<title>{title}</title>" if title else ""]
    if link:
        ch.append(f"<link>{link}</link>")
    if description:
        ch.append(f"<description>{description}</description>")
    ch.append("<language>en</language>")
    ch.append(channel)
    text = f'{head}\n<rss version="2.0" {NS}>\n<channel>\n' + "\n".join(ch) + "\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    feeds[name] = (text, episodes, skipped, guessed, encoding)


def eps(*pairs):
    return [{"guid": g, "url": u} for g, u in pairs]


def std(n):
    return (f"fieldnotes-{n}", f"{MEDIA}/fieldnotes-{n}.mp3")


# --- Complete and ordinary ---------------------------------------------------------------
rss("01-complete.xml", [item(1), item(2)], episodes=eps(std(1), std(2)))
rss("02-cdata-titles.xml", [item(1, title="<![CDATA[Rivers & <Stones>: part one]]>"),
                            item(2, title="<![CDATA[Q&A]]>")], episodes=eps(std(1), std(2)))
rss("03-html-description.xml", [item(1, body="<description><![CDATA[<p>We talk about <b>weirs</b> and <a href=\"/notes/1\">the notes</a>.</p><ul><li>Weirs</li><li>Locks</li></ul><script>alert(1)</script>]]></description>"),
                                item(2, body="<description>&lt;p&gt;Escaped &lt;i&gt;HTML&lt;/i&gt; notes&lt;/p&gt;</description>")],
    episodes=eps(std(1), std(2)))
rss("04-entities.xml", [item(1, title="Caf&#233; talk &amp; more &#8217;quoted&#8217;"),
                        item(2, title="Fish &amp;amp; chips", body="<description>Numbers &#x2014; dashes &#169;</description>")],
    episodes=eps(std(1), std(2)))
rss("05-itunes-type-garbage.xml", [item(1), item(2)], channel=FULL_CHANNEL + "<itunes:type>weekly</itunes:type>",
    episodes=eps(std(1), std(2)))
rss("06-episode-numbers-not-numbers.xml", [item(1, extra="<itunes:episode>12a</itunes:episode>"),
                                           item(2, extra="<itunes:episode>two</itunes:episode><itunes:season>S1</itunes:season>"),
                                           item(3, extra="<itunes:episode>-4</itunes:episode>")],
    episodes=eps(std(1), std(2), std(3)))
rss("07-podcast-namespace.xml", [item(1, extra=(
    f'<podcast:chapters url="{MEDIA}/fieldnotes-1.chapters.json" type="application/json+chapters"/>'
    f'<podcast:transcript url="{MEDIA}/fieldnotes-1.vtt" type="text/vtt"/>'
    f'<podcast:transcript url="{MEDIA}/fieldnotes-1.srt" type="application/x-subrip"/>'
    '<podcast:person role="guest" href="https://example.net/ana">Ana Reyes</podcast:person>'
    '<podcast:episode>1</podcast:episode><podcast:season>1</podcast:season>')), item(2)],
    channel=FULL_CHANNEL + '<podcast:guid>9b1deb4d-3b7d-5bad-9bdd-2b0d7b3dcb6d</podcast:guid><podcast:locked owner="marta@example.net">yes</podcast:locked>'
    '<podcast:funding url="https://example.net/tip">Tip jar</podcast:funding><podcast:medium>podcast</podcast:medium>'
    '<podcast:person role="host">Marta Quill</podcast:person>',
    episodes=eps(std(1), std(2)))
rss("08-serial.xml", [item(1, extra="<itunes:episode>2</itunes:episode><itunes:season>1</itunes:season>"),
                      item(2, extra="<itunes:episode>1</itunes:episode><itunes:season>1</itunes:season>")],
    channel=FULL_CHANNEL + "<itunes:type>serial</itunes:type>", episodes=eps(std(1), std(2)))
rss("09-episode-types.xml", [item(1, extra="<itunes:episodeType>trailer</itunes:episodeType>"),
                             item(2, extra="<itunes:episodeType>Bonus</itunes:episodeType>"),
                             item(3, extra="<itunes:episodeType>special</itunes:episodeType>")],
    episodes=eps(std(1), std(2), std(3)))
rss("10-explicit-variants.xml", [item(1, extra="<itunes:explicit>yes</itunes:explicit>"),
                                 item(2, extra="<itunes:explicit>clean</itunes:explicit>"),
                                 item(3, extra="<itunes:explicit>maybe</itunes:explicit>")],
    channel=FULL_CHANNEL + "<itunes:explicit>true</itunes:explicit>", episodes=eps(std(1), std(2), std(3)))
rss("11-keywords-categories.xml", [item(1, extra="<itunes:keywords>rivers, weirs ,, locks</itunes:keywords><category>Nature</category>"),
                                   item(2, extra="<category>rivers</category>")], episodes=eps(std(1), std(2)))
rss("12-summary-only.xml", [item(1, body="<itunes:summary>Only an itunes summary here.</itunes:summary>"),
                            item(2, body="<itunes:subtitle>A subtitle</itunes:subtitle><content:encoded><![CDATA[<p>Full notes.</p>]]></content:encoded><description>Short.</description>")],
    episodes=eps(std(1), std(2)))

# --- Dates -------------------------------------------------------------------------------
rss("13-no-pubdate-middle.xml", [item(1), item(2, date=None), item(3)], episodes=eps(std(1), std(2), std(3)), guessed=1)
rss("14-no-pubdate-old-items.xml", [item(1), item(2), item(3), item(4, date=None), item(5, date=None)],
    episodes=eps(*(std(n) for n in range(1, 6))), guessed=2)
rss("15-no-pubdate-newest.xml", [item(1, date=None), item(2), item(3)], episodes=eps(std(1), std(2), std(3)), guessed=1)
rss("16-no-dates-lastbuilddate.xml", [item(1, date=None), item(2, date=None)],
    channel=FULL_CHANNEL + "<lastBuildDate>Sat, 01 Mar 2025 12:00:00 +0000</lastBuildDate>",
    episodes=eps(std(1), std(2)), guessed=2)
rss("17-no-dates-at-all.xml", [item(1, date=None), item(2, date=None)], episodes=eps(std(1), std(2)), guessed=2)
rss("18-bad-pubdate.xml", [item(1), item(2, date="sometime in May"), item(3)], episodes=eps(std(1), std(2), std(3)), guessed=1)
rss("19-date-formats.xml", [item(1, date="2025-03-04T08:00:00Z"), item(2, date="Tue, 25 Feb 2025 08:00:00 GMT"),
                            item(3, date="Tue, 18 Feb 2025 03:00:00 EST"), item(4, date="18 Feb 2025 01:00:00 +0100")],
    episodes=eps(*(std(n) for n in range(1, 5))))

# --- Items that are not episodes ---------------------------------------------------------
rss("20-announcement-post.xml", [item(1), item(2, title="We are on a break", enclosure=None, duration=None,
                                               body="<description>Back in April. Thanks for listening!</description>"), item(3)],
    episodes=eps(std(1), std(3)), skipped=1)
rss("21-only-one-episode-among-posts.xml", [item(1, enclosure=None, duration=None), item(2, enclosure=None, duration=None), item(3)],
    episodes=eps(std(3)), skipped=2)
rss("22-duplicate-guid.xml", [item(1), item(2, guid="fieldnotes-1")], episodes=eps(std(1)), skipped=1)
rss("23-duplicate-enclosure.xml", [item(1), item(2, enclosure=f"{MEDIA}/fieldnotes-1.mp3")], episodes=eps(std(1)), skipped=1)
rss("24-empty-enclosure-url.xml", [item(1), item(2, enclosure="")], episodes=eps(std(1)), skipped=1)

# --- Enclosures --------------------------------------------------------------------------
rss("25-relative-enclosure.xml", [item(1, enclosure="/media/fieldnotes-1.mp3"), item(2, enclosure="media/fieldnotes-2.mp3")],
    episodes=eps(("fieldnotes-1", "https://fieldnotes.example.net/media/fieldnotes-1.mp3"),
                 ("fieldnotes-2", "https://fieldnotes.example.net/media/fieldnotes-2.mp3")))
rss("26-relative-enclosure-atom-self.xml", [item(1, enclosure="audio/fieldnotes-1.mp3")], link=None,
    channel=FULL_CHANNEL + '<atom:link rel="self" href="https://feeds.example.net/fieldnotes/rss.xml" type="application/rss+xml"/>',
    episodes=eps(("fieldnotes-1", "https://feeds.example.net/fieldnotes/audio/fieldnotes-1.mp3")))
rss("27-several-enclosures.xml", [item(1, extra=f'<enclosure url="{MEDIA}/fieldnotes-1.m4a" length="1500000" type="audio/x-m4a"/>'),
                                  item(2, enclosure=f"{MEDIA}/fieldnotes-2.mp4", mime="video/mp4",
                                       extra=f'<enclosure url="{MEDIA}/fieldnotes-2.mp3" length="1843200" type="audio/mpeg"/>')],
    episodes=eps(std(1), std(2)))
rss("28-no-guid.xml", [item(1, guid=None), item(2)], episodes=eps((f"{MEDIA}/fieldnotes-1.mp3", f"{MEDIA}/fieldnotes-1.mp3"), std(2)))
rss("29-m4a-and-types.xml", [item(1, enclosure=f"{MEDIA}/fieldnotes-1.m4a", mime="audio/mp4"),
                             item(2, mime=None), item(3, mime="audio/mp3"), item(4, mime="application/octet-stream")],
    episodes=eps((f"fieldnotes-1", f"{MEDIA}/fieldnotes-1.m4a"), std(2), std(3), std(4)))
rss("30-ampersand-url.xml", [item(1, enclosure=f"{MEDIA}/fieldnotes-1.mp3?src=rss&amp;n=1")],
    episodes=eps(("fieldnotes-1", f"{MEDIA}/fieldnotes-1.mp3?src=rss&n=1")))
rss("31-durations.xml", [item(1, duration="1812"), item(2, duration="30:12"), item(3, duration="0:30:12.5"),
                         item(4, duration="1:01:00")], episodes=eps(*(std(n) for n in range(1, 5))))
rss("32-duration-garbage-probed.xml", [item(1, enclosure="{AUDIO_BASE}/fieldnotes-1.mp3", duration="about half an hour")],
    episodes=eps(("fieldnotes-1", "{AUDIO_BASE}/fieldnotes-1.mp3")))
rss("33-length-missing-probed.xml", [item(1, enclosure="{AUDIO_BASE}/fieldnotes-1.mp3", length=None),
                                     item(2, enclosure="{AUDIO_BASE}/fieldnotes-2.mp3", length="unknown")],
    episodes=eps(("fieldnotes-1", "{AUDIO_BASE}/fieldnotes-1.mp3"), ("fieldnotes-2", "{AUDIO_BASE}/fieldnotes-2.mp3")))

# --- Titles --------------------------------------------------------------------------------
rss("34-no-title-with-notes.xml", [item(1, title=""), item(2)], episodes=eps(std(1), std(2)), guessed=1)
rss("35-no-title-no-notes.xml", [item(1, title="", body=""), item(2)], episodes=eps(std(1), std(2)), guessed=1)
rss("36-long-title.xml", [item(1, title="A very long title " * 12)], episodes=eps(std(1)))

# --- The channel ---------------------------------------------------------------------------
rss("37-no-categories.xml", [item(1)], channel=FULL_CHANNEL.replace('<itunes:category text="Education"/>', ""), episodes=eps(std(1)))
rss("38-no-artwork.xml", [item(1)], channel=FULL_CHANNEL.replace('<itunes:image href="https://media.example.net/show/cover.jpg"/>', ""), episodes=eps(std(1)))
rss("39-no-owner.xml", [item(1)], channel=FULL_CHANNEL.split("<itunes:owner>")[0], episodes=eps(std(1)))
rss("40-bare-channel.xml", [item(1), item(2)], channel="", description=None, episodes=eps(std(1), std(2)))
rss("41-rss-image-only.xml", [item(1)], channel=FULL_CHANNEL.replace('<itunes:image href="https://media.example.net/show/cover.jpg"/>',
                                                                     "<image><url>https://media.example.net/show/rss-cover.png</url><title>Field Notes</title><link>https://fieldnotes.example.net</link></image>"),
    episodes=eps(std(1)))

rss("46-podcast-guid-not-uuid.xml", [item(1)], channel=FULL_CHANNEL + "<podcast:guid>field-notes-show</podcast:guid>",
    episodes=eps(std(1)))

# --- Encodings -----------------------------------------------------------------------------
rss("42-latin1.xml", [item(1, title="Caf\u00e9 de la rivi\u00e8re")], head='<?xml version="1.0" encoding="ISO-8859-1"?>',
    episodes=eps(std(1)), encoding="latin-1")
rss("43-bom-crlf.xml", [item(1), item(2)], head='\ufeff<?xml version="1.0" encoding="UTF-8"?>', episodes=eps(std(1), std(2)),
    encoding="crlf")

# --- Atom ----------------------------------------------------------------------------------
ATOM_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
             'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">\n')


def atom(name, entries, head_extra, episodes, skipped=0, guessed=0):
    text = ATOM_HEAD + head_extra + "\n" + "\n".join(entries) + "\n</feed>\n"
    feeds[name] = (text, episodes, skipped, guessed, None)


atom("44-atom.xml", [
    f'<entry><title>Field notes 1</title><id>urn:uuid:2f0a1c52-8a4e-4d8e-9a5e-1b1f4a7a0001</id>'
    f'<published>2025-03-04T08:00:00Z</published><updated>2025-03-05T08:00:00Z</updated>'
    f'<link rel="alternate" href="https://fieldnotes.example.net/1"/>'
    f'<link rel="enclosure" href="{MEDIA}/fieldnotes-1.mp3" length="1843200" type="audio/mpeg"/>'
    f'<summary>The first walk.</summary><itunes:duration>30:12</itunes:duration></entry>',
    f'<entry><title type="html">Field notes &lt;b&gt;2&lt;/b&gt;</title><id>tag:fieldnotes.example.net,2025:2</id>'
    f'<updated>2025-02-25T08:00:00+01:00</updated>'
    f'<link rel="enclosure" href="/media/fieldnotes-2.mp3" length="1843200" type="audio/mpeg"/>'
    f'<content type="html">&lt;p&gt;Second walk.&lt;/p&gt;</content><itunes:duration>1812</itunes:duration></entry>',
    f'<entry><title>Newsletter</title><id>tag:fieldnotes.example.net,2025:news</id><updated>2025-02-20T08:00:00Z</updated>'
    f'<content>Subscribe to the letter.</content></entry>',
], '<title>Field Notes (Atom)</title><subtitle>A walking show about rivers.</subtitle>'
   '<link href="https://fieldnotes.example.net/"/><link rel="self" href="https://fieldnotes.example.net/atom.xml"/>'
   '<id>urn:uuid:2f0a1c52-8a4e-4d8e-9a5e-1b1f4a7a0000</id><updated>2025-03-05T08:00:00Z</updated>'
   '<author><name>Marta Quill</name></author><logo>https://media.example.net/show/cover.jpg</logo>'
   '<itunes:category text="Education"/>',
   eps(("urn:uuid:2f0a1c52-8a4e-4d8e-9a5e-1b1f4a7a0001", f"{MEDIA}/fieldnotes-1.mp3"),
       ("tag:fieldnotes.example.net,2025:2", "https://fieldnotes.example.net/media/fieldnotes-2.mp3")), skipped=1)
atom("45-atom-minimal.xml", [
    f'<entry><title>Only walk</title><id>walk-1</id><updated>2024-11-01T10:00:00Z</updated>'
    f'<link rel="enclosure" href="{MEDIA}/walk-1.mp3" length="900000" type="audio/mpeg"/>'
    f'<itunes:duration>15:00</itunes:duration></entry>',
], '<title>Walks</title><link href="https://walks.example.net/"/><id>walks</id><updated>2024-11-01T10:00:00Z</updated>',
   eps(("walk-1", f"{MEDIA}/walk-1.mp3")))

shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
expected = {}
for name, (text, episodes, skipped, guessed, encoding) in sorted(feeds.items()):
    path = os.path.join(OUT, name)
    if encoding == "latin-1":
        data = text.encode("latin-1")
    elif encoding == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    else:
        data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    expected[name] = {"episodes": episodes, "skipped": skipped, "guessed": guessed}
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"{len(feeds)} feeds in {os.path.relpath(OUT)}")
