//! An area's rungs: which checks *define* each level of the area, as a
//! formula over check ids (`ladder.md` names one capability per area and
//! level). Checks no rung refers to *support* the area: they feed the 0–100
//! score and the next steps, never the level.
//!
//! ```yaml
//! rungs:
//!   1:
//!     capability: One dimension is tracked (runs, prompts, pinned ids or data)
//!     met_when: { any: [VER-01, VER-09, VER-02] }
//!   2:
//!     capability: Models in a registry plus some data versioning
//!     met_when: { all: [VER-01, { any: [VER-02, VER-12] }] }
//! ```

use crate::node::{Node, Pos, Value};

/// One level of an area and the checks that define it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rung {
    pub level: u8,
    /// The capability in words, as the report states it.
    pub capability: String,
    pub met_when: Formula,
}

/// A formula over check ids.
#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    Check(String),
    Any(Vec<Formula>),
    All(Vec<Formula>),
}

/// A check's or formula's outcome as rungs see it. A check that does not
/// apply counts as unmet: a rung is shown by what the project does, so an
/// `all` never holds on parts that do not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    Met,
    Unmet,
    Unknown,
}

impl Formula {
    /// True when the formula names the check.
    pub fn names(&self, id: &str) -> bool {
        match self {
            Formula::Check(own) => own == id,
            Formula::Any(parts) | Formula::All(parts) => parts.iter().any(|p| p.names(id)),
        }
    }

    /// Evaluates the formula given each check's truth.
    pub fn eval(&self, truth: &dyn Fn(&str) -> Truth) -> Truth {
        match self {
            Formula::Check(id) => truth(id),
            Formula::Any(parts) => {
                let all: Vec<Truth> = parts.iter().map(|p| p.eval(truth)).collect();
                first_of(&all, &[Truth::Met, Truth::Unknown, Truth::Unmet])
            }
            Formula::All(parts) => {
                let all: Vec<Truth> = parts.iter().map(|p| p.eval(truth)).collect();
                first_of(&all, &[Truth::Unmet, Truth::Unknown, Truth::Met])
            }
        }
    }

    /// The formula in words: `VER-01 and (VER-02 or VER-12)`.
    pub fn describe(&self) -> String {
        fn go(f: &Formula, nested: bool) -> String {
            match f {
                Formula::Check(id) => id.clone(),
                Formula::Any(parts) | Formula::All(parts) => {
                    let joiner = if matches!(f, Formula::Any(_)) {
                        " or "
                    } else {
                        " and "
                    };
                    let text = parts
                        .iter()
                        .map(|p| go(p, true))
                        .collect::<Vec<_>>()
                        .join(joiner);
                    if nested && parts.len() > 1 {
                        format!("({text})")
                    } else {
                        text
                    }
                }
            }
        }
        go(self, false)
    }
}

/// The first of `order` present in `values` (which is never empty).
fn first_of(values: &[Truth], order: &[Truth]) -> Truth {
    order
        .iter()
        .copied()
        .find(|t| values.contains(t))
        .unwrap_or(Truth::Unmet)
}

/// A problem in the `rungs` section, at a position in the rubric file.
pub type Problem = (Pos, String);

/// Parses the `rungs` mapping; `check_ids` are the rubric's own checks.
/// Every rung from 1 to 3 must be given, each naming only known checks.
pub fn parse(node: &Node, check_ids: &[&str]) -> Result<Vec<Rung>, Vec<Problem>> {
    let mut problems = Vec::new();
    let Value::Map(entries) = &node.value else {
        return Err(vec![(
            node.pos,
            "`rungs` must be a mapping of levels 1, 2 and 3".into(),
        )]);
    };
    let mut rungs: Vec<Rung> = Vec::new();
    for entry in entries {
        let level = match entry.key.as_str() {
            "1" => 1,
            "2" => 2,
            "3" => 3,
            other => {
                problems.push((
                    entry.key_pos,
                    format!("unknown rung `{other}`; rungs are 1, 2 and 3"),
                ));
                continue;
            }
        };
        if rungs.iter().any(|r| r.level == level) {
            problems.push((entry.key_pos, format!("rung {level} is given twice")));
            continue;
        }
        let Value::Map(fields) = &entry.node.value else {
            problems.push((
                entry.node.pos,
                format!("rung {level} must be a mapping with `capability` and `met_when`"),
            ));
            continue;
        };
        let mut capability = None;
        let mut met_when = None;
        for field in fields {
            match field.key.as_str() {
                "capability" => match field.node.as_str().map(str::trim) {
                    Some(text) if !text.is_empty() => capability = Some(text.to_owned()),
                    _ => problems.push((
                        field.node.pos,
                        format!("`capability` of rung {level} must be a non-empty string"),
                    )),
                },
                "met_when" => met_when = formula(&field.node, check_ids, &mut problems),
                other => problems.push((
                    field.key_pos,
                    format!(
                        "unknown key `{other}` in rung {level}; expected one of: capability, met_when"
                    ),
                )),
            }
        }
        for (key, missing) in [
            ("capability", capability.is_none()),
            ("met_when", met_when.is_none()),
        ] {
            if missing && !fields.iter().any(|f| f.key == key) {
                problems.push((
                    entry.node.pos,
                    format!("rung {level} is missing required key `{key}`"),
                ));
            }
        }
        if let (Some(capability), Some(met_when)) = (capability, met_when) {
            rungs.push(Rung {
                level,
                capability,
                met_when,
            });
        }
    }
    for level in 1..=3u8 {
        if !rungs.iter().any(|r| r.level == level)
            && !entries.iter().any(|e| e.key == level.to_string())
        {
            problems.push((node.pos, format!("`rungs` is missing rung {level}")));
        }
    }
    rungs.sort_by_key(|r| r.level);
    if problems.is_empty() {
        Ok(rungs)
    } else {
        Err(problems)
    }
}

fn formula(node: &Node, check_ids: &[&str], problems: &mut Vec<Problem>) -> Option<Formula> {
    match &node.value {
        Value::String(id) => {
            if check_ids.contains(&id.as_str()) {
                Some(Formula::Check(id.clone()))
            } else {
                problems.push((
                    node.pos,
                    format!("`met_when` names `{id}`, which is not a check of this rubric"),
                ));
                None
            }
        }
        Value::Map(entries)
            if entries.len() == 1 && matches!(entries[0].key.as_str(), "any" | "all") =>
        {
            let entry = &entries[0];
            let Value::Seq(items) = &entry.node.value else {
                problems.push((entry.node.pos, format!("`{}` must be a list", entry.key)));
                return None;
            };
            if items.is_empty() {
                problems.push((entry.node.pos, format!("`{}` must not be empty", entry.key)));
                return None;
            }
            let before = problems.len();
            let parts: Vec<Formula> = items
                .iter()
                .filter_map(|item| formula(item, check_ids, problems))
                .collect();
            if problems.len() > before {
                return None;
            }
            Some(if entry.key == "any" {
                Formula::Any(parts)
            } else {
                Formula::All(parts)
            })
        }
        _ => {
            problems.push((
                node.pos,
                "`met_when` must be a check id or a mapping with one key, `any` or `all`, holding a list"
                    .into(),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::parse_yaml;

    const IDS: &[&str] = &["A", "B", "C"];

    fn rungs(yaml: &str) -> Result<Vec<Rung>, Vec<Problem>> {
        parse(&parse_yaml(yaml).unwrap(), IDS)
    }

    #[test]
    fn a_full_rungs_section_parses_in_level_order() {
        let r = rungs(
            "3: { capability: c, met_when: C }\n1: { capability: a, met_when: { any: [A, B] } }\n2: { capability: b, met_when: { all: [A, { any: [B, C] }] } }\n",
        )
        .unwrap();
        assert_eq!(r.iter().map(|r| r.level).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(r[1].met_when.describe(), "A and (B or C)");
        assert!(["A", "B", "C"].iter().all(|id| r[1].met_when.names(id)));
        assert!(r[1].met_when.names("C") && !r[0].met_when.names("C"));
    }

    #[test]
    fn unknown_checks_missing_rungs_and_bad_shapes_are_all_reported_with_positions() {
        let problems =
            rungs("1: { capability: a, met_when: X }\n4: {}\n2: { met_when: { some: [A] } }\n")
                .unwrap_err();
        let text: Vec<String> = problems
            .iter()
            .map(|(p, m)| format!("{}:{} {m}", p.line, p.column))
            .collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("1:31 ") && t.contains("`X`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("2:1 ") && t.contains("unknown rung `4`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("rung 2 is missing required key `capability`")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("mapping with one key")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("missing rung 3")),
            "{text:?}"
        );
    }

    #[test]
    fn unknown_blocks_unless_the_outcome_is_settled_without_it() {
        let f = Formula::All(vec![
            Formula::Check("A".into()),
            Formula::Any(vec![Formula::Check("B".into()), Formula::Check("C".into())]),
        ]);
        let with = |a, b, c| {
            move |id: &str| match id {
                "A" => a,
                "B" => b,
                _ => c,
            }
        };
        use Truth::*;
        assert_eq!(f.eval(&with(Met, Unmet, Met)), Met);
        assert_eq!(f.eval(&with(Met, Unknown, Unmet)), Unknown);
        assert_eq!(f.eval(&with(Met, Unknown, Met)), Met);
        assert_eq!(f.eval(&with(Unmet, Met, Met)), Unmet);
        assert_eq!(f.eval(&with(Unmet, Unknown, Unknown)), Unmet);
    }
}
