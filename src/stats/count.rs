//! The IAB v2.3 count. A window is one listener (IP address, an IPv6 address by its first 64
//! bits, plus the exact user agent) and one episode in one UTC calendar day; its GET requests
//! with status 200 or 206 add up their bytes, and it is one download when the sum reaches the
//! episode's threshold (`EpisodeInfo::threshold`). HEAD, other methods, 304 and other
//! statuses, `Range: bytes=0-1` probes and bots never count.

use std::collections::BTreeMap;
use std::net::IpAddr;

use rustc_hash::{FxHashMap, FxHasher};

use super::agents::{Agent, Agents};
use super::episodes::Catalog;
use super::{Line, Method, Request};

/// Why a request (or a window: `under_threshold`) did not count.
pub const REASONS: [&str; 10] = [
    "head",
    "method",
    "not_modified",
    "status",
    "probe",
    "bot",
    "watch",
    "not_an_episode",
    "outside_period",
    "under_threshold",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WindowKey {
    /// UTC day number (days since 1970-01-01).
    pub day: i64,
    /// The address as a number: an IPv4 address mapped into IPv6, an IPv6 address's first
    /// 64 bits, or (a log's odd address) a hash of its text.
    pub ip: u128,
    /// Index into the tally's agents.
    pub agent: u32,
    pub episode: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub bytes: u64,
    pub requests: u32,
}

/// The UTC days a count keeps (inclusive; None: unbounded).
#[derive(Debug, Clone, Copy, Default)]
pub struct Period {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Period {
    pub fn holds(&self, day: i64) -> bool {
        self.since.is_none_or(|s| day >= s) && self.until.is_none_or(|u| day <= u)
    }
}

/// A problem line of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    pub line: usize,
    pub reason: &'static str,
}

/// The requests of one or more log files, before agents are named.
#[derive(Debug, Default)]
pub struct Tally {
    pub windows: FxHashMap<WindowKey, Window>,
    pub agents: Vec<String>,
    agent_ids: FxHashMap<String, u32>,
    /// Requests not counted, by UTC day and reason.
    pub excluded: BTreeMap<(i64, &'static str), u64>,
    pub lines_read: u64,
    pub unparsed: u64,
    /// The first few unparsed lines.
    pub samples: Vec<Unparsed>,
    /// The first and last day of any request seen.
    pub first_day: Option<i64>,
    pub last_day: Option<i64>,
}

const SAMPLES: usize = 5;

/// The number an address is counted by.
pub fn ip_key(ip: &str) -> u128 {
    let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => u32::from(v4) as u128 | 0xffff_0000_0000,
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => u32::from(v4) as u128 | 0xffff_0000_0000,
            None => u128::from(v6) & !((1u128 << 64) - 1),
        },
        Err(_) => {
            use std::hash::Hasher;
            let mut h = FxHasher::default();
            h.write(ip.as_bytes());
            (1u128 << 127) | h.finish() as u128
        }
    }
}

impl Tally {
    fn exclude(&mut self, day: i64, reason: &'static str) {
        *self.excluded.entry((day, reason)).or_default() += 1;
    }

    /// Adds a window (as the history keeps it) to the tally.
    pub fn add_window(&mut self, day: i64, ip: u128, agent: &str, episode: u32, w: Window) {
        let key = WindowKey {
            day,
            ip,
            agent: self.agent_id(agent),
            episode,
        };
        let mine = self.windows.entry(key).or_default();
        mine.bytes = mine.bytes.saturating_add(w.bytes);
        mine.requests += w.requests;
        self.saw(day);
    }

    /// Adds requests not counted (as the history keeps them).
    pub fn add_excluded(&mut self, day: i64, reason: &'static str, n: u64) {
        *self.excluded.entry((day, reason)).or_default() += n;
    }

    fn saw(&mut self, day: i64) {
        self.first_day = Some(self.first_day.map_or(day, |d| d.min(day)));
        self.last_day = Some(self.last_day.map_or(day, |d| d.max(day)));
    }

    fn agent_id(&mut self, agent: &str) -> u32 {
        if let Some(&id) = self.agent_ids.get(agent) {
            return id;
        }
        let id = self.agents.len() as u32;
        self.agents.push(agent.to_string());
        self.agent_ids.insert(agent.to_string(), id);
        id
    }

    /// Takes one line as its reader made it (`number`: 1-based, for the samples).
    pub fn line(&mut self, line: Line, number: usize, catalog: &Catalog, period: Period) {
        match line {
            Line::Skip => {}
            Line::Bad(reason) => {
                self.lines_read += 1;
                self.unparsed += 1;
                if self.samples.len() < SAMPLES {
                    self.samples.push(Unparsed {
                        line: number,
                        reason,
                    });
                }
            }
            Line::Request(r) => {
                self.lines_read += 1;
                self.request(&r, catalog, period);
            }
        }
    }

    pub fn request(&mut self, r: &Request, catalog: &Catalog, period: Period) {
        let day = r.secs.div_euclid(86_400);
        if !period.holds(day) {
            return self.exclude(day, "outside_period");
        }
        let Some(episode) = catalog.lookup(&r.path) else {
            return self.exclude(day, "not_an_episode");
        };
        self.saw(day);
        match r.method {
            Method::Get => {}
            Method::Head => return self.exclude(day, "head"),
            Method::Other => return self.exclude(day, "method"),
        }
        match r.status {
            200 | 206 => {}
            304 => return self.exclude(day, "not_modified"),
            _ => return self.exclude(day, "status"),
        }
        if r.probe {
            return self.exclude(day, "probe");
        }
        let key = WindowKey {
            day,
            ip: ip_key(&r.ip),
            agent: self.agent_id(&r.agent),
            episode,
        };
        let w = self.windows.entry(key).or_default();
        w.bytes = w.bytes.saturating_add(r.bytes);
        w.requests += 1;
    }

    /// Adds another tally's requests to this one.
    pub fn merge(&mut self, other: Tally) {
        let ids: Vec<u32> = other.agents.iter().map(|a| self.agent_id(a)).collect();
        for (mut k, w) in other.windows {
            k.agent = ids[k.agent as usize];
            let mine = self.windows.entry(k).or_default();
            mine.bytes = mine.bytes.saturating_add(w.bytes);
            mine.requests += w.requests;
        }
        for (reason, n) in other.excluded {
            *self.excluded.entry(reason).or_default() += n;
        }
        self.lines_read += other.lines_read;
        self.unparsed += other.unparsed;
        if let Some(d) = other.first_day {
            self.first_day = Some(self.first_day.map_or(d, |m| m.min(d)));
        }
        if let Some(d) = other.last_day {
            self.last_day = Some(self.last_day.map_or(d, |m| m.max(d)));
        }
    }
}

/// One counted download.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Download {
    pub episode: u32,
    pub day: i64,
    pub app: String,
    pub device: String,
}

/// The count of a tally.
#[derive(Debug, Default)]
pub struct Counted {
    pub downloads: Vec<Download>,
    /// What each of the tally's agents is.
    pub agents: Vec<Agent>,
    pub excluded: BTreeMap<&'static str, u64>,
}

/// Names every distinct agent once, drops bots' windows, and keeps the windows whose bytes
/// reach their episode's threshold.
pub fn count(tally: &Tally, catalog: &Catalog, agents: &Agents) -> Counted {
    let named: Vec<Agent> = {
        use rayon::prelude::*;
        tally
            .agents
            .par_iter()
            .map(|a| agents.classify(a))
            .collect()
    };
    let mut excluded: BTreeMap<&'static str, u64> = BTreeMap::new();
    for ((_, reason), n) in &tally.excluded {
        *excluded.entry(reason).or_default() += n;
    }
    let mut downloads = Vec::new();
    for (k, w) in &tally.windows {
        match &named[k.agent as usize] {
            Agent::Bot { watch, .. } => {
                let reason = if *watch { "watch" } else { "bot" };
                *excluded.entry(reason).or_default() += w.requests as u64;
            }
            Agent::Listener { name, device } => {
                if w.bytes >= catalog.episodes[k.episode as usize].threshold() {
                    downloads.push(Download {
                        episode: k.episode,
                        day: k.day,
                        app: name.clone(),
                        device: device.clone(),
                    });
                } else {
                    *excluded.entry("under_threshold").or_default() += 1;
                }
            }
        }
    }
    downloads.sort();
    Counted {
        downloads,
        agents: named,
        excluded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::episodes::EpisodeInfo;
    use std::borrow::Cow;

    fn catalog() -> Catalog {
        let ep = |slug: &str, size: u64, duration: f64, header: u64| EpisodeInfo {
            slug: slug.into(),
            title: slug.into(),
            show: None,
            url: format!("https://pod.example/audio/{slug}.mp3"),
            published: 0,
            size,
            duration,
            header,
        };
        // long: 1,000 bytes a second, a 1,000-byte header: 61,000 bytes make a download.
        Catalog::new(vec![
            ep("long", 601_000, 601.0, 1000),
            ep("short", 30_000, 30.0, 0),
        ])
    }

    fn req(
        secs: i64,
        ip: &str,
        agent: &str,
        path: &str,
        status: u16,
        bytes: u64,
    ) -> Request<'static> {
        Request {
            secs,
            ip: Cow::Owned(ip.into()),
            method: Method::Get,
            path: Cow::Owned(path.into()),
            status,
            bytes,
            agent: Cow::Owned(agent.into()),
            probe: false,
        }
    }

    const APP: &str = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
    const DAY: i64 = 20_000 * 86_400;

    fn run(reqs: &[Request]) -> Counted {
        let c = catalog();
        let mut t = Tally::default();
        for r in reqs {
            t.request(r, &c, Period::default());
        }
        count(&t, &c, &Agents::bundled())
    }

    #[test]
    fn ranges_sum_within_a_window() {
        let a = req(DAY + 10, "192.0.2.1", APP, "/audio/long.mp3", 206, 30_000);
        let b = req(
            DAY + 5000,
            "192.0.2.1",
            APP,
            "/audio/long.mp3?x=1",
            206,
            31_000,
        );
        let got = run(&[a.clone(), b]);
        assert_eq!(got.downloads.len(), 1);
        assert_eq!(got.downloads[0].app, "Overcast");
        // 30,000 + 30,999 falls one byte short.
        let short = req(DAY + 5000, "192.0.2.1", APP, "/audio/long.mp3", 206, 30_999);
        let got = run(&[a, short]);
        assert!(got.downloads.is_empty());
        assert_eq!(got.excluded.get("under_threshold"), Some(&1));
    }

    #[test]
    fn windows_are_utc_days() {
        let a = req(
            DAY + 86_399,
            "192.0.2.1",
            APP,
            "/audio/long.mp3",
            200,
            61_000,
        );
        let b = req(
            DAY + 86_400,
            "192.0.2.1",
            APP,
            "/audio/long.mp3",
            200,
            61_000,
        );
        let got = run(&[a.clone(), b, a]);
        let days: Vec<i64> = got.downloads.iter().map(|d| d.day).collect();
        assert_eq!(days, [20_000, 20_001]);
    }

    #[test]
    fn ipv6_by_its_first_64_bits_and_agents_apart() {
        let a = req(DAY, "2001:db8:1:2::1", APP, "/audio/long.mp3", 200, 61_000);
        let b = req(
            DAY,
            "2001:db8:1:2:ffff::9",
            APP,
            "/audio/long.mp3",
            200,
            61_000,
        );
        let c = req(DAY, "2001:db8:1:3::1", APP, "/audio/long.mp3", 200, 61_000);
        let d = req(
            DAY,
            "2001:db8:1:2::1",
            "Spotify/8.8.12 Android/33",
            "/audio/long.mp3",
            200,
            61_000,
        );
        assert_eq!(run(&[a, b, c, d]).downloads.len(), 3);
        assert_eq!(ip_key("::ffff:192.0.2.1"), ip_key("192.0.2.1"));
    }

    #[test]
    fn exclusions() {
        let mut head = req(DAY, "192.0.2.1", APP, "/audio/long.mp3", 200, 0);
        head.method = Method::Head;
        let mut probe = req(DAY, "192.0.2.2", APP, "/audio/short.mp3", 206, 2);
        probe.probe = true;
        let got = run(&[
            head,
            probe,
            req(DAY, "192.0.2.3", APP, "/audio/long.mp3", 304, 0),
            req(DAY, "192.0.2.3", APP, "/audio/long.mp3", 404, 900_000),
            req(
                DAY,
                "192.0.2.4",
                "AhrefsBot/7.0",
                "/audio/long.mp3",
                200,
                900_000,
            ),
            req(
                DAY,
                "192.0.2.5",
                "atc/1.0 watchOS/10.0",
                "/audio/long.mp3",
                200,
                900_000,
            ),
            req(DAY, "192.0.2.6", APP, "/feed.xml", 200, 900_000),
        ]);
        assert!(got.downloads.is_empty());
        let ex = |r: &str| got.excluded.get(r).copied().unwrap_or(0);
        for r in [
            "head",
            "probe",
            "not_modified",
            "status",
            "bot",
            "watch",
            "not_an_episode",
        ] {
            assert_eq!(ex(r), 1, "{r}");
        }
    }

    #[test]
    fn short_episode_needs_the_whole_file() {
        let part = req(DAY, "192.0.2.1", APP, "/audio/short.mp3", 206, 29_999);
        assert!(run(&[part]).downloads.is_empty());
        let whole = req(DAY, "192.0.2.1", APP, "/audio/short.mp3", 200, 30_000);
        assert_eq!(run(&[whole]).downloads.len(), 1);
    }

    #[test]
    fn merge_equals_one_tally() {
        let c = catalog();
        let reqs = [
            req(DAY, "192.0.2.1", APP, "/audio/long.mp3", 206, 40_000),
            req(DAY + 60, "192.0.2.1", APP, "/audio/long.mp3", 206, 40_000),
            req(
                DAY,
                "192.0.2.2",
                "Spotify/8.8.12 Android/33",
                "/audio/short.mp3",
                200,
                30_000,
            ),
        ];
        let mut one = Tally::default();
        for r in &reqs {
            one.request(r, &c, Period::default());
        }
        let (mut a, mut b) = (Tally::default(), Tally::default());
        b.request(&reqs[2], &c, Period::default());
        b.request(&reqs[1], &c, Period::default());
        a.request(&reqs[0], &c, Period::default());
        a.merge(b);
        let agents = Agents::bundled();
        assert_eq!(
            count(&one, &c, &agents).downloads,
            count(&a, &c, &agents).downloads
        );
        assert_eq!(count(&a, &c, &agents).downloads.len(), 2);
        assert_eq!((a.first_day, a.last_day), (Some(20_000), Some(20_000)));
    }
}
