//! Text measurement with the font the theme displays diagram text in.
//!
//! Labels must fit their boxes on every machine, so they are measured with the advance widths of
//! the very font file the stylesheet loads (`static/fonts/noto-sans-latin-400.ttf`, SIL OFL),
//! never with whatever fonts the build machine has. The stylesheet turns kerning and ligatures
//! off for diagram text, so a string's width in the browser is the sum of its advances.
//!
//! Only the few tables needed are read (`head`, `hhea`, `hmtx`, `cmap` formats 4 and 12).

use std::collections::HashMap;
use std::sync::OnceLock;

/// The font file, shared with the theme's stylesheet (`@font-face` in `static/style.css`).
pub static FONT_FILE: &[u8] = include_bytes!("../../static/fonts/noto-sans-latin-400.ttf");

/// Font size of diagram text, in SVG user units (CSS px); the stylesheet uses the same.
pub const FONT_SIZE: f64 = 14.0;
/// Distance between the baselines of two lines of a label.
pub const LINE_HEIGHT: f64 = 20.0;

struct Metrics {
    units_per_em: f64,
    ascender: f64,
    descender: f64,
    advances: HashMap<char, u16>,
    /// Advance used for characters the font lacks (the browser falls back to another font).
    fallback: f64,
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn table<'a>(d: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let n = be16(d, 4)? as usize;
    for i in 0..n {
        let rec = 12 + i * 16;
        if d.get(rec..rec + 4)? == tag {
            let off = be32(d, rec + 8)? as usize;
            let len = be32(d, rec + 12)? as usize;
            return d.get(off..off + len);
        }
    }
    None
}

/// Character → glyph id from the best Unicode `cmap` subtable.
fn char_map(cmap: &[u8]) -> Option<Vec<(char, u16)>> {
    let n = be16(cmap, 2)? as usize;
    let mut best: Option<(u16, usize)> = None;
    for i in 0..n {
        let rec = 4 + i * 8;
        let (platform, encoding) = (be16(cmap, rec)?, be16(cmap, rec + 2)?);
        let off = be32(cmap, rec + 4)? as usize;
        let format = be16(cmap, off)?;
        let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
        if unicode && (format == 4 || format == 12) && best.is_none_or(|(f, _)| format > f) {
            best = Some((format, off));
        }
    }
    let (format, off) = best?;
    let t = cmap.get(off..)?;
    let mut out = Vec::new();
    if format == 12 {
        let groups = be32(t, 12)? as usize;
        for g in 0..groups {
            let at = 16 + g * 12;
            let (start, end, glyph) = (be32(t, at)?, be32(t, at + 4)?, be32(t, at + 8)?);
            for (k, cp) in (start..=end.min(start + 0xFFFF)).enumerate() {
                if let Some(c) = char::from_u32(cp) {
                    out.push((c, (glyph as usize + k) as u16));
                }
            }
        }
    } else {
        let segs = be16(t, 6)? as usize / 2;
        let (ends, starts, deltas, ranges) = (14, 16 + segs * 2, 16 + segs * 4, 16 + segs * 6);
        for s in 0..segs {
            let end = be16(t, ends + s * 2)?;
            let start = be16(t, starts + s * 2)?;
            let delta = be16(t, deltas + s * 2)?;
            let range = be16(t, ranges + s * 2)? as usize;
            if start == 0xFFFF {
                continue;
            }
            for cp in start..=end {
                let glyph = if range == 0 {
                    cp.wrapping_add(delta)
                } else {
                    let at = ranges + s * 2 + range + (cp - start) as usize * 2;
                    match be16(t, at)? {
                        0 => 0,
                        g => g.wrapping_add(delta),
                    }
                };
                if glyph != 0
                    && let Some(c) = char::from_u32(u32::from(cp))
                {
                    out.push((c, glyph));
                }
            }
        }
    }
    Some(out)
}

fn parse(d: &[u8]) -> Option<Metrics> {
    let head = table(d, b"head")?;
    let hhea = table(d, b"hhea")?;
    let hmtx = table(d, b"hmtx")?;
    let units_per_em = f64::from(be16(head, 18)?);
    let ascender = f64::from(be16(hhea, 4)? as i16);
    let descender = f64::from(be16(hhea, 6)? as i16);
    let metrics_count = be16(hhea, 34)? as usize;
    let advance = |glyph: u16| {
        let g = (glyph as usize).min(metrics_count.saturating_sub(1));
        be16(hmtx, g * 4)
    };
    let mut advances = HashMap::new();
    for (c, g) in char_map(table(d, b"cmap")?)? {
        advances.insert(c, advance(g)?);
    }
    let fallback = f64::from(*advances.get(&'M')?) * 0.85;
    Some(Metrics {
        units_per_em,
        ascender,
        descender,
        advances,
        fallback,
    })
}

fn metrics() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| {
        // The font is compiled in and checked by a unit test, so this cannot fail at run time.
        parse(FONT_FILE).unwrap_or(Metrics {
            units_per_em: 1000.0,
            ascender: 1069.0,
            descender: -293.0,
            advances: HashMap::new(),
            fallback: 600.0,
        })
    })
}

/// True for characters a browser shows about one em wide (CJK, emoji…), which the shipped
/// font does not have.
fn is_wide(c: char) -> bool {
    matches!(u32::from(c), 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// Width of `s` at [`FONT_SIZE`], in px.
pub fn width(s: &str) -> f64 {
    let m = metrics();
    let units: f64 = s
        .chars()
        .map(|c| match m.advances.get(&c) {
            _ if c.is_control() => 0.0,
            Some(&a) => f64::from(a),
            None if is_wide(c) => m.units_per_em,
            None if c.is_control() => 0.0,
            None => m.fallback,
        })
        .sum();
    units * FONT_SIZE / m.units_per_em
}

/// Ascent and descent (positive) of the font at [`FONT_SIZE`]: the box a browser gives a line.
pub fn ascent_descent() -> (f64, f64) {
    let m = metrics();
    (
        m.ascender * FONT_SIZE / m.units_per_em,
        -m.descender * FONT_SIZE / m.units_per_em,
    )
}

/// Splits a label into lines no wider than `max` px, at spaces; explicit breaks are kept.
/// A single word wider than `max` stays whole (the box grows to fit it).
pub fn wrap(text: &str, max: f64) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            if line.is_empty() {
                line.push_str(word);
            } else if width(&line) + width(" ") + width(word) <= max {
                line.push(' ');
                line.push_str(word);
            } else {
                out.push(std::mem::take(&mut line));
                line.push_str(word);
            }
        }
        out.push(line);
    }
    out
}

/// Width of the widest line.
pub fn lines_width(lines: &[String]) -> f64 {
    lines.iter().map(|l| width(l)).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_font_parses() {
        let m = parse(FONT_FILE).expect("the shipped font parses");
        assert_eq!(m.units_per_em, 1000.0);
        assert!(m.advances.len() > 200, "latin coverage");
        // Proportional: an `i` is narrower than an `M`.
        assert!(width("i") < width("M") / 2.0);
        assert!((width("MMMM") - 4.0 * width("M")).abs() < 1e-9);
    }

    #[test]
    fn wraps_at_spaces() {
        let lines = wrap("Serve consistent data, fully available", 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l) <= 120.0));
        assert_eq!(wrap("a<br>b", 100.0).len(), 1);
        assert_eq!(wrap("a\nb", 100.0), vec!["a", "b"]);
    }
}
