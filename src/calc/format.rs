//! How results are written: significant digits, fixed decimals, percent, thousands separators.
//!
//! Options are words separated by spaces or commas, written after `calc` in the fence info
//! (```` ```calc sig=3 ````, the whole block), on a line of their own as `# format: …` (the rest
//! of the block) or at the end of a statement or inline value as `# format: …` (that one only).
//! Being numbat comments, they leave the source valid numbat.

use numbat::value::Value;

/// Thousands separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sep {
    /// `1,234,567` (option `sep=,`).
    Comma,
    /// `1_234_567` (option `sep=_`).
    Underscore,
    /// A narrow no-break space (U+202F), the SI style.
    Thin,
    /// No separator.
    None,
}

impl Sep {
    fn as_str(self) -> &'static str {
        match self {
            Sep::Comma => ",",
            Sep::Underscore => "_",
            Sep::Thin => "\u{202f}",
            Sep::None => "",
        }
    }
}

/// Formatting of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormatSpec {
    /// Significant digits (1–17), set by `sig=N`. Whole numbers below 10¹⁵ are shown exactly
    /// unless set.
    pub sig: Option<u8>,
    /// Significant digits when `sig` is not set: [`DEFAULT_SIG`] in worked steps,
    /// [`DEFAULT_INLINE_SIG`] for values in prose (`[calc]` in corem.toml changes both). Unlike
    /// `sig`, an automatic precision never rounds a value onto a power of ten it is not
    /// (99.95 % stays 99.95 %, not 100 %): digits are added until it does not.
    pub auto_sig: u8,
    /// A value in a sentence: `s⁻¹` reads `/s` (`231/s`).
    pub prose: bool,
    /// Show an infinite or undefined result (`∞`, `NaN`) instead of failing: option `inf`.
    /// Without it, such a result is an error, because it almost always means the calculation
    /// overflowed (`2^2000`) or divided by zero.
    pub allow_inf: bool,
    /// Fixed number of decimals (0–17); wins over `sig`.
    pub dp: Option<u8>,
    /// Show a dimensionless value as a percentage.
    pub percent: bool,
    /// Thousands separator (`sep=…`).
    pub sep: Sep,
}

impl Default for FormatSpec {
    fn default() -> Self {
        FormatSpec {
            sig: None,
            auto_sig: DEFAULT_SIG,
            prose: false,
            allow_inf: false,
            dp: None,
            percent: false,
            sep: Sep::Comma,
        }
    }
}

/// Significant digits of worked steps when none are set.
pub const DEFAULT_SIG: u8 = 6;
/// Significant digits of inline values in prose when none are set.
pub const DEFAULT_INLINE_SIG: u8 = 3;

impl FormatSpec {
    /// The format of an inline `` `= expr` `` value in prose, with `digits` significant
    /// digits unless the value says otherwise.
    pub fn inline(digits: u8) -> FormatSpec {
        FormatSpec {
            auto_sig: digits.clamp(1, 17),
            prose: true,
            ..FormatSpec::default()
        }
    }

    /// The format of worked steps with `digits` significant digits unless set otherwise.
    pub fn steps(digits: u8) -> FormatSpec {
        FormatSpec {
            auto_sig: digits.clamp(1, 17),
            ..FormatSpec::default()
        }
    }
}

/// A bad formatting option: the message and the byte offset of the option in the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SpecError {
    /// What is wrong with the option.
    pub message: String,
    /// Byte offset of the option in the spec.
    pub at: usize,
}

impl FormatSpec {
    /// Applies options from `spec` on top of `self`.
    pub fn with(self, spec: &str) -> Result<FormatSpec, SpecError> {
        let mut out = self;
        let mut pos = 0;
        for word in spec.split([' ', ',', '\t']) {
            let at = pos;
            pos += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            let err = |message: String| SpecError { message, at };
            let (key, value) = match word.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (word, None),
            };
            let digits = |v: Option<&str>, least: u8| -> Result<u8, SpecError> {
                v.and_then(|v| v.parse::<u8>().ok())
                    .filter(|n| (least..=17).contains(n))
                    .ok_or_else(|| {
                        err(format!(
                            "`{word}`: expected a number of digits from {least} to 17"
                        ))
                    })
            };
            match key {
                "sig" => {
                    let n = digits(value, 1)?;
                    out.sig = Some(n);
                    out.dp = None;
                }
                "dp" => {
                    out.dp = Some(digits(value, 0)?);
                    out.sig = None;
                }
                "percent" | "%" if value.is_none() => out.percent = true,
                "inf" if value.is_none() => out.allow_inf = true,
                "sep" => {
                    out.sep = match value {
                        Some(",") => Sep::Comma,
                        Some("_") => Sep::Underscore,
                        Some("thin" | "space") => Sep::Thin,
                        Some("none" | "") => Sep::None,
                        _ => {
                            return Err(err(format!(
                                "`{word}`: the separator is `,`, `_`, `thin` or `none`"
                            )));
                        }
                    }
                }
                _ => {
                    return Err(err(format!(
                        "unknown format option `{word}` (options: sig=N, dp=N, percent, sep=,|_|thin|none, inf)"
                    )));
                }
            }
        }
        Ok(out)
    }
}

/// A formatted result: the text a reader sees and its HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    /// The result as plain text (for search and the page's text).
    pub text: String,
    /// The result as HTML (units and exponents marked up).
    pub html: String,
}

impl Shown {
    fn plain(text: String) -> Shown {
        Shown {
            html: crate::markdown::escape_html(&text),
            text,
        }
    }

    fn push(&mut self, other: &Shown) {
        self.text.push_str(&other.text);
        self.html.push_str(&other.html);
    }

    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
        self.html.push_str(&crate::markdown::escape_html(s));
    }
}

/// Formats a value. `Err` when an option does not apply (percent of a dimensioned value).
pub fn value(v: &Value, spec: &FormatSpec) -> Result<Shown, String> {
    match v {
        Value::Quantity(q) => {
            let unit = q.unit().to_string();
            let x = q.unsafe_value().to_f64();
            if !x.is_finite() && !spec.allow_inf {
                return Err(format!(
                    "the result is {} (the calculation overflowed or divided by zero); \
                     add `# format: inf` if that is what you mean",
                    if x.is_nan() {
                        "not a number"
                    } else {
                        "infinite"
                    }
                ));
            }
            quantity(x, &unit, spec)
        }
        // Strings (`-> human`, digests) are shown as text, without quotes.
        Value::String(s) => Ok(Shown::plain(s.to_string())),
        Value::Boolean(b) => Ok(Shown::plain(b.to_string())),
        Value::List(items) => {
            let mut out = Shown::default();
            out.push_str("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push(&value(item, spec)?);
            }
            out.push_str("]");
            Ok(out)
        }
        other => Ok(Shown::plain(
            numbat::markup::plain_text_format(&other.pretty_print(), false)
                .trim()
                .to_string(),
        )),
    }
}

/// A number with its unit, kept on one line.
pub fn quantity(x: f64, unit: &str, spec: &FormatSpec) -> Result<Shown, String> {
    let (x, unit) = if spec.percent {
        if !unit.is_empty() && unit != "%" {
            return Err(format!(
                "`percent` needs a dimensionless value; this one is in {unit}"
            ));
        }
        if unit == "%" {
            (x, "%")
        } else {
            (x * 100.0, "%")
        }
    } else {
        (x, unit)
    };
    let num = number(x, spec);
    // numbat writes some units as words (`day`, `week`); "14 days" reads right.
    let plural;
    let unit = if WORD_UNITS.contains(&unit) && num != "1" {
        plural = format!("{unit}s");
        plural.as_str()
    } else {
        unit
    };
    let text = if unit.is_empty() {
        num
    } else if let Some(rest) = currency_rest(unit) {
        // `1440000 dollar` reads `$1,440,000`; `dollar / year` → `$3,000 / year`.
        match num.strip_prefix('−') {
            Some(n) => format!("−${n}{rest}"),
            None => format!("${num}{rest}"),
        }
    } else if let Some(per) = spec.prose.then(|| per_unit(unit)).flatten() {
        format!("{num}/{per}")
    } else if matches!(unit, "°" | "′" | "″") {
        format!("{num}{unit}")
    } else {
        format!("{num} {unit}")
    };
    let html = if unit.is_empty() {
        crate::markdown::escape_html(&text)
    } else {
        format!(
            "<span class=\"calc-q\">{}</span>",
            crate::markdown::escape_html(&text)
        )
    };
    Ok(Shown { text, html })
}

/// For a unit that is US dollars (`dollar`, `dollar / year`): what follows the currency.
fn currency_rest(unit: &str) -> Option<&str> {
    let rest = unit.strip_prefix("dollar")?;
    (rest.is_empty() || rest.starts_with(' ') || rest.starts_with('/')).then_some(rest)
}

/// `s⁻¹` → `s`: a single unit to the power −1, written `/s` in prose.
fn per_unit(unit: &str) -> Option<&str> {
    let base = unit.strip_suffix("⁻¹")?;
    (!base.is_empty() && !base.contains([' ', '·', '×', '/', '(', ')', '⁻'])).then_some(base)
}

/// Units numbat prints as whole words, which take a plural.
const WORD_UNITS: [&str; 8] = [
    "day", "week", "month", "year", "decade", "century", "bit", "byte",
];

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// A number: exact for whole numbers below 10¹⁵ (unless digits are set), else rounded to
/// significant digits or fixed decimals; scientific (`1.5 × 10¹⁸`) when very large or small.
pub fn number(x: f64, spec: &FormatSpec) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let neg = x < 0.0;
    let a = x.abs();
    let sig = spec.sig.unwrap_or_else(|| auto_digits(a, spec.auto_sig));
    let a = match spec.dp {
        Some(dp) => round_half_up(a, i32::from(dp)),
        None if spec.sig.is_some() || a.fract() != 0.0 || a >= 1e15 => {
            round_half_up(a, i32::from(sig) - 1 - a.log10().floor() as i32)
        }
        None => a,
    };
    let body = if let Some(dp) = spec.dp {
        if a >= 1e21 {
            scientific(a, sig)
        } else {
            group(&format!("{:.*}", dp as usize, a), spec.sep)
        }
    } else if spec.sig.is_none() && a.fract() == 0.0 && a < 1e15 {
        group(&format!("{a:.0}"), spec.sep)
    } else {
        let sig = sig.max(1);
        let e = exponent(a, sig);
        if a != 0.0 && !(-5..15).contains(&e) {
            scientific(a, sig)
        } else {
            let s = positional(a, sig);
            group(&s, spec.sep)
        }
    };
    if neg && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("−{body}")
    } else {
        body
    }
}

/// The significant digits an automatic precision uses for `a`: `digits`, or more when
/// rounding to `digits` would land on a power of ten that `a` is not (0.99996 → 1, 99.95 →
/// 100): such a result hides exactly the part that matters (the nines of an availability,
/// the last bit of growth). Up to 15 digits.
fn auto_digits(a: f64, digits: u8) -> u8 {
    let mut sig = digits.max(1);
    if a == 0.0 || !a.is_finite() || a.fract() == 0.0 && a < 1e15 {
        return sig;
    }
    while sig < 15 {
        let r = round_half_up(a, i32::from(sig) - 1 - a.log10().floor() as i32);
        // Within float noise of the power of ten (0.1 + 9e-17 is 0.1): no digits to show.
        let on_power_of_ten = r > 0.0 && r.log10().fract() == 0.0 && (r - a).abs() > r * NOISE;
        if !on_power_of_ten {
            break;
        }
        sig += 1;
    }
    sig
}

/// The relative difference below which two numbers are the same number up to binary-float
/// noise (f64 holds about 15.9 significant digits; arithmetic loses a few ulps).
const NOISE: f64 = 1e-13;

/// Rounds to `decimals` places, halves away from zero (`1234.5` → `1235`, where Rust's
/// formatting would round to even). Left alone where scaling would lose precision.
fn round_half_up(a: f64, decimals: i32) -> f64 {
    if a == 0.0 || !a.is_finite() || !(-300..=300).contains(&decimals) {
        return a;
    }
    let scale = 10f64.powi(decimals);
    let scaled = a * scale;
    if !scaled.is_finite() || scaled >= 9.0e15 {
        return a;
    }
    scaled.round() / scale
}

/// The decimal exponent of `a` once rounded to `sig` digits.
fn exponent(a: f64, sig: u8) -> i32 {
    if a == 0.0 {
        return 0;
    }
    let s = format!("{:.*e}", usize::from(sig.saturating_sub(1)), a);
    s.split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0)
}

/// `a` rounded to `sig` significant digits, written without an exponent. The digits come from
/// Rust's exact decimal rounding, so no binary-float noise (`0.30000000000000004`) shows.
fn positional(a: f64, sig: u8) -> String {
    let s = format!("{:.*e}", usize::from(sig.saturating_sub(1)), a);
    let Some((m, e)) = s.split_once('e') else {
        return s;
    };
    let digits: String = m.chars().filter(char::is_ascii_digit).collect();
    let e: i64 = e.parse().unwrap_or(0);
    let n = digits.len() as i64;
    let out = if e >= n - 1 {
        let mut out = digits;
        out.extend(std::iter::repeat_n('0', (e - (n - 1)) as usize));
        out
    } else if e >= 0 {
        let (i, f) = digits.split_at((e + 1) as usize);
        format!("{i}.{f}")
    } else {
        format!("0.{}{digits}", "0".repeat((-e - 1) as usize))
    };
    if out.contains('.') {
        out.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        out
    }
}

fn scientific(a: f64, sig: u8) -> String {
    let s = format!("{:.*e}", usize::from(sig.saturating_sub(1)), a);
    let Some((m, e)) = s.split_once('e') else {
        return s;
    };
    let m = if m.contains('.') {
        m.trim_end_matches('0').trim_end_matches('.')
    } else {
        m
    };
    let e: i32 = e.parse().unwrap_or(0);
    let mut exp = String::new();
    if e < 0 {
        exp.push('⁻');
    }
    for d in e.unsigned_abs().to_string().bytes() {
        exp.push(SUPERSCRIPTS[usize::from(d - b'0')]);
    }
    format!("{m} × 10{exp}")
}

/// Groups the integer part of a plain decimal number by thousands.
fn group(s: &str, sep: Sep) -> String {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let sep = sep.as_str();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    if sep.is_empty() || int.len() <= 3 {
        out.push_str(int);
    } else {
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push_str(sep);
            }
            out.push(c);
        }
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> String {
        number(x, &FormatSpec::default())
    }

    fn with(x: f64, spec: &str) -> String {
        number(x, &FormatSpec::default().with(spec).unwrap())
    }

    #[test]
    fn default_numbers() {
        assert_eq!(n(0.0), "0");
        assert_eq!(n(4500.0), "4,500");
        assert_eq!(n(10_000_000.0), "10,000,000");
        assert_eq!(n(60.48), "60.48");
        assert_eq!(n(231.481_481_481), "231.481");
        assert_eq!(n(115_740.740_74), "115,741");
        assert_eq!(n(0.9999), "0.9999");
        assert_eq!(n(-2.5), "−2.5");
        assert_eq!(n(3.402_823_669e38), "3.40282 × 10³⁸");
        assert_eq!(n(1.5e-9), "1.5 × 10⁻⁹");
        assert_eq!(n(0.000_12), "0.00012");
        assert_eq!(n(f64::INFINITY), "∞");
    }

    #[test]
    fn float_noise_next_to_a_power_of_ten_is_not_precision() {
        // `1 - 99.9 %` in percent: 0.1 plus binary noise, once shown as "0.09999999999999 %".
        let noisy = (1.0 - 0.999) * 100.0;
        assert_ne!(noisy, 0.1);
        assert_eq!(n(noisy), "0.1");
        assert_eq!(n(0.1 - 1e-16), "0.1");
        assert_eq!(n(1000.0 * (1.0 + 1e-15)), "1,000");
        let prose = FormatSpec::inline(DEFAULT_INLINE_SIG);
        assert_eq!(quantity(noisy, "%", &prose).unwrap().text, "0.1 %");
        // Real digits next to a power of ten are still shown.
        assert_eq!(n(0.99996), "0.99996");
        assert_eq!(n(99.95), "99.95");
        assert_eq!(n(0.0999), "0.0999");
    }

    #[test]
    fn options() {
        assert_eq!(with(231.481_481, "sig=3"), "231");
        assert_eq!(with(0.012_345, "sig=2"), "0.012");
        assert_eq!(with(123_456_789.0, "sig=3"), "123,000,000");
        assert_eq!(with(2.0 / 3.0, "dp=2"), "0.67");
        assert_eq!(with(1234.5, "dp=0"), "1,235");
        assert_eq!(with(1_234_567.0, "sep=none"), "1234567");
        assert_eq!(with(1_234_567.0, "sep=_"), "1_234_567");
        assert_eq!(with(1_234_567.0, "sep=thin"), "1\u{202f}234\u{202f}567");
        assert_eq!(with(1_234_567.0, "sig=2, sep=none"), "1200000");
    }

    #[test]
    fn percent_and_units() {
        let spec = FormatSpec::default().with("percent sig=4").unwrap();
        assert_eq!(quantity(0.998_001, "", &spec).unwrap().text, "99.8 %");
        assert_eq!(quantity(99.95, "%", &spec).unwrap().text, "99.95 %");
        assert!(quantity(3.0, "s", &spec).is_err());
        let q = quantity(60.48, "s", &FormatSpec::default()).unwrap();
        assert_eq!(q.text, "60.48 s");
        assert_eq!(q.html, "<span class=\"calc-q\">60.48 s</span>");
        assert_eq!(
            quantity(37.8, "°", &FormatSpec::default()).unwrap().text,
            "37.8°"
        );
        let d = FormatSpec::default();
        assert_eq!(quantity(14.0, "day", &d).unwrap().text, "14 days");
        assert_eq!(quantity(1.0, "day", &d).unwrap().text, "1 day");
        assert_eq!(quantity(0.0001, "week", &d).unwrap().text, "0.0001 weeks");
        assert_eq!(quantity(3.0, "Mbit/s", &d).unwrap().text, "3 Mbit/s");
    }

    #[test]
    fn prose_values_read_like_prose() {
        let prose = FormatSpec::inline(DEFAULT_INLINE_SIG);
        let q = |x: f64, unit: &str| quantity(x, unit, &prose).unwrap().text;
        // Three significant digits (the issue's examples).
        assert_eq!(q(5.208_333, "min"), "5.21 min");
        assert_eq!(q(std::f64::consts::E, ""), "2.72");
        assert_eq!(q(71.111_111, "%"), "71.1 %");
        assert_eq!(q(231.481_481, "s⁻¹"), "231/s");
        assert_eq!(q(1_440_000.0, "dollar"), "$1,440,000");
        assert_eq!(q(-12.5, "dollar"), "−$12.5");
        assert_eq!(q(0.023, "dollar / (GB × month)"), "$0.023 / (GB × month)");
        // Whole numbers stay exact; a rate per something else keeps its unit.
        assert_eq!(q(33_333_333.0, ""), "33,333,333");
        assert_eq!(q(3.5, "GB/s"), "3.5 GB/s");
        assert_eq!(q(2.0, "m²·s⁻¹"), "2 m²·s⁻¹");
        // Never rounded onto a power of ten it is not.
        assert_eq!(q(99.95, "%"), "99.95 %");
        assert_eq!(q(99.999, "%"), "99.999 %");
        assert_eq!(q(0.999_96, ""), "0.99996");
        assert_eq!(q(1.0048, ""), "1.005");
        assert_eq!(q(9.9996, "ms"), "9.9996 ms");
        assert_eq!(q(99.4, "%"), "99.4 %");
        // An explicit precision is obeyed as written.
        let sig3 = FormatSpec::inline(3).with("sig=3").unwrap();
        assert_eq!(quantity(99.95, "%", &sig3).unwrap().text, "100 %");
        // Worked steps keep six digits and numbat's notation.
        let steps = FormatSpec::steps(DEFAULT_SIG);
        assert_eq!(
            quantity(231.481_481, "s⁻¹", &steps).unwrap().text,
            "231.481 s⁻¹"
        );
        assert_eq!(
            quantity(1_440_000.0, "dollar", &steps).unwrap().text,
            "$1,440,000"
        );
    }

    #[test]
    fn bad_options_say_where() {
        let e = FormatSpec::default().with("sig=3 digits").unwrap_err();
        assert_eq!(e.at, 6);
        assert!(e.message.contains("unknown format option `digits`"));
        assert!(FormatSpec::default().with("sig=99").is_err());
        assert!(FormatSpec::default().with("sep=;").is_err());
    }
}
