//! The walk that drives a scan: a [`Scanner`] holds the plan compiled once
//! for a catalog and options, and each [`Scanner::scan`] walks one root in
//! parallel, visits tracked files the walk skipped, and folds what every
//! file contributed into an [`EvidenceIndex`].

use super::*;

/// A scan plan compiled once, for scanning one root or many (a fuzzer, a
/// fleet of checkouts): the globs, literal automata and matchers it holds
/// are built on first use and kept.
pub struct Scanner<'a> {
    catalog: &'a Catalog,
    options: &'a ScanOptions,
    plan: Arc<Plan>,
}

impl<'a> Scanner<'a> {
    /// Compiles the plan for `catalog` under `options`.
    pub fn new(catalog: &'a Catalog, options: &'a ScanOptions) -> Result<Self, String> {
        Ok(Scanner {
            catalog,
            options,
            plan: Arc::new(Plan::new(catalog, options)?),
        })
    }

    /// Scans `root` once and returns the evidence for every probe in the
    /// catalog.
    pub fn scan(&self, root: &Path) -> Result<EvidenceIndex, String> {
        let mut index = walk(root, self.catalog, self.options, Some(&self.plan))?;
        index.take_in()?;
        Ok(index)
    }
}

/// [`Scanner::new`] and one [`Scanner::scan`], with the plan compiled on the
/// calling thread while the walk's threads start and read the first
/// directories: its compile time and the walk's start-up overlap.
pub(super) fn scan_once(
    root: &Path,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Result<EvidenceIndex, String> {
    walk(root, catalog, options, None)
}

/// The plan a walk's threads wait for: `None` when it does not compile.
type PlanCell = std::sync::OnceLock<Option<Arc<Plan>>>;

/// Publishes `None` if the plan was not published (a panic while
/// compiling it), so that no walker thread waits for it for ever.
struct PublishOnDrop<'c>(&'c PlanCell);

impl Drop for PublishOnDrop<'_> {
    fn drop(&mut self) {
        let _ = self.0.set(None);
    }
}

/// Walks `root` with `ready` or, when it is `None`, a plan compiled while the
/// walk starts.
fn walk(
    root: &Path,
    catalog: &Catalog,
    options: &ScanOptions,
    ready: Option<&Arc<Plan>>,
) -> Result<EvidenceIndex, String> {
    crate::check_root(root).map_err(|e| e.to_string())?;
    let cell: Arc<PlanCell> = Arc::new(PlanCell::new());
    if let Some(plan) = ready {
        let _ = cell.set(Some(Arc::clone(plan)));
    }
    let (tx, rx) = mpsc::channel::<Batch>();
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
    let mut index = EvidenceIndex {
        hits: vec![Vec::new(); catalog.probes.len()],
        unknown: vec![Vec::new(); catalog.probes.len()],
        pending: HitStore::with_budget(options.hit_budget),
        ..EvidenceIndex::default()
    };
    let mut declared = Vec::new();
    let mut manifest_errors = Vec::new();
    let mut readmes = Vec::new();
    let mut job_runs = BTreeSet::new();
    let mut absorb = |(results, hits): Batch| {
        index.pending.append(&hits);
        for result in results {
            job_runs.extend(result.job_runs);
            index.stats.add(&result.stats);
            index.pending.push_file(result.hits);
            for (id, reason) in result.unknown {
                index.unknown[id].push(reason);
            }
            index.problems.extend(result.problem);
            index.notes.extend(result.note);
            if let Some(readme) = result.readme {
                readmes.push(readme);
            }
            index.markers.extend(result.marker);
            declared.extend(result.declared);
            manifest_errors.extend(result.manifest_errors);
        }
    };
    // The walk runs on its own threads while this one takes in each
    // file's findings as they come: a tree of a million files never
    // holds its findings twice, queued and indexed.
    let walk_cell = Arc::clone(&cell);
    let walk_tracked = tracked.as_ref();
    let mut compile_error = None;
    std::thread::scope(|s| {
        s.spawn(move || {
            walker.build_parallel().run(|| {
                let cell = Arc::clone(&walk_cell);
                let tx = tx.clone();
                let root = root_buf.clone();
                let mut worker = Worker {
                    tx,
                    batch: Vec::new(),
                    files: 0,
                    hits: Encoded::default(),
                    stats: ScanStats::default(),
                    scratch: Scratch::default(),
                };
                Box::new(move |entry| {
                    let result = match entry {
                        Ok(entry) => {
                            let Some(file_type) = entry.file_type() else {
                                return ignore::WalkState::Continue;
                            };
                            // Directories are only descended into: the walk
                            // reads them while the plan compiles, and each
                            // thread's first file waits for it.
                            if file_type.is_dir() {
                                return ignore::WalkState::Continue;
                            }
                            let Some(plan) = cell.wait() else {
                                return ignore::WalkState::Quit;
                            };
                            if let Some(tracked) = walk_tracked {
                                tracked.mark_reached(&relative(&root, entry.path()));
                            }
                            let entry = Entry {
                                path: entry.path(),
                                file_type,
                                depth: entry.depth(),
                            };
                            visit(plan, &root, &entry, &mut worker.scratch)
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
                        if !result.hits.is_empty() || result.finds_more_than_hits() {
                            worker.send(FileResult {
                                stats: ScanStats::default(),
                                ..result
                            });
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
            drop(tx);
        });
        if ready.is_none() {
            let publish = PublishOnDrop(&cell);
            match Plan::new(catalog, options) {
                Ok(plan) => {
                    let _ = cell.set(Some(Arc::new(plan)));
                }
                Err(e) => compile_error = Some(e),
            }
            drop(publish);
        }
        for batch in rx {
            absorb(batch);
        }
    });
    // The walk's threads have ended: what they freed goes back.
    crate::memory::release_freed();
    if let Some(e) = compile_error {
        return Err(e);
    }
    let Some(Some(plan)) = cell.get() else {
        return Err("the scan plan was not compiled".into());
    };
    // Then the tracked files the walk skipped.
    let (hidden, hidden_problem) = match tracked.as_ref().map(|t| t.hidden(&tracked_excludes)) {
        None => (Vec::new(), None),
        Some(Ok(hidden)) => (hidden, None),
        Some(Err(e)) => (Vec::new(), Some(e)),
    };
    let tracked_but_ignored = hidden.len() as u64;
    let mut scratch = Scratch::default();
    for rel in &hidden {
        let path = root.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let entry = Entry {
            path: &path,
            file_type: meta.file_type(),
            depth: rel.matches('/').count() + 1,
        };
        if let Some(result) = visit(plan, root, &entry, &mut scratch) {
            absorb((vec![result], Encoded::default()));
        }
    }
    index.stats.tracked_but_ignored = tracked_but_ignored;
    index.problems.extend(index_problem);
    index.problems.extend(hidden_problem);
    if plan.wants_manifests {
        resolve_dependencies(catalog, &declared, &manifest_errors, &mut index);
    }
    for list in index.unknown.iter_mut() {
        list.sort_unstable();
        list.dedup();
    }
    index.problems.sort();
    index.problems.dedup();
    index.notes.sort();
    index.notes.dedup();
    index.markers.sort();
    index.markers.dedup();
    jobs::promote_job_runs(&mut index, &job_runs)?;
    // README.md first, then any other README.* in name order.
    readmes.sort_by_key(|r| (r != "README.md", r.clone()));
    index.readme = readmes.into_iter().next();
    Ok(index)
}

/// Files' findings cross threads in batches of this many: one wake-up of
/// the collecting thread per batch, not per file, and at most this many
/// per walker thread waiting.
const BATCH: usize = 64;

/// Per-thread state of the walk. Counts stay local and are sent once, when
/// the walker drops the thread's visitor.
struct Worker {
    tx: mpsc::Sender<Batch>,
    /// Findings not sent yet (see [`BATCH`]), but their hits.
    batch: Vec<FileResult>,
    /// Files in the batch.
    files: usize,
    /// The batch's hits, encoded here: the hits are freed on the thread
    /// that made them (a free from another thread takes the allocator's
    /// lock of this thread's arena; on a hit-dense tree that was a quarter
    /// of the run in lock waits) and only bytes cross threads.
    hits: Encoded,
    stats: ScanStats,
    scratch: Scratch,
}

/// What a walker thread sends at a time: findings, and the hits encoded.
type Batch = (Vec<FileResult>, Encoded);

impl Worker {
    fn send(&mut self, mut result: FileResult) {
        self.hits.push_file(std::mem::take(&mut result.hits));
        if result.finds_more_than_hits() {
            self.batch.push(result);
        }
        self.files += 1;
        if self.files >= BATCH || self.hits.len() >= BATCH_BYTES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let batch = (
            std::mem::take(&mut self.batch),
            std::mem::take(&mut self.hits),
        );
        self.files = 0;
        let _ = self.tx.send(batch);
    }
}

/// Encoded hits past which a walker thread sends its batch early.
const BATCH_BYTES: usize = 64 << 10;

impl Drop for Worker {
    fn drop(&mut self) {
        let last = FileResult {
            stats: std::mem::take(&mut self.stats),
            ..FileResult::default()
        };
        self.batch.push(last);
        self.flush();
    }
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
    let mut by_file: BTreeMap<&str, Vec<(ProbeId, Evidence)>> = BTreeMap::new();
    for (id, probe) in catalog.probes.iter().enumerate() {
        let Probe::Dependency { names, ecosystem } = probe else {
            continue;
        };
        for (dep, path) in declared {
            if names.contains(&dep.name) && ecosystem.is_none_or(|e| e == dep.ecosystem) {
                let hit = Evidence::new(
                    path,
                    dep.line,
                    format!("{} dependency `{}`", dep.ecosystem, dep.name),
                    catalog.strengths[id],
                );
                by_file.entry(path.as_str()).or_default().push((id, hit));
            }
        }
        index.unknown[id].extend(manifest_errors.iter().cloned());
    }
    // A file's hits go in together: equal hits of two probes are one.
    for (_, hits) in by_file {
        index.pending.push_file(hits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_plan_that_does_not_compile_stops_the_walk_and_is_reported() {
        // The walk starts while the plan compiles; its threads wait for the
        // plan at their first file, so a failure must release them.
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            let sub = dir.path().join(format!("d{i}"));
            std::fs::create_dir(&sub).unwrap();
            std::fs::write(sub.join("a.py"), "x = 1\n").unwrap();
        }
        let catalog = Catalog {
            rubrics: Vec::new(),
            probes: vec![Probe::File {
                globs: vec!["**/ok.py".into(), "a[".into()],
            }],
            strengths: vec![Strength::Strong],
        };
        let options = ScanOptions::default();
        let expected = Scanner::new(&catalog, &options).err().expect("bad glob");
        assert!(expected.contains("a["), "{expected}");
        for _ in 0..20 {
            assert_eq!(
                scan(dir.path(), &catalog, &options).err(),
                Some(expected.clone())
            );
        }
    }

    #[test]
    fn a_scanner_reused_across_roots_finds_what_fresh_scans_find() {
        let catalog = crate::load_catalog(&[]).expect("built-in rubrics load");
        let options = ScanOptions::default();
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let roots = [
            "level-3-full",
            "level-0-notebook",
            "rag-pgvector",
            "level-3-full",
        ]
        .map(|name| examples.join(name));
        let scanner = Scanner::new(&catalog, &options).expect("plan compiles");
        for root in &roots {
            let reused = scanner.scan(root).expect("scan");
            let fresh = scan(root, &catalog, &options).expect("scan");
            assert!(reused.hits.iter().any(|h| !h.is_empty()), "{root:?}");
            assert_eq!(format!("{reused:?}"), format!("{fresh:?}"), "{root:?}");
        }
    }
}
