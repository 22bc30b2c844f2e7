//! Transcripts: read from SRT (also with its cues run together on one line, as copied from
//! caption pages), WebVTT, Podcasting 2.0 JSON, timestamped text (`[00:00:03]` lines, then
//! `>> Speaker: text` turns) and a `Transcript` section of show notes with bold speaker
//! names; written as WebVTT (speakers as `<v Name>`) and SRT. Every parser is one linear
//! pass, so a transcript of hundreds of thousands of cues costs no more than reading it.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::chapters::{decode_entities, plain_inline};
use crate::diag::Diagnostic;
use crate::timecode;

/// One timed piece of text, and the 1-based line of its source where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub start: f64,
    pub end: f64,
    pub speaker: Option<String>,
    /// Plain text; lines separated by `\n`, never an empty line.
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript {
    pub cues: Vec<Cue>,
    /// False for a transcript whose source gives no times (speaker turns in show notes):
    /// its cues' `start` and `end` are 0 and mean nothing, and it has no VTT or SRT form.
    pub timed: bool,
}

/// The `transcript:` (or `transcripts:`) key of front matter: one transcript, or a list of
/// them (several formats of one transcript, or several languages).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum TranscriptField {
    List(Vec<TranscriptEntry>),
    One(TranscriptEntry),
}

impl TranscriptField {
    pub fn entries(&self) -> &[TranscriptEntry] {
        match self {
            TranscriptField::List(list) => list,
            TranscriptField::One(one) => std::slice::from_ref(one),
        }
    }
}

/// One transcript: a path in the site or an http(s) URL, alone or with its language.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum TranscriptEntry {
    Path(String),
    Detailed(TranscriptSpec),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptSpec {
    #[serde(alias = "url", alias = "path")]
    pub file: String,
    /// ISO 639 code (`es`, `pt-br`); default: the site's `language:`.
    #[serde(default, alias = "lang")]
    pub language: Option<String>,
}

impl TranscriptEntry {
    pub fn file(&self) -> &str {
        match self {
            TranscriptEntry::Path(p) => p,
            TranscriptEntry::Detailed(d) => &d.file,
        }
    }

    pub fn language(&self) -> Option<&str> {
        match self {
            TranscriptEntry::Path(_) => None,
            TranscriptEntry::Detailed(d) => d.language.as_deref(),
        }
    }
}

/// The source formats, told apart by extension and then by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Srt,
    Vtt,
    Json,
    /// `[00:00:03]` lines followed by `>> Speaker: text` turns.
    TimestampedText,
}

impl Format {
    pub fn detect(path: &Path, text: &str) -> Format {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("vtt") => return Format::Vtt,
            Some("srt") => return Format::Srt,
            Some("json") => return Format::Json,
            _ => {}
        }
        let head = text.trim_start_matches('\u{feff}').trim_start();
        if head.starts_with("WEBVTT") {
            Format::Vtt
        } else if head.starts_with('{') {
            Format::Json
        } else if text.contains("-->") {
            Format::Srt
        } else {
            Format::TimestampedText
        }
    }
}

/// A long broken file names its first problems, not every line.
const MAX_ERRORS: usize = 50;

struct Errors<'a> {
    path: &'a Path,
    items: Vec<Diagnostic>,
    dropped: usize,
}

impl<'a> Errors<'a> {
    fn new(path: &'a Path) -> Self {
        Errors {
            path,
            items: Vec::new(),
            dropped: 0,
        }
    }

    fn push(&mut self, line: usize, message: impl Into<String>) {
        if self.items.len() < MAX_ERRORS {
            self.items
                .push(Diagnostic::error(message).at(self.path).line(line));
        } else {
            self.dropped += 1;
        }
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            self.items.push(
                Diagnostic::error(format!("{} more errors in this transcript", self.dropped))
                    .at(self.path),
            );
        }
        self.items
    }

    fn result(self, transcript: Transcript) -> Result<Transcript, Vec<Diagnostic>> {
        if self.items.is_empty() {
            Ok(transcript)
        } else {
            Err(self.finish())
        }
    }
}

/// Reads a transcript file in whichever format it is. `duration` (seconds) ends the last cue
/// of formats that give only start times.
pub fn parse(
    text: &str,
    path: &Path,
    duration: Option<f64>,
) -> Result<Transcript, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match Format::detect(path, text) {
        Format::Srt => parse_srt(text, path),
        Format::Vtt => parse_vtt(text, path),
        Format::Json => parse_json(text, path, duration),
        Format::TimestampedText => parse_timestamped_text(text, 1, path, duration),
    }
}

/// SRT: `1`, `00:00:04,960 --> 00:00:20,000`, text lines, blank line. Cues may also run
/// together on one line (`1 00:00:04,960 --> 00:00:20,000 text 2 00:00:20,840 --> …`): a
/// cue's text runs to the number that precedes the next cue's times.
pub fn parse_srt(text: &str, path: &Path) -> Result<Transcript, Vec<Diagnostic>> {
    let mut errors = Errors::new(path);
    let arrows: Vec<usize> = text.match_indices("-->").map(|(i, _)| i).collect();
    if arrows.is_empty() {
        errors.push(
            1,
            "no cues: an SRT cue needs a `00:00:01,000 --> 00:00:02,000` line",
        );
        return Err(errors.finish());
    }
    let lines = timecode::lines_of_offsets(text, &arrows);
    let bytes = text.as_bytes();
    let is_time_byte = |b: u8| b.is_ascii_digit() || matches!(b, b':' | b',' | b'.');
    // (start token begin, start text, end text, end token end) of each cue's timing.
    let mut timings = Vec::with_capacity(arrows.len());
    for &arrow in &arrows {
        let mut b = arrow;
        while b > 0 && matches!(bytes[b - 1], b' ' | b'\t') {
            b -= 1;
        }
        let start_end = b;
        while b > 0 && is_time_byte(bytes[b - 1]) {
            b -= 1;
        }
        let mut e = arrow + 3;
        while e < bytes.len() && matches!(bytes[e], b' ' | b'\t') {
            e += 1;
        }
        let end_begin = e;
        while e < bytes.len() && is_time_byte(bytes[e]) {
            e += 1;
        }
        // Position settings some tools append (`X1:40 X2:600 …`) end at the line's end.
        let mut after = e;
        let rest_of_line = text[e..].split('\n').next().unwrap_or("");
        if rest_of_line.trim_start().starts_with("X1:") {
            after = e + rest_of_line.len();
        }
        timings.push((b, &text[b..start_end], &text[end_begin..e], after));
    }
    let mut cues = Vec::with_capacity(arrows.len());
    let mut previous_index: Option<u64> = index_before(text, timings[0].0).map(|(n, _, _)| n);
    for k in 0..timings.len() {
        let (_, start_text, end_text, text_begin) = timings[k];
        let line = lines[k];
        let text_end = match timings.get(k + 1) {
            None => text.len(),
            Some(&(next_begin, ..)) => match index_before(text, next_begin) {
                Some((n, at, own_line)) if own_line || previous_index.map(|p| p + 1) == Some(n) => {
                    previous_index = Some(n);
                    at
                }
                _ => {
                    previous_index = None;
                    next_begin
                }
            },
        };
        let times = (
            timecode::parse_clock(start_text),
            timecode::parse_clock(end_text),
        );
        let (start, end) = match times {
            (Ok(s), Ok(e)) => (s, e),
            (Err(e), _) | (_, Err(e)) => {
                errors.push(line, format!("cue timing: {e}"));
                continue;
            }
        };
        if let Some(problem) = srt_number_problem(text, timings[k].0) {
            errors.push(line, problem);
        }
        let body = &text[text_begin..text_end.max(text_begin)];
        for (j, body_line) in body.split('\n').enumerate() {
            if let Some(problem) = broken_timing(body_line) {
                errors.push(line + j, problem);
            }
        }
        let body = body.trim();
        for (speaker, text) in split_voices(body, true) {
            cues.push(Cue {
                start,
                end,
                speaker,
                text,
                line,
            });
        }
    }
    errors.result(Transcript { cues, timed: true })
}

/// A cue whose times stand at the start of their line (cues written one block each, not run
/// together on one line) needs its number on the line before: without it the line before
/// is read as the previous cue's text.
fn srt_number_problem(text: &str, times_at: usize) -> Option<String> {
    let line_start = text[..times_at].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..times_at].trim().is_empty() {
        return None;
    }
    let before = text[..line_start].trim_end_matches(['\r', '\n', ' ', '\t']);
    let previous = before.rsplit('\n').next().unwrap_or("").trim();
    let blank_before = text[before.len()..line_start].matches('\n').count() > 1;
    if !previous.is_empty() && previous.bytes().all(|b| b.is_ascii_digit()) && !blank_before {
        return None;
    }
    Some(
        "this cue has no number: an SRT cue is its number on a line of its own, then its times (`00:00:01,000 --> 00:00:04,000`), then its text, with a blank line after it"
            .to_string(),
    )
}

/// A line of cue text that is a timing line with a mistyped arrow (`->`, `- ->`, `=>`,
/// `—>`): it would become caption text and the cue it starts would be lost.
fn broken_timing(line: &str) -> Option<String> {
    let t = line.trim();
    let clock = timecode::clock_len;
    let first = clock(t)?;
    let rest = t[first..].trim_start();
    let sep_len = rest
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(rest.len());
    let sep = rest[..sep_len].trim();
    let second = &rest[sep_len..];
    let arrow_like = !sep.is_empty()
        && sep.chars().count() <= 5
        && !sep.chars().any(char::is_alphanumeric)
        && sep != "-->";
    // Only the two times, or times and cue settings (`align:start`, `X1:40`): a caption that
    // begins "10:30 - 11:00 works for me" is text.
    let only_times = clock(second).is_some_and(|n| {
        second[n..]
            .split_whitespace()
            .all(|setting| setting.contains(':'))
    });
    (arrow_like && only_times).then(|| {
        format!(
            "`{sep}` between two times: a cue timing line is `00:00:01,000 --> 00:00:04,000` (two dashes and `>`)"
        )
    })
}

/// The cue number just before `at` (skipping whitespace): its value, where it begins, and
/// whether it stands on a line of its own.
fn index_before(text: &str, at: usize) -> Option<(u64, usize, bool)> {
    let before = text[..at].trim_end();
    let digits = before.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let begin = before.len() - digits;
    let prefix = &before[..begin];
    if !(prefix.is_empty() || prefix.ends_with(char::is_whitespace)) {
        return None;
    }
    let own_line =
        prefix.trim_end_matches([' ', '\t', '\r']).ends_with('\n') || prefix.trim().is_empty();
    let between = &text[before.len()..at];
    let own_line = own_line && between.contains('\n');
    Some((before[begin..].parse().ok()?, begin, own_line))
}

/// WebVTT: a `WEBVTT` header, then blocks separated by blank lines; a cue block is an
/// optional identifier, a `00:01.000 --> 00:04.000` line and its payload. NOTE, STYLE and
/// REGION blocks are skipped.
pub fn parse_vtt(text: &str, path: &Path) -> Result<Transcript, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Errors::new(path);
    let mut cues = Vec::new();
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    match lines.next() {
        Some((_, first)) if first.starts_with("WEBVTT") => {}
        _ => {
            errors.push(1, "a WebVTT file must start with `WEBVTT`");
            return Err(errors.finish());
        }
    }
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut in_header = true;
    for (n, line) in lines.chain(std::iter::once((0, ""))) {
        if !line.trim().is_empty() {
            block.push((n, line));
            continue;
        }
        if block.is_empty() {
            in_header = false;
            continue;
        }
        if in_header {
            // Header metadata lines run until the first blank line.
            block.clear();
            in_header = false;
            continue;
        }
        vtt_block(&block, &mut cues, &mut errors);
        block.clear();
    }
    errors.result(Transcript { cues, timed: true })
}

fn vtt_block(block: &[(usize, &str)], cues: &mut Vec<Cue>, errors: &mut Errors) {
    let (first_line, first) = block[0];
    if ["NOTE", "STYLE", "REGION"].iter().any(|k| {
        first.starts_with(k)
            && first[k.len()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
    }) {
        return;
    }
    let Some(timing_at) = block.iter().take(2).position(|(_, l)| l.contains("-->")) else {
        if let Some((n, problem)) = block
            .iter()
            .take(2)
            .find_map(|(n, l)| broken_timing(l).map(|p| (*n, p)))
        {
            errors.push(n, problem.replace(',', "."));
            return;
        }
        errors.push(
            first_line,
            "expected a cue timing line such as `00:00:01.000 --> 00:00:04.000`",
        );
        return;
    };
    let (line, timing) = block[timing_at];
    let (left, right) = timing.split_once("-->").expect("checked");
    let right = right.split_whitespace().next().unwrap_or("");
    let (start, end) = match (timecode::parse_clock(left), timecode::parse_clock(right)) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => {
            errors.push(line, format!("cue timing: {e}"));
            return;
        }
    };
    for &(n, l) in &block[timing_at + 1..] {
        if l.contains("-->") {
            errors.push(
                n,
                "a timing line inside the previous cue: put a blank line before each cue",
            );
        } else if let Some(problem) = broken_timing(l) {
            errors.push(n, problem.replace(',', "."));
        }
    }
    let payload: Vec<&str> = block[timing_at + 1..].iter().map(|(_, l)| *l).collect();
    for (speaker, text) in split_voices(&payload.join("\n"), false) {
        cues.push(Cue {
            start,
            end,
            speaker,
            text,
            line,
        });
    }
}

/// A cue's payload as (speaker, text) turns. A `<v Name>` span names the speaker (a cue may
/// hold several voices, one per line); other tags are dropped and entities decoded. With
/// `labels`, a leading `Name:` or `>> Name:` also names one, as SRT files write speakers.
fn split_voices(payload: &str, labels: bool) -> Vec<(Option<String>, String)> {
    let mut turns: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for raw in payload.lines() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let (voice, rest) = match raw.strip_prefix("<v") {
            Some(after) if after.starts_with([' ', '.', '\t']) => match after.find('>') {
                Some(close) => {
                    let inside = &after[..close];
                    let name = inside.split_once([' ', '\t']).map_or("", |(_, n)| n.trim());
                    (
                        Some(tidy_speaker(&decode_entities(name))),
                        &after[close + 1..],
                    )
                }
                None => (None, raw),
            },
            _ => (None, raw),
        };
        let mut text = decode_entities(&strip_tags(rest)).trim().to_string();
        let mut speaker = voice.filter(|v| !v.is_empty());
        if speaker.is_none() && labels {
            let unquoted = text
                .strip_prefix(">>")
                .map(str::trim_start)
                .unwrap_or(&text);
            if let Some((name, said)) = speaker_label(unquoted) {
                speaker = Some(name);
                text = said.to_string();
            }
        }
        if text.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((current, lines)) if speaker.is_none() || *current == speaker => lines.push(text),
            _ => turns.push((speaker, vec![text])),
        }
    }
    turns
        .into_iter()
        .map(|(speaker, lines)| (speaker, lines.join("\n")))
        .collect()
}

/// Drops the formatting tags captions use (`<i>`, `<b>`, `<u>`, `<font …>`, `<v …>`, `<c.x>`,
/// `<lang …>`, `<ruby>`, `<rt>`, `<00:00:01.000>`) and SSA codes (`{\an8}`); any other `<`
/// is text (SRT has no escapes).
fn strip_tags(s: &str) -> String {
    if !s.contains(['<', '{']) {
        return s.to_string();
    }
    const TAGS: [&str; 9] = ["i", "b", "u", "font", "v", "c", "lang", "ruby", "rt"];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(['<', '{']) {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let close = if rest[at..].starts_with('<') {
            '>'
        } else {
            '}'
        };
        let is_tag = match after.find(close) {
            Some(end) if close == '>' => {
                let inner = after[..end].strip_prefix('/').unwrap_or(&after[..end]);
                let name_len = inner
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(inner.len());
                let name = &inner[..name_len];
                let ends_ok =
                    inner[name_len..].is_empty() || inner[name_len..].starts_with([' ', '.', '\t']);
                let timestamp = inner.starts_with(|c: char| c.is_ascii_digit())
                    && timecode::clock_len(inner) == Some(inner.len());
                (TAGS.iter().any(|t| name.eq_ignore_ascii_case(t)) && ends_ok) || timestamp
            }
            Some(_) => after.starts_with('\\'),
            None => false,
        };
        if is_tag {
            let end = after.find(close).expect("found above");
            rest = &after[end + 1..];
        } else {
            out.push_str(&rest[at..at + 1]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `Kevin Whinnery: Yes, so…` -> (`Kevin Whinnery`, `Yes, so…`). A label is one to four
/// capitalised words (or `Speaker 2`) before a colon, so ordinary sentences with a colon
/// stay text.
fn speaker_label(text: &str) -> Option<(String, &str)> {
    let (name, said) = text.split_once(':')?;
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    let plausible = !words.is_empty()
        && words.len() <= 4
        && name.chars().count() <= 40
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
        && !name.contains(['.', ',', '!', '?', '"', '(', ')', '[', ']', '<', '>', '/']);
    (plausible && said.starts_with([' ', '\t'])).then(|| (tidy_speaker(name), said.trim()))
}

/// Speaker names as people read them: spaces collapsed, `CHUCK` -> `Chuck`.
pub fn tidy_speaker(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        let mut out = String::with_capacity(name.len());
        let mut word_start = true;
        for c in name.chars() {
            if word_start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            word_start = !c.is_alphanumeric();
        }
        out
    } else {
        name
    }
}

#[derive(Deserialize)]
struct JsonTranscript {
    segments: Vec<JsonSegment>,
}

#[derive(Deserialize)]
struct JsonSegment {
    #[serde(default)]
    speaker: Option<String>,
    #[serde(rename = "startTime")]
    start_time: f64,
    #[serde(default, rename = "endTime")]
    end_time: Option<f64>,
    body: String,
}

/// Podcasting 2.0 JSON: `{"version": "1.0.0", "segments": [{"speaker", "startTime",
/// "endTime", "body"}]}`. Word-level files (one word per segment) are joined into phrases.
pub fn parse_json(
    text: &str,
    path: &Path,
    duration: Option<f64>,
) -> Result<Transcript, Vec<Diagnostic>> {
    let mut errors = Errors::new(path);
    let known = ["speaker", "startTime", "endTime", "body"];
    errors.items.extend(crate::chapters::misspelled_json_keys(
        text, "segments", &known, path,
    ));
    let file: JsonTranscript = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            errors.push(e.line(), format!("not a JSON transcript: {e}"));
            return Err(errors.finish());
        }
    };
    let offsets = timecode::json_key_offsets(text, "startTime");
    let lines = if offsets.len() == file.segments.len() {
        timecode::lines_of_offsets(text, &offsets)
    } else {
        vec![1; file.segments.len()]
    };
    let mut cues: Vec<Cue> = Vec::with_capacity(file.segments.len());
    for (i, segment) in file.segments.iter().enumerate() {
        let line = lines[i];
        if !(segment.start_time.is_finite() && segment.start_time >= 0.0) {
            errors.push(
                line,
                format!("segment startTime {} is not a time", segment.start_time),
            );
            continue;
        }
        let end = match segment.end_time {
            Some(e) => e,
            None => match file.segments.get(i + 1) {
                Some(next) => next.start_time,
                None => end_of_last(segment.start_time, &segment.body, duration),
            },
        };
        let text = decode_entities(segment.body.trim());
        if text.is_empty() {
            continue;
        }
        cues.push(Cue {
            start: segment.start_time,
            end,
            speaker: segment
                .speaker
                .as_deref()
                .map(tidy_speaker)
                .filter(|s| !s.is_empty()),
            text,
            line,
        });
    }
    let words = cues
        .iter()
        .filter(|c| !c.text.contains(char::is_whitespace))
        .count();
    if cues.len() >= 10 && words * 10 >= cues.len() * 8 {
        cues = join_words(cues);
    }
    errors.result(Transcript { cues, timed: true })
}

/// Word-level cues joined into phrases a reader can follow: same speaker, no pause over a
/// second, at most about 8 seconds and 80 characters, ending at a sentence's end.
fn join_words(words: Vec<Cue>) -> Vec<Cue> {
    let mut out: Vec<Cue> = Vec::with_capacity(words.len() / 8 + 1);
    let mut open = false;
    for word in words {
        if let Some(last) = out.last_mut().filter(|_| open)
            && last.speaker == word.speaker
            && word.start - last.end <= 1.0
            && word.end - last.start <= 8.0
            && last.text.len() + word.text.len() < 80
        {
            last.text.push(' ');
            last.text.push_str(&word.text);
            last.end = last.end.max(word.end);
        } else {
            out.push(word);
        }
        open = !out
            .last()
            .is_some_and(|c| c.text.ends_with(['.', '?', '!']));
    }
    out
}

/// The end of a last cue whose source gives only its start: the end of the audio when known,
/// else the time the words take to say at an ordinary pace (2.5 words a second).
fn end_of_last(start: f64, text: &str, duration: Option<f64>) -> f64 {
    match duration {
        Some(d) if d > start => d,
        _ => start + (text.split_whitespace().count() as f64 / 2.5).max(1.0),
    }
}

/// Timestamped text, as transcription services and course sites produce it:
///
/// ```text
/// [00:00:03]
/// >> Kevin Whinnery: Any questions…
/// >> Speaker 2: There was…
/// ```
///
/// A timestamp line starts a block that lasts until the next one; each `>>` line starts a
/// speaker turn, and other lines continue the current speaker. The source marks only the
/// block's start, so every turn of a block carries the block's times: nothing is guessed.
/// `first_line` is the file line of the first line of `text`.
pub fn parse_timestamped_text(
    text: &str,
    first_line: usize,
    path: &Path,
    duration: Option<f64>,
) -> Result<Transcript, Vec<Diagnostic>> {
    let mut errors = Errors::new(path);
    let mut blocks: Vec<Block> = Vec::new();
    let mut speaker: Option<String> = None;
    // Whether the last turn of the current block can take more lines.
    let mut turn_open = false;
    for (i, raw) in text.lines().enumerate() {
        let line = first_line + i;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let mut content = trimmed;
        if let Some((clock, rest)) = leading_timestamp(trimmed) {
            if open_block(clock, line, &mut blocks, &mut errors) {
                turn_open = false;
            }
            content = rest.trim();
            if content.is_empty() {
                continue;
            }
        }
        if let Some(bad) = broken_timestamp(content) {
            errors.push(
                line,
                format!(
                    "`{bad}` is not a timestamp: write it as `[00:00:03]` (hours, minutes, seconds)"
                ),
            );
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            errors.push(
                line,
                "text before the first timestamp (such as `[00:00:00]`)",
            );
            continue;
        };
        if let Some(turn) = content.strip_prefix(">>") {
            let turn = turn.trim();
            let (who, said) = match speaker_label(turn) {
                Some((name, said)) => (Some(name), said),
                None => (None, turn),
            };
            speaker = who.clone();
            let said = decode_entities(said);
            // A speaker going on after a new `>> Same Name:` in the same block is one turn.
            if let Some(last) = block.turns.last_mut()
                && who.is_some()
                && last.speaker == who
            {
                last.text.push(' ');
                last.text.push_str(&said);
            } else {
                block.turns.push(Turn {
                    speaker: who,
                    text: said,
                    line,
                });
            }
            turn_open = true;
        } else {
            let said = decode_entities(content);
            match block.turns.last_mut() {
                Some(last) if turn_open => {
                    last.text.push(' ');
                    last.text.push_str(&said);
                }
                _ => {
                    block.turns.push(Turn {
                        speaker: speaker.clone(),
                        text: said,
                        line,
                    });
                    turn_open = true;
                }
            }
        }
    }
    if blocks.is_empty() && errors.items.is_empty() {
        errors.push(
            first_line,
            "no timestamps found (expected lines such as `[00:00:00]`)",
        );
    }
    let cues = block_cues(&blocks, duration);
    errors.result(Transcript { cues, timed: true })
}

/// A timestamp line of timestamped text starts a block; false when its clock is no time.
fn open_block(clock: &str, line: usize, blocks: &mut Vec<Block>, errors: &mut Errors) -> bool {
    let start = match timecode::parse_clock(clock) {
        Ok(start) => start,
        Err(e) => {
            errors.push(line, format!("timestamp: {e}"));
            return false;
        }
    };
    if let Some(prev) = blocks.last()
        && start < prev.start
    {
        errors.push(
            line,
            format!(
                "timestamp {clock} is out of order: it comes after {} (line {})",
                timecode::display(prev.start),
                prev.line
            ),
        );
    }
    blocks.push(Block {
        start,
        line,
        turns: Vec::new(),
    });
    true
}

/// One speaker's words in a block of timestamped text.
struct Turn {
    speaker: Option<String>,
    text: String,
    line: usize,
}

/// The lines from one timestamp of timestamped text to the next.
struct Block {
    start: f64,
    line: usize,
    turns: Vec<Turn>,
}

/// Every turn of a block is a cue with the block's times: it ends where the next later
/// block starts (the last at the end of the audio, or after its words).
fn block_cues(blocks: &[Block], duration: Option<f64>) -> Vec<Cue> {
    let mut cues = Vec::with_capacity(blocks.len());
    for (k, block) in blocks.iter().enumerate() {
        let next_start = blocks[k + 1..]
            .iter()
            .map(|b| b.start)
            .find(|&s| s > block.start);
        for turn in &block.turns {
            let end = next_start.unwrap_or_else(|| end_of_last(block.start, &turn.text, duration));
            cues.push(Cue {
                start: block.start,
                end,
                speaker: turn.speaker.clone(),
                text: turn.text.clone(),
                line: turn.line,
            });
        }
    }
    cues
}

/// A line that opens like a timestamp but is none (`[00:00:3O]`, `[00:00:03` unclosed,
/// `[00:00;03]`): the bracketed part, to be reported instead of becoming text.
fn broken_timestamp(line: &str) -> Option<&str> {
    let (open, close) = match line.chars().next()? {
        '[' => ('[', ']'),
        '(' => ('(', ')'),
        _ => return None,
    };
    let inner = &line[open.len_utf8()..];
    let end = inner.find(close).unwrap_or(inner.len());
    let stamp = &inner[..end];
    let looks = stamp.starts_with(|c: char| c.is_ascii_digit())
        && stamp.contains([':', ';'])
        && stamp.len() <= 14
        && !stamp.contains(char::is_whitespace);
    let shown = &line[..(open.len_utf8() + end + close.len_utf8()).min(line.len())];
    looks.then_some(shown)
}

/// `[00:00:03] rest`, `(00:00:03) rest` or `00:00:03 rest`: the clock and the rest.
fn leading_timestamp(line: &str) -> Option<(&str, &str)> {
    let (inner, close) = match line.chars().next()? {
        '[' => (&line[1..], Some(']')),
        '(' => (&line[1..], Some(')')),
        _ => (line, None),
    };
    let len = timecode::clock_len(inner)?;
    let rest = &inner[len..];
    match close {
        Some(c) => Some((&inner[..len], rest.strip_prefix(c)?)),
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
            Some((&inner[..len], rest))
        }
        None => None,
    }
}

/// Where a `Transcript` section of Markdown show notes lies (a heading such as
/// `### Transcript`, or `**Transcript**` on a line of its own, up to the next heading of its
/// level or above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotesSection {
    /// Byte offset of the heading line.
    pub heading: usize,
    /// Byte offset of the first line after the heading.
    pub body: usize,
    /// Byte offset just past the section.
    pub end: usize,
    /// Index (0-based) of the first line after the heading.
    pub body_line_index: usize,
    /// The section holds timestamp lines, so it reads as a timed transcript.
    pub timed: bool,
}

/// The `Transcript` section of Markdown show notes, if there is one.
pub fn notes_section(markdown: &str) -> Option<NotesSection> {
    let mut section: Option<(usize, usize, usize, usize)> = None; // (level, heading, body, line)
    let mut end = markdown.len();
    let mut offset = 0;
    for (i, line) in markdown.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        let level = trimmed.bytes().take_while(|&b| b == b'#').count();
        let heading = (1..=6).contains(&level) && trimmed[level..].starts_with([' ', '\t']);
        match section {
            None => {
                let title = if heading {
                    trimmed[level..].trim().trim_end_matches('#').trim()
                } else {
                    // `**Transcript**` on a line of its own also opens the section.
                    trimmed
                        .strip_prefix("**")
                        .and_then(|t| t.strip_suffix("**"))
                        .unwrap_or("")
                };
                let title = title.trim_end_matches(':').trim();
                if title.eq_ignore_ascii_case("transcript")
                    || title.eq_ignore_ascii_case("full transcript")
                {
                    section = Some((
                        if heading { level } else { 7 },
                        offset,
                        offset + line.len(),
                        i + 1,
                    ));
                }
            }
            Some((open_level, ..)) if heading && level <= open_level => {
                end = offset;
                break;
            }
            Some(_) => {}
        }
        offset += line.len();
    }
    let (_, heading, body, body_line_index) = section?;
    let body = body.min(end);
    let timed = markdown[body..end].lines().any(|l| {
        leading_timestamp(l.trim()).is_some_and(|(c, _)| timecode::parse_clock(c).is_ok())
    });
    Some(NotesSection {
        heading,
        body,
        end,
        body_line_index,
        timed,
    })
}

/// The transcript in a `Transcript` section of Markdown show notes (see [`notes_section`]),
/// or None when the notes have no such section. A section with timestamp lines is read as
/// timestamped text; one with only bold speaker names (`**CHUCK:** Hello`) gives an untimed
/// transcript.
pub fn from_notes_section(
    markdown: &str,
    first_line: usize,
    path: &Path,
    duration: Option<f64>,
) -> Option<Result<Transcript, Vec<Diagnostic>>> {
    let section = notes_section(markdown)?;
    let body = &markdown[section.body..section.end];
    let begin_line = first_line + section.body_line_index;
    Some(if section.timed {
        parse_timestamped_text(body, begin_line, path, duration)
    } else {
        Ok(untimed_turns(body, begin_line))
    })
}

/// Speaker turns marked by bold names (`**ALEX:**`, `**ALEX**:`); a bold bracketed note
/// (`**_[sponsor message]_**`) is a turn of its own without a speaker.
fn untimed_turns(body: &str, first_line: usize) -> Transcript {
    struct Turn {
        speaker: Option<String>,
        text: String,
        at: usize,
    }
    let mut turns: Vec<Turn> = Vec::new();
    let mut current = Turn {
        speaker: None,
        text: String::new(),
        at: 0,
    };
    let mut rest = body;
    let mut consumed = 0;
    let flush = |turn: &mut Turn, turns: &mut Vec<Turn>, at: usize, speaker: Option<String>| {
        let done = std::mem::replace(
            turn,
            Turn {
                speaker,
                text: String::new(),
                at,
            },
        );
        let text = plain_inline(&done.text).0;
        if !text.is_empty() {
            turns.push(Turn { text, ..done });
        }
    };
    while let Some(open) = rest.find("**") {
        let Some(close) = rest[open + 2..].find("**") else {
            break;
        };
        let inner = &rest[open + 2..open + 2 + close];
        let mut after = open + 2 + close + 2;
        current.text.push_str(&rest[..open]);
        let label = decode_entities(inner);
        let label = label.trim();
        let at = consumed + open;
        let named = if let Some(name) = label.strip_suffix(':') {
            Some(name)
        } else if rest[after..].starts_with(':') && !label.is_empty() && label.len() <= 40 {
            after += 1;
            Some(label)
        } else {
            None
        };
        match named {
            Some(name) if !name.trim().is_empty() && name.len() <= 40 => {
                flush(&mut current, &mut turns, at, Some(tidy_speaker(name)));
            }
            _ if label.trim_matches('_').starts_with('[') => {
                flush(&mut current, &mut turns, at, None);
                current.text.push_str(label.trim_matches('_'));
                flush(&mut current, &mut turns, at, None);
            }
            _ => current.text.push_str(inner),
        }
        consumed += after;
        rest = &rest[after..];
    }
    current.text.push_str(rest);
    let end = body.len();
    flush(&mut current, &mut turns, end, None);
    let offsets: Vec<usize> = turns.iter().map(|t| t.at).collect();
    let lines = timecode::lines_of_offsets(body, &offsets);
    let cues = turns
        .into_iter()
        .zip(lines)
        .map(|(t, line)| Cue {
            start: 0.0,
            end: 0.0,
            speaker: t.speaker,
            text: t.text,
            line: first_line + line - 1,
        })
        .collect();
    Transcript { cues, timed: false }
}

/// Errors of a timed transcript: a cue that does not end after it starts, or that runs past
/// the end of the audio (beyond half a second of rounding).
pub fn validate(transcript: &Transcript, duration: Option<f64>, path: &Path) -> Vec<Diagnostic> {
    let mut errors = Errors::new(path);
    if !transcript.timed {
        return Vec::new();
    }
    for cue in &transcript.cues {
        if timecode::to_millis(cue.end) <= timecode::to_millis(cue.start) {
            errors.push(
                cue.line,
                format!(
                    "cue ends at {} but starts at {}: a cue must end after it starts",
                    vtt_time(cue.end),
                    vtt_time(cue.start)
                ),
            );
        }
        if let Some(d) = duration
            && cue.end > d + 0.5
        {
            errors.push(
                cue.line,
                format!(
                    "cue runs to {}, past the end of the audio ({})",
                    vtt_time(cue.end),
                    vtt_time(d)
                ),
            );
        }
    }
    errors.finish()
}

fn vtt_time(seconds: f64) -> String {
    let mut s = String::new();
    timecode::write_vtt(&mut s, seconds);
    s
}

/// The cues in playing order (stable: cues that start together keep their order).
fn ordered(transcript: &Transcript) -> Vec<&Cue> {
    let mut cues: Vec<&Cue> = transcript.cues.iter().collect();
    cues.sort_by_key(|c| timecode::to_millis(c.start));
    cues
}

/// WebVTT, speakers as `<v Name>` voice spans. None for an untimed transcript.
pub fn to_vtt(transcript: &Transcript) -> Option<String> {
    if !transcript.timed {
        return None;
    }
    let mut out = String::with_capacity(transcript.cues.len() * 80 + 8);
    out.push_str("WEBVTT\n");
    for cue in ordered(transcript) {
        out.push('\n');
        timecode::write_vtt(&mut out, cue.start);
        out.push_str(" --> ");
        timecode::write_vtt(&mut out, cue.end);
        out.push('\n');
        if let Some(speaker) = &cue.speaker {
            let _ = write!(out, "<v {}>", vtt_escape(speaker));
        }
        for (i, line) in cue
            .text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
        {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&vtt_escape(line.trim()));
        }
        out.push('\n');
    }
    Some(out)
}

fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// SRT, speakers as a `Name:` prefix. None for an untimed transcript.
pub fn to_srt(transcript: &Transcript) -> Option<String> {
    if !transcript.timed {
        return None;
    }
    let mut out = String::with_capacity(transcript.cues.len() * 80);
    for (i, cue) in ordered(transcript).into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", i + 1);
        timecode::write_srt(&mut out, cue.start);
        out.push_str(" --> ");
        timecode::write_srt(&mut out, cue.end);
        out.push('\n');
        if let Some(speaker) = &cue.speaker {
            let _ = write!(out, "{speaker}: ");
        }
        for (k, line) in cue
            .text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
        {
            if k > 0 {
                out.push('\n');
            }
            out.push_str(line.trim());
        }
        out.push('\n');
    }
    Some(out)
}

/// The HTML transcript form Podcasting 2.0 apps read (`<cite>`, `<time>`, `<p>` per turn),
/// the one form an untimed transcript has. Times are left out when there are none.
pub fn to_html(transcript: &Transcript, title: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::with_capacity(transcript.cues.len() * 100 + 200);
    let _ = write!(
        out,
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n",
        esc(title)
    );
    let cues: Vec<&Cue> = if transcript.timed {
        ordered(transcript)
    } else {
        transcript.cues.iter().collect()
    };
    for cue in cues {
        if let Some(speaker) = &cue.speaker {
            let _ = writeln!(out, "<cite>{}:</cite>", esc(speaker));
        }
        if transcript.timed {
            let _ = writeln!(out, "<time>{}</time>", timecode::display(cue.start));
        }
        let _ = writeln!(out, "<p>{}</p>", esc(&cue.text).replace('\n', "<br>\n"));
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str) -> &Path {
        Path::new(name)
    }

    /// Written as VTT and as SRT, then read back: the same cues, to the millisecond.
    fn assert_round_trips(t: &Transcript) {
        let vtt = to_vtt(t).unwrap();
        let srt = to_srt(t).unwrap();
        for (name, back) in [
            ("vtt", parse_vtt(&vtt, p("t.vtt")).unwrap()),
            ("srt", parse_srt(&srt, p("t.srt")).unwrap()),
        ] {
            assert_eq!(back.cues.len(), t.cues.len(), "{name}");
            for (a, b) in ordered(t).into_iter().zip(&back.cues) {
                assert_eq!(
                    timecode::to_millis(a.start),
                    timecode::to_millis(b.start),
                    "{name}"
                );
                assert_eq!(
                    timecode::to_millis(a.end),
                    timecode::to_millis(b.end),
                    "{name}"
                );
                assert_eq!(a.speaker, b.speaker, "{name}: {}", b.text);
                assert_eq!(a.text, b.text, "{name}");
            }
            assert!(validate(&back, None, p("t")).is_empty());
        }
    }

    #[test]
    fn srt_standard_form() {
        let srt = "1\n00:00:01,000 --> 00:00:02,500\nHello <i>there</i>\nsecond line\n\n\
                   2\n00:00:03,000 --> 00:00:04,000\nAlex Wood: Hi &amp; bye\n\n\
                   3\n00:00:04,000 --> 00:00:05,000\nNote the time: it is late.\n";
        let t = parse_srt(srt, p("a.srt")).unwrap();
        assert_eq!(t.cues.len(), 3);
        assert_eq!(t.cues[0].text, "Hello there\nsecond line");
        assert_eq!(
            (t.cues[0].start, t.cues[0].end, t.cues[0].line),
            (1.0, 2.5, 2)
        );
        assert_eq!(t.cues[1].speaker.as_deref(), Some("Alex Wood"));
        assert_eq!(t.cues[1].text, "Hi & bye");
        assert_eq!(t.cues[1].line, 7);
        // "Note the time" is not a name: lowercase words.
        assert_eq!(t.cues[2].speaker, None);
        assert_round_trips(&t);
    }

    #[test]
    fn srt_errors_name_the_line() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:0x:04,000\nbad\n";
        let errors = parse_srt(srt, p("a.srt")).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "a.srt:6: error: cue timing: invalid time `00:0`: minutes and seconds take two digits"
        );
        let errors = parse_srt("just words\n", p("b.srt")).unwrap_err();
        assert_eq!(errors[0].line, Some(1));
    }

    #[test]
    fn seed_004_srt_run_together() {
        let Some(text) = crate::seeds::read("004_") else {
            return;
        };
        assert_eq!(Format::detect(p("004.txt"), &text), Format::Srt);
        let t = parse(&text, p("004.txt"), None).unwrap();
        assert_eq!(t.cues.len(), 693);
        assert_eq!(timecode::to_millis(t.cues[0].start), 4960);
        assert_eq!(timecode::to_millis(t.cues[0].end), 20000);
        assert_eq!(t.cues[0].text, "[Music]");
        // No cue text keeps the next cue's number (cue k is numbered k + 1).
        for (k, cue) in t.cues.iter().enumerate() {
            let last_word = cue.text.split_whitespace().last().unwrap_or("");
            assert_ne!(last_word, (k + 2).to_string(), "cue {}", k + 1);
        }
        let last = t.cues.last().unwrap();
        assert_eq!(timecode::to_millis(last.end), (31 * 60 + 29) * 1000 + 919);
        assert!(validate(&t, Some(31.0 * 60.0 + 30.0), p("004.txt")).is_empty());
        let errors = validate(&t, Some(30.0 * 60.0), p("004.txt"));
        assert!(!errors.is_empty());
        assert_eq!(errors[0].line, Some(1));
        assert!(
            errors[0]
                .message
                .contains("past the end of the audio (00:30:00.000)")
        );
        assert_round_trips(&t);
    }

    #[test]
    fn seed_000_and_003_timestamped_text() {
        for (seed, first_speaker) in [("000_", "Kevin Whinnery"), ("003_", "Kevin Whinnery")] {
            let Some(text) = crate::seeds::read(seed) else {
                return;
            };
            let t = parse(&text, p("t.txt"), Some(200.0)).unwrap();
            assert!(t.timed);
            // `>> [MUSIC]` at 0:00 has no speaker; the next block opens with a named one.
            assert_eq!((t.cues[0].start, t.cues[0].speaker.as_deref()), (0.0, None));
            assert_eq!(t.cues[0].text, "[MUSIC]");
            assert_eq!(t.cues[0].end, 3.0);
            assert_eq!(t.cues[1].start, 3.0);
            assert_eq!(t.cues[1].speaker.as_deref(), Some(first_speaker));
            assert_eq!(t.cues[1].line, 5);
            // Every line after a timestamp without `>>` continues the last speaker.
            assert!(
                t.cues[1..]
                    .iter()
                    .all(|c| c.speaker.is_some() || c.text.starts_with('['))
            );
            let speakers: std::collections::BTreeSet<_> =
                t.cues.iter().filter_map(|c| c.speaker.as_deref()).collect();
            assert!(speakers.len() >= 2, "{speakers:?}");
            assert!(t.cues.windows(2).all(|w| w[0].start <= w[1].start));
            assert!(validate(&t, Some(200.0), p("t.txt")).is_empty());
            assert_round_trips(&t);
        }
        let t = parse(
            &crate::seeds::read("000_").unwrap(),
            p("t.txt"),
            Some(200.0),
        )
        .unwrap();
        // Three turns share the 0:03 block: two speakers, the first one twice.
        let block: Vec<_> = t.cues.iter().filter(|c| c.start == 3.0).collect();
        assert_eq!(block.len(), 3);
        assert_eq!(block[1].speaker.as_deref(), Some("Speaker 2"));
        assert!(block.iter().all(|c| c.end == 30.0));
        // The last block ends with the audio.
        assert_eq!(t.cues.last().unwrap().end, 200.0);
    }

    #[test]
    fn timestamped_text_errors() {
        let text = "stray\n[00:01:00]\n>> A: one\n[00:00:30]\n>> B: two\n[00:02:61]\nx\n";
        let errors: Vec<String> = parse_timestamped_text(text, 1, p("t.txt"), None)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            vec![
                "t.txt:1: error: text before the first timestamp (such as `[00:00:00]`)",
                "t.txt:4: error: timestamp 00:00:30 is out of order: it comes after 1:00 (line 2)",
                "t.txt:6: error: timestamp: invalid time `00:02:61`: seconds must be below 60",
            ]
        );
    }

    #[test]
    fn seed_002_transcript_section() {
        let Some(text) = crate::seeds::read("002_") else {
            return;
        };
        let (body_line, body) = crate::seeds::body(&text);
        let t = from_notes_section(body, body_line, p("002.md"), None)
            .expect("a Transcript section")
            .unwrap();
        assert!(!t.timed);
        assert!(to_vtt(&t).is_none() && to_srt(&t).is_none());
        assert_eq!(t.cues[0].speaker.as_deref(), Some("Chuck"));
        assert_eq!(t.cues[0].line, 96);
        // Sponsor notes in bold brackets are turns without a speaker.
        assert!(t.cues[1].speaker.is_none() && t.cues[1].text.starts_with('['));
        let speakers: std::collections::BTreeSet<_> =
            t.cues.iter().filter_map(|c| c.speaker.as_deref()).collect();
        for name in ["Chuck", "Alex", "Trevor", "Jessica"] {
            assert!(speakers.contains(name), "{speakers:?}");
        }
        assert!(
            t.cues
                .iter()
                .all(|c| !c.text.contains("**") && !c.text.contains("&nbsp;"))
        );
        assert!(t.cues.len() > 100);
        let html = to_html(&t, "Episode <218>");
        assert!(html.contains("<title>Episode &lt;218&gt;</title>"));
        assert!(html.contains("<cite>Chuck:</cite>\n<p>"));
        assert!(!html.contains("<time>"));
    }

    #[test]
    fn the_notes_section_and_where_it_ends() {
        let md = "Intro\n## Transcript\n[00:00:00]\n>> Ann: hi\n## Links\n- x\n";
        let s = notes_section(md).unwrap();
        assert_eq!(&md[s.heading..s.body], "## Transcript\n");
        assert_eq!(&md[s.body..s.end], "[00:00:00]\n>> Ann: hi\n");
        assert_eq!((s.body_line_index, s.timed), (2, true));
        let s = notes_section("**Transcript**\n**ANN:** hi\n").unwrap();
        assert_eq!((s.heading, s.end, s.timed), (0, 27, false));
        assert!(notes_section("# Notes\n02:44 - x\n").is_none());
    }

    #[test]
    fn notes_without_a_transcript_section() {
        assert!(from_notes_section("# Notes\n02:44 - x\n", 1, p("a.md"), None).is_none());
        let md =
            "Intro\n## Transcript\n[00:00:00]\n>> Ann: hi\n[00:00:04]\n>> Bob: yo\n## Links\n- x\n";
        let t = from_notes_section(md, 10, p("a.md"), Some(9.0))
            .unwrap()
            .unwrap();
        assert_eq!(t.cues.len(), 2);
        assert_eq!(t.cues[1].line, 15);
        assert_eq!((t.cues[1].start, t.cues[1].end), (4.0, 9.0));
    }

    #[test]
    fn vtt_voices_notes_and_entities() {
        let vtt = "WEBVTT - a title\nKind: captions\n\nNOTE a comment\nspanning lines\n\n\
                   intro\n00:01.000 --> 00:04.000 align:start\n<v.loud Ann Lee>Hi &lt;all&gt;</v>\n<v Bob>Hey <b>you</b>\n\n\
                   00:00:04.000 --> 00:00:06.500\nplain\n";
        let t = parse_vtt(vtt, p("a.vtt")).unwrap();
        assert_eq!(t.cues.len(), 3);
        assert_eq!(t.cues[0].speaker.as_deref(), Some("Ann Lee"));
        assert_eq!(t.cues[0].text, "Hi <all>");
        assert_eq!(t.cues[1].speaker.as_deref(), Some("Bob"));
        assert_eq!(
            (t.cues[1].start, t.cues[1].end, t.cues[1].line),
            (1.0, 4.0, 8)
        );
        assert_eq!(t.cues[2].text, "plain");
        assert_round_trips(&t);
        let written = to_vtt(&t).unwrap();
        assert!(written.contains("<v Ann Lee>Hi &lt;all&gt;\n"), "{written}");
        let errors = parse_vtt("1\n00:00:01.000 --> 00:00:02.000\nx\n", p("b.vtt")).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "b.vtt:1: error: a WebVTT file must start with `WEBVTT`"
        );
        let errors = parse_vtt("WEBVTT\n\nid\nnot a timing\n", p("c.vtt")).unwrap_err();
        assert_eq!(errors[0].line, Some(3));
    }

    #[test]
    fn json_transcripts_and_word_joining() {
        let json = r#"{"version": "1.0.0", "segments": [
  {"speaker": "Ann", "startTime": 0.5, "endTime": 2.0, "body": "Hello there."},
  {"speaker": "Bob", "startTime": 2.5, "body": "Hi &amp; welcome"}
]}"#;
        let t = parse(json, p("t.json"), Some(10.0)).unwrap();
        assert_eq!(t.cues.len(), 2);
        assert_eq!(t.cues[1].line, 3);
        assert_eq!((t.cues[1].start, t.cues[1].end), (2.5, 10.0));
        assert_eq!(t.cues[1].text, "Hi & welcome");
        assert_round_trips(&t);

        let words = [
            "One", "two", "three.", "Four", "five", "six", "seven", "eight", "nine", "ten.",
        ];
        let segments: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                format!(
                    r#"{{"speaker": "Ann", "startTime": {}, "endTime": {}, "body": "{w}"}}"#,
                    i as f64 * 0.5,
                    i as f64 * 0.5 + 0.4
                )
            })
            .collect();
        let json = format!(
            r#"{{"version": "1.0.0", "segments": [{}]}}"#,
            segments.join(",\n")
        );
        let t = parse(&json, p("w.json"), None).unwrap();
        let texts: Vec<&str> = t.cues.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["One two three.", "Four five six seven eight nine ten."]
        );
        assert_eq!((t.cues[1].start, t.cues[1].end), (1.5, 4.9));

        let errors = parse(
            "{\"segments\": [\n{\"startTime\": \"x\"}]}",
            p("bad.json"),
            None,
        )
        .unwrap_err();
        assert_eq!(errors[0].line, Some(2));
    }

    fn errors_of(text: &str, name: &str) -> Vec<String> {
        parse(text, p(name), None)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_mistyped_srt_arrow_is_an_error_at_its_line() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 -> 00:00:04,000\nWorld\n\n3\n00:00:05,000 --> 00:00:06,000\nBye\n";
        assert_eq!(
            errors_of(srt, "t.srt"),
            [
                "t.srt:6: error: `->` between two times: a cue timing line is `00:00:01,000 --> 00:00:04,000` (two dashes and `>`)"
            ]
        );
    }

    #[test]
    fn an_srt_cue_without_its_number_is_an_error() {
        let srt =
            "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n00:00:03,000 --> 00:00:04,000\nWorld\n";
        assert_eq!(
            errors_of(srt, "t.srt"),
            [
                "t.srt:5: error: this cue has no number: an SRT cue is its number on a line of its own, then its times (`00:00:01,000 --> 00:00:04,000`), then its text, with a blank line after it"
            ]
        );
        let bad_time = "1\n00:00:01,000 --> 00:00:0x,000\nHello\n";
        assert_eq!(errors_of(bad_time, "t.srt").len(), 1);
        assert!(errors_of(bad_time, "t.srt")[0].starts_with("t.srt:2: error: cue timing:"));
        // A caption that starts with two times is text.
        let fine = "1\n00:00:01,000 --> 00:00:02,000\n10:30 - 11:00 works for me\n";
        assert!(parse(fine, p("t.srt"), None).is_ok());
    }

    #[test]
    fn webvtt_and_timestamped_text_are_as_strict() {
        let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n00:03.000 --> 00:04.000\nthere\n\n00:05.000 => 00:06.000\nyou\n";
        assert_eq!(
            errors_of(vtt, "t.vtt"),
            [
                "t.vtt:5: error: a timing line inside the previous cue: put a blank line before each cue",
                "t.vtt:8: error: `=>` between two times: a cue timing line is `00:00:01.000 --> 00:00:04.000` (two dashes and `>`)",
            ]
        );
        let txt = "[00:00:00]\n>> A: hi\n\n[00:00:3O]\n>> B: there\n";
        assert_eq!(
            errors_of(txt, "t.txt"),
            [
                "t.txt:4: error: `[00:00:3O]` is not a timestamp: write it as `[00:00:03]` (hours, minutes, seconds)"
            ]
        );
    }

    #[test]
    fn a_real_transcript_with_one_typo_names_its_line() {
        // Seed 004's cues (read at test time), written one block each as SRT tools write
        // them; then one arrow mistyped and one number dropped, as a hand edit would.
        let Some(text) = crate::seeds::read("004_") else {
            return;
        };
        let t = parse(&text, p("004.txt"), None).unwrap();
        let write = |typos: bool| {
            let mut srt = String::new();
            let mut lines_of_cue = Vec::new();
            for (k, cue) in t.cues.iter().take(40).enumerate() {
                lines_of_cue.push(srt.matches('\n').count() + 1);
                let mut times = String::new();
                timecode::write_srt(&mut times, cue.start);
                times.push_str(if typos && k == 20 { " -> " } else { " --> " });
                timecode::write_srt(&mut times, cue.end);
                if !(typos && k == 30) {
                    srt.push_str(&format!("{}\n", k + 1));
                }
                srt.push_str(&format!("{times}\n{}\n\n", cue.text));
            }
            (srt, lines_of_cue)
        };
        let (clean, _) = write(false);
        assert_eq!(parse_srt(&clean, p("s.srt")).unwrap().cues.len(), 40);
        let (srt, lines_of_cue) = write(true);
        let errors: Vec<(Option<usize>, String)> = parse_srt(&srt, p("s.srt"))
            .unwrap_err()
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect();
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert_eq!(errors[0].0, Some(lines_of_cue[20] + 1));
        assert!(errors[0].1.starts_with("`->` between two times"));
        assert_eq!(errors[1].0, Some(lines_of_cue[30]));
        assert!(errors[1].1.starts_with("this cue has no number"));
    }

    #[test]
    fn misspelled_json_keys_are_errors() {
        let json = "{\"segments\": [\n{\"startTime\": 0, \"endTime\": 1, \"body\": \"a\"},\n{\"startTime\": 1, \"endtime\": 2, \"body\": \"b\"}\n]}";
        assert_eq!(
            errors_of(json, "t.json"),
            ["t.json:3: error: unknown key \"endtime\" (did you mean \"endTime\"?)"]
        );
    }

    #[test]
    fn validate_rejects_backwards_cues() {
        let srt = "1\n00:00:05,000 --> 00:00:04,000\nx\n\n2\n00:00:06,000 --> 00:00:06,000\ny\n";
        let t = parse_srt(srt, p("a.srt")).unwrap();
        let errors: Vec<String> = validate(&t, None, p("a.srt"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            vec![
                "a.srt:2: error: cue ends at 00:00:04.000 but starts at 00:00:05.000: a cue must end after it starts",
                "a.srt:6: error: cue ends at 00:00:06.000 but starts at 00:00:06.000: a cue must end after it starts",
            ]
        );
    }

    #[test]
    fn half_a_million_cues() {
        let n = 500_000;
        let mut srt = String::with_capacity(n * 48);
        for i in 0..n {
            let mut times = String::new();
            timecode::write_srt(&mut times, i as f64);
            times.push_str(" --> ");
            timecode::write_srt(&mut times, i as f64 + 0.9);
            let _ = write!(srt, "{}\n{times}\nword {i}\n\n", i + 1);
        }
        let t = parse_srt(&srt, p("big.srt")).unwrap();
        assert_eq!(t.cues.len(), n);
        assert_eq!(t.cues[n - 1].line, 4 * (n - 1) + 2);
        let vtt = to_vtt(&t).unwrap();
        let back = parse_vtt(&vtt, p("big.vtt")).unwrap();
        assert_eq!(back.cues.len(), n);
        assert_eq!(back.cues[n - 1].text, format!("word {}", n - 1));
        assert!(validate(&back, Some(n as f64), p("big.vtt")).is_empty());
    }
}
