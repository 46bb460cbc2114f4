//! The built-in rubrics, embedded in the binary so it needs no files at run time.

use super::load::RubricSource;

/// `(file name, contents)` of every built-in rubric, in ladder-reading order.
pub const BUILTIN_RUBRICS: &[(&str, &str)] = &[
    (
        "versioning.yaml",
        include_str!("../../rubrics/versioning.yaml"),
    ),
    ("evals.yaml", include_str!("../../rubrics/evals.yaml")),
    (
        "monitoring.yaml",
        include_str!("../../rubrics/monitoring.yaml"),
    ),
    (
        "ownership.yaml",
        include_str!("../../rubrics/ownership.yaml"),
    ),
    ("rollback.yaml", include_str!("../../rubrics/rollback.yaml")),
    (
        "data-layer.yaml",
        include_str!("../../rubrics/data-layer.yaml"),
    ),
];

pub fn sources() -> Vec<RubricSource> {
    BUILTIN_RUBRICS
        .iter()
        .map(|(file, text)| RubricSource {
            name: format!("rubrics/{file}"),
            origin: format!("builtin:{file}"),
            text: (*text).to_owned(),
            trusted: true,
        })
        .collect()
}
