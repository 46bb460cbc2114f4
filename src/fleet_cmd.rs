//! `readiness fleet` and `readiness trend`: the command lines over
//! [`readiness::fleet`] and [`readiness::trend`], commands over many reports.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Parser)]
pub struct FleetArgs {
    /// JSON reports (`readiness score --format json`), or folders searched
    /// for `*.json`, e.g. the artifacts a scheduled job downloaded.
    #[arg(required = true, value_name = "REPORT_OR_DIR")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: FleetFormat,
    /// A report whose commit date is older than this many days is stale.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    stale_after: i64,
    /// The date staleness is measured from [default: today], for output
    /// that does not change from one day to the next.
    #[arg(long, value_name = "DATE", value_parser = crate::parse_date)]
    today: Option<readiness::answers::Date>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FleetFormat {
    Table,
    Json,
    Markdown,
    Html,
}

pub fn run(args: &FleetArgs) -> Result<ExitCode, readiness::Error> {
    let today = match args.today {
        Some(d) => d,
        None => readiness::answers::Date::today().map_err(readiness::Error::Io)?,
    };
    let (files, notes) = readiness::stored::report_files(&args.paths);
    let options = readiness::fleet::Options {
        stale_after_days: args.stale_after,
        today,
    };
    let reports = files.iter().map(|f| readiness::stored::read_report(f));
    let fleet = readiness::fleet::fold(reports, &options, notes);
    let text = match args.format {
        FleetFormat::Table => readiness::render::fleet::table(&fleet),
        FleetFormat::Json => readiness::render::fleet::json(&fleet),
        FleetFormat::Markdown => readiness::render::fleet::markdown(&fleet),
        FleetFormat::Html => readiness::render::fleet::html(&fleet),
    };
    crate::print_bytes(text.as_bytes())?;
    // No report read at all is an error, not an empty fleet.
    if fleet.reports == 0 {
        return Err(readiness::Error::Io(
            "fleet: no readiness JSON report among the paths given".to_owned(),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Parser)]
pub struct TrendArgs {
    /// JSON reports of one repository over time (scored with
    /// --commit-date), or folders searched for `*.json`.
    #[arg(required = true, value_name = "REPORT_OR_DIR")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: TrendFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TrendFormat {
    Table,
    Json,
    Html,
}

pub fn run_trend(args: &TrendArgs) -> Result<ExitCode, readiness::Error> {
    let (files, notes) = readiness::stored::report_files(&args.paths);
    let reports = files.iter().map(|f| readiness::stored::read_report(f));
    let trend = readiness::trend::fold(reports, notes);
    let text = match args.format {
        TrendFormat::Table => readiness::render::trend::table(&trend),
        TrendFormat::Json => readiness::render::trend::json(&trend),
        TrendFormat::Html => readiness::render::trend::html(&trend),
    };
    crate::print_bytes(text.as_bytes())?;
    if trend.repositories.is_empty() {
        return Err(readiness::Error::Io(
            "trend: no dated readiness JSON report among the paths given".to_owned(),
        ));
    }
    Ok(ExitCode::SUCCESS)
}
