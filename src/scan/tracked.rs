//! The files git tracks. A committed file always counts: a `.gitignore`
//! line in a pull request must not hide a committed vector-store module
//! from the scan and flip a release gate. The walk applies only the
//! repository's own `.gitignore` files (never `.ignore`, `.git/info/exclude`
//! or ignore files above the root), and the tracked files it skipped are
//! added back from the index.

use globset::GlobSet;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The index is read only up to this size.
const MAX_INDEX: u64 = 256 << 20;

/// The files git tracks, and which of them the walk reached.
///
/// A checkout of a million files tracks a million paths, so they are held
/// in one buffer, sorted, and the walk marks a bit for each one it reaches
/// instead of collecting the paths it saw: about 50 bytes a tracked file.
pub struct Tracked {
    /// Every path, one after the other, in sorted order.
    text: String,
    /// Where each path ends in `text`.
    ends: Vec<u32>,
    /// One bit per path: set when the walk reached it.
    reached: Vec<AtomicU64>,
}

/// Paths packed one after the other as they come.
#[derive(Default)]
struct Packer {
    text: String,
    ends: Vec<u32>,
}

impl Packer {
    fn push(&mut self, path: &str) {
        self.text.push_str(path);
        // The index is at most MAX_INDEX bytes, so offsets fit in u32.
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// The paths in the order pushed, none reached yet.
    fn packed(mut self) -> Tracked {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        let reached = (0..self.ends.len().div_ceil(64))
            .map(|_| AtomicU64::new(0))
            .collect();
        Tracked {
            text: self.text,
            ends: self.ends,
            reached,
        }
    }

    /// The paths sorted, each once (see [`Tracked::new`]).
    fn finish(self) -> Tracked {
        Tracked::sorted(self.packed())
    }
}

impl Tracked {
    /// Holds `paths` (any order, repeats allowed).
    fn new(paths: impl Iterator<Item = impl AsRef<str>>) -> Tracked {
        Tracked::sorted(Tracked::packed(paths))
    }

    /// `tracked` in sorted order without repeats.
    fn sorted(tracked: Tracked) -> Tracked {
        // The index lists paths sorted by their bytes, so this is a check;
        // repeats (the stages of a merge conflict) are dropped either way.
        if (1..tracked.len()).all(|i| tracked.path(i - 1) < tracked.path(i)) {
            return tracked;
        }
        let mut order: Vec<usize> = (0..tracked.len()).collect();
        order.sort_unstable_by(|&a, &b| tracked.path(a).cmp(tracked.path(b)));
        order.dedup_by(|a, b| tracked.path(*a) == tracked.path(*b));
        Tracked::packed(order.into_iter().map(|i| tracked.path(i)))
    }

    /// `paths` one after the other, in the order given, none reached yet.
    fn packed(paths: impl Iterator<Item = impl AsRef<str>>) -> Tracked {
        let mut packer = Packer::default();
        for path in paths {
            packer.push(path.as_ref());
        }
        packer.packed()
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Path `i` in sorted order.
    fn path(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn position(&self, path: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.path(mid).cmp(path) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Records that the walk reached `path` (repository-relative, with
    /// `/`); a path git does not track is ignored. Safe from every walker
    /// thread at once.
    pub fn mark_reached(&self, path: &str) {
        if let Some(i) = self.position(path) {
            self.reached[i / 64].fetch_or(1 << (i % 64), Ordering::Relaxed);
        }
    }

    fn was_reached(&self, i: usize) -> bool {
        self.reached[i / 64].load(Ordering::Relaxed) & (1 << (i % 64)) != 0
    }

    /// Tracked files the walk did not reach because a `.gitignore` hid
    /// them (or a directory holding them), except those in always-skipped
    /// directories (vendored code, virtual environments) or excluded by the
    /// configuration; sorted.
    pub fn hidden(&self, excludes: &GlobSet) -> Vec<String> {
        (0..self.len())
            .filter(|&i| !self.was_reached(i))
            .map(|i| self.path(i))
            .filter(|p| {
                let mut dirs: Vec<&str> = p.split('/').collect();
                dirs.pop();
                !dirs.iter().any(|d| super::EXCLUDED_DIRS.contains(d))
            })
            .filter(|p| {
                // An excluded directory excludes everything below it.
                let mut prefix = String::new();
                !p.split('/').any(|part| {
                    if !prefix.is_empty() {
                        prefix.push('/');
                    }
                    prefix.push_str(part);
                    excludes.is_match(&prefix)
                })
            })
            .map(str::to_owned)
            .collect()
    }
}

/// The regular files and links `root/.git/index` lists; `Ok(None)` when
/// `root` is not the top of a git work tree with an index.
pub fn tracked_files(root: &Path) -> Result<Option<Tracked>, String> {
    let index = root.join(".git").join("index");
    let meta = match std::fs::symlink_metadata(&index) {
        Ok(meta) => meta,
        Err(_) => return Ok(None),
    };
    if !meta.is_file() {
        return Err(".git/index is not a regular file".into());
    }
    if meta.len() > MAX_INDEX {
        return Err(format!(".git/index is larger than {} MiB", MAX_INDEX >> 20));
    }
    let cannot = |e: String| format!(".git/index cannot be read: {e}");
    let file = std::fs::File::open(&index).map_err(|e| cannot(e.to_string()))?;
    let len = file.metadata().map_err(|e| cannot(e.to_string()))?.len();
    // The paths take fewer bytes than the index: room reserved for them
    // is only address space until it is written, and the buffer never
    // moves while it grows.
    let mut packer = Packer {
        text: String::with_capacity(usize::try_from(len).unwrap_or(0)),
        ends: Vec::new(),
    };
    let rest = super::git_index::read_entries(file.take(MAX_INDEX), len, |path, mode| {
        if super::git_index::names_a_file(mode) {
            packer.push(&String::from_utf8_lossy(path));
        }
    })
    .map_err(cannot)?;
    match rest {
        super::git_index::Rest::Nothing => Ok(Some(packer.finish())),
        super::git_index::Rest::SharedIndex => tracked_files_of_split_index(&index),
    }
}

/// A split index's files, from the index and the shared index it names,
/// decoded whole by `gix_index` (which merges the two).
fn tracked_files_of_split_index(index: &Path) -> Result<Option<Tracked>, String> {
    let file = gix_index::File::at(
        index,
        gix_hash::Kind::Sha1,
        false,
        gix_index::decode::Options::default(),
    )
    .map_err(|e| format!(".git/index cannot be read: {e}"))?;
    let paths = file
        .entries()
        .iter()
        .filter(|e| super::git_index::names_a_file(e.mode.bits()))
        .map(|e| String::from_utf8_lossy(e.path(&file)));
    Ok(Some(Tracked::new(paths)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_without_git_has_no_tracked_list() {
        let dir = tempfile::tempdir().unwrap();
        assert!(tracked_files(dir.path()).unwrap().is_none());
    }

    #[test]
    fn the_files_the_walk_did_not_reach_are_the_hidden_ones_in_order() {
        let names = [
            "src/train.py",
            "build/model.py",
            "a.py",
            "src/train.py",
            "vendor/lib.py",
            "data/x/ignored.py",
            "b/c.py",
        ];
        let tracked = Tracked::new(names.iter());
        assert_eq!(tracked.len(), 6, "repeats are held once");
        for reached in ["src/train.py", "a.py", "untracked.py", "b/c.py"] {
            tracked.mark_reached(reached);
        }
        let mut excludes = globset::GlobSetBuilder::new();
        excludes.add(globset::Glob::new("data/x").unwrap());
        let excludes = excludes.build().unwrap();
        assert_eq!(tracked.hidden(&excludes), ["build/model.py"]);
        assert_eq!(
            tracked.hidden(&GlobSet::empty()),
            ["build/model.py", "data/x/ignored.py"]
        );
        // Every path is found again, and nothing else is.
        for (i, name) in ["a.py", "b/c.py", "build/model.py"].iter().enumerate() {
            assert_eq!(tracked.position(name), Some(i));
        }
        assert_eq!(tracked.position("b"), None);
        // Paths already in order (as the index keeps them) are held as given.
        let in_order = Tracked::new(["a.py", "b/c.py", "src/x.py"].iter());
        assert_eq!(in_order.position("src/x.py"), Some(2));
        assert_eq!(
            in_order.hidden(&GlobSet::empty()),
            ["a.py", "b/c.py", "src/x.py"]
        );
        assert_eq!(tracked.position("zzz"), None);
        let none = Tracked::new(std::iter::empty::<&str>());
        assert_eq!(none.hidden(&GlobSet::empty()).len(), 0);
    }

    #[test]
    fn many_threads_mark_what_they_reach_without_losing_a_mark() {
        let paths: Vec<String> = (0..1000).map(|i| format!("d{}/f{i}.py", i % 7)).collect();
        let tracked = Tracked::new(paths.iter());
        std::thread::scope(|s| {
            for part in paths.chunks(130) {
                let tracked = &tracked;
                s.spawn(move || part.iter().for_each(|p| tracked.mark_reached(p)));
            }
        });
        assert!(tracked.hidden(&GlobSet::empty()).is_empty());
    }
}
