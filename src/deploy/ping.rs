//! Telling the apps a feed changed: a WebSub publish ping to the hub, and Podping's HTTP API.
//! A failed ping is the caller's warning, never a failed deploy.

use std::time::Duration;

pub const PODPING_DEFAULT: &str = "https://podping.cloud/";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(15)))
        .http_status_as_error(true)
        .build()
        .into()
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(code) => format!("the server answered HTTP {code}"),
        ureq::Error::Timeout(_) => "no answer within 15 s".into(),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "cannot connect to the server".into(),
        other => other.to_string(),
    }
}

/// POST `hub.mode=publish&hub.url=FEED` to the hub.
pub fn websub(hub: &str, feed_url: &str) -> Result<(), String> {
    agent()
        .post(hub)
        .send_form([("hub.mode", "publish"), ("hub.url", feed_url)])
        .map(|_| ())
        .map_err(describe)
}

/// GET `ENDPOINT?url=FEED` with the token as the Authorization header.
pub fn podping(endpoint: &str, token: &str, feed_url: &str) -> Result<(), String> {
    agent()
        .get(endpoint)
        .query("url", feed_url)
        .header("Authorization", token)
        .header("User-Agent", concat!("onair/", env!("CARGO_PKG_VERSION")))
        .call()
        .map(|_| ())
        .map_err(describe)
}
