//! The command line, as PRODUCT.md fixes it. Each subcommand's arguments are a struct that
//! its module in `cmd/` runs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "onair", version, about = "A static-site podcast publisher", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a new site (site.yaml, one sample episode, folders) that builds as is
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// Build the site into DIR/public (or --output)
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Build in memory, watch and serve with live reload; never touches public/
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Create things: `onair new episode --audio FILE --title TITLE`
    #[command(subcommand, after_help = NEW_EPISODE_EXAMPLES)]
    New(NewCommand),
    /// Validate a site's feed (built in memory) or any feed file; every problem with a rule id
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print each audio file's duration, byte size, MIME type, codec and bitrate
    #[command(after_help = PROBE_EXAMPLES)]
    Probe(ProbeArgs),
    /// Import an existing podcast feed (file or URL) into a site
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Publish the built site to s3://BUCKET/PREFIX or file:///PATH, changed files only
    #[command(after_help = DEPLOY_EXAMPLES)]
    Deploy(DeployArgs),
    /// Add a CI recipe that builds and deploys the site on push and every hour (never
    /// overwriting one)
    #[command(after_help = CI_EXAMPLES)]
    Ci(CiArgs),
    /// Count downloads from the show's own server logs, by the IAB v2.3 rules
    #[command(after_help = STATS_EXAMPLES)]
    Stats(StatsArgs),
}

const STATS_EXAMPLES: &str = "\
Examples:
  onair stats --logs /var/log/nginx/          # a folder of logs, .gz or not
  onair stats --logs s3://my-logs/cf/E2ABC123 # every object whose key starts so
  onair stats --since 2026-11-01 --json       # from the history, no logs read
  onair stats --logs access.log --html report/";

#[derive(Debug, Args, Clone)]
pub struct StatsArgs {
    /// The site folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// A log file, a folder of them (recursive), a .gz, or s3://BUCKET/PREFIX (repeat for more)
    #[arg(long = "logs", value_name = "SOURCE")]
    pub logs: Vec<String>,
    /// The first UTC day counted (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// The last UTC day counted (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Print the count as one JSON object
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one CSV row per episode, day and app
    #[arg(long)]
    pub csv: bool,
    /// Also write an HTML report with charts as DIR/index.html
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// The logs' format, instead of finding it per file: s3, cloudfront, combined (nginx,
    /// apache), caddy, cloudflare, bunny
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// A newer copy of the OPAWG user-agents-v2 lists (bots.json, apps.json, libraries.json,
    /// browsers.json, devices.json)
    #[arg(long, value_name = "DIR")]
    pub user_agents: Option<PathBuf>,
    /// In a network: count one show's episodes only (its name or its folder in shows/)
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

/// A CI service whose recipe onair writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiService {
    /// GitHub Actions: .github/workflows/onair.yml
    Github,
    /// GitLab CI: .gitlab-ci.yml (add an hourly pipeline schedule)
    Gitlab,
    /// No recipe
    None,
}

#[derive(Debug, Args, Clone)]
pub struct CiArgs {
    /// The service: github or gitlab
    pub service: CiService,
    /// The site folder (the recipe goes to the root of its git repository)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

const INIT_EXAMPLES: &str = "\
Examples:
  onair init my-show                          # the title comes from the folder: My Show
  onair init my-show --title \"Kitchen Table\"";

const BUILD_EXAMPLES: &str = "\
Examples:
  onair build                                 # the site in this folder, into ./public
  onair build my-show --output /tmp/preview --base-url https://staging.example.com
  onair build --locked                        # on CI: audio facts from onair.lock only";

const SERVE_EXAMPLES: &str = "\
Examples:
  onair serve                                 # http://127.0.0.1:4000, the app view at /_onair/
  onair serve my-show --port 8080 --drafts";

const NEW_EPISODE_EXAMPLES: &str = "\
Examples:
  onair new episode --audio audio/ep2.mp3 --title \"Sourdough, Again\"
  onair new episode --audio https://cdn.example.com/ep3.mp3 --title \"Live\" --draft";

const CHECK_EXAMPLES: &str = "\
Examples:
  onair check                                 # the site in this folder, built in memory
  onair check feed.xml --json                 # any feed file
  onair check --against old-feed.xml          # after an import: nothing vanished or changed
  onair check --rules";

const PROBE_EXAMPLES: &str = "\
Examples:
  onair probe audio/ep1.mp3 audio/ep2.m4a
  onair probe --lock https://cdn.example.com/ep1.mp3   # record remote audio in onair.lock";

const IMPORT_EXAMPLES: &str = "\
Examples:
  onair import https://feeds.example.com/show.xml my-show --download --download-audio
  onair import file:///home/me/old-feed.xml my-show --keep-posts
  onair import old-feed.xml my-show --url https://podcast.example.com";

const CI_EXAMPLES: &str = "\
Examples:
  onair ci github                             # .github/workflows/onair.yml at the repository root
  onair ci gitlab my-show                     # .gitlab-ci.yml for the site in my-show/";

const DEPLOY_EXAMPLES: &str = "\
Examples:
  onair deploy --dry-run                      # what would change, changing nothing
  onair deploy --to s3://my-bucket/podcast
  onair deploy --to file:///var/www/podcast --max-deletes 50";

#[derive(Debug, Args, Clone)]
pub struct DeployArgs {
    /// The site folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The target (default: site.yaml `deploy.to`): s3://BUCKET/PREFIX or file:///PATH
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Print every upload (with its headers) and deletion; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse to delete more than N files from the target (default: deploy.max_deletes, else 10)
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<usize>,
    /// Seconds a connection to the store may take (default: deploy.connect_timeout, else 10)
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<u64>,
    /// Seconds a request to the store may go without progress before it is retried
    /// (default: deploy.stall_timeout, else 30)
    #[arg(long, value_name = "SECONDS")]
    pub stall_timeout: Option<u64>,
    /// Deploy public/ as it is, without building first
    #[arg(long)]
    pub no_build: bool,
    /// Build and deploy even if episodes vanish or change GUID compared with the feed being
    /// replaced (passed to the build, as `onair build --allow-feed-changes`)
    #[arg(long)]
    pub allow_feed_changes: bool,
    /// Build as the site will be at TIME (as `onair build --at`): a CI run started early
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// The folder to create the site in
    pub dir: PathBuf,
    /// The CI recipe to write beside the site: github (default), gitlab or none
    #[arg(long, value_enum, default_value = "github", value_name = "SERVICE")]
    pub ci: CiService,
    /// The show's title (site.yaml `title:`; default: from the folder's name, `my-show` ->
    /// `My Show`)
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    /// The site folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to publish (default DIR/public)
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Include drafts and future-dated episodes
    #[arg(long)]
    pub drafts: bool,
    /// Override site.yaml's `url` (e.g. for a staging host)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Fail instead of re-probing audio that changed since onair.lock recorded it (for CI)
    #[arg(long)]
    pub locked: bool,
    /// Publish even if episodes vanish or change GUID compared with the feed being replaced
    #[arg(long)]
    pub allow_feed_changes: bool,
    /// Build the site as it will be at TIME (RFC 3339, or `2027-01-05 06:00` in the site's
    /// time zone): episodes dated up to then are published
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The site folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The port to listen on
    #[arg(long, default_value_t = 4000)]
    pub port: u16,
    /// The address to listen on (0.0.0.0 or :: to be reachable from other machines)
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Include drafts and future-dated episodes
    #[arg(long)]
    pub drafts: bool,
    /// Preview the site as it will be at TIME (RFC 3339, or `2027-01-05 06:00` in the site's
    /// time zone)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write a new episode file from an audio file and print its path
    #[command(after_help = NEW_EPISODE_EXAMPLES)]
    Episode(NewEpisodeArgs),
}

#[derive(Debug, Args, Clone)]
pub struct NewEpisodeArgs {
    /// The site folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The episode's audio file (inside the site's audio/ folder, or the show's with --show;
    /// or an https URL)
    #[arg(long)]
    pub audio: String,
    /// The episode's title
    #[arg(long)]
    pub title: String,
    /// Publication date (YYYY-MM-DD, optionally with time and offset); default now
    #[arg(long)]
    pub date: Option<String>,
    /// One or two plain sentences that apps show under the title (front matter `summary:`)
    #[arg(long)]
    pub summary: Option<String>,
    /// A tag (repeat for several)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Season number
    #[arg(long)]
    pub season: Option<u32>,
    /// Episode number (default: the next one)
    #[arg(long)]
    pub number: Option<u32>,
    /// Mark it a draft: built only with --drafts, never published
    #[arg(long)]
    pub draft: bool,
    /// In a network: the show the episode is for (its name or its folder in shows/)
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// A site folder (built in memory) or a feed file
    #[arg(default_value = ".")]
    pub target: PathBuf,
    /// Compare with a previously published feed: changed GUIDs, enclosure URLs, lost episodes
    #[arg(long, value_name = "OLD_FEED.xml")]
    pub against: Option<PathBuf>,
    /// Machine-readable output
    #[arg(long)]
    pub json: bool,
    /// Include drafts and future-dated episodes when building a site
    #[arg(long)]
    pub drafts: bool,
    /// With --against: report vanished and re-GUIDed episodes as warnings, not errors
    #[arg(long)]
    pub allow_feed_changes: bool,
    /// List every rule (id, severity, what it requires, source) and exit
    #[arg(long)]
    pub rules: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ProbeArgs {
    /// Audio files or https URLs
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Machine-readable output: one JSON object per file
    #[arg(long)]
    pub json: bool,
    /// Record the facts in the site's onair.lock (so builds need neither the file nor the network)
    #[arg(long)]
    pub lock: bool,
    /// The site whose onair.lock --lock writes
    #[arg(long, value_name = "DIR", default_value = ".", requires = "lock")]
    pub site: PathBuf,
    /// Also decode each local file and measure its loudness (EBU R128: integrated LUFS, true
    /// peak dBTP, loudness range LU), one file per core; with --lock the figures are recorded
    #[arg(long)]
    pub loudness: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// A feed: a file, a file:// URL or an http(s) URL
    pub feed: String,
    /// The site folder to write (created if missing; existing files are never overwritten)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Download chapters and transcripts into the site
    #[arg(long)]
    pub download: bool,
    /// Copy the audio into audio/ instead of leaving it on its current host
    #[arg(long)]
    pub download_audio: bool,
    /// The new site's address (site.yaml `url:`); its feed then names itself as the show's
    /// new feed (`new_feed_url`) for apps that follow the old feed's redirect
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// All or nothing: fail on any item that cannot become an episode as it is, instead of
    /// skipping it (or guessing its date) with a warning
    #[arg(long)]
    pub strict: bool,
    /// Write items without audio (announcements, show notes posts) as pages under pages/
    #[arg(long)]
    pub keep_posts: bool,
    /// Import the feed as a new show of a network, into shows/NAME/ (a new network when DIR
    /// is missing or empty)
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
