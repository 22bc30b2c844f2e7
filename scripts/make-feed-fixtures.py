#!/usr/bin/env python3
"""Writes tests/fixtures/feeds/: pass.xml, a feed that passes every `onair check` rule and uses
every tag the rules cover, plus for each rule RULE.xml, the same feed broken in one place so that
it breaks RULE (and, where the rule has alternatives, RULE.pass.xml exercising them correctly).
tests/check_rules.rs checks each file and compares the output with RULE.expected.

usage: scripts/make-feed-fixtures.py   (from the repository root; rewrites the .xml files only)
"""
import os

OUT = os.path.join("tests", "fixtures", "feeds")

BASE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <atom:link href="https://example.com/feed.xml" rel="self" type="application/rss+xml"/>
    <title>Night Shift Radio</title>
    <link>https://example.com/</link>
    <description>Conversations with people who keep things running overnight.</description>
    <language>en-us</language>
    <copyright>2024 Night Shift Radio</copyright>
    <lastBuildDate>Mon, 02 Sep 2024 06:00:00 +0000</lastBuildDate>
    <image>
      <url>https://example.com/assets/cover.jpg</url>
      <title>Night Shift Radio</title>
      <link>https://example.com/</link>
    </image>
    <itunes:image href="https://example.com/assets/cover.jpg"/>
    <itunes:category text="Society &amp; Culture">
      <itunes:category text="Documentary"/>
    </itunes:category>
    <itunes:category text="Technology"/>
    <itunes:explicit>false</itunes:explicit>
    <itunes:author>Night Shift Collective</itunes:author>
    <itunes:owner>
      <itunes:name>Rosa Marquez</itunes:name>
      <itunes:email>rosa@example.com</itunes:email>
    </itunes:owner>
    <itunes:type>episodic</itunes:type>
    <podcast:guid>4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f</podcast:guid>
    <podcast:locked owner="rosa@example.com">yes</podcast:locked>
    <podcast:medium>podcast</podcast:medium>
    <podcast:funding url="https://example.com/support">Keep the lights on</podcast:funding>
    <podcast:person role="host" href="https://example.com/rosa">Rosa Marquez</podcast:person>
    <podcast:trailer pubdate="Mon, 01 Jul 2024 06:00:00 +0000" url="https://example.com/audio/trailer.mp3" length="498213" type="audio/mpeg">What the night shift sounds like</podcast:trailer>
    <item>
      <title>The Bakery at 3 AM</title>
      <description><![CDATA[<p>Bread, ovens and the <a href="https://example.com/episodes/bakery/">people</a> who start before dawn.</p>]]></description>
      <content:encoded><![CDATA[<p>Full notes with a <a href="https://example.org/bakers">guild link</a>.</p>]]></content:encoded>
      <link>https://example.com/episodes/bakery/</link>
      <guid isPermaLink="false">0b7e2c1a-6a49-4a4e-8d1e-3f7e0c5b9a01</guid>
      <pubDate>Mon, 02 Sep 2024 06:00:00 +0000</pubDate>
      <enclosure url="https://example.com/audio/bakery.mp3" length="28341760" type="audio/mpeg"/>
      <itunes:duration>1771</itunes:duration>
      <itunes:explicit>false</itunes:explicit>
      <itunes:image href="https://example.com/assets/bakery.jpg"/>
      <itunes:episode>3</itunes:episode>
      <itunes:season>1</itunes:season>
      <itunes:episodeType>full</itunes:episodeType>
      <podcast:season name="Food">1</podcast:season>
      <podcast:episode>3</podcast:episode>
      <podcast:transcript url="https://example.com/episodes/bakery/transcript.vtt" type="text/vtt"/>
      <podcast:chapters url="https://example.com/episodes/bakery/chapters.json" type="application/json+chapters"/>
      <podcast:person role="guest" href="https://example.com/people/ida">Ida Lindqvist</podcast:person>
    </item>
    <item>
      <title>Signal Maintenance</title>
      <description>Keeping the lines up while the city sleeps.</description>
      <link>https://example.com/episodes/signals/</link>
      <guid isPermaLink="false">6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02</guid>
      <pubDate>Mon, 19 Aug 2024 06:00:00 +0000</pubDate>
      <enclosure url="https://example.com/audio/signals.m4a" length="31457280" type="audio/x-m4a"/>
      <itunes:duration>32:40</itunes:duration>
      <itunes:explicit>true</itunes:explicit>
      <itunes:episode>2</itunes:episode>
      <itunes:episodeType>full</itunes:episodeType>
    </item>
    <item>
      <title>Night Nurses</title>
      <description>Twelve-hour shifts and what they teach.</description>
      <link>https://example.com/episodes/nurses/</link>
      <guid>https://example.com/episodes/nurses/</guid>
      <pubDate>Mon, 05 Aug 2024 06:00:00 GMT</pubDate>
      <enclosure url="https://example.com/audio/nurses.mp3" length="30212096" type="audio/mpeg"/>
      <itunes:duration>0:31:28</itunes:duration>
      <itunes:explicit>false</itunes:explicit>
      <itunes:episode>1</itunes:episode>
      <itunes:episodeType>full</itunes:episodeType>
    </item>
  </channel>
</rss>
"""

ITEM1_GUID = '<guid isPermaLink="false">0b7e2c1a-6a49-4a4e-8d1e-3f7e0c5b9a01</guid>'
ENC1 = '<enclosure url="https://example.com/audio/bakery.mp3" length="28341760" type="audio/mpeg"/>'

# rule id -> [(old, new)] applied to BASE; every `old` must occur exactly once.
BROKEN = {
    "xml-well-formed": [("</title>\n      <description><![CDATA[<p>Bread", "</titel>\n      <description><![CDATA[<p>Bread")],
    "xml-encoding": [('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>')],
    "xml-escape": [("<title>Signal Maintenance</title>", "<title>Signal Maintenance Q&A</title>")],
    "xml-entity": [("Twelve-hour shifts", "Twelve&nbsp;hour shifts")],
    "xml-char": [("Keeping the lines up", "Keeping the lines\x0b up")],
    "xml-cdata-end": [("<description>Keeping the lines up while the city sleeps.</description>", "<description><![CDATA[Indexes like a[b[0]]> keep the lines up.]]></description>")],
    "rss-root": [('<rss version="2.0"', '<rss version="0.92"')],
    "namespace-uri": [('xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"', 'xmlns:itunes="https://www.itunes.com/dtds/podcast-1.0.dtd"')],
    "namespace-prefix": [('xmlns:content="http://purl.org/rss/1.0/modules/content/"', 'xmlns:c="http://purl.org/rss/1.0/modules/content/"'),
                         ("<content:encoded><![CDATA[<p>Full notes with a <a href=\"https://example.org/bakers\">guild link</a>.</p>]]></content:encoded>",
                          "<c:encoded><![CDATA[<p>Full notes with a <a href=\"https://example.org/bakers\">guild link</a>.</p>]]></c:encoded>")],
    "text-whitespace": [("<itunes:author>Night Shift Collective</itunes:author>", "<itunes:author> Night Shift Collective </itunes:author>")],
    "text-length": [("<itunes:author>Night Shift Collective</itunes:author>", "<itunes:author>Night Shift Collective" + ", and friends" * 20 + "</itunes:author>")],
    "url-https": [('<enclosure url="https://example.com/audio/nurses.mp3"', '<enclosure url="http://media.example.com/audio/nurses.mp3"')],
    "xml-trailing": [("</rss>\n", "</rss>\n<!-- served by HostCo in 12 ms -->\n")],
    "channel-title": [("    <title>Night Shift Radio</title>\n    <link>", "    <title></title>\n    <link>")],
    "channel-link": [("    <link>https://example.com/</link>\n    <description>", "    <description>")],
    "channel-description": [("    <description>Conversations with people who keep things running overnight.</description>\n", "")],
    "channel-description-length": [("Conversations with people who keep things running overnight.</description>", "Conversations with people who keep things running overnight." + " Long." * 700 + "</description>")],
    "description-html": [("<description>Keeping the lines up while the city sleeps.</description>", "<description><p>Keeping the lines up while the city sleeps.</p></description>")],
    "url-absolute": [("<link>https://example.com/episodes/signals/</link>", "<link>/episodes/signals/</link>")],
    "html-relative-url": [('the <a href="https://example.com/episodes/bakery/">people</a>', 'the <a href="/episodes/bakery/">people</a>')],
    "language": [("<language>en-us</language>", "<language>English</language>")],
    "atom-self": [('    <atom:link href="https://example.com/feed.xml" rel="self" type="application/rss+xml"/>\n', "")],
    "rss-image": [("      <link>https://example.com/</link>\n    </image>", "      <link>https://example.com/</link>\n      <width>1400</width>\n    </image>")],
    "channel-episodes": [(s, "") for s in []],  # built below: all enclosures removed
    "item-title": [("<title>Signal Maintenance</title>", "<title></title>")],
    "item-enclosure": [(ENC1, ENC1 + '\n      <enclosure url="https://example.com/audio/bakery-hq.mp3" length="56683520" type="audio/mpeg"/>')],
    "enclosure-url": [('url="https://example.com/audio/signals.m4a"', 'url="https://example.com/play?id=signals"')],
    "enclosure-format": [('<enclosure url="https://example.com/audio/signals.m4a" length="31457280" type="audio/x-m4a"/>', '<enclosure url="https://example.com/audio/signals.ogg" length="31457280" type="audio/ogg"/>')],
    "enclosure-unique": [('url="https://example.com/audio/signals.m4a" length="31457280" type="audio/x-m4a"', 'url="https://example.com/audio/bakery.mp3" length="28341760" type="audio/mpeg"')],
    "enclosure-length": [('length="28341760"', 'length="0"')],
    "enclosure-type": [('length="30212096" type="audio/mpeg"', 'length="30212096" type="audio/mp3"')],
    "item-guid": [('      <guid isPermaLink="false">6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02</guid>\n', "")],
    "guid-unique": [("6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02", "0b7e2c1a-6a49-4a4e-8d1e-3f7e0c5b9a01")],
    "guid-permalink": [('<guid isPermaLink="false">6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02</guid>', "<guid>6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02</guid>")],
    "guid-short": [('<guid isPermaLink="false">6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02</guid>', '<guid isPermaLink="false">2</guid>')],
    "item-pubdate": [("      <pubDate>Mon, 19 Aug 2024 06:00:00 +0000</pubDate>\n", "")],
    "pubdate-rfc2822": [("<pubDate>Mon, 19 Aug 2024 06:00:00 +0000</pubDate>", "<pubDate>2024-08-19T06:00:00Z</pubDate>")],
    "pubdate-future": [("<pubDate>Mon, 02 Sep 2024 06:00:00 +0000</pubDate>", "<pubDate>Tue, 02 Sep 2031 06:00:00 +0000</pubDate>")],
    "item-description-length": [("<description>Twelve-hour shifts and what they teach.</description>", "<description>Twelve-hour shifts and what they teach." + " More." * 700 + "</description>")],
    "content-order": [("""      <description><![CDATA[<p>Bread, ovens and the <a href="https://example.com/episodes/bakery/">people</a> who start before dawn.</p>]]></description>
      <content:encoded><![CDATA[<p>Full notes with a <a href="https://example.org/bakers">guild link</a>.</p>]]></content:encoded>""",
                        """      <content:encoded><![CDATA[<p>Full notes with a <a href="https://example.org/bakers">guild link</a>.</p>]]></content:encoded>
      <description><![CDATA[<p>Bread, ovens and the <a href="https://example.com/episodes/bakery/">people</a> who start before dawn.</p>]]></description>""")],
    "html-unsafe": [('<a href="https://example.org/bakers">guild link</a>.</p>', '<a href="https://example.org/bakers">guild link</a>.</p><iframe src="https://example.org/player"></iframe>')],
    "item-link": [("      <link>https://example.com/episodes/signals/</link>\n", "")],
    "item-order": [("<pubDate>Mon, 19 Aug 2024 06:00:00 +0000</pubDate>", "<pubDate>Mon, 09 Sep 2024 06:00:00 +0000</pubDate>")],
    "itunes-image": [('<itunes:image href="https://example.com/assets/cover.jpg"/>', "<itunes:image>https://example.com/assets/cover.jpg</itunes:image>")],
    "itunes-category": [('<itunes:category text="Technology"/>', '<itunes:category text="Games &amp; Hobbies"/>'),
                        ('<itunes:category text="Documentary"/>', '<itunes:category text="Documentaries"/>')],
    "itunes-explicit": [("<itunes:explicit>false</itunes:explicit>\n    <itunes:author>", "<itunes:explicit>no</itunes:explicit>\n    <itunes:author>")],
    "item-explicit": [("      <itunes:explicit>true</itunes:explicit>\n", "")],
    "itunes-author": [("    <itunes:author>Night Shift Collective</itunes:author>\n", "")],
    "itunes-owner": [("      <itunes:email>rosa@example.com</itunes:email>\n", "")],
    "itunes-type": [("<itunes:type>episodic</itunes:type>", "<itunes:type>serial</itunes:type>"),
                    ("      <itunes:episode>2</itunes:episode>\n", "")],
    "itunes-block": [("<itunes:type>episodic</itunes:type>", "<itunes:type>episodic</itunes:type>\n    <itunes:block>no</itunes:block>")],
    "itunes-complete": [("<itunes:type>episodic</itunes:type>", "<itunes:type>episodic</itunes:type>\n    <itunes:complete>true</itunes:complete>")],
    "itunes-duration": [("      <itunes:duration>32:40</itunes:duration>\n", "")],
    "itunes-duration-format": [("<itunes:duration>1771</itunes:duration>", "<itunes:duration>1771.4</itunes:duration>")],
    "itunes-episode": [("<itunes:season>1</itunes:season>", "<itunes:season>0</itunes:season>")],
    "itunes-episode-type": [("<itunes:episodeType>full</itunes:episodeType>\n      <podcast:season", "<itunes:episodeType>Full</itunes:episodeType>\n      <podcast:season")],
    "podcast-guid": [("<podcast:guid>4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f</podcast:guid>", "<podcast:guid>4a5d36c8-8f0e-4a4c-9d7e-1f2b3c4d5e6f</podcast:guid>")],
    "podcast-guid-uuid": [("<podcast:guid>4a5d36c8-8f0e-5a4c-9d7e-1f2b3c4d5e6f</podcast:guid>", "<podcast:guid>night-shift-radio</podcast:guid>")],
    "podcast-locked": [('<podcast:locked owner="rosa@example.com">yes</podcast:locked>', "<podcast:locked>yes</podcast:locked>")],
    "podcast-transcript": [('type="text/vtt"/>', 'type="text/webvtt"/>')],
    "podcast-chapters": [('type="application/json+chapters"/>', 'type="application/json"/>')],
    "podcast-person": [('<podcast:person role="guest" href="https://example.com/people/ida">Ida Lindqvist</podcast:person>', '<podcast:person role="guest" href="https://example.com/people/ida"></podcast:person>')],
    "podcast-person-role": [('<podcast:person role="guest"', '<podcast:person role="special guest"')],
    "podcast-season": [('<podcast:season name="Food">1</podcast:season>', '<podcast:season name="Food">one</podcast:season>')],
    "podcast-episode": [("<podcast:episode>3</podcast:episode>", "<podcast:episode>three</podcast:episode>")],
    "podcast-funding": [('<podcast:funding url="https://example.com/support">Keep the lights on</podcast:funding>', "<podcast:funding>Keep the lights on</podcast:funding>")],
    "podcast-medium": [("<podcast:medium>podcast</podcast:medium>", "<podcast:medium>radio</podcast:medium>")],
    "podcast-trailer": [('<podcast:trailer pubdate="Mon, 01 Jul 2024 06:00:00 +0000"', '<podcast:trailer pubdate="2024-07-01"')],
}

# Passing variants for rules with alternatives the base feed does not use.
PASSING = {
    "itunes-type": [("<itunes:type>episodic</itunes:type>", "<itunes:type>serial</itunes:type>")],
    "itunes-block": [("<itunes:type>episodic</itunes:type>", "<itunes:type>episodic</itunes:type>\n    <itunes:block>Yes</itunes:block>")],
    "itunes-complete": [("<itunes:type>episodic</itunes:type>", "<itunes:type>episodic</itunes:type>\n    <itunes:complete>Yes</itunes:complete>")],
    "enclosure-type": [('length="31457280" type="audio/x-m4a"', 'length="31457280" type="audio/mp4"')],
    "guid-permalink": [('<guid isPermaLink="false">6c1f9d2e-5b3a-4f70-9e8d-2a1b0c9d8e02</guid>', '<guid isPermaLink="true">https://example.com/episodes/signals/</guid>')],
    "pubdate-rfc2822": [("<pubDate>Mon, 19 Aug 2024 06:00:00 +0000</pubDate>", "<pubDate>19 Aug 2024 02:00 -0400</pubDate>")],
    "itunes-duration-format": [("<itunes:duration>1771</itunes:duration>", "<itunes:duration>29:31</itunes:duration>")],
    "xml-entity": [("Twelve-hour shifts", "Twelve&#8209;hour &amp; &#x2014; shifts")],
    "url-https": [('<enclosure url="https://example.com/audio/nurses.mp3"', '<enclosure url="https://media.example.com/audio/nurses.mp3?source=feed&amp;v=2"')],
    "podcast-medium": [("<podcast:medium>podcast</podcast:medium>", "<podcast:medium>podcastL</podcast:medium>")],
    "language": [("<language>en-us</language>", "<language>pt-BR</language>")],
    "namespace-uri": [('xmlns:podcast="https://podcastindex.org/namespace/1.0"', 'xmlns:podcast="https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"')],
    "itunes-category": [('<itunes:category text="Technology"/>', '<itunes:category text="News">\n      <itunes:category text="Tech News"/>\n    </itunes:category>')],
}


def apply(rule, edits):
    text = BASE
    for old, new in edits:
        n = text.count(old)
        if n != 1:
            raise SystemExit(f"{rule}: {old!r} occurs {n} times in the base feed")
        text = text.replace(old, new)
    return text


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "pass.xml"), "w") as f:
        f.write(BASE)
    broken = dict(BROKEN)
    broken["channel-episodes"] = [(line + "\n", "") for line in BASE.splitlines() if "<enclosure " in line]
    for rule, edits in broken.items():
        with open(os.path.join(OUT, f"{rule}.xml"), "w") as f:
            f.write(apply(rule, edits))
    for rule, edits in PASSING.items():
        with open(os.path.join(OUT, f"{rule}.pass.xml"), "w") as f:
            f.write(apply(rule, edits))


if __name__ == "__main__":
    main()
