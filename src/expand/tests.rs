//! Expansion tests on parsed words (no processes involved).

use super::*;
use crate::state::State;
use crate::syntax::ast::{Command, Word};

fn state() -> State {
    let mut s = State::new("isosh".into(), vec!["one".into(), "two  words".into(), "".into()]);
    s.vars.set("HOME", "/home/me");
    s.vars.set("v", "a  b");
    s.vars.set("star", "*");
    s.vars.set("empty", "");
    s.last_status = 3;
    s
}

fn words(src: &str) -> Vec<Word> {
    let cmds = crate::syntax::parse(src).unwrap();
    match &cmds[0].list.items[0].and_or.first.commands[0] {
        Command::Simple(c) => c.words.clone(),
        _ => panic!(),
    }
}

fn fields(st: &State, src: &str) -> Vec<String> {
    let mut st = st.clone();
    expand_words(&mut st, &words(&format!("cmd {src}"))).unwrap()[1..].to_vec()
}

#[test]
fn quoting_controls_splitting() {
    let st = state();
    assert_eq!(fields(&st, "$v"), ["a", "b"]);
    assert_eq!(fields(&st, "\"$v\""), ["a  b"]);
    assert_eq!(fields(&st, "'$v'"), ["$v"]);
    assert_eq!(fields(&st, "x$v'y'"), ["xa", "by"]);
    assert_eq!(fields(&st, "$empty"), Vec::<String>::new());
    assert_eq!(fields(&st, "\"$empty\" ''"), ["", ""]);
    assert_eq!(fields(&st, "$? $# ${1}"), ["3", "3", "one"]);
}

#[test]
fn at_and_star() {
    let st = state();
    assert_eq!(fields(&st, "\"$@\""), ["one", "two  words", ""]);
    assert_eq!(fields(&st, "\"<$@>\""), ["<one", "two  words", ">"]);
    assert_eq!(fields(&st, "$@"), ["one", "two", "words"]);
    assert_eq!(fields(&st, "\"$*\""), ["one two  words "]);
    let mut none = st.clone();
    none.positional.clear();
    assert_eq!(fields(&none, "\"$@\""), Vec::<String>::new());
    assert_eq!(fields(&none, "x\"$@\""), ["x"]);
}

#[test]
fn ifs_rules() {
    let mut st = state();
    st.vars.set("IFS", ":");
    st.vars.set("p", "a::b:");
    assert_eq!(fields(&st, "$p"), ["a", "", "b"]);
    st.vars.set("IFS", " :");
    st.vars.set("p", " :a : b ");
    assert_eq!(fields(&st, "$p"), ["", "a", "b"]);
    st.vars.set("IFS", "");
    assert_eq!(fields(&st, "$v"), ["a  b"]);
    st.vars.set("IFS", "-");
    assert_eq!(fields(&st, "\"$*\""), ["one-two  words-"]);
}

#[test]
fn tilde_expansion() {
    let st = state();
    assert_eq!(fields(&st, "~ ~/x a~ '~' \\~"), ["/home/me", "/home/me/x", "a~", "~", "~"]);
    assert_eq!(fields(&st, "~root"), ["/root"]);
    assert_eq!(fields(&st, "~no_such_user_x"), ["~no_such_user_x"]);
    let a = crate::syntax::parse("P=~/a:~/b").unwrap();
    let Command::Simple(c) = &a[0].list.items[0].and_or.first.commands[0] else { panic!() };
    assert_eq!(expand_single(&mut st.clone(), &c.assignments[0].value, true).unwrap(), "/home/me/a:/home/me/b");
}

#[test]
fn nounset_is_an_error() {
    let mut st = state();
    st.options.nounset = true;
    assert_eq!(expand_words(&mut st.clone(), &words("echo $nope")), Err(ExpandError::Unset("nope".into())));
    assert_eq!(expand_words(&mut st.clone(), &words("echo $9")), Err(ExpandError::Unset("9".into())));
    assert!(expand_words(&mut st.clone(), &words("echo $@ $empty")).is_ok());
}

#[test]
fn pathname_expansion() {
    let dir = std::env::temp_dir().join(format!("isosh-glob-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["b.txt", "a.txt", ".hidden", "c[1].dat"] {
        std::fs::write(dir.join(f), "").unwrap();
    }
    let d = dir.to_str().unwrap();
    let mut st = state();
    assert_eq!(fields(&st, &format!("{d}/*.txt")), [format!("{d}/a.txt"), format!("{d}/b.txt")]);
    // Quoted metacharacters match literally; no match leaves the pattern.
    assert_eq!(fields(&st, &format!("'{d}/*.txt'")), [format!("{d}/*.txt")]);
    assert_eq!(fields(&st, &format!("{d}/*.none")), [format!("{d}/*.none")]);
    assert_eq!(fields(&st, &format!("{d}/c'[1]'*")), [format!("{d}/c[1].dat")]);
    // Hidden files need a literal leading dot.
    assert_eq!(fields(&st, &format!("{d}/.h*")), [format!("{d}/.hidden")]);
    // A glob character from an unquoted variable globs too.
    st.vars.set("pat", format!("{d}/a*"));
    assert_eq!(fields(&st, "$pat"), [format!("{d}/a.txt")]);
    st.options.noglob = true;
    assert_eq!(fields(&st, "$pat"), [format!("{d}/a*")]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parameter_operators() {
    let mut st = state();
    st.vars.set("file", "dir/sub/name.tar.gz");
    let cases = [
        ("${nope:-dflt}", vec!["dflt"]),
        ("${empty:-dflt}", vec!["dflt"]),
        ("${empty-dflt}", vec![]),
        ("\"${empty-dflt}\"", vec![""]),
        ("${v:+alt}", vec!["alt"]),
        ("${nope:+alt}", vec![]),
        ("${#v}", vec!["4"]),
        ("${#}", vec!["3"]),
        ("${file%.*}", vec!["dir/sub/name.tar"]),
        ("${file%%.*}", vec!["dir/sub/name"]),
        ("${file#*/}", vec!["sub/name.tar.gz"]),
        ("${file##*/}", vec!["name.tar.gz"]),
        ("${file#'dir'}", vec!["/sub/name.tar.gz"]),
        ("${nope:-a b}", vec!["a", "b"]),
        ("\"${nope:-a b}\"", vec!["a b"]),
        ("${nope:-\"a b\"}", vec!["a b"]),
    ];
    for (src, want) in cases {
        assert_eq!(fields(&st, src), want, "{src}");
    }
    let mut assign = st.clone();
    assert_eq!(expand_words(&mut assign, &words("x ${new:=made}")).unwrap(), ["x", "made"]);
    assert_eq!(assign.vars.get("new"), Some("made"));
    let err = expand_words(&mut st.clone(), &words("x ${nope:?it is missing}")).unwrap_err();
    assert_eq!(err.to_string(), "nope: it is missing");
}

#[test]
fn arithmetic_and_unavailable_substitution() {
    let st = state();
    assert_eq!(fields(&st, "$((1 + 2 * 3)) $(( $? + 1 ))"), ["7", "4"]);
    let err = expand_words(&mut st.clone(), &words("x $(echo hi)")).unwrap_err();
    assert_eq!(err, ExpandError::NoCommands);
}
