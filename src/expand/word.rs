//! A word's parts → [`Segment`]s: parameters looked up (with `${…}`
//! operators), commands substituted, arithmetic evaluated, tildes replaced,
//! quoting remembered.

use super::{Context, ExpandError, Segment};
use crate::syntax::ast::{Param, ParamOp, ParamOpKind, SpecialParam, Word, WordPart};

/// A word's segments: most words have one or two, kept inline (no heap
/// allocation for the list itself).
pub type Segments = smallvec::SmallVec<[Segment; 2]>;

/// Where tilde prefixes are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TildeMode {
    /// Only at the start of the word.
    WordStart,
    /// In an assignment value: at the start and after every unquoted `:`.
    Assignment,
}

pub fn segments(ctx: &mut dyn Context, word: &Word, tilde: TildeMode) -> Result<Segments, ExpandError> {
    // Words nest as deep as the parser allows (`$(( $(( … )) ))`).
    crate::stack::deep(|| segments_at(ctx, word, tilde))
}

fn segments_at(ctx: &mut dyn Context, word: &Word, tilde: TildeMode) -> Result<Segments, ExpandError> {
    let mut out = Segments::new();
    let n = word.parts.len();
    for (i, part) in word.parts.iter().enumerate() {
        match part {
            // A tilde prefix ends at `/` (or `:`) or the end of the word: text
            // quoted or expanded right after `~` makes it literal (`~"root"`).
            WordPart::Literal(s) => literal(ctx, s, i == 0, i + 1 < n, tilde, &mut out),
            _ => part_segments(ctx, part, i == 0, tilde, false, &mut out)?,
        }
    }
    Ok(out)
}

fn part_segments(
    ctx: &mut dyn Context,
    part: &WordPart,
    word_start: bool,
    tilde: TildeMode,
    quoted: bool,
    out: &mut Segments,
) -> Result<(), ExpandError> {
    let wrap = |s: String| if quoted { Segment::Quoted(s) } else { Segment::Expanded(s) };
    match part {
        WordPart::Literal(s) if quoted => out.push(Segment::Quoted(s.clone())),
        WordPart::Literal(s) => literal(ctx, s, word_start, false, tilde, out),
        WordPart::Escaped(c) => out.push(Segment::Quoted(c.to_string())),
        WordPart::SingleQuoted(s) => out.push(Segment::Quoted(s.clone())),
        WordPart::DoubleQuoted(inner) => double_quoted(ctx, inner, out)?,
        WordPart::Param(p) => param(ctx, p, quoted, out)?,
        WordPart::ParamOp(op) => param_op(ctx, op, quoted, out)?,
        WordPart::CommandSub(list) => {
            let text = ctx.command_output(list)?;
            out.push(wrap(text));
        }
        // `/dev/fd/N` is one field, never split or globbed.
        WordPart::ProcessSub { output, list } => out.push(Segment::Quoted(ctx.process_substitution(list, *output)?)),
        WordPart::Arith(expr) => out.push(wrap(super::arith_value(ctx, expr)?.to_string())),
    }
    Ok(())
}

fn double_quoted(ctx: &mut dyn Context, inner: &[WordPart], out: &mut Segments) -> Result<(), ExpandError> {
    // `"$@"` with no positional parameters is no field at all, not an empty one.
    let only_at = matches!(inner, [WordPart::Param(Param::Special(SpecialParam::At))]);
    if !(only_at && ctx.state().positional.is_empty()) {
        out.push(Segment::Quoted(String::new()));
    }
    for part in inner {
        part_segments(ctx, part, false, TildeMode::WordStart, true, out)?;
    }
    Ok(())
}

fn literal(ctx: &mut dyn Context, s: &str, word_start: bool, followed: bool, tilde: TildeMode, out: &mut Segments) {
    let mut rest = s;
    let mut at_tilde_position = word_start;
    loop {
        if at_tilde_position
            && rest.starts_with('~')
            && let Some((home, consumed)) = tilde_prefix(ctx, rest, followed, tilde)
        {
            out.push(Segment::Quoted(home));
            rest = &rest[consumed..];
        }
        if tilde != TildeMode::Assignment {
            break;
        }
        // In assignments a tilde may also follow any ':' (PATH=~/bin:~/x).
        match rest.find(':') {
            Some(colon) => {
                out.push(Segment::Literal(rest[..=colon].to_string()));
                rest = &rest[colon + 1..];
                at_tilde_position = true;
            }
            None => break,
        }
    }
    if !rest.is_empty() {
        out.push(Segment::Literal(rest.to_string()));
    }
}

/// `~` or `~user` up to the first `/` (or `:` in assignments): the home
/// directory and how many bytes it replaces; `None` leaves the text alone.
fn tilde_prefix(ctx: &dyn Context, s: &str, followed: bool, mode: TildeMode) -> Option<(String, usize)> {
    let end = match s.find(|c| c == '/' || (mode == TildeMode::Assignment && c == ':')) {
        Some(end) => end,
        None if followed => return None,
        None => s.len(),
    };
    let user = &s[1..end];
    let home = if user.is_empty() {
        match ctx.state().vars.get("HOME") {
            Some(h) => h.to_string(),
            // As bash: the home directory of the user running the shell.
            None => crate::users::by_uid(nix::unistd::geteuid().as_raw())?.home,
        }
    } else {
        crate::users::by_name(user)?.home
    };
    Some((home, end))
}

fn param(ctx: &mut dyn Context, p: &Param, quoted: bool, out: &mut Segments) -> Result<(), ExpandError> {
    let state = ctx.state();
    match p {
        Param::Special(which @ (SpecialParam::At | SpecialParam::Star)) => {
            let star = matches!(which, SpecialParam::Star);
            let items = state.positional.clone();
            push_list(ctx, items, star, quoted, out);
        }
        _ => {
            let value = lookup(ctx, p).map_or_else(|| unset_value(ctx, p), Ok)?;
            out.push(if quoted { Segment::Quoted(value) } else { Segment::Expanded(value) });
        }
    }
    Ok(())
}

/// The fields of `$@` or `$*` (or of `${@#p}`…) with `items` as the
/// positional parameters. Unquoted `$*` behaves like unquoted `$@` (but
/// joins with the first character of IFS where nothing is split); quoted,
/// it is one field joined by that character.
fn push_list(ctx: &dyn Context, items: Vec<String>, star: bool, quoted: bool, out: &mut Segments) {
    let first_ifs = ctx.state().ifs().chars().next();
    if star && quoted {
        let sep = first_ifs.map(String::from).unwrap_or_default();
        out.push(Segment::Quoted(items.join(&sep)));
        return;
    }
    let joiner = if star { first_ifs } else { Some(' ') };
    for (i, arg) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(Segment::Break(joiner));
        }
        out.push(if quoted { Segment::Quoted(arg) } else { Segment::Expanded(arg) });
    }
}

/// What an unset parameter expands to: nothing, or an error under `set -u`.
fn unset_value(ctx: &dyn Context, p: &Param) -> Result<String, ExpandError> {
    if ctx.state().options.nounset { Err(ExpandError::Unset(p.name())) } else { Ok(String::new()) }
}

/// The value of a parameter, `None` when unset.
fn lookup(ctx: &dyn Context, p: &Param) -> Option<String> {
    let state = ctx.state();
    match p {
        Param::Named(n) => match n.as_str() {
            "RANDOM" => Some(state.next_random().to_string()),
            "SECONDS" => Some(state.started.elapsed().as_secs().to_string()),
            "LINENO" => Some(ctx.line().to_string()),
            _ => state.vars.get(n).map(str::to_string),
        },
        Param::Positional(0) => Some(state.arg0.clone()),
        Param::Positional(n) => state.positional.get(n - 1).cloned(),
        Param::Special(s) => Some(match s {
            SpecialParam::Count => state.positional.len().to_string(),
            SpecialParam::Status => state.last_status.to_string(),
            SpecialParam::Options => state.options.letters(),
            SpecialParam::ShellPid => state.shell_pid.to_string(),
            SpecialParam::LastBackground => return state.last_background.map(|p| p.to_string()),
            // Set when there is at least one positional parameter.
            SpecialParam::At | SpecialParam::Star if state.positional.is_empty() => return None,
            SpecialParam::At | SpecialParam::Star => state.positional.join(" "),
        }),
    }
}

/// Expands the word of a `${x<op>word}`. Unquoted, its literal text is
/// split and globbed like the value of an expansion would be.
fn op_word(ctx: &mut dyn Context, word: &Word, quoted: bool, out: &mut Segments) -> Result<(), ExpandError> {
    if quoted {
        // Inside `"${u:-…}"` the word is quoted too: `$*` joins, `$@` splits.
        for part in &word.parts {
            part_segments(ctx, part, false, TildeMode::WordStart, true, out)?;
        }
        return Ok(());
    }
    for seg in segments(ctx, word, TildeMode::WordStart)? {
        out.push(match seg {
            Segment::Literal(s) | Segment::Expanded(s) if quoted => Segment::Quoted(s),
            Segment::Literal(s) => Segment::Expanded(s),
            other => other,
        });
    }
    Ok(())
}

fn param_op(ctx: &mut dyn Context, op: &ParamOp, quoted: bool, out: &mut Segments) -> Result<(), ExpandError> {
    let value = lookup(ctx, &op.param);
    let wrap = |s: String| if quoted { Segment::Quoted(s) } else { Segment::Expanded(s) };
    // "Null" counts as unset for the `:` forms.
    let missing = |colon: bool| value.as_deref().is_none_or(|v| colon && v.is_empty());
    match op.op {
        ParamOpKind::Default { colon } if missing(colon) => op_word(ctx, &op.word, quoted, out)?,
        ParamOpKind::Alternative { colon } if !missing(colon) => op_word(ctx, &op.word, quoted, out)?,
        ParamOpKind::Default { .. } => out.push(wrap(value.unwrap_or_default())),
        ParamOpKind::Alternative { .. } => {}
        ParamOpKind::Assign { colon } if missing(colon) => {
            let Param::Named(name) = &op.param else {
                return Err(ExpandError::Message(op.param.name(), "cannot assign in this way".into()));
            };
            let v = super::join_unsplit(&segments(ctx, &op.word, TildeMode::WordStart)?);
            ctx.state_mut().vars.set(name, v.clone());
            out.push(wrap(v));
        }
        ParamOpKind::Assign { .. } => out.push(wrap(value.unwrap_or_default())),
        ParamOpKind::Error { colon } if missing(colon) => {
            let msg = super::join_unsplit(&segments(ctx, &op.word, TildeMode::WordStart)?);
            let msg = if msg.is_empty() { "parameter null or not set".to_string() } else { msg };
            return Err(ExpandError::Message(op.param.name(), msg));
        }
        ParamOpKind::Error { .. } => out.push(wrap(value.unwrap_or_default())),
        ParamOpKind::Length => {
            let n = match (&op.param, value) {
                (Param::Special(SpecialParam::At | SpecialParam::Star), _) => ctx.state().positional.len(),
                (_, Some(v)) => v.chars().count(),
                (p, None) => unset_value(ctx, p)?.len(),
            };
            out.push(wrap(n.to_string()));
        }
        ParamOpKind::RemovePrefix { longest } | ParamOpKind::RemoveSuffix { longest } => {
            let pattern = super::expand_pattern(ctx, &op.word)?;
            let prefix = matches!(op.op, ParamOpKind::RemovePrefix { .. });
            if let Param::Special(which @ (SpecialParam::At | SpecialParam::Star)) = &op.param {
                // Each positional parameter on its own.
                let items =
                    ctx.state().positional.iter().map(|v| remove_matching(v, &pattern, prefix, longest)).collect();
                push_list(ctx, items, matches!(which, SpecialParam::Star), quoted, out);
                return Ok(());
            }
            let v = value.map_or_else(|| unset_value(ctx, &op.param), Ok)?;
            out.push(wrap(remove_matching(&v, &pattern, prefix, longest)));
        }
    }
    Ok(())
}

/// `${v#p}` and friends: `v` without its shortest or longest prefix or
/// suffix matching the glob pattern.
fn remove_matching(v: &str, pattern: &str, prefix: bool, longest: bool) -> String {
    if !super::pattern::has_meta(pattern) {
        let lit = super::pattern::unescape(pattern);
        let cut = if prefix { v.strip_prefix(lit.as_str()) } else { v.strip_suffix(lit.as_str()) };
        return cut.unwrap_or(v).to_string();
    }
    let p = super::pattern::Pattern::new(pattern);
    let try_cut = |cut: usize| {
        let (candidate, kept) = if prefix { (&v[..cut], &v[cut..]) } else { (&v[cut..], &v[..cut]) };
        p.matches(candidate).then(|| kept.to_string())
    };
    // Every char boundary. Prefixes grow with the cut, suffixes shrink: try
    // the shortest first unless the longest is wanted.
    let mut cuts = v.char_indices().map(|(i, _)| i).chain([v.len()]);
    let found = if prefix == longest { cuts.rev().find_map(try_cut) } else { cuts.find_map(try_cut) };
    found.unwrap_or_else(|| v.to_string())
}
