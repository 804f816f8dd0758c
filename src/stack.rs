//! Deep nesting without crashing. The parser, the expander and the
//! executor are recursive; where they recurse they call [`deep`], which
//! moves onto a fresh stack segment (stacker) when little of the current
//! one is left, so nesting is limited by [`MAX_NESTING`] — reported as
//! `nesting too deep` with status 2 — and never by the size of the stack.

/// How deeply commands, substitutions and arithmetic may nest. bash stops
/// at fewer nested `{ }` (a syntax error at 20000) and dash crashes on fewer
/// nested `( )`; each level costs about 3 KiB of stack (15 KiB unoptimised),
/// so the limit also bounds the memory a hostile script can make us take.
pub const MAX_NESTING: usize = 20_000;

/// How deeply function calls (and `.` files) may nest.
pub const MAX_CALLS: usize = 10_000;

/// The message for both limits.
pub const TOO_DEEP: &str = "nesting too deep";

const RED_ZONE: usize = 256 * 1024;
const SEGMENT: usize = 8 * 1024 * 1024;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// The lowest address the running stack may use (less a margin); 0
    /// when not known.
    static LOW: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Roughly the stack pointer.
#[inline(always)]
fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Notes where the main thread's stack ends, from its current position and
/// `RLIMIT_STACK` — without reading `/proc/self/maps`, which stacker would
/// do on its first use (and `main` avoids: see src/main.rs).
pub fn init_main_thread() {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit fills a local struct.
    let size = if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut lim) } == 0
        && lim.rlim_cur != libc::RLIM_INFINITY
        && lim.rlim_cur as usize >= 2 * RED_ZONE
    {
        (lim.rlim_cur as usize).min(SEGMENT)
    } else {
        SEGMENT
    };
    // The stack above `here()` holds the environment, the arguments and
    // start-up frames: keep a further margin below.
    LOW.with(|l| l.set(here().saturating_sub(size) + RED_ZONE));
}

/// Runs `f`, first moving to a new stack segment if less than 256 KiB of
/// the current one is left.
#[inline]
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    let low = LOW.with(|l| l.get());
    if low == 0 {
        return stacker::maybe_grow(RED_ZONE, SEGMENT, f);
    }
    if here() > low + RED_ZONE {
        return f();
    }
    stacker::grow(SEGMENT, || {
        let saved = LOW.with(|l| l.replace(here().saturating_sub(SEGMENT) + RED_ZONE));
        let r = f();
        LOW.with(|l| l.set(saved));
        r
    })
}

/// One level of parser nesting, counted across nested parsers (`$( )`,
/// backquotes) while it lives.
pub struct Level(());

impl Level {
    /// Enters a level; `None` past [`MAX_NESTING`].
    pub fn enter() -> Option<Level> {
        DEPTH.with(|d| {
            if d.get() >= MAX_NESTING {
                return None;
            }
            d.set(d.get() + 1);
            Some(Level(()))
        })
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}
