//! A YAML stream cut into its documents before anything is parsed, so that
//! key rules parse only the documents that can match them: a Kubernetes
//! bundle of forty resources where one is a `Deployment` costs one small
//! parse, not forty.
//!
//! The cut is exact: a line that is `---` (or `...`) at column 0, alone or
//! followed by a space, is a document marker wherever it appears (YAML
//! forbids it inside any scalar), so every document lies within one piece.
//! Where a piece could still depend on another (`%` directives apply to the
//! next document; anchors could be the subject of a budget that holds per
//! parse), the stream stays whole.

/// At most this many pieces; a stream with more stays whole (and meets the
/// parser's own document limit, as it always did).
const MAX_PIECES: usize = 1000;

/// One piece of a stream: its text, the line it starts on, and whether it
/// holds at most one document (only then can the piece be judged by what
/// that document declares).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'t> {
    pub text: &'t str,
    pub first_line: u32,
    pub single: bool,
}

/// `text` cut at its document markers: each `---` line starts a piece, and
/// a `...` line ends one.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let bytes = text.as_bytes();
    let dashes = markers(bytes, b"---");
    let dots = markers(bytes, b"...");
    if dashes.is_empty() && dots.is_empty() {
        return vec![whole(text, true)];
    }
    let directives = bytes.first() == Some(&b'%') || memchr::memmem::find(bytes, b"\n%").is_some();
    // Whether anything but comments, blank lines and directives comes
    // before the first `---` (a bare first document).
    let before_first = &bytes[..dashes.first().copied().unwrap_or(bytes.len())];
    let bare_first = before_first.split(|&b| b == b'\n').any(|line| {
        let line = line.trim_ascii();
        !line.is_empty() && !matches!(line[0], b'#' | b'%')
    });
    let single = dots.is_empty() && (dashes.is_empty() || (dashes.len() == 1 && !bare_first));
    if single || directives || dashes.len() + dots.len() >= MAX_PIECES || has_anchor(bytes) {
        return vec![whole(text, single)];
    }
    // A piece starts at each `---` line and after each `...` line.
    let mut cuts: Vec<usize> = std::iter::once(0)
        .chain(dashes)
        .chain(dots.into_iter().filter_map(|at| {
            let end = memchr::memchr(b'\n', &bytes[at..])? + at + 1;
            (end < bytes.len()).then_some(end)
        }))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    let mut line = 1u32;
    let mut counted = 0;
    for (k, &start) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).copied().unwrap_or(bytes.len());
        line += newlines(&bytes[counted..start]);
        counted = start;
        out.push(Piece {
            text: &text[start..end],
            first_line: line,
            single: true,
        });
    }
    out
}

/// Where each `marker` line starts.
fn markers(bytes: &[u8], marker: &[u8; 3]) -> Vec<usize> {
    memchr::memmem::find_iter(bytes, marker)
        .filter(|&at| {
            (at == 0 || bytes[at - 1] == b'\n')
                && matches!(bytes.get(at + 3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        })
        .collect()
}

fn whole(text: &str, single: bool) -> Piece<'_> {
    Piece {
        text,
        first_line: 1,
        single,
    }
}

/// Whether the text may define an anchor (`&name` where a node starts).
/// Over-approximates: `a &b` in prose counts too.
fn has_anchor(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'&', bytes).any(|i| {
        let before = i.checked_sub(1).map(|p| bytes[p]);
        let after = bytes.get(i + 1);
        matches!(
            before,
            None | Some(b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':' | b'-' | b'?')
        ) && after.is_some_and(|b| !b.is_ascii_whitespace())
    })
}

fn newlines(bytes: &[u8]) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', bytes).count()).unwrap_or(u32::MAX)
}

/// Whether a one-document piece is a Kubernetes `CustomResourceDefinition`:
/// its OpenAPI schema names every field of the resource it defines
/// (`containers`, `image`, `labels`) as property keys, so a key rule would
/// only ever find a type's description there, never configuration.
pub fn defines_a_resource_type(piece: &Piece) -> bool {
    let bytes = piece.text.as_bytes();
    // Each top-level `kind:` line is looked at once: lines are disjoint,
    // so this stays one pass however the text repeats itself.
    piece.single
        && memchr::memmem::find(bytes, b"CustomResourceDefinition").is_some()
        && memchr::memmem::find_iter(bytes, b"kind:")
            .filter(|&at| at == 0 || bytes[at - 1] == b'\n')
            .any(|at| {
                let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
                let value = &piece.text[at + "kind:".len()..end];
                let value = value.split(" #").next().unwrap_or("").trim();
                matches!(
                    value,
                    "CustomResourceDefinition"
                        | "'CustomResourceDefinition'"
                        | "\"CustomResourceDefinition\""
                )
            })
}

/// Whether the document of a one-document piece may give its root key
/// `key` a value that `wanted` accepts, read from the text alone: a rule
/// such as `kind` must be `Deployment` or `Service` need not parse an Argo
/// `Workflow` whose prose says "service".
///
/// When the document's root is a block mapping starting at column 0, every
/// root key is written at column 0 (`kind:`, `"kind":`, `'kind':`), and an
/// inline plain or quoted value is the key's whole value but for folded
/// continuation lines, which add a space no single-token value has.
/// Anything else answers `true` (the parse decides): a root that starts
/// indented or in flow style, an explicit (`?`) or alias (`*`) key at
/// column 0, a value on later lines, a block scalar, an anchor, alias,
/// tag or flow collection as the value, an escape in a double-quoted
/// value, a quote left open, a byte order mark, or a line ended by a lone
/// `\r`.
pub fn root_value_may_be(piece: &Piece, key: &str, wanted: &dyn Fn(&str) -> bool) -> bool {
    // A byte order mark may open a document, where the parser skips it;
    // a lone `\r` ends a line for YAML but not for `str::lines`.
    let bytes = piece.text.as_bytes();
    let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'));
    if !piece.single || lone_cr || piece.text.contains('\u{feff}') {
        return true;
    }
    let spellings = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")];
    let mut seen_root = false;
    for line in piece.text.lines() {
        let first = line.bytes().next();
        let trimmed = line.trim_start();
        if !seen_root {
            if trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with('%') {
                continue;
            }
            if let Some(rest) = line.strip_prefix("---") {
                let rest = rest.trim();
                if rest.is_empty() || rest.starts_with('#') {
                    continue;
                }
                return true;
            }
            if first.is_some_and(|b| b.is_ascii_whitespace() || b"{[!&*?|>".contains(&b)) {
                return true;
            }
            seen_root = true;
        }
        match first {
            Some(b'?' | b'*') => return true,
            Some(b'"' | b'\'' | b'a'..=b'z' | b'A'..=b'Z' | b'_') => {}
            _ => continue,
        }
        let Some(after) = spellings.iter().find_map(|k| line.strip_prefix(k.as_str())) else {
            continue;
        };
        let Some(value) = after.trim_start_matches([' ', '\t']).strip_prefix(':') else {
            continue;
        };
        if !value.is_empty() && !value.starts_with([' ', '\t']) {
            continue; // `kind:x` is a plain scalar, not this key
        }
        if inline_value_may_be(value.trim(), wanted) {
            return true;
        }
    }
    false
}

/// See [`root_value_may_be`]: `value` is the rest of a key's line.
fn inline_value_may_be(value: &str, wanted: &dyn Fn(&str) -> bool) -> bool {
    if value.is_empty() || value.starts_with(['#', '*', '&', '!', '|', '>', '[', '{']) {
        return true;
    }
    if let Some(quoted) = value.strip_prefix('"') {
        return match quoted.split_once('"') {
            Some((inside, _)) if !inside.contains('\\') => wanted(inside),
            _ => true,
        };
    }
    if let Some(quoted) = value.strip_prefix('\'') {
        return match quoted.split_once('\'') {
            Some((inside, rest)) if !rest.starts_with('\'') => wanted(inside),
            _ => true,
        };
    }
    let plain = value.split(" #").next().unwrap_or(value);
    let plain = plain.split("\t#").next().unwrap_or(plain).trim_end();
    wanted(plain)
}

/// `text` with every `CustomResourceDefinition` document blanked (its
/// lines kept, empty), for rules that read lines: a resource type's schema
/// descriptions mention every feature of the resource (canaries,
/// monitoring, tracing) without configuring any.
pub fn without_resource_types(text: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memmem::find(text.as_bytes(), b"CustomResourceDefinition").is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let pieces: Vec<(Piece, bool)> = pieces(text)
        .into_iter()
        .map(|piece| (piece, defines_a_resource_type(&piece)))
        .collect();
    if !pieces.iter().any(|&(_, skipped)| skipped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (piece, skipped) in &pieces {
        if *skipped {
            let lines = newlines(piece.text.as_bytes()) as usize;
            out.extend(std::iter::repeat_n('\n', lines));
        } else {
            out.push_str(piece.text);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'t>(pieces: &[Piece<'t>]) -> Vec<(&'t str, u32)> {
        pieces.iter().map(|p| (p.text, p.first_line)).collect()
    }

    #[test]
    fn a_stream_is_cut_at_its_markers_with_each_piece_first_line() {
        let text = "# head\na: 1\n---\nb: 2\n--- # second\nc: |\n  ---x\n  ---\n...\nd: 4\n";
        let pieces = pieces(text);
        assert_eq!(
            texts(&pieces),
            vec![
                ("# head\na: 1\n", 1),
                ("---\nb: 2\n", 3),
                ("--- # second\nc: |\n  ---x\n  ---\n...\n", 5),
                ("d: 4\n", 10),
            ]
        );
        assert!(pieces.iter().all(|p| p.single));
        // Every piece parses to the documents the whole stream holds.
        let whole = crate::node::parse_yaml_documents(text, false).unwrap();
        let cut: Vec<_> = pieces
            .iter()
            .flat_map(|p| crate::node::parse_yaml_documents(p.text, false).unwrap())
            .collect();
        assert_eq!(whole.len(), cut.len());
    }

    #[test]
    fn streams_that_must_stay_whole_do() {
        let one = "a: 1\nb: ---\n";
        assert_eq!(pieces(one), vec![whole(one, true)]);
        let directive = "%YAML 1.2\n---\na: 1\n";
        assert_eq!(pieces(directive), vec![whole(directive, true)]);
        let directives = "a: 1\n---\n%YAML 1.2\n---\nb: 2\n";
        assert_eq!(pieces(directives), vec![whole(directives, false)]);
        let anchored = "a: &x 1\n---\nb: [&y 2]\n";
        assert_eq!(pieces(anchored), vec![whole(anchored, false)]);
        let one_anchored = "# c\n---\na: &x 1\nb: *x\n";
        assert_eq!(pieces(one_anchored), vec![whole(one_anchored, true)]);
        let many = "---\na: 1\n".repeat(MAX_PIECES + 1);
        assert_eq!(pieces(&many), vec![whole(&many, false)]);
        // An ampersand in prose or a URL is no anchor.
        assert_eq!(pieces("a: R & D\n---\nb: x?y=1&z=2\n").len(), 2);
    }

    #[test]
    fn line_rules_see_no_resource_type_but_keep_their_line_numbers() {
        let text = "kind: Deployment\n---\nkind: CustomResourceDefinition\ndescription: canary\n---\nkind: Service # canary\n";
        assert_eq!(
            without_resource_types(text),
            "kind: Deployment\n\n\n\n---\nkind: Service # canary\n"
        );
        let plain = "kind: Deployment\n";
        assert!(matches!(
            without_resource_types(plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_text_that_repeats_the_kind_costs_one_pass() {
        let line = "CustomResourceDefinition ".repeat(100_000);
        let text = format!("note: {line}\nkind: Deployment\n");
        let piece = Piece {
            text: &text,
            first_line: 1,
            single: true,
        };
        assert!(!defines_a_resource_type(&piece));
        assert_eq!(without_resource_types(&text), text);
    }

    #[test]
    fn a_resource_type_is_told_by_its_top_level_kind() {
        let piece = |text| Piece {
            text,
            first_line: 1,
            single: true,
        };
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: {}\n";
        assert!(defines_a_resource_type(&piece(crd)));
        assert!(defines_a_resource_type(&piece(
            "---\nkind: \"CustomResourceDefinition\"  # a type\n"
        )));
        assert!(!defines_a_resource_type(&piece(
            "kind: Deployment\nmetadata:\n  annotations:\n    note: not a CustomResourceDefinition\n"
        )));
        assert!(!defines_a_resource_type(&piece(
            "spec:\n  kind: CustomResourceDefinition\n"
        )));
        assert!(!defines_a_resource_type(&Piece {
            single: false,
            ..piece(crd)
        }));
    }

    /// What a parse says the document's root `kind` is, when a string.
    fn parsed_kind(text: &str) -> Option<String> {
        let docs = crate::node::parse_yaml_documents(text, false).ok()?;
        let kind = docs.first()?.get("kind")?;
        kind.as_str().map(str::to_owned)
    }

    #[test]
    fn a_root_value_is_read_from_the_key_line_and_anything_unusual_is_parsed() {
        let wanted = |v: &str| v.eq_ignore_ascii_case("deployment");
        let may_be = |text: &str| {
            let piece = Piece {
                text,
                first_line: 1,
                single: true,
            };
            root_value_may_be(&piece, "kind", &wanted)
        };
        // Read from the text: no parse needed.
        let skipped = [
            "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  serviceAccountName: deployment\n",
            "# a Deployment of sorts\n---\nkind: Service # not a Deployment\n",
            "kind: 'Service'\nmetadata:\n  kind: Deployment\n",
            "\"kind\" : \"ConfigMap\"\ndata:\n  note: |\n    kind: Deployment\n",
            "kind: Deployments\n",
            "kinds: Deployment\nkind:x\n",
            "apiVersion: v1\r\nkind: Service\r\n",
        ];
        for text in skipped {
            assert!(!may_be(text), "parsed: {text}");
            assert!(!parsed_kind(text).is_some_and(|k| wanted(&k)), "{text}");
        }
        // Left to the parse, which may find the value.
        let parsed = [
            "kind: Deployment\n",
            "kind:   \"Deployment\"   # quoted\n",
            "'kind': 'Deployment'\n",
            "kind:\n  Deployment\n",
            "kind: *k\n",
            "kind: !!str Deployment\n",
            "kind: |\n  Deployment\n",
            "kind: \"Deploym\\x65nt\"\n",
            "kind: 'it''s'\n",
            "kind: \"open\n  Deployment\"\n",
            "? kind\n: Deployment\n",
            "*k : Deployment\n",
            "  kind: Deployment\n",
            "{kind: Deployment}\n",
            "--- {kind: Deployment}\n",
            "!tag\nkind: Deployment\n",
            "kind: Service\nkind: Deployment\n",
            "\u{feff}kind: Deployment\n",
            "apiVersion: v1\rkind: Deployment\r",
        ];
        for text in parsed {
            assert!(may_be(text), "skipped: {text}");
        }
        // Whatever the parse finds, the text test never rules it out.
        for text in skipped.iter().chain(&parsed) {
            if parsed_kind(text).is_some_and(|k| wanted(&k)) {
                assert!(may_be(text), "{text}");
            }
        }
        // A stream of several documents is left whole to the parse.
        let stream = Piece {
            text: "kind: Service\n---\nkind: Deployment\n",
            first_line: 1,
            single: false,
        };
        assert!(root_value_may_be(&stream, "kind", &wanted));
    }
}
