//! The history of `onair stats`: SITE/.onair/stats.sqlite (schema in docs/stats.md), so
//! that logs read over several runs count exactly as one run over all of them would. It keeps
//! every window's byte sum (a window not yet complete grows in a later run), the requests not
//! counted by day and reason, and the files already read by their content's hash (a file read
//! again adds nothing). No address is stored: a listener is a keyed hash of its address (an
//! IPv6 address's first 64 bits) under a secret salt kept beside it (.onair/stats-salt).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::count::{Period, REASONS, Tally, Window};
use super::episodes::Catalog;
use super::time::{day_string, parse_day};

pub const DATABASE: &str = ".onair/stats.sqlite";
pub const SALT: &str = ".onair/stats-salt";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files (
    hash TEXT PRIMARY KEY,      -- BLAKE3 of the file's (decompressed) content
    source TEXT NOT NULL,       -- where it was read first
    format TEXT NOT NULL,
    lines_read INTEGER NOT NULL,
    lines_unparsed INTEGER NOT NULL,
    read_at TEXT NOT NULL       -- RFC 3339, UTC
);
CREATE TABLE IF NOT EXISTS windows (
    day TEXT NOT NULL,          -- YYYY-MM-DD, UTC
    listener TEXT NOT NULL,     -- keyed hash of the address (IPv6: its first 64 bits)
    agent TEXT NOT NULL,        -- the User-Agent as logged
    episode TEXT NOT NULL,      -- the enclosure's path, decoded (episodes.path)
    bytes INTEGER NOT NULL,     -- bytes of GET 200/206 responses that day, 0-1 probes left out
    requests INTEGER NOT NULL,
    PRIMARY KEY (day, listener, agent, episode)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS excluded (
    day TEXT NOT NULL,
    reason TEXT NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (day, reason)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS episodes (
    path TEXT PRIMARY KEY,      -- as windows.episode
    slug TEXT NOT NULL,
    show TEXT,                  -- the show's name in a network
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    published TEXT NOT NULL,
    size INTEGER NOT NULL,
    duration REAL NOT NULL,
    header INTEGER NOT NULL,
    threshold INTEGER NOT NULL  -- bytes a window needs to be a download
);
CREATE TABLE IF NOT EXISTS agents (
    agent TEXT PRIMARY KEY,
    kind TEXT NOT NULL,         -- listener | bot | watch
    name TEXT NOT NULL,         -- app, library or browser (or the bot's name)
    device TEXT
);
CREATE VIEW IF NOT EXISTS downloads AS
    SELECT w.day, w.listener, e.slug, e.show, a.name AS app, a.device, w.bytes
    FROM windows w JOIN episodes e ON e.path = w.episode JOIN agents a ON a.agent = w.agent
    WHERE a.kind = 'listener' AND w.bytes >= e.threshold;
";

/// A file read, as the history's `files` table keeps it.
pub struct FileRow {
    pub hash: [u8; 32],
    pub source: String,
    pub format: &'static str,
    pub lines_read: u64,
    pub unparsed: u64,
}

pub struct History {
    conn: Connection,
    salt: [u8; 32],
}

fn sql(path: &Path) -> impl Fn(rusqlite::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// The site's salt, made (32 random bytes, hex) the first time.
fn salt(site: &Path) -> Result<[u8; 32], String> {
    let path = site.join(SALT);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let fresh = format!(
                "{}{}\n",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            );
            write_private(&path, &fresh).map_err(|e| format!("{}: {e}", path.display()))?;
            fresh
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    Ok(*blake3::hash(text.trim().as_bytes()).as_bytes())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.mode(0o600);
    o.open(path)?.write_all(text.as_bytes())
}

impl History {
    pub fn path(site: &Path) -> PathBuf {
        site.join(DATABASE)
    }

    pub fn exists(site: &Path) -> bool {
        History::path(site).is_file()
    }

    pub fn open(site: &Path) -> Result<History, String> {
        let path = History::path(site);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let conn = Connection::open(&path).map_err(sql(&path))?;
        // One transaction a run; WAL keeps a reader (serve's report) apart from a writer.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;",
        )
        .map_err(sql(&path))?;
        conn.execute_batch(SCHEMA).map_err(sql(&path))?;
        Ok(History {
            conn,
            salt: salt(site)?,
        })
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> String + use<> {
        let path = self.conn.path().unwrap_or("stats.sqlite").to_string();
        move |e| format!("{path}: {e}")
    }

    /// Whether a file with this content was read before.
    pub fn known(&self, hash: &[u8; 32]) -> Result<Option<String>, String> {
        self.conn
            .query_row(
                "SELECT source FROM files WHERE hash = ?1",
                [blake3::Hash::from(*hash).to_hex().as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())
    }

    /// The listener column of an address key.
    fn listener(&self, ip: u128) -> String {
        let h = blake3::keyed_hash(&self.salt, &ip.to_be_bytes());
        h.to_hex()[..32].to_string()
    }

    /// Adds the files read (all or nothing) and their merged tally.
    pub fn record(
        &mut self,
        files: &[FileRow],
        tally: &Tally,
        catalog: &Catalog,
    ) -> Result<(), String> {
        let err = self.err();
        let listeners: Vec<(String, &super::count::WindowKey, &Window)> = tally
            .windows
            .iter()
            .map(|(k, w)| (self.listener(k.ip), k, w))
            .collect();
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut add = tx
                .prepare(
                    "INSERT INTO windows (day, listener, agent, episode, bytes, requests) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (day, listener, agent, episode) DO UPDATE SET bytes = bytes + excluded.bytes, requests = requests + excluded.requests",
                )
                .map_err(&err)?;
            for (listener, k, w) in listeners {
                let episode = catalog.path_of(k.episode);
                add.execute(params![
                    day_string(k.day),
                    listener,
                    tally.agents[k.agent as usize],
                    episode,
                    w.bytes as i64,
                    w.requests as i64
                ])
                .map_err(&err)?;
            }
            let mut ex = tx
                .prepare(
                    "INSERT INTO excluded (day, reason, requests) VALUES (?1, ?2, ?3)
                     ON CONFLICT (day, reason) DO UPDATE SET requests = requests + excluded.requests",
                )
                .map_err(&err)?;
            for ((day, reason), n) in &tally.excluded {
                ex.execute(params![day_string(*day), reason, *n as i64])
                    .map_err(&err)?;
            }
            let now = jiff::Timestamp::now().to_string();
            let mut file = tx
                .prepare("INSERT OR IGNORE INTO files VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .map_err(&err)?;
            for f in files {
                file.execute(params![
                    blake3::Hash::from(f.hash).to_hex().as_str(),
                    f.source,
                    f.format,
                    f.lines_read as i64,
                    f.unparsed as i64,
                    now
                ])
                .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// The site's episodes and the agents' names, for the view `downloads`.
    pub fn describe(
        &mut self,
        catalog: &Catalog,
        agents: &[(String, &str, String, Option<String>)],
    ) -> Result<(), String> {
        let err = self.err();
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute("DELETE FROM episodes", []).map_err(&err)?;
        {
            let mut ep = tx
                .prepare("INSERT OR REPLACE INTO episodes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
                .map_err(&err)?;
            for (i, e) in catalog.episodes.iter().enumerate() {
                ep.execute(params![
                    catalog.path_of(i as u32),
                    e.slug,
                    e.show,
                    e.title,
                    e.url,
                    day_string(e.published.div_euclid(86_400)),
                    e.size as i64,
                    e.duration,
                    e.header as i64,
                    e.threshold() as i64
                ])
                .map_err(&err)?;
            }
            let mut ag = tx
                .prepare("INSERT OR REPLACE INTO agents VALUES (?1, ?2, ?3, ?4)")
                .map_err(&err)?;
            for (agent, kind, name, device) in agents {
                ag.execute(params![agent, kind, name, device])
                    .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// The episodes as the last run described them (for a report without the site's build).
    pub fn episodes(&self) -> Result<Vec<super::episodes::EpisodeInfo>, String> {
        let err = self.err();
        let mut q = self
            .conn
            .prepare(
                "SELECT slug, show, title, url, published, size, duration, header FROM episodes",
            )
            .map_err(&err)?;
        let rows = q
            .query_map([], |r| {
                let published: String = r.get(4)?;
                Ok(super::episodes::EpisodeInfo {
                    slug: r.get(0)?,
                    show: r.get(1)?,
                    title: r.get(2)?,
                    url: r.get(3)?,
                    published: parse_day(&published).unwrap_or(0) * 86_400,
                    size: r.get::<_, i64>(5)? as u64,
                    duration: r.get(6)?,
                    header: r.get::<_, i64>(7)? as u64,
                })
            })
            .map_err(&err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&err)
    }

    /// Everything the history holds for the period, as one tally (listeners as numbers).
    pub fn load(&self, catalog: &Catalog, period: Period) -> Result<Tally, String> {
        let err = self.err();
        let mut tally = Tally::default();
        let (lines, unparsed): (i64, i64) = self
            .conn
            .query_row(
                "SELECT coalesce(sum(lines_read), 0), coalesce(sum(lines_unparsed), 0) FROM files",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(&err)?;
        tally.lines_read = lines as u64;
        tally.unparsed = unparsed as u64;
        let mut q = self
            .conn
            .prepare("SELECT day, listener, agent, episode, bytes, requests FROM windows")
            .map_err(&err)?;
        let mut rows = q.query([]).map_err(&err)?;
        while let Some(r) = rows.next().map_err(&err)? {
            let day: String = r.get(0).map_err(&err)?;
            let Some(day) = parse_day(&day).filter(|d| period.holds(*d)) else {
                continue;
            };
            let episode: String = r.get(3).map_err(&err)?;
            let Some(episode) = catalog.by_path(&episode) else {
                continue;
            };
            let listener: String = r.get(1).map_err(&err)?;
            let ip = u128::from_str_radix(&listener, 16).unwrap_or(0);
            let agent: String = r.get(2).map_err(&err)?;
            let (bytes, requests): (i64, i64) = (r.get(4).map_err(&err)?, r.get(5).map_err(&err)?);
            let w = Window {
                bytes: bytes as u64,
                requests: requests as u32,
            };
            tally.add_window(day, ip, &agent, episode, w);
        }
        let mut q = self
            .conn
            .prepare("SELECT day, reason, requests FROM excluded")
            .map_err(&err)?;
        let mut rows = q.query([]).map_err(&err)?;
        while let Some(r) = rows.next().map_err(&err)? {
            let (day, reason, n): (String, String, i64) = (
                r.get(0).map_err(&err)?,
                r.get(1).map_err(&err)?,
                r.get(2).map_err(&err)?,
            );
            let Some(day) = parse_day(&day).filter(|d| period.holds(*d)) else {
                continue;
            };
            if let Some(reason) = REASONS.iter().find(|x| **x == reason) {
                tally.add_excluded(day, reason, n as u64);
            }
        }
        Ok(tally)
    }
}
