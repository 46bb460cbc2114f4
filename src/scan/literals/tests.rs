use super::*;

/// The automaton walked by `Dfa::overlapping` finds what the crate's
/// overlapping iterator finds, in the same order.
#[test]
fn the_overlapping_walk_finds_what_the_crate_s_iterator_finds() {
    let words = [
        "model",
        "mod",
        "Model_Version",
        "ver",
        "sion",
        "a",
        "eval",
        "val",
    ];
    let pieces = [
        "mod", "el", "MODEL", "_version", "Ver", "sion", "eva", "l", " ", "\n", "é",
    ];
    for fold_case in [false, true] {
        let mut literals = match fold_case {
            true => Literals::folding_case(),
            false => Literals::default(),
        };
        for w in words {
            literals.id(&if fold_case {
                w.to_ascii_lowercase()
            } else {
                w.to_owned()
            });
        }
        let crate_ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(fold_case)
            .build(literals.all())
            .unwrap();
        let mut generated = super::super::generated::Generated::new(0xac);
        let dfa = literals.automaton().unwrap();
        for case in 0..2_000 {
            // Short texts, and texts long enough to be walked as
            // streams of a few bytes each (matches across the streams'
            // borders, literals longer than a stream's part).
            let most = if case % 2 == 0 { 20 } else { 400 };
            let text = generated.text(&pieces, most);
            let want: Vec<(usize, usize, usize)> = crate_ac
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            let mut got = Vec::new();
            dfa.overlapping(text.as_bytes(), |l, s, e| got.push((l, s, e)));
            assert_eq!(got, want, "{text:?}");
            for min_stream in [1, 5, 13, 64] {
                got.clear();
                dfa.overlapping_in_streams(text.as_bytes(), min_stream, |l, s, e| {
                    got.push((l, s, e))
                });
                assert_eq!(got, want, "streams of {min_stream}+ bytes: {text:?}");
            }
        }
    }
}

#[test]
fn lines_longer_than_the_limit_are_not_searched_and_lines_keep_their_numbers() {
    let mut literals = Literals::folding_case();
    let seed = literals.id("seed");
    let text = "seed\nxx seed xx\nseed\n\nseed()\nseed xxxxxxxxxxxxxx";
    let found = literals.occurrences_in_lines_up_to(text, 6);
    let lines: Vec<(usize, u32, &str)> = found
        .iter()
        .map(|o| (o.literal, o.line, &text[o.span.0..o.span.1]))
        .collect();
    assert_eq!(
        lines,
        vec![(seed, 1, "seed"), (seed, 3, "seed"), (seed, 5, "seed()")]
    );
    let mut plain = Literals::folding_case();
    plain.id("seed");
    assert_eq!(plain.occurrences_without_automaton(text, 6), found);
    // Without a limit every line counts.
    assert_eq!(
        literals.occurrences_in_lines_up_to(text, usize::MAX).len(),
        5
    );
    assert_eq!(short_line_regions(b"", 6), vec![(0, 0, 1)]);
    assert_eq!(
        short_line_regions(b"abcdefgh\nab\nabcdefgh", 6),
        vec![(9, 12, 2)]
    );
}

/// The full search's occurrences of the literals `ids`, in its order.
fn full_search_of(literals: &Literals, ids: &[usize], text: &str, max: usize) -> Vec<Occurrence> {
    let mut all = literals.occurrences_in_lines_up_to(text, max);
    all.retain(|o| ids.contains(&o.literal));
    all
}

#[test]
fn a_subset_finds_what_the_full_search_finds_of_its_literals() {
    let mut literals = Literals::folding_case();
    let words = [
        "eval",
        "mlflow.evaluate(",
        "val",
        ".fit(",
        "seed",
        "x.y",
        "é",
    ];
    let ids: Vec<usize> = words.iter().map(|w| literals.id(w)).collect();
    // Texts from fragments of the literals, in mixed case, with short
    // and long lines, empty lines, CRLF and non-ASCII text.
    let pieces = [
        "EVAL",
        "mlflow.Evaluate(",
        "va",
        "l",
        ".FIT(",
        "se",
        "ed",
        "x.y",
        " ",
        "\n",
        "\r\n",
        "é",
        "xxxxxxxxxx",
        "\n\n",
    ];
    let mut generated = super::super::generated::Generated::new(0x2545_f491);
    for case in 0..400 {
        let text = generated.text(&pieces, 60);
        let chosen: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|_| generated.below(2) == 0)
            .collect();
        let Some(subset) = literals.subset(&chosen) else {
            assert!(chosen.is_empty());
            continue;
        };
        for max in [usize::MAX, 12, 3] {
            assert_eq!(
                literals.subset_occurrences_in_lines_up_to(&subset, &text, max),
                full_search_of(&literals, &chosen, &text, max),
                "case {case}, max {max}: {text:?}"
            );
        }
    }
}

#[test]
fn a_case_sensitive_subset_matches_case() {
    let mut literals = Literals::default();
    let (image, containers) = (literals.id("image"), literals.id("containers"));
    let subset = literals.subset(&[image]).expect("two literals fit");
    let text = "Image: a\n  image: b\ncontainers:\n  - image: c";
    let found = literals.subset_occurrences_in_lines_up_to(&subset, text, usize::MAX);
    let lines: Vec<u32> = found.iter().map(|o| o.line).collect();
    assert_eq!(lines, [2, 4]);
    assert_eq!(found, full_search_of(&literals, &[image], text, usize::MAX));
    assert!(found.iter().all(|o| o.literal != containers));
}

#[test]
fn a_subset_is_refused_when_the_packed_search_cannot_stand_in() {
    let mut literals = Literals::folding_case();
    let many: Vec<usize> = (0..=SUBSET_LIMIT)
        .map(|i| literals.id(&format!("lit{i}")))
        .collect();
    assert!(literals.subset(&many[..SUBSET_LIMIT]).is_some());
    assert!(literals.subset(&many).is_none(), "more than the limit");
    assert!(literals.subset(&[]).is_none(), "nothing to search for");
    // A literal across lines would be missed by a search line by line.
    let across = literals.id("a\nb");
    assert!(literals.subset(&[many[0], across]).is_none());
}

#[test]
fn occurrences_carry_their_line_and_its_span_whatever_the_order_of_matches() {
    let mut literals = Literals::folding_case();
    let (short, long) = (literals.id("eval"), literals.id("mlflow.evaluate("));
    let text = "x\nmlflow.EVALUATE(m)\n\nEval\n";
    let at = |literal, line, span| Occurrence {
        literal,
        line,
        span,
    };
    let expected = vec![
        at(short, 2, (2, 20)),
        at(short, 4, (22, 26)),
        at(long, 2, (2, 20)),
    ];
    let mut found = literals.occurrences_in_lines_up_to(text, usize::MAX);
    found.sort_unstable();
    assert_eq!(found, expected);
    let mut plain = Literals::folding_case();
    plain.id("eval");
    plain.id("mlflow.evaluate(");
    let mut found = plain.occurrences_without_automaton(text, usize::MAX);
    found.sort_unstable();
    assert_eq!(found, expected);
}
