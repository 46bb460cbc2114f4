//! Stored JSON reports as the commands over many of them (`fleet`,
//! `trend`) read them: the files named on the command line, each read
//! through the report size cap, parsed leniently (fields added by later
//! versions are ignored; only `schema_version` 1 is understood). A file
//! that cannot be used is a note naming it, never a silent pass.

use crate::report::Provenance;
use serde::Deserialize;

/// What the commands read of a report.
#[derive(Debug, Deserialize)]
pub struct Saved {
    pub schema_version: u32,
    pub tool: SavedTool,
    pub rubrics: Vec<SavedRubric>,
    pub overall: SavedOverall,
    pub areas: Vec<SavedArea>,
    #[serde(default)]
    pub next_steps: Vec<SavedStep>,
    #[serde(default)]
    pub provenance: Option<Provenance>,
    /// The projects of a repository that holds several.
    #[serde(default)]
    pub projects: Vec<SavedProject>,
}

#[derive(Debug, Deserialize)]
pub struct SavedProject {
    pub name: String,
    pub level: u8,
    pub score: u8,
    #[serde(default)]
    pub areas: Vec<SavedProjectArea>,
}

#[derive(Debug, Deserialize)]
pub struct SavedProjectArea {
    pub id: String,
    pub level: Option<u8>,
}

#[derive(Debug, Deserialize)]
pub struct SavedTool {
    pub version: String,
}

#[derive(Debug, Deserialize)]
pub struct SavedRubric {
    pub area: String,
    pub version: String,
    #[serde(default)]
    pub digest: String,
}

#[derive(Debug, Deserialize)]
pub struct SavedOverall {
    pub level: u8,
    pub score: u8,
}

#[derive(Debug, Deserialize)]
pub struct SavedArea {
    pub id: String,
    pub level: Option<u8>,
    #[serde(default)]
    pub score: Option<u8>,
}

#[derive(Debug, Deserialize)]
pub struct SavedStep {
    pub check: String,
    pub title: String,
}

/// One report to fold in: its text and the name to show for it (its path
/// as given).
pub struct Input {
    pub name: String,
    pub text: String,
}

/// Compares dotted versions numerically (`2.10.0` > `2.9.1`); parts that
/// are not numbers compare as text.
pub fn version_key(v: &str) -> Vec<(u64, String)> {
    v.split('.')
        .map(|p| (p.parse().unwrap_or(0), p.to_owned()))
        .collect()
}

/// Parses one report; the error is the note that says why it was skipped.
pub fn parse(input: &Input) -> Result<Saved, String> {
    let unsupported = |version: u32| {
        format!(
            "{}: skipped, schema_version {version} is not supported (this readiness reads 1)",
            input.name
        )
    };
    let saved: Saved = serde_json::from_str(&input.text).map_err(|e| {
        // A report of another schema version fails on its fields first:
        // say what it is.
        #[derive(Deserialize)]
        struct Version {
            schema_version: u32,
        }
        match serde_json::from_str::<Version>(&input.text) {
            Ok(v) if v.schema_version != 1 => unsupported(v.schema_version),
            _ => format!(
                "{}:{}:{}: skipped, not a readiness JSON report ({e})",
                input.name,
                e.line(),
                e.column()
            ),
        }
    })?;
    if saved.schema_version != 1 {
        return Err(unsupported(saved.schema_version));
    }
    Ok(saved)
}

/// The report files named on the command line: files as given, folders
/// searched for `*.json` (links not followed, nothing skipped by ignore
/// files), sorted within each folder.
pub fn report_files(paths: &[std::path::PathBuf]) -> (Vec<std::path::PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<std::path::PathBuf> = ignore::WalkBuilder::new(path)
                .standard_filters(false)
                .follow_links(false)
                .build()
                .filter_map(|e| match e {
                    Ok(e) => Some(e),
                    Err(err) => {
                        notes.push(format!("{}: {err}", path.display()));
                        None
                    }
                })
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    (files, notes)
}

/// One report file, read through the report size cap. A file that cannot
/// be read is a note, not an error: one bad artifact does not hide the
/// fleet.
pub fn read_report(file: &std::path::Path) -> Result<Input, String> {
    let name = file.display().to_string();
    let bytes = crate::fsutil::read_bounded(
        file,
        crate::fsutil::MAX_REPORT,
        crate::fsutil::Chosen::ByUser,
    )
    .map_err(|e| format!("{name}: skipped, cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let pos = crate::node::invalid_utf8_pos(&e);
        format!(
            "{name}:{}:{}: skipped, not valid UTF-8",
            pos.line, pos.column
        )
    })?;
    Ok(Input { name, text })
}
