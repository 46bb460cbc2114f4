//! The scan's glob set, compiled in two halves on two threads. Parsing
//! every rule's globs and building the set's regexes was the largest part
//! of the scan's fixed start-up; the halves answer "which globs match this
//! path?" with the same indices, in the same order, as one set would.

use globset::{Candidate, GlobSet, GlobSetBuilder};

/// Below this many globs one thread builds the whole set: a thread costs
/// more than it would save.
const SPLIT_FROM: usize = 32;

/// Globs compiled into one or two [`GlobSet`]s; a glob is known by its
/// position in the list it was built from.
pub struct SplitGlobSet {
    /// Each part's set, and the position of each of its globs in the list.
    parts: Vec<(GlobSet, Vec<usize>)>,
}

/// Buffers reused from one path to the next.
#[derive(Default)]
pub struct Matches {
    /// The positions of the globs that matched, ascending.
    pub matched: Vec<usize>,
    part: Vec<usize>,
}

impl SplitGlobSet {
    /// Compiles `globs` (with [`super::glob::compile`]). An error names the
    /// first glob in `globs` that does not compile, as building them in
    /// order would.
    pub fn build(globs: &[String]) -> Result<SplitGlobSet, String> {
        let positions: Vec<usize> = (0..globs.len()).collect();
        if globs.len() < SPLIT_FROM {
            return Ok(SplitGlobSet {
                parts: vec![(
                    build_part(globs, &positions).map_err(|(_, e)| e)?,
                    positions,
                )],
            });
        }
        // Split by how a set matches a glob. Globs with wildcards that end in
        // a literal extension each get a regex of their own, tried only on
        // paths with that extension; the other wildcard globs share one
        // regex set, run over every path. Each kind costs about half of the
        // building, and splitting either kind differently would run the
        // regex set twice for every path.
        let (shared_regex, by_extension): (Vec<usize>, Vec<usize>) = positions
            .iter()
            .partition(|&&i| !ends_in_a_literal_extension(&globs[i]));
        let (first, second) = std::thread::scope(|s| {
            let other = s.spawn(|| build_part(globs, &by_extension));
            let first = build_part(globs, &shared_regex);
            let second = other
                .join()
                .unwrap_or_else(|_| Err((0, "building the glob set failed".into())));
            (first, second)
        });
        match (first, second) {
            (Ok(a), Ok(b)) => Ok(SplitGlobSet {
                parts: vec![(a, shared_regex), (b, by_extension)],
            }),
            (Err((i, e)), Err((j, f))) => Err(if i < j { e } else { f }),
            (Err((_, e)), _) | (_, Err((_, e))) => Err(e),
        }
    }

    /// Fills `into.matched` with the positions of the globs matching `path`.
    pub fn matches_into(&self, path: &str, into: &mut Matches) {
        into.matched.clear();
        let candidate = Candidate::new(path);
        for (set, positions) in &self.parts {
            set.matches_candidate_into(&candidate, &mut into.part);
            into.matched.extend(into.part.iter().map(|&i| positions[i]));
        }
        if self.parts.len() > 1 {
            into.matched.sort_unstable();
        }
    }
}

/// `**/dir/*.yml`, `src/**/test_*.py`: a wildcard in the file name or the
/// directories, and a literal extension at the end.
fn ends_in_a_literal_extension(glob: &str) -> bool {
    let special = |c: char| matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\');
    // `**/name.ext` is matched by its file name alone, without a regex.
    if !glob.strip_prefix("**/").unwrap_or(glob).contains(special) {
        return false;
    }
    // The wildcard is then before the extension.
    glob.rsplit_once('.')
        .is_some_and(|(_, ext)| !ext.is_empty() && !ext.contains('/') && !ext.contains(special))
}

/// The set of the globs at `positions`; an error carries the position of
/// the first glob that does not compile.
fn build_part(globs: &[String], positions: &[usize]) -> Result<GlobSet, (usize, String)> {
    let mut builder = GlobSetBuilder::new();
    for &i in positions {
        builder.add(super::glob::compile(&globs[i]).map_err(|e| (i, e.to_string()))?);
    }
    builder
        .build()
        .map_err(|e| (positions.first().copied().unwrap_or(0), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_set(globs: &[String]) -> GlobSet {
        let mut builder = GlobSetBuilder::new();
        for g in globs {
            builder.add(super::super::glob::compile(g).unwrap());
        }
        builder.build().unwrap()
    }

    #[test]
    fn two_halves_match_what_one_set_matches_with_the_same_positions() {
        let shapes = [
            "**/*.py",
            ".github/workflows/*.yml",
            "**/Dockerfile*",
            "deploy/**/*.yaml",
            "**/dvc.yaml",
            "README.md",
            "**/{serve,api}/**/*.py",
            "**/*.tar.gz",
        ];
        // Enough globs to be split, with the same glob twice.
        let mut globs: Vec<String> = (0..6)
            .flat_map(|n| {
                shapes
                    .iter()
                    .map(move |s| s.replace("dvc", &format!("dvc{n}")))
            })
            .collect();
        globs.push("**/*.py".into());
        assert!(globs.len() >= SPLIT_FROM);
        let split = SplitGlobSet::build(&globs).unwrap();
        assert_eq!(split.parts.len(), 2);
        let whole = one_set(&globs);
        let mut matches = Matches::default();
        for path in [
            "a.py",
            "x/serve/y/z.py",
            ".github/workflows/ci.yml",
            ".github/workflows/sub/ci.yml",
            "Dockerfile.gpu",
            "deploy/k8s/a.yaml",
            "a/dvc3.yaml",
            "README.md",
            "docs/README.md",
            "b.tar.gz",
            "nothing.txt",
        ] {
            split.matches_into(path, &mut matches);
            assert_eq!(matches.matched, whole.matches(path), "{path}");
        }
        // The buffer is cleared between paths.
        split.matches_into("nothing.txt", &mut matches);
        assert!(matches.matched.is_empty());
    }

    #[test]
    fn globs_are_split_by_how_a_set_matches_them() {
        for glob in ["**/dir/*.yml", ".github/workflows/*.yaml", "**/test_*.py"] {
            assert!(ends_in_a_literal_extension(glob), "{glob}");
        }
        for glob in [
            "**/Dockerfile*",
            "**/*.{yml,yaml}",
            "README.md",
            "**/dvc.yaml",
            "**/*.",
            "a.*/b",
        ] {
            assert!(!ends_in_a_literal_extension(glob), "{glob}");
        }
    }

    #[test]
    fn a_bad_glob_is_reported_as_the_first_in_the_list() {
        let mut globs: Vec<String> = (0..40).map(|i| format!("**/f{i}.py")).collect();
        globs[7] = "a[".into();
        globs[12] = "b{".into();
        let error = SplitGlobSet::build(&globs).err().expect("fails");
        let expected = super::super::glob::compile("a[").unwrap_err().to_string();
        assert_eq!(error, expected);
        globs[7] = "ok.py".into();
        let error = SplitGlobSet::build(&globs).err().expect("fails");
        let expected = super::super::glob::compile("b{").unwrap_err().to_string();
        assert_eq!(error, expected);
        // A small list is one set, with the same error.
        let error = SplitGlobSet::build(&globs[..13]).err().expect("fails");
        assert_eq!(error, expected);
    }
}
