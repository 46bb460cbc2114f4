//! Rubrics: the YAML format, its validation, and the built-in catalogue.

pub mod builtin;
pub mod doc;
pub mod load;
pub mod model;
pub mod rungs;

pub use load::{load_catalog, read_rubric_dir, RubricSource};
pub use model::{Catalog, Check, Probe, ProbeId, Rubric, Rule};
