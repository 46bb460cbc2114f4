//! Diagnostics that point at a place in a user's file: `file:line:column: message`.

use crate::node::Pos;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: String,
    pub pos: Pos,
    pub message: String,
}

impl Diagnostic {
    pub fn new(file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.pos.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.pos.line, self.pos.column, self.message
            )
        }
    }
}

/// Several diagnostics reported together (every problem at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} problem{} found in rubrics:",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, d) in self.0.iter().enumerate() {
            if i + 1 == n {
                write!(f, "  {d}")?;
            } else {
                writeln!(f, "  {d}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
