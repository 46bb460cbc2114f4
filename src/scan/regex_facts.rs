//! What the scanner reads of a rubric's regex before running it (see
//! [`super::required`]), looked up for the built-in rubrics' regexes in a
//! table `build.rs` computed with the same functions, and computed for any
//! other: a run does not parse each built-in pattern again to learn it.

use super::required;

/// What [`super::required`] reads of one pattern.
pub struct Facts {
    pub pattern: &'static str,
    pub literals: Option<&'static [&'static str]>,
    pub token_only: bool,
    pub whole_value: bool,
}

// `BUILTIN`: every `pattern` and `value` string of the built-in rubrics,
// sorted.
include!(concat!(env!("OUT_DIR"), "/builtin_regexes.rs"));

fn builtin(pattern: &str) -> Option<&'static Facts> {
    BUILTIN
        .binary_search_by(|f| f.pattern.cmp(pattern))
        .ok()
        .map(|i| &BUILTIN[i])
}

/// [`required::required_literals`].
pub fn required_literals(pattern: &str) -> Option<Vec<String>> {
    match builtin(pattern) {
        Some(facts) => facts
            .literals
            .map(|set| set.iter().map(|&l| l.to_owned()).collect()),
        None => required::required_literals(pattern),
    }
}

/// [`required::token_only`].
pub fn token_only(pattern: &str) -> bool {
    builtin(pattern).map_or_else(|| required::token_only(pattern), |f| f.token_only)
}

/// [`required::whole_value`].
pub fn whole_value(pattern: &str) -> bool {
    builtin(pattern).map_or_else(|| required::whole_value(pattern), |f| f.whole_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_says_what_the_functions_compute() {
        assert!(BUILTIN.windows(2).all(|w| w[0].pattern < w[1].pattern));
        for facts in BUILTIN {
            let p = facts.pattern;
            let literals = facts
                .literals
                .map(|set| set.iter().map(|&l| l.to_owned()).collect::<Vec<_>>());
            assert_eq!(literals, required::required_literals(p), "{p}");
            assert_eq!(facts.token_only, required::token_only(p), "{p}");
            assert_eq!(facts.whole_value, required::whole_value(p), "{p}");
        }
    }

    #[test]
    fn every_builtin_content_pattern_and_key_value_is_in_the_table() {
        use crate::rubric::model::Probe;
        let catalog = crate::load_catalog(&[]).expect("built-ins load");
        let mut seen = 0;
        for probe in &catalog.probes {
            let pattern = match probe {
                Probe::Content { pattern, .. } => pattern,
                Probe::Key(key) => match &key.value {
                    Some(value) => value,
                    None => continue,
                },
                _ => continue,
            };
            assert!(builtin(pattern).is_some(), "{pattern}");
            seen += 1;
        }
        assert!(seen > 100, "{seen}");
    }

    #[test]
    fn a_pattern_outside_the_table_is_computed() {
        let p = "(?i)not_in_any_builtin_rubric_xyz";
        assert!(builtin(p).is_none());
        assert_eq!(required_literals(p), required::required_literals(p));
        assert!(required_literals(p).is_some());
    }
}
