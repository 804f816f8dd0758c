//! `time [-p] pipeline` (bash's keyword): the real, user and system time of
//! a whole pipeline — the shell's own CPU time and that of every child it
//! waited for — reported on the shell's stderr as `$TIMEFORMAT` says.

use crate::syntax::ast::TimeFormat;

/// bash's format when `TIMEFORMAT` is unset.
const DEFAULT_FORMAT: &str = "\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS";
/// `time -p`: POSIX's format.
const POSIX_FORMAT: &str = "real %2R\nuser %2U\nsys %2S";

/// A point to measure from: the wall clock and the CPU times so far.
pub struct Start {
    wall: std::time::Instant,
    user: u64,
    sys: u64,
}

/// User and system microseconds of the shell and of its reaped children.
fn cpu_micros() -> (u64, u64) {
    let mut total = (0, 0);
    for who in [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN] {
        // SAFETY: getrusage fills the zeroed struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        if unsafe { libc::getrusage(who, &mut usage) } == 0 {
            let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
            total.0 += micros(usage.ru_utime);
            total.1 += micros(usage.ru_stime);
        }
    }
    total
}

impl Start {
    /// The clock and CPU times of the shell and its children now.
    pub fn now() -> Start {
        let (user, sys) = cpu_micros();
        Start { wall: std::time::Instant::now(), user, sys }
    }

    /// The report for what ran since: `Ok(None)` when the format is
    /// empty, `Err` for a bad directive.
    pub fn report(&self, how: TimeFormat, timeformat: Option<&str>) -> Result<Option<String>, BadTimeFormat> {
        let real = self.wall.elapsed().as_micros() as u64;
        let (user, sys) = cpu_micros();
        let format = match how {
            TimeFormat::Posix => POSIX_FORMAT,
            TimeFormat::Default => timeformat.unwrap_or(DEFAULT_FORMAT),
        };
        if format.is_empty() {
            return Ok(None);
        }
        let mut text = render(format, real, user.saturating_sub(self.user), sys.saturating_sub(self.sys))
            .map_err(BadTimeFormat)?;
        text.push('\n');
        Ok(Some(text))
    }
}

/// A `$TIMEFORMAT` directive `time` does not know (the character after `%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("TIMEFORMAT: `{0}': invalid format character")]
pub struct BadTimeFormat(pub char);

/// Expands `%[p][l]R`, `U`, `S`, `%P` and `%%` in `format`; times in
/// microseconds, truncated (as bash does) to `p` decimals (default 3). A
/// directive it does not know is the error.
pub fn render(format: &str, real: u64, user: u64, sys: u64) -> Result<String, char> {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::from("%");
        let mut precision = 3;
        if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
            precision = d.min(3);
            spec.push(chars.next().unwrap_or('0'));
        }
        let long = chars.peek() == Some(&'l');
        if long {
            spec.push(chars.next().unwrap_or('l'));
        }
        match chars.next() {
            Some('%') if spec == "%" => out.push('%'),
            Some('R') => out.push_str(&seconds(real, precision, long)),
            Some('U') => out.push_str(&seconds(user, precision, long)),
            Some('S') => out.push_str(&seconds(sys, precision, long)),
            Some('P') => {
                let percent = if real == 0 { 0.0 } else { (user + sys) as f64 * 100.0 / real as f64 };
                out.push_str(&format!("{percent:.2}"));
            }
            Some(other) => return Err(other),
            None => out.push_str(&spec),
        }
    }
    Ok(out)
}

/// `12.345` or, long, `0m12.345s`, truncated to `precision` decimals.
fn seconds(micros: u64, precision: u32, long: bool) -> String {
    let (whole, frac) = (micros / 1_000_000, micros % 1_000_000);
    let decimals = if precision == 0 {
        String::new()
    } else {
        format!(".{:0width$}", frac / 10u64.pow(6 - precision), width = precision as usize)
    };
    if long { format!("{}m{}{decimals}s", whole / 60, whole % 60) } else { format!("{whole}{decimals}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_bash_does() {
        let ok = |f: &str, r, u, s| render(f, r, u, s).unwrap();
        assert_eq!(ok(DEFAULT_FORMAT, 61_234_567, 5_000, 999_999), "\nreal\t1m1.234s\nuser\t0m0.005s\nsys\t0m0.999s");
        assert_eq!(ok(POSIX_FORMAT, 1_239_000, 0, 10_000), "real 1.23\nuser 0.00\nsys 0.01");
        assert_eq!(ok("%0R|%1U|%%|%", 2_500_000, 150_000, 0), "2|0.1|%|%");
        assert_eq!(ok("%P", 1_000_000, 250_000, 250_000), "50.00");
        assert_eq!(render("%x", 0, 0, 0), Err('x'));
    }
}
