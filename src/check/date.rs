//! Strict RFC 2822 dates as podcast feeds need them (feed-rules.md rule 30):
//! `Wed, 15 Jun 2022 19:00:00 +0000` — English names, 4-digit year, numeric zone or GMT,
//! and a weekday that matches the date.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Zone names RFC 822 defines and validators accept, with their offsets in hours.
const ZONES: &[(&str, i32)] = &[
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    ("EST", -5),
    ("EDT", -4),
    ("CST", -6),
    ("CDT", -5),
    ("MST", -7),
    ("MDT", -6),
    ("PST", -8),
    ("PDT", -7),
];

/// Parse a date, or say what is wrong with it.
pub fn parse_rfc2822(value: &str) -> Result<Timestamp, String> {
    let shape = "expected an RFC 2822 date such as \"Wed, 15 Jun 2022 19:00:00 +0000\"";
    let b = value.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit) {
        return Err(format!("\"{value}\" is ISO 8601; {shape}"));
    }
    let (weekday, rest) = match value.split_once(", ") {
        Some((day, rest)) => (Some(day), rest),
        None => (None, value),
    };
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, zone] = parts[..] else {
        return Err(format!("\"{value}\": {shape}"));
    };
    let day: i8 = (day.len() <= 2 && day.bytes().all(|b| b.is_ascii_digit()))
        .then(|| day.parse().ok())
        .flatten()
        .ok_or_else(|| format!("\"{value}\": bad day of month \"{day}\"; {shape}"))?;
    let month = MONTHS.iter().position(|m| *m == month).ok_or_else(|| {
        format!("\"{value}\": \"{month}\" is not an English month abbreviation (Jan, Feb, ...)")
    })? as i8
        + 1;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("\"{value}\": the year must have 4 digits"));
    }
    let year: i16 = year.parse().map_err(|_| format!("\"{value}\": bad year"))?;
    let fields: Vec<&str> = time.split(':').collect();
    if !(2..=3).contains(&fields.len())
        || fields
            .iter()
            .any(|f| f.len() != 2 || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("\"{value}\": the time must be HH:MM:SS"));
    }
    let num = |i: usize| fields.get(i).map_or(0, |f| f.parse::<i8>().unwrap_or(99));
    let (hour, minute, second) = (num(0), num(1), num(2));
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("\"{value}\": {time} is not a time of day"));
    }
    let offset_seconds = parse_zone(zone).ok_or_else(|| {
        if zone.eq_ignore_ascii_case("UTC") {
            format!("\"{value}\": \"UTC\" is not an RFC 2822 zone; write +0000 or GMT")
        } else {
            format!("\"{value}\": \"{zone}\" is not a zone; write a numeric offset such as +0000")
        }
    })?;
    let date = Date::new(year, month, day)
        .map_err(|_| format!("\"{value}\": {year}-{month:02}-{day:02} does not exist"))?;
    if let Some(weekday) = weekday {
        let actual = DAYS[(date.weekday().to_monday_one_offset() - 1) as usize];
        if weekday != actual {
            return Err(if DAYS.contains(&weekday) {
                format!("\"{value}\": {year}-{month:02}-{day:02} is a {actual}, not a {weekday}")
            } else {
                format!(
                    "\"{value}\": \"{weekday}\" is not an English day abbreviation (Mon, Tue, ...)"
                )
            });
        }
    }
    let datetime = date.at(hour, minute, second.min(59), 0);
    let offset = Offset::from_seconds(offset_seconds).map_err(|e| e.to_string())?;
    offset
        .to_timestamp(datetime)
        .map_err(|e| format!("\"{value}\": {e}"))
}

fn parse_zone(zone: &str) -> Option<i32> {
    if let Some(&(_, hours)) = ZONES.iter().find(|(name, _)| *name == zone) {
        return Some(hours * 3600);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    (hours <= 23 && minutes <= 59).then_some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_feeds_use() {
        let t = parse_rfc2822("Wed, 15 Jun 2022 19:00:00 +0000").unwrap();
        assert_eq!(t.to_string(), "2022-06-15T19:00:00Z");
        let t = parse_rfc2822("Wed, 15 Jun 2022 15:00:00 -0400").unwrap();
        assert_eq!(t.to_string(), "2022-06-15T19:00:00Z");
        assert!(parse_rfc2822("15 Jun 2022 19:00 GMT").is_ok());
        assert!(parse_rfc2822("Thu, 01 Apr 2021 08:00:00 EST").is_ok());
        assert!(parse_rfc2822("Wed, 5 Jan 1995 15:00:00 +0000").is_err()); // a Thursday
    }

    #[test]
    fn rejects_what_validators_reject_with_a_reason() {
        for (value, reason) in [
            ("2022-06-15T19:00:00Z", "ISO 8601"),
            (
                "Wed, 15 Jun 2022 19:00:00 UTC",
                "\"UTC\" is not an RFC 2822 zone",
            ),
            ("Thu, 15 Jun 2022 19:00:00 +0000", "is a Wed, not a Thu"),
            ("Wed, 15 Jun 22 19:00:00 +0000", "4 digits"),
            ("Wed, 15 Juni 2022 19:00:00 +0000", "not an English month"),
            ("Wed, 15 Jun 2022 19:00:00", "expected an RFC 2822 date"),
            ("Wed, 31 Jun 2022 19:00:00 +0000", "does not exist"),
            ("Wed, 15 Jun 2022 25:00:00 +0000", "not a time of day"),
            ("Mi, 15 Jun 2022 19:00:00 +0000", "not an English day"),
        ] {
            let err = parse_rfc2822(value).unwrap_err();
            assert!(err.contains(reason), "{value}: {err}");
        }
    }
}
