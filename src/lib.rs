//! onair: a static-site podcast publisher.
//!
//! Data flows one way: `config` -> `content` (read-only model) -> `markdown` -> `render`
//! (tera pages, quick-xml feed) -> `output` (disk or memory) -> `serve`.

pub mod audio;
pub mod cli;
pub mod cmd;
pub mod diag;
pub mod fsutil;
pub mod liquid;
pub mod lock;
pub mod output;
pub mod serve;
pub mod slug;
pub mod config;
pub mod dates;
pub mod frontmatter;
pub mod markdown;
pub mod content;
pub mod liquid_compat;
pub mod assets;
pub mod theme;
pub mod render;
