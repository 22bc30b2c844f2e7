//! Dates as podcasters write them in front matter, and as feeds need them (RFC 2822).

use jiff::ZonedDateTime as Zoned;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// Parses `2015-07-29`, `2015-07-29 15:00[:00]`, `2015-07-29T15:00:00`, any of those with an
/// offset (`Z`, `+02:00`, ` -0500`), or an RFC 2822 date. Without an offset, `tz` applies.
pub fn parse_date(text: &str, tz: &TimeZone) -> Result<Zoned, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("the date is empty".into());
    }
    if s.as_bytes()[0].is_ascii_alphabetic() {
        return jiff::fmt::rfc2822::parse(s)
            .map_err(|_| format!("`{s}` is not a date: write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, optionally with an offset such as +02:00"));
    }
    // Jekyll writes "2015-07-29 15:00:00 -0500": join the offset to the time.
    let normalized = normalize_offset(s);
    if let Ok(ts) = normalized.parse::<jiff::Timestamp>() {
        let offset = offset_of(&normalized);
        return Ok(match offset {
            Some(off) => ts.to_zoned_datetime(TimeZone::fixed(off)),
            None => ts.to_zoned_datetime(TimeZone::UTC),
        });
    }
    let civil = normalized
        .parse::<DateTime>()
        .or_else(|_| normalized.parse::<Date>().map(|d| d.to_datetime(jiff::civil::Time::midnight())))
        .map_err(|_| {
            format!("`{s}` is not a date: write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, optionally with an offset such as +02:00")
        })?;
    civil
        .to_zoned_datetime(tz.clone())
        .map_err(|e| format!("`{s}` does not exist in the site's time zone: {e}"))
}

fn normalize_offset(s: &str) -> String {
    let mut out = s.replacen(' ', "T", 1);
    // "2015-07-29T15:00:00 -0500" -> "2015-07-29T15:00:00-05:00"
    if let Some(i) = out.rfind(' ') {
        let (head, tail) = out.split_at(i);
        let tail = tail.trim();
        if tail == "UTC" || tail == "GMT" || tail == "Z" {
            out = format!("{head}Z");
        } else if (tail.starts_with('+') || tail.starts_with('-'))
            && tail.len() == 5
            && tail[1..].chars().all(|c| c.is_ascii_digit())
        {
            out = format!("{head}{}:{}", &tail[..3], &tail[3..]);
        } else {
            out = format!("{head}{tail}");
        }
    }
    out
}

fn offset_of(s: &str) -> Option<jiff::tz::Offset> {
    if s.ends_with('Z') || s.ends_with('z') {
        return Some(jiff::tz::Offset::UTC);
    }
    let time_part = s.split_once('T')?.1;
    let i = time_part.rfind(['+', '-'])?;
    let off = &time_part[i..];
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 2 {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
    jiff::tz::Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// `Wed, 29 Jul 2015 15:00:00 -0400`: English names, numeric offset, never `UTC` (rule 30).
pub fn rfc2822(date: &Zoned) -> String {
    date.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// `2015-07-29T15:00:00-04:00`.
pub fn rfc3339(date: &Zoned) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `29 July 2015`, for pages.
pub fn display(date: &Zoned) -> String {
    date.strftime("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    #[test]
    fn dates_without_offset_use_the_site_zone() {
        let d = parse_date("2015-07-29 15:00:00", &ny()).unwrap();
        assert_eq!(rfc2822(&d), "Wed, 29 Jul 2015 15:00:00 -0400");
        let d = parse_date("2015-01-05", &ny()).unwrap();
        assert_eq!(rfc2822(&d), "Mon, 05 Jan 2015 00:00:00 -0500");
        let d = parse_date("2015-07-29T15:00", &TimeZone::UTC).unwrap();
        assert_eq!(rfc2822(&d), "Wed, 29 Jul 2015 15:00:00 +0000");
    }

    #[test]
    fn dates_with_offsets_keep_them() {
        let d = parse_date("2015-07-29T15:00:00+02:00", &ny()).unwrap();
        assert_eq!(rfc2822(&d), "Wed, 29 Jul 2015 15:00:00 +0200");
        let d = parse_date("2015-07-29 15:00:00 -0500", &ny()).unwrap();
        assert_eq!(rfc2822(&d), "Wed, 29 Jul 2015 15:00:00 -0500");
        let d = parse_date("2015-07-29T15:00:00Z", &ny()).unwrap();
        assert_eq!(rfc2822(&d), "Wed, 29 Jul 2015 15:00:00 +0000");
        let d = parse_date("Wed, 29 Jul 2015 15:00:00 +0100", &ny()).unwrap();
        assert_eq!(rfc3339(&d), "2015-07-29T15:00:00+01:00");
    }

    #[test]
    fn bad_dates_say_how_to_write_them() {
        let e = parse_date("29/07/2015", &ny()).unwrap_err();
        assert!(e.contains("YYYY-MM-DD"), "{e}");
        assert!(parse_date("2015-02-30", &ny()).is_err());
    }
}
