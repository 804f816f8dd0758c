//! Arithmetic as a command (bash): `((expression))` and `let EXPR…`. The
//! status is 0 when the (last) value is not zero, 1 when it is zero or the
//! expression is wrong (an error message then, but not the end of a script).

use super::{Exec, Shell};
use crate::expand::{self, ExpandError};
use crate::syntax::ast::Word;

/// `((expression))`
pub fn arith_command(sh: &mut Shell, expr: &Word) -> Exec {
    // `(( ))` is zero, not an error (bash).
    if expr.to_string().trim().is_empty() {
        return Ok(1);
    }
    match expand::arith_value(sh, expr) {
        Ok(v) => Ok(status(v)),
        Err(ExpandError::Arith(msg)) => {
            sh.error(&format!("((: {msg}"));
            Ok(1)
        }
        // A failed expansion (`${x?}`) fails as anywhere else.
        Err(e) => Err(sh.expansion_failed(e)),
    }
}

/// `let EXPR…`: each argument one expression, evaluated in order.
pub fn let_(sh: &mut Shell, argv: &[String]) -> Exec {
    let exprs = match argv.get(1) {
        Some(a) if a == "--" => &argv[2..],
        _ => &argv[1..],
    };
    if exprs.is_empty() {
        sh.error("let: expression expected");
        return Ok(1);
    }
    let mut last = 0;
    for e in exprs {
        match expand::arith::eval(&mut sh.state, e) {
            Ok(v) => last = v,
            Err(err) => {
                sh.error(&format!("let: {err}"));
                return Ok(1);
            }
        }
    }
    Ok(status(last))
}

fn status(value: i64) -> i32 {
    if value != 0 { 0 } else { 1 }
}
