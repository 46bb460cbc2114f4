//! The one pass over the repository: a single parallel, gitignore-aware walk
//! that turns files into an [`EvidenceIndex`] of probe hits.
//!
//! Every glob of every probe is compiled into one `GlobSet`; a file is read
//! only when some content, key or dependency probe targets it, and read once
//! however many probes do. Contents are never kept: only hits are.

mod by_id;
pub mod content;
pub mod glob;
pub mod jobs;
pub mod keys;
mod literals;
pub mod manifest;
pub mod python;
pub mod python_rule;
mod required;
mod shell;
pub mod tracked;

use crate::node::{self, Node};
use crate::rubric::model::{Catalog, Class, Format, Probe, ProbeId, Strength};
use by_id::ById;
use globset::{GlobSet, GlobSetBuilder};
use keys::KeyMatcher;
use literals::Literals;
use regex::bytes::Regex;
use serde::Serialize;
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
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: 2 * 1024 * 1024,
            max_line_length: 4096,
            threads: 0,
            exclude: Vec::new(),
        }
    }
}

/// A place in the repository that supports a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    pub path: String,
    pub line: u32,
    pub snippet: String,
    /// Where the file lives: production, tests, or examples/docs/notebooks.
    pub class: Class,
    /// How much the hit says on its own (from the rule's primitive).
    pub strength: Strength,
}

impl Evidence {
    pub fn new(path: &str, line: u32, snippet: String, strength: Strength) -> Evidence {
        Evidence {
            path: path.to_owned(),
            line,
            snippet,
            class: Class::of(path),
            strength,
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

/// Per-thread state of the walk. Counts stay local and are sent once, when
/// the walker drops the thread's visitor.
struct Worker {
    tx: mpsc::Sender<FileResult>,
    stats: ScanStats,
    gates: GateCache,
    matched: Vec<usize>,
    /// Files the walk reached, when the tracked list must be checked.
    seen: Vec<String>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.tx.send(FileResult {
            stats: std::mem::take(&mut self.stats),
            seen: std::mem::take(&mut self.seen),
            ..FileResult::default()
        });
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
}

/// At most this many hits are kept per probe per file.
const HITS_PER_FILE: usize = 5;

enum Target {
    /// A YAML file that may define jobs (see [`jobs`]).
    Jobs,
    File(ProbeId),
    Content(ProbeId),
    Key(ProbeId),
    Python(ProbeId),
    Manifest(manifest::Kind),
}

/// A content probe. Its regexes are compiled on first use: most probes
/// never get past the whole-file prefilter, and compiling a hundred regexes
/// up front would dominate short runs. Rubric validation has already checked
/// that they parse, so compilation only fails on size limits.
struct ContentMatcher {
    pattern: String,
    exclude: Option<String>,
    also: Option<String>,
    compiled: std::sync::OnceLock<Option<CompiledContent>>,
    prose: bool,
}

struct CompiledContent {
    pattern: Regex,
    exclude: Option<Regex>,
    also: Option<Regex>,
}

impl ContentMatcher {
    fn compiled(&self) -> Option<&CompiledContent> {
        self.compiled
            .get_or_init(|| {
                let compile = |p: &str| content::compile_regex(p).ok();
                Some(CompiledContent {
                    pattern: compile(&self.pattern)?,
                    exclude: match &self.exclude {
                        Some(e) => Some(compile(e)?),
                        None => None,
                    },
                    also: match &self.also {
                        Some(a) => Some(compile(a)?),
                        None => None,
                    },
                })
            })
            .as_ref()
    }
}

/// A key probe with what it needs before a file is worth parsing.
struct KeyPlan {
    probe: crate::rubric::model::KeyProbe,
    /// Compiled on first use: most key probes never get past their
    /// literals, and compiling every regex up front delays the walk.
    matcher: std::sync::OnceLock<Result<KeyMatcher, String>>,
    format: Option<Format>,
    /// Every literal key of the path and of the `where` conditions must occur
    /// in the raw text (one of the alternatives for `{a,b}` segments); a file
    /// that lacks one cannot match, so it is not parsed for this probe.
    /// Literals are indexes into [`Literals`].
    required: Vec<Vec<usize>>,
}

impl KeyPlan {
    fn matcher(&self) -> Result<&KeyMatcher, &str> {
        self.matcher
            .get_or_init(|| {
                let compile = |p: &str| content::compile_regex(p).map_err(|e| format!("{p}: {e}"));
                let conditions = |list: &[(String, Option<String>)]| {
                    list.iter()
                        .map(|(p, r)| {
                            Ok((keys::split_path(p), r.as_deref().map(compile).transpose()?))
                        })
                        .collect::<Result<Vec<_>, String>>()
                };
                let key = &self.probe;
                Ok(KeyMatcher {
                    path: keys::split_path(&key.path),
                    value: key.value.as_deref().map(compile).transpose()?,
                    where_: conditions(&key.where_)?,
                    has: conditions(&key.has)?,
                    gates: key.gates,
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    fn may_match(&self, present: &[bool]) -> bool {
        self.required
            .iter()
            .all(|alts| alts.iter().any(|&lit| present[lit]))
    }
}

/// Per content probe, the literals one of which its pattern cannot match
/// without (absent: none usable), and one automaton that finds them all.
struct RequiredLiterals {
    by_probe: ById<Vec<usize>>,
    literals: Literals,
}

impl RequiredLiterals {
    fn new(content: &ById<ContentMatcher>, ids: impl Iterator<Item = ProbeId>) -> RequiredLiterals {
        let mut literals = Literals::folding_case();
        let mut by_probe = ById::default();
        for id in ids {
            let Some(matcher) = content.get(&id) else {
                continue;
            };
            if let Some(required) = required::required_literals(&matcher.pattern) {
                by_probe.insert(id, required.iter().map(|l| literals.id(l)).collect());
            }
        }
        literals.build();
        RequiredLiterals { by_probe, literals }
    }
}

/// The literal key segments of a path: `*` and `**` need nothing, `{a,b}`
/// needs one of its alternatives.
fn required_literals(path: &str, out: &mut Vec<Vec<String>>) {
    for segment in path.split('.') {
        if segment == "*" || segment == "**" || segment.parse::<usize>().is_ok() {
            continue;
        }
        let alts = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(inner) => inner.split(',').map(|a| a.trim().to_owned()).collect(),
            None => vec![segment.to_owned()],
        };
        out.push(alts);
    }
}

/// Adds `glob` to the set once, and records what it selects files for.
fn add_glob(
    builder: &mut GlobSetBuilder,
    index: &mut HashMap<String, usize>,
    targets: &mut Vec<Vec<Target>>,
    glob: &str,
    target: Target,
) -> Result<(), String> {
    let i = match index.get(glob) {
        Some(&i) => i,
        None => {
            builder.add(glob::compile(glob).map_err(|e| e.to_string())?);
            targets.push(Vec::new());
            index.insert(glob.to_owned(), targets.len() - 1);
            targets.len() - 1
        }
    };
    targets[i].push(target);
    Ok(())
}

/// Everything compiled once before the walk.
struct Plan {
    globs: GlobSet,
    /// Per unique glob of the set: every probe (or manifest kind) it selects
    /// files for. The same glob is compiled once however many rules use it.
    targets: Vec<Vec<Target>>,
    content: ById<ContentMatcher>,
    /// The literals content probes require (see [`RequiredLiterals`]), found
    /// on first use: only files that pass a gate need them.
    content_literals: std::sync::OnceLock<RequiredLiterals>,
    keys: ById<KeyPlan>,
    key_literals: Literals,
    python: ById<python_rule::PythonMatcher>,
    /// Every literal the Python probes ask about (see
    /// [`python_rule::PythonMatcher::may_match`]).
    python_literals: Literals,
    wants_manifests: bool,
    options: ScanOptions,
    shared_gates: SharedGates,
    strengths: Vec<Strength>,
}

impl Plan {
    fn new(catalog: &Catalog, options: &ScanOptions) -> Result<Plan, String> {
        let mut builder = GlobSetBuilder::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut glob_index: HashMap<String, usize> = HashMap::new();
        let mut content = ById::default();
        let mut keys = ById::default();
        let mut python = ById::default();
        let mut key_literals = Literals::default();
        let mut python_literals = Literals::default();
        let mut wants_manifests = false;
        for (id, probe) in catalog.probes.iter().enumerate() {
            let (globs, target): (&[String], fn(ProbeId) -> Target) = match probe {
                Probe::File { globs } => (globs, Target::File),
                Probe::Content {
                    globs,
                    pattern,
                    exclude,
                    also,
                    prose,
                } => {
                    content.insert(
                        id,
                        ContentMatcher {
                            pattern: pattern.clone(),
                            exclude: exclude.clone(),
                            also: also.clone(),
                            compiled: std::sync::OnceLock::new(),
                            prose: *prose,
                        },
                    );
                    (globs, Target::Content)
                }
                Probe::Key(key) => {
                    let mut required = Vec::new();
                    required_literals(&key.path, &mut required);
                    for (path, _) in &key.where_ {
                        required_literals(path, &mut required);
                    }
                    let required = required
                        .iter()
                        .map(|alts| alts.iter().map(|l| key_literals.id(l)).collect())
                        .collect();
                    keys.insert(
                        id,
                        KeyPlan {
                            probe: key.clone(),
                            matcher: std::sync::OnceLock::new(),
                            format: key.format,
                            required,
                        },
                    );
                    (&key.globs, Target::Key)
                }
                Probe::Python(probe) => {
                    let mut matcher = python_rule::PythonMatcher::new(probe)?;
                    matcher.number_literals(|name| python_literals.id(name));
                    python.insert(id, matcher);
                    (&probe.globs, Target::Python)
                }
                Probe::Dependency { .. } => {
                    wants_manifests = true;
                    continue;
                }
            };
            for g in globs {
                add_glob(&mut builder, &mut glob_index, &mut targets, g, target(id))?;
            }
        }
        add_glob(
            &mut builder,
            &mut glob_index,
            &mut targets,
            "**/*.{yml,yaml}",
            Target::Jobs,
        )?;
        if wants_manifests {
            for (g, kind) in manifest::GLOBS {
                add_glob(
                    &mut builder,
                    &mut glob_index,
                    &mut targets,
                    g,
                    Target::Manifest(*kind),
                )?;
            }
        }
        key_literals.build();
        python_literals.build();
        Ok(Plan {
            content_literals: std::sync::OnceLock::new(),
            key_literals,
            python_literals,
            globs: builder.build().map_err(|e| e.to_string())?,
            targets,
            content,
            keys,
            python,
            wants_manifests,
            options: options.clone(),
            shared_gates: Mutex::new(HashMap::new()),
            strengths: catalog.strengths.clone(),
        })
    }
}

/// The whole-file gate for one combination of content probes: a single
/// alternation of their patterns answers "can anything match?" with an early
/// exit, so most files cost one pass. `None`: too large for the regex limits
/// (every file goes on to the literal pass).
type Gate = Arc<Option<Regex>>;
/// Gates are compiled once per combination of probes and shared by all
/// threads; each thread keeps its own map of handles to avoid locking per file.
type SharedGates = Mutex<HashMap<Vec<ProbeId>, Gate>>;
type GateCache = HashMap<Vec<ProbeId>, Gate>;

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
    /// Files a job definition in this file runs (see [`jobs`]), with the
    /// job file.
    job_runs: Vec<(String, String)>,
    /// Files a walker thread reached (sent once, when it finishes).
    seen: Vec<String>,
    stats: ScanStats,
}

/// Scans `root` once and returns the evidence for every probe in the catalog.
pub fn scan(
    root: &Path,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Result<EvidenceIndex, String> {
    crate::check_root(root).map_err(|e| e.to_string())?;
    let plan = Arc::new(Plan::new(catalog, options)?);
    let (tx, rx) = mpsc::channel::<FileResult>();
    let root_buf = root.to_path_buf();

    let mut excludes = GlobSetBuilder::new();
    for g in &options.exclude {
        excludes.add(glob::compile(g).map_err(|e| e.to_string())?);
    }
    let excludes = excludes.build().map_err(|e| e.to_string())?;
    // The same excludes apply to tracked files the walk skipped.
    let tracked_excludes = excludes.clone();
    let walk_root = root.to_path_buf();
    // Committed files always count (see [`tracked`]): the walk follows the
    // repository's own `.gitignore` files only, and tracked files it skips
    // are visited afterwards.
    let (tracked, index_problem) = match tracked::tracked_files(root) {
        Ok(list) => (list, None),
        Err(e) => (None, Some(e)),
    };
    let track = tracked.is_some();
    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .hidden(false)
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .threads(options.threads)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && EXCLUDED_DIRS.contains(&entry.file_name().to_str().unwrap_or("")) {
                return false;
            }
            excludes.is_empty() || !excludes.is_match(relative(&walk_root, entry.path()))
        });
    walker.build_parallel().run(|| {
        let plan = Arc::clone(&plan);
        let tx = tx.clone();
        let root = root_buf.clone();
        let mut worker = Worker {
            tx,
            stats: ScanStats::default(),
            gates: HashMap::new(),
            matched: Vec::new(),
            seen: Vec::new(),
        };
        Box::new(move |entry| {
            let result = match entry {
                Ok(entry) => {
                    let Some(file_type) = entry.file_type() else {
                        return ignore::WalkState::Continue;
                    };
                    if track && !file_type.is_dir() {
                        worker.seen.push(relative(&root, entry.path()));
                    }
                    let entry = Entry {
                        path: entry.path(),
                        file_type,
                        depth: entry.depth(),
                    };
                    visit(&plan, &root, &entry, &mut worker.gates, &mut worker.matched)
                }
                Err(err) => Some(FileResult {
                    problem: Some(walk_error(&root, &err)),
                    stats: ScanStats {
                        unreadable: 1,
                        ..ScanStats::default()
                    },
                    ..FileResult::default()
                }),
            };
            if let Some(result) = result {
                worker.stats.add(&result.stats);
                // Only files that found something cross threads.
                if !result.hits.is_empty()
                    || !result.unknown.is_empty()
                    || !result.declared.is_empty()
                    || !result.manifest_errors.is_empty()
                    || result.note.is_some()
                    || result.problem.is_some()
                    || result.readme.is_some()
                    || !result.job_runs.is_empty()
                {
                    let _ = worker.tx.send(FileResult {
                        stats: ScanStats::default(),
                        ..result
                    });
                }
            }
            ignore::WalkState::Continue
        })
    });
    drop(tx);

    let mut index = EvidenceIndex {
        hits: vec![Vec::new(); catalog.probes.len()],
        unknown: vec![Vec::new(); catalog.probes.len()],
        ..EvidenceIndex::default()
    };
    let mut declared = Vec::new();
    let mut manifest_errors = Vec::new();
    let mut readmes = Vec::new();
    let mut job_runs = BTreeSet::new();
    let mut seen: HashSet<String> = HashSet::new();
    // The walk's results, then those of tracked files the walk skipped.
    let results = rx.into_iter().collect::<Vec<_>>();
    for result in &results {
        seen.extend(result.seen.iter().cloned());
    }
    let hidden = tracked
        .as_deref()
        .map(|list| tracked::hidden_tracked_files(list, &seen, &tracked_excludes))
        .unwrap_or_default();
    index.stats.tracked_but_ignored = hidden.len() as u64;
    let mut gates = HashMap::new();
    let mut matched = Vec::new();
    let late = hidden.iter().filter_map(|rel| {
        let path = root.join(rel);
        let file_type = std::fs::symlink_metadata(&path).ok()?.file_type();
        let entry = Entry {
            path: &path,
            file_type,
            depth: rel.matches('/').count() + 1,
        };
        visit(&plan, root, &entry, &mut gates, &mut matched)
    });
    let late: Vec<FileResult> = late.collect();
    index.problems.extend(index_problem);
    for result in results.into_iter().chain(late) {
        job_runs.extend(result.job_runs);
        index.stats.add(&result.stats);
        for (id, evidence) in result.hits {
            index.hits[id].push(evidence);
        }
        for (id, reason) in result.unknown {
            index.unknown[id].push(reason);
        }
        index.problems.extend(result.problem);
        index.notes.extend(result.note);
        if let Some(readme) = result.readme {
            readmes.push(readme);
        }
        declared.extend(result.declared);
        manifest_errors.extend(result.manifest_errors);
    }
    if plan.wants_manifests {
        resolve_dependencies(catalog, &declared, &manifest_errors, &mut index);
    }
    for list in index.hits.iter_mut() {
        list.sort();
        list.dedup();
    }
    for list in index.unknown.iter_mut() {
        list.sort();
        list.dedup();
    }
    index.problems.sort();
    index.problems.dedup();
    index.notes.sort();
    index.notes.dedup();
    jobs::promote_job_runs(&mut index, &job_runs);
    // README.md first, then any other README.* in name order.
    readmes.sort_by_key(|r| (r != "README.md", r.clone()));
    index.readme = readmes.into_iter().next();
    Ok(index)
}

fn walk_error(root: &Path, err: &ignore::Error) -> String {
    // Make paths in the message repository-relative, however the root was
    // written (`repo`, `repo/`, `./repo//`): no absolute path leaks out.
    let text = err.to_string();
    let shown = root.display().to_string();
    let trimmed = shown.trim_end_matches('/');
    let text = text
        .replace(&format!("{trimmed}//"), "")
        .replace(&format!("{trimmed}/"), "");
    crate::text::printable(&text).into_owned()
}

fn resolve_dependencies(
    catalog: &Catalog,
    declared: &[(manifest::Declared, String)],
    manifest_errors: &[String],
    index: &mut EvidenceIndex,
) {
    for (id, probe) in catalog.probes.iter().enumerate() {
        let Probe::Dependency { names, ecosystem } = probe else {
            continue;
        };
        for (dep, path) in declared {
            if names.contains(&dep.name) && ecosystem.is_none_or(|e| e == dep.ecosystem) {
                index.hits[id].push(Evidence::new(
                    path,
                    dep.line,
                    format!("{} dependency `{}`", dep.ecosystem, dep.name),
                    catalog.strengths[id],
                ));
            }
        }
        index.unknown[id].extend(manifest_errors.iter().cloned());
    }
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    // A file name is repository-controlled text: shown escaped everywhere.
    crate::text::printable(&out).into_owned()
}

/// A short, single-line quote of the evidence.
pub fn snippet(line: &str) -> String {
    const MAX: usize = 80;
    let squeezed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let squeezed = crate::text::printable(&squeezed).into_owned();
    if squeezed.chars().count() <= MAX {
        return squeezed;
    }
    let mut out: String = squeezed.chars().take(MAX - 1).collect();
    out.push('…');
    out
}

/// A file to visit: its path, type (not following links) and depth below
/// the root (1 for a file at the top).
struct Entry<'a> {
    path: &'a Path,
    file_type: std::fs::FileType,
    depth: usize,
}

fn visit(
    plan: &Plan,
    root: &Path,
    entry: &Entry,
    gates: &mut GateCache,
    matched: &mut Vec<usize>,
) -> Option<FileResult> {
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
    plan.globs.matches_into(rendered_name(&path), matched);
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
            Target::File(id) => result.hits.push((
                id,
                Evidence::new(&path, 1, "file present".to_owned(), plan.strengths[id]),
            )),
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
    let text = match read_text(entry.path, plan.options.max_file_size, &mut result.stats) {
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
        match_content(plan, &path, &text, &content_ids, gates, &mut result);
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
            Ok(list) => result
                .declared
                .extend(list.into_iter().map(|d| (d, path.clone()))),
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

/// Reads a file as text: `Ok(None)` when skipped (binary or too large);
/// invalid UTF-8 is decoded lossily.
fn read_text(path: &Path, max: u64, stats: &mut ScanStats) -> std::io::Result<Option<String>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max {
        stats.skipped_too_large = 1;
        return Ok(None);
    }
    // The first 8 KiB decide whether the file is binary, before the rest is
    // read: with a raised --max-file-size a large binary is not read whole.
    let mut reader = file.take(max + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(max)).unwrap_or(0));
    (&mut reader).take(8192).read_to_end(&mut bytes)?;
    if bytes.contains(&0) {
        stats.skipped_binary = 1;
        return Ok(None);
    }
    reader.read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        stats.skipped_too_large = 1;
        return Ok(None);
    }
    stats.files_read = 1;
    Ok(Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            stats.read_lossily = 1;
            String::from_utf8_lossy(err.as_bytes()).into_owned()
        }
    }))
}

fn match_content(
    plan: &Plan,
    path: &str,
    text: &str,
    ids: &[ProbeId],
    gates: &mut GateCache,
    result: &mut FileResult,
) {
    if !gates.contains_key(ids) {
        let mut shared = plan
            .shared_gates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let gate = Arc::clone(shared.entry(ids.to_vec()).or_insert_with(|| {
            let patterns: Vec<&str> = ids
                .iter()
                .map(|&id| plan.content[&id].pattern.as_str())
                .collect();
            Arc::new(content::compile_alternation(&patterns).ok())
        }));
        gates.insert(ids.to_vec(), gate);
    }
    if gates[ids]
        .as_ref()
        .as_ref()
        .is_some_and(|any| !any.is_match(text.as_bytes()))
    {
        return;
    }
    // Something matches. One pass finds where every probe's required
    // literals occur: a probe can only match on a line holding one of its
    // literals, so only those lines are tried (a probe without usable
    // literals tries every line).
    let required = plan
        .content_literals
        .get_or_init(|| RequiredLiterals::new(&plan.content, 0..plan.strengths.len()));
    let occurrences = required.literals.lines_of(text);
    let mut present = vec![false; required.literals.len()];
    for &(literal, _) in &occurrences {
        present[literal] = true;
    }
    let candidates: Vec<ProbeId> = ids
        .iter()
        .copied()
        .filter(|id| {
            required
                .by_probe
                .get(id)
                .is_none_or(|literals| literals.iter().any(|&l| present[l]))
        })
        .collect();
    if candidates.is_empty() {
        return;
    }
    let lines = content::code_lines(
        text,
        content::syntax_for(rendered_name(path)),
        plan.options.max_line_length,
    );
    for id in candidates {
        let Some(matcher) = plan.content[&id].compiled() else {
            result.unknown.push((
                id,
                format!("{path}: a pattern of this rule exceeds the regex size limit"),
            ));
            continue;
        };
        let tried: Vec<&(u32, std::borrow::Cow<str>)> = match required.by_probe.get(&id) {
            Some(literals) => {
                let mut numbers: Vec<u32> = occurrences
                    .iter()
                    .filter(|(literal, _)| literals.contains(literal))
                    .map(|&(_, line)| line)
                    .collect();
                numbers.sort_unstable();
                numbers.dedup();
                numbers
                    .into_iter()
                    .filter_map(|n| {
                        lines
                            .binary_search_by_key(&n, |(line_no, _)| *line_no)
                            .ok()
                            .map(|at| &lines[at])
                    })
                    .collect()
            }
            None => lines.iter().collect(),
        };
        let hits: Vec<&(u32, std::borrow::Cow<str>)> = tried
            .into_iter()
            .filter(|(_, line)| {
                let bytes = line.as_bytes();
                matcher.pattern.is_match(bytes)
                    && !matcher.exclude.as_ref().is_some_and(|e| e.is_match(bytes))
            })
            .take(HITS_PER_FILE)
            .collect();
        // `also` asks for another line of the file: tried only after a hit.
        if hits.is_empty()
            || matcher
                .also
                .as_ref()
                .is_some_and(|also| !lines.iter().any(|(_, l)| also.is_match(l.as_bytes())))
        {
            continue;
        }
        for (line_no, line) in hits {
            result.hits.push((
                id,
                Evidence::new(path, *line_no, snippet(line), plan.strengths[id]),
            ));
        }
    }
}

/// Python probes: the file is parsed once, and only when its text holds a
/// name one of the probes calls.
fn match_python(plan: &Plan, path: &str, text: &str, ids: &[ProbeId], result: &mut FileResult) {
    let present = plan.python_literals.present(text);
    let wanted: Vec<ProbeId> = ids
        .iter()
        .copied()
        .filter(|id| plan.python[id].may_match(&present, text))
        .collect();
    if wanted.is_empty() {
        return;
    }
    if text.len() > python::MAX_PARSE_BYTES {
        let reason = format!(
            "{path}: larger than {} MiB, not parsed as Python",
            python::MAX_PARSE_BYTES >> 20
        );
        if decides(path) {
            result
                .unknown
                .extend(wanted.iter().map(|&id| (id, reason.clone())));
        } else {
            result.note = Some(reason);
        }
        return;
    }
    let Some(facts) = python::facts(text) else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    for id in wanted {
        for call in plan.python[&id]
            .matching(&facts)
            .into_iter()
            .take(HITS_PER_FILE)
        {
            let line = lines
                .get(call.line.saturating_sub(1) as usize)
                .copied()
                .unwrap_or("");
            result.hits.push((
                id,
                Evidence::new(path, call.line, snippet(line), plan.strengths[id]),
            ));
        }
    }
}

/// Helm and other templated YAML: drop directive-only lines and replace
/// inline `{{ … }}` with a placeholder so the structure parses.
fn detemplate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("{{") && trimmed.ends_with("}}") && !trimmed[2..].contains("{{") {
            out.push('\n');
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            match rest[start..].find("}}") {
                Some(end) => {
                    out.push_str("TEMPLATE");
                    rest = &rest[start + end + 2..];
                }
                None => {
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

fn match_keys(plan: &Plan, path: &str, text: &str, ids: &[ProbeId], result: &mut FileResult) {
    let mut parsed: BTreeMap<Format, Result<Vec<Node>, String>> = BTreeMap::new();
    let present = plan.key_literals.present(text);
    for &id in ids {
        let key_plan = &plan.keys[&id];
        if !key_plan.may_match(&present) {
            continue;
        }
        let matcher = match key_plan.matcher() {
            Ok(matcher) => matcher,
            Err(err) => {
                result.unknown.push((
                    id,
                    format!("{path}: a regex of this rule cannot be built: {err}"),
                ));
                continue;
            }
        };
        let format = key_plan
            .format
            .unwrap_or_else(|| Format::from_path(rendered_name(path)));
        let docs = parsed.entry(format).or_insert_with(|| {
            let parse = |t: &str| match format {
                Format::Yaml => node::parse_yaml_documents(t, false),
                Format::Json => node::parse_json(t)
                    .map(|n| vec![n])
                    .or_else(|err| node::parse_json_lines(t).ok_or(err)),
                Format::Toml => node::parse_toml(t).map(|n| vec![n]),
            };
            parse(text)
                .or_else(|err| {
                    if format == Format::Yaml && text.contains("{{") {
                        parse(&detemplate(text))
                    } else {
                        Err(err)
                    }
                })
                .map_err(|e| format!("{path}:{e}"))
        });
        match docs {
            Ok(docs) => {
                for hit in docs
                    .iter()
                    .flat_map(|d| matcher.find(d))
                    .take(HITS_PER_FILE)
                {
                    let line = hit.pos.line.max(1);
                    let (line, quoted) = hit
                        .matched_line
                        .as_deref()
                        .and_then(|wanted| {
                            keys::source_line_of(text, line, wanted).map(|at| (at, wanted))
                        })
                        .unwrap_or((line, &hit.text));
                    result.hits.push((
                        id,
                        Evidence::new(path, line, snippet(quoted), plan.strengths[id]),
                    ));
                }
            }
            Err(reason) if decides(path) => {
                result.unknown.push((id, format!("cannot parse {reason}")))
            }
            Err(reason) => result.note = Some(format!("cannot parse {reason}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_production_files_that_cannot_be_parsed_decide_a_check() {
        assert!(decides(".github/workflows/ci.yml"));
        assert!(decides("deploy/k8s/model.yaml"));
        assert!(!decides("tests/cassettes/openai.yaml"));
        assert!(!decides("test/cfn_templates/pipeline.yaml"));
        assert!(!decides("docs/proposals/broken.yaml"));
        assert!(!decides("template/.github/workflows/ci.yml.tmpl"));
        assert!(!decides("{{cookiecutter.name}}/pyproject.toml"));
    }

    #[test]
    fn templates_are_matched_as_the_files_they_render() {
        assert_eq!(rendered_name("deploy/deploy.py.tmpl"), "deploy/deploy.py");
        assert_eq!(
            rendered_name(".github/workflows/cd.yml.j2"),
            ".github/workflows/cd.yml"
        );
        assert_eq!(rendered_name("Dockerfile.jinja2"), "Dockerfile");
        assert_eq!(rendered_name("train.py"), "train.py");
        assert_eq!(rendered_name("dir/.tmpl"), "dir/.tmpl");
    }

    #[test]
    fn walk_errors_name_paths_relative_to_the_root_however_it_is_written() {
        let err = ignore::Error::WithPath {
            path: std::path::PathBuf::from("/tmp/repo//secret/dir"),
            err: Box::new(ignore::Error::Io(std::io::Error::other("denied"))),
        };
        for root in ["/tmp/repo", "/tmp/repo/", "/tmp/repo//"] {
            let text = walk_error(Path::new(root), &err);
            assert!(!text.contains("/tmp/repo"), "{root}: {text}");
            assert!(text.contains("secret/dir"), "{root}: {text}");
        }
    }

    #[test]
    fn snippets_are_single_line_and_bounded() {
        assert_eq!(snippet("  a   b\tc "), "a b c");
        let long = "é".repeat(200);
        let s = snippet(&long);
        assert_eq!(s.chars().count(), 80);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn key_prefilter_needs_every_literal_segment() {
        let mut required = Vec::new();
        required_literals(
            "spec.{predictor,transformer}.*.canaryTrafficPercent",
            &mut required,
        );
        required_literals("**.steps.0.run", &mut required);
        assert_eq!(
            required,
            vec![
                vec!["spec".to_owned()],
                vec!["predictor".to_owned(), "transformer".to_owned()],
                vec!["canaryTrafficPercent".to_owned()],
                vec!["steps".to_owned()],
                vec!["run".to_owned()],
            ]
        );
    }

    #[test]
    fn helm_templates_parse_after_detemplating() {
        let text = "{{- if .Values.canary }}\napiVersion: {{ .Values.api }}\nkind: InferenceService\n{{- end }}\n";
        let docs = node::parse_yaml_documents(&detemplate(text), false).unwrap();
        assert_eq!(
            docs[0].get("kind").unwrap().as_str(),
            Some("InferenceService")
        );
        assert_eq!(docs[0].get("kind").unwrap().pos.line, 3);
    }
}
