//! `readiness.toml`: release thresholds, path excludes, extra rubrics,
//! disabled checks and areas, and waivers with a reason, an owner and an
//! expiry date. Parsed strictly: every problem is reported with its file,
//! line and column, and a malformed date fails closed.

use crate::answers::Date;
use crate::diag::Diagnostic;
use crate::node::{self, Node, Pos, Value};
use crate::rubric::Catalog;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file `score` looks for at the repository root.
pub const FILE_NAME: &str = "readiness.toml";

/// Waivers expiring within this many days are warned about.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// As shown in messages.
    pub file: String,
    pub min_level: Option<u8>,
    pub area_min_levels: BTreeMap<String, (u8, Pos)>,
    /// Extra rubric directories, resolved against the config file's directory.
    pub rubrics: Vec<PathBuf>,
    /// Globs of repository paths never scanned.
    pub exclude: Vec<String>,
    pub disable_checks: Vec<(String, Pos)>,
    pub disable_areas: Vec<(String, Pos)>,
    pub waivers: Vec<Waiver>,
    /// `[[project]]` entries, `detect_projects` and `rollup`.
    pub projects: crate::projects::ProjectConfig,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub check: String,
    pub reason: String,
    pub owner: String,
    pub expires: Date,
    pub pos: Pos,
}

const TOP_KEYS: &[&str] = &[
    "min_level",
    "area_min_level",
    "rubrics",
    "exclude",
    "disable_checks",
    "disable_areas",
    "waiver",
    "project",
    "detect_projects",
    "rollup",
];
const WAIVER_KEYS: &[&str] = &["check", "reason", "owner", "expires"];

fn level(node: &Node, what: &str, file: &str, errors: &mut Vec<Diagnostic>) -> Option<u8> {
    match (
        &node.value,
        node.scalar_text().and_then(|t| t.parse::<u8>().ok()),
    ) {
        (Value::Number(_), Some(l @ 0..=3)) => Some(l),
        _ => {
            errors.push(Diagnostic::new(
                file,
                node.pos,
                format!("{what} must be a level from 0 to 3"),
            ));
            None
        }
    }
}

fn strings(
    node: &Node,
    what: &str,
    file: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(String, Pos)> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| match item.as_str() {
                Some(s) if !s.trim().is_empty() => Some((s.to_owned(), item.pos)),
                _ => {
                    errors.push(Diagnostic::new(
                        file,
                        item.pos,
                        format!("{what} must list non-empty strings"),
                    ));
                    None
                }
            })
            .collect(),
        _ => {
            errors.push(Diagnostic::new(
                file,
                node.pos,
                format!("{what} must be a list of strings"),
            ));
            Vec::new()
        }
    }
}

/// Parses the config. `base` is the directory relative rubric paths start from.
pub fn parse(file: &str, text: &str, base: &Path) -> Result<Config, Vec<Diagnostic>> {
    let root = node::parse_toml(text).map_err(|e| {
        vec![Diagnostic::new(
            file,
            e.pos,
            format!("invalid TOML: {}", e.message),
        )]
    })?;
    let mut errors = Vec::new();
    let mut config = Config {
        file: file.to_owned(),
        ..Config::default()
    };
    let Value::Map(entries) = &root.value else {
        return Ok(config);
    };
    for entry in entries {
        let node = &entry.node;
        match entry.key.as_str() {
            "min_level" => config.min_level = level(node, "`min_level`", file, &mut errors),
            "area_min_level" => match &node.value {
                Value::Map(areas) => {
                    for area in areas {
                        if let Some(l) = level(
                            &area.node,
                            &format!("`area_min_level.{}`", area.key),
                            file,
                            &mut errors,
                        ) {
                            config
                                .area_min_levels
                                .insert(area.key.clone(), (l, area.key_pos));
                        }
                    }
                }
                _ => errors.push(Diagnostic::new(
                    file,
                    node.pos,
                    "`area_min_level` must be a table of area = level",
                )),
            },
            "rubrics" => {
                config.rubrics = strings(node, "`rubrics`", file, &mut errors)
                    .into_iter()
                    .map(|(p, _)| base.join(p))
                    .collect();
            }
            "exclude" => {
                for (glob, pos) in strings(node, "`exclude`", file, &mut errors) {
                    match crate::scan::glob::compile(&glob) {
                        Ok(_) => config.exclude.push(glob),
                        Err(e) => errors.push(Diagnostic::new(
                            file,
                            pos,
                            format!("glob `{glob}` in `exclude` does not compile: {e}"),
                        )),
                    }
                }
            }
            "disable_checks" => {
                config.disable_checks = strings(node, "`disable_checks`", file, &mut errors)
            }
            "disable_areas" => {
                config.disable_areas = strings(node, "`disable_areas`", file, &mut errors)
            }
            "waiver" => match &node.value {
                Value::Seq(items) => {
                    for item in items {
                        if let Some(w) = waiver(item, file, &mut errors) {
                            config.waivers.push(w);
                        }
                    }
                }
                _ => errors.push(Diagnostic::new(
                    file,
                    node.pos,
                    "write waivers as `[[waiver]]` tables",
                )),
            },
            "project" => {
                config.projects.declared =
                    crate::projects::declared::parse_projects(node, file, &mut errors)
            }
            "detect_projects" => match node.value {
                Value::Bool(b) => config.projects.detect = b,
                _ => errors.push(Diagnostic::new(
                    file,
                    node.pos,
                    "`detect_projects` must be true or false",
                )),
            },
            "rollup" => match node.as_str() {
                Some("most_mature") => {
                    config.projects.rollup = crate::projects::RollupRule::MostMature
                }
                Some("weakest") => config.projects.rollup = crate::projects::RollupRule::Weakest,
                _ => errors.push(Diagnostic::new(
                    file,
                    node.pos,
                    "`rollup` must be \"most_mature\" or \"weakest\"",
                )),
            },
            other => errors.push(Diagnostic::new(
                file,
                entry.key_pos,
                format!(
                    "unknown key `{other}`; expected one of: {}",
                    TOP_KEYS.join(", ")
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

fn waiver(item: &Node, file: &str, errors: &mut Vec<Diagnostic>) -> Option<Waiver> {
    let Value::Map(fields) = &item.value else {
        errors.push(Diagnostic::new(file, item.pos, "a waiver must be a table"));
        return None;
    };
    let before = errors.len();
    for f in fields {
        if !WAIVER_KEYS.contains(&f.key.as_str()) {
            errors.push(Diagnostic::new(
                file,
                f.key_pos,
                format!(
                    "unknown key `{}` in a waiver; expected one of: {}",
                    f.key,
                    WAIVER_KEYS.join(", ")
                ),
            ));
        }
    }
    let mut text = |key: &str| -> Option<String> {
        match item.get(key).and_then(Node::scalar_text) {
            Some(t) if !t.trim().is_empty() => Some(t.trim().to_owned()),
            _ => {
                let pos = item.get(key).map_or(item.pos, |n| n.pos);
                let what = if key == "reason" {
                    " (a waiver without a reason is not accepted)"
                } else {
                    ""
                };
                errors.push(Diagnostic::new(
                    file,
                    pos,
                    format!("a waiver needs a non-empty `{key}`{what}"),
                ));
                None
            }
        }
    };
    let check = text("check");
    let reason = text("reason");
    let owner = text("owner");
    let expires = text("expires").and_then(|d| {
        let parsed = Date::parse(&d);
        if parsed.is_none() {
            let pos = item.get("expires").map_or(item.pos, |n| n.pos);
            errors.push(Diagnostic::new(
                file,
                pos,
                format!("`expires` = `{d}` is not a date (YYYY-MM-DD); the waiver is rejected"),
            ));
        }
        parsed
    });
    if errors.len() > before {
        return None;
    }
    let pos = item.get("check").map_or(item.pos, |n| n.pos);
    Some(Waiver {
        check: check?,
        reason: reason?,
        owner: owner?,
        expires: expires?,
        pos,
    })
}

impl Config {
    /// Reads `path`; a missing file is an error (the caller decides whether
    /// the file is optional).
    pub fn load(
        path: &Path,
        shown: &str,
        chosen: crate::fsutil::Chosen,
    ) -> Result<Config, Vec<Diagnostic>> {
        let cannot = |e: String| vec![Diagnostic::new(shown, Pos::default(), e)];
        let bytes = crate::fsutil::read_bounded(path, crate::fsutil::MAX_OWN_FILE, chosen)
            .map_err(|e| cannot(format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            vec![Diagnostic::new(
                shown,
                crate::node::invalid_utf8_pos(&e),
                "not valid UTF-8",
            )]
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        parse(shown, &text, base)
    }

    /// Checks ids and areas against the loaded catalogue.
    pub fn validate(&self, catalog: &Catalog) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let known_area = |a: &str| catalog.rubrics.iter().any(|r| r.area == a);
        let check_ids: Vec<&str> = catalog
            .rubrics
            .iter()
            .flat_map(|r| r.checks.iter().map(|c| c.id.as_str()))
            .collect();
        let areas: Vec<&str> = catalog.rubrics.iter().map(|r| r.area.as_str()).collect();
        let check_hint = |id: &str| did_you_mean(id, &check_ids);
        let area_hint = |area: &str| did_you_mean(area, &areas);
        for (id, pos) in &self.disable_checks {
            if catalog.check(id).is_none() {
                errors.push(Diagnostic::new(
                    &self.file,
                    *pos,
                    format!(
                        "`disable_checks` names unknown check `{id}`{}",
                        check_hint(id)
                    ),
                ));
            }
        }
        for (area, pos) in &self.disable_areas {
            if !known_area(area) {
                errors.push(Diagnostic::new(
                    &self.file,
                    *pos,
                    format!(
                        "`disable_areas` names unknown area `{area}`{}",
                        area_hint(area)
                    ),
                ));
            }
        }
        for (area, (_, pos)) in &self.area_min_levels {
            if !known_area(area) {
                errors.push(Diagnostic::new(
                    &self.file,
                    *pos,
                    format!(
                        "`area_min_level` names unknown area `{area}`{}",
                        area_hint(area)
                    ),
                ));
            }
        }
        let mut seen = BTreeMap::new();
        for w in &self.waivers {
            if catalog.check(&w.check).is_none() {
                errors.push(Diagnostic::new(
                    &self.file,
                    w.pos,
                    format!(
                        "waiver for unknown check `{}`{}",
                        w.check,
                        check_hint(&w.check)
                    ),
                ));
            }
            if let Some(line) = seen.insert(w.check.clone(), w.pos.line) {
                errors.push(Diagnostic::new(
                    &self.file,
                    w.pos,
                    format!("check `{}` is waived twice (first at line {line})", w.check),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// What `readiness init` writes: every setting, commented.
pub const STARTER: &str = r#"# readiness.toml: release gate for `readiness score`.
# Reference: https://github.com/readiness-dev/readiness/blob/main/docs/config.md

# Fail (exit 1) when the overall level is below this. --min-level overrides it.
# 0 Manual everything, 1 Automated training, 2 Automated deployment,
# 3 Fully automated ML.
min_level = 1

# Stricter gates for single areas, e.g. monitoring must reach level 2 even
# when the overall gate is 1.
[area_min_level]
# monitoring = 2

# Paths never scanned (globs relative to the repository root).
# exclude = ["sandbox/**", "tests/fixtures/**", "examples/**"]

# Extra rubric directories, relative to this file.
# rubrics = ["ci/rubrics"]

# Checks or whole areas that do not apply to this project.
# disable_checks = ["VER-08"]
# disable_areas = ["data-layer"]

# A waived check counts as met until it expires. Every waiver needs a reason,
# an owner and an expiry date; an expired waiver fails the gate.
# [[waiver]]
# check = "RBK-06"
# reason = "A/B testing lands with the Q3 traffic router; shadow traffic covers us until then"
# owner = "ml-platform@example.com"
# expires = 2027-03-31
"#;

/// `; did you mean `X`?` for the known name closest to `given`, or
/// nothing. Names are compared without case, punctuation or leading zeros
/// (`evl3` is `EVL-03`), then by Jaro-Winkler similarity (at least 0.85,
/// so a typo or a dropped letter is caught and an unrelated name is not).
pub fn did_you_mean(given: &str, known: &[&str]) -> String {
    let given = comparable(given);
    known
        .iter()
        .map(|k| {
            let k_cmp = comparable(k);
            let score = if k_cmp == given {
                2.0
            } else {
                strsim::jaro_winkler(&given, &k_cmp)
            };
            (score, *k)
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// Lowercase, letters and digits only, no leading zeros in numbers.
fn comparable(name: &str) -> String {
    let mut out = String::new();
    let mut prev_digit = false;
    let chars: Vec<char> = name.chars().filter(|c| c.is_alphanumeric()).collect();
    for (i, c) in chars.iter().enumerate() {
        let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if *c == '0' && !prev_digit && next_digit {
            continue;
        }
        prev_digit = c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistyped_names_get_the_closest_known_one() {
        let known = ["EVL-03", "EVL-04", "VER-01", "monitoring", "rollback"];
        assert_eq!(did_you_mean("EVL-3", &known), "; did you mean `EVL-03`?");
        assert_eq!(did_you_mean("evl3", &known), "; did you mean `EVL-03`?");
        assert_eq!(did_you_mean("VER-10", &known), "; did you mean `VER-01`?");
        assert_eq!(did_you_mean("OWN-07", &known), "");
        assert_eq!(
            did_you_mean("evl", &["versioning", "evals", "monitoring"]),
            "; did you mean `evals`?"
        );
        assert_eq!(
            did_you_mean("security", &["versioning", "evals", "monitoring"]),
            ""
        );
        assert_eq!(did_you_mean("evl-04", &known), "; did you mean `EVL-04`?");
        assert_eq!(
            did_you_mean("monitorng", &known),
            "; did you mean `monitoring`?"
        );
        assert_eq!(did_you_mean("security", &known), "");
    }

    fn parse_ok(text: &str) -> Config {
        parse("readiness.toml", text, Path::new("/repo")).unwrap()
    }

    fn errors(text: &str) -> Vec<String> {
        parse("readiness.toml", text, Path::new("/repo"))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_starter_config_parses() {
        let config = parse_ok(STARTER);
        assert_eq!(config.min_level, Some(1));
        assert!(config.waivers.is_empty());
    }

    #[test]
    fn a_full_config_parses() {
        let config = parse_ok(
            "min_level = 2\nexclude = [\"sandbox/**\"]\nrubrics = [\"ci/rubrics\"]\ndisable_checks = [\"VER-08\"]\n[area_min_level]\nmonitoring = 3\n[[waiver]]\ncheck = \"RBK-06\"\nreason = \"later\"\nowner = \"me\"\nexpires = 2027-03-31\n",
        );
        assert_eq!(config.min_level, Some(2));
        assert_eq!(config.area_min_levels["monitoring"].0, 3);
        assert_eq!(config.rubrics, vec![PathBuf::from("/repo/ci/rubrics")]);
        assert_eq!(
            config.waivers[0].expires,
            Date::parse("2027-03-31").unwrap()
        );
        assert_eq!(config.waivers[0].pos.line, 8);
    }

    #[test]
    fn problems_are_reported_with_positions_and_dates_fail_closed() {
        assert_eq!(
            errors("min_level = 5\nmin_levle = 1\n[[waiver]]\ncheck = \"A\"\nowner = \"o\"\nexpires = \"next year\"\n"),
            vec![
                "readiness.toml:1:13: `min_level` must be a level from 0 to 3",
                "readiness.toml:2:1: unknown key `min_levle`; expected one of: min_level, area_min_level, rubrics, exclude, disable_checks, disable_areas, waiver, project, detect_projects, rollup",
                "readiness.toml:3:1: a waiver needs a non-empty `reason` (a waiver without a reason is not accepted)",
                "readiness.toml:6:11: `expires` = `next year` is not a date (YYYY-MM-DD); the waiver is rejected",
            ]
        );
        assert_eq!(errors("exclude = [\"a/[\"]\n")[0], "readiness.toml:1:12: glob `a/[` in `exclude` does not compile: error parsing glob 'a/[': unclosed character class; missing ']'");
        assert!(errors("min_level = \n")[0].starts_with("readiness.toml:1:"));
    }
}
