//! The few calendar sums the log readers need, without allocating: a log line's time to Unix
//! seconds (UTC), and a UTC day number back to its date.

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (the inverse of `days_from_civil`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// "YYYY-MM-DD" of a day number.
pub fn day_string(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day number of "YYYY-MM-DD".
pub fn parse_day(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    valid(m, d).then(|| days_from_civil(y as i64, m, d))
}

fn valid(m: u32, d: u32) -> bool {
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as u32;
    }
    Some(n)
}

fn hms(b: &[u8]) -> Option<i64> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, s) = (num(&b[0..2])?, num(&b[3..5])?, num(&b[6..8])?);
    (h < 24 && m < 60 && s <= 60).then_some(h as i64 * 3600 + m as i64 * 60 + s as i64)
}

/// "+hhmm", "-hh:mm" or "Z" as seconds east of UTC.
fn offset(b: &[u8]) -> Option<i64> {
    match b {
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let digits: Vec<u8> = rest.iter().copied().filter(|c| *c != b':').collect();
            if digits.len() != 4 {
                return None;
            }
            let secs = num(&digits[0..2])? as i64 * 3600 + num(&digits[2..4])? as i64 * 60;
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => None,
    }
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// The common log format's time, "10/Oct/2000:13:55:36 -0700" (brackets taken off), as Unix
/// seconds.
pub fn parse_clf(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[20] != b' ' {
        return None;
    }
    let d = num(&b[0..2])?;
    let m = MONTHS.iter().position(|m| m[..] == b[3..6])? as u32 + 1;
    let y = num(&b[7..11])? as i64;
    if !valid(m, d) {
        return None;
    }
    let secs = days_from_civil(y, m, d) * 86_400 + hms(&b[12..20])?;
    Some(secs - offset(&b[21..])?)
}

/// RFC 3339 ("2019-12-04T21:02:31Z", "2019-12-04T21:02:31.123+01:00"), as Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let day = parse_day(&s[..10])?;
    let secs = hms(&b[11..19])?;
    let mut rest = &b[19..];
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &tail[n..];
    }
    Some(day * 86_400 + secs - offset(rest)?)
}

/// A date and a time in separate fields, both UTC (CloudFront: "2019-12-04" "21:02:31").
pub fn parse_date_time(date: &str, time: &str) -> Option<i64> {
    Some(parse_day(date)? * 86_400 + hms(time.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for day in [-1000, 0, 1, 59, 60, 365, 10_957, 20_000, 20_794] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(day_string(0), "1970-01-01");
        assert_eq!(parse_day("2024-02-29"), Some(19_782));
        assert_eq!(parse_day("2024-13-01"), None);
    }

    #[test]
    fn clf_any_offset() {
        let utc = parse_clf("10/Oct/2000:20:55:36 +0000").unwrap();
        assert_eq!(parse_clf("10/Oct/2000:13:55:36 -0700"), Some(utc));
        assert_eq!(parse_clf("11/Oct/2000:02:25:36 +0530"), Some(utc));
        assert_eq!(utc, 971_211_336);
        assert_eq!(parse_clf("10/Foo/2000:20:55:36 +0000"), None);
    }

    #[test]
    fn rfc3339_and_split_fields() {
        let t = parse_rfc3339("2019-12-04T21:02:31Z").unwrap();
        assert_eq!(parse_rfc3339("2019-12-04T22:02:31.123456+01:00"), Some(t));
        assert_eq!(parse_date_time("2019-12-04", "21:02:31"), Some(t));
        assert_eq!(parse_rfc3339("2019-12-04T21:02:31"), None);
    }
}
