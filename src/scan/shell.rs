//! Shell scripts inside CI definitions, read the way the shell reads them:
//! which keys hold a script, and the script without its comments and
//! print-only lines.

/// Keys whose value is a shell script (CI systems' step commands).
pub const SHELL_KEYS: &[&str] = &[
    "run",
    "script",
    "before_script",
    "after_script",
    "command",
    "commands",
    "bash",
    "pwsh",
    "powershell",
    "inlineScript",
];

/// A shell script as the shell runs it, for matching: comment lines and
/// trailing comments are blanked, and so are lines that only print
/// (`echo "Evaluation results" >> $GITHUB_STEP_SUMMARY`), so neither a
/// commented-out command nor a message about one reads as the command.
/// Lines keep their number, so a match still maps to its source line.
pub fn shell_code(script: &str) -> String {
    script
        .split('\n')
        .map(|line| {
            let code = strip_trailing_comment(line);
            let trimmed = code.trim_start();
            let first = trimmed.split_whitespace().next().unwrap_or("");
            let only_prints = matches!(first, "echo" | "printf")
                && !["|", ";", "&&", "`", "$("]
                    .iter()
                    .any(|chained| trimmed.contains(chained));
            if only_prints {
                ""
            } else {
                code
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `line` without a `#` comment: a `#` at the start of a word, outside
/// quotes (`$#`, `${#x}` and `a#b` are not comments).
fn strip_trailing_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), _) if c == open && previous != '\\' => quote = None,
            (None, '#') if previous.is_whitespace() => return &line[..at],
            _ => {}
        }
        previous = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_messages_are_not_commands() {
        let script = "# python evaluate.py\npython train.py  # then evaluate\necho \"Evaluation results\" >> $GITHUB_STEP_SUMMARY\nprintf 'evaluate'\npython evaluate.py";
        assert_eq!(
            shell_code(script),
            "\npython train.py  \n\n\npython evaluate.py"
        );
    }

    #[test]
    fn a_printed_line_that_runs_something_is_kept() {
        for line in [
            "echo start && python evaluate.py",
            "echo $(python evaluate.py)",
            "echo x | python evaluate.py",
            "echo x; python evaluate.py",
        ] {
            assert_eq!(shell_code(line), line);
        }
    }

    #[test]
    fn a_hash_inside_quotes_or_a_word_is_not_a_comment() {
        for line in [
            "python eval.py --tag 'a #1'",
            "python eval.py --tag \"a #1\"",
            "echo ${#ARR[@]} && python eval.py",
            "python eval.py --n=$#",
            "curl http://host/#frag",
        ] {
            assert_eq!(shell_code(line), line, "{line}");
        }
    }
}
