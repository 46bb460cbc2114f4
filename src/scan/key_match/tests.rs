//! Tests of key rules: which YAML pieces are parsed (literal and value
//! tests on the raw text, Helm templates, escaped line breaks) and where
//! each hit is cited.

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
    let scan = |text: &str| scan_one(&plan, id, "deploy/app.yaml", text);
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
    // A Helm template whose placeholders, replaced, still cannot
    // match is not parsed either.
    assert_eq!(
        scan("# model\nmetadata:\n  labels: {{ toYaml .Values.labels }}\n  x: [\n"),
        (vec![], 0)
    );
    // An escape that writes a quote changes nothing.
    assert_eq!(
        scan("metadata:\n  labels:\n    v: \"\\u201Cfraud\\u201D\"\n  x: [\n"),
        (vec![], 0)
    );
}

/// A plan of the built-in rubrics and one more, whose checks read keys.
fn plan_with(rubric: &str) -> Plan {
    let user = crate::rubric::load::RubricSource {
        name: "t.yaml".into(),
        origin: "t.yaml".into(),
        text: rubric.into(),
        trusted: false,
        parsed: None,
    };
    let catalog =
        crate::rubric::load::load_catalog(&crate::rubric::builtin::sources(), &[user]).unwrap();
    Plan::new(&catalog, &ScanOptions::default()).unwrap()
}

fn probe_at(plan: &Plan, path: &str) -> ProbeId {
    (0..plan.strengths.len())
        .find(|id| plan.keys.get(id).is_some_and(|k| k.probe.path == path))
        .unwrap_or_else(|| panic!("a key probe reads {path}"))
}

/// `(lines of hits, how many unknowns and notes)` of one probe.
fn scan_one(plan: &Plan, id: ProbeId, path: &str, text: &str) -> (Vec<u32>, usize) {
    let mut result = FileResult::default();
    match_keys(plan, path, text, &[id], &mut result);
    let lines = result.hits.iter().map(|(_, e)| e.line).collect();
    (
        lines,
        result.unknown.len() + usize::from(result.note.is_some()),
    )
}

const KEYS_RUBRIC: &str = r#"
area: demo
title: Demo
version: "1"
checks:
  - id: D1
    title: d1
    level: 1
    weight: 1
    why: w
    fix: f
    evidence:
      any:
        - key: { files: "**/*", path: "deploy.{owner,steward}" }
        - key: { files: "**/*", path: "**.labels.tier", value: '(?i)^template$' }
"#;

#[test]
fn a_document_whose_text_holds_a_key_only_outside_keys_is_not_parsed() {
    let plan = plan_with(KEYS_RUBRIC);
    let id = probe_at(&plan, "deploy.{owner,steward}");
    let scan = |path: &str, text: &str| scan_one(&plan, id, path, text);
    // The key names in prose, in a value and inside longer keys: the
    // broken document is not parsed, so it raises no complaint.
    assert_eq!(
        scan(
            "a.yaml",
            "# deploy: the owner\nnote: deploy it, owner\nowners: [x]\ndeploy_x: 1\ny: [\n"
        ),
        (vec![], 0)
    );
    // Keys as YAML and JSON write them.
    assert_eq!(scan("a.yaml", "deploy:\n  owner: team-a\n"), (vec![2], 0));
    assert_eq!(
        scan("a.yaml", "'deploy' : {\"steward\"\t: team-a}\n"),
        (vec![1], 0)
    );
    assert_eq!(
        scan("a.json", "{\"deploy\"\n  : {\"owner\": \"team-a\"}}"),
        (vec![2], 0)
    );
    // An explicit key, and an alias as a key, need the parse.
    assert_eq!(
        scan("a.yaml", "deploy:\n  ? owner\n  : team-a\n"),
        (vec![2], 0)
    );
    assert_eq!(
        scan("a.yaml", "names: [&o owner]\ndeploy:\n  *o : team-a\n"),
        (vec![3], 0)
    );
    // Not every `?` is a key's.
    assert!(!keys_may_hide("url: https://x.test/?a=1\nq: why?\n"));
    assert!(keys_may_hide("- ? a\n  : b\n"));
    assert!(keys_may_hide("{? a : b}"));
}

#[test]
fn a_helm_template_is_tried_as_the_parser_reads_it() {
    let plan = plan_with(KEYS_RUBRIC);
    let id = probe_at(&plan, "**.labels.tier");
    let scan = |text: &str| scan_one(&plan, id, "chart/deploy.yaml", text);
    // A template that parses as it is keeps its placeholders.
    assert_eq!(
        scan("metadata:\n  labels:\n    tier: \"{{ .Values.tier }}\"\n"),
        (vec![], 0)
    );
    // One that does not is read with each placeholder replaced, a value
    // no raw text holds.
    assert_eq!(
            scan("{{- if .Values.on }}\nmetadata:\n  labels:\n    tier: {{ .Values.tier }}\n{{- end }}\n"),
            (vec![4], 0)
        );
    // Without a template, nothing to read.
    assert_eq!(
        scan("metadata:\n  labels:\n    tier: web\n  x: [\n"),
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

/// A token-only value regex tried on the runs around its literals answers
/// as the regex over the whole text; the joining of escaped line breaks
/// copies what a byte-by-byte join copies.
#[test]
fn token_runs_around_literals_answer_as_the_whole_text() {
    let join_by_bytes = |bytes: &[u8]| {
        let mut out = Vec::new();
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
    };
    let patterns = [
        r"(?i)model[-_.]?version",
        r"(?i)release-v\d+",
        r"(?i)(champion|challenger)[-_]?\w*",
        r"sha-[0-9a-f]{6,}",
    ];
    let pieces = [
        "model", "MODEL", "Model", "-", "_", ".", "version", "Version", " ", "\n", "\\", "\\\n  ",
        "\"", ":", "v1", "release-", "champion", "x", "sha-", "abc123", "é",
    ];
    let mut generated = super::super::generated::Generated::new(0x70c3);
    let mut agreed = 0;
    for pattern in patterns {
        assert!(super::super::required::token_only(pattern), "{pattern}");
        let literals = super::super::required::required_literals(pattern).expect("literals");
        let regex = super::super::content::compile_regex(pattern).unwrap();
        for _ in 0..1_500 {
            let text = generated.text(&pieces, 14);
            let bytes = text.as_bytes();
            let lowered = text.to_ascii_lowercase();
            assert_eq!(
                token_runs_match(&regex, bytes, lowered.as_bytes(), &literals),
                regex.is_match(bytes),
                "{pattern} in {text:?}"
            );
            assert_eq!(
                join_escaped_line_breaks(bytes),
                join_by_bytes(bytes),
                "{text:?}"
            );
            agreed += usize::from(regex.is_match(bytes));
        }
    }
    assert!(agreed > 300, "{agreed}");
}

/// Copying the lines without `{{` in stretches writes what reading the
/// text line by line writes.
#[test]
fn detemplating_in_stretches_writes_what_line_by_line_writes() {
    let pieces = [
        "a: 1",
        "\n",
        "{{",
        "}}",
        " ",
        "{{- if .x }}",
        "b: {{ .v }}",
        "{",
        "}",
        "é",
        "-",
    ];
    let mut generated = super::super::generated::Generated::new(0xde7e);
    for _ in 0..3_000 {
        let text = generated.text(&pieces, 16);
        let open = memchr::memmem::Finder::new("{{");
        let mut by_lines = String::new();
        for line in text.lines() {
            detemplate_line(line, &open, &mut by_lines);
        }
        assert_eq!(detemplate(&text), by_lines, "{text:?}");
    }
}
