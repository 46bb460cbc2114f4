//! Files the tool reads and writes for itself (answers, config, rubrics,
//! baselines, reports). Writes are atomic, so a crash or Ctrl-C leaves the
//! old file or the new one, never a truncated mix. Reads are bounded and
//! take only regular files, so a committed symlink to `/dev/zero` or a FIFO
//! is an error naming the file, not an out-of-memory kill or a hang; and a
//! file the repository controls must lie inside it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The most the tool reads of one of its own files (answers, config, rubric).
pub const MAX_OWN_FILE: u64 = 16 << 20;
/// The most it reads of a JSON report (`--baseline`, `diff`).
pub const MAX_REPORT: u64 = 256 << 20;

/// Who chose the path of a file being read.
#[derive(Debug, Clone, Copy)]
pub enum Chosen<'a> {
    /// The repository (a default location or a path in `readiness.toml`):
    /// it must be a regular file inside `root`, not a symbolic link.
    ByRepository { root: &'a Path },
    /// The user, on the command line: links are followed.
    ByUser,
}

/// Reads at most `cap` bytes of a regular file. Errors say what is wrong
/// (not a regular file, a link, outside the repository, too large); a
/// missing file is `NotFound` as usual.
pub fn read_bounded(path: &Path, cap: u64, chosen: Chosen) -> std::io::Result<Vec<u8>> {
    let invalid = |msg: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, msg);
    if let Chosen::ByRepository { root } = chosen {
        let meta = std::fs::symlink_metadata(path)?;
        if meta.file_type().is_symlink() {
            return Err(invalid(
                "is a symbolic link; files the repository provides to readiness must be regular files".into(),
            ));
        }
        ensure_inside(root, path)?;
    }
    let file = open_no_block(path, matches!(chosen, Chosen::ByRepository { .. }))?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(invalid("is not a regular file".into()));
    }
    if meta.len() > cap {
        return Err(invalid(format!("is larger than {} MiB", cap >> 20)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(invalid(format!("is larger than {} MiB", cap >> 20)));
    }
    Ok(bytes)
}

/// Opens for reading without blocking on a FIFO (and, when asked, without
/// following a symbolic link in the last component).
pub fn open_no_block(path: &Path, no_follow: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if no_follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = no_follow;
    options.open(path)
}

/// Fails unless `path`'s directory, with every link resolved, lies inside
/// `root`: a `.readiness` directory that links elsewhere, or `../x` in
/// `readiness.toml`, would read or write outside the repository.
pub fn ensure_inside(root: &Path, path: &Path) -> std::io::Result<()> {
    let root = root.canonicalize()?;
    let mut dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    // The directory may not exist yet (a first `ask`): check its nearest
    // existing ancestor.
    while !dir.exists() {
        match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => dir = parent.to_path_buf(),
            _ => return Ok(()),
        }
    }
    if dir.canonicalize()?.starts_with(&root) {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "lies outside the repository (through a symbolic link or `..`); name it on the command line to use it",
        ))
    }
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk,
/// renames it over `path` and flushes the directory, so the rename itself
/// survives a crash. Creates missing parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// [`write_atomic`] for text produced as it is written: `write` fills the
/// temporary file through a buffer, so a large report never has to be
/// held whole in memory. Nothing replaces `path` unless `write` succeeds.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = file_name(path);
    write_atomic_via(path, write, &format!(".{name}.{}.tmp", std::process::id()))
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("readiness-output")
}

fn parent_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn write_atomic_via(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    tmp_name: &str,
) -> std::io::Result<()> {
    let dir = parent_dir(path);
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(tmp_name);
    // Whatever has that name already (a crashed save's leftover, or a link
    // a pull request planted to have us write through it) is removed, not
    // followed; the new file is created only if nothing took the name in
    // between (O_EXCL never follows a link).
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let result = (|| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        let file = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename is durable only once the directory is.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// An exclusive lock on the directory that holds `path`, held until
/// dropped: two `readiness ask` sessions never interleave their
/// read-merge-write cycles. Locking the directory (flock on its descriptor)
/// leaves no lock file behind for anyone to commit.
pub struct Lock {
    _dir: std::fs::File,
}

pub fn lock_beside(path: &Path) -> std::io::Result<Lock> {
    let dir = parent_dir(path);
    std::fs::create_dir_all(&dir)?;
    let handle = std::fs::File::open(&dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a file descriptor this function owns.
        if unsafe { libc::flock(handle.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(Lock { _dir: handle })
}

/// Writes `bytes` over `path` atomically under a [`Lock`] the caller holds:
/// the temporary file has one fixed name, so a writer killed mid-write
/// leaves at most one stray file, which the next write replaces.
pub fn write_atomic_locked(path: &Path, bytes: &[u8], _lock: &Lock) -> std::io::Result<()> {
    let name = file_name(path);
    write_atomic_via(path, |out| out.write_all(bytes), &format!(".{name}.tmp"))
}

#[cfg(test)]
mod bounded_tests {
    use super::*;

    #[test]
    fn links_special_files_and_oversized_files_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("ok.yaml"), "a: 1\n").unwrap();
        let repo = Chosen::ByRepository { root };
        assert_eq!(
            read_bounded(&root.join("ok.yaml"), 100, repo).unwrap(),
            b"a: 1\n"
        );
        let too_big = read_bounded(&root.join("ok.yaml"), 3, repo).unwrap_err();
        assert!(too_big.to_string().contains("larger than"), "{too_big}");

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/dev/zero", root.join("zero.yaml")).unwrap();
            let link = read_bounded(&root.join("zero.yaml"), MAX_OWN_FILE, repo).unwrap_err();
            assert!(link.to_string().contains("symbolic link"), "{link}");
            // Named by the user, the link is followed, but a device is still refused.
            let device =
                read_bounded(&root.join("zero.yaml"), MAX_OWN_FILE, Chosen::ByUser).unwrap_err();
            assert!(
                device.to_string().contains("not a regular file"),
                "{device}"
            );
            let fifo = root.join("fifo.yaml");
            assert!(std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success());
            let err = read_bounded(&fifo, MAX_OWN_FILE, repo).unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
            // A directory that links outside the repository.
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("answers.yaml"), "answers: []\n").unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join(".readiness")).unwrap();
            let escape = read_bounded(&root.join(".readiness/answers.yaml"), MAX_OWN_FILE, repo)
                .unwrap_err();
            assert!(
                escape.to_string().contains("outside the repository"),
                "{escape}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_temporary_name_planted_as_a_link_is_never_written_through() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        let dir = repo.path().join(".readiness");
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join("answers.yaml");
        // Both temporary names a save can use, committed as links.
        std::os::unix::fs::symlink(&victim, dir.join(".answers.yaml.tmp")).unwrap();
        let pid_name = format!(".answers.yaml.{}.tmp", std::process::id());
        std::os::unix::fs::symlink(&victim, dir.join(&pid_name)).unwrap();
        let lock = lock_beside(&path).unwrap();
        write_atomic_locked(&path, b"version: 1\n", &lock).unwrap();
        drop(lock);
        write_atomic(&path, b"version: 1\nanswers: []\n").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(
            meta.file_type().is_file(),
            "the saved file is a regular file"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "version: 1\nanswers: []\n"
        );
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary names left");
    }

    #[test]
    fn a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old\n").unwrap();
        let err = write_atomic_with(&path, |out| {
            // More than a buffer's worth reaches the temporary file first.
            out.write_all(&[b'x'; 64 * 1024])?;
            Err(std::io::Error::other("serializer failed"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("serializer failed"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
        write_atomic_with(&path, |out| out.write_all(b"new\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    }
}
