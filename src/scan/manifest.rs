//! Dependency manifests: which packages a project declares, with the line
//! that declares each. Names are normalised as their ecosystem does (PEP 503
//! for Python: case-folded, runs of `-`, `_`, `.` become `-`).

use crate::node::{self, Node, Value};
use crate::rubric::model::Ecosystem;

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Declared {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub line: u32,
}

/// The manifest kinds read, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Requirements,
    Pyproject,
    SetupCfg,
    SetupPy,
    Pipfile,
    Conda,
    PackageJson,
}

/// Globs that select manifest files (all at any depth).
pub const GLOBS: &[(&str, Kind)] = &[
    ("**/requirements*.{txt,in}", Kind::Requirements),
    ("**/requirements/*.{txt,in}", Kind::Requirements),
    ("**/constraints*.txt", Kind::Requirements),
    ("**/pyproject.toml", Kind::Pyproject),
    ("**/setup.cfg", Kind::SetupCfg),
    ("**/setup.py", Kind::SetupPy),
    ("**/Pipfile", Kind::Pipfile),
    ("**/{environment,conda,env}.{yml,yaml}", Kind::Conda),
    ("**/package.json", Kind::PackageJson),
];

pub fn normalize(name: &str, ecosystem: Option<Ecosystem>) -> String {
    let lower = name.trim().to_ascii_lowercase();
    if ecosystem == Some(Ecosystem::Npm) || lower.starts_with('@') {
        return lower;
    }
    let mut out = String::with_capacity(lower.len());
    let mut last_sep = false;
    for c in lower.chars() {
        if c == '-' || c == '_' || c == '.' {
            if !last_sep {
                out.push('-');
            }
            last_sep = true;
        } else {
            out.push(c);
            last_sep = false;
        }
    }
    out
}

/// The distribution name at the start of a PEP 508 requirement string.
fn pep508_name(spec: &str) -> Option<String> {
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric()))
    .then(|| normalize(name, Some(Ecosystem::Python)))
}

/// Reads the dependencies a manifest declares. Unparseable structured
/// manifests are an error the caller records as an unknown.
pub fn read(kind: Kind, text: &str) -> Result<Vec<Declared>, String> {
    let py = |name: String, line: u32| Declared {
        ecosystem: Ecosystem::Python,
        name,
        line,
    };
    let mut out = Vec::new();
    match kind {
        Kind::Requirements => {
            for (i, raw) in text.lines().enumerate() {
                let line = raw.split(" #").next().unwrap_or("").trim();
                if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
                    continue;
                }
                if let Some(name) = pep508_name(line) {
                    out.push(py(name, line_no(i)));
                }
            }
        }
        Kind::SetupCfg => {
            let mut section = String::new();
            let mut in_requires = false;
            for (i, raw) in text.lines().enumerate() {
                let trimmed = raw.trim();
                if trimmed.starts_with('[') {
                    section = trimmed.trim_matches(['[', ']']).trim().to_owned();
                    in_requires = false;
                    continue;
                }
                if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                    continue;
                }
                let indented = raw.starts_with([' ', '\t']);
                if !indented {
                    let (key, value) = trimmed.split_once('=').unwrap_or((trimmed, ""));
                    let key = key.trim();
                    in_requires = (section == "options"
                        && matches!(key, "install_requires" | "setup_requires" | "tests_require"))
                        || section == "options.extras_require";
                    if in_requires {
                        if let Some(name) = pep508_name(value) {
                            out.push(py(name, line_no(i)));
                        }
                    }
                } else if in_requires {
                    if let Some(name) = pep508_name(trimmed) {
                        out.push(py(name, line_no(i)));
                    }
                }
            }
        }
        Kind::SetupPy => {
            // setup.py is code; take quoted requirement strings between
            // `install_requires`/`extras_require` and the closing bracket.
            let mut depth = 0i32;
            let mut active = false;
            for (i, raw) in text.lines().enumerate() {
                let line = raw.split(" #").next().unwrap_or("");
                if line.contains("install_requires") || line.contains("extras_require") {
                    active = true;
                    depth = 0;
                }
                if !active {
                    continue;
                }
                for part in line.split(['"', '\'']).skip(1).step_by(2) {
                    if let Some(name) = pep508_name(part) {
                        out.push(py(name, line_no(i)));
                    }
                }
                depth += count(line, '[') + count(line, '{') - count(line, ']') - count(line, '}');
                if depth <= 0 && (line.contains(']') || line.contains('}')) {
                    active = false;
                }
            }
        }
        Kind::Pyproject => {
            let doc = node::parse_toml(text).map_err(|e| e.to_string())?;
            let mut specs: Vec<&Node> = Vec::new();
            collect_strings(doc.get_path("project.dependencies"), &mut specs);
            for path in ["project.optional-dependencies", "dependency-groups"] {
                if let Some(Node {
                    value: Value::Map(groups),
                    ..
                }) = doc.get_path(path)
                {
                    for group in groups {
                        collect_strings(Some(&group.node), &mut specs);
                    }
                }
            }
            for spec in specs {
                if let Some(name) = spec.as_str().and_then(pep508_name) {
                    out.push(py(name, spec.pos.line));
                }
            }
            let mut tables: Vec<&Node> = Vec::new();
            for path in ["tool.poetry.dependencies", "tool.poetry.dev-dependencies"] {
                tables.extend(doc.get_path(path));
            }
            if let Some(Node {
                value: Value::Map(groups),
                ..
            }) = doc.get_path("tool.poetry.group")
            {
                for group in groups {
                    tables.extend(group.node.get("dependencies"));
                }
            }
            for table in tables {
                push_keys(table, Ecosystem::Python, &mut out, &["python"]);
            }
        }
        Kind::Pipfile => {
            let doc = node::parse_toml(text).map_err(|e| e.to_string())?;
            for path in ["packages", "dev-packages"] {
                if let Some(table) = doc.get(path) {
                    push_keys(table, Ecosystem::Python, &mut out, &[]);
                }
            }
        }
        Kind::Conda => {
            let docs = node::parse_yaml_documents(text, false).map_err(|e| e.to_string())?;
            for doc in &docs {
                let Some(Node {
                    value: Value::Seq(items),
                    ..
                }) = doc.get("dependencies")
                else {
                    continue;
                };
                for item in items {
                    match &item.value {
                        Value::String(spec) => {
                            // conda specs: `channel::name=1.0`, `name>=1`.
                            let spec = spec.rsplit("::").next().unwrap_or(spec);
                            if let Some(name) = pep508_name(spec) {
                                out.push(py(name, item.pos.line));
                            }
                        }
                        Value::Map(_) => {
                            let mut pip = Vec::new();
                            collect_strings(item.get("pip"), &mut pip);
                            for spec in pip {
                                if let Some(name) = spec.as_str().and_then(pep508_name) {
                                    out.push(py(name, spec.pos.line));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        Kind::PackageJson => {
            let doc = node::parse_json(text).map_err(|e| e.to_string())?;
            for section in [
                "dependencies",
                "devDependencies",
                "peerDependencies",
                "optionalDependencies",
            ] {
                if let Some(table) = doc.get(section) {
                    push_keys(table, Ecosystem::Npm, &mut out, &[]);
                }
            }
        }
    }
    Ok(out)
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

fn count(s: &str, c: char) -> i32 {
    i32::try_from(s.matches(c).count()).unwrap_or(i32::MAX)
}

fn collect_strings<'a>(node: Option<&'a Node>, out: &mut Vec<&'a Node>) {
    if let Some(Node {
        value: Value::Seq(items),
        ..
    }) = node
    {
        out.extend(items.iter().filter(|i| i.as_str().is_some()));
    }
}

fn push_keys(table: &Node, ecosystem: Ecosystem, out: &mut Vec<Declared>, skip: &[&str]) {
    if let Value::Map(entries) = &table.value {
        for entry in entries {
            let name = normalize(&entry.key, Some(ecosystem));
            if !skip.contains(&name.as_str()) {
                out.push(Declared {
                    ecosystem,
                    name,
                    line: entry.key_pos.line,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(kind: Kind, text: &str) -> Vec<(String, u32)> {
        read(kind, text)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.line))
            .collect()
    }

    #[test]
    fn names_are_normalised_like_pep_503() {
        assert_eq!(normalize("Pinecone_Client", None), "pinecone-client");
        assert_eq!(normalize("zope.interface", None), "zope-interface");
        assert_eq!(
            normalize("@Pinecone-Database/pinecone", None),
            "@pinecone-database/pinecone"
        );
    }

    #[test]
    fn requirements_skip_comments_options_and_urls() {
        let text = "# mlflow\n-r base.txt\nscikit_learn==1.5 # pinned\nEvidently[all]>=0.4\n--extra-index-url x\n";
        assert_eq!(
            names(Kind::Requirements, text),
            vec![("scikit-learn".into(), 3), ("evidently".into(), 4)]
        );
    }

    #[test]
    fn pyproject_reads_pep_621_groups_and_poetry() {
        let text = r#"[project]
dependencies = ["mlflow>=2", "pandas"]
[project.optional-dependencies]
llm = ["openai"]
[dependency-groups]
dev = ["pytest"]
[tool.poetry.dependencies]
python = "^3.11"
Feast = "*"
"#;
        let got = names(Kind::Pyproject, text);
        assert_eq!(
            got,
            vec![
                ("mlflow".into(), 2),
                ("pandas".into(), 2),
                ("openai".into(), 4),
                ("pytest".into(), 6),
                ("feast".into(), 9)
            ]
        );
    }

    #[test]
    fn setup_cfg_and_setup_py_are_read() {
        let cfg = "[metadata]\nname = x\n[options]\ninstall_requires =\n    whylogs>=1\n    numpy\n[options.extras_require]\nllm = openai\n";
        assert_eq!(
            names(Kind::SetupCfg, cfg),
            vec![
                ("whylogs".into(), 5),
                ("numpy".into(), 6),
                ("openai".into(), 8)
            ]
        );
        let py =
            "setup(\n    name='x',\n    install_requires=[\n        'nannyml>=0.10',\n    ],\n)\n";
        assert_eq!(names(Kind::SetupPy, py), vec![("nannyml".into(), 4)]);
    }

    #[test]
    fn conda_and_package_json_are_read() {
        let conda = "name: x\ndependencies:\n  - python=3.11\n  - conda-forge::pytorch\n  - pip:\n    - qdrant-client==1.9\n";
        assert_eq!(
            names(Kind::Conda, conda),
            vec![
                ("python".into(), 3),
                ("pytorch".into(), 4),
                ("qdrant-client".into(), 6)
            ]
        );
        let pkg = "{\n  \"devDependencies\": {\n    \"promptfoo\": \"^0.1\"\n  }\n}\n";
        assert_eq!(names(Kind::PackageJson, pkg), vec![("promptfoo".into(), 3)]);
    }

    #[test]
    fn malformed_structured_manifests_are_errors_not_panics() {
        assert!(read(Kind::Pyproject, "[project\n").is_err());
        assert!(read(Kind::PackageJson, "{").is_err());
    }
}
