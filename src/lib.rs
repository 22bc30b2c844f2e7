//! onair: a static-site podcast publisher.
//!
//! Data flows one way: `config` -> `content` (read-only model) -> `markdown` -> `render`
//! (tera pages, quick-xml feed) -> `output` (disk or memory) -> `serve`.

pub mod assets;
pub mod audio;
pub mod build;
pub mod chapters;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod companions;
pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod diag;
pub mod frontmatter;
pub mod fsutil;
pub mod import;
pub mod liquid;
pub mod lock;
pub mod markdown;
pub mod output;
pub mod people;
pub mod render;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod timecode;
pub mod timings;
pub mod transcript;

#[cfg(test)]
mod seeds;
