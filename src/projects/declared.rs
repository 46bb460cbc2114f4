//! Projects as `readiness.toml` declares them, and how the repository's
//! figure is rolled up from its projects:
//!
//! ```toml
//! rollup = "weakest"          # or "most_mature" (the default)
//! detect_projects = false     # trust only [[project]] entries
//!
//! [[project]]
//! name = "fraud"
//! paths = ["services/fraud", "libs/fraud-features"]
//!
//! [[project]]
//! path = "models/*"           # one project per matching folder
//! ```
//!
//! Declared projects replace detection. Paths are repository-relative
//! folders (globs allowed) and never leave the repository.

use super::{Origin, Project};
use crate::diag::Diagnostic;
use crate::node::{Node, Pos, Value};
use serde::Serialize;
use std::collections::BTreeSet;

/// Which project the repository's overall figure is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupRule {
    /// The project furthest up the ladder: what the repository shows it
    /// can do (a course, a collection of samples).
    #[default]
    MostMature,
    /// The project furthest behind: what every project of the repository
    /// has reached (a platform monorepo that ships them all).
    Weakest,
}

impl RollupRule {
    pub fn describe(self) -> &'static str {
        match self {
            RollupRule::MostMature => "the most mature",
            RollupRule::Weakest => "the weakest",
        }
    }
}

/// The project settings of `readiness.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectConfig {
    pub declared: Vec<ProjectDecl>,
    /// Find projects from the layout when none are declared.
    pub detect: bool,
    pub rollup: RollupRule,
}

impl Default for ProjectConfig {
    fn default() -> Self {
        ProjectConfig {
            declared: Vec::new(),
            detect: true,
            rollup: RollupRule::default(),
        }
    }
}

/// One `[[project]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDecl {
    /// Absent: each folder the paths match is a project named after it.
    pub name: Option<String>,
    pub paths: Vec<String>,
    pub pos: Pos,
}

const PROJECT_KEYS: &[&str] = &["name", "path", "paths"];

/// Parses the `[[project]]` array.
pub fn parse_projects(node: &Node, file: &str, errors: &mut Vec<Diagnostic>) -> Vec<ProjectDecl> {
    let Value::Seq(items) = &node.value else {
        errors.push(Diagnostic::new(
            file,
            node.pos,
            "write projects as `[[project]]` tables",
        ));
        return Vec::new();
    };
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for item in items {
        let Value::Map(fields) = &item.value else {
            errors.push(Diagnostic::new(file, item.pos, "a project must be a table"));
            continue;
        };
        let before = errors.len();
        let mut decl = ProjectDecl {
            name: None,
            paths: Vec::new(),
            pos: item.pos,
        };
        for field in fields {
            let node = &field.node;
            match field.key.as_str() {
                "name" => match node.as_str().map(str::trim) {
                    Some(name) if !name.is_empty() && !name.chars().any(char::is_control) => {
                        if !names.insert(name.to_owned()) {
                            errors.push(Diagnostic::new(
                                file,
                                node.pos,
                                format!("project `{name}` is declared twice"),
                            ));
                        }
                        decl.name = Some(name.to_owned());
                    }
                    _ => errors.push(Diagnostic::new(
                        file,
                        node.pos,
                        "a project's `name` must be a non-empty string",
                    )),
                },
                "path" => match node.as_str() {
                    Some(p) => decl.paths.push(checked_path(p, node.pos, file, errors)),
                    None => errors.push(Diagnostic::new(
                        file,
                        node.pos,
                        "a project's `path` must be a string",
                    )),
                },
                "paths" => match &node.value {
                    Value::Seq(list) if !list.is_empty() => {
                        for p in list {
                            match p.as_str() {
                                Some(s) => decl.paths.push(checked_path(s, p.pos, file, errors)),
                                None => errors.push(Diagnostic::new(
                                    file,
                                    p.pos,
                                    "`paths` must list strings",
                                )),
                            }
                        }
                    }
                    _ => errors.push(Diagnostic::new(
                        file,
                        node.pos,
                        "a project's `paths` must be a non-empty list of folders",
                    )),
                },
                other => errors.push(Diagnostic::new(
                    file,
                    field.key_pos,
                    format!(
                        "unknown key `{other}` in a project; expected one of: {}",
                        PROJECT_KEYS.join(", ")
                    ),
                )),
            }
        }
        if decl.paths.is_empty() && errors.len() == before {
            errors.push(Diagnostic::new(
                file,
                item.pos,
                "a project needs `path` or `paths` (its folders in the repository)",
            ));
        }
        if errors.len() == before {
            out.push(decl);
        }
    }
    out
}

/// A repository-relative folder or glob, normalised (no `./`, no trailing
/// `/`); an absolute path or one with `..` is an error.
fn checked_path(path: &str, pos: Pos, file: &str, errors: &mut Vec<Diagnostic>) -> String {
    let trimmed = path.trim().trim_start_matches("./").trim_end_matches('/');
    let escapes = trimmed.starts_with('/')
        || trimmed.split('/').any(|part| part == "..")
        || trimmed.contains('\\')
        || trimmed.chars().any(char::is_control);
    if escapes {
        errors.push(Diagnostic::new(
            file,
            pos,
            format!(
                "project path `{path}` must be a folder inside the repository (relative, no `..`)"
            ),
        ));
    } else if is_glob(trimmed) {
        if let Err(e) = crate::scan::glob::compile(trimmed) {
            errors.push(Diagnostic::new(
                file,
                pos,
                format!("project path `{path}` is not a valid glob: {e}"),
            ));
        }
    }
    trimmed.to_owned()
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '[', '{'])
}

/// The declared projects, their globs matched against `folders` (every
/// folder the scan saw a file of interest in). A glob that matches nothing
/// is reported, never silently dropped.
pub fn resolve(decls: &[ProjectDecl], folders: &BTreeSet<String>) -> Result<Vec<Project>, String> {
    let mut out: Vec<Project> = Vec::new();
    for decl in decls {
        let mut matched: Vec<String> = Vec::new();
        for path in &decl.paths {
            if path.is_empty() {
                matched.push(String::new());
            } else if is_glob(path) {
                let glob = crate::scan::glob::compile(path)
                    .map_err(|e| format!("project path `{path}`: {e}"))?
                    .compile_matcher();
                let found: Vec<String> = folders
                    .iter()
                    .filter(|f| glob.is_match(f.as_str()))
                    .cloned()
                    .collect();
                if found.is_empty() {
                    return Err(format!(
                        "project path `{path}` matches no folder that holds a file readiness reads"
                    ));
                }
                matched.extend(found);
            } else {
                matched.push(path.clone());
            }
        }
        match &decl.name {
            Some(name) => out.push(Project {
                name: name.clone(),
                folders: matched,
                origin: Origin::Declared,
            }),
            None => out.extend(matched.into_iter().map(|folder| Project {
                name: if folder.is_empty() {
                    ".".to_owned()
                } else {
                    folder.clone()
                },
                folders: vec![folder],
                origin: Origin::Declared,
            })),
        }
    }
    let mut seen = BTreeSet::new();
    for p in &out {
        if !seen.insert(p.name.as_str()) {
            return Err(format!("project `{}` is declared twice", p.name));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<ProjectDecl>, Vec<Diagnostic>> {
        let root = crate::node::parse_toml(text).expect("TOML");
        let mut errors = Vec::new();
        let decls = parse_projects(root.get("project").expect("project"), "r.toml", &mut errors);
        if errors.is_empty() {
            Ok(decls)
        } else {
            Err(errors)
        }
    }

    #[test]
    fn projects_have_a_name_and_folders_inside_the_repository() {
        let decls = parse(
            "[[project]]\nname = \"fraud\"\npaths = [\"./services/fraud/\", \"libs/f\"]\n\n[[project]]\npath = \"models/*\"\n",
        )
        .expect("valid");
        assert_eq!(decls[0].name.as_deref(), Some("fraud"));
        assert_eq!(decls[0].paths, ["services/fraud", "libs/f"]);
        assert_eq!(decls[1].name, None);
        for bad in [
            "[[project]]\npath = \"../elsewhere\"\n",
            "[[project]]\npath = \"/etc\"\n",
            "[[project]]\nname = \"x\"\n",
            "[[project]]\nname = \"x\"\npath = \"a\"\n[[project]]\nname = \"x\"\npath = \"b\"\n",
            "[[project]]\npath = \"a\"\nowner = \"me\"\n",
        ] {
            let errors = parse(bad).expect_err(bad);
            assert!(
                errors[0].to_string().contains("r.toml:"),
                "{bad}: {errors:?}"
            );
        }
    }

    #[test]
    fn a_glob_names_one_project_per_folder_and_a_glob_matching_nothing_is_an_error() {
        let folders: BTreeSet<String> = ["models", "models/a", "models/b", "models/a/src"]
            .map(String::from)
            .into();
        let decls = parse("[[project]]\npath = \"models/*\"\n").unwrap();
        let projects = resolve(&decls, &folders).unwrap();
        let names: Vec<&str> = projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["models/a", "models/b"]);
        let none = parse("[[project]]\npath = \"services/*\"\n").unwrap();
        assert!(resolve(&none, &folders).unwrap_err().contains("services/*"));
    }
}
