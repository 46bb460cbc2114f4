//! Text from the repository made safe to show. A file name, a matched line,
//! an answer's note or a rubric title is repository-controlled: a newline in
//! a file name could forge a line of the report ("FAKE: all checks met"),
//! and escape sequences in a matched line could retitle the terminal, clear
//! it or write the clipboard (OSC 52). Control characters (C0, DEL, C1) and
//! the Unicode bidirectional overrides are shown as `\u{..}` escapes instead.

use std::borrow::Cow;

/// `text` with every control or bidi-override character written as `\u{hex}`.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A control character or a bidi override: never shown as it is.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_escaped() {
        assert_eq!(printable("src/train.py"), "src/train.py");
        assert_eq!(printable("a\nFAKE"), "a\\u{a}FAKE");
        assert_eq!(
            printable("x\u{1b}]0;owned\u{7}y\u{9b}"),
            "x\\u{1b}]0;owned\\u{7}y\\u{9b}"
        );
        assert_eq!(printable("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(printable("naïve 日本"), "naïve 日本");
    }
}
