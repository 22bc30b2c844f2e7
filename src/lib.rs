//! onair: a static-site podcast publisher.
//!
//! Data flows one way, and each module imports only the layers below it (tests/module_graph.rs
//! fails on a circle):
//! - below everything: `diag`, `fsutil`, `slug`, `dates`, `timecode`, `xml` (the feed reader),
//!   `mime` (content types, for serve and deploy alike);
//! - `config`, `frontmatter`; `audio` (probing), `lock` (onair.lock, and `lock::resolve`: an
//!   audio file's facts from the lock or by probing);
//! - `content`: the read-only model of a site, with `content::companions` (chapters,
//!   transcripts, people) attached to each episode; `assets`, `search`;
//! - `render`: tera pages, the quick-xml feed (`render::feed` writes every feed element, those
//!   of chapters, transcripts and people as `render::companions` makes them), and
//!   `render::companions` (chapters.json, transcript files, people pages);
//! - `output` (disk or memory), `check` (rules on a built output), `build` (the pipeline);
//! - `serve`, `deploy`, `import`, `stats` (downloads counted from server logs, reading S3
//!   through `deploy`'s client), and `cmd` (one module per command) on top.

pub mod assets;
pub mod audio;
pub mod chapters;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod diag;
pub mod frontmatter;
pub mod fsutil;
pub mod import;
pub mod lint;
pub mod liquid;
pub mod lock;
pub mod markdown;
pub mod mime;
pub mod network;
pub mod output;
pub mod people;
pub mod percent;
pub mod pipeline;
pub mod published;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod stats;
pub mod theme;
pub mod timecode;
pub mod timings;
pub mod transcript;
pub mod xml;

#[cfg(test)]
mod seeds;
