//! The scan plan: everything compiled once before the walk. Each rule's
//! globs join one glob set; each glob maps to the probes it selects files
//! for; content, key and Python probes keep what their per-file test needs
//! (compiled lazily where most files never get that far).

use super::*;

#[derive(Clone, Copy)]
pub(super) enum Target {
    /// A YAML file that may define jobs (see [`jobs`]).
    Jobs,
    File(ProbeId),
    Content(ProbeId),
    Key(ProbeId),
    Python(ProbeId),
    Manifest(manifest::Kind),
}

/// A content probe. Its regexes are compiled on first use: most probes
/// never get past the whole-file prefilter, and compiling a hundred regexes
/// up front would dominate short runs. Rubric validation has already checked
/// that they parse, so compilation only fails on size limits.
pub(super) struct ContentMatcher {
    pub(super) pattern: String,
    pub(super) exclude: Option<String>,
    pub(super) also: Option<String>,
    pub(super) compiled: std::sync::OnceLock<Option<CompiledContent>>,
    pub(super) prose: bool,
}

pub(super) struct CompiledContent {
    pub(super) pattern: content::Pattern,
    pub(super) exclude: Option<content::Pattern>,
    pub(super) also: Option<content::Pattern>,
}

impl ContentMatcher {
    pub(super) fn compiled(&self) -> Option<&CompiledContent> {
        self.compiled
            .get_or_init(|| {
                let compile = |p: &str| content::compile_regex(p).ok();
                Some(CompiledContent {
                    pattern: compile(&self.pattern)?,
                    exclude: match &self.exclude {
                        Some(e) => Some(compile(e)?),
                        None => None,
                    },
                    also: match &self.also {
                        Some(a) => Some(compile(a)?),
                        None => None,
                    },
                })
            })
            .as_ref()
    }
}

/// A key probe with what it needs before a file is worth parsing.
pub(super) struct KeyPlan {
    pub(super) probe: crate::rubric::model::KeyProbe,
    /// Compiled on first use: most key probes never get past their
    /// literals, and compiling every regex up front delays the walk.
    pub(super) matcher: std::sync::OnceLock<Result<KeyMatcher, String>>,
    /// Every literal key of the path and of the `where` conditions must occur
    /// in the raw text (one of the alternatives for `{a,b}` segments); a file
    /// that lacks one cannot match, so it is not parsed for this probe.
    /// Literals are indexes into [`Literals`].
    pub(super) required: Vec<Vec<usize>>,
    /// The value regex's literals ([`ValueLiterals`]), found on first use:
    /// reading each regex's syntax tree up front was a tenth of the start-up.
    pub(super) value_test: std::sync::OnceLock<Option<ValueLiterals>>,
}

/// Literals (lowercase) one of which the `value` regex cannot match
/// without, when each is a single token that a YAML, JSON or TOML value
/// spells as it is: a file whose text holds none is not parsed for this
/// probe (the digest rule needs `@sha256:`, which most manifests lack).
pub(super) struct ValueLiterals {
    pub(super) literals: Vec<String>,
    /// The value regex matches only a whole value (or line of one) that is
    /// one of the literals: each must stand alone in the text, not inside
    /// a longer word (`Deployment` is not in `deploymentSpec`).
    pub(super) whole_value: bool,
    /// The value regex can be tried on the raw text itself: every match is
    /// a run of letters, digits, `_`, `.` and `-` matched wherever it
    /// stands ([`required::token_only`]), and holds one of the literals,
    /// each with a letter no `true`, `false` or `null` has, so no match
    /// lies in a boolean, null or number a parser writes differently.
    pub(super) raw_regex: bool,
}

/// The literals of a key probe's value regex usable against raw text:
/// single tokens free of characters that quoting or escaping can change,
/// and not a word a YAML reader may have turned into a boolean or null.
fn value_literals(value: Option<&str>) -> Option<Vec<String>> {
    let literals = regex_facts::required_literals(value?)?;
    let raw_safe = |l: &String| {
        !l.chars()
            .any(|c| c.is_whitespace() || matches!(c, '\\' | '"' | '\'' | '/'))
            && !["true", "false", "yes", "no", "on", "off", "null"].contains(&l.as_str())
    };
    literals.iter().all(raw_safe).then_some(literals)
}

impl KeyPlan {
    pub(super) fn matcher(&self) -> Result<&KeyMatcher, &str> {
        self.matcher
            .get_or_init(|| {
                let compile = |p: &str| content::compile_regex(p).map_err(|e| format!("{p}: {e}"));
                let conditions = |list: &[(String, Option<String>)]| {
                    list.iter()
                        .map(|(p, r)| {
                            Ok((keys::split_path(p), r.as_deref().map(compile).transpose()?))
                        })
                        .collect::<Result<Vec<_>, String>>()
                };
                let key = &self.probe;
                Ok(KeyMatcher {
                    path: keys::split_path(&key.path),
                    value: key.value.as_deref().map(compile).transpose()?,
                    where_: conditions(&key.where_)?,
                    has: conditions(&key.has)?,
                    gates: key.gates,
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// See [`ValueLiterals`].
    pub(super) fn value_literals(&self) -> Option<&ValueLiterals> {
        self.value_test
            .get_or_init(|| {
                let value = self.probe.value.as_deref();
                let literals = value_literals(value)?;
                let not_a_keyword =
                    |l: &String| l.bytes().any(|b| b"bcdghijkmopqvwxyz".contains(&b));
                Some(ValueLiterals {
                    raw_regex: literals.iter().all(not_a_keyword)
                        && value.is_some_and(regex_facts::token_only),
                    literals,
                    whole_value: value.is_some_and(regex_facts::whole_value),
                })
            })
            .as_ref()
    }

    pub(super) fn may_match(&self, present: &[bool]) -> bool {
        self.required
            .iter()
            .all(|alts| alts.iter().any(|&lit| present[lit]))
    }
}

/// Per content probe, the literals one of which its pattern cannot match
/// without (absent: none usable), and one automaton that finds them all.
pub(super) struct RequiredLiterals {
    pub(super) by_probe: ById<Vec<usize>>,
    /// Per literal, the probes that require it (the inverse of `by_probe`).
    pub(super) probes_of: Vec<Vec<ProbeId>>,
    pub(super) literals: Literals,
}

impl RequiredLiterals {
    /// The literals of the content probes among the first `probes` ids.
    pub(super) fn new(content: &ById<ContentMatcher>, probes: usize) -> RequiredLiterals {
        let mut literals = Literals::folding_case();
        let mut by_probe: ById<Vec<usize>> = ById::default();
        for id in 0..probes {
            let Some(matcher) = content.get(&id) else {
                continue;
            };
            // Lines are matched after comment stripping and, in notebooks,
            // after JSON unescaping: a literal with a quote or a backslash
            // may be spelled differently in the raw text, so it is no
            // requirement; its longest part without them is.
            let raw_safe = |l: &String| {
                l.split(['"', '\\'])
                    .max_by_key(|part| part.len())
                    .filter(|part| part.len() >= 3)
                    .map(str::to_owned)
            };
            if let Some(required) = regex_facts::required_literals(&matcher.pattern)
                .and_then(|required| required.iter().map(raw_safe).collect::<Option<Vec<_>>>())
            {
                by_probe.insert(id, required.iter().map(|l| literals.id(l)).collect());
            }
        }
        let mut probes_of: Vec<Vec<ProbeId>> = vec![Vec::new(); literals.len()];
        for id in 0..probes {
            for &literal in by_probe.get(&id).into_iter().flatten() {
                probes_of[literal].push(id);
            }
        }
        RequiredLiterals {
            by_probe,
            probes_of,
            literals,
        }
    }
}

/// The literal key segments of a path: `*` and `**` need nothing, `{a,b}`
/// needs one of its alternatives.
pub(super) fn required_literals(path: &str, out: &mut Vec<Vec<String>>) {
    for segment in path.split('.') {
        if segment == "*" || segment == "**" || segment.parse::<usize>().is_ok() {
            continue;
        }
        let alts = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(inner) => inner.split(',').map(|a| a.trim().to_owned()).collect(),
            None => vec![segment.to_owned()],
        };
        out.push(alts);
    }
}

/// The glob set's globs, collected one rule glob at a time.
#[derive(Default)]
pub(super) struct GlobList {
    /// Each glob of the set once, in the order first added.
    pub(super) globs: Vec<String>,
    position: HashMap<String, usize>,
    /// The positions each rule glob was written out to: rules repeat a few
    /// globs many times (`**/*.py` in 72 places of the built-ins).
    written: HashMap<String, Vec<usize>>,
}

/// Adds `glob` to the set's list once (as [`glob::set_entries`] writes it),
/// and records what it selects files for.
pub(super) fn add_glob(
    list: &mut GlobList,
    targets: &mut Vec<Vec<Target>>,
    glob: &str,
    target: Target,
) {
    if !list.written.contains_key(glob) {
        let positions = glob::set_entries(glob)
            .into_iter()
            .map(|entry| match list.position.get(&entry) {
                Some(&i) => i,
                None => {
                    list.globs.push(entry.clone());
                    targets.push(Vec::new());
                    list.position.insert(entry, targets.len() - 1);
                    targets.len() - 1
                }
            })
            .collect();
        list.written.insert(glob.to_owned(), positions);
    }
    for &i in &list.written[glob] {
        targets[i].push(target);
    }
}

/// Everything compiled once before the walk.
pub(super) struct Plan {
    pub(super) globs: SplitGlobSet,
    /// Per unique glob of the set: every probe (or manifest kind) it selects
    /// files for. The same glob is compiled once however many rules use it.
    pub(super) targets: Vec<Vec<Target>>,
    pub(super) content: ById<ContentMatcher>,
    /// The literals content probes require (see [`RequiredLiterals`]), found
    /// on first use: only files that pass a gate need them.
    pub(super) content_literals: std::sync::OnceLock<RequiredLiterals>,
    pub(super) keys: ById<KeyPlan>,
    pub(super) key_literals: Literals,
    /// The key literals reversed into a trie, built on first use (see
    /// [`super::key_ends`]); `None` when a literal rules it out.
    pub(super) key_ends: std::sync::OnceLock<Option<super::key_ends::KeyEnds>>,
    pub(super) python: ById<python_rule::PythonMatcher>,
    /// Every literal the Python probes ask about (see
    /// [`python_rule::PythonMatcher::may_match`]).
    pub(super) python_literals: Names,
    pub(super) wants_manifests: bool,
    /// Every name a dependency probe asks about: the only declared
    /// dependencies worth keeping (a monorepo declares hundreds of
    /// thousands).
    pub(super) dependency_names: HashSet<String>,
    pub(super) options: ScanOptions,
    pub(super) shared_combinations: SharedCombinations,
    pub(super) strengths: Vec<Strength>,
}

impl Plan {
    pub(super) fn new(catalog: &Catalog, options: &ScanOptions) -> Result<Plan, String> {
        let mut glob_list = GlobList::default();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut content = ById::default();
        let mut keys = ById::default();
        let mut python = ById::default();
        let mut key_literals = Literals::default();
        let mut python_literals = Names::default();
        let mut wants_manifests = false;
        let mut dependency_names = HashSet::new();
        for (id, probe) in catalog.probes.iter().enumerate() {
            let (globs, target): (&[String], fn(ProbeId) -> Target) = match probe {
                Probe::File { globs } => (globs, Target::File),
                Probe::Content {
                    globs,
                    pattern,
                    exclude,
                    also,
                    prose,
                } => {
                    content.insert(
                        id,
                        ContentMatcher {
                            pattern: pattern.clone(),
                            exclude: exclude.clone(),
                            also: also.clone(),
                            compiled: std::sync::OnceLock::new(),
                            prose: *prose,
                        },
                    );
                    (globs, Target::Content)
                }
                Probe::Key(key) => {
                    let mut required = Vec::new();
                    required_literals(&key.path, &mut required);
                    for (path, _) in &key.where_ {
                        required_literals(path, &mut required);
                    }
                    let required = required
                        .iter()
                        .map(|alts| alts.iter().map(|l| key_literals.id(l)).collect())
                        .collect();
                    keys.insert(
                        id,
                        KeyPlan {
                            probe: key.clone(),
                            matcher: std::sync::OnceLock::new(),
                            required,
                            value_test: std::sync::OnceLock::new(),
                        },
                    );
                    (&key.globs, Target::Key)
                }
                Probe::Python(probe) => {
                    let mut matcher = python_rule::PythonMatcher::new(probe)?;
                    matcher.number_literals(|name, whole, called| match called {
                        true => python_literals.called_id(name, whole),
                        false => python_literals.id(name, whole),
                    });
                    python.insert(id, matcher);
                    (&probe.globs, Target::Python)
                }
                Probe::Dependency { names, .. } => {
                    wants_manifests = true;
                    dependency_names.extend(names.iter().cloned());
                    continue;
                }
            };
            for g in globs {
                add_glob(&mut glob_list, &mut targets, g, target(id));
            }
        }
        add_glob(
            &mut glob_list,
            &mut targets,
            "**/*.{yml,yaml}",
            Target::Jobs,
        );
        if wants_manifests {
            for (g, kind) in manifest::GLOBS {
                add_glob(&mut glob_list, &mut targets, g, Target::Manifest(*kind));
            }
        }
        Ok(Plan {
            content_literals: std::sync::OnceLock::new(),
            key_literals,
            key_ends: std::sync::OnceLock::new(),
            python_literals,
            globs: SplitGlobSet::build(&glob_list.globs)?,
            targets,
            content,
            keys,
            python,
            wants_manifests,
            dependency_names,
            options: options.clone(),
            shared_combinations: Mutex::new(HashMap::new()),
            strengths: catalog.strengths.clone(),
        })
    }
}

/// What one combination of content probes (those that target a file) needs
/// compiled, each part on first use, outside the lock, so that threads
/// needing different combinations compile them at the same time.
#[derive(Default)]
pub(super) struct Combination {
    /// The whole-file gate of the probes without required literals: a
    /// single alternation of their patterns answers "can any of them
    /// match?" with an early exit. `None`: too large for the regex limits
    /// (their lines are all tried).
    pub(super) gate: std::sync::OnceLock<Option<Regex>>,
    /// The probes' required literals, when few enough to be searched for
    /// apart from the others (see [`Literals::subset`]). `None`: the
    /// search for every literal serves.
    pub(super) literals: std::sync::OnceLock<Option<Subset>>,
}
/// Combinations are compiled once and shared by all threads; each thread
/// keeps its own map of handles to avoid locking per file.
pub(super) type SharedCombinations = Mutex<HashMap<Vec<ProbeId>, Arc<Combination>>>;
pub(super) type CombinationCache = HashMap<Vec<ProbeId>, Arc<Combination>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_key_names_are_found_from_the_colons() {
        let catalog = crate::load_catalog(&[]).expect("built-ins load");
        let plan = Plan::new(&catalog, &ScanOptions::default()).expect("plan compiles");
        assert!(plan.key_literals.len() > 50);
        assert!(super::super::key_ends::KeyEnds::new(plan.key_literals.all()).is_some());
    }

    #[test]
    fn a_glob_repeated_by_rules_selects_the_same_set_globs_for_each() {
        let mut list = GlobList::default();
        let mut targets = Vec::new();
        add_glob(&mut list, &mut targets, "**/*.{yml,yaml}", Target::File(0));
        add_glob(&mut list, &mut targets, "**/*.py", Target::File(1));
        add_glob(
            &mut list,
            &mut targets,
            "**/*.{yml,yaml}",
            Target::Content(2),
        );
        add_glob(&mut list, &mut targets, "**/*.yml", Target::Key(3));
        assert_eq!(list.globs, ["**/*.yml", "**/*.yaml", "**/*.py"]);
        let shown: Vec<Vec<String>> = targets
            .iter()
            .map(|ts| {
                ts.iter()
                    .map(|t| match t {
                        Target::File(i) => format!("file {i}"),
                        Target::Content(i) => format!("content {i}"),
                        Target::Key(i) => format!("key {i}"),
                        _ => "other".to_owned(),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(
            shown,
            [
                vec!["file 0", "content 2", "key 3"],
                vec!["file 0", "content 2"],
                vec!["file 1"],
            ]
        );
    }

    #[test]
    fn a_value_regex_prefilters_on_tokens_a_file_spells_as_they_are() {
        assert_eq!(
            value_literals(Some("@sha256:[0-9a-f]{64}$")),
            Some(vec!["@sha256:".to_owned()])
        );
        assert_eq!(
            value_literals(Some("^(Deployment|InferenceService)$")),
            Some(vec!["deployment".to_owned(), "inferenceservice".to_owned()])
        );
        // A boolean a YAML reader may have written as `yes`, text that
        // folding or escaping can change, and no value at all: no prefilter.
        assert_eq!(value_literals(Some("^true$")), None);
        assert_eq!(value_literals(Some("python evaluate")), None);
        assert_eq!(value_literals(Some("promptfoo/promptfoo-action")), None);
        assert_eq!(value_literals(None), None);
    }

    #[test]
    fn key_prefilter_needs_every_literal_segment() {
        let mut required = Vec::new();
        required_literals(
            "spec.{predictor,transformer}.*.canaryTrafficPercent",
            &mut required,
        );
        required_literals("**.steps.0.run", &mut required);
        assert_eq!(
            required,
            vec![
                vec!["spec".to_owned()],
                vec!["predictor".to_owned(), "transformer".to_owned()],
                vec!["canaryTrafficPercent".to_owned()],
                vec!["steps".to_owned()],
                vec!["run".to_owned()],
            ]
        );
    }
}
