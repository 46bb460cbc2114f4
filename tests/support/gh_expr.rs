//! The part of GitHub Actions' expression language that step `if:`
//! conditions use, evaluated the way the runner does: `${{ }}` optional,
//! `&&`, `||`, `!`, `==`, `!=` (strings compared case-insensitively),
//! parentheses, '…' literals, `true`/`false`, the `inputs.*` and
//! `steps.<id>.outputs.*` contexts (a missing value is the empty string),
//! and the status functions. Any other function fails the test: one such as
//! `hashFiles()` depends on the runner's file system (it sees only the
//! workspace), which is how the action's SARIF upload was skipped on every
//! run while its script tested green.

use std::collections::HashMap;

/// What a condition can read, and the job's status so far.
pub struct Context {
    pub values: HashMap<String, String>,
    pub failed: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Name(String),
    Op(&'static str),
}

fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'\'' {
            let mut s = String::new();
            i += 1;
            loop {
                assert!(i < b.len(), "unterminated string in {text}");
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        s.push('\'');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(char::from(b[i]));
                i += 1;
            }
            out.push(Token::Str(s));
        } else if let Some(op) = ["&&", "||", "==", "!=", "!", "(", ")", ","]
            .into_iter()
            .find(|op| text[i..].starts_with(op))
        {
            out.push(Token::Op(op));
            i += op.len();
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_-.*".contains(&b[i])) {
                i += 1;
            }
            out.push(Token::Name(text[start..i].to_owned()));
        } else {
            panic!("unexpected {:?} in {text}", char::from(c));
        }
    }
    out
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    context: &'a Context,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &'static str) -> bool {
        let found = self.peek() == Some(&Token::Op(op));
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> String {
        let mut left = self.and();
        while self.eat("||") {
            let right = self.and();
            left = if truthy(&left) { left } else { right };
        }
        left
    }

    fn and(&mut self) -> String {
        let mut left = self.equality();
        while self.eat("&&") {
            let right = self.equality();
            left = if truthy(&left) { right } else { left };
        }
        left
    }

    fn equality(&mut self) -> String {
        let mut left = self.unary();
        loop {
            if self.eat("==") {
                let right = self.unary();
                left = boolean(left.eq_ignore_ascii_case(&right));
            } else if self.eat("!=") {
                let right = self.unary();
                left = boolean(!left.eq_ignore_ascii_case(&right));
            } else {
                return left;
            }
        }
    }

    fn unary(&mut self) -> String {
        if self.eat("!") {
            let value = self.unary();
            return boolean(!truthy(&value));
        }
        self.primary()
    }

    fn primary(&mut self) -> String {
        if self.eat("(") {
            let value = self.or();
            assert!(self.eat(")"), "missing )");
            return value;
        }
        match self.tokens.get(self.at).cloned() {
            Some(Token::Str(s)) => {
                self.at += 1;
                s
            }
            Some(Token::Name(name)) => {
                self.at += 1;
                if self.eat("(") {
                    let value = match name.as_str() {
                        "always" => boolean(true),
                        "success" => boolean(!self.context.failed),
                        "failure" => boolean(self.context.failed),
                        "cancelled" => boolean(false),
                        other => panic!(
                            "`{other}()` in a step condition: its result depends on the runner \
                             (hashFiles sees only the workspace), not on the step's outputs"
                        ),
                    };
                    assert!(self.eat(")"), "{name}() takes no arguments");
                    return value;
                }
                match name.as_str() {
                    "true" | "false" => name,
                    _ => {
                        assert!(
                            name.starts_with("inputs.") || name.starts_with("steps."),
                            "unknown context {name}"
                        );
                        self.context.values.get(&name).cloned().unwrap_or_default()
                    }
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn boolean(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

fn truthy(value: &str) -> bool {
    !value.is_empty() && value != "false" && value != "0"
}

/// Whether a step with condition `condition` runs (no condition: `success()`).
pub fn runs(condition: Option<&str>, context: &Context) -> bool {
    let Some(text) = condition else {
        return !context.failed;
    };
    let text = text.trim();
    let text = text
        .strip_prefix("${{")
        .and_then(|t| t.strip_suffix("}}"))
        .unwrap_or(text);
    // A condition without a status function runs only after success, as
    // if it began with `success() &&`.
    let statuses = ["always()", "success()", "failure()", "cancelled()"];
    if !statuses.iter().any(|f| text.contains(f)) && context.failed {
        return false;
    }
    let mut parser = Parser {
        tokens: tokens(text),
        at: 0,
        context,
    };
    let value = parser.or();
    assert_eq!(parser.at, parser.tokens.len(), "trailing tokens in {text}");
    truthy(&value)
}
