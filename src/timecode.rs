//! Clock times as podcasters and caption formats write them (`2:44`, `1:02:03`,
//! `00:12:30,500`), and back. Times are seconds as `f64`; formatting goes through whole
//! milliseconds so a time written and read back is the same time.

use std::fmt::Write as _;

/// Parses `SS`, `MM:SS` or `H:MM:SS`, each with an optional fraction after `.` or `,`
/// (`1:02:03.5`, `00:00:04,960`). The leading unit may be any size (`75:30` is 75 minutes);
/// the units after it need two digits and must be below 60.
pub fn parse_clock(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty time".to_string());
    }
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 {
        return Err(format!(
            "invalid time `{text}`: expected seconds, MM:SS or H:MM:SS"
        ));
    }
    let (last, leading) = parts.split_last().expect("split yields at least one part");
    let (whole, fraction) = match last.find(['.', ',']) {
        Some(i) => (&last[..i], Some(&last[i + 1..])),
        None => (*last, None),
    };
    let mut units = leading.to_vec();
    units.push(whole);
    let mut seconds: u64 = 0;
    for (i, unit) in units.iter().enumerate() {
        if unit.is_empty() || !unit.bytes().all(|b| b.is_ascii_digit()) || unit.len() > 9 {
            return Err(format!(
                "invalid time `{text}`: expected seconds, MM:SS or H:MM:SS"
            ));
        }
        let value: u64 = unit.parse().expect("checked digits");
        if i > 0 {
            if unit.len() != 2 {
                return Err(format!(
                    "invalid time `{text}`: minutes and seconds take two digits"
                ));
            }
            if value >= 60 {
                let what = if i == units.len() - 1 {
                    "seconds"
                } else {
                    "minutes"
                };
                return Err(format!("invalid time `{text}`: {what} must be below 60"));
            }
        }
        seconds = seconds * 60 + value;
    }
    let mut result = seconds as f64;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("invalid time `{text}`: bad fraction of a second"));
        }
        // Only milliseconds matter to any consumer; longer fractions are cut there.
        let digits = &fraction[..fraction.len().min(3)];
        let scale = 10u32.pow(digits.len() as u32) as f64;
        result += digits.parse::<u32>().expect("checked digits") as f64 / scale;
    }
    Ok(result)
}

/// The length in bytes of a clock at the start of `s` (`1:02:03`, `02:44`, `00:00:04,960`),
/// or None when `s` does not start with that shape (digits with one or two colons).
pub fn clock_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut colons = 0;
    loop {
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        i += digits;
        if i < b.len() && b[i] == b':' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            colons += 1;
            i += 1;
            continue;
        }
        break;
    }
    if colons == 0 || colons > 2 {
        return None;
    }
    if i + 1 < b.len() && matches!(b[i], b'.' | b',') && b[i + 1].is_ascii_digit() {
        i += 1 + b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    Some(i)
}

/// Whole milliseconds, the unit every writer works in.
pub fn to_millis(seconds: f64) -> u64 {
    if seconds.is_finite() && seconds > 0.0 {
        (seconds * 1000.0).round() as u64
    } else {
        0
    }
}

/// `164.0` -> `2:44`, `3723.0` -> `1:02:03`: how a listener reads a time (whole seconds,
/// rounded down so a link never lands after the moment it names).
pub fn display(seconds: f64) -> String {
    let total = to_millis(seconds) / 1000;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `HH:MM:SS.mmm`, as WebVTT writes cue times.
pub fn write_vtt(out: &mut String, seconds: f64) {
    write_hms_millis(out, seconds, '.');
}

/// `HH:MM:SS,mmm`, as SRT writes cue times.
pub fn write_srt(out: &mut String, seconds: f64) {
    write_hms_millis(out, seconds, ',');
}

fn write_hms_millis(out: &mut String, seconds: f64, separator: char) {
    let ms = to_millis(seconds);
    let total = ms / 1000;
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}{separator}{:03}",
        total / 3600,
        total / 60 % 60,
        total % 60,
        ms % 1000
    );
}

/// A JSON number for a time: whole seconds as an integer (`164`), others to the millisecond.
pub fn json_seconds(seconds: f64) -> serde_json::Value {
    let ms = to_millis(seconds);
    if ms.is_multiple_of(1000) {
        serde_json::Value::from(ms / 1000)
    } else {
        serde_json::Value::from(ms as f64 / 1000.0)
    }
}

/// 1-based line number of each byte offset in `offsets` (which must be ascending), in one pass.
pub fn lines_of_offsets(text: &str, offsets: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(offsets.len());
    let mut line = 1;
    let mut pos = 0;
    for &offset in offsets {
        let offset = offset.min(bytes.len());
        if offset >= pos {
            line += bytes[pos..offset].iter().filter(|&&b| b == b'\n').count();
            pos = offset;
        }
        lines.push(line);
    }
    lines
}

/// Byte offsets of every object key named `key` in a JSON text, in document order. serde_json
/// keeps no positions, so chapter and segment errors find their line through this.
pub fn json_key_offsets(text: &str, key: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let end = i.min(bytes.len());
        i += 1;
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b':' && &text[start + 1..end] == key {
            found.push(start);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_podcasters_write() {
        assert_eq!(parse_clock("02:44"), Ok(164.0));
        assert_eq!(parse_clock("1:45"), Ok(105.0));
        assert_eq!(parse_clock("1:02:03"), Ok(3723.0));
        assert_eq!(parse_clock("00:12:30"), Ok(750.0));
        assert_eq!(parse_clock("75:30"), Ok(4530.0));
        assert_eq!(parse_clock("164"), Ok(164.0));
        assert_eq!(parse_clock("00:00:04,960"), Ok(4.96));
        assert_eq!(parse_clock("00:01.5"), Ok(1.5));
        assert_eq!(parse_clock("12.25"), Ok(12.25));
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        assert_eq!(
            parse_clock("1:75:00").unwrap_err(),
            "invalid time `1:75:00`: minutes must be below 60"
        );
        assert_eq!(
            parse_clock("2:61").unwrap_err(),
            "invalid time `2:61`: seconds must be below 60"
        );
        assert!(parse_clock("1:2:03").is_err());
        assert!(parse_clock("ab:cd").is_err());
        assert!(parse_clock("1:02:03:04").is_err());
        assert!(parse_clock("").is_err());
        assert!(parse_clock("12.").is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(display(164.0), "2:44");
        assert_eq!(display(750.9), "12:30");
        assert_eq!(display(3723.0), "1:02:03");
        let mut s = String::new();
        write_vtt(&mut s, 3723.5);
        s.push(' ');
        write_srt(&mut s, 4.96);
        assert_eq!(s, "01:02:03.500 00:00:04,960");
        assert_eq!(json_seconds(164.0).to_string(), "164");
        assert_eq!(json_seconds(4.96).to_string(), "4.96");
    }

    #[test]
    fn finds_json_keys_and_their_lines() {
        let text =
            "{\n \"a\": \"startTime\",\n \"startTime\": 1,\n \"x\\\"\": {\"startTime\" : 2}}";
        let offsets = json_key_offsets(text, "startTime");
        assert_eq!(offsets.len(), 2);
        assert_eq!(lines_of_offsets(text, &offsets), vec![3, 4]);
    }
}
