//! The files git tracks. A committed file always counts: a `.gitignore`
//! line in a pull request must not hide a committed vector-store module
//! from the scan and flip a release gate. The walk applies only the
//! repository's own `.gitignore` files (never `.ignore`, `.git/info/exclude`
//! or ignore files above the root), and the tracked files it skipped are
//! added back from the index.

use globset::GlobSet;
use std::collections::HashSet;
use std::path::Path;

/// The index is read only up to this size.
const MAX_INDEX: u64 = 256 << 20;

/// Repository-relative paths (with `/`) of the regular files and links in
/// `root/.git/index`; `Ok(None)` when `root` is not the top of a git work
/// tree with an index.
pub fn tracked_files(root: &Path) -> Result<Option<Vec<String>>, String> {
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
    let file = gix_index::File::at(
        &index,
        gix_hash::Kind::Sha1,
        false,
        gix_index::decode::Options::default(),
    )
    .map_err(|e| format!(".git/index cannot be read: {e}"))?;
    let mut paths: Vec<String> = file
        .entries()
        .iter()
        // Submodules are other repositories; sparse directory entries name
        // no file of this checkout.
        .filter(|e| {
            !matches!(
                e.mode,
                gix_index::entry::Mode::COMMIT | gix_index::entry::Mode::DIR
            )
        })
        .map(|e| String::from_utf8_lossy(e.path(&file)).into_owned())
        .collect();
    paths.sort();
    paths.dedup();
    Ok(Some(paths))
}

/// Tracked files the walk did not reach because a `.gitignore` hid them (or
/// a directory holding them), except those in always-skipped directories
/// (vendored code, virtual environments) or excluded by the configuration.
pub fn hidden_tracked_files(
    tracked: &[String],
    seen: &HashSet<String>,
    excludes: &GlobSet,
) -> Vec<String> {
    tracked
        .iter()
        .filter(|p| !seen.contains(*p))
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
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_without_git_has_no_tracked_list() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(tracked_files(dir.path()).unwrap(), None);
    }
}
