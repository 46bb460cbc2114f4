//! Per-file matching of key probes: a structured file is parsed only where
//! some probe can match, one YAML document at a time (see [`yaml_docs`]),
//! and once per format however many probes read it.

use super::plan::{KeyPlan, Plan};
use super::yaml_docs::{self, Piece};
use super::*;
use std::cell::OnceCell;

/// What a piece of the file holds, found on first need.
struct PieceState<'t> {
    piece: Piece<'t>,
    format: Format,
    resource_type: OnceCell<bool>,
    present: OnceCell<Vec<bool>>,
    lowered: OnceCell<String>,
    parsed: OnceCell<Result<Vec<Node>, String>>,
}

impl<'t> PieceState<'t> {
    fn new(piece: Piece<'t>, format: Format) -> PieceState<'t> {
        PieceState {
            piece,
            format,
            resource_type: OnceCell::new(),
            present: OnceCell::new(),
            lowered: OnceCell::new(),
            parsed: OnceCell::new(),
        }
    }

    /// See [`yaml_docs::defines_a_resource_type`].
    fn is_resource_type(&self) -> bool {
        *self
            .resource_type
            .get_or_init(|| yaml_docs::defines_a_resource_type(&self.piece))
    }

    /// Whether the piece's text holds everything `key_plan` cannot match
    /// without.
    fn may_match(&self, plan: &Plan, key_plan: &KeyPlan) -> bool {
        let present = self
            .present
            .get_or_init(|| plan.key_literals.present(self.piece.text));
        key_plan.may_match(present)
            && key_plan.value_literals().is_none_or(|value| {
                let lower = self
                    .lowered
                    .get_or_init(|| self.piece.text.to_ascii_lowercase());
                let somewhere = value.literals.iter().any(|l| match value.whole_value {
                    true => holds_word(lower, l),
                    false => lower.contains(l.as_str()),
                });
                // A root key whose whole value must be one of the literals
                // (`kind`): the literal must be that key's value, not any
                // word of the document.
                let root_key = &key_plan.probe.path;
                let is_root_key = value.whole_value
                    && self.format == Format::Yaml
                    && !root_key.contains(['.', '*', '{', '['])
                    && !root_key.bytes().all(|b| b.is_ascii_digit());
                somewhere
                    && (!is_root_key
                        || yaml_docs::root_value_may_be(&self.piece, root_key, &|v| {
                            value.literals.iter().any(|l| v.eq_ignore_ascii_case(l))
                        }))
                    && (!value.raw_regex || self.raw_text_may_match(key_plan))
            })
    }

    /// Whether the value regex of `key_plan` (see
    /// [`super::plan::ValueLiterals::raw_regex`]) matches the piece's raw
    /// text, where a parsed value's match must also be: an escape that
    /// writes a letter or digit (`\x41`, `\u0041`) leaves it to the parse, and an
    /// escaped line break (which joins two lines of a double-quoted YAML
    /// or multi-line TOML string) is joined first.
    fn raw_text_may_match(&self, key_plan: &KeyPlan) -> bool {
        let Ok(super::keys::KeyMatcher {
            value: Some(regex), ..
        }) = key_plan.matcher()
        else {
            return true;
        };
        let bytes = self.piece.text.as_bytes();
        // A Helm template parses with its `{{ … }}` replaced (see
        // [`detemplate`]): text the raw bytes never held.
        if memchr::memmem::find(bytes, b"{{").is_some() {
            return true;
        }
        let mut joins = false;
        for at in memchr::memchr_iter(b'\\', bytes) {
            let digits = match bytes.get(at + 1) {
                Some(b'x') => 2,
                Some(b'u') => 4,
                Some(b'U') => 8,
                Some(b'\n' | b'\r' | b' ' | b'\t') => {
                    joins = true;
                    continue;
                }
                _ => continue,
            };
            // `\u201C` writes a quote, which no match holds; an escape that
            // may write a letter, digit, `_`, `.` or `-` needs the parse.
            let written = bytes
                .get(at + 2..at + 2 + digits)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u32::from_str_radix(hex, 16).ok());
            let token = |c: u32| u8::try_from(c).is_ok_and(super::required::is_token_byte);
            if written.is_none_or(token) {
                return true;
            }
        }
        if !joins {
            return regex.is_match(bytes);
        }
        regex.is_match(&join_escaped_line_breaks(bytes))
    }

    /// The piece's documents, or why it cannot be parsed (with the file's
    /// own line numbers).
    fn documents(&self, path: &str, format: Format) -> &Result<Vec<Node>, String> {
        self.parsed.get_or_init(|| {
            let parse = |t: &str| match format {
                Format::Yaml => node::parse_yaml_documents(t, false),
                Format::Json => node::parse_json(t)
                    .map(|n| vec![n])
                    .or_else(|err| node::parse_json_lines(t).ok_or(err)),
                Format::Toml => node::parse_toml(t).map(|n| vec![n]),
            };
            let text = self.piece.text;
            parse(text)
                .or_else(|err| {
                    if format == Format::Yaml && text.contains("{{") {
                        parse(&detemplate(text))
                    } else {
                        Err(err)
                    }
                })
                .map_err(|mut e| {
                    e.pos.line = e.pos.line.saturating_add(self.piece.first_line - 1);
                    format!("{path}:{e}")
                })
        })
    }
}

/// Whether `word` occurs in `text` other than inside a longer word: the
/// byte before it is not a letter, digit or `_` (unless it ends an escape
/// such as `\n` in a double-quoted scalar), nor the byte after it.
fn holds_word(text: &str, word: &str) -> bool {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    memchr::memmem::find_iter(bytes, word.as_bytes()).any(|at| {
        let end = at + word.len();
        let before = match at {
            0 => true,
            _ if !is_word(bytes[at - 1]) => true,
            _ => at >= 2 && bytes[at - 2] == b'\\',
        };
        before && bytes.get(end).is_none_or(|&b| !is_word(b))
    })
}

pub(super) fn match_keys(
    plan: &Plan,
    path: &str,
    text: &str,
    ids: &[ProbeId],
    result: &mut FileResult,
) {
    let default_format = Format::from_path(rendered_name(path));
    // Per format: YAML in pieces, one document each where the stream
    // allows; JSON and TOML whole.
    let mut by_format: BTreeMap<Format, Vec<PieceState>> = BTreeMap::new();
    for &id in ids {
        let key_plan = &plan.keys[&id];
        let format = key_plan.probe.format.unwrap_or(default_format);
        let pieces = by_format.entry(format).or_insert_with(|| {
            let pieces = match format {
                Format::Yaml => yaml_docs::pieces(text),
                _ => vec![Piece {
                    text,
                    first_line: 1,
                    single: false,
                }],
            };
            pieces
                .into_iter()
                .map(|piece| PieceState::new(piece, format))
                .collect()
        });
        let mut hits = 0;
        let mut failed = None;
        for piece in pieces.iter() {
            if piece.is_resource_type() || !piece.may_match(plan, key_plan) {
                continue;
            }
            let matcher = match key_plan.matcher() {
                Ok(matcher) => matcher,
                Err(err) => {
                    result.unknown.push((
                        id,
                        format!("{path}: a regex of this rule cannot be built: {err}"),
                    ));
                    break;
                }
            };
            let docs = match piece.documents(path, format) {
                Ok(docs) => docs,
                Err(reason) => {
                    failed.get_or_insert_with(|| reason.clone());
                    continue;
                }
            };
            for hit in docs.iter().flat_map(|d| matcher.find(d)) {
                if hits == HITS_PER_FILE {
                    break;
                }
                hits += 1;
                let line = hit
                    .pos
                    .line
                    .max(1)
                    .saturating_add(piece.piece.first_line - 1);
                let (line, quoted) = hit
                    .matched_line
                    .as_deref()
                    .and_then(|wanted| {
                        keys::source_line_of(text, line, wanted).map(|at| (at, wanted))
                    })
                    .unwrap_or((line, &hit.text));
                result.hits.push((
                    id,
                    Evidence::new(path, line, snippet(quoted), plan.strengths[id]),
                ));
            }
        }
        match failed {
            Some(reason) if decides(path) => {
                result.unknown.push((id, format!("cannot parse {reason}")))
            }
            Some(reason) => result.note = Some(format!("cannot parse {reason}")),
            None => {}
        }
    }
}

/// Helm and other templated YAML: drop directive-only lines and replace
/// inline `{{ … }}` with a placeholder so the structure parses.
pub(super) fn detemplate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("{{") && trimmed.ends_with("}}") && !trimmed[2..].contains("{{") {
            out.push('\n');
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            match rest[start..].find("}}") {
                Some(end) => {
                    out.push_str("TEMPLATE");
                    rest = &rest[start + end + 2..];
                }
                None => {
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

/// `bytes` with each backslash that ends a line (`\n`, `\r\n` or `\r`)
/// removed together with the blank space after it (line breaks included),
/// as YAML and TOML strings join such lines; other text is kept as it is.
fn join_escaped_line_breaks(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let blank = bytes[i + 1..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            if bytes[i + 1..i + 1 + blank]
                .iter()
                .any(|&b| b == b'\n' || b == b'\r')
            {
                i += 1 + blank;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in probe that reads a Kubernetes object's top-level `kind`
    /// for a deployment (RBK-01).
    fn deployment_kind_probe(plan: &Plan) -> ProbeId {
        (0..plan.strengths.len())
            .find(|id| {
                plan.keys.get(id).is_some_and(|k| {
                    k.probe.path == "kind"
                        && k.probe
                            .value
                            .as_deref()
                            .is_some_and(|v| v.contains("Deployment"))
                })
            })
            .expect("RBK-01 reads kind")
    }

    #[test]
    fn a_whole_value_stands_alone_in_the_text() {
        assert!(holds_word("kind: deployment\n", "deployment"));
        assert!(holds_word("kind: \"deployment\"", "deployment"));
        assert!(holds_word("kinds: [service,deployment]", "deployment"));
        assert!(holds_word("note: \"a\\ndeployment\"", "deployment"));
        assert!(holds_word("deployment", "deployment"));
        assert!(!holds_word("deploymentspec: {}\n", "deployment"));
        assert!(!holds_word("serviceaccount: x\nmy_service: y", "service"));
    }

    #[test]
    fn each_document_of_a_stream_is_parsed_alone_and_cited_at_its_own_line() {
        let catalog = crate::load_catalog(&[]).unwrap();
        let plan = Plan::new(&catalog, &ScanOptions::default()).unwrap();
        let id = deployment_kind_probe(&plan);
        // A resource type (with a flaw the parser rejects, as real CRD
        // bundles have), a ConfigMap that cannot match, a broken document,
        // then the Deployment on line 16.
        let text = "apiVersion: apiextensions.k8s.io/v1\n\
            kind: CustomResourceDefinition\n\
            spec:\n  names: {kind: Deployment}\n  bad: \"x\n y\"\n\
            ---\n\
            apiVersion: v1\nkind: ConfigMap\n\
            ---\n\
            apiVersion: v1\nkind: Service\nspec: [\n\
            ---\n\
            apiVersion: apps/v1\nkind: Deployment\n";
        assert_eq!(text.lines().nth(15), Some("kind: Deployment"));
        let mut result = FileResult::default();
        match_keys(&plan, "deploy/bundle.yaml", text, &[id], &mut result);
        let lines: Vec<u32> = result.hits.iter().map(|(_, e)| e.line).collect();
        assert_eq!(lines, vec![16]);
        // The broken Service is reported at its own line; the resource
        // type is never parsed.
        assert_eq!(result.unknown.len(), 1, "{:?}", result.unknown);
        assert!(
            result.unknown[0]
                .1
                .starts_with("cannot parse deploy/bundle.yaml:13:7: unclosed bracket"),
            "{:?}",
            result.unknown
        );
    }

    #[test]
    fn a_value_regex_of_plain_tokens_is_tried_on_the_text_before_parsing() {
        let catalog = crate::load_catalog(&[]).unwrap();
        let plan = Plan::new(&catalog, &ScanOptions::default()).unwrap();
        let id = (0..plan.strengths.len())
            .find(|id| {
                plan.keys
                    .get(id)
                    .is_some_and(|k| k.probe.path == "**.labels")
            })
            .expect("RBK-10 reads labels");
        let scan = |text: &str| {
            let mut result = FileResult::default();
            match_keys(&plan, "deploy/app.yaml", text, &[id], &mut result);
            let lines: Vec<u32> = result.hits.iter().map(|(_, e)| e.line).collect();
            (
                lines,
                result.unknown.len() + usize::from(result.note.is_some()),
            )
        };
        // Found where the text says it.
        assert_eq!(
            scan("metadata:\n  labels:\n    model-version: v3\n"),
            (vec![3], 0)
        );
        // A broken document whose text cannot match is not parsed: no
        // complaint about it.
        assert_eq!(scan("metadata:\n  labels: {app: \"model\n"), (vec![], 0));
        // An escape that writes a letter, and an escaped line break, are
        // read by the parser, so the text test lets them through.
        assert_eq!(
            scan("metadata:\n  labels:\n    \"model-\\x76ersion\": v3\n"),
            (vec![3], 0)
        );
        assert_eq!(
            scan("metadata:\n  labels: [\"model-\\\n      version\"]\n"),
            (vec![2], 0)
        );
        // A Helm template is parsed, since its placeholders are not in the
        // raw text.
        assert_eq!(
            scan("# model\nmetadata:\n  labels: {{ toYaml .Values.labels }}\n  x: [\n").1,
            1
        );
        // An escape that writes a quote changes nothing.
        assert_eq!(
            scan("metadata:\n  labels:\n    v: \"\\u201Cfraud\\u201D\"\n  x: [\n"),
            (vec![], 0)
        );
    }

    #[test]
    fn escaped_line_breaks_are_joined_and_nothing_else_changes() {
        assert_eq!(
            join_escaped_line_breaks(b"a\\\n   b \\n c\\\r\n\n\td\\ e\\\rf"),
            b"ab \\n cd\\ ef".to_vec()
        );
    }

    #[test]
    fn helm_templates_parse_after_detemplating() {
        let text = "{{- if .Values.canary }}\napiVersion: {{ .Values.api }}\nkind: InferenceService\n{{- end }}\n";
        let docs = node::parse_yaml_documents(&detemplate(text), false).unwrap();
        assert_eq!(
            docs[0].get("kind").unwrap().as_str(),
            Some("InferenceService")
        );
        assert_eq!(docs[0].get("kind").unwrap().pos.line, 3);
    }
}
