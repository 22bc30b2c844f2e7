//! Chapters, from whichever source an episode gives them: a `chapters:` list in front matter,
//! a Podcasting 2.0 JSON chapters file, the timestamp lines of the show notes
//! (`02:44 - Title`, `[00:12:30] Title`, `- 1:02:03 - Title with [a link](https://…)`), or
//! the chapters embedded in the audio (read by `crate::audio` while probing).
//! Every chapter remembers the line it was written on, so an error names that line.
//! The one output is JSON chapters 1.2.0 (../shared/research/feed-rules.md, E.1).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::timecode;

/// One chapter, with the 1-based line of its source file where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// Seconds from the start of the audio.
    pub start: f64,
    /// Plain text (Markdown links and emphasis removed). May be empty only for a JSON
    /// chapter written without a title (a silent marker).
    pub title: String,
    pub url: Option<String>,
    pub img: Option<String>,
    /// From a JSON file only: `toc: false` hides a chapter from the table of contents.
    pub toc: Option<bool>,
    /// From a JSON file only.
    pub end: Option<f64>,
    pub line: usize,
}

impl Chapter {
    /// How messages name the chapter: by its title and start, else by its start.
    fn label(&self) -> String {
        if self.title.is_empty() {
            format!("chapter at {}", timecode::display(self.start))
        } else {
            format!(
                "chapter `{}` ({})",
                self.title,
                timecode::display(self.start)
            )
        }
    }

    fn new(start: f64, title: String, line: usize) -> Self {
        Chapter {
            start,
            title,
            url: None,
            img: None,
            toc: None,
            end: None,
            line,
        }
    }
}

/// The `chapters:` key of front matter: a path to a JSON chapters file, or the list itself.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ChaptersField {
    File(String),
    List(Vec<ChapterEntry>),
}

/// One item of a front-matter `chapters:` list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterEntry {
    pub start: ClockValue,
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub img: Option<String>,
}

/// A time as YAML gives it: a number of seconds, or text such as `"02:44"` or `"1:02:03"`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ClockValue {
    Seconds(f64),
    Text(String),
}

impl ClockValue {
    pub fn seconds(&self) -> Result<f64, String> {
        match self {
            ClockValue::Seconds(s) if s.is_finite() && *s >= 0.0 => Ok(*s),
            ClockValue::Seconds(s) => Err(format!("invalid time `{s}`: must not be negative")),
            ClockValue::Text(t) => timecode::parse_clock(t),
        }
    }
}

/// Chapters from a front-matter list. `lines` holds the line of each entry (see
/// [`yaml_item_lines`]); missing entries fall back to `fallback_line`.
pub fn from_entries(
    entries: &[ChapterEntry],
    lines: &[usize],
    fallback_line: usize,
    path: &Path,
) -> (Vec<Chapter>, Vec<Diagnostic>) {
    let mut chapters = Vec::with_capacity(entries.len());
    let mut errors = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(fallback_line);
        let start = match entry.start.seconds() {
            Ok(s) => s,
            Err(e) => {
                errors.push(
                    Diagnostic::error(format!("chapter start: {e}"))
                        .at(path)
                        .line(line),
                );
                continue;
            }
        };
        let (title, link) = plain_inline(&entry.title);
        if title.is_empty() {
            errors.push(
                Diagnostic::error("chapter has an empty title")
                    .at(path)
                    .line(line),
            );
            continue;
        }
        let mut chapter = Chapter::new(start, title, line);
        chapter.url = entry.url.clone().filter(|u| !u.trim().is_empty()).or(link);
        chapter.img = entry.img.clone().filter(|u| !u.trim().is_empty());
        chapters.push(chapter);
    }
    (chapters, errors)
}

/// Chapters embedded in the audio file (as probing stored them), all on `line`: the episode's
/// `audio:` line, which names where they come from. Titles are plain text already.
pub fn from_embedded(stored: &[crate::audio::EmbeddedChapter], line: usize) -> Vec<Chapter> {
    stored
        .iter()
        .map(|c| {
            let mut chapter = Chapter::new(c.start, c.title.clone(), line);
            // Tagging tools leave local paths in link frames: only web links are published.
            chapter.url = c.url.clone().filter(|u| is_web_url(u));
            chapter
        })
        .collect()
}

/// The JSON chapters file format, as read and as written.
#[derive(Debug, Serialize, Deserialize)]
struct ChaptersFile {
    version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(
        default,
        rename = "podcastName",
        skip_serializing_if = "Option::is_none"
    )]
    podcast_name: Option<String>,
    #[serde(default, rename = "fileName", skip_serializing_if = "Option::is_none")]
    file_name: Option<String>,
    chapters: Vec<ChapterJson>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ChapterJson {
    #[serde(rename = "startTime")]
    start_time: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    img: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    toc: Option<bool>,
    #[serde(default, rename = "endTime", skip_serializing_if = "Option::is_none")]
    end_time: Option<serde_json::Value>,
}

/// Chapters from a Podcasting 2.0 JSON chapters file (any 1.x version).
pub fn from_json(text: &str, path: &Path) -> (Vec<Chapter>, Vec<Diagnostic>) {
    let known = [
        "startTime",
        "endTime",
        "title",
        "img",
        "url",
        "toc",
        "location",
    ];
    let mut errors = misspelled_json_keys(text, "chapters", &known, path);
    let file: ChaptersFile = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let d = Diagnostic::error(format!("not a JSON chapters file: {e}")).at(path);
            errors.push(d.line_col(e.line(), e.column()));
            return (Vec::new(), errors);
        }
    };
    if !file.version.starts_with("1.") {
        errors.push(
            Diagnostic::error(format!(
                "JSON chapters version `{}` is not supported (expected 1.x)",
                file.version
            ))
            .at(path)
            .line(1),
        );
    }
    let offsets = timecode::json_key_offsets(text, "startTime");
    let lines = if offsets.len() == file.chapters.len() {
        timecode::lines_of_offsets(text, &offsets)
    } else {
        vec![1; file.chapters.len()]
    };
    let mut chapters = Vec::with_capacity(file.chapters.len());
    for (c, line) in file.chapters.into_iter().zip(lines) {
        let Some(start) = json_time(&c.start_time) else {
            errors.push(
                Diagnostic::error(format!(
                    "chapter startTime must be a number of seconds, not {}",
                    c.start_time
                ))
                .at(path)
                .line(line),
            );
            continue;
        };
        let end = match &c.end_time {
            None => None,
            Some(v) => match json_time(v) {
                Some(e) => Some(e),
                None => {
                    errors.push(
                        Diagnostic::error(format!(
                            "chapter endTime must be a number of seconds, not {v}"
                        ))
                        .at(path)
                        .line(line),
                    );
                    continue;
                }
            },
        };
        let mut chapter = Chapter::new(start, c.title.unwrap_or_default(), line);
        chapter.url = c.url;
        chapter.img = c.img;
        chapter.toc = c.toc;
        chapter.end = end;
        chapters.push(chapter);
    }
    (chapters, errors)
}

/// Misspelled keys of the objects in the list `list_key` of a JSON file (`"starttime"`,
/// `"titel"`): serde passes keys it does not know (the formats allow other tools' keys), so a
/// key within two edits of a `known` one, or differing only in case, is an error at its line
/// instead of a value silently dropped.
pub fn misspelled_json_keys(
    text: &str,
    list_key: &str,
    known: &[&str],
    path: &Path,
) -> Vec<Diagnostic> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(items) = value.get(list_key).and_then(|v| v.as_array()) else {
        return Vec::new();
    };
    let mut typos: Vec<(&str, &str)> = Vec::new();
    for key in items
        .iter()
        .filter_map(|i| i.as_object())
        .flat_map(|o| o.keys())
    {
        if known.contains(&key.as_str()) || typos.iter().any(|(k, _)| k == key) {
            continue;
        }
        let close = known.iter().find(|k| {
            k.eq_ignore_ascii_case(key) || crate::frontmatter::edit_distance(key, k) <= 2
        });
        if let Some(k) = close {
            typos.push((key, k));
        }
    }
    let mut out = Vec::new();
    for (typo, meant) in typos {
        let offsets = timecode::json_key_offsets(text, typo);
        for line in timecode::lines_of_offsets(text, &offsets)
            .into_iter()
            .take(50)
        {
            out.push(
                Diagnostic::error(format!(
                    "unknown key \"{typo}\" (did you mean \"{meant}\"?)"
                ))
                .at(path)
                .line(line),
            );
        }
    }
    out
}

fn json_time(v: &serde_json::Value) -> Option<f64> {
    let seconds = match v {
        serde_json::Value::Number(n) => n.as_f64()?,
        // Some tools write times as strings; a number in a string is still a number.
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

/// Chapters from the timestamp lines of Markdown show notes. `first_line` is the file line
/// of the first line of `markdown` (show notes follow the front matter). A lone timestamp
/// line is a time mentioned in passing, not a table of contents, so fewer than two chapter
/// lines give no chapters. Fenced code and a `Transcript` section are skipped.
pub fn from_notes(
    markdown: &str,
    first_line: usize,
    path: &Path,
) -> (Vec<Chapter>, Vec<Diagnostic>) {
    let mut chapters = Vec::new();
    let mut errors = Vec::new();
    let mut fence: Option<&str> = None;
    let mut skipping_below_level: Option<usize> = None;
    for (i, raw) in markdown.lines().enumerate() {
        let line_no = first_line + i;
        let trimmed = raw.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        if let Some(level) = heading_level(trimmed) {
            if skipping_below_level.is_some_and(|l| level <= l) {
                skipping_below_level = None;
            }
            let text = trimmed[level..].trim().trim_end_matches('#').trim();
            if is_transcript_heading(text) {
                skipping_below_level = Some(level);
            }
            continue;
        }
        if skipping_below_level.is_some() {
            continue;
        }
        match chapters_in_line(raw) {
            Ok(found) => {
                for (start, title_md) in found {
                    let (title, url) = plain_inline(title_md);
                    if title.is_empty() {
                        continue;
                    }
                    let mut chapter = Chapter::new(start, title, line_no);
                    chapter.url = url;
                    chapters.push(chapter);
                }
            }
            Err(message) => errors.push(Diagnostic::error(message).at(path).line(line_no)),
        }
    }
    if chapters.len() < 2 && errors.is_empty() {
        chapters.clear();
    }
    (chapters, errors)
}

fn heading_level(line: &str) -> Option<usize> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let after = line.as_bytes().get(level);
    ((1..=6).contains(&level) && matches!(after, None | Some(b' ') | Some(b'\t'))).then_some(level)
}

fn is_transcript_heading(text: &str) -> bool {
    let text = text.trim_matches(|c: char| c == '*' || c == '_' || c == ':' || c.is_whitespace());
    text.eq_ignore_ascii_case("transcript") || text.eq_ignore_ascii_case("full transcript")
}

/// The chapters one line of show notes holds: none, one (`02:44 - Title`), or several when a
/// list was flattened into a paragraph (`Topics 1:45 – One 7:01 – Two`).
fn chapters_in_line(raw: &str) -> Result<Vec<(f64, &str)>, String> {
    let body = strip_block_markers(raw);
    let mut found = Vec::new();
    match leading_stamp(body)? {
        Some((start, rest)) => {
            let mut runs = run_together_stamps(rest);
            if runs.is_empty() {
                found.push((start, rest));
            } else {
                found.push((start, &rest[..runs[0].0]));
                split_runs(rest, &mut runs, &mut found);
            }
        }
        None => {
            let mut runs = run_together_stamps(body);
            if runs.len() >= 2 {
                split_runs(body, &mut runs, &mut found);
            }
        }
    }
    Ok(found)
}

/// `runs` are (offset of stamp, start, offset of title); each title runs to the next stamp.
fn split_runs<'a>(
    text: &'a str,
    runs: &mut [(usize, f64, usize)],
    found: &mut Vec<(f64, &'a str)>,
) {
    for k in 0..runs.len() {
        let (_, start, title_at) = runs[k];
        let end = runs.get(k + 1).map_or(text.len(), |r| r.0);
        found.push((start, &text[title_at..end]));
    }
}

/// Leading whitespace, blockquote `>` and one list marker (`-`, `*`, `+`, `1.`, `1)`).
fn strip_block_markers(raw: &str) -> &str {
    let mut s = raw.trim_start();
    while let Some(rest) = s.strip_prefix('>') {
        s = rest.trim_start();
    }
    for marker in ["- ", "* ", "+ ", "-\t", "*\t", "+\t"] {
        if let Some(rest) = s.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 10 {
        let rest = &s[digits..];
        for marker in [". ", ") "] {
            if let Some(rest) = rest.strip_prefix(marker) {
                return rest.trim_start();
            }
        }
    }
    s
}

const SEPARATORS: [char; 6] = ['-', '–', '—', ':', '|', '·'];

/// `02:44 - Title`, `[00:12:30] Title`, `**1:02:03** Title`, `(12:30) Title`,
/// `[12:30](#t=750) Title`: the start and the title's Markdown, or None for an ordinary line.
fn leading_stamp(s: &str) -> Result<Option<(f64, &str)>, String> {
    let mut rest = s;
    let bold = ["**", "__"].into_iter().find(|m| rest.starts_with(m));
    if let Some(m) = bold {
        rest = &rest[m.len()..];
    }
    let close = match rest.chars().next() {
        Some('[') => Some(']'),
        Some('(') => Some(')'),
        _ => None,
    };
    if close.is_some() {
        rest = &rest[1..];
    }
    let Some(len) = timecode::clock_len(rest) else {
        return Ok(None);
    };
    let clock = &rest[..len];
    rest = &rest[len..];
    if let Some(close) = close {
        let Some(r) = rest.strip_prefix(close) else {
            return Ok(None);
        };
        rest = r;
        // `[12:30](#t=750)`: a timestamp written as a link.
        if close == ']' && rest.starts_with('(') {
            match rest.find(')') {
                Some(end) => rest = &rest[end + 1..],
                None => return Ok(None),
            }
        }
    }
    if let Some(m) = bold {
        match rest.strip_prefix(m) {
            Some(r) => rest = r,
            None => return Ok(None),
        }
    }
    // A bare clock must stand apart from what follows (`10:30am` is not a chapter).
    let next = rest.chars().next();
    let apart = match next {
        None => true,
        Some(c) => c.is_whitespace() || SEPARATORS.contains(&c) || close.is_some(),
    };
    if !apart {
        return Ok(None);
    }
    let mut title = rest.trim_start();
    if let Some(c) = title.chars().next().filter(|c| SEPARATORS.contains(c)) {
        title = title[c.len_utf8()..].trim_start();
    }
    if title.trim().is_empty() {
        return Ok(None);
    }
    match timecode::parse_clock(clock) {
        Ok(start) => Ok(Some((start, title))),
        Err(e) => Err(format!("chapter line: {e}")),
    }
}

/// Stamps inside running text written as `<clock> <dash> `, preceded by whitespace:
/// (offset of the clock, start, offset of the title after the dash).
fn run_together_stamps(text: &str) -> Vec<(usize, f64, usize)> {
    let mut runs = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i > 0 && bytes[i - 1].is_ascii_whitespace();
        if at_boundary
            && bytes[i].is_ascii_digit()
            && let Some(len) = timecode::clock_len(&text[i..])
        {
            let after = &text[i + len..];
            let trimmed = after.trim_start();
            let spaced = trimmed.len() < after.len();
            let dash = trimmed
                .chars()
                .next()
                .filter(|c| matches!(c, '-' | '–' | '—'));
            if let (true, Some(dash)) = (spaced, dash) {
                let tail = &trimmed[dash.len_utf8()..];
                if tail.starts_with(char::is_whitespace)
                    && let Ok(start) = timecode::parse_clock(&text[i..i + len])
                {
                    let title_at = text.len() - tail.trim_start().len();
                    runs.push((i, start, title_at));
                    i = title_at;
                    continue;
                }
            }
            i += len;
            continue;
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    runs
}

/// Markdown inline text as plain text, and the target of its first link:
/// `Title with [a link](https://x)` -> (`Title with a link`, `https://x`).
pub fn plain_inline(md: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(md.len());
    let mut url = None;
    let mut rest = md;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let link = after.find(']').and_then(|close| {
            let target = after[close + 1..].strip_prefix('(')?;
            let end = matching_paren(target)?;
            Some((&after[..close], &target[..end], close + 1 + 1 + end + 1))
        });
        match link {
            Some((text, target, consumed)) => {
                let text = if out.ends_with('!') {
                    out.pop();
                    text
                } else {
                    text
                };
                out.push_str(text);
                let target = target.split_whitespace().next().unwrap_or("");
                if url.is_none() && !target.is_empty() {
                    url = Some(target.trim_matches(['<', '>']).to_string());
                }
                rest = &after[consumed..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    // Emphasis marks carry nothing a chapter title needs; underscores inside words stay.
    // (Most titles have none of them, nor entities: nothing to copy then.)
    let out = if out.contains(['*', '`', '_', '&']) {
        decode_entities(&out.replace(['*', '`'], "").replace("__", ""))
    } else {
        out
    };
    let mut text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // Single `*`/`_` emphasis around the whole title, and separators left dangling.
    for _ in 0..2 {
        let t = text
            .trim_matches(|c: char| c == '_' || c.is_whitespace())
            .trim_end_matches([' ', '-', '–', '—', '|', ':']);
        if t.len() != text.len() {
            text = t.to_string();
        }
    }
    (text, url)
}

fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The HTML entities show notes carry in text.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "nbsp" => ' ',
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "rsquo" | "lsquo" => '\'',
                "rdquo" | "ldquo" => '"',
                "ndash" => '–',
                "mdash" => '—',
                "hellip" => '…',
                "lrm" | "rlm" => return Some((String::new(), e)),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c.to_string(), e))
        });
        match decoded {
            Some((text, e)) => {
                out.push_str(&text);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Against a duration onair did not measure (`whose`: "the imported feed's", "the typed"),
/// chapters starting at or past the end are dropped and chapters ending past it (by more than
/// the second `validate` allows) end at it, each with a warning on its line: hosts round
/// durations, and the chapter is the likelier fact. What is left passes `validate`'s checks
/// against the duration.
pub fn fit_to_unprobed(
    chapters: Vec<Chapter>,
    duration: f64,
    whose: &str,
    path: &Path,
) -> (Vec<Chapter>, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    let mut kept = Vec::with_capacity(chapters.len());
    for mut c in chapters {
        if c.start >= duration {
            warnings.push(
                Diagnostic::warning(format!(
                    "{} starts past the end of the audio ({}): not published, because the duration is {whose}, not probed; probe the audio (`onair probe --lock URL`) or fix the chapter",
                    c.label(),
                    timecode::display(duration)
                ))
                .at(path)
                .line(c.line),
            );
            continue;
        }
        if let Some(end) = c.end
            && end > c.start
            && end > duration + 1.0
        {
            warnings.push(
                Diagnostic::warning(format!(
                    "{} ends at {}, past the end of the audio ({}): published ending at {}, because the duration is {whose}, not probed",
                    c.label(),
                    timecode::display(end),
                    timecode::display(duration),
                    timecode::display(duration)
                ))
                .at(path)
                .line(c.line),
            );
            c.end = Some(duration);
        }
        kept.push(c);
    }
    (kept, warnings)
}

/// The spec's rules: starts in order and unique, within the audio, an end after its start,
/// links absolute. Each error names the chapter's line.
pub fn validate(chapters: &[Chapter], duration: Option<f64>, path: &Path) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (i, c) in chapters.iter().enumerate() {
        let err = |m: String| Diagnostic::error(m).at(path).line(c.line);
        // Named only for a problem: most chapters have none.
        let name = std::cell::LazyCell::new(|| c.label());
        if i > 0 {
            let prev = &chapters[i - 1];
            let (a, b) = (
                timecode::to_millis(prev.start),
                timecode::to_millis(c.start),
            );
            if b < a {
                errors.push(err(format!(
                    "{} is out of order: it starts before the chapter on line {} ({})",
                    *name,
                    prev.line,
                    timecode::display(prev.start)
                )));
            } else if a == b {
                errors.push(err(format!(
                    "{} starts at the same time as the chapter on line {}",
                    *name, prev.line
                )));
            }
        }
        if let Some(duration) = duration
            && c.start >= duration
        {
            errors.push(err(format!(
                "{} starts past the end of the audio ({})",
                *name,
                timecode::display(duration)
            )));
        }
        if let Some(end) = c.end {
            if end <= c.start {
                errors.push(err(format!("{} ends before it starts", *name)));
            } else if duration.is_some_and(|d| end > d + 1.0) {
                errors.push(err(format!("{} ends past the end of the audio", *name)));
            }
        }
        if let Some(url) = &c.url
            && !is_web_url(url)
        {
            errors.push(err(format!(
                "{} links to `{url}`; a chapter link must be an absolute http(s) URL",
                *name
            )));
        }
    }
    errors
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && url.len() > 8
}

/// Episode facts a chapters file may carry alongside the chapters.
#[derive(Debug, Clone, Default)]
pub struct ChaptersMeta {
    pub title: Option<String>,
    pub podcast_name: Option<String>,
    pub author: Option<String>,
    pub file_name: Option<String>,
}

/// JSON chapters 1.2.0. Write validated chapters: the output keeps their order.
pub fn to_json(chapters: &[Chapter], meta: &ChaptersMeta) -> String {
    let file = ChaptersFile {
        version: "1.2.0".to_string(),
        author: meta.author.clone(),
        title: meta.title.clone(),
        podcast_name: meta.podcast_name.clone(),
        file_name: meta.file_name.clone(),
        chapters: chapters
            .iter()
            .map(|c| ChapterJson {
                start_time: timecode::json_seconds(c.start),
                title: (!c.title.is_empty()).then(|| c.title.clone()),
                img: c.img.clone(),
                url: c.url.clone(),
                toc: c.toc,
                end_time: c.end.map(timecode::json_seconds),
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&file).expect("chapters serialize");
    json.push('\n');
    json
}

/// Lines of the items of a block list under a top-level YAML key (`chapters:`, `people:`,
/// `hosts:`), for error messages: serde keeps no positions. `yaml` starts at file line
/// `first_line`. Returns the key's line and each item's; a flow list (`[..]`) gives no item
/// lines, and the caller names the key's line instead.
pub fn yaml_item_lines(yaml: &str, first_line: usize, key: &str) -> (Option<usize>, Vec<usize>) {
    let mut key_line = None;
    let mut items = Vec::new();
    let mut item_indent: Option<usize> = None;
    for (i, line) in yaml.lines().enumerate() {
        let line_no = first_line + i;
        let indent = line.len() - line.trim_start().len();
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let Some(_) = key_line else {
            if indent == 0
                && let Some(rest) = content.strip_prefix(key)
                && rest.trim_start().starts_with(':')
            {
                key_line = Some(line_no);
            }
            continue;
        };
        match item_indent {
            Some(want) => {
                if indent < want || (indent == want && !is_list_item(content)) {
                    break;
                }
                if indent == want {
                    items.push(line_no);
                }
            }
            None if is_list_item(content) => {
                item_indent = Some(indent);
                items.push(line_no);
            }
            None => break,
        }
    }
    (key_line, items)
}

fn is_list_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelled_chapter_keys_are_errors() {
        let json = "{\"version\": \"1.2.0\", \"chapters\": [\n{\"startTime\": 0, \"title\": \"A\"},\n{\"startTime\": 5, \"titel\": \"B\"}\n]}";
        let (_, errors) = from_json(json, Path::new("c.json"));
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            ["c.json:3: error: unknown key \"titel\" (did you mean \"title\"?)"]
        );
    }
    use std::path::PathBuf;

    fn notes(md: &str) -> Vec<(f64, String, Option<String>, usize)> {
        let (chapters, errors) = from_notes(md, 1, Path::new("e.md"));
        assert!(errors.is_empty(), "{errors:?}");
        chapters
            .into_iter()
            .map(|c| (c.start, c.title, c.url, c.line))
            .collect()
    }

    #[test]
    fn timestamp_lines_as_podcasters_write_them() {
        let md = "Intro words.\n\n02:44 - Alpha\n1:45 – Bravo\n[00:12:30] Charlie\n00:13:30 Delta\n\
                  - 1:02:03 - Echo with [a link](https://example.com/e)\n* **1:03:00** Foxtrot\n\
                  1. (1:04:00) Golf\n[1:05:00](#t=3900) Hotel\n";
        let got = notes(md);
        let want = [
            (164.0, "Alpha", None, 3),
            (105.0, "Bravo", None, 4),
            (750.0, "Charlie", None, 5),
            (810.0, "Delta", None, 6),
            (3723.0, "Echo with a link", Some("https://example.com/e"), 7),
            (3780.0, "Foxtrot", None, 8),
            (3840.0, "Golf", None, 9),
            (3900.0, "Hotel", None, 10),
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!((g.0, g.1.as_str(), g.2.as_deref(), g.3), w);
        }
    }

    #[test]
    fn ordinary_lines_are_not_chapters() {
        let md = "We met at 10:30 - then left.\n10:30am was early\n```\n00:01 - code\n00:02 - code\n```\n\
                  ## Transcript\n[00:00:00] Hi\n[00:00:05] There\n";
        assert!(notes(md).is_empty());
        // A single stamp is a time mentioned in passing.
        assert!(notes("00:05 - only one\n").is_empty());
    }

    #[test]
    fn a_flattened_list_is_split() {
        let md =
            "Topics Include 1:45 – One thing 7:01 – Another - with a dash 1:00:28 – Last Links";
        let got = notes(md);
        let starts: Vec<f64> = got.iter().map(|c| c.0).collect();
        assert_eq!(starts, vec![105.0, 421.0, 3628.0]);
        assert_eq!(got[1].1, "Another - with a dash");
    }

    #[test]
    fn bad_clock_on_a_chapter_line_names_the_line() {
        let (_, errors) = from_notes("00:10 - a\n1:75:00 - b\n", 20, Path::new("e.md"));
        assert_eq!(
            errors[0].to_string(),
            "e.md:21: error: chapter line: invalid time `1:75:00`: minutes must be below 60"
        );
    }

    #[test]
    fn seed_002_show_notes() {
        let Some(text) = crate::seeds::read("002_") else {
            return;
        };
        let (body_line, body) = crate::seeds::body(&text);
        let (chapters, errors) = from_notes(body, body_line, Path::new("002.md"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(chapters.len(), 12);
        assert_eq!(chapters[0].start, 164.0);
        assert_eq!(chapters[0].line, 19);
        assert_eq!(chapters[11].start, 56.0 * 60.0 + 33.0);
        // `12:19 - [Link](url)`: the link text is the title, its target the chapter URL.
        let linked = &chapters[4];
        assert_eq!(linked.start, 12.0 * 60.0 + 19.0);
        assert!(linked.url.as_deref().unwrap().starts_with("http://"));
        assert!(!linked.title.contains('['));
        let duration = 58.0 * 60.0 + 45.0;
        assert!(validate(&chapters, Some(duration), Path::new("002.md")).is_empty());
        // The episode ran 58:45; had it been cut at 50:00 the last chapter falls past it.
        let errors = validate(&chapters, Some(3000.0), Path::new("002.md"));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(83));
        assert!(
            errors[0]
                .message
                .contains("past the end of the audio (50:00)")
        );
    }

    #[test]
    fn seed_001_topics_lists() {
        let Some(text) = crate::seeds::read("001_") else {
            return;
        };
        // The first episode's "Topics Include" paragraph, flattened onto one line.
        let (i, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("Topics Include"))
            .unwrap();
        let (chapters, errors) = from_notes(line, i + 1, Path::new("001.md"));
        assert!(errors.is_empty());
        assert!(chapters.len() > 20, "{}", chapters.len());
        assert_eq!(chapters[0].start, 105.0);
        assert!(chapters.windows(2).all(|w| w[0].start < w[1].start));
        assert!(validate(&chapters, Some(103.0 * 60.0), Path::new("001.md")).is_empty());
    }

    #[test]
    fn front_matter_list_with_lines() {
        let yaml = "title: x\nchapters:\n  - start: \"0:00\"\n    title: Intro\n  - {start: 164, title: \"[Alpha](https://a.example)\"}\n  - start: 1:02:03\n    title: Late\n    url: https://x.example\ntags: [a]\n";
        let (key, lines) = yaml_item_lines(yaml, 2, "chapters");
        assert_eq!(key, Some(3));
        assert_eq!(lines, vec![4, 6, 7]);
        let entries = vec![
            ChapterEntry {
                start: ClockValue::Text("0:00".into()),
                title: "Intro".into(),
                url: None,
                img: None,
            },
            ChapterEntry {
                start: ClockValue::Seconds(164.0),
                title: "[Alpha](https://a.example)".into(),
                url: None,
                img: None,
            },
            ChapterEntry {
                start: ClockValue::Text("1:02:03".into()),
                title: "Late".into(),
                url: Some("https://x.example".into()),
                img: None,
            },
        ];
        let path = PathBuf::from("episodes/a.md");
        let (chapters, errors) = from_entries(&entries, &lines, 3, &path);
        assert!(errors.is_empty());
        assert_eq!(chapters[1].title, "Alpha");
        assert_eq!(chapters[1].line, 6);
        let errors = validate(&chapters, Some(3600.0), &path);
        assert_eq!(
            errors[0].to_string(),
            "episodes/a.md:7: error: chapter `Late` (1:02:03) starts past the end of the audio (1:00:00)"
        );
    }

    #[test]
    fn out_of_order_and_duplicates_name_their_lines() {
        let md = "00:00 Intro\n05:00 B\n04:00 C\n04:00 D\n";
        let (chapters, _) = from_notes(md, 10, Path::new("e.md"));
        let errors: Vec<String> = validate(&chapters, None, Path::new("e.md"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            vec![
                "e.md:12: error: chapter `C` (4:00) is out of order: it starts before the chapter on line 11 (5:00)",
                "e.md:13: error: chapter `D` (4:00) starts at the same time as the chapter on line 12",
            ]
        );
    }

    #[test]
    fn json_round_trip_and_rules() {
        let text = r#"{
  "version": "1.2.0",
  "chapters": [
    {"startTime": 0, "title": "Intro"},
    {"startTime": 168.5, "title": "Two", "img": "https://x.example/a.jpg", "url": "https://x.example"},
    {"startTime": 200, "toc": false, "endTime": 190}
  ]
}"#;
        let path = Path::new("chapters/1.json");
        let (chapters, errors) = from_json(text, path);
        assert!(errors.is_empty());
        assert_eq!(
            chapters.iter().map(|c| c.line).collect::<Vec<_>>(),
            vec![4, 5, 6]
        );
        let errors = validate(&chapters, Some(600.0), path);
        assert_eq!(
            errors[0].to_string(),
            "chapters/1.json:6: error: chapter at 3:20 ends before it starts"
        );
        let written = to_json(&chapters[..2], &ChaptersMeta::default());
        let value: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(value["version"], "1.2.0");
        assert_eq!(value["chapters"][0]["startTime"], 0);
        assert_eq!(value["chapters"][1]["startTime"], 168.5);
        assert_eq!(value["chapters"][1]["img"], "https://x.example/a.jpg");
        let (back, errors) = from_json(&written, path);
        assert!(errors.is_empty());
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].title, "Two");
        assert_eq!(back[1].start, 168.5);
    }

    #[test]
    fn json_errors() {
        let (_, errors) = from_json(
            "{\"version\": \"1.2.0\",\n \"chapters\": 3}",
            Path::new("c.json"),
        );
        assert_eq!(errors[0].line, Some(2));
        let (_, errors) = from_json(
            "{\"version\": \"1.2.0\", \"chapters\": [\n{\"startTime\": \"soon\"}]}",
            Path::new("c.json"),
        );
        assert_eq!(
            errors[0].to_string(),
            "c.json:2: error: chapter startTime must be a number of seconds, not \"soon\""
        );
    }

    #[test]
    fn embedded_chapters_keep_web_links_only() {
        let stored = [
            crate::audio::EmbeddedChapter {
                start: 0.0,
                title: "Intro".into(),
                url: Some("https://a.example/".into()),
            },
            crate::audio::EmbeddedChapter {
                start: 61.5,
                title: "Local".into(),
                url: Some("file:///Users/me/notes.txt".into()),
            },
        ];
        let chapters = from_embedded(&stored, 4);
        assert_eq!(chapters[0].url.as_deref(), Some("https://a.example/"));
        assert_eq!(
            (
                chapters[1].start,
                chapters[1].url.as_deref(),
                chapters[1].line
            ),
            (61.5, None, 4)
        );
        assert!(validate(&chapters, Some(120.0), Path::new("e.md")).is_empty());
    }

    #[test]
    fn plain_inline_text() {
        assert_eq!(
            plain_inline("What is [AWS (Amazon)](http://a.example/x_(y))?&nbsp;"),
            (
                "What is AWS (Amazon)?".to_string(),
                Some("http://a.example/x_(y)".to_string())
            )
        );
        assert_eq!(plain_inline("**Bold** and *it* _x_").0, "Bold and it _x");
        assert_eq!(plain_inline("[not a link] ok").0, "[not a link] ok");
    }

    #[test]
    fn past_an_unprobed_duration_chapters_are_dropped_or_end_at_it_with_warnings() {
        let mut wrap = Chapter::new(3600.0, "Wrap-up".into(), 8);
        wrap.end = Some(3700.0);
        let mut short = Chapter::new(3000.0, "Short".into(), 7);
        // Within the second `validate` allows: left alone.
        short.end = Some(3660.5);
        let chapters = vec![
            Chapter::new(0.0, "Start".into(), 6),
            short,
            wrap,
            Chapter::new(3664.0, "Outtakes".into(), 9),
            Chapter::new(3660.0, String::new(), 10),
        ];
        let (kept, warnings) =
            fit_to_unprobed(chapters, 3660.0, "the imported feed's", Path::new("e.md"));
        let titles: Vec<&str> = kept.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Start", "Short", "Wrap-up"]);
        assert_eq!(kept[1].end, Some(3660.5));
        assert_eq!(kept[2].end, Some(3660.0));
        let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "e.md:8: warning: chapter `Wrap-up` (1:00:00) ends at 1:01:40, past the end of the audio (1:01:00): published ending at 1:01:00, because the duration is the imported feed's, not probed",
                "e.md:9: warning: chapter `Outtakes` (1:01:04) starts past the end of the audio (1:01:00): not published, because the duration is the imported feed's, not probed; probe the audio (`onair probe --lock URL`) or fix the chapter",
                "e.md:10: warning: chapter at 1:01:00 starts past the end of the audio (1:01:00): not published, because the duration is the imported feed's, not probed; probe the audio (`onair probe --lock URL`) or fix the chapter",
            ]
        );
        assert!(validate(&kept, Some(3660.0), Path::new("e.md")).is_empty());
        // The same chapters against a probed duration are errors.
        let probed = vec![Chapter::new(3664.0, "Outtakes".into(), 9)];
        assert_eq!(
            validate(&probed, Some(3660.0), Path::new("e.md"))[0].to_string(),
            "e.md:9: error: chapter `Outtakes` (1:01:04) starts past the end of the audio (1:01:00)"
        );
    }

    #[test]
    fn only_feed_and_typed_facts_count_as_unprobed() {
        let mut facts = crate::audio::AudioFacts {
            format: crate::audio::AudioFormat::Mp3,
            size: 1,
            duration: 1.0,
            codec: String::new(),
            sample_rate: 0,
            channels: 0,
            bitrate: 0,
            method: "xing header".into(),
            chapters: None,
        };
        assert!(facts.probed());
        facts.method = crate::audio::METHOD_IMPORTED.into();
        assert!(!facts.probed());
        facts.method = crate::audio::METHOD_TYPED.into();
        assert!(!facts.probed());
    }
}
