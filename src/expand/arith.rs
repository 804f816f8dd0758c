//! `$(( … ))`: POSIX shell arithmetic on signed 64-bit integers, with C's
//! operators and precedence, variables, and assignment operators. A
//! recursive-descent evaluator: `&&`, `||` and `?:` skip (do not assign in)
//! the side they do not take.

use crate::state::State;

/// An arithmetic expression that does not parse or evaluate (division by zero, a bad number); the message says which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("arithmetic: {0}")]
pub struct ArithError(pub String);

type R<T> = Result<T, ArithError>;

/// A token; a name borrows the expression's text (no copy per token).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'t> {
    Num(i64),
    Name(&'t str),
    Op(&'static str),
}

/// Operators, longest first so `<<=` wins over `<<` and `<`.
const OPS: &[&str] = &[
    "<<=", ">>=", "**", "++", "--", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=",
    "^=", "|=", "+", "-", "*", "/", "%", "<", ">", "&", "^", "|", "!", "~", "?", ":", "=", "(", ")", ",",
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

/// The value of one digit in bases up to 64, as bash numbers them:
/// `0-9`, `a-z`, `A-Z`, `@`, `_` (letters fold case up to base 36).
fn digit_value(c: char, base: u32) -> Option<u32> {
    let v = match c {
        '0'..='9' => c as u32 - '0' as u32,
        'a'..='z' => c as u32 - 'a' as u32 + 10,
        'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
        'A'..='Z' => c as u32 - 'A' as u32 + 36,
        '@' => 62,
        '_' => 63,
        _ => return None,
    };
    Some(v)
}

/// An integer constant of an arithmetic expression: decimal, `0` octal,
/// `0x` hex, or `BASE#digits` (bases 2 to 64). Too many digits wrap, as in
/// bash.
fn parse_constant(s: &str) -> Result<i64, ArithError> {
    let too_great = || ArithError(format!("{s}: value too great for base"));
    let (base, digits) = if let Some((b, d)) = s.split_once('#') {
        let base: u32 = b
            .parse()
            .ok()
            .filter(|b| (2..=64).contains(b))
            .ok_or_else(|| ArithError(format!("{s}: invalid arithmetic base")))?;
        if d.is_empty() {
            return Err(ArithError(format!("{s}: invalid integer constant")));
        }
        (base, d)
    } else if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, h)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    let mut v: i64 = 0;
    for c in digits.chars() {
        let d = digit_value(c, base).filter(|d| *d < base).ok_or_else(too_great)?;
        v = v.wrapping_mul(base as i64).wrapping_add(d as i64);
    }
    Ok(v)
}

fn tokenize(text: &str) -> R<Vec<Tok<'_>>> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { return Ok(out) };
        if c.is_ascii_digit() {
            let word = |s: &str| s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
            let mut end = word(rest);
            if rest[end..].starts_with('#') {
                end += 1;
                end += rest[end..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '@'))
                    .unwrap_or(rest.len() - end);
            }
            out.push(Tok::Num(parse_constant(&rest[..end])?));
            rest = &rest[end..];
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            out.push(Tok::Name(&rest[..end]));
            rest = &rest[end..];
        } else if let Some(op) = OPS.iter().find(|op| op.as_bytes()[0] == rest.as_bytes()[0] && rest.starts_with(*op)) {
            // `++` and `--` increment only a name just before them or right
            // after them; elsewhere they are two signs (`1--1` is 2), as bash.
            if matches!(*op, "++" | "--") {
                let after_name = matches!(out.last(), Some(Tok::Name(_)));
                let before_name = rest[2..].trim_start().starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
                if !after_name && !before_name {
                    out.push(Tok::Op(if *op == "++" { "+" } else { "-" }));
                    rest = &rest[1..];
                    continue;
                }
            }
            out.push(Tok::Op(op));
            rest = &rest[op.len()..];
        } else {
            return Err(ArithError(format!(
                "{text}: syntax error: invalid arithmetic operator (error token is \"{rest}\")"
            )));
        }
    }
}

struct Eval<'a, 't> {
    toks: Vec<Tok<'t>>,
    pos: usize,
    state: &'a mut State,
    /// How deeply the expression nests so far (variables whose values are
    /// expressions count too).
    depth: usize,
}

/// The level of a binary operator, loosest first (below `?:` and
/// assignment); `None` for any other token.
fn level(op: &str) -> Option<usize> {
    Some(match op {
        "||" => 0,
        "&&" => 1,
        "|" => 2,
        "^" => 3,
        "&" => 4,
        "==" | "!=" => 5,
        "<" | "<=" | ">" | ">=" => 6,
        "<<" | ">>" => 7,
        "+" | "-" => 8,
        "*" | "/" | "%" => 9,
        _ => return None,
    })
}

impl Eval<'_, '_> {
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

    /// A variable's value: empty or unset is 0, a number is itself, and any
    /// other text is evaluated as an expression of its own (bash).
    fn var(&mut self, name: &str) -> R<i64> {
        let t = match self.state.vars.get(name) {
            None if self.state.options.nounset => return Err(ArithError(format!("{name}: parameter not set"))),
            None => return Ok(0),
            Some(v) => {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(0);
                }
                if let Some(n) = parse_number(t) {
                    return Ok(n);
                }
                t.to_string()
            }
        };
        if self.depth >= crate::stack::MAX_NESTING.min(1024) {
            return Err(ArithError(format!("{name}: expression recursion level exceeded")));
        }
        let toks = tokenize(&t)?;
        if toks.is_empty() {
            return Ok(0);
        }
        let depth = self.depth + 1;
        let mut inner = Eval { toks, pos: 0, state: self.state, depth };
        let v = inner.comma(true)?;
        if inner.pos != inner.toks.len() {
            return Err(ArithError(format!("{t}: syntax error in expression")));
        }
        Ok(v)
    }

    fn set_var(&mut self, name: &str, value: i64) -> R<()> {
        if self.state.vars.is_readonly(name) {
            return Err(ArithError(format!("{name}: is read only")));
        }
        self.state.vars.set(name, value.to_string());
        Ok(())
    }

    /// comma: assignment (',' assignment)*
    fn comma(&mut self, live: bool) -> R<i64> {
        let mut v = self.assignment(live)?;
        while self.peek_op() == Some(",") {
            self.pos += 1;
            v = self.assignment(live)?;
        }
        Ok(v)
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
            let (name, op) = (*name, *op);
            self.pos += 2;
            let rhs = self.assignment(live)?;
            if !live {
                return Ok(0);
            }
            let value = if op == "=" { rhs } else { apply(&op[..op.len() - 1], self.var(name)?, rhs)? };
            self.set_var(name, value)?;
            return Ok(value);
        }
        let v = self.ternary(live)?;
        if let Some(op) = self.peek_op()
            && op.ends_with('=')
            && !matches!(op, "==" | "!=" | "<=" | ">=")
        {
            return Err(ArithError(format!("{op}: attempted assignment to non-variable")));
        }
        Ok(v)
    }

    fn ternary(&mut self, live: bool) -> R<i64> {
        let cond = self.binary(0, live)?;
        if self.peek_op() != Some("?") {
            return Ok(cond);
        }
        self.pos += 1;
        let yes = self.comma(live && cond != 0)?;
        self.expect(":")?;
        let no = self.assignment(live && cond == 0)?;
        Ok(if cond != 0 { yes } else { no })
    }

    /// Binary operators of `min` level or tighter, by precedence climbing
    /// (all of them associate to the left).
    fn binary(&mut self, min: usize, live: bool) -> R<i64> {
        let mut left = self.power(live)?;
        while let Some(op) = self.peek_op()
            && let Some(at) = level(op)
            && at >= min
        {
            self.pos += 1;
            // The right side of && and || runs only when it decides.
            let right_live = match op {
                "&&" => live && left != 0,
                "||" => live && left == 0,
                _ => live,
            };
            let right = self.binary(at + 1, right_live)?;
            left = match op {
                "&&" => (left != 0 && right != 0) as i64,
                "||" => (left != 0 || right != 0) as i64,
                _ if !right_live => 0,
                _ => apply(op, left, right)?,
            };
        }
        Ok(left)
    }

    /// power: unary ('**' power)? — right associative, looser than the
    /// signs (`-2**2` is 4, as bash).
    fn power(&mut self, live: bool) -> R<i64> {
        let base = self.unary(live)?;
        if self.peek_op() != Some("**") {
            return Ok(base);
        }
        self.pos += 1;
        let exp = self.nested(|e| e.power(live))?;
        if !live {
            return Ok(0);
        }
        apply("**", base, exp)
    }

    fn unary(&mut self, live: bool) -> R<i64> {
        match self.toks.get(self.pos).copied() {
            Some(Tok::Op(op @ ("++" | "--"))) => {
                self.pos += 1;
                let Some(Tok::Name(name)) = self.toks.get(self.pos).copied() else {
                    return Err(ArithError(format!("{op}: syntax error: operand expected")));
                };
                self.pos += 1;
                let v = self.var(name)?.wrapping_add(if op == "++" { 1 } else { -1 });
                if live {
                    self.set_var(name, v)?;
                }
                Ok(v)
            }
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
                let v = self.nested(|e| e.comma(live))?;
                self.expect(")")?;
                Ok(v)
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(Tok::Name(name)) => {
                self.pos += 1;
                let v = self.var(name)?;
                if let Some(op @ ("++" | "--")) = self.peek_op() {
                    self.pos += 1;
                    if live {
                        self.set_var(name, v.wrapping_add(if op == "++" { 1 } else { -1 }))?;
                    }
                }
                Ok(v)
            }
            Some(Tok::Op(op)) => Err(ArithError(format!("syntax error: operand expected (error token is \"{op}\")"))),
            None => Err(ArithError("syntax error: operand expected".into())),
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
        "**" if b < 0 => return Err(ArithError("exponent less than 0".into())),
        "**" => {
            let (mut base, mut e, mut r) = (a, b as u64, 1i64);
            while e > 0 {
                if e & 1 == 1 {
                    r = r.wrapping_mul(base);
                }
                base = base.wrapping_mul(base);
                e >>= 1;
            }
            r
        }
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
    let v = e.comma(true)?;
    if let Some(tok) = e.toks.get(e.pos) {
        let tok = match tok {
            Tok::Num(n) => n.to_string(),
            Tok::Name(n) => n.to_string(),
            Tok::Op(o) => o.to_string(),
        };
        return Err(ArithError(format!("{}: syntax error in expression (error token is \"{tok}\")", text.trim())));
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
        assert!(ev("08").is_err());
        assert!(ev("2#3").is_err());
        assert!(ev("2 ** -1").is_err());
        assert!(ev("1 = 2").is_err());
    }

    #[test]
    fn bash_operators() {
        let cases = [
            ("2 ** 10", 1024),
            ("2 ** 3 ** 2", 512),
            ("-2 ** 2", 4),
            ("1, 2", 2),
            ("x++ + x", 15),
            ("++x", 8),
            ("1--1", 2),
            ("2#101", 5),
            ("64#_", 63),
            ("36#Z", 35),
            ("0x", 0),
            ("9223372036854775807 + 1", i64::MIN),
        ];
        for (text, want) in cases {
            assert_eq!(ev(text), Ok(want), "{text}");
        }
    }
}
