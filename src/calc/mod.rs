//! Worked calculations: ```` ```calc ```` blocks and inline `` `= expr` `` values, evaluated at
//! build time with [numbat](https://numbat.dev) (units, dimensions, `->` conversions).
//!
//! A helper of the render stage: [`NoteCalc`] holds one note's calc context and is driven by
//! `render::fence` in document order, so names defined in a block are visible in later blocks
//! and inline values of the same note.
//!
//! - **Prelude** ([`prelude`]): numbat's `use prelude` takes tens of milliseconds, so it runs
//!   once per process; each note with calc content clones the result (numbat's `Context` is
//!   `Send + Sync` and cheap to clone). Notes without calc content never touch numbat.
//! - **Statements**: numbat's `interpret` only returns the last value of its input, so a block is
//!   cut into statements ([`scan`]) and each one is interpreted on its own; `let x = …` is sent
//!   as `let x = …` followed by `x` in the same input, so its bound value comes back in one call.
//! - **Hash functions**: see [`hash`]; corem computes them before numbat sees the statement.
//! - **Bounds**: every statement runs on the note's worker thread under a time and memory limit;
//!   see [`guard`].
//! - **Errors** point at `file:line:column`: numbat's span (of the statement it was given)
//!   mapped back through the statement's position in the note body. After an error, statements
//!   that use a name the failed statement would have defined are skipped instead of reporting the
//!   same cause again as "unknown identifier".
//! - **Reuse**: numbat copies its environment on every `interpret` (to roll back a failed
//!   line), so each input costs about a context clone. Within a note, a value already known is
//!   not asked again: a `let`'s bound value (for a later `= name`), and the same expression with
//!   nothing defined since. Across builds in one process, a note whose calc sources are unchanged
//!   gets its rendered results from the build cache ([`crate::cache`]), so `serve`
//!   evaluates again only the notes whose calculations changed.

pub mod format;
pub mod guard;
pub mod hash;
mod html;
pub mod scan;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use numbat::diagnostic::{ErrorDiagnostic, ResolverDiagnostic};
use numbat::module_importer::BuiltinModuleImporter;
use numbat::resolver::CodeSource;
use numbat::{Context, InterpreterResult, InterpreterSettings, NumbatError, TypeCheckError};

use crate::markdown::{Ev, Fence, Parsed, Problem};

pub use format::{FormatSpec, Shown};

/// The default formats of a project's results: values in prose and worked steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Formats {
    /// Values in prose (`` `= expr` ``).
    pub inline: FormatSpec,
    /// Results in the worked steps of ```` ```calc ```` blocks.
    pub steps: FormatSpec,
}

impl Default for Formats {
    fn default() -> Self {
        crate::config::CalcConfig::default().formats()
    }
}
pub use guard::{CalcAlloc, Limits, Stopped};
pub use html::Rendered;
use scan::{DefKind, Item, PosMap, Src, Stmt};

/// A setup failure of the calc machinery (not of a note's content).
#[derive(Debug, Clone, thiserror::Error)]
pub enum CalcError {
    /// numbat's standard library did not load.
    #[error("numbat's prelude failed to load: {0}")]
    Prelude(String),
    /// The system refused a thread.
    #[error("could not start a calc worker thread: {0}")]
    Thread(String),
}

static PRELUDE: OnceLock<Result<Context, String>> = OnceLock::new();

/// numbat with its prelude loaded, built once per process (the first note with calc content
/// builds it; the others wait for it).
pub fn prelude() -> Result<&'static Context, CalcError> {
    PRELUDE
        .get_or_init(|| {
            let mut ctx = Context::new(BuiltinModuleImporter::default());
            let mut quiet = InterpreterSettings {
                print_fn: Box::new(|_| {}),
            };
            ctx.interpret_with_settings(&mut quiet, "use prelude", CodeSource::Internal)
                .map(|_| ())
                .map_err(|e| e.to_string())?;
            Ok(ctx)
        })
        .as_ref()
        .map_err(|e| CalcError::Prelude(e.clone()))
}

/// Names whose value changes from build to build (or machine to machine): refused, so that a
/// build is reproducible and cached results stay true.
fn non_reproducible(name: &str) -> bool {
    matches!(
        name,
        "now" | "today" | "random" | "args" | "get_local_timezone"
    ) || name.starts_with("rand_")
}

/// A statement for the worker.
struct Job {
    code: String,
    /// For `let x = …`: the name to evaluate after it, so its value comes back.
    show: Option<String>,
    spec: FormatSpec,
}

/// The worker's answer to a job.
enum Answer {
    Ok(Outcome),
    Err(NbError),
}

#[derive(Debug, Default, Clone)]
struct Outcome {
    shown: Option<Shown>,
    /// The value itself, to show it again in another format without asking numbat.
    value: Option<numbat::value::Value>,
    /// The value when it is a string (for hash arguments).
    string: Option<String>,
    /// What `print(…)` wrote.
    printed: Vec<String>,
}

/// A numbat error, with what is needed to place it.
#[derive(Debug, Default)]
struct NbError {
    /// `<input:N>` number and byte range of the label to point at.
    at: Option<(usize, usize)>,
    message: String,
    help: Option<String>,
    /// For "unknown identifier": the name.
    unknown: Option<String>,
}

/// The numbat context of a note, owned by its worker thread.
struct Engine {
    ctx: Context,
    printed: Arc<Mutex<Vec<String>>>,
    settings: InterpreterSettings,
}

impl Engine {
    fn new(ctx: Context) -> Self {
        let printed = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&printed);
        Engine {
            ctx,
            printed,
            settings: InterpreterSettings {
                print_fn: Box::new(move |m| {
                    let text = numbat::markup::plain_text_format(m, false);
                    if let Ok(mut p) = sink.lock() {
                        p.push(text.trim().to_string());
                    }
                }),
            },
        }
    }

    /// Interprets one job: exactly one `CodeSource::Text` input, so the session can number them.
    fn run(&mut self, job: Job) -> Answer {
        let code = match &job.show {
            Some(name) => format!("{}\n{name}", job.code),
            None => job.code,
        };
        if let Ok(mut p) = self.printed.lock() {
            p.clear();
        }
        let is_use = scan::head(&code) == Some("use");
        let expected = 1 + usize::from(job.show.is_some());
        let result = self
            .ctx
            .interpret_with_settings(&mut self.settings, &code, CodeSource::Text)
            .map(|(statements, r)| (statements.len(), r));
        // numbat ends a statement at a line break (except inside brackets and in `where`
        // clauses): a statement corem joined over several lines must not silently become two.
        let result = match result {
            Ok((n, _)) if n > expected && !is_use => {
                return Answer::Err(NbError {
                    message: format!(
                        "numbat reads this as {} statements, not one",
                        n + 1 - expected
                    ),
                    help: Some(
                        "a statement ends at the end of its line; continue it only inside \
                         brackets, or put it on one line"
                            .into(),
                    ),
                    ..NbError::default()
                });
            }
            other => other.map(|(_, r)| r),
        };
        let printed = self
            .printed
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        match result {
            Ok(InterpreterResult::Value(v)) => match format::value(&v, &job.spec) {
                Ok(shown) => Answer::Ok(Outcome {
                    shown: Some(shown),
                    value: Some(v.clone()),
                    string: match &v {
                        numbat::value::Value::String(s) => Some(s.to_string()),
                        _ => None,
                    },
                    printed,
                }),
                Err(message) => Answer::Err(NbError {
                    message,
                    ..NbError::default()
                }),
            },
            Ok(InterpreterResult::Continue) => Answer::Ok(Outcome {
                printed,
                ..Outcome::default()
            }),
            Err(e) => Answer::Err(self.error(&e)),
        }
    }

    /// A numbat error in corem's words, pointing into the user's input.
    fn error(&self, e: &NumbatError) -> NbError {
        let diags = match e {
            NumbatError::ResolverError(x) => x.diagnostics(),
            NumbatError::NameResolutionError(x) => x.diagnostics(),
            NumbatError::TypeCheckError(x) => x.diagnostics(),
            NumbatError::RuntimeError(x) => ResolverDiagnostic {
                resolver: self.ctx.resolver(),
                error: x,
            }
            .diagnostics(),
        };
        let notes: Vec<String> = diags
            .first()
            .map(|d| d.notes.iter().map(|n| flatten(n)).collect())
            .unwrap_or_default();
        let mut out = NbError {
            at: self.locate(&diags),
            ..NbError::default()
        };
        explain(e, notes, &mut out);
        out
    }

    /// Where the first diagnostic points in the user's input (`<input:N>` number and byte
    /// offset): its primary label if that is in user input, else any label that is.
    fn locate(&self, diags: &[numbat::diagnostic::Diagnostic]) -> Option<(usize, usize)> {
        let files = &self.ctx.resolver().files;
        let input_of = |file_id: usize| -> Option<usize> {
            let f = files.get(file_id).ok()?;
            f.name()
                .strip_prefix("<input:")?
                .strip_suffix('>')?
                .parse()
                .ok()
        };
        let labels: Vec<_> = diags.first().map(|d| d.labels.clone()).unwrap_or_default();
        let primary = codespan_reporting::diagnostic::LabelStyle::Primary;
        labels
            .iter()
            .filter(|l| l.style == primary)
            .chain(labels.iter())
            .find_map(|l| input_of(l.file_id).map(|n| (n, l.range.start)))
    }
}

/// Sets the message (and help, and the unknown name) of `out` for numbat error `e`: the
/// common errors rephrased (dimensions, unknown names, assertions, parse errors), the others
/// flattened to one line, with the first of `notes` the message does not already say as help.
fn explain(e: &NumbatError, notes: Vec<String>, out: &mut NbError) {
    match e {
        NumbatError::TypeCheckError(TypeCheckError::IncompatibleDimensions(d)) => {
            let side = |dims: &[numbat::compact_str::CompactString], ty: String| {
                if dims.is_empty() {
                    ty
                } else {
                    dims.join(" or ")
                }
            };
            out.message = format!(
                "incompatible dimensions in {}: {} vs {}",
                d.operation,
                side(&d.expected_dimensions, d.expected_type.to_string()),
                side(&d.actual_dimensions, d.actual_type.to_string()),
            );
            // numbat sometimes knows the fix ("Suggested fix: divide the expression …").
            out.help = e
                .to_string()
                .lines()
                .find(|l| l.contains("fix"))
                .map(|l| l.trim().to_string());
        }
        NumbatError::TypeCheckError(TypeCheckError::UnknownIdentifier(_, name, suggestion)) => {
            out.message = format!("unknown name `{name}`");
            out.help = unknown_name_help(name, suggestion.as_deref());
            out.unknown = Some(name.to_string());
        }
        NumbatError::RuntimeError(r) => {
            out.message = lower_first(&flatten(&r.kind.to_string()));
            if matches!(
                r.kind,
                numbat::RuntimeErrorKind::AssertFailed(_)
                    | numbat::RuntimeErrorKind::AssertEq2Failed(_)
                    | numbat::RuntimeErrorKind::AssertEq3Failed(_)
            ) && !out.message.starts_with("assertion")
            {
                out.message = format!("assertion failed: {}", out.message);
            }
        }
        NumbatError::ResolverError(numbat::resolver::ResolverError::ParseErrors(errs)) => {
            let first = errs.first().map(|p| p.to_string()).unwrap_or_default();
            out.message = format!("parse error: {}", lower_first(&flatten(&first)));
        }
        _ => {
            out.message = lower_first(&flatten(&e.to_string()));
            out.help = notes
                .into_iter()
                .find(|n| !out.message.contains(n.as_str()));
        }
    }
}

/// The kind of row a statement makes: a check (`assert…`), a `let`, a definition (of a
/// function, unit or dimension, or a `use`), printed output, or a value.
fn row_kind(def: Option<DefKind>, head: Option<&str>, out: &Outcome) -> RowKind {
    match (def, head) {
        (_, Some("assert_eq" | "assert")) => RowKind::Check,
        (Some(DefKind::Let), _) => RowKind::Let,
        (Some(_), _) | (None, Some("use")) => RowKind::Definition,
        _ if out.shown.is_none() && !out.printed.is_empty() => RowKind::Print,
        _ if out.shown.is_none() => RowKind::Definition,
        _ => RowKind::Value,
    }
}

/// A known result in format `to` (it was shown in format `from`): as it is, or its value
/// formatted again; `None` when it cannot be (the value was not kept, or the format does not
/// apply to it — then numbat is asked and reports the problem).
fn reformat(out: &Outcome, from: FormatSpec, to: FormatSpec) -> Option<Outcome> {
    if from == to {
        return Some(out.clone());
    }
    let shown = format::value(out.value.as_ref()?, &to).ok()?;
    Some(Outcome {
        shown: Some(shown),
        ..out.clone()
    })
}

/// Help for an unknown name: numbat's suggestion only when it is close to what was typed
/// (`1 USD` once got "did you mean `KSI`?"), and how to get currencies, which are not built in.
fn unknown_name_help(name: &str, suggestion: Option<&str>) -> Option<String> {
    const CURRENCIES: [&str; 16] = [
        "usd", "eur", "gbp", "jpy", "chf", "cny", "inr", "cad", "aud", "dollar", "dollars", "euro",
        "euros", "pound", "pounds", "yen",
    ];
    let lower = name.to_lowercase();
    if CURRENCIES.contains(&lower.as_str()) || name == "$" || name == "€" {
        return Some(format!(
            "currencies are not built in (exchange rates would change every build): define the \
             one you use at the top of the block, e.g. `unit {}: Money`",
            if lower.starts_with("eur") {
                "euro"
            } else {
                "dollar"
            }
        ));
    }
    let close = suggestion.filter(|s| {
        let s = s.to_lowercase();
        strsim::normalized_damerau_levenshtein(&lower, &s) >= 0.5
            || (lower.len() >= 3 && (s.contains(&lower) || lower.contains(&s)))
    })?;
    Some(format!("did you mean `{close}`?"))
}

/// numbat's multi-line explanations on one line.
fn flatten(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep acronyms and names (`DateTime`, `MD5`) as written.
        Some(f) if f.is_uppercase() && c.clone().next().is_some_and(char::is_lowercase) => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

/// The calc sources of a note, in document order, and the formats: what its results depend on.
fn calc_key(p: &Parsed, formats: &Formats) -> (String, usize) {
    let mut key = String::from(concat!("corem ", env!("CARGO_PKG_VERSION"), "\u{0}"));
    key.push_str(&format!("{formats:?}\u{0}"));
    let mut n = 0;
    for ev in &p.events {
        match ev {
            Ev::Fence(i) if p.fences.get(*i).is_some_and(|f| f.lang == "calc") => {
                let f = &p.fences[*i];
                key.push_str("B\u{0}");
                key.push_str(&f.info);
                key.push('\u{0}');
                key.push_str(&f.code);
                key.push('\u{0}');
                n += 1;
            }
            Ev::InlineCalc { expr, .. } => {
                key.push_str("I\u{0}");
                key.push_str(expr);
                key.push('\u{0}');
                n += 1;
            }
            _ => {}
        }
    }
    (key, n)
}

/// A note's results from the build cache: evaluated earlier in this process (`serve`'s
/// rebuilds) or by an earlier build (read from disk).
fn from_build_cache(key: &str, total: usize) -> Option<Arc<Vec<Rendered>>> {
    let bytes = crate::cache::store().get(&crate::cache::key("calc", &[key.as_bytes()]))?;
    let strings = crate::cache::unpack(&bytes)?;
    if strings.len() != 2 * total {
        return None;
    }
    let mut it = strings.into_iter();
    let mut out = Vec::with_capacity(total);
    while let (Some(html), Some(text)) = (it.next(), it.next()) {
        out.push(Rendered { html, text });
    }
    Some(Arc::new(out))
}

/// The lines of a fence's code with their byte offsets in the note body. Found by searching the
/// body, so a block inside a list or a quote (whose lines carry a prefix) still maps right.
fn fence_lines<'b>(body: &str, f: &'b Fence) -> Vec<(&'b str, usize)> {
    let mut out = Vec::new();
    let mut search = f.offset.min(body.len());
    let code = f.code.strip_suffix('\n').unwrap_or(&f.code);
    for line in code.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let at = body
            .get(search..)
            .and_then(|rest| rest.find(line))
            .map_or(search, |i| search + i);
        out.push((line, at));
        search = (at + line.len()).min(body.len());
    }
    out
}

/// How a row of worked steps reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// An expression and its value.
    Value,
    /// `let x = …` and the bound value.
    Let,
    /// `assert_eq(…)` / `assert(…)`, which passed.
    Check,
    /// `fn`, `unit`, `dimension`, `struct`, `use`: no value.
    Definition,
    /// `print(…)`: what it printed.
    Print,
}

/// One statement of a block, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// How the row reads (value, `let`, check, definition, print).
    pub kind: RowKind,
    /// The statement as written (without comments).
    pub expr: String,
    /// Its trailing comment.
    pub note: Option<String>,
    /// The value shown, if the statement has one.
    pub result: Option<Shown>,
}

/// One line of worked steps.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A comment on a line of its own, shown as a heading of the working.
    Comment(String),
    /// A statement and its result.
    Row(Row),
}

/// The calc context of one note, created when its first calc event is rendered.
pub struct NoteCalc<'a> {
    body: &'a str,
    /// Lines of the file before the body (to name lines in help texts).
    lines_before_body: usize,
    limits: Limits,
    formats: Formats,
    /// Problems that do not stop the build (a value whose unit the sentence repeats).
    pub warnings: Vec<Problem>,
    worker: Option<guard::Worker<Job, Answer>>,
    /// Position maps of the inputs sent to numbat, by `<input:N>` number − 1.
    maps: Vec<PosMap>,
    /// Names whose definition failed: statements using them are skipped.
    poisoned: HashSet<String>,
    /// Every name a calc block of this note defines, with the body offsets of the definitions.
    defined: HashMap<String, Vec<usize>>,
    /// The worker is gone (time or memory limit, crash): the rest of the note is not evaluated.
    stopped: bool,
    /// Counts the statements that defined something: a value computed at one generation is
    /// the same when the same expression comes again at the same generation.
    generation: u64,
    /// Results of expressions (text sent to numbat, format) at a generation.
    memo: HashMap<String, (u64, FormatSpec, Outcome)>,
    /// The value each `let` bound, as shown, until the name is defined again: an inline
    /// `= name` after it needs no evaluation.
    values: HashMap<String, (FormatSpec, Outcome)>,
    /// Cache bookkeeping.
    key: String,
    total: usize,
    done: Vec<Rendered>,
    failed: bool,
    replay: Option<Arc<Vec<Rendered>>>,
}

impl<'a> NoteCalc<'a> {
    /// The calc context of a note. `body` is the note's Markdown body, `lines_before_body` the
    /// number of lines of front matter before it. When a note with the same calc sources was
    /// evaluated before in this process without errors, its results are replayed instead.
    pub fn new(body: &'a str, lines_before_body: usize, parsed: &Parsed, formats: Formats) -> Self {
        let (key, total) = calc_key(parsed, &formats);
        let replay = from_build_cache(&key, total);
        let mut defined: HashMap<String, Vec<usize>> = HashMap::new();
        if replay.is_none() {
            for f in parsed.fences.iter().filter(|f| f.lang == "calc") {
                for item in scan::split_block(&fence_lines(body, f)) {
                    if let Item::Stmt(st) = item
                        && let Some((_, r)) = scan::definition(&st.src.text)
                    {
                        defined
                            .entry(st.src.text[r.clone()].to_string())
                            .or_default()
                            .push(st.src.body(r.start));
                    }
                }
            }
        }
        NoteCalc {
            body,
            lines_before_body,
            limits: Limits::default(),
            formats,
            warnings: Vec::new(),
            worker: None,
            maps: Vec::new(),
            poisoned: HashSet::new(),
            defined,
            stopped: false,
            generation: 0,
            memo: HashMap::new(),
            values: HashMap::new(),
            key,
            total,
            done: Vec::new(),
            failed: false,
            replay,
        }
    }

    /// Replaces the default limits (for tests of the bounds).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Evaluates a ```` ```calc ```` block into worked steps.
    pub fn block(&mut self, f: &Fence) -> Result<Rendered, Vec<Problem>> {
        if let Some(r) = self.replayed() {
            return Ok(r);
        }
        let result = self.eval_block(f).map(|steps| html::block(&steps, &f.code));
        self.record(result)
    }

    /// Evaluates an inline `` `= expr` `` (`offset`: body offset of `expr`).
    pub fn inline(&mut self, expr: &str, offset: usize) -> Result<Rendered, Vec<Problem>> {
        let result = match self.replayed() {
            Some(r) => Ok(r),
            None => {
                let result = self.eval_inline(expr, offset);
                self.record(result)
            }
        };
        // Checked on cached results too: warnings are not cached.
        if let Ok(r) = &result {
            self.check_repeated_unit(&r.text, offset, offset + expr.len());
        }
        result
    }

    /// The worked steps of a block.
    pub fn eval_block(&mut self, f: &Fence) -> Result<Vec<Step>, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut spec = self.formats.steps;
        // Options after `calc` in the info string apply to the whole block.
        let opts = f
            .info
            .split_once(char::is_whitespace)
            .map(|(_, o)| o.trim());
        if let Some(opts) = opts.filter(|o| !o.is_empty()) {
            match spec.with(opts) {
                Ok(s) => spec = s,
                Err(e) => {
                    let info_at = self.body[..f.offset.min(self.body.len())]
                        .rfind(&f.info)
                        .unwrap_or(0);
                    let opts_at = f.info.find(opts).unwrap_or(0);
                    problems.push(Problem {
                        offset: info_at + opts_at + e.at,
                        message: format!("calc: {}", e.message),
                        help: None,
                    });
                }
            }
        }
        let lines = fence_lines(self.body, f);
        let mut steps = Vec::new();
        for item in scan::split_block(&lines) {
            match item {
                Item::Comment(c) => steps.push(Step::Comment(c)),
                Item::Format { spec: s, offset } => match spec.with(&s) {
                    Ok(n) => spec = n,
                    Err(e) => problems.push(Problem {
                        offset: offset + e.at,
                        message: format!("calc: {}", e.message),
                        help: None,
                    }),
                },
                Item::Stmt(st) => match self.statement(&st, spec) {
                    Ok(Some(row)) => steps.push(Step::Row(row)),
                    Ok(None) => {}
                    Err(p) => problems.push(p),
                },
            }
        }
        if problems.is_empty() {
            Ok(steps)
        } else {
            Err(problems)
        }
    }

    fn eval_inline(&mut self, expr: &str, offset: usize) -> Result<Rendered, Vec<Problem>> {
        let st = scan::describe(Src::new(expr, offset));
        match self.statement(&st, self.formats.inline) {
            Ok(Some(Row {
                result: Some(shown),
                ..
            })) => Ok(html::inline(&st.display, &shown)),
            Ok(Some(_)) => Err(vec![Problem {
                offset,
                message: "calc: an inline `= …` value needs an expression that has a value".into(),
                help: Some("define names in a ```calc block; write `= name` here".into()),
            }]),
            // Skipped after an earlier error, which was reported.
            Ok(None) => Ok(Rendered {
                html: format!("<code>= {}</code>", crate::markdown::escape_html(expr)),
                text: format!("= {expr}"),
            }),
            Err(p) => Err(vec![p]),
        }
    }

    /// Warns when a rate shown with its unit is followed by the same unit in words:
    /// "`= rate` per second" reads "231/s per second". Only the unambiguous case is caught:
    /// a value in `/s`, `/min`, `/h`, `/day`… right before "per <that unit>", "a <that unit>",
    /// "each …" or "every …".
    fn check_repeated_unit(&mut self, shown: &str, start: usize, end: usize) {
        const WORDS: [(&str, &str); 7] = [
            ("s", "second"),
            ("min", "minute"),
            ("h", "hour"),
            ("day", "day"),
            ("week", "week"),
            ("month", "month"),
            ("year", "year"),
        ];
        let Some((_, unit)) = shown.rsplit_once('/') else {
            return;
        };
        let Some(word) = WORDS.iter().find(|(u, _)| *u == unit).map(|(_, w)| *w) else {
            return;
        };
        let after = self.body.get(end..).unwrap_or("");
        let after = after.trim_start_matches(|c: char| c.is_whitespace() || c == '`');
        let lower: String = after.chars().take(40).collect::<String>().to_lowercase();
        let mut words = lower.split_whitespace();
        // Skip one noun ("writes per second"), then look for the per-phrase.
        let first = words.next().unwrap_or("");
        let second = words.next().unwrap_or("");
        let third = words.next().unwrap_or("");
        let per = |a: &str, b: &str| {
            matches!(a, "per" | "a" | "an" | "each" | "every")
                && b.trim_end_matches(|c: char| !c.is_alphanumeric()) == word
        };
        if per(first, second) || per(second, third) {
            self.warnings.push(Problem {
                offset: start,
                message: format!(
                    "calc: the value is already per {word} (it reads \"{shown}\"), and the sentence says per {word} again"
                ),
                help: Some(format!(
                    "show a plain count with `= rate × 1 {unit}`, or drop the words \"per {word}\""
                )),
            });
        }
    }

    fn replayed(&mut self) -> Option<Rendered> {
        let r = self.replay.as_ref()?.get(self.done.len())?.clone();
        self.done.push(r.clone());
        Some(r)
    }

    /// Keeps the note's results; after its last calc item, caches them if all succeeded.
    fn record(&mut self, result: Result<Rendered, Vec<Problem>>) -> Result<Rendered, Vec<Problem>> {
        match &result {
            Ok(r) => self.done.push(r.clone()),
            Err(_) => {
                self.failed = true;
                self.done.push(Rendered::default());
            }
        }
        if self.done.len() == self.total && !self.failed && !self.stopped && self.replay.is_none() {
            let strings: Vec<&str> = self
                .done
                .iter()
                .flat_map(|r| [r.html.as_str(), r.text.as_str()])
                .collect();
            crate::cache::store().put(
                crate::cache::key("calc", &[self.key.as_bytes()]),
                crate::cache::pack(&strings),
            );
        }
        result
    }

    fn problem(&self, offset: usize, message: impl Into<String>, help: Option<String>) -> Problem {
        Problem {
            // numbat may place an error just past its input (at the end of an unclosed block,
            // past the end of the note): keep it on the note's last character.
            offset: offset.min(self.body.len()),
            message: format!("calc: {}", message.into()),
            help,
        }
    }

    /// Evaluates one statement. `Ok(None)`: skipped (it depends on a failed one).
    fn statement(&mut self, st: &Stmt, spec: FormatSpec) -> Result<Option<Row>, Problem> {
        if self.stopped {
            return Ok(None);
        }
        let text = &st.src.text;
        let start = st.src.body(text.len() - text.trim_start().len());
        let spec = match &st.format {
            Some((s, off)) => spec
                .with(s)
                .map_err(|e| self.problem(off + e.at, e.message, None))?,
            None => spec,
        };
        if text.len() > scan::MAX_STATEMENT_LEN {
            return Err(self.problem(
                start,
                format!("statement longer than {} bytes", scan::MAX_STATEMENT_LEN),
                Some("split it into several `let` steps".into()),
            ));
        }
        if let Some(at) = scan::too_deep(text, scan::MAX_NESTING) {
            return Err(self.problem(
                st.src.body(at),
                format!("brackets nested more than {} deep", scan::MAX_NESTING),
                Some("split it into several `let` steps".into()),
            ));
        }
        let def = scan::definition(text).map(|(k, r)| (k, text[r.clone()].to_string(), r));
        if scan::idents(text).any(|(n, _)| self.poisoned.contains(n)) {
            if let Some((_, name, _)) = &def {
                self.poisoned.insert(name.clone());
            }
            return Ok(None);
        }
        let result = self.check_and_run(st, spec, def.as_ref());
        if result.is_err()
            && let Some((_, name, _)) = &def
        {
            self.poisoned.insert(name.clone());
        }
        result.map(Some)
    }

    /// Checks one statement (see [`Self::check_allowed`]) and runs it, or answers it from a
    /// value already known; remembers what it defines or computes, and makes its row.
    fn check_and_run(
        &mut self,
        st: &Stmt,
        spec: FormatSpec,
        def: Option<&(DefKind, String, std::ops::Range<usize>)>,
    ) -> Result<Row, Problem> {
        self.check_allowed(st, def)?;
        let src = self.expand_hashes(&st.src)?;
        let show = match def {
            Some((DefKind::Let, name, _)) => Some(name.clone()),
            _ => None,
        };
        let head = scan::head(&st.src.text);
        // A pure expression (no definition, no procedure) can be answered from what is known.
        let pure = def.is_none() && !matches!(head, Some("print" | "assert" | "assert_eq" | "use"));
        let key = src.text.clone();
        let known = if pure { self.known(&key, spec) } else { None };
        let out = match known {
            Some(out) => out,
            None => self.eval(&src, show, spec)?,
        };
        if let Some((kind, name, _)) = def {
            self.generation += 1;
            self.values.remove(name);
            if *kind == DefKind::Let {
                self.values.insert(name.clone(), (spec, out.clone()));
            }
        } else if head == Some("use") {
            self.generation += 1;
        } else if pure {
            self.memo.insert(key, (self.generation, spec, out.clone()));
        }
        let kind = row_kind(def.map(|d| d.0), head, &out);
        let result = match kind {
            RowKind::Print => Some(Shown {
                html: crate::markdown::escape_html(&out.printed.join("\n")),
                text: out.printed.join("\n"),
            }),
            _ => out.shown,
        };
        Ok(Row {
            kind,
            expr: st.display.clone(),
            note: st.note.clone(),
            result,
        })
    }

    /// Refuses what a calculation may not do: use a value that differs on every build (the
    /// time, random numbers), or redefine one of corem's hash functions.
    fn check_allowed(
        &self,
        st: &Stmt,
        def: Option<&(DefKind, String, std::ops::Range<usize>)>,
    ) -> Result<(), Problem> {
        for (name, r) in scan::idents(&st.src.text) {
            if non_reproducible(name) {
                return Err(self.problem(
                    st.src.body(r.start),
                    format!("`{name}` gives a different value on every build"),
                    Some("calculations must be reproducible: write the value you mean".into()),
                ));
            }
        }
        if let Some((_, name, r)) = def
            && hash::NAMES.contains(&name.as_str())
        {
            return Err(self.problem(
                st.src.body(r.start),
                format!("`{name}` is a built-in hash function of corem and cannot be redefined"),
                None,
            ));
        }
        Ok(())
    }

    /// The answer to the pure expression `text` from what is known, in format `spec`: a
    /// variable's value (`text` is its name), or the same expression computed since the last
    /// definition.
    fn known(&self, text: &str, spec: FormatSpec) -> Option<Outcome> {
        let bound = self.values.get(text.trim()).map(|(s, o)| (*s, o));
        let memo = self
            .memo
            .get(text)
            .filter(|(g, ..)| *g == self.generation)
            .map(|(_, s, o)| (*s, o));
        bound.or(memo).and_then(|(s, o)| reformat(o, s, spec))
    }

    /// Replaces `sha256(…)`, `md5(…)`, `hmac_sha256(…)` calls by string literals of their
    /// digests (see [`hash`]).
    fn expand_hashes(&mut self, src: &Src) -> Result<Src, Problem> {
        let calls = scan::calls(&src.text, &hash::NAMES);
        if calls.is_empty() {
            return Ok(src.clone());
        }
        let mut edits = Vec::with_capacity(calls.len());
        for call in calls {
            let want = hash::arity(&call.name).unwrap_or(1);
            if call.args.len() != want {
                let what = if want == 1 {
                    "1 argument (a String)"
                } else {
                    "2 arguments (key, message)"
                };
                return Err(self.problem(
                    src.body(call.range.start),
                    format!("`{}` takes {what}, not {}", call.name, call.args.len()),
                    None,
                ));
            }
            let mut args = Vec::with_capacity(want);
            for r in &call.args {
                let arg = src.slice(r.clone());
                if let Some(lit) = scan::plain_string(&arg.text) {
                    args.push(lit.to_string());
                    continue;
                }
                let arg = self.expand_hashes(&arg)?;
                let out = self.eval(&arg, None, FormatSpec::default())?;
                match out.string {
                    Some(s) => args.push(s),
                    None => {
                        let got = out.shown.map(|s| s.text).unwrap_or_default();
                        return Err(self.problem(
                            arg.body(0),
                            format!(
                                "`{}` hashes text, but this argument is `{got}`, not a String",
                                call.name
                            ),
                            Some("write text in double quotes: `sha256(\"hello\")`".into()),
                        ));
                    }
                }
            }
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let Some(digest) = hash::digest(&call.name, &refs) else {
                return Err(self.problem(
                    src.body(call.range.start),
                    format!("`{}` could not be computed", call.name),
                    None,
                ));
            };
            edits.push((call.range.clone(), format!("\"{digest}\"")));
        }
        Ok(src.replace(&edits))
    }

    /// Sends one input to numbat.
    fn eval(
        &mut self,
        src: &Src,
        show: Option<String>,
        spec: FormatSpec,
    ) -> Result<Outcome, Problem> {
        let start = src.body(src.text.len() - src.text.trim_start().len());
        if self.worker.is_none() {
            let started = prelude().and_then(|ctx| {
                guard::Worker::start(Engine::new(ctx.clone()), self.limits, Engine::run)
                    .map_err(|e| CalcError::Thread(e.to_string()))
            });
            match started {
                Ok(w) => self.worker = Some(w),
                Err(e) => {
                    // Reported once; the note's other calculations are skipped.
                    self.stopped = true;
                    return Err(self.problem(start, e.to_string(), None));
                }
            }
        }
        let Some(worker) = self.worker.as_mut() else {
            return Err(self.problem(start, "the calc worker is not running", None));
        };
        self.maps.push(src.map.clone());
        let job = Job {
            code: src.text.clone(),
            show,
            spec,
        };
        match worker.run(job) {
            Ok(Answer::Ok(out)) => Ok(out),
            Ok(Answer::Err(e)) => Err(self.numbat_problem(e, start)),
            Err(stopped) => {
                self.stopped = true;
                Err(self.problem(
                    start,
                    stopped.to_string(),
                    Some(
                        "the rest of this note's calculations were not evaluated; \
                         avoid recursion without an end and very large lists"
                            .into(),
                    ),
                ))
            }
        }
    }

    fn numbat_problem(&self, e: NbError, fallback: usize) -> Problem {
        let offset =
            e.at.and_then(|(n, pos)| Some(self.maps.get(n.checked_sub(1)?)?.body(pos)))
                .unwrap_or(fallback);
        let mut help = e.help;
        if let Some(name) = &e.unknown
            && let Some(later) = self
                .defined
                .get(name)
                .and_then(|offs| offs.iter().find(|&&o| o > offset))
        {
            let line = self.lines_before_body
                + self.body[..(*later).min(self.body.len())]
                    .matches('\n')
                    .count()
                + 1;
            help = Some(format!(
                "`{name}` is defined further down, on line {line}; a calculation can only use \
                 names defined above it"
            ));
        }
        self.problem(offset, e.message, help)
    }
}

/// Unit tests run under the guarded allocator, so the memory limit is exercised.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOC: CalcAlloc = CalcAlloc;

#[cfg(test)]
mod tests;
