//! Dates for gantt charts: parsing with Mermaid's `dateFormat` tokens (day.js style), durations
//! (`3d`, `20h`, `1.5w`, `1M`), and axis labels with `axisFormat` (d3-time-format style).
//!
//! Times are milliseconds since 1970-01-01 on a calendar without time zones or leap seconds, so
//! a chart is the same on every machine (no "today", no local time zone).

/// Milliseconds in a day.
pub const DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1–12, day 1–31) of a day number.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(
        if m == 12 { y + 1 } else { y },
        if m == 12 { 1 } else { m + 1 },
        1,
    ) - days_from_civil(y, m, 1)
}

/// Day of the week, 0 = Sunday.
pub fn weekday(t: i64) -> i64 {
    (t.div_euclid(DAY) + 4).rem_euclid(7)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Weekday names in lower case, Sunday first (as `excludes` and `weekday` read them).
pub const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// Parses `s` with a day.js format (`YYYY-MM-DD`, `DD/MM/YYYY HH:mm`, `X`, …). Parts the
/// format leaves out default to 1970-01-01 00:00 (`HH:mm` alone gives a time on that day).
pub fn parse_date(s: &str, format: &str) -> Option<i64> {
    let s = s.trim();
    let mut fields = Fields::default();
    let mut rest = s;
    let mut f = format;
    while !f.is_empty() {
        if let Some(lit) = f.strip_prefix('[') {
            let end = lit.find(']')?;
            rest = rest.strip_prefix(&lit[..end])?;
            f = &lit[end + 1..];
            continue;
        }
        let Some(tok) = TOKENS.iter().find(|t| f.starts_with(**t)) else {
            let c = f.chars().next()?;
            rest = rest.strip_prefix(c)?;
            f = &f[c.len_utf8()..];
            continue;
        };
        f = &f[tok.len()..];
        rest = fields.read(tok, rest)?;
    }
    if !rest.is_empty() {
        return None;
    }
    fields.time()
}

/// day.js tokens, longest first.
const TOKENS: &[&str] = &[
    "YYYY", "MMMM", "DDDD", "SSS", "MMM", "DDD", "YY", "MM", "DD", "Do", "HH", "hh", "mm", "ss",
    "SS", "ZZ", "M", "D", "H", "h", "m", "s", "S", "A", "a", "X", "x", "Q", "Z",
];

#[derive(Default)]
struct Fields {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    day_of_year: Option<i64>,
    hour: i64,
    minute: i64,
    second: i64,
    ms: i64,
    pm: Option<bool>,
    offset_min: i64,
    epoch_ms: Option<i64>,
}

/// Leading digits of `s`, at most `max`: (value, rest).
fn digits(s: &str, min: usize, max: usize) -> Option<(i64, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n < min {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

impl Fields {
    /// Reads one token's value from the front of `s`; returns the rest.
    fn read<'a>(&mut self, tok: &str, s: &'a str) -> Option<&'a str> {
        match tok {
            "YYYY" | "YY" | "Q" | "MMMM" | "MMM" | "MM" | "M" | "DDDD" | "DDD" | "DD" | "D"
            | "Do" => self.read_date(tok, s),
            _ => self.read_time(tok, s),
        }
    }

    /// Year, quarter, month and day tokens.
    fn read_date<'a>(&mut self, tok: &str, s: &'a str) -> Option<&'a str> {
        Some(match tok {
            "YYYY" => {
                let neg = s.starts_with('-');
                let (v, r) = digits(s.trim_start_matches(['-', '+']), 4, 6)?;
                self.year = Some(if neg { -v } else { v });
                r
            }
            "YY" => {
                let (v, r) = digits(s, 2, 2)?;
                self.year = Some(if v < 69 { 2000 + v } else { 1900 + v });
                r
            }
            "Q" => {
                let (v, r) = digits(s, 1, 1)?;
                self.month = Some((v - 1) * 3 + 1);
                r
            }
            "MMMM" | "MMM" => {
                let lower = s.to_ascii_lowercase();
                let (k, len) = MONTHS.iter().enumerate().find_map(|(k, m)| {
                    let m = m.to_ascii_lowercase();
                    if tok == "MMMM" && lower.starts_with(&m) {
                        Some((k, m.len()))
                    } else if lower.starts_with(&m[..3]) {
                        Some((k, 3))
                    } else {
                        None
                    }
                })?;
                self.month = Some(k as i64 + 1);
                &s[len..]
            }
            "MM" | "M" => {
                let (v, r) = digits(s, tok.len(), 2)?;
                self.month = Some(v);
                r
            }
            "DDDD" | "DDD" => {
                let (v, r) = digits(s, tok.len() - 2, 3)?;
                self.day_of_year = Some(v);
                r
            }
            "DD" | "D" => {
                let (v, r) = digits(s, tok.len(), 2)?;
                self.day = Some(v);
                r
            }
            "Do" => {
                let (v, r) = digits(s, 1, 2)?;
                self.day = Some(v);
                r.get(2..).filter(|_| {
                    r.starts_with("st")
                        || r.starts_with("nd")
                        || r.starts_with("rd")
                        || r.starts_with("th")
                })?
            }
            _ => return None,
        })
    }

    /// Time of day, meridiem, offset and timestamp tokens.
    fn read_time<'a>(&mut self, tok: &str, s: &'a str) -> Option<&'a str> {
        Some(match tok {
            "HH" | "H" | "hh" | "h" => {
                let (v, r) = digits(s, tok.len(), 2)?;
                self.hour = v;
                r
            }
            "mm" | "m" => {
                let (v, r) = digits(s, tok.len(), 2)?;
                self.minute = v;
                r
            }
            "ss" | "s" => {
                let (v, r) = digits(s, tok.len(), 2)?;
                self.second = v;
                r
            }
            "SSS" | "SS" | "S" => {
                let (v, r) = digits(s, tok.len(), tok.len())?;
                self.ms = v * 10i64.pow(3 - tok.len() as u32);
                r
            }
            "A" | "a" => {
                let lower = s.to_ascii_lowercase();
                self.pm = Some(if lower.starts_with("pm") {
                    true
                } else if lower.starts_with("am") {
                    false
                } else {
                    return None;
                });
                &s[2..]
            }
            "Z" | "ZZ" => {
                if let Some(r) = s.strip_prefix('Z') {
                    return Some(r);
                }
                let sign = match s.chars().next()? {
                    '+' => 1,
                    '-' => -1,
                    _ => return None,
                };
                let (h, r) = digits(&s[1..], 2, 2)?;
                let r = r.strip_prefix(':').unwrap_or(r);
                let (m, r) = digits(r, 2, 2)?;
                self.offset_min = sign * (h * 60 + m);
                r
            }
            "X" | "x" => {
                let neg = s.starts_with('-');
                let body = s.trim_start_matches('-');
                let n = body
                    .bytes()
                    .take_while(|b| b.is_ascii_digit() || *b == b'.')
                    .count();
                let v: f64 = body[..n].parse().ok()?;
                let v = if neg { -v } else { v };
                self.epoch_ms = Some(if tok == "X" {
                    (v * 1000.0).round() as i64
                } else {
                    v.round() as i64
                });
                &body[n..]
            }
            _ => return None,
        })
    }

    fn time(&self) -> Option<i64> {
        if let Some(t) = self.epoch_ms {
            // Years 0 to 9999 only, so differences never overflow.
            return (-62_167_219_200_000..=253_402_300_800_000)
                .contains(&t)
                .then_some(t);
        }
        let y = self.year.unwrap_or(1970);
        if !(-9999..=9999).contains(&y) {
            return None;
        }
        let days = match self.day_of_year {
            Some(doy) if (1..=366).contains(&doy) => days_from_civil(y, 1, 1) + doy - 1,
            Some(_) => return None,
            None => {
                let m = self.month.unwrap_or(1);
                let d = self.day.unwrap_or(1);
                if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
                    return None;
                }
                days_from_civil(y, m, d)
            }
        };
        let mut hour = self.hour;
        match self.pm {
            Some(true) if hour < 12 => hour += 12,
            Some(false) if hour == 12 => hour = 0,
            _ => {}
        }
        if hour > 24 || self.minute > 59 || self.second > 60 {
            return None;
        }
        Some(
            days * DAY + hour * 3_600_000 + self.minute * 60_000 + self.second * 1000 + self.ms
                - self.offset_min * 60_000,
        )
    }
}

/// Adds a duration (`3d`, `1.5w`, `20h`, `500ms`, `1M`, `1y`) to `t`; hours count
/// `workday_hours` to a day when set. None when `s` is no duration.
pub fn add_duration(t: i64, s: &str, workday_hours: Option<f64>) -> Option<i64> {
    let s = s.trim();
    let unit_at = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = (&s[..unit_at], &s[unit_at..]);
    let v: f64 = num.parse().ok()?;
    if !v.is_finite() || v > 1e6 {
        return None;
    }
    let ms = |per: f64| Some(t + (v * per).round() as i64);
    match unit {
        "ms" => ms(1.0),
        "s" => ms(1000.0),
        "m" => ms(60_000.0),
        "h" => match workday_hours {
            Some(w) if w > 0.0 => ms(DAY as f64 / w),
            _ => ms(3_600_000.0),
        },
        "d" => ms(DAY as f64),
        "w" => ms(7.0 * DAY as f64),
        "M" | "y" => {
            let months = if unit == "y" { v * 12.0 } else { v };
            let whole = months.trunc() as i64;
            let (y, m, d) = civil_from_days(t.div_euclid(DAY));
            let total = y * 12 + (m - 1) + whole;
            let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
            let nd = d.min(days_in_month(ny, nm));
            let base = days_from_civil(ny, nm, nd) * DAY + t.rem_euclid(DAY);
            Some(base + ((months - months.trunc()) * 30.0 * DAY as f64).round() as i64)
        }
        _ => None,
    }
}

/// Formats `t` with a d3-time-format string (`%Y-%m-%d`, `%b %e`, `%H:%M` …).
pub fn format(t: i64, f: &str) -> String {
    let days = t.div_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let in_day = t.rem_euclid(DAY);
    let (hh, mm, ss, ms) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    let wd = weekday(t);
    let doy = days - days_from_civil(y, 1, 1) + 1;
    let mut out = String::new();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let pad = match chars.peek() {
            Some('-') | Some('_') | Some('0') => chars.next(),
            _ => None,
        };
        let num = |v: i64, w: usize| match pad {
            Some('-') => v.to_string(),
            Some('_') => format!("{v:>w$}"),
            _ => format!("{v:0w$}"),
        };
        let Some(k) = chars.next() else { break };
        let s = match k {
            'Y' => y.to_string(),
            'y' => num(y.rem_euclid(100), 2),
            'm' => num(m, 2),
            'd' => num(d, 2),
            'e' => match pad {
                Some('-') => d.to_string(),
                _ => format!("{d:>2}"),
            },
            'H' => num(hh, 2),
            'I' => num(if hh % 12 == 0 { 12 } else { hh % 12 }, 2),
            'M' => num(mm, 2),
            'S' => num(ss, 2),
            'L' => num(ms, 3),
            'p' => (if hh < 12 { "AM" } else { "PM" }).to_string(),
            'b' => MONTHS[(m - 1) as usize][..3].to_string(),
            'B' => MONTHS[(m - 1) as usize].to_string(),
            'a' => capitalise(&WEEKDAYS[wd as usize][..3]),
            'A' => capitalise(WEEKDAYS[wd as usize]),
            'j' => num(doy, 3),
            'w' => wd.to_string(),
            'U' => num((doy + 6 - wd) / 7, 2),
            'W' => num((doy + 6 - (wd + 6) % 7) / 7, 2),
            'x' => format!("{:02}/{:02}/{}", m, d, y),
            'X' => format!("{hh:02}:{mm:02}:{ss:02}"),
            'c' => format!(
                "{} {} {d:>2} {hh:02}:{mm:02}:{ss:02} {y}",
                capitalise(&WEEKDAYS[wd as usize][..3]),
                &MONTHS[(m - 1) as usize][..3]
            ),
            'Z' => "+0000".to_string(),
            '%' => "%".to_string(),
            other => format!("%{other}"),
        };
        out.push_str(&s);
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-800_000, -1, 0, 1, 10_957, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(weekday(days_from_civil(2024, 1, 1) * DAY), 1, "a Monday");
    }

    #[test]
    fn parses_day_js_formats() {
        let d = |y, m, dd| days_from_civil(y, m, dd) * DAY;
        assert_eq!(parse_date("2014-01-06", "YYYY-MM-DD"), Some(d(2014, 1, 6)));
        assert_eq!(parse_date("06-01-2014", "DD-MM-YYYY"), Some(d(2014, 1, 6)));
        assert_eq!(
            parse_date("17:49", "HH:mm"),
            Some(17 * 3_600_000 + 49 * 60_000)
        );
        assert_eq!(parse_date("1410715640.579", "X"), Some(1_410_715_640_579));
        assert_eq!(
            parse_date("Jan 5, 2020", "MMM D, YYYY"),
            Some(d(2020, 1, 5))
        );
        assert_eq!(parse_date("2020-02-30", "YYYY-MM-DD"), None);
        assert_eq!(parse_date("2020-1-5", "YYYY-MM-DD"), None);
        assert_eq!(
            parse_date("5th March 2021", "Do MMMM YYYY"),
            Some(d(2021, 3, 5))
        );
        assert_eq!(parse_date("2021 Q3", "YYYY [Q]Q"), Some(d(2021, 7, 1)));
    }

    #[test]
    fn durations_and_formats() {
        let t = days_from_civil(2024, 1, 31) * DAY;
        assert_eq!(add_duration(t, "1d", None), Some(t + DAY));
        assert_eq!(add_duration(t, "1.5w", None), Some(t + 21 * DAY / 2));
        assert_eq!(add_duration(t, "20h", Some(8.0)), Some(t + 5 * DAY / 2));
        assert_eq!(
            add_duration(t, "1M", None),
            Some(days_from_civil(2024, 2, 29) * DAY)
        );
        assert_eq!(add_duration(t, "3dX", None), None);
        assert_eq!(format(t, "%Y-%m-%d"), "2024-01-31");
        assert_eq!(
            format(t + 13 * 3_600_000, "%a %b %e %-d %I%p"),
            "Wed Jan 31 31 01PM"
        );
        assert_eq!(format(t, "%j %W %U"), "031 05 04");
    }
}
