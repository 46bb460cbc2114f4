//! Handing memory the process freed back to the operating system between
//! the phases of a run.
//!
//! glibc's allocator keeps freed memory for reuse in the arena of the
//! thread that freed it, and gives back only what lies at the top of an
//! arena. After the walk, its threads' arenas hold the walker's queue and
//! file buffers (14 MiB at a million files), freed but resident, that the
//! phases after it, which allocate on other threads, cannot reuse; layout
//! detection and the partition leave holes of their own. Trimming after
//! each phase keeps the peak at what the phases hold, not the sum of what
//! they once held: 53 MiB down to 45 MiB at a million files (see
//! `docs/benchmark.md`).

/// Returns the free pages of every allocator arena to the operating system
/// (`malloc_trim(0)`); a no-op where the allocator is not glibc's.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn release_freed() {
    // SAFETY: malloc_trim only walks the allocator's own free lists under
    // its locks; it frees nothing in use and is safe from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// See the glibc version: other allocators return memory their own way.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed() {}

#[cfg(test)]
mod tests {
    #[test]
    fn released_memory_stays_usable() {
        // Memory freed and trimmed is allocated again without fault, and
        // what is still in use keeps its contents.
        let kept: Vec<u64> = (0..1000).collect();
        let freed: Vec<Vec<u8>> = (0..256).map(|i| vec![i as u8; 64 << 10]).collect();
        drop(freed);
        super::release_freed();
        let again: Vec<Vec<u8>> = (0..256).map(|i| vec![i as u8; 64 << 10]).collect();
        assert!(again.iter().enumerate().all(|(i, v)| v[0] == i as u8));
        assert_eq!(kept.iter().sum::<u64>(), 499_500);
    }
}
