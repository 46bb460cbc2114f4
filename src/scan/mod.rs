//! The one pass over the repository: a single parallel, gitignore-aware walk
//! that turns files into an [`EvidenceIndex`] of probe hits.
//!
//! Every glob of every probe is compiled into one glob set (two halves built
//! on two threads, see `glob_set`); a file is read
//! only when some content, key or dependency probe targets it, and read once
//! however many probes do. Contents are never kept: only hits are.

mod by_id;
mod ci;
pub mod content;
mod evidence;
#[cfg(test)]
mod generated;
pub mod git_index;
pub mod glob;
mod glob_set;
pub mod hit_store;
pub mod jobs;
mod key_ends;
mod key_match;
pub mod keys;
mod literals;
pub mod manifest;
mod matchers;
mod names;
mod plan;
pub mod py_code;
pub mod py_segments;
pub mod python;
pub mod python_rule;
mod python_slice;
pub mod reduce;
mod regex_facts;
mod required;
mod shell;
pub mod tracked;
mod walk;
pub mod yaml_docs;

use crate::node::{self, Node};
use crate::rubric::model::{Catalog, Format, Probe, ProbeId, Strength};
use by_id::ById;
use glob_set::{Matches, SplitGlobSet};
use globset::GlobSetBuilder;
use key_match::match_keys;
use keys::KeyMatcher;
use literals::{Literals, Subset};
use matchers::{match_content, match_python};
use names::Names;
use plan::{CombinationCache, Plan, Target};
use regex::bytes::Regex;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};

/// Directories never scanned: VCS internals, vendored and installed code,
/// caches. `.github/` and other dot-directories are scanned.
pub const EXCLUDED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "bower_components",
    ".venv",
    "venv",
    ".virtualenv",
    "virtualenv",
    "site-packages",
    "dist-packages",
    "vendor",
    "third_party",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    ".terraform",
];

/// Knobs for the scan; defaults suit real repositories.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files larger than this are skipped (counted in the stats).
    pub max_file_size: u64,
    /// Lines longer than this (minified code) are not matched.
    pub max_line_length: usize,
    /// Worker threads; 0 lets the walker choose.
    pub threads: usize,
    /// Globs of repository-relative paths never scanned (files, and
    /// directories whose path matches).
    pub exclude: Vec<String>,
    /// Bytes of encoded hits held in memory during the walk before they
    /// go to a temporary file (0: never; see [`hit_store`]).
    pub hit_budget: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: 2 * 1024 * 1024,
            max_line_length: 4096,
            threads: 0,
            exclude: Vec::new(),
            hit_budget: hit_store::DEFAULT_BUDGET,
        }
    }
}

/// Counts that explain what the scan did and did not look at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    pub files_seen: u64,
    pub files_read: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    pub skipped_symlinks: u64,
    /// FIFOs, sockets and device files, never opened.
    pub skipped_special: u64,
    /// Files git tracks that a `.gitignore` hides: scanned anyway.
    pub tracked_but_ignored: u64,
    pub read_lossily: u64,
    pub unreadable: u64,
}

impl ScanStats {
    fn add(&mut self, other: &ScanStats) {
        self.files_seen += other.files_seen;
        self.files_read += other.files_read;
        self.skipped_binary += other.skipped_binary;
        self.skipped_too_large += other.skipped_too_large;
        self.skipped_symlinks += other.skipped_symlinks;
        self.skipped_special += other.skipped_special;
        self.read_lossily += other.read_lossily;
        self.unreadable += other.unreadable;
    }
}

/// Everything the scan learned, per probe.
#[derive(Debug, Clone, Default)]
pub struct EvidenceIndex {
    /// Hits per probe, sorted by path and line.
    pub hits: Vec<Vec<Evidence>>,
    /// Why a probe could not be fully evaluated (unreadable or unparseable
    /// files it targets), sorted.
    pub unknown: Vec<Vec<String>>,
    pub stats: ScanStats,
    /// Walk-level problems (unreadable directories, loops), sorted.
    pub problems: Vec<String>,
    /// Files that could not be parsed but decide nothing: tests, examples,
    /// docs and templates (see [`decides`]), sorted.
    pub notes: Vec<String>,
    /// The top-level README file, if any (`README.md` preferred).
    pub readme: Option<String>,
    /// Files that make their folder a unit that builds or runs on its own
    /// (dependency manifests, pipeline and template definitions), sorted:
    /// what project detection reads (see [`crate::projects`]).
    pub markers: Vec<String>,
    /// Hits not taken into `hits` yet: where the walk leaves them until
    /// [`Self::take_in`] or [`Self::take_in_reduced`] (read them in the
    /// meantime with [`Self::for_each_hit`]).
    pub pending: HitStore,
    /// Set when `hits` keeps only what a report shows (see [`reduce`]):
    /// the counts of every hit.
    pub tallies: Option<Arc<Tallies>>,
    /// Files a job runs, with the job's file: their example and notebook
    /// hits count as pipeline code (see [`jobs::promote_job_runs`]).
    pub job_runs: Arc<BTreeMap<String, String>>,
}

impl EvidenceIndex {
    /// Calls `each` with every hit and the probes that produced it: those
    /// taken in (one probe at a time) and those pending (a hit several
    /// probes produced, once).
    pub fn for_each_hit(&self, each: impl FnMut(&[ProbeId], &Evidence)) -> Result<(), String> {
        self.for_each_hit_where(|_| true, each)
    }

    /// [`Self::for_each_hit`] for the files whose path `select` takes (the
    /// others' pending hits are not decoded).
    pub fn for_each_hit_where(
        &self,
        mut select: impl FnMut(&str) -> bool,
        mut each: impl FnMut(&[ProbeId], &Evidence),
    ) -> Result<(), String> {
        for (probe, hits) in self.hits.iter().enumerate() {
            for hit in hits {
                if select(&hit.path) {
                    each(&[probe], hit);
                }
            }
        }
        self.pending
            .for_each_where(select, |probes, hit| {
                match jobs::promotion(&self.job_runs, hit) {
                    Some(_) => {
                        let mut promoted = hit.clone();
                        promoted.class = crate::rubric::model::Class::Prod;
                        each(probes, &promoted);
                    }
                    None => each(probes, hit),
                }
            })
            .map_err(|e| format!("cannot read back the scan's hits: {e}"))
    }

    /// Takes every pending hit into `hits` (sorted by path and line, once
    /// each).
    pub fn take_in(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut hits = std::mem::take(&mut self.hits);
        self.for_each_hit(|probes, hit| {
            for &probe in probes {
                if probe >= hits.len() {
                    hits.resize(probe + 1, Vec::new());
                }
                hits[probe].push(hit.clone());
            }
        })?;
        self.pending = HitStore::default();
        // Equal hits are the same bytes, so an unstable sort orders them as
        // a stable one would, without a buffer half the size of the hits.
        for list in hits.iter_mut() {
            list.sort_unstable();
            list.dedup();
        }
        self.hits = hits;
        Ok(())
    }

    /// Takes the pending hits in keeping only what a report of the whole
    /// repository shows, with the counts of the rest (see [`reduce`]).
    pub fn take_in_reduced(&mut self) -> Result<(), String> {
        if self.hits.iter().any(|h| !h.is_empty()) {
            // Hits taken in one probe at a time cannot be counted exactly.
            return self.take_in();
        }
        let mut reducer = reduce::Reducer::new(self.hits.len());
        self.for_each_hit(|probes, hit| reducer.add(probes, hit))?;
        self.pending = HitStore::default();
        let (hits, tallies) = reducer.finish();
        self.hits = hits;
        self.tallies = Some(Arc::new(tallies));
        Ok(())
    }
}

/// At most this many hits are kept per probe per file.
const HITS_PER_FILE: usize = 5;

/// What one file contributed.
#[derive(Default)]
struct FileResult {
    hits: Vec<(ProbeId, Evidence)>,
    unknown: Vec<(ProbeId, String)>,
    declared: Vec<(manifest::Declared, String)>,
    manifest_errors: Vec<String>,
    /// A parse failure in a file that decides nothing.
    note: Option<String>,
    /// A walk error (unreadable directory, loop) not tied to a probe.
    problem: Option<String>,
    /// A top-level README.
    readme: Option<String>,
    /// The file is a project marker (see [`EvidenceIndex::markers`]).
    marker: Option<String>,
    /// Files a job definition in this file runs (see [`jobs`]), with the
    /// job file.
    job_runs: Vec<(String, String)>,
    stats: ScanStats,
}

impl FileResult {
    /// Whether the file contributed anything besides hits (and counts).
    fn finds_more_than_hits(&self) -> bool {
        !self.unknown.is_empty()
            || !self.declared.is_empty()
            || !self.manifest_errors.is_empty()
            || self.note.is_some()
            || self.problem.is_some()
            || self.readme.is_some()
            || self.marker.is_some()
            || !self.job_runs.is_empty()
    }
}

pub use evidence::{snippet, Evidence};
pub use hit_store::{Encoded, HitStore};
pub use reduce::Tallies;
pub use walk::Scanner;

/// Scans `root` once and returns the evidence for every probe in the catalog.
pub fn scan(
    root: &Path,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Result<EvidenceIndex, String> {
    let mut index = scan_pending(root, catalog, options)?;
    index.take_in()?;
    Ok(index)
}

/// [`scan`], with the hits left pending (see [`EvidenceIndex::pending`]):
/// for a caller that knows only later how much of them it needs.
pub fn scan_pending(
    root: &Path,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Result<EvidenceIndex, String> {
    walk::scan_once(root, catalog, options)
}

/// `path` relative to `root`, with `/` between parts, shown escaped.
fn relative(root: &Path, path: &Path) -> String {
    let out = match plain_relative(root, path) {
        Some(rel) => rel.to_owned(),
        None => {
            let rel = path.strip_prefix(root).unwrap_or(path);
            let mut out = String::new();
            for (i, part) in rel.components().enumerate() {
                if i > 0 {
                    out.push('/');
                }
                out.push_str(&part.as_os_str().to_string_lossy());
            }
            out
        }
    };
    // A file name is repository-controlled text: shown escaped everywhere.
    match crate::text::printable(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

/// The common case of [`relative`] without taking paths apart: the walk
/// joins names to `root`, so the text after `root/` is the relative path
/// whenever it is UTF-8 with no empty, `.` or `..` part.
fn plain_relative<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    let (root, path) = (root.to_str()?, path.to_str()?);
    let rest = path.strip_prefix(root)?;
    let rest = if root.ends_with('/') {
        rest
    } else {
        rest.strip_prefix('/')?
    };
    let plain = !rest.is_empty()
        && rest
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    plain.then_some(rest)
}

/// A file to visit: its path, type (not following links) and depth below
/// the root (1 for a file at the top).
/// What a walker thread reuses from file to file.
#[derive(Default)]
struct Scratch {
    combinations: CombinationCache,
    matches: Matches,
    /// The bytes of the file being read.
    read: Vec<u8>,
}

struct Entry<'a> {
    path: &'a Path,
    file_type: std::fs::FileType,
    depth: usize,
}

/// What one file contributes (its hits are encoded by the walker thread
/// that made them, see [`hit_store`]).
fn visit(plan: &Plan, root: &Path, entry: &Entry, scratch: &mut Scratch) -> Option<FileResult> {
    let file_type = entry.file_type;
    if file_type.is_dir() {
        return None;
    }
    let mut result = FileResult::default();
    result.stats.files_seen = 1;
    if file_type.is_symlink() {
        result.stats.skipped_symlinks = 1;
        return Some(result);
    }
    if !file_type.is_file() {
        // FIFOs, sockets and devices: opening a FIFO would block forever.
        result.stats.skipped_special = 1;
        return Some(result);
    }
    let path = relative(root, entry.path);
    if entry.depth == 1 && path.to_ascii_lowercase().starts_with("readme") {
        result.readme = Some(path.clone());
    }
    if crate::projects::is_marker(rendered_name(&path)) {
        result.marker = Some(path.clone());
    }
    let Scratch {
        combinations,
        matches,
        ..
    } = scratch;
    plan.globs.matches_into(rendered_name(&path), matches);
    let matched = &matches.matched;
    if matched.is_empty() {
        return Some(result);
    }
    let mut content_ids = Vec::new();
    let mut key_ids = Vec::new();
    let mut python_ids = Vec::new();
    let mut manifest_kind = None;
    let mut may_define_jobs = false;
    let prose = content::is_prose(&path);
    for target in matched.iter().flat_map(|&g| plan.targets[g].iter()) {
        match *target {
            Target::File(id) => result
                .hits
                .push((id, Evidence::file_present(&path, plan.strengths[id]))),
            Target::Content(id) => {
                if !prose || plan.content[&id].prose {
                    content_ids.push(id);
                }
            }
            Target::Key(id) => key_ids.push(id),
            Target::Python(id) => {
                if !prose {
                    python_ids.push(id);
                }
            }
            Target::Manifest(kind) => manifest_kind = Some(kind),
            Target::Jobs => may_define_jobs = true,
        }
    }
    content_ids.sort_unstable();
    content_ids.dedup();
    key_ids.sort_unstable();
    key_ids.dedup();
    python_ids.sort_unstable();
    python_ids.dedup();
    if content_ids.is_empty()
        && key_ids.is_empty()
        && python_ids.is_empty()
        && manifest_kind.is_none()
        && !may_define_jobs
    {
        return Some(result);
    }
    let text = match read_text(
        entry.path,
        plan.options.max_file_size,
        &mut result.stats,
        &mut scratch.read,
    ) {
        Ok(Some(text)) => text,
        Ok(None) => return Some(result),
        Err(err) => {
            let reason = format!("{path}: cannot read: {err}");
            for &id in content_ids.iter().chain(&key_ids).chain(&python_ids) {
                result.unknown.push((id, reason.clone()));
            }
            if manifest_kind.is_some() {
                result.manifest_errors.push(reason);
            }
            return Some(result);
        }
    };
    if !content_ids.is_empty() {
        match_content(plan, &path, &text, &content_ids, combinations, &mut result);
    }
    if !key_ids.is_empty() {
        match_keys(plan, &path, &text, &key_ids, &mut result);
    }
    if !python_ids.is_empty() {
        match_python(plan, &path, &text, &python_ids, &mut result);
    }
    if may_define_jobs && jobs::may_define_jobs(&text) {
        result.job_runs = jobs::references(rendered_name(&path), &text)
            .into_iter()
            .map(|target| (target, path.clone()))
            .collect();
    }
    if let Some(kind) = manifest_kind {
        match manifest::read(kind, &text) {
            Ok(list) => result.declared.extend(
                list.into_iter()
                    .filter(|d| plan.dependency_names.contains(&d.name))
                    .map(|d| (d, path.clone())),
            ),
            Err(err) if decides(&path) => result
                .manifest_errors
                .push(format!("{path}: cannot parse manifest: {err}")),
            Err(err) => result.note = Some(format!("{path}: cannot parse manifest: {err}")),
        }
    }
    Some(result)
}

/// Whether a file that cannot be parsed leaves the checks it feeds unknown.
/// Only production code and config decide a check; a test fixture, an
/// example, docs or a template (whose placeholders are not YAML, JSON or
/// TOML until rendered) that cannot be parsed is a scan note instead.
pub fn decides(path: &str) -> bool {
    let template = rendered_name(path) != path || path.contains("{{") || path.contains("{%");
    !template && crate::rubric::model::Class::of(path) == crate::rubric::model::Class::Prod
}

/// The path a template renders to, for glob matching: `deploy.py.tmpl`,
/// `ci.yml.j2` and `Dockerfile.jinja` are read as the files a generated
/// project would contain (`ladder.md`: a template is judged by what it
/// generates). Evidence keeps the real path.
pub fn rendered_name(path: &str) -> &str {
    const SUFFIXES: &[&str] = &[".tmpl", ".tpl", ".j2", ".jinja", ".jinja2"];
    SUFFIXES
        .iter()
        .find_map(|s| path.strip_suffix(s))
        // `dir/.tmpl` names no file to render to.
        .filter(|inner| !inner.is_empty() && !inner.ends_with('/'))
        .unwrap_or(path)
}

/// Reads a file as text into `buffer` (a walker thread's own, reused from
/// file to file): `Ok(None)` when skipped (binary or too large); invalid
/// UTF-8 is decoded lossily.
fn read_text<'b>(
    path: &Path,
    max: u64,
    stats: &mut ScanStats,
    buffer: &'b mut Vec<u8>,
) -> std::io::Result<Option<Cow<'b, str>>> {
    // A buffer grown for one large file is not kept for the rest.
    if buffer.capacity() > KEPT_BUFFER {
        *buffer = Vec::new();
    }
    buffer.clear();
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max {
        stats.skipped_too_large = 1;
        return Ok(None);
    }
    let mut reader = file.take(max + 1);
    let size = usize::try_from(len).unwrap_or(usize::MAX);
    let mut whole = false;
    if len < BINARY_TEST_BYTES {
        // A small file is read by one call: asked for one byte more than
        // its size, the read shows at once that nothing follows, where
        // `read_to_end` reads again until a read returns nothing (two more
        // calls per file, most of a scan's reads). A file that changed
        // size since is read on as any other.
        buffer.resize(size + 1, 0);
        let read = loop {
            match reader.read(buffer) {
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        buffer.truncate(read);
        whole = read == size;
    }
    if !whole {
        // The first 8 KiB decide whether the file is binary, before the
        // rest is read: with a raised --max-file-size a large binary is
        // not read whole.
        buffer.reserve(usize::try_from(len.min(max)).unwrap_or(0));
        let first = BINARY_TEST_BYTES.saturating_sub(buffer.len() as u64);
        (&mut reader).take(first).read_to_end(buffer)?;
    }
    if buffer.contains(&0) {
        stats.skipped_binary = 1;
        return Ok(None);
    }
    if !whole {
        reader.read_to_end(buffer)?;
        if buffer.len() as u64 > max {
            stats.skipped_too_large = 1;
            return Ok(None);
        }
    }
    stats.files_read = 1;
    Ok(Some(match std::str::from_utf8(buffer) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            stats.read_lossily = 1;
            String::from_utf8_lossy(buffer)
        }
    }))
}

/// How many bytes at the start of a file decide whether it is binary.
const BINARY_TEST_BYTES: u64 = 8192;

/// The largest read buffer a walker thread keeps for its next file.
const KEPT_BUFFER: usize = 1 << 20;

#[cfg(test)]
mod tests;
