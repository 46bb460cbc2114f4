//! Glob semantics shared by every rule: paths are repository-relative with `/`
//! separators, `*` never crosses a `/`, `**/` matches any depth, `{a,b}`
//! alternates. Matching is case-sensitive, as on the file systems CI runs on.

pub fn compile(glob: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .backslash_escape(true)
        .empty_alternates(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, path: &str) -> bool {
        compile(glob).unwrap().compile_matcher().is_match(path)
    }

    #[test]
    fn star_stays_in_one_directory_and_double_star_crosses() {
        assert!(matches(
            ".github/workflows/*.{yml,yaml}",
            ".github/workflows/ci.yaml"
        ));
        assert!(!matches(
            ".github/workflows/*.yml",
            ".github/workflows/sub/ci.yml"
        ));
        assert!(matches("**/dvc.yaml", "dvc.yaml"));
        assert!(matches("**/dvc.yaml", "a/b/dvc.yaml"));
        assert!(!matches("**/*.py", "a/b/x.pyc"));
    }
}
