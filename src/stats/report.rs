//! What the podcaster sees: the count as one JSON object (PRODUCT.md's shape), CSV rows (one
//! per episode, day and app), a terminal table, and a self-contained HTML report with SVG
//! charts.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::count::{Counted, Tally};
use super::episodes::Catalog;
use super::time::day_string;

pub const METHOD: &str = "IAB Tech Lab Podcast Measurement Technical Guidelines v2.3: one download per IP address (IPv6: its first 64 bits), user agent and episode in a UTC calendar day, when that day's GET requests with status 200 or 206 sent at least the file's header bytes plus one minute of audio at its average byte rate (the whole file when it plays under a minute); HEAD, 304 and other statuses, Range bytes=0-1 probes, and bots and Apple Watch fetches as the OPAWG user-agents-v2 lists name them (and agents calling themselves bot, crawler or spider) are never counted";

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct PeriodOut {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EpisodeOut {
    pub slug: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show: Option<String>,
    pub url: String,
    pub published: String,
    pub downloads: u64,
    pub days: BTreeMap<String, u64>,
    pub apps: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize)]
pub struct LinesOut {
    pub read: u64,
    pub unparsed: u64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub downloads: u64,
    pub period: PeriodOut,
    /// Newest first.
    pub episodes: Vec<EpisodeOut>,
    pub days: BTreeMap<String, u64>,
    pub apps: BTreeMap<String, u64>,
    pub devices: BTreeMap<String, u64>,
    pub excluded: BTreeMap<String, u64>,
    pub lines: LinesOut,
    pub method: String,
    /// (Added) the CSV rows: episode index, day, app, downloads.
    #[serde(skip)]
    pub rows: Vec<(usize, String, String, u64)>,
}

/// The report of a count. `period`: the --since/--until days, else the days the logs held.
pub fn build(
    counted: &Counted,
    tally: &Tally,
    catalog: &Catalog,
    period: (Option<i64>, Option<i64>),
) -> Report {
    let mut episodes: Vec<EpisodeOut> = catalog
        .episodes
        .iter()
        .map(|e| EpisodeOut {
            slug: e.slug.clone(),
            title: e.title.clone(),
            show: e.show.clone(),
            url: e.url.clone(),
            published: day_string(e.published.div_euclid(86_400)),
            downloads: 0,
            days: BTreeMap::new(),
            apps: BTreeMap::new(),
        })
        .collect();
    let (mut days, mut apps, mut devices) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut rows: BTreeMap<(usize, String, String), u64> = BTreeMap::new();
    for d in &counted.downloads {
        let e = &mut episodes[d.episode as usize];
        let day = day_string(d.day);
        e.downloads += 1;
        *e.days.entry(day.clone()).or_default() += 1;
        *e.apps.entry(d.app.clone()).or_default() += 1;
        *days.entry(day.clone()).or_default() += 1;
        *apps.entry(d.app.clone()).or_default() += 1;
        *devices.entry(d.device.clone()).or_default() += 1;
        *rows
            .entry((d.episode as usize, day, d.app.clone()))
            .or_default() += 1;
    }
    let from = period.0.or(tally.first_day).map(day_string);
    let to = period.1.or(tally.last_day).map(day_string);
    Report {
        downloads: counted.downloads.len() as u64,
        period: PeriodOut { from, to },
        episodes,
        days,
        apps,
        devices,
        excluded: counted
            .excluded
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        lines: LinesOut {
            read: tally.lines_read,
            unparsed: tally.unparsed,
        },
        method: METHOD.to_string(),
        rows: rows
            .into_iter()
            .map(|((e, d, a), n)| (e, d, a, n))
            .collect(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per episode, day and app.
pub fn csv(r: &Report) -> String {
    let mut out = String::from("episode,show,day,app,downloads\n");
    for (e, day, app, n) in &r.rows {
        let ep = &r.episodes[*e];
        let _ = writeln!(
            out,
            "{},{},{day},{},{n}",
            csv_field(&ep.slug),
            csv_field(ep.show.as_deref().unwrap_or("")),
            csv_field(app)
        );
    }
    out
}

/// Every day from `from` to `to` (inclusive) as "YYYY-MM-DD", at most ten years of them.
pub fn day_range(p: &PeriodOut) -> Vec<String> {
    let (Some(from), Some(to)) = (
        p.from.as_deref().and_then(super::time::parse_day),
        p.to.as_deref().and_then(super::time::parse_day),
    ) else {
        return Vec::new();
    };
    (from..=to.min(from + 3660)).map(day_string).collect()
}

/// Unicode block bars of `values`, at most `width` wide (days grouped when more).
pub fn sparkline(values: &[u64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if values.is_empty() {
        return String::new();
    }
    let group = values.len().div_ceil(width.max(1));
    let sums: Vec<u64> = values.chunks(group).map(|c| c.iter().sum()).collect();
    let max = sums.iter().copied().max().unwrap_or(0);
    sums.iter()
        .map(|&v| match (v, max) {
            (0, _) => ' ',
            (_, 1) => BARS[7],
            (_, m) => BARS[((v - 1) * 7 / (m - 1)).min(7) as usize],
        })
        .collect()
}

fn top(map: &BTreeMap<String, u64>, n: usize) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(n);
    v
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

/// The terminal table: episodes newest first with downloads and a per-day sparkline, then
/// the top apps and devices and what was left out.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let (from, to) = (
        r.period.from.as_deref().unwrap_or("-"),
        r.period.to.as_deref().unwrap_or("-"),
    );
    let _ = writeln!(out, "{} downloads, {from} to {to}\n", r.downloads);
    let days = day_range(&r.period);
    let _ = writeln!(
        out,
        "{:<10}  {:<40}  {:>9}  per day",
        "published", "episode", "downloads"
    );
    for e in &r.episodes {
        let values: Vec<u64> = days
            .iter()
            .map(|d| e.days.get(d).copied().unwrap_or(0))
            .collect();
        let name = match &e.show {
            Some(show) => format!("{show}/{}", e.slug),
            None => e.slug.clone(),
        };
        let _ = writeln!(
            out,
            "{:<10}  {:<40}  {:>9}  {}",
            e.published,
            shorten(&name, 40),
            e.downloads,
            sparkline(&values, 30)
        );
    }
    for (title, map) in [("apps", &r.apps), ("devices", &r.devices)] {
        let _ = writeln!(out, "\ntop {title}:");
        for (name, n) in top(map, 10) {
            let pct = n as f64 * 100.0 / r.downloads.max(1) as f64;
            let _ = writeln!(out, "  {:<40} {n:>9}  {pct:>5.1}%", shorten(name, 40));
        }
    }
    let excluded: Vec<String> = r.excluded.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(
        out,
        "\nlines: {} read, {} unparsed; not counted: {}",
        r.lines.read,
        r.lines.unparsed,
        if excluded.is_empty() {
            "none".to_string()
        } else {
            excluded.join(", ")
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_and_groups() {
        assert_eq!(sparkline(&[0, 1, 7], 10), " ▁█");
        assert_eq!(sparkline(&[1, 1, 2, 2], 2).chars().count(), 2);
        assert_eq!(sparkline(&[], 5), "");
    }

    #[test]
    fn csv_quotes() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
