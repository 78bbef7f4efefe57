//! The `corem` command line: parses arguments, calls the library, prints, sets the exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use corem::config::Overrides;
use corem::{BuildOptions, BuildReport, Error};

/// Enforces the memory limit of calc blocks and freezes runaway calculations (see
/// `corem::calc::guard`).
#[global_allocator]
static ALLOC: corem::calc::CalcAlloc = corem::calc::CalcAlloc;

#[derive(Parser)]
#[command(
    name = "corem",
    version,
    about = "Turn a folder of Markdown notes into a cross-linked, searchable static site"
)]
struct Cli {
    /// Print per-stage timings
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build DIR (default: .) into OUT (default: public/)
    Build {
        /// Project folder (with notes/ or itself a folder of notes)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output folder
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Include notes marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Absolute URL the site is published at (sitemap, canonical links)
        #[arg(long)]
        base_url: Option<String>,
        /// Instead of the site, write the whole handbook as one self-contained HTML file
        /// (CSS, JS, search, diagrams and images inlined), e.g. handbook.html
        #[arg(long, value_name = "FILE", conflicts_with = "output")]
        single_file: Option<PathBuf>,
        /// Ignore the build cache and the previous output: compute and write everything
        #[arg(long)]
        fresh: bool,
    },
    /// Everything `build` checks, writing nothing; exit code 1 on any error
    Check {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long)]
        drafts: bool,
    },
    /// Build, serve on 127.0.0.1, watch for changes, rebuild and reload the browser
    Serve {
        /// Project folder (with notes/ or itself a folder of notes)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Port (default: 4000, or the next free one); 0 lets the system choose
        #[arg(short, long)]
        port: Option<u16>,
        /// Address to listen on; anything but a loopback address shares your notes
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Include notes marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Delete the build cache and the spare copy of the last site (the project's .corem/)
    Clean {
        /// Project folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also delete the output folder (only if it is a site corem built)
        #[arg(long)]
        output: bool,
        /// The output folder, when not the configured one
        #[arg(short = 'o', long = "out", value_name = "OUT")]
        out: Option<PathBuf>,
    },
    /// Create a new note with front matter
    New {
        /// The note's title
        title: String,
        /// Section folder to put it in (e.g. `principles`)
        #[arg(short, long)]
        section: Option<String>,
        /// Project folder
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Create a new notes project
    Init {
        dir: PathBuf,
        /// Also write the default theme (templates/ and static/) for editing
        #[arg(long)]
        theme: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let started = Instant::now();
    let report = Report {
        started,
        verbose: cli.verbose,
        color,
    };
    let result = run(cli.command, &report);
    exit_code(result, color)
}

/// How a command reports: when it started (for the time it took), whether to print per-stage
/// timings, whether stderr takes colours.
struct Report {
    started: Instant,
    verbose: bool,
    color: bool,
}

/// Runs one command, printing what it did; errors are left to [`exit_code`].
fn run(command: Command, report: &Report) -> Result<(), Error> {
    match command {
        Command::Build {
            dir,
            output,
            drafts,
            base_url,
            single_file,
            fresh,
        } => {
            let output = output.map(|o| absolute(&o));
            let opts = BuildOptions {
                drafts,
                overrides: Overrides {
                    output_dir: output,
                    base_url,
                },
                fresh,
            };
            build(&dir, &opts, single_file.as_deref(), report)
        }
        Command::Check { dir, drafts } => {
            let opts = BuildOptions {
                drafts,
                ..Default::default()
            };
            corem::check(&dir, &opts)
                .map(|r| summary(&r, "Checked", report.started, report.verbose, report.color))
        }
        Command::Serve {
            dir,
            port,
            bind,
            open,
            drafts,
        } => corem::serve(
            &dir,
            &corem::serve::ServeOptions {
                build: BuildOptions {
                    drafts,
                    ..Default::default()
                },
                bind,
                port,
                open,
                verbose: report.verbose,
            },
        ),
        Command::Clean { dir, output, out } => clean(&dir, output, out),
        Command::New {
            title,
            section,
            dir,
        } => corem::scaffold::new_note(&dir, &title, section.as_deref()).map(|p| {
            println!("Created {}", p.display());
        }),
        Command::Init { dir, theme } => corem::scaffold::init(&dir, theme).map(|files| {
            for f in files {
                println!("Created {}", f.display());
            }
            println!("Next: cd {} && corem serve", dir.display());
        }),
    }
}

/// `corem build`: the site, or with `--single-file` the one self-contained HTML file.
fn build(
    dir: &std::path::Path,
    opts: &BuildOptions,
    single_file: Option<&std::path::Path>,
    report: &Report,
) -> Result<(), Error> {
    let (started, verbose, color) = (report.started, report.verbose, report.color);
    match single_file {
        Some(file) => corem::build_single_file(dir, opts, &absolute(file))
            .map(|r| single_summary(&r, started, verbose, color)),
        None => corem::build(dir, opts).map(|r| summary(&r, "Built", started, verbose, color)),
    }
}

/// `corem clean`: deletes the project's working folder (and the output with `--output`) and
/// lists what it deleted.
fn clean(dir: &std::path::Path, output: bool, out: Option<PathBuf>) -> Result<(), Error> {
    let overrides = Overrides {
        output_dir: out.map(|o| absolute(&o)),
        base_url: None,
    };
    corem::clean(dir, &overrides, output).map(|removed| {
        if removed.is_empty() {
            println!("Nothing to clean");
        }
        for p in removed {
            println!("Deleted {}", corem::diagnostic::display_path(&p));
        }
    })
}

/// Prints a failed command's diagnostics or error and gives the exit code: 0 done, 1 content
/// errors (nothing was written), 2 usage, configuration or I/O errors.
fn exit_code(result: Result<(), Error>, color: bool) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Diagnostics(diags)) => {
            for d in &diags {
                eprint!("{}", d.render(color));
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            eprintln!(
                "{} error{}, {} warning{}; nothing was written",
                errors,
                if errors == 1 { "" } else { "s" },
                warnings,
                if warnings == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
        Err(e) => {
            if color {
                eprintln!("\x1b[1;31merror\x1b[0m: {e}");
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::from(2)
        }
    }
}

/// `p` made absolute against the current folder (left as it is when that is unknown).
fn absolute(p: &std::path::Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |c| c.join(p))
    }
}

/// Prints the warnings, timings (verbose) and summary line of a `--single-file` build.
fn single_summary(r: &corem::SingleFileReport, started: Instant, verbose: bool, color: bool) {
    for w in &r.warnings {
        eprint!("{}", w.render(color));
    }
    if verbose {
        for (stage, d) in &r.timings {
            eprintln!("  {stage:<8} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
    }
    println!(
        "Built {} notes → {} ({} KB), {} warning{} in {} ms",
        r.notes,
        corem::diagnostic::display_path(&r.path),
        r.bytes.div_ceil(1024),
        r.warnings.len(),
        if r.warnings.len() == 1 { "" } else { "s" },
        started.elapsed().as_millis()
    );
}

/// Prints the warnings, timings and writes (verbose) and summary line of a build or check.
fn summary(r: &BuildReport, verb: &str, started: Instant, verbose: bool, color: bool) {
    for w in &r.warnings {
        eprint!("{}", w.render(color));
    }
    if verbose {
        for (stage, d) in &r.timings {
            eprintln!("  {stage:<8} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
        if let Some(s) = &r.search {
            eprintln!("  {s}");
        }
        if let Some(w) = &r.writes {
            eprintln!(
                "  output: {} files written, {} unchanged, {} stale removed",
                w.written, w.unchanged, w.removed
            );
            eprintln!(
                "  pages kept from the last site but one (not rendered): {} of {}",
                r.reused, r.pages
            );
        }
        eprintln!(
            "  notes from the build cache (not parsed): {} of {}",
            r.notes_cached, r.notes
        );
        if !r.peak_rss.is_empty() {
            let parts: Vec<String> = (r.peak_rss.iter())
                .map(|(stage, b)| format!("{stage} {:.0} MiB", *b as f64 / 1048576.0))
                .collect();
            eprintln!("  peak memory after: {}", parts.join(", "));
        }
    }
    let elapsed = started.elapsed();
    let target = if verb == "Built" {
        format!(" into {}", corem::diagnostic::display_path(&r.output_dir))
    } else {
        String::new()
    };
    println!(
        "{verb} {} notes → {} pages{target}, {} warning{} in {} ms",
        r.notes,
        r.pages,
        r.warnings.len(),
        if r.warnings.len() == 1 { "" } else { "s" },
        elapsed.as_millis()
    );
}
