//! The files git tracks. A committed file always counts: a `.gitignore`
//! line in a pull request must not hide a committed vector-store module
//! from the scan and flip a release gate. The walk applies only the
//! repository's own `.gitignore` files (never `.ignore`, `.git/info/exclude`
//! or ignore files above the root), and the tracked files it skipped are
//! added back from the index.
//!
//! A checkout of a million files tracks a million paths (45 MB of them in
//! the benchmark's). They are not held: the index is read twice, as a
//! stream. The first reading keeps a digest of each path, sorted, and the
//! walk sets a bit for each digest it reaches; the second lists the paths
//! whose digest was not reached. A digest is the first 128 bits of the
//! path's SHA-256: no two paths share one by chance (at a million paths,
//! one chance in 10^26), and none can be made to, so a path the walk
//! reached never stands for a hidden one. The second reading must find
//! the index the first read (same SHA-1 over its bytes), or the hidden
//! files are not listed and the scan records why.

use super::git_index::{names_a_file, read_entries, Rest};
use globset::GlobSet;
use sha2::{Digest as _, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The index is read only up to this size.
const MAX_INDEX: u64 = 256 << 20;

/// The first 128 bits of a path's SHA-256.
type Digest = u128;

fn digest(path: &str) -> Digest {
    let sum = Sha256::digest(path.as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&sum[..16]);
    u128::from_be_bytes(first)
}

/// The paths git tracks, by digest, and which of them the walk reached:
/// 16 bytes and a bit a tracked path, however long the path.
pub struct Tracked {
    /// Sorted, each once (the stages of a merge conflict share a path).
    digests: Vec<Digest>,
    /// One bit per digest: set when the walk reached its path.
    reached: Vec<AtomicU64>,
}

impl Tracked {
    /// Holds `paths` (any order, repeats allowed).
    fn new(paths: impl Iterator<Item = impl AsRef<str>>) -> Tracked {
        Tracked::of(paths.map(|p| digest(p.as_ref())).collect())
    }

    fn of(mut digests: Vec<Digest>) -> Tracked {
        digests.sort_unstable();
        digests.dedup();
        digests.shrink_to_fit();
        let reached = (0..digests.len().div_ceil(64))
            .map(|_| AtomicU64::new(0))
            .collect();
        Tracked { digests, reached }
    }

    fn position(&self, path: &str) -> Option<usize> {
        self.digests.binary_search(&digest(path)).ok()
    }

    /// Records that the walk reached `path` (repository-relative, with
    /// `/`); a path git does not track is ignored. Safe from every walker
    /// thread at once.
    pub fn mark_reached(&self, path: &str) {
        if let Some(i) = self.position(path) {
            self.reached[i / 64].fetch_or(1 << (i % 64), Ordering::Relaxed);
        }
    }

    /// The digests of the paths the walk did not reach, sorted.
    fn unreached(&self) -> Vec<Digest> {
        (0..self.digests.len())
            .filter(|&i| !self.was_reached(i))
            .map(|i| self.digests[i])
            .collect()
    }

    fn was_reached(&self, i: usize) -> bool {
        self.reached[i / 64].load(Ordering::Relaxed) & (1 << (i % 64)) != 0
    }

    /// Of `paths` (the tracked ones, as the index lists them), those the
    /// walk did not reach because a `.gitignore` hid them (or a directory
    /// holding them), except those in always-skipped directories (vendored
    /// code, virtual environments) or excluded by the configuration;
    /// sorted, each once.
    fn hidden_among(
        &self,
        paths: impl Iterator<Item = impl AsRef<str>>,
        excludes: &GlobSet,
    ) -> Vec<String> {
        let mut out: Vec<String> = paths
            .filter(|p| {
                self.position(p.as_ref())
                    .is_some_and(|i| !self.was_reached(i))
            })
            .filter(|p| {
                let mut dirs: Vec<&str> = p.as_ref().split('/').collect();
                dirs.pop();
                !dirs.iter().any(|d| super::EXCLUDED_DIRS.contains(d))
            })
            .filter(|p| {
                // An excluded directory excludes everything below it.
                let mut prefix = String::new();
                !p.as_ref().split('/').any(|part| {
                    if !prefix.is_empty() {
                        prefix.push('/');
                    }
                    prefix.push_str(part);
                    excludes.is_match(&prefix)
                })
            })
            .map(|p| p.as_ref().to_owned())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The files `.git/index` lists, and where to read them again.
pub struct TrackedFiles {
    index: PathBuf,
    /// How the index was read, and the SHA-1 of its bytes then.
    layout: Layout,
    tracked: Tracked,
}

enum Layout {
    /// Read as a stream (see [`super::git_index`]).
    Streamed { sha1: [u8; 20] },
    /// A split index, decoded whole with the shared index it names.
    Split,
}

impl TrackedFiles {
    /// See [`Tracked::mark_reached`].
    pub fn mark_reached(&self, path: &str) {
        self.tracked.mark_reached(path);
    }

    /// The tracked files the walk did not reach (see
    /// [`Tracked::hidden_among`]), read from the index again.
    pub fn hidden(&self, excludes: &GlobSet) -> Result<Vec<String>, String> {
        // Usually the walk reached every tracked file: then there is
        // nothing to read again.
        let unreached = self.tracked.unreached();
        if unreached.is_empty() {
            return Ok(Vec::new());
        }
        match self.layout {
            Layout::Streamed { sha1 } => {
                let mut paths = Vec::new();
                let again = stream_index(&self.index, |path| {
                    if unreached.binary_search(&digest(path)).is_ok() {
                        paths.push(path.to_owned());
                    }
                })?;
                if again != (Rest::Nothing, sha1) {
                    return Err(".git/index changed during the scan: tracked files a .gitignore hides were not listed".into());
                }
                Ok(self.tracked.hidden_among(paths.iter(), excludes))
            }
            Layout::Split => {
                let file = decode_split(&self.index)?;
                let paths = file_paths(&file);
                Ok(self.tracked.hidden_among(paths, excludes))
            }
        }
    }
}

/// The regular files and links `root/.git/index` lists; `Ok(None)` when
/// `root` is not the top of a git work tree with an index.
pub fn tracked_files(root: &Path) -> Result<Option<TrackedFiles>, String> {
    let index = root.join(".git").join("index");
    let meta = match std::fs::symlink_metadata(&index) {
        Ok(meta) => meta,
        Err(_) => return Ok(None),
    };
    if !meta.is_file() {
        return Err(".git/index is not a regular file".into());
    }
    let mut digests = Vec::new();
    let (rest, sha1) = stream_index(&index, |path| digests.push(digest(path)))?;
    if rest == Rest::SharedIndex {
        drop(digests);
        let file = decode_split(&index)?;
        let tracked = Tracked::new(file_paths(&file));
        return Ok(Some(TrackedFiles {
            index,
            layout: Layout::Split,
            tracked,
        }));
    }
    Ok(Some(TrackedFiles {
        index,
        layout: Layout::Streamed { sha1 },
        tracked: Tracked::of(digests),
    }))
}

/// Reads `index` as a stream, calling `each` with the path of every file
/// it lists (lossily decoded, as shown everywhere).
fn stream_index(index: &Path, mut each: impl FnMut(&str)) -> Result<(Rest, [u8; 20]), String> {
    let cannot = |e: String| format!(".git/index cannot be read: {e}");
    // Never blocks on a FIFO, never follows a link put in its place.
    let file = crate::fsutil::open_no_block(index, true).map_err(|e| cannot(e.to_string()))?;
    let meta = file.metadata().map_err(|e| cannot(e.to_string()))?;
    if !meta.is_file() {
        return Err(".git/index is not a regular file".into());
    }
    if meta.len() > MAX_INDEX {
        return Err(format!(".git/index is larger than {} MiB", MAX_INDEX >> 20));
    }
    read_entries(file.take(MAX_INDEX), meta.len(), |path, mode| {
        if names_a_file(mode) {
            each(&String::from_utf8_lossy(path));
        }
    })
    .map_err(cannot)
}

/// A split index, decoded whole by `gix_index` (which merges the shared
/// index it names).
fn decode_split(index: &Path) -> Result<gix_index::File, String> {
    gix_index::File::at(
        index,
        gix_hash::Kind::Sha1,
        false,
        gix_index::decode::Options::default(),
    )
    .map_err(|e| format!(".git/index cannot be read: {e}"))
}

/// The paths of the files a decoded index lists.
fn file_paths(file: &gix_index::File) -> impl Iterator<Item = String> + '_ {
    file.entries()
        .iter()
        .filter(|e| names_a_file(e.mode.bits()))
        .map(|e| String::from_utf8_lossy(e.path(file)).into_owned())
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
        assert_eq!(tracked.digests.len(), 6, "repeats are held once");
        for reached in ["src/train.py", "a.py", "untracked.py", "b/c.py"] {
            tracked.mark_reached(reached);
        }
        let mut excludes = globset::GlobSetBuilder::new();
        excludes.add(globset::Glob::new("data/x").unwrap());
        let excludes = excludes.build().unwrap();
        let hidden = |excludes: &GlobSet| tracked.hidden_among(names.iter(), excludes);
        assert_eq!(hidden(&excludes), ["build/model.py"]);
        assert_eq!(
            hidden(&GlobSet::empty()),
            ["build/model.py", "data/x/ignored.py"]
        );
        // A path the index does not list is never hidden.
        let more = names.iter().chain(&["new.py"]);
        assert_eq!(tracked.hidden_among(more, &excludes), ["build/model.py"]);
        let none = Tracked::new(std::iter::empty::<&str>());
        assert_eq!(none.hidden_among(names.iter(), &GlobSet::empty()).len(), 0);
    }

    #[test]
    fn digests_tell_paths_apart_and_find_them_again() {
        let paths: Vec<String> = (0..5000).map(|i| format!("d{}/f{i}.py", i % 7)).collect();
        let tracked = Tracked::new(paths.iter());
        assert_eq!(tracked.digests.len(), 5000);
        for p in &paths {
            assert!(tracked.position(p).is_some(), "{p}");
        }
        for other in ["d0/f1.py", "f0.py", "", "d0/f0.py/"] {
            assert_eq!(tracked.position(other), None, "{other}");
        }
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
        assert!(tracked
            .hidden_among(paths.iter(), &GlobSet::empty())
            .is_empty());
    }
}
