//! Mermaid gantt charts: `dateFormat`, `axisFormat`, `tickInterval`, `excludes` (weekends,
//! weekday names, dates), `weekend`, `weekday`, `workdayhours`, `inclusiveEndDates`,
//! `topAxis`, sections, tasks (`Name : [tags,] [id,] [start,] end | duration`, tags `done`,
//! `active`, `crit`, `milestone`, `vert`; starts `after a b`, ends `until c`), `click` links.
//!
//! Drawn as a table: task names in a column on the left (section names above their tasks, on a
//! tinted band every other section), one bar per task on a time axis with grid lines, coloured
//! per section from the theme's categorical palette; milestones as diamonds, `vert` markers as
//! lines across the chart. No "today" line: a build must not depend on the day it runs.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::datetime::{self, DAY, WEEKDAYS, add_duration, parse_date};
use super::font::{self, LINE_HEIGHT};
use super::graph::Drawn;
use super::lex::{Extras, Result, Stmt, err, label_text};
use super::pie::PALETTE;
use super::svg::{self, Anchor, BOLD, LINK, num};

#[derive(Debug, Clone, Default)]
struct Tags {
    done: bool,
    active: bool,
    crit: bool,
    milestone: bool,
    vert: bool,
}

/// A task's start and end as written, with where its data starts.
struct Spec {
    start: Option<String>,
    end: String,
    pos: usize,
}

#[derive(Debug, Clone)]
struct Task {
    name: String,
    section: Option<usize>,
    tags: Tags,
    start: i64,
    end: i64,
    link: Option<usize>,
}

/// Chart settings from the statements.
struct Settings {
    date_format: String,
    axis_format: Option<String>,
    tick: Option<(i64, char)>,
    excludes: Vec<Exclude>,
    includes: Vec<i64>,
    /// First day of the weekend (5 = Friday, 6 = Saturday).
    weekend: i64,
    workday_hours: Option<f64>,
    inclusive_end: bool,
    top_axis: bool,
    /// First day of a week for weekly ticks (0 = Sunday).
    week_start: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Exclude {
    Weekends,
    Weekday(i64),
    Day(i64),
}

/// A gantt chart being read.
struct Parser {
    s: Settings,
    sections: Vec<String>,
    tasks: Vec<Task>,
    specs: Vec<Spec>,
    ids: HashMap<String, usize>,
    /// `click` statements: (task id, link index).
    clicks: Vec<(String, usize, usize)>,
    extras: Extras,
}

impl Parser {
    /// A chart with Mermaid's defaults: dates `YYYY-MM-DD`, nothing excluded, weekends on
    /// Saturday and Sunday, weeks starting on Sunday.
    fn new() -> Self {
        Parser {
            s: Settings {
                date_format: "YYYY-MM-DD".into(),
                axis_format: None,
                tick: None,
                excludes: Vec::new(),
                includes: Vec::new(),
                weekend: 6,
                workday_hours: None,
                inclusive_end: false,
                top_axis: false,
                week_start: 0,
            },
            sections: Vec::new(),
            tasks: Vec::new(),
            specs: Vec::new(),
            ids: HashMap::new(),
            clicks: Vec::new(),
            extras: Extras::default(),
        }
    }
}

/// Parses and draws a gantt chart.
pub fn render(stmts: &[Stmt]) -> Result<(Drawn, Extras)> {
    let mut p = Parser::new();
    for st in stmts.iter().skip(1) {
        p.statement(st)?;
    }
    let head = stmts.first().map_or(0, |s| s.pos);
    if p.tasks.is_empty() {
        return err(
            head,
            "a gantt chart needs at least one task: `Task name : 2024-01-01, 3d`",
        );
    }
    super::budget::graph_size(p.tasks.len(), 0, head)?;
    p.resolve()?;
    for (id, link, pos) in std::mem::take(&mut p.clicks) {
        let Some(&t) = p.ids.get(&id) else {
            return err(pos, format!("`click`: no task with the id `{id}`"));
        };
        p.tasks[t].link = Some(link);
    }
    let drawn = draw(&p);
    Ok((drawn, p.extras))
}

impl Parser {
    fn statement(&mut self, st: &Stmt) -> Result<()> {
        let (word, rest, rest_pos) = st.split_word();
        match word {
            "title" => self.extras.title = Some(label_text(rest)).filter(|t| !t.is_empty()),
            "dateFormat" => self.s.date_format = rest.to_string(),
            "axisFormat" => self.s.axis_format = Some(rest.to_string()),
            "tickInterval" => self.s.tick = Some(tick_interval(rest, rest_pos)?),
            "excludes" => {
                for w in rest.split([' ', ',']).filter(|w| !w.is_empty()) {
                    let e = self.exclude(w, rest_pos)?;
                    self.s.excludes.push(e);
                }
            }
            "includes" => {
                for w in rest.split([' ', ',']).filter(|w| !w.is_empty()) {
                    if let Some(d) = self.date(w) {
                        self.s.includes.push(d.div_euclid(DAY));
                    }
                }
            }
            "weekend" => {
                self.s.weekend = match rest {
                    "friday" => 5,
                    "saturday" => 6,
                    _ => return err(rest_pos, "`weekend` is `friday` or `saturday`"),
                }
            }
            "workdayhours" => {
                self.s.workday_hours = rest.parse().ok().filter(|h: &f64| *h > 0.0);
            }
            "inclusiveEndDates" => self.s.inclusive_end = true,
            "topAxis" => self.s.top_axis = true,
            "weekday" => {
                self.s.week_start = WEEKDAYS
                    .iter()
                    .position(|d| *d == rest.to_ascii_lowercase())
                    .map(|k| k as i64)
                    .ok_or(())
                    .or_else(|()| err(rest_pos, "`weekday` is a day name: monday, tuesday, …"))?;
            }
            "todayMarker" | "displayMode" | "accTitle" | "accDescr" | "accTitle:" | "accDescr:" => {
            }
            "section" => self.sections.push(label_text(rest)),
            "click" => self.click(rest, rest_pos)?,
            _ => self.task(st)?,
        }
        Ok(())
    }

    fn date(&self, s: &str) -> Option<i64> {
        parse_date(s, &self.s.date_format).or_else(|| parse_date(s, "YYYY-MM-DD"))
    }

    fn exclude(&self, w: &str, pos: usize) -> Result<Exclude> {
        let lower = w.to_ascii_lowercase();
        if lower == "weekends" {
            return Ok(Exclude::Weekends);
        }
        if let Some(k) = WEEKDAYS.iter().position(|d| *d == lower) {
            return Ok(Exclude::Weekday(k as i64));
        }
        match self.date(w) {
            Some(d) => Ok(Exclude::Day(d.div_euclid(DAY))),
            None => err(
                pos,
                format!(
                    "`excludes` takes `weekends`, weekday names or dates in the dateFormat, found `{w}`"
                ),
            ),
        }
    }

    fn excluded(&self, day: i64) -> bool {
        if self.s.includes.contains(&day) {
            return false;
        }
        let wd = (day + 4).rem_euclid(7);
        self.s.excludes.iter().any(|e| match *e {
            Exclude::Weekends => {
                let first = self.s.weekend;
                wd == first || wd == (first + 1) % 7
            }
            Exclude::Weekday(k) => wd == k,
            Exclude::Day(d) => d == day,
        })
    }

    /// `click id href "url"`, `click id call fn()`.
    fn click(&mut self, rest: &str, pos: usize) -> Result<()> {
        let (id, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let after = after.trim();
        let after = after.strip_prefix("href").map_or(after, str::trim_start);
        let Some(q) = after.strip_prefix('"') else {
            self.extras.warn(
                pos,
                "`click … call` runs JavaScript; corem's diagrams carry no scripts, so it is left out",
            );
            return Ok(());
        };
        let url = q.split('"').next().unwrap_or("").trim();
        if url.to_ascii_lowercase().starts_with("javascript:") {
            self.extras
                .warn(pos, "a `javascript:` link is a script; it is left out");
            return Ok(());
        }
        let apos = pos + rest.len() - after.len() + 1;
        let link = self.extras.link(url, apos);
        self.clicks.push((id.to_string(), link, pos));
        Ok(())
    }

    /// `Name : [tags,] [id,] [start,] end-or-duration`.
    fn task(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        let Some((name, meta)) = t.split_once(':') else {
            return err(
                st.pos,
                format!(
                    "expected a task `Name : 2024-01-01, 3d`, `section`, or a setting such as `dateFormat`, found `{}`",
                    t.chars().take(24).collect::<String>()
                ),
            );
        };
        let meta_pos = st.pos + name.len() + 1;
        let mut items: Vec<&str> = meta.split(',').map(str::trim).collect();
        let mut tags = Tags::default();
        while let Some(&first) = items.first() {
            match first {
                "done" => tags.done = true,
                "active" => tags.active = true,
                "crit" => tags.crit = true,
                "milestone" => tags.milestone = true,
                "vert" => tags.vert = true,
                _ => break,
            }
            items.remove(0);
        }
        let (id, start, end) = match items.as_slice() {
            [end] => (None, None, *end),
            [start, end] => (None, Some(*start), *end),
            [id, start, end] => (Some(*id), Some(*start), *end),
            _ => {
                return err(
                    meta_pos,
                    "a task's data is `[tags,] [id,] [start,] end`: at most three items after the tags",
                );
            }
        };
        let index = self.tasks.len();
        if let Some(id) = id {
            self.ids.insert(id.to_string(), index);
        }
        self.tasks.push(Task {
            name: label_text(name.trim()),
            section: self.sections.len().checked_sub(1),
            tags,
            start: 0,
            end: 0,
            link: None,
        });
        self.specs.push(Spec {
            start: start.map(str::to_string),
            end: end.to_string(),
            pos: meta_pos,
        });
        Ok(())
    }

    /// Task times, in as many passes as the references need (`until` may name a later task).
    fn resolve(&mut self) -> Result<()> {
        let n = self.tasks.len();
        let (mut has_start, mut has_end) = (vec![false; n], vec![false; n]);
        loop {
            let mut progress = false;
            for i in 0..n {
                if !has_start[i]
                    && let Some(t) = self.start_of(i, &has_end)?
                {
                    self.tasks[i].start = t;
                    has_start[i] = true;
                    progress = true;
                }
                if has_start[i]
                    && !has_end[i]
                    && let Some(t) = self.end_of(i, &has_start)?
                {
                    let start = self.tasks[i].start;
                    self.tasks[i].end = self.skip_excluded(start, t.max(start));
                    has_end[i] = true;
                    progress = true;
                }
            }
            if has_end.iter().all(|&d| d) {
                return Ok(());
            }
            if !progress {
                let i = has_end.iter().position(|&d| !d).unwrap_or(0);
                return err(
                    self.specs[i].pos,
                    "this task's `after` and `until` references go round in a circle",
                );
            }
        }
    }

    /// Task `i`'s start, once what it depends on is known: a date, `after a b …` (the latest
    /// end of those), or the end of the task before it.
    fn start_of(&self, i: usize, has_end: &[bool]) -> Result<Option<i64>> {
        let pos = self.specs[i].pos;
        let Some(s) = self.specs[i].start.as_deref() else {
            return match i.checked_sub(1) {
                Some(j) => Ok(has_end[j].then_some(self.tasks[j].end)),
                None => err(
                    pos,
                    "the first task needs a start date: `Task : 2024-01-01, 3d`",
                ),
            };
        };
        if let Some(ids) = s.strip_prefix("after ") {
            let mut t = i64::MIN;
            for id in ids.split_whitespace() {
                match self.ids.get(id) {
                    Some(&k) if has_end[k] => t = t.max(self.tasks[k].end),
                    Some(_) => return Ok(None),
                    None => {
                        return err(pos, format!("`after {id}`: no task has the id `{id}`"));
                    }
                }
            }
            if t == i64::MIN {
                return err(pos, "`after` needs a task id");
            }
            return Ok(Some(t));
        }
        match self.date(s) {
            Some(d) => Ok(Some(d)),
            None => err(
                pos,
                format!(
                    "`{s}` is not a date in the dateFormat `{}`",
                    self.s.date_format
                ),
            ),
        }
    }

    /// Task `i`'s end, once what it depends on is known: a date, a duration from its start,
    /// or `until a b …` (the earliest start of those).
    fn end_of(&self, i: usize, has_start: &[bool]) -> Result<Option<i64>> {
        let (pos, s) = (self.specs[i].pos, self.specs[i].end.as_str());
        let start = self.tasks[i].start;
        if let Some(ids) = s.strip_prefix("until ") {
            let mut t = i64::MAX;
            for id in ids.split_whitespace() {
                match self.ids.get(id) {
                    Some(&k) if has_start[k] => t = t.min(self.tasks[k].start),
                    Some(_) => return Ok(None),
                    None => {
                        return err(pos, format!("`until {id}`: no task has the id `{id}`"));
                    }
                }
            }
            return Ok(Some(t));
        }
        if let Some(d) = parse_date(s, &self.s.date_format) {
            return Ok(Some(if self.s.inclusive_end { d + DAY } else { d }));
        }
        if let Some(t) = add_duration(start, s, self.s.workday_hours) {
            return Ok(Some(t));
        }
        if let Some(d) = self.date(s) {
            return Ok(Some(d));
        }
        err(
            pos,
            format!(
                "`{s}` is neither a date in the dateFormat `{}` nor a duration such as `3d`, `20h`, `2w`",
                self.s.date_format
            ),
        )
    }

    /// The end pushed out by the excluded days the task spans (they do not count).
    fn skip_excluded(&self, start: i64, end: i64) -> i64 {
        if self.s.excludes.is_empty() {
            return end;
        }
        let mut end = end;
        let mut day = start.div_euclid(DAY);
        // Bounded: a task spans at most about 30 years of days here.
        let mut guard = 0;
        while day * DAY < end && guard < 12_000 {
            if self.excluded(day) {
                end += DAY;
            }
            day += 1;
            guard += 1;
        }
        end
    }
}

/// `tickInterval 1day` → (count, unit).
fn tick_interval(s: &str, pos: usize) -> Result<(i64, char)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let count: i64 = s[..n].parse().unwrap_or(0);
    let unit = match &s[n..] {
        "millisecond" => 'L',
        "second" => 's',
        "minute" => 'm',
        "hour" => 'h',
        "day" => 'd',
        "week" => 'w',
        "month" => 'M',
        _ => 'x',
    };
    if count < 1 || unit == 'x' {
        return err(
            pos,
            "`tickInterval` is a count and a unit: `1day`, `2week`, `1month` (millisecond, second, minute, hour, day, week, month)",
        );
    }
    Ok((count, unit))
}

/// Candidate automatic tick steps, smallest first.
const STEPS: &[(i64, char)] = &[
    (1, 'L'),
    (10, 'L'),
    (100, 'L'),
    (1, 's'),
    (5, 's'),
    (15, 's'),
    (1, 'm'),
    (5, 'm'),
    (15, 'm'),
    (30, 'm'),
    (1, 'h'),
    (3, 'h'),
    (6, 'h'),
    (12, 'h'),
    (1, 'd'),
    (2, 'd'),
    (1, 'w'),
    (2, 'w'),
    (1, 'M'),
    (3, 'M'),
    (6, 'M'),
    (12, 'M'),
    (60, 'M'),
    (120, 'M'),
    (600, 'M'),
];

fn step_ms((n, u): (i64, char)) -> i64 {
    n * match u {
        'L' => 1,
        's' => 1000,
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => DAY,
        'w' => 7 * DAY,
        _ => 30 * DAY,
    }
}

/// Tick times from `t0` to `t1` for a step, aligned to its unit (midnight, the 1st, …).
fn ticks(t0: i64, t1: i64, (n, u): (i64, char), week_start: i64) -> Vec<i64> {
    let mut out = Vec::new();
    if u == 'M' {
        let (y, m, _) = datetime::civil_from_days(t0.div_euclid(DAY));
        let mut k = (y * 12 + m - 1).div_euclid(n) * n;
        loop {
            let t = datetime::days_from_civil(k.div_euclid(12), k.rem_euclid(12) + 1, 1) * DAY;
            if t > t1 || out.len() > 400 {
                break;
            }
            if t >= t0 {
                out.push(t);
            }
            k += n;
        }
        return out;
    }
    let step = step_ms((n, u));
    // Weeks start on `week_start` (day 3 of the epoch is a Sunday).
    let origin = if u == 'w' { (3 + week_start) * DAY } else { 0 };
    let mut t = (t0 - origin).div_euclid(step) * step + origin;
    if t < t0 {
        t += step;
    }
    while t <= t1 && out.len() <= 400 {
        out.push(t);
        t += step;
    }
    out
}

/// An axis format fitting the step when none is given.
fn default_format(step: (i64, char)) -> &'static str {
    match step.1 {
        'L' => "%H:%M:%S.%L",
        's' => "%H:%M:%S",
        'm' | 'h' => "%H:%M",
        'M' if step.0 >= 12 => "%Y",
        'M' => "%Y-%m",
        _ => "%Y-%m-%d",
    }
}

const CHART_W: f64 = 520.0;
const ROW_H: f64 = 28.0;
const BAR_H: f64 = 16.0;
const NAME_W: f64 = 240.0;
const PAD: f64 = 10.0;
const MARGIN: f64 = 8.0;

/// One row of the table: a section header or a task.
enum Row<'a> {
    Section(usize, &'a str),
    Task(&'a Task),
}

/// The tick step and the axis format: the given interval, else the smallest step whose
/// labels have room between ticks.
fn choose_step(p: &Parser, t0: i64, t1: i64, scale: f64) -> ((i64, char), String) {
    let fits = |step: (i64, char)| {
        // Too fine a step is known without listing its ticks.
        if (t1 - t0) / step_ms(step).max(1) > 400 {
            return false;
        }
        let f = p.s.axis_format.as_deref().unwrap_or(default_format(step));
        let ts = ticks(t0, t1, step, p.s.week_start);
        let w = ts
            .iter()
            .map(|&t| font::width(&datetime::format(t, f)))
            .fold(0.0, f64::max);
        ts.len() <= 400 && step_ms(step) as f64 * scale >= w + 14.0
    };
    let step =
        p.s.tick
            .filter(|&s| fits(s))
            .or_else(|| STEPS.iter().copied().find(|&s| fits(s)))
            .unwrap_or((600, 'M'));
    let fmt =
        p.s.axis_format
            .clone()
            .unwrap_or_else(|| default_format(step).to_string());
    (step, fmt)
}

/// The rows of the table: a header for each section, then its tasks (vertical markers take
/// no row).
fn table_rows<'a>(p: &'a Parser, tasks: &[&'a Task]) -> Vec<Row<'a>> {
    let mut rows: Vec<Row> = Vec::new();
    let mut cur = None;
    for t in tasks {
        if t.tags.vert {
            continue;
        }
        if t.section != cur {
            if let Some(s) = t.section {
                rows.push(Row::Section(s, &p.sections[s]));
            }
            cur = t.section;
        }
        rows.push(Row::Task(t));
    }
    rows
}

fn draw(p: &Parser) -> Drawn {
    let tasks: Vec<&Task> = p.tasks.iter().collect();
    let t0 = tasks.iter().map(|t| t.start).min().unwrap_or(0);
    let mut t1 = tasks.iter().map(|t| t.end).max().unwrap_or(0);
    if t1 <= t0 {
        t1 = t0 + DAY;
    }
    let scale = CHART_W / (t1 - t0) as f64;
    let (step, fmt) = choose_step(p, t0, t1, scale);
    let rows = table_rows(p, &tasks);
    let names: Vec<Vec<String>> = rows
        .iter()
        .map(|r| match r {
            Row::Section(_, s) => font::wrap(s, NAME_W),
            Row::Task(t) => font::wrap(&t.name, NAME_W - 12.0),
        })
        .collect();
    let name_w = names
        .iter()
        .map(|l| font::lines_width(l))
        .fold(0.0, f64::max)
        .min(NAME_W)
        + 12.0;
    let heights: Vec<f64> = names
        .iter()
        .map(|l| ROW_H.max(svg::lines_height(l.len()) + 8.0))
        .collect();
    let axis_h = LINE_HEIGHT + 10.0;
    let x0 = MARGIN + name_w + PAD;
    // Vertical markers' names get a row of their own above the tasks.
    let vert_h = if tasks.iter().any(|t| t.tags.vert) {
        LINE_HEIGHT + 6.0
    } else {
        0.0
    };
    let top = MARGIN + vert_h + if p.s.top_axis { axis_h } else { 0.0 };
    let body_h: f64 = heights.iter().sum();
    let tick_list = ticks(t0, t1, step, p.s.week_start);
    // Room on the right for the last tick's label.
    let overhang = tick_list
        .iter()
        .map(|&t| (t - t0) as f64 * scale + font::width(&datetime::format(t, &fmt)) / 2.0 - CHART_W)
        .fold(0.0, f64::max);
    let width = x0 + CHART_W + PAD.max(overhang + 4.0) + MARGIN;
    let height = top + body_h + if p.s.top_axis { 0.0 } else { axis_h } + MARGIN;
    let _ = vert_h;
    let x_of = |t: i64| x0 + (t - t0) as f64 * scale;
    let mut d = Draw::default();
    d.bands(&rows, &heights, top, width);
    let axis = Axis {
        x0,
        top,
        body_h,
        top_axis: p.s.top_axis,
        fmt,
    };
    d.grid(&tick_list, &x_of, &axis);
    d.rows(&rows, &names, &heights, top, &x_of);
    let verts: Vec<&Task> = tasks.iter().copied().filter(|t| t.tags.vert).collect();
    d.verts(&verts, &x_of, top, body_h, width);
    Drawn {
        svg_body: format!("{}{}", d.body, d.text),
        width,
        height,
        labels: d.labels,
        work: 0,
        markers: Vec::new(),
    }
}

/// The SVG being written: shapes, then all text on top.
#[derive(Default)]
struct Draw {
    body: String,
    text: String,
    labels: Vec<String>,
}

impl Draw {
    /// A tinted band behind every other section.
    fn bands(&mut self, rows: &[Row], heights: &[f64], top: f64, width: f64) {
        let mut y = top;
        let mut k = 0;
        while k < rows.len() {
            let Row::Section(s, _) = rows[k] else {
                y += heights[k];
                k += 1;
                continue;
            };
            let mut h = heights[k];
            let mut j = k + 1;
            while j < rows.len() && matches!(rows[j], Row::Task(_)) {
                h += heights[j];
                j += 1;
            }
            if s % 2 == 1 {
                let _ = write!(
                    self.body,
                    "<rect class=\"dg-rect\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    num(MARGIN),
                    num(y),
                    num(width - 2.0 * MARGIN),
                    num(h)
                );
            }
            y += h;
            k = j;
        }
    }

    /// Grid lines at the ticks, the axis and its labels.
    fn grid(&mut self, ticks: &[i64], x_of: &dyn Fn(i64) -> f64, a: &Axis) {
        let axis_y = if a.top_axis { a.top } else { a.top + a.body_h };
        let ly = if a.top_axis {
            a.top - 5.0 - LINE_HEIGHT / 2.0
        } else {
            axis_y + 5.0 + LINE_HEIGHT / 2.0
        };
        for &t in ticks {
            let x = x_of(t);
            let _ = write!(
                self.body,
                "<path class=\"dg-grid\" d=\"M{} {}V{}\"/>",
                num(x),
                num(a.top),
                num(a.top + a.body_h)
            );
            let label = datetime::format(t, &a.fmt);
            svg::text(
                &mut self.text,
                "dg-t dg-tick",
                x,
                ly,
                &[label],
                Anchor::Middle,
            );
        }
        let _ = write!(
            self.body,
            "<path class=\"dg-axis\" d=\"M{} {}H{}\"/>",
            num(a.x0),
            num(axis_y),
            num(a.x0 + CHART_W)
        );
    }

    /// Vertical markers: a line through the tasks, the name in the row above them (names
    /// pushed right of each other when close).
    fn verts(
        &mut self,
        verts: &[&Task],
        x_of: &dyn Fn(i64) -> f64,
        top: f64,
        body_h: f64,
        width: f64,
    ) {
        let mut placed: Vec<(f64, &Task)> = verts
            .iter()
            .map(|t| (x_of(t.start + (t.end - t.start) / 2), *t))
            .collect();
        placed.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut right = f64::NEG_INFINITY;
        let ly = top - 3.0 - LINE_HEIGHT / 2.0;
        for (x, t) in placed {
            let _ = write!(
                self.body,
                "<path class=\"dg-vert\" d=\"M{} {}V{}\"/>",
                num(x),
                num(ly + LINE_HEIGHT / 2.0),
                num(top + body_h)
            );
            let w = font::width(&t.name);
            let lx = (x - w / 2.0)
                .max(right + 8.0)
                .min(width - MARGIN - w)
                .max(MARGIN);
            right = lx + w;
            svg::text(
                &mut self.text,
                "dg-t",
                lx,
                ly,
                std::slice::from_ref(&t.name),
                Anchor::Start,
            );
            self.labels.push(t.name.clone());
        }
    }

    /// Section headers and task names on the left, bars and milestones on the right.
    fn rows(
        &mut self,
        rows: &[Row],
        names: &[Vec<String>],
        heights: &[f64],
        top: f64,
        x_of: &dyn Fn(i64) -> f64,
    ) {
        let mut y = top;
        for (k, row) in rows.iter().enumerate() {
            let cy = y + heights[k] / 2.0;
            match row {
                Row::Section(_, s) => {
                    svg::text(
                        &mut self.text,
                        "dg-t dg-title",
                        MARGIN + 4.0,
                        cy,
                        &names[k],
                        Anchor::Start,
                    );
                    self.labels.push((*s).to_string());
                }
                Row::Task(t) => {
                    let mut lines = names[k].clone();
                    if t.tags.crit {
                        for l in &mut lines {
                            *l = format!("{BOLD}{l}{BOLD}");
                        }
                    }
                    svg::text(
                        &mut self.text,
                        "dg-t",
                        MARGIN + 12.0,
                        cy,
                        &lines,
                        Anchor::Start,
                    );
                    self.labels.push(t.name.clone());
                    self.task(t, cy, x_of);
                }
            }
            y += heights[k];
        }
    }

    fn task(&mut self, t: &Task, cy: f64, x_of: &dyn Fn(i64) -> f64) {
        let cat = t.section.unwrap_or(0) % PALETTE + 1;
        if let Some(k) = t.link {
            let _ = write!(self.body, "<a href=\"{LINK}{k}{LINK}\" class=\"dg-link\">");
        }
        if t.tags.milestone {
            let x = x_of(t.start + (t.end - t.start) / 2);
            let r = BAR_H / 2.0 + 1.0;
            let _ = write!(
                self.body,
                "<polygon class=\"dg-milestone dg-cat-{cat}\" points=\"{},{} {},{} {},{} {},{}\"/>",
                num(x),
                num(cy - r),
                num(x + r),
                num(cy),
                num(x),
                num(cy + r),
                num(x - r),
                num(cy)
            );
        } else {
            let (x1, x2) = (x_of(t.start), x_of(t.end));
            let mut class = format!("dg-bar dg-cat-{cat}");
            for (on, c) in [
                (t.tags.done, " dg-done"),
                (t.tags.active, " dg-active"),
                (t.tags.crit, " dg-crit"),
            ] {
                if on {
                    class.push_str(c);
                }
            }
            let _ = write!(
                self.body,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                num(x1),
                num(cy - BAR_H / 2.0),
                num((x2 - x1).max(2.0)),
                num(BAR_H)
            );
        }
        if t.link.is_some() {
            self.body.push_str("</a>");
        }
    }
}

/// The time axis: where it starts, the rows it spans, its label format.
struct Axis {
    x0: f64,
    top: f64,
    body_h: f64,
    top_axis: bool,
    fmt: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    fn drawn(src: &str) -> Result<(Drawn, Extras)> {
        render(&statements(src, false))
    }

    #[test]
    fn tasks_dependencies_and_milestones() {
        let src = "gantt\n title A Gantt Diagram\n dateFormat YYYY-MM-DD\n section Section\n A task :a1, 2014-01-01, 30d\n Another task :after a1, 20d\n section Another\n Task in sec :2014-01-12, 12d\n another task : 24d\n Done : done, des1, 2014-01-06, 2014-01-08\n Ms : milestone, m1, 2014-01-25, 0d\n Until : 2014-01-02, until m1\n";
        let (d, x) = drawn(src).unwrap();
        assert_eq!(x.title.as_deref(), Some("A Gantt Diagram"));
        assert!(d.svg_body.contains("dg-milestone"));
        assert!(d.svg_body.contains("dg-done"));
        assert_eq!(d.svg_body.matches("<rect class=\"dg-bar").count(), 6);
        assert!(d.labels.contains(&"Another".to_string()));
    }

    #[test]
    fn dates_follow_the_rules() {
        let mut p = Parser::new();
        p.s.excludes = vec![Exclude::Weekends];
        // 2024-01-05 is a Friday: 2 days of work end on Tuesday, the weekend skipped.
        for st in statements("gantt\n A :a, 2024-01-05, 2d\n B :after a, 1d\n", false)
            .iter()
            .skip(1)
        {
            p.statement(st).unwrap();
        }
        p.resolve().unwrap();
        let day = |t: i64| datetime::format(t, "%Y-%m-%d");
        assert_eq!(day(p.tasks[0].end), "2024-01-09");
        assert_eq!(day(p.tasks[1].start), "2024-01-09");
    }

    #[test]
    fn errors_are_located() {
        let src = "gantt\n A : 3d\n";
        assert!(
            drawn(src)
                .unwrap_err()
                .message
                .contains("first task needs a start")
        );
        let src = "gantt\n A :a, 2024-01-01, 3d\n B :b, after c, 2d\n C :c, after b, 2d\n";
        assert!(drawn(src).unwrap_err().message.contains("circle"));
        let src = "gantt\n A :a, 2024-01-01, 3d\n B :after zz, 2d\n";
        let e = drawn(src).unwrap_err();
        assert!(e.message.contains("`zz`"), "{}", e.message);
        let src = "gantt\n A : 2024-13-01, 3d\n";
        assert!(drawn(src).unwrap_err().message.contains("not a date"));
        let src = "gantt\n A : 2024-01-01, 3dX\n";
        assert!(drawn(src).unwrap_err().message.contains("duration"));
        let src = "gantt\n tickInterval 1fortnight\n A : 2024-01-01, 3d\n";
        assert!(drawn(src).is_err());
    }

    #[test]
    fn ticks_do_not_crowd() {
        let (d, _) = drawn("gantt\n A : 2020-01-01, 3y\n").unwrap();
        let n = d.svg_body.matches("dg-tick").count();
        assert!((2..=12).contains(&n), "{n} ticks");
        let (d, _) =
            drawn("gantt\n dateFormat HH:mm\n axisFormat %H:%M\n A : 17:49, 10m\n B : 5m\n")
                .unwrap();
        assert!(
            d.svg_body.contains(">17:50<") || d.svg_body.contains(">17:55<"),
            "{}",
            d.svg_body
        );
    }
}
