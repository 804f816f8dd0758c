//! Parser tests: AST shape, spans, canonical printing, and errors.

use super::ast::*;
use super::span::line_col;
use super::*;

fn one(src: &str) -> CompleteCommand {
    let mut cmds = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    assert_eq!(cmds.len(), 1, "{src:?}");
    cmds.remove(0)
}

fn pipeline(src: &str) -> Pipeline {
    let c = one(src);
    assert_eq!(c.list.items.len(), 1);
    assert!(c.list.items[0].and_or.rest.is_empty());
    c.list.items[0].and_or.first.clone()
}

fn simple(src: &str) -> SimpleCommand {
    match &pipeline(src).commands[..] {
        [Command::Simple(s)] => s.clone(),
        other => panic!("not one simple command: {other:?}"),
    }
}

fn isolate(src: &str) -> IsolateBlock {
    match &pipeline(src).commands[0] {
        Command::Isolate(b) => b.clone(),
        other => panic!("not an isolate block: {other:?}"),
    }
}

fn err(src: &str) -> ParseError {
    parse(src).expect_err(src)
}

/// Canonical text of the one command in `src`.
fn canon(src: &str) -> String {
    one(src).to_string()
}

#[test]
fn words_and_quoting_parts() {
    let c = simple(r#"echo a'b c'"d $x e"\ f"#);
    assert_eq!(c.words.len(), 2);
    assert_eq!(
        c.words[1].parts,
        vec![
            WordPart::Literal("a".into()),
            WordPart::SingleQuoted("b c".into()),
            WordPart::DoubleQuoted(vec![
                WordPart::Literal("d ".into()),
                WordPart::Param(Param::Named("x".into())),
                WordPart::Literal(" e".into()),
            ]),
            WordPart::Escaped(' '),
            WordPart::Literal("f".into()),
        ]
    );
}

#[test]
fn backslash_rules_inside_double_quotes() {
    let c = simple(r#"echo "\$ \" \\ \a""#);
    assert_eq!(c.words[1].parts, vec![WordPart::DoubleQuoted(vec![WordPart::Literal(r#"$ " \ \a"#.into())])]);
}

#[test]
fn line_continuation_joins_words_and_lines() {
    assert_eq!(simple("ec\\\nho hi").words[0].parts, vec![WordPart::Literal("echo".into())]);
    assert_eq!(simple("echo a \\\n b").words.len(), 3);
}

#[test]
fn comments_run_to_end_of_line() {
    let cmds = parse("echo a # not b\necho c#d").unwrap();
    assert_eq!(cmds.len(), 2);
    assert_eq!(cmds[0].to_string(), "echo a");
    assert_eq!(cmds[1].to_string(), "echo c#d");
}

#[test]
fn parameters_of_every_form() {
    let c = simple("echo $a ${bc} $1 ${12} $? $$ $# $@ $* $! $- $ x$");
    let params: Vec<_> = c.words[1..].iter().map(|w| w.parts.clone()).collect();
    use SpecialParam::*;
    let p = |p| vec![WordPart::Param(p)];
    assert_eq!(params[0], p(Param::Named("a".into())));
    assert_eq!(params[1], p(Param::Named("bc".into())));
    assert_eq!(params[2], p(Param::Positional(1)));
    assert_eq!(params[3], p(Param::Positional(12)));
    let specials = [Status, ShellPid, Count, At, Star, LastBackground, Options];
    for (i, s) in specials.into_iter().enumerate() {
        assert_eq!(params[4 + i], p(Param::Special(s)));
    }
    assert_eq!(params[11], vec![WordPart::Literal("$".into())]);
    assert_eq!(params[12], vec![WordPart::Literal("x$".into())]);
}

#[test]
fn assignments_only_before_the_command_name() {
    let c = simple("A=1 B=x$y cmd C=3");
    assert_eq!(c.assignments.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(c.assignments[1].value.to_string(), "x${y}");
    assert_eq!(c.words.len(), 2);
    assert_eq!(c.words[1].to_string(), "C=3");
    // Not a valid name: a plain word.
    assert_eq!(simple("1A=2").words.len(), 1);
    assert_eq!(simple("A=").assignments[0].value.parts, vec![]);
}

#[test]
fn every_redirection_operator() {
    let cases: &[(&str, Option<i32>, RedirOp)] = &[
        ("<f", None, RedirOp::In),
        (">f", None, RedirOp::Out),
        (">>f", None, RedirOp::Append),
        (">|f", None, RedirOp::Clobber),
        ("<>f", None, RedirOp::ReadWrite),
        ("2<f", Some(2), RedirOp::In),
        ("2>f", Some(2), RedirOp::Out),
        ("2>>f", Some(2), RedirOp::Append),
        ("2>&1", Some(2), RedirOp::DupOut),
        ("3<&0", Some(3), RedirOp::DupIn),
        ("2>&-", Some(2), RedirOp::DupOut),
        ("0<&-", Some(0), RedirOp::DupIn),
        ("&>f", None, RedirOp::OutErr),
        ("&>>f", None, RedirOp::AppendOutErr),
        ("12>f", Some(12), RedirOp::Out),
    ];
    for (text, fd, op) in cases {
        let c = simple(&format!("cmd {text}"));
        assert_eq!(c.redirects.len(), 1, "{text}");
        assert_eq!((c.redirects[0].fd, c.redirects[0].op), (*fd, *op), "{text}");
        assert_eq!(c.redirects[0].to_string(), *text);
    }
}

#[test]
fn redirections_keep_their_order_and_may_come_first() {
    let c = simple(">out cmd 2>&1 arg <in");
    assert_eq!(c.words.len(), 2);
    let ops: Vec<_> = c.redirects.iter().map(ToString::to_string).collect();
    assert_eq!(ops, [">out", "2>&1", "<in"]);
    // A digit that is not directly before the operator is an argument.
    let c = simple("echo 2 >f");
    assert_eq!(c.words.len(), 2);
    assert_eq!(c.redirects[0].fd, None);
}

#[test]
fn lists_pipelines_and_negation() {
    let c = one("a | b | c && ! d || e & f; g");
    assert_eq!(c.list.items.len(), 3);
    assert!(c.list.items[0].background);
    assert!(!c.list.items[1].background);
    let ao = &c.list.items[0].and_or;
    assert_eq!(ao.first.commands.len(), 3);
    assert_eq!(ao.rest[0].0, AndOrOp::And);
    assert!(ao.rest[0].1.negated);
    assert_eq!(ao.rest[1].0, AndOrOp::Or);
    assert_eq!(c.to_string(), "a | b | c && ! d || e & f; g");
}

#[test]
fn operators_continue_onto_the_next_line() {
    assert_eq!(canon("a |\n\n b"), "a | b");
    assert_eq!(canon("a &&\n b ||\n c"), "a && b || c");
}

#[test]
fn newline_ends_a_complete_command() {
    let cmds = parse("a; b\n\nc &\n").unwrap();
    assert_eq!(cmds.len(), 2);
    assert_eq!(cmds[1].to_string(), "c &");
}

#[test]
fn spans_point_into_the_source() {
    let src = "echo  hello >out";
    let c = simple(src);
    let w = &c.words[1];
    assert_eq!(&src[w.span.start..w.span.end], "hello");
    let r = &c.redirects[0];
    assert_eq!(&src[r.span.start..r.span.end], ">out");
    assert_eq!(&src[c.span.start..c.span.end], src);
}

#[test]
fn syntax_errors_have_positions() {
    let src = "echo ok\necho a | ; b";
    let e = err(src);
    assert_eq!(e.message, "unexpected ';'");
    assert_eq!(line_col(src, e.span.start, 1), span::LineCol { line: 2, col: 10 });
    assert_eq!(e.render("t.sh", src, 1), "t.sh:2:10: syntax error: unexpected ';'");
    assert!(!e.incomplete);
    assert_eq!(err("| a").message, "unexpected '|'");
    assert_eq!(err("a ;; b").message, "unexpected ';;'");
    assert_eq!(err("a && || b").message, "unexpected '||'");
    assert!(err("echo >").message.contains("expected a word after '>'"));
    assert!(err("echo > ;").message.contains("found ';'"));
}

#[test]
fn incomplete_input_is_marked() {
    for src in ["echo 'abc", "echo \"abc", "a |", "a &&", "a ||\n", "isolate < echo hi", "echo ${x", "isolate <\n"] {
        let e = err(src);
        assert!(e.incomplete, "{src:?} should be incomplete: {e:?}");
    }
    for src in ["a | ;", "echo )", "echo >"] {
        assert!(!err(src).incomplete, "{src:?}");
    }
}

#[test]
fn substitutions_nest_and_keep_their_text() {
    assert_eq!(
        canon("echo $(echo a $(echo b) | tr a-z A-Z) `echo c`"),
        "echo $(echo a $(echo b) | tr a-z A-Z) $(echo c)"
    );
    assert_eq!(canon("echo \"$(case x in x) echo y;; esac)\""), "echo \"$(case x in x) echo y ;; esac)\"");
    assert_eq!(canon("echo $((1 + $x * (2-1)))"), "echo $((1 + ${x} * (2-1)))");
    assert_eq!(canon("echo ${x:-a b} ${#y} ${z%%.*}"), "echo ${x:-a b} ${#y} ${z%%.*}");
    assert!(err("echo $(echo").incomplete);
    assert!(err("echo `echo").incomplete);
    assert!(err("echo ${x:-").incomplete);
    assert!(err("echo ${x!y}").message.contains("bad substitution"));
}

#[test]
fn compound_commands_parse_and_print() {
    for (src, want) in [
        ("if a; then b; elif c; then d; else e; fi", "if a; then b; elif c; then d; else e; fi"),
        ("while a\ndo b\ndone", "while a; do b; done"),
        ("until a; do b; done >out", "until a; do b; done >out"),
        ("for i in 1 2; do echo $i; done", "for i in 1 2; do echo ${i}; done"),
        ("for i do :; done", "for i; do :; done"),
        ("case $x in a|b) echo ab;; (c) ;; esac", "case ${x} in a|b) echo ab ;; c)  ;; esac"),
        ("{ a; b; } 2>&1 | c", "{ a; b; } 2>&1 | c"),
        ("(cd /; ls)", "(cd /; ls)"),
        ("f() { echo hi; }", "f() { echo hi; }"),
    ] {
        assert_eq!(canon(src), want, "{src}");
    }
}

#[test]
fn compound_command_errors() {
    assert!(err("if true; then echo").incomplete);
    assert!(err("while true; do").incomplete);
    assert!(err("case x in").incomplete);
    assert!(err("{ echo").incomplete);
    assert_eq!(err("if then fi").message, "unexpected 'then'");
    assert_eq!(err("fi").message, "unexpected 'fi'");
    assert!(err("for 1x in a; do :; done").message.contains("variable name"));
    assert!(err("f() echo").message.contains("compound command"));
}

#[test]
fn here_documents() {
    let cmds = parse("cat <<A <<-'B'; echo next\nbody $x\nA\n\tquoted $x\n\tB\necho after\n").unwrap();
    assert_eq!(cmds.len(), 2);
    let Command::Simple(c) = &cmds[0].list.items[0].and_or.first.commands[0] else { panic!() };
    let bodies: Vec<String> = c.redirects.iter().map(|r| r.heredoc.as_ref().unwrap().0.borrow().to_string()).collect();
    assert_eq!(bodies, ["\"body ${x}\n\"", "'quoted $x\n'"]);
    assert_eq!(cmds[1].to_string(), "echo after");
    let e = err("cat <<EOF\nno end");
    assert!(e.incomplete && e.message.contains("'EOF'"), "{e:?}");
    assert!(err("cat <<EOF").incomplete);
}

#[test]
fn isolate_block_basic() {
    let b = isolate("isolate < echo hi >");
    assert!(b.options.is_empty());
    assert_eq!(b.body.as_ref().unwrap().to_string(), "echo hi");
    assert!(b.redirects.is_empty());
}

#[test]
fn isolate_options_and_multiline_body() {
    let b = isolate("isolate --memory 64M -v /a:/b:ro <\n  cd /\n  ls | wc -l\n>");
    let opts: Vec<_> = b.options.iter().map(ToString::to_string).collect();
    assert_eq!(opts, ["--memory", "64M", "-v", "/a:/b:ro"]);
    assert_eq!(b.body.as_ref().unwrap().items.len(), 2);
    assert_eq!(b.body.as_ref().unwrap().to_string(), "cd /; ls | wc -l");
}

#[test]
fn isolate_redirect_inside_and_after_the_block() {
    let b = isolate("isolate < ls / > out.txt > > after.txt");
    assert_eq!(b.body.as_ref().unwrap().to_string(), "ls / >out.txt");
    assert_eq!(b.redirects.len(), 1);
    assert_eq!(b.redirects[0].to_string(), ">after.txt");
    let b = isolate("isolate < ls / > > out.txt");
    assert_eq!(b.body.as_ref().unwrap().to_string(), "ls /");
    assert_eq!(b.redirects[0].to_string(), ">out.txt");
    let b = isolate("isolate < cat > < in 2>&1");
    assert_eq!(b.body.as_ref().unwrap().to_string(), "cat");
    let r: Vec<_> = b.redirects.iter().map(ToString::to_string).collect();
    assert_eq!(r, ["<in", "2>&1"]);
}

#[test]
fn isolate_closer_before_list_and_pipe_operators() {
    let p = pipeline("isolate < sort | uniq -c > | head");
    assert_eq!(p.commands.len(), 2);
    let Command::Isolate(b) = &p.commands[0] else { panic!() };
    assert_eq!(b.body.as_ref().unwrap().to_string(), "sort | uniq -c");
    for (src, n) in
        [("isolate < a >; b", 2), ("isolate < a > & b", 2), ("isolate < a > && b", 1), ("isolate < a > || b", 1)]
    {
        assert_eq!(one(src).list.items.len(), n, "{src}");
    }
    // `>&2` is a dup, never the closer.
    assert_eq!(isolate("isolate < echo x >&2 >").body.unwrap().to_string(), "echo x >&2");
}

#[test]
fn isolate_blocks_nest() {
    let b = isolate("isolate < isolate --net none < echo in > > >out");
    let Command::Isolate(inner) = &b.body.as_ref().unwrap().items[0].and_or.first.commands[0] else { panic!() };
    assert_eq!(inner.body.as_ref().unwrap().to_string(), "echo in");
    assert_eq!(inner.options[0].to_string(), "--net");
    assert!(inner.redirects.is_empty());
    assert_eq!(b.redirects[0].to_string(), ">out");
    assert_eq!(canon("isolate < isolate < true > >"), "isolate < isolate < true > >");
}

#[test]
fn isolate_is_reserved_only_in_command_position_and_unquoted() {
    assert_eq!(simple("echo isolate < f").words.len(), 2);
    assert_eq!(simple("'isolate' < f").words.len(), 1);
}

#[test]
fn isolate_errors_are_precise() {
    let e = err("isolate < ls >> out.txt");
    assert!(e.incomplete);
    assert!(e.message.contains("not closed"));
    assert!(e.hint.as_deref().unwrap_or("").contains("> >"), "{e:?}");
    let e = err("isolate <file >");
    assert!(e.message.contains("space after '<'"));
    assert_eq!(e.span.start, 8);
    assert!(err("isolate < >").message.contains("empty body"));
    assert!(err("isolate ; ls").message.contains("expected '<'"));
    // --help and --doctor need no block; anything else does.
    assert_eq!(isolate("isolate --help").body, None);
    assert_eq!(isolate("isolate --memory 1M --doctor >out").redirects.len(), 1);
    assert!(err("isolate --memory 1M").message.contains("expected '<'"));
    // Without the `>>` there is no hint.
    assert_eq!(err("isolate < ls").hint, None);
}

#[test]
fn display_round_trips_through_the_parser() {
    for src in [
        "a=1 b='x y' cmd \"q $v\" 'it''s' 2>&1 >out",
        "! a | b && c || d & e",
        "isolate --memory 64M < sort | uniq -c > | head -3 >top",
        "echo \\$x \"\\$x\" ${10}",
    ] {
        let printed = canon(src);
        assert_eq!(canon(&printed), printed, "{src}");
    }
}

#[test]
fn double_paren_is_arithmetic_only_when_it_can_be() {
    let kind = |src: &str| match &pipeline(src).commands[..] {
        [Command::Compound(cc)] => match &cc.kind {
            CompoundKind::Arith(_) => "arith",
            CompoundKind::Subshell(_) => "subshell",
            _ => "other",
        },
        _ => "other",
    };
    for src in ["((x = 1))", "(( i < 3 ))", "(( $(echo 1) + 2 ))", "((\"3\" + 1))", "((a ? b : c))", "(( 2#101 ))"] {
        assert_eq!(kind(src), "arith", "{src}");
    }
    for src in ["((echo deep))", "((echo a) )", "((cd d; ls))", "(((echo deep)))", "(( $x $y ))"] {
        assert_eq!(kind(src), "subshell", "{src}");
    }
    assert_eq!(canon("((x=1))"), "((x=1))");
    assert_eq!(canon("! ! true"), "true");
}
