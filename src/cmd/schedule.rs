//! Scheduled episodes as the commands report them, and `--at TIME`: building the site as it
//! will be at a later (or earlier) time.

use std::path::Path;

use jiff::{Timestamp, Unit};

use crate::pipeline::Scheduled;

/// `--at TIME`: RFC 3339, or a date as front matter writes it (`2027-01-05 06:00`), read in
/// the site's time zone.
pub fn parse_at(text: &str, site: &Path) -> Result<Timestamp, String> {
    if let Ok(t) = text.trim().parse::<Timestamp>() {
        return Ok(t);
    }
    let tz = crate::network::site_config(site)
        .map(|c| c.timezone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    crate::dates::parse_date(text, &tz)
        .map(|z| z.timestamp())
        .map_err(|e| format!("--at `{text}`: {e}; write a time such as 2027-01-05T06:00:00Z or `2027-01-05 06:00`"))
}

/// `1 scheduled: Knife Skills, 2027-01-05 06:00 Europe/Stockholm (in 3 days)`, None when
/// nothing is scheduled. Each in its own time zone (the site's), soonest first.
pub fn summary(scheduled: &[Scheduled], now: Timestamp) -> Option<String> {
    if scheduled.is_empty() {
        return None;
    }
    let items: Vec<String> = scheduled
        .iter()
        .map(|s| {
            format!(
                "{}, {} {} ({})",
                s.title,
                s.date.strftime("%Y-%m-%d %H:%M"),
                s.date.time_zone().iana_name().unwrap_or("UTC"),
                from_now(s.date.timestamp(), now)
            )
        })
        .collect();
    Some(format!(
        "{} scheduled: {}",
        scheduled.len(),
        items.join("; ")
    ))
}

/// "in 3 days", "in 5 hours", "in 12 minutes".
fn from_now(at: Timestamp, now: Timestamp) -> String {
    let secs = at.as_second() - now.as_second();
    let (n, unit) = match secs {
        s if s < 3_600 => ((s + 59) / 60, Unit::Minute),
        s if s < 48 * 3_600 => (s / 3_600, Unit::Hour),
        s => (s / 86_400, Unit::Day),
    };
    let name = match unit {
        Unit::Minute => "minute",
        Unit::Hour => "hour",
        _ => "day",
    };
    format!("in {n} {name}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_each_episode_in_its_zone_and_how_soon() {
        let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
        let date = crate::dates::parse_date("2027-01-05 06:00", &tz).unwrap();
        let now = date.timestamp() - jiff::SignedDuration::from_hours(72);
        let s = Scheduled {
            file: "episodes/2027-01-05-knife-skills.md".into(),
            title: "Knife Skills".into(),
            date,
        };
        assert_eq!(
            summary(std::slice::from_ref(&s), now).unwrap(),
            "1 scheduled: Knife Skills, 2027-01-05 06:00 Europe/Stockholm (in 3 days)"
        );
        let soon = s.date.timestamp() - jiff::SignedDuration::from_mins(1);
        assert!(summary(&[s], soon).unwrap().ends_with("(in 1 minute)"));
        assert_eq!(summary(&[], now), None);
    }
}
