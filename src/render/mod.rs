//! Output formats: each is a pure function from a [`Report`](crate::report::Report) to text.

pub mod fleet;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod projects;
pub mod sarif;
pub mod table;
pub mod trend;
pub mod verdict;
