//! `$(( … ))`: POSIX shell arithmetic on signed 64-bit integers, with C's
//! operators and precedence, variables, and assignment operators. A
//! recursive-descent evaluator: `&&`, `||` and `?:` skip (do not assign in)
//! the side they do not take.

use crate::state::State;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("arithmetic: {0}")]
pub struct ArithError(pub String);

type R<T> = Result<T, ArithError>;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Name(String),
    Op(&'static str),
}

/// Operators, longest first so `<<=` wins over `<<` and `<`.
const OPS: &[&str] = &[
    "<<=", ">>=", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "+",
    "-", "*", "/", "%", "<", ">", "&", "^", "|", "!", "~", "?", ":", "=", "(", ")",
];

/// `0x1f`, `017` (octal), `42`.
pub fn parse_number(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let v = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

fn tokenize(text: &str) -> R<Vec<Tok>> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { return Ok(out) };
        if c.is_ascii_digit() {
            let end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
            let n = parse_number(&rest[..end]).ok_or_else(|| ArithError(format!("bad number '{}'", &rest[..end])))?;
            out.push(Tok::Num(n));
            rest = &rest[end..];
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            out.push(Tok::Name(rest[..end].to_string()));
            rest = &rest[end..];
        } else if let Some(op) = OPS.iter().find(|op| rest.starts_with(*op)) {
            out.push(Tok::Op(op));
            rest = &rest[op.len()..];
        } else {
            return Err(ArithError(format!("unexpected '{c}' in '{text}'")));
        }
    }
}

struct Eval<'a> {
    toks: Vec<Tok>,
    pos: usize,
    state: &'a mut State,
    /// How deeply the expression nests so far.
    depth: usize,
}

/// Binary operator levels, loosest first (below `?:` and assignment).
const LEVELS: &[&[&str]] = &[
    &["||"],
    &["&&"],
    &["|"],
    &["^"],
    &["&"],
    &["==", "!="],
    &["<", "<=", ">", ">="],
    &["<<", ">>"],
    &["+", "-"],
    &["*", "/", "%"],
];

impl Eval<'_> {
    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some(Tok::Op(o)) => Some(o),
            _ => None,
        }
    }

    fn expect(&mut self, op: &str) -> R<()> {
        if self.peek_op() == Some(op) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ArithError(format!("expected '{op}'")))
        }
    }

    fn var(&self, name: &str) -> R<i64> {
        match self.state.vars.get(name) {
            None | Some("") => Ok(0),
            Some(v) => parse_number(v).ok_or_else(|| ArithError(format!("{name}: bad number '{v}'"))),
        }
    }

    /// assignment: NAME op= assignment | ternary
    fn assignment(&mut self, live: bool) -> R<i64> {
        self.nested(|e| e.assignment_at(live))
    }

    /// One level deeper: on a fresh stack segment if needed, and an error
    /// past the nesting limit.
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> R<i64>) -> R<i64> {
        if self.depth >= crate::stack::MAX_NESTING {
            return Err(ArithError(crate::stack::TOO_DEEP.into()));
        }
        self.depth += 1;
        let r = crate::stack::deep(|| f(self));
        self.depth -= 1;
        r
    }

    fn assignment_at(&mut self, live: bool) -> R<i64> {
        if let (Some(Tok::Name(name)), Some(Tok::Op(op))) = (self.toks.get(self.pos), self.toks.get(self.pos + 1))
            && op.ends_with('=')
            && !matches!(*op, "==" | "!=" | "<=" | ">=")
        {
            let (name, op) = (name.clone(), *op);
            self.pos += 2;
            let rhs = self.assignment(live)?;
            let value = if op == "=" { rhs } else { apply(&op[..op.len() - 1], self.var(&name)?, rhs)? };
            if live {
                if self.state.vars.is_readonly(&name) {
                    return Err(ArithError(format!("{name}: is read only")));
                }
                self.state.vars.set(&name, value.to_string());
            }
            return Ok(value);
        }
        self.ternary(live)
    }

    fn ternary(&mut self, live: bool) -> R<i64> {
        let cond = self.binary(0, live)?;
        if self.peek_op() != Some("?") {
            return Ok(cond);
        }
        self.pos += 1;
        let yes = self.assignment(live && cond != 0)?;
        self.expect(":")?;
        let no = self.assignment(live && cond == 0)?;
        Ok(if cond != 0 { yes } else { no })
    }

    fn binary(&mut self, level: usize, live: bool) -> R<i64> {
        if level == LEVELS.len() {
            return self.unary(live);
        }
        let mut left = self.binary(level + 1, live)?;
        while let Some(op) = self.peek_op().filter(|o| LEVELS[level].contains(o)) {
            self.pos += 1;
            // The right side of && and || runs only when it decides.
            let right_live = match op {
                "&&" => live && left != 0,
                "||" => live && left == 0,
                _ => live,
            };
            let right = self.binary(level + 1, right_live)?;
            left = match op {
                "&&" => (left != 0 && right != 0) as i64,
                "||" => (left != 0 || right != 0) as i64,
                _ if !right_live => 0,
                _ => apply(op, left, right)?,
            };
        }
        Ok(left)
    }

    fn unary(&mut self, live: bool) -> R<i64> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Op(op @ ("-" | "+" | "!" | "~"))) => {
                self.pos += 1;
                let v = self.nested(|e| e.unary(live))?;
                Ok(match op {
                    "-" => v.wrapping_neg(),
                    "+" => v,
                    "!" => (v == 0) as i64,
                    _ => !v,
                })
            }
            Some(Tok::Op("(")) => {
                self.pos += 1;
                let v = self.assignment(live)?;
                self.expect(")")?;
                Ok(v)
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(Tok::Name(name)) => {
                self.pos += 1;
                self.var(&name)
            }
            Some(Tok::Op(op)) => Err(ArithError(format!("unexpected '{op}'"))),
            None => Err(ArithError("expression expected".into())),
        }
    }
}

fn apply(op: &str, a: i64, b: i64) -> R<i64> {
    Ok(match op {
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" | "%" if b == 0 => return Err(ArithError("division by zero".into())),
        "/" => a.wrapping_div(b),
        "%" => a.wrapping_rem(b),
        "<<" => a.wrapping_shl(b as u32),
        ">>" => a.wrapping_shr(b as u32),
        "<" => (a < b) as i64,
        "<=" => (a <= b) as i64,
        ">" => (a > b) as i64,
        ">=" => (a >= b) as i64,
        "==" => (a == b) as i64,
        "!=" => (a != b) as i64,
        "&" => a & b,
        "^" => a ^ b,
        "|" => a | b,
        _ => return Err(ArithError(format!("unknown operator '{op}'"))),
    })
}

/// Evaluates an (already parameter-expanded) arithmetic expression.
pub fn eval(state: &mut State, text: &str) -> Result<i64, ArithError> {
    let toks = tokenize(text)?;
    if toks.is_empty() {
        return Err(ArithError("expression expected".into()));
    }
    let mut e = Eval { toks, pos: 0, state, depth: 0 };
    let v = e.assignment(true)?;
    if e.pos != e.toks.len() {
        return Err(ArithError(format!("syntax error in '{text}'")));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(text: &str) -> Result<i64, ArithError> {
        let mut st = State::new("t".into(), vec![]);
        st.vars.set("x", "7");
        eval(&mut st, text)
    }

    #[test]
    fn precedence_and_operators() {
        let cases = [
            ("1 + 2 * 3", 7),
            ("(1 + 2) * 3", 9),
            ("10 / 3", 3),
            ("-10 % 3", -1),
            ("1 << 4 | 1", 17),
            ("5 > 3 && 2 > 1", 1),
            ("0 || 0", 0),
            ("!0 + ~0", 0),
            ("x * 2", 14),
            ("x > 5 ? 100 : 200", 100),
            ("0x10 + 010", 24),
            ("3 == 3 != 0", 1),
            ("6 & 3 ^ 1", 3),
        ];
        for (text, want) in cases {
            assert_eq!(ev(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn assignments_and_short_circuit() {
        let mut st = State::new("t".into(), vec![]);
        assert_eq!(eval(&mut st, "a = 5"), Ok(5));
        assert_eq!(eval(&mut st, "a += 2"), Ok(7));
        assert_eq!(eval(&mut st, "a <<= 1"), Ok(14));
        assert_eq!(st.vars.get("a"), Some("14"));
        assert_eq!(eval(&mut st, "0 && (b = 1)"), Ok(0));
        assert_eq!(eval(&mut st, "1 || (b = 1)"), Ok(1));
        assert_eq!(eval(&mut st, "1 ? (c = 2) : (b = 3)"), Ok(2));
        assert_eq!(st.vars.get("b"), None);
        assert_eq!(st.vars.get("c"), Some("2"));
    }

    #[test]
    fn errors() {
        assert!(ev("1 / 0").unwrap_err().0.contains("division by zero"));
        assert!(ev("5 % 0").is_err());
        assert!(ev("1 +").is_err());
        assert!(ev("(1").is_err());
        assert!(ev("1 2").is_err());
        assert!(ev("1 @ 2").is_err());
        assert!(ev(" ").is_err(), "an empty expression is an error, as in dash");
    }
}
