//! Property tests (proptest): the parser and the expander take any bytes
//! and any soup of shell tokens without a panic and in bounded time; and
//! byte strings survive quoting and expansion exactly, as they do in dash.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

#[path = "../fuzz/harness.rs"]
mod harness;

use proptest::prelude::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ISOSH: &str = env!("CARGO_BIN_EXE_isosh");

/// Runs `f` in a thread; fails when it takes longer than `limit` (a hang)
/// or panics.
fn bounded(limit: Duration, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(limit) {
        Ok(()) => h.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(e) = h.join() {
                std::panic::resume_unwind(e)
            }
        }
        Err(_) => panic!("took longer than {limit:?}: a hang"),
    }
}

const TOKENS: &[&str] = &[
    "echo", "x", "$x", "${x}", "${x:-", "${x#", "${x%%", "${#x}", "}", "$(", ")", "$((", "))", "`", "'", "\"", "\\",
    "(", "{", ";", "&", "|", "&&", "||", "\n", " ", "\t", "<", ">", ">>", "<<", "EOF", "2>&1", "if", "then", "else",
    "elif", "fi", "for", "in", "do", "done", "while", "until", "case", "esac", ";;", "f()", "!", "#", "~", "*", "?",
    "[", "]", "[!a]", "=", "a=b", "1+2*3", "/", "%", "<<=", "$@", "$*", "$#", "$?", "$$", "$!", "$-", "$0", "$1",
    "isolate", "\u{e9}", "\u{ff}",
];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    let tok = prop::sample::select(TOKENS);
    let piece = prop_oneof![4 => tok.prop_map(|t| t.as_bytes().to_vec()), 1 => any::<u8>().prop_map(|b| vec![b])];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..400)) {
        bounded(Duration::from_secs(20), move || {
            let t0 = Instant::now();
            harness::run(&harness::base_state(), &data);
            assert!(t0.elapsed() < Duration::from_secs(5), "slow input: {data:?}");
        });
    }

    #[test]
    fn token_soup_never_panics(data in soup()) {
        bounded(Duration::from_secs(20), move || {
            let t0 = Instant::now();
            harness::run(&harness::base_state(), &data);
            assert!(t0.elapsed() < Duration::from_secs(5), "slow input: {:?}", String::from_utf8_lossy(&data));
        });
    }
}

/// Alias names a token soup may use as command words.
const ALIAS_NAMES: &[&str] = &["a", "b", "if", "EOF", "f", "isolate"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// The parser expands aliases while it reads (values spliced into the
    /// text): any table of aliases whose values are token soup, over any
    /// soup of text, parses or fails with an error — no panic, no hang,
    /// however the values nest, name each other or end in blanks.
    #[test]
    fn aliases_spliced_while_reading_never_panic(
        text in soup(),
        values in prop::collection::vec(soup(), ALIAS_NAMES.len()),
    ) {
        bounded(Duration::from_secs(20), move || {
            let table: std::collections::HashMap<String, String> = ALIAS_NAMES
                .iter()
                .zip(&values)
                .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v).into_owned()))
                .collect();
            let text = String::from_utf8_lossy(&text).into_owned();
            let mut parser = isosh::syntax::Parser::new(&text);
            let table = std::rc::Rc::new(table);
            for _ in 0..200 {
                parser.set_aliases(table.clone());
                match parser.next_command() {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn deep_nesting_never_crashes(open in prop::sample::select(&["$(", "(", "{ ", "$((", "${x:-", "\"$(", "`"][..]), n in 1usize..3000) {
        let close = match open { "$(" | "(" | "\"$(" => ")", "{ " => "; }", "$((" => "))", "${x:-" => "}", _ => "`" };
        let text = format!("{}echo hi{}", open.repeat(n), close.repeat(n));
        bounded(Duration::from_secs(30), move || {
            harness::run(&harness::base_state(), text.as_bytes());
        });
    }
}

/// `'…'` quoting of any bytes (a `'` becomes `'\''`).
fn single_quote(bytes: &[u8]) -> Vec<u8> {
    let mut q = vec![b'\''];
    for &b in bytes {
        if b == b'\'' {
            q.extend_from_slice(b"'\\''");
        } else {
            q.push(b);
        }
    }
    q.push(b'\'');
    q
}

fn run(shell: &str, script: &[u8]) -> (Vec<u8>, i32) {
    let out = Command::new(shell)
        .arg("-c")
        .arg(OsStr::from_bytes(script))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (out.stdout, out.status.code().unwrap_or(-1))
}

/// Random bytes (no NUL: an argument cannot hold one), with `'`, `\`,
/// `$`, newlines and high bytes likely.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    let special =
        prop::sample::select(&[b'\'', b'\\', b'$', b'\n', b'"', b'`', b' ', b'*', b'%', 0xff, 0xe9, 0x80][..]);
    prop::collection::vec(prop_oneof![2 => 1u8..=255, 1 => special], 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// `printf %s 'BYTES'` prints the bytes, as dash does.
    #[test]
    fn single_quoted_bytes_round_trip(data in payload()) {
        let mut script = b"printf %s ".to_vec();
        script.extend(single_quote(&data));
        let ours = run(ISOSH, &script);
        prop_assert_eq!(&ours.0, &data);
        prop_assert_eq!(ours, run("/bin/dash", &script));
    }

    /// Through a variable, `$(…)`, a pattern removal, field splitting and a
    /// here-document: the same bytes as dash. (`${#x}` and `${x#?}` are left
    /// out: isosh counts a UTF-8 sequence as one character even under
    /// `LC_ALL=C`, where dash and bash count bytes.)
    #[test]
    fn bytes_through_expansions_match_dash(data in payload()) {
        let q = single_quote(&data);
        let mut script = Vec::new();
        script.extend_from_slice(b"x=");
        script.extend_from_slice(&q);
        script.extend_from_slice(b"; y=$(printf '%s\\n' \"$x\"); printf '[%s]' \"$x\" \"$y\" \"${x#*\\'}\"; printf '%s\\n' $x; cat <<E\n$x\nE\n");
        prop_assert_eq!(run(ISOSH, &script), run("/bin/dash", &script));
    }
}

/// The canonical text of these parses again to itself (each once did not).
#[test]
fn canonical_text_round_trips() {
    for text in ["(($((\\$x))))", "echo $((1 + \\$n))", "x=$(( 2 * 3 ))", "case a in (a) echo \"$((1))\";; esac"] {
        assert_eq!(harness::display_round_trip(text), Some(Ok(())), "{text}");
    }
}
