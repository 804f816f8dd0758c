//! Tab completion: what the word under the cursor is (a command, an
//! argument, a redirection target, an isolate option or its value, a
//! variable, a job) from a light scan of the line up to the cursor, then the
//! candidates, each with a description where one is known. The scan
//! tolerates what the parser cannot: an open quote, an unclosed `$(` or
//! isolate block.
//!
//! The first Tab completes as far as all candidates agree; a second Tab
//! lists them (rustyline's `CompletionType::List`), as bash does.

use crate::exec::builtins::{BUILTINS, KEYWORDS};
use rustyline::completion::Pair;
use std::collections::{BTreeMap, BTreeSet};

pub use crate::isolate::spec::Value;

/// The option named by an option word (`--net=host` names `--net`), from
/// the isolate option table.
pub fn isolate_option(word: &str) -> Option<(&'static str, Value)> {
    let name = if word.starts_with("--") { word.split('=').next().unwrap_or(word) } else { word };
    crate::isolate::spec::option(word)
        .map(|o| (o.names.iter().find(|n| **n == name).copied().unwrap_or(o.names[0]), o.value))
}

/// What the helper knows about the shell.
#[derive(Default)]
pub struct Knowledge {
    pub functions: BTreeSet<String>,
    /// Aliases and their values.
    pub aliases: BTreeMap<String, String>,
    pub variables: BTreeSet<String>,
    /// Jobs: number and command text.
    pub jobs: Vec<(usize, String)>,
    pub color: bool,
    /// `$PATH` and the commands found on it, scanned when first needed
    /// (the first key typed, not before the first prompt: a stat of every
    /// file on PATH took longer than the rest of the shell's start).
    path: String,
    commands: std::cell::OnceCell<BTreeSet<String>>,
}

impl Knowledge {
    /// Forgets the commands found when `$PATH` changed.
    pub fn set_path(&mut self, path: &str) {
        if path == self.path {
            return;
        }
        self.path = path.to_string();
        self.commands = std::cell::OnceCell::new();
    }

    /// The programs on `$PATH`.
    fn commands(&self) -> &BTreeSet<String> {
        self.commands.get_or_init(|| {
            let mut found = BTreeSet::new();
            for dir in self.path.split(':').filter(|d| !d.is_empty()) {
                if let Ok(entries) = std::fs::read_dir(dir) {
                    for e in entries.flatten() {
                        use std::os::unix::fs::PermissionsExt;
                        // Follows symlinks (`/usr/bin/sh -> dash`).
                        let meta = std::fs::metadata(e.path());
                        let executable = meta.is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
                        if executable && let Ok(name) = e.file_name().into_string() {
                            found.insert(name);
                        }
                    }
                }
            }
            found
        })
    }

    /// Whether `name` runs something: a builtin, function, alias or program.
    pub fn is_command(&self, name: &str) -> bool {
        name.contains('/') && std::path::Path::new(name).is_file()
            || BUILTINS.iter().any(|b| b.name == name)
            || self.functions.contains(name)
            || self.aliases.contains_key(name)
            || self.commands().contains(name)
    }

    /// Command names starting with `prefix`, each with what it is (the
    /// first meaning wins, as the shell looks them up).
    fn commands_with(&self, prefix: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut add = |name: &str, what: String| {
            if name.starts_with(prefix) {
                out.entry(name.to_string()).or_insert(what);
            }
        };
        for (name, value) in &self.aliases {
            add(name, format!("alias for {}", shorten(value, 30)));
        }
        for k in KEYWORDS {
            add(k, "keyword".into());
        }
        for f in &self.functions {
            add(f, "function".into());
        }
        for b in BUILTINS {
            add(b.name, "builtin".into());
        }
        for c in self.commands() {
            add(c, "command".into());
        }
        out
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// A token before the word being completed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A word, unquoted.
    Word(String),
    /// An operator or redirection: `|`, `&&`, `;`, `$(`, `2>`, `<`…
    Op(String),
}

/// The line up to the cursor, scanned.
#[derive(Debug, Default)]
struct Scan {
    tokens: Vec<Tok>,
    /// Where the word under the cursor starts, and its text unquoted.
    start: usize,
    text: String,
    /// The quote open at the cursor (`'` or `"`), where its text starts,
    /// and how much of `text` came before it.
    quote: Option<char>,
    quote_start: usize,
    before_quote: usize,
}

fn scan(line: &str) -> Scan {
    let mut s = Scan::default();
    let mut word: Option<(usize, String)> = None;
    let mut chars = line.char_indices().peekable();
    let end_word = |word: &mut Option<(usize, String)>, tokens: &mut Vec<Tok>| {
        if let Some((_, w)) = word.take() {
            tokens.push(Tok::Word(w));
        }
    };
    while let Some((i, c)) = chars.next() {
        match s.quote {
            Some('\'') => {
                if c == '\'' {
                    s.quote = None;
                } else if let Some((_, w)) = &mut word {
                    w.push(c);
                }
                continue;
            }
            Some(_) => {
                let w = &mut word.get_or_insert((i, String::new())).1;
                match c {
                    '"' => s.quote = None,
                    '\\' if chars.peek().is_some_and(|(_, n)| matches!(n, '$' | '`' | '"' | '\\')) => {
                        if let Some((_, n)) = chars.next() {
                            w.push(n);
                        }
                    }
                    _ => w.push(c),
                }
                continue;
            }
            None => {}
        }
        match c {
            ' ' | '\t' => end_word(&mut word, &mut s.tokens),
            '\\' => {
                let w = &mut word.get_or_insert((i, String::new())).1;
                if let Some((_, n)) = chars.next() {
                    w.push(n);
                }
            }
            '\'' | '"' => {
                let w = &mut word.get_or_insert((i, String::new())).1;
                s.quote = Some(c);
                s.quote_start = i + 1;
                s.before_quote = w.len();
            }
            '$' if chars.peek().is_some_and(|(_, n)| *n == '(') => {
                chars.next();
                if chars.peek().is_some_and(|(_, n)| *n == '(') {
                    // `$((`: arithmetic, part of the word.
                    word.get_or_insert((i, String::new())).1.push_str("$(");
                } else {
                    end_word(&mut word, &mut s.tokens);
                    s.tokens.push(Tok::Op("$(".into()));
                }
            }
            '|' | '&' | ';' | '(' | ')' | '<' | '>' | '\n' | '`' => {
                // `2>`: the digits before a redirection are its fd.
                let mut op = match &word {
                    Some((_, w)) if matches!(c, '<' | '>') && w.chars().all(|d| d.is_ascii_digit()) => {
                        let fd = w.clone();
                        word = None;
                        fd
                    }
                    _ => {
                        end_word(&mut word, &mut s.tokens);
                        String::new()
                    }
                };
                op.push(c);
                while let Some(&(_, n)) = chars.peek() {
                    let two = matches!(
                        (c, n),
                        ('|', '|')
                            | ('&', '&')
                            | (';', ';')
                            | ('>', '>' | '&' | '|')
                            | ('<', '<' | '&' | '>')
                            | ('&', '>')
                    );
                    if !two || op.len() > 3 {
                        break;
                    }
                    op.push(n);
                    chars.next();
                }
                s.tokens.push(Tok::Op(op));
            }
            _ => word.get_or_insert((i, String::new())).1.push(c),
        }
    }
    match word {
        Some((start, text)) => {
            s.start = start;
            s.text = text;
        }
        None => s.start = line.len(),
    }
    s
}

/// What the word under the cursor is.
#[derive(Debug, PartialEq, Eq)]
enum Role {
    Command,
    /// An argument of this command.
    Argument(String),
    /// A file after a redirection.
    Target,
    /// In an isolate header: an option, or the value of this option.
    IsolateOption,
    IsolateValue(Value),
}

fn role(tokens: &[Tok]) -> Role {
    let mut command: Option<String> = None;
    let mut command_position = true;
    let mut target = false;
    let mut header = false;
    let mut value: Option<Value> = None;
    for tok in tokens {
        match tok {
            Tok::Op(op) if header && op == "<" => {
                header = false;
                command_position = true;
                command = None;
            }
            Tok::Op(op) if op.contains(['<', '>']) => target = true,
            Tok::Op(_) => {
                command_position = true;
                header = false;
                command = None;
                target = false;
            }
            Tok::Word(_) if target => target = false,
            Tok::Word(w) if header => {
                value = match value.take() {
                    Some(_) => None,
                    None => isolate_option(w).filter(|(_, v)| *v != Value::Flag && !w.contains('=')).map(|o| o.1),
                };
            }
            Tok::Word(w) if command_position => {
                if w == "isolate" {
                    header = true;
                    command_position = false;
                    value = None;
                } else if !(KEYWORDS.contains(&w.as_str()) && w != "in"
                    || w.split_once('=').is_some_and(|(n, _)| crate::syntax::lexer::is_valid_name(n)))
                {
                    // Not a keyword or an assignment: the command's name.
                    command = Some(w.clone());
                    command_position = false;
                }
            }
            Tok::Word(_) => {}
        }
    }
    if target {
        Role::Target
    } else if header {
        value.map_or(Role::IsolateOption, Role::IsolateValue)
    } else if command_position {
        Role::Command
    } else {
        Role::Argument(command.unwrap_or_default())
    }
}

/// How a completed name is written back into the line.
#[derive(Clone, Copy)]
struct Writer {
    quote: Option<char>,
}

impl Writer {
    fn escape(self, text: &str) -> String {
        let mut out = String::new();
        for (i, c) in text.chars().enumerate() {
            let special = match self.quote {
                Some('\'') => false,
                Some(_) => matches!(c, '$' | '`' | '"' | '\\'),
                None => {
                    matches!(
                        c,
                        ' ' | '\t'
                            | '\''
                            | '"'
                            | '\\'
                            | '$'
                            | '`'
                            | '&'
                            | ';'
                            | '|'
                            | '<'
                            | '>'
                            | '('
                            | ')'
                            | '*'
                            | '?'
                            | '['
                            | ']'
                            | '#'
                            | '!'
                            | '{'
                            | '}'
                    ) || c == '~' && i > 0
                }
            };
            if special {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    /// The end of a name that is the only candidate: a closing quote and
    /// a space, except after a directory.
    fn finish(self, dir: bool) -> String {
        if dir {
            return String::new();
        }
        match self.quote {
            Some(q) => format!("{q} "),
            None => " ".into(),
        }
    }
}

/// Directory entries matching the unquoted path prefix `text`:
/// `(path as typed + name, is a directory, is executable)`.
fn entries(text: &str) -> Vec<(String, bool, bool)> {
    let (dir_part, base) = match text.rfind('/') {
        Some(i) => text.split_at(i + 1),
        None => ("", text),
    };
    let search = if dir_part.is_empty() {
        ".".to_string()
    } else if let Some(rest) = dir_part.strip_prefix('~') {
        let (user, path) = rest.split_once('/').unwrap_or((rest, ""));
        let home = if user.is_empty() {
            std::env::var("HOME").ok().or_else(|| dirs::home_dir().map(|h| h.display().to_string()))
        } else {
            crate::users::by_name(user).map(|a| a.home)
        };
        match home {
            Some(h) => format!("{h}/{path}"),
            None => return Vec::new(),
        }
    } else {
        dir_part.to_string()
    };
    let mut out = Vec::new();
    let Ok(list) = std::fs::read_dir(&search) else { return out };
    for e in list.flatten() {
        let Ok(name) = e.file_name().into_string() else { continue };
        if !name.starts_with(base) || name.starts_with('.') && !base.starts_with('.') {
            continue;
        }
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(e.path());
        let dir = meta.as_ref().is_ok_and(|m| m.is_dir());
        let exec = meta.is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
        out.push((format!("{dir_part}{name}"), dir, exec));
    }
    out.sort();
    out
}

/// Candidates and where they replace the line from.
pub fn complete(line: &str, pos: usize, knows: &Knowledge) -> (usize, Vec<Pair>) {
    let before = &line[..pos];
    let s = scan(before);
    let role = role(&s.tokens);
    let writer = Writer { quote: s.quote };
    let pair = |display: String, replacement: String| Pair { display, replacement };
    let described =
        |name: &str, what: &str| if what.is_empty() { name.to_string() } else { format!("{name}  ({what})") };

    // Files: the word (or its part inside an open quote) is rewritten.
    let files = |filter: &dyn Fn(bool, bool) -> bool| -> (usize, Vec<Pair>) {
        let found: Vec<_> = entries(&s.text).into_iter().filter(|(_, d, x)| filter(*d, *x)).collect();
        let one = found.len() == 1;
        let (from, skip) = if s.quote.is_some() { (s.quote_start, s.before_quote) } else { (s.start, 0) };
        let pairs = found
            .into_iter()
            .map(|(path, dir, _)| {
                let shown = path.rsplit('/').next().unwrap_or(&path).to_string();
                let mut rep = writer.escape(path.get(skip..).unwrap_or(""));
                if dir {
                    rep.push('/');
                }
                if one {
                    rep.push_str(&writer.finish(dir));
                }
                pair(if dir { format!("{shown}/") } else { shown }, rep)
            })
            .collect();
        (from, pairs)
    };

    // `$NAME`, `${NAME` (also inside double quotes).
    if s.quote != Some('\'')
        && let Some(dollar) = s.text.rfind('$')
    {
        let after = &s.text[dollar + 1..];
        let (brace, name) = match after.strip_prefix('{') {
            Some(n) => (true, n),
            None => (false, after),
        };
        if name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) {
            // Where the `$` is in the line: the raw text ends with the same
            // characters as the unquoted one.
            let from = pos - (s.text.len() - dollar);
            let found = knows
                .variables
                .iter()
                .filter(|v| v.starts_with(name))
                .map(|v| {
                    let rep = if brace { format!("${{{v}}}") } else { format!("${v}") };
                    pair(rep.clone(), rep)
                })
                .collect();
            return (from, found);
        }
    }
    match role {
        Role::Target => return files(&|_, _| true),
        Role::IsolateValue(v) => return isolate_value(v, &s, knows, &files),
        Role::IsolateOption => {
            if let Some((opt, value)) = s.text.split_once('=')
                && let Some((_, v)) = isolate_option(opt)
            {
                let (from, mut found) =
                    isolate_value(v, &Scan { text: value.into(), ..Scan::default() }, knows, &files);
                for p in &mut found {
                    p.replacement = format!("{opt}={}", p.replacement);
                }
                return (if found.is_empty() { from } else { s.start }, found);
            }
            let found: Vec<(&str, &str)> = crate::isolate::spec::OPTIONS
                .iter()
                .flat_map(|o| o.names.iter().map(move |n| (*n, o.brief)))
                .filter(|(n, _)| n.starts_with(&s.text) && n.len() > 2)
                .collect();
            let one = found.len() == 1;
            let pairs = found
                .into_iter()
                .map(|(n, what)| pair(described(n, what), if one { format!("{n} ") } else { n.to_string() }))
                .collect();
            return (s.start, pairs);
        }
        _ => {}
    }
    // ~user
    if let Some(prefix) = s.text.strip_prefix('~')
        && !prefix.contains('/')
        && s.quote.is_none()
    {
        let mut found = Vec::new();
        if let Ok(passwd) = std::fs::read_to_string("/etc/passwd") {
            for user in passwd.lines().filter_map(|l| l.split(':').next()).filter(|u| u.starts_with(prefix)) {
                found.push(pair(format!("~{user}/"), format!("~{user}/")));
            }
        }
        return (s.start, found);
    }
    match role {
        Role::Command if !s.text.contains('/') && s.quote.is_none() => {
            let found = knows.commands_with(&s.text);
            let one = found.len() == 1;
            let pairs = found
                .into_iter()
                .map(|(name, what)| {
                    let rep = if one { format!("{name} ") } else { name.clone() };
                    pair(described(&name, &what), rep)
                })
                .collect();
            (s.start, pairs)
        }
        Role::Command => files(&|dir, exec| dir || exec),
        Role::Argument(cmd)
            if matches!(cmd.as_str(), "fg" | "bg" | "kill" | "wait" | "jobs")
                && (s.text.starts_with('%') || s.text.is_empty() && matches!(cmd.as_str(), "fg" | "bg")) =>
        {
            let found = knows
                .jobs
                .iter()
                .map(|(id, text)| (format!("%{id}"), text))
                .filter(|(spec, _)| spec.starts_with(&s.text))
                .map(|(spec, text)| pair(described(&spec, &shorten(text, 40)), spec))
                .collect();
            (s.start, found)
        }
        Role::Argument(cmd) if cmd == "cd" => files(&|dir, _| dir),
        _ => files(&|_, _| true),
    }
}

/// Lists files that pass a filter (on: is a directory, is executable).
type FileLister<'a> = dyn Fn(&dyn Fn(bool, bool) -> bool) -> (usize, Vec<Pair>) + 'a;

fn isolate_value(v: Value, s: &Scan, knows: &Knowledge, files: &FileLister<'_>) -> (usize, Vec<Pair>) {
    let simple = |names: Vec<String>, what: &str| -> (usize, Vec<Pair>) {
        let found: Vec<String> = names.into_iter().filter(|n| n.starts_with(&s.text)).collect();
        let one = found.len() == 1;
        let pairs = found
            .into_iter()
            .map(|n| Pair {
                display: if what.is_empty() { n.clone() } else { format!("{n}  ({what})") },
                replacement: if one { format!("{n} ") } else { n },
            })
            .collect();
        (s.start, pairs)
    };
    match v {
        Value::Choice(choices) => simple(choices.iter().map(|c| c.to_string()).collect(), ""),
        Value::Dir => files(&|dir, _| dir),
        Value::File => files(&|_, _| true),
        // HOST:GUEST — the host part is a directory or file here.
        Value::Volume if !s.text.contains(':') => files(&|_, _| true),
        Value::Env => simple(knows.variables.iter().cloned().collect(), "variable"),
        Value::Name => {
            let mut names: Vec<String> = crate::isolate::layers_dir()
                .and_then(|d| std::fs::read_dir(d).ok())
                .map(|d| d.flatten().filter_map(|e| e.file_name().into_string().ok()).collect())
                .unwrap_or_default();
            names.sort();
            simple(names, "kept layer")
        }
        Value::Image => image_value(s, true),
        Value::OciOut => image_value(s, false),
        _ => (s.start, Vec::new()),
    }
}

/// An image reference: the transport first (`oci:`, `docker-archive:`),
/// then a path after it (directories for `oci:`, an OCI image layout
/// ending the word; files and directories for `docker-archive:`), and the
/// references the image store has loaded before (`images`).
fn image_value(s: &Scan, archives: bool) -> (usize, Vec<Pair>) {
    let writer = Writer { quote: s.quote };
    let (from, skip) = if s.quote.is_some() { (s.quote_start, s.before_quote) } else { (s.start, 0) };
    let rewrite = |full: &str| writer.escape(full.get(skip..).unwrap_or(""));
    let mut found: Vec<(String, String, bool)> = Vec::new(); // shown, replacement, ends the word
    let transports: &[&str] = if archives { &["oci:", "docker-archive:"] } else { &["oci:"] };
    let mut in_path = false;
    for t in transports {
        if let Some(path) = s.text.strip_prefix(t) {
            in_path = true;
            let oci = *t == "oci:";
            for (entry, dir, _) in entries(path) {
                let layout = dir && std::path::Path::new(&entry).join("oci-layout").is_file();
                if oci && !dir {
                    continue;
                }
                let shown = entry.rsplit('/').next().unwrap_or(&entry).to_string();
                let full = format!("{t}{entry}");
                if layout {
                    found.push((format!("{shown}  (OCI image layout)"), rewrite(&full), true));
                } else if dir {
                    found.push((format!("{shown}/"), format!("{}/", rewrite(&full)), false));
                } else {
                    found.push((shown, rewrite(&full), true));
                }
            }
        } else if t.starts_with(s.text.as_str()) {
            let what = if *t == "oci:" { "OCI image layout directory" } else { "docker save archive" };
            found.push((format!("{t}  ({what})"), rewrite(t), false));
        }
    }
    if archives {
        let records = crate::isolate::image::store::Store::dir()
            .map(|root| crate::isolate::image::store::Store { root }.records())
            .unwrap_or_default();
        for r in records.into_iter().filter(|r| r.reference.starts_with(&s.text)) {
            // While a path is being typed, only a stored reference that
            // is more than the path typed so far is worth showing.
            if in_path && found.iter().any(|(_, rep, _)| *rep == rewrite(&r.reference)) {
                continue;
            }
            let rep = rewrite(&r.reference);
            found.push((format!("{}  (in the image store)", r.reference), rep, true));
        }
    }
    let one = found.len() == 1;
    let pairs = found
        .into_iter()
        .map(|(display, mut replacement, ends)| {
            if one && ends {
                replacement.push_str(&writer.finish(false));
            }
            Pair { display, replacement }
        })
        .collect();
    (from, pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn knows() -> Knowledge {
        let mut k = Knowledge::default();
        k.set_path("/usr/bin:/bin");
        k.functions.insert("myfn".into());
        k.aliases.insert("qqll".into(), "ls -l".into());
        k.variables.extend(["HOME".to_string(), "HOSTNAME".to_string(), "PATH".to_string()]);
        k.jobs.push((1, "sleep 30 &".into()));
        k
    }

    fn shown(line: &str) -> Vec<String> {
        complete(line, line.len(), &knows()).1.into_iter().map(|p| p.display).collect()
    }

    fn replaced(line: &str) -> Vec<String> {
        complete(line, line.len(), &knows()).1.into_iter().map(|p| p.replacement).collect()
    }

    #[test]
    fn roles_from_the_line() {
        let r = |l: &str| role(&scan(l).tokens);
        assert_eq!(r(""), Role::Command);
        assert_eq!(r("ls "), Role::Argument("ls".into()));
        assert_eq!(r("ls | "), Role::Command);
        assert_eq!(r("a && b; "), Role::Command);
        assert_eq!(r("echo $("), Role::Command);
        assert_eq!(r("X=1 "), Role::Command);
        assert_eq!(r("if "), Role::Command);
        assert_eq!(r("ls > "), Role::Target);
        assert_eq!(r("ls 2>&1 "), Role::Argument("ls".into()));
        assert_eq!(r("isolate "), Role::IsolateOption);
        assert_eq!(r("isolate --net "), Role::IsolateValue(Value::Choice(&["none", "host"])));
        assert_eq!(r("isolate --rw "), Role::IsolateOption);
        assert_eq!(r("isolate --rootfs /x "), Role::IsolateOption);
        assert_eq!(r("isolate < "), Role::Command);
        assert_eq!(r("isolate --memory 1G < ls | "), Role::Command);
        assert_eq!(r("isolate < ls "), Role::Argument("ls".into()));
        assert_eq!(r("echo 'a b' \"c"), Role::Argument("echo".into()));
    }

    #[test]
    fn commands_with_descriptions() {
        let found = shown("ech");
        assert!(found.contains(&"echo  (builtin)".to_string()), "{found:?}");
        assert_eq!(shown("myf"), ["myfn  (function)"]);
        assert_eq!(replaced("myf"), ["myfn "], "a single candidate gets its space");
        assert_eq!(shown("qql"), ["qqll  (alias for ls -l)"]);
        assert!(shown("isolate < ech").contains(&"echo  (builtin)".to_string()));
        assert!(shown("ls | ech").contains(&"echo  (builtin)".to_string()));
        assert!(shown("echo $(ech").contains(&"echo  (builtin)".to_string()));
    }

    #[test]
    fn isolate_options_and_values() {
        let found = shown("isolate --me");
        assert_eq!(found, ["--memory  (memory limit, e.g. 64M)"]);
        assert_eq!(replaced("isolate --ne"), ["--net", "--network"]);
        assert_eq!(replaced("isolate --net "), ["none", "host"]);
        assert_eq!(replaced("isolate --net h"), ["host "]);
        assert_eq!(replaced("isolate --net=h"), ["--net=host "]);
        assert_eq!(replaced("isolate --seccomp u"), ["unconfined "]);
        assert_eq!(replaced("isolate -e HO"), ["HOME", "HOSTNAME"]);
        let dirs = replaced("isolate --rootfs /u");
        assert!(dirs.contains(&"/usr/".to_string()), "{dirs:?}");
        assert!(replaced("isolate -v /et").contains(&"/etc/".to_string()));
    }

    #[test]
    fn variables_jobs_and_users() {
        assert_eq!(replaced("echo $HO"), ["$HOME", "$HOSTNAME"]);
        assert_eq!(replaced("echo \"${PA"), ["${PATH}"]);
        let (from, _) = complete("echo \"${PA", 10, &knows());
        assert_eq!(from, 6);
        assert_eq!(replaced("echo 'lit $HO"), Vec::<String>::new());
        assert_eq!(shown("kill %"), ["%1  (sleep 30 &)"]);
        assert_eq!(replaced("fg "), ["%1"]);
        assert_eq!(replaced("~roo"), ["~root/"]);
    }

    #[test]
    fn files_with_spaces_quotes_and_tilde() {
        let dir = std::env::temp_dir().join(format!("isosh-complete-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub dir")).unwrap();
        std::fs::write(dir.join("my file.txt"), "").unwrap();
        let d = dir.display().to_string();
        assert_eq!(replaced(&format!("cat {d}/my")), [format!("{d}/my\\ file.txt ")]);
        let line = format!("cat \"{d}/my");
        let (from, found) = complete(&line, line.len(), &knows());
        assert_eq!(from, 5, "inside the quote");
        assert_eq!(found[0].replacement, format!("{d}/my file.txt\" "));
        let line = format!("cat '{d}/su");
        assert_eq!(replaced(&line), [format!("{d}/sub dir/")]);
        assert_eq!(replaced(&format!("cat {d}/my\\ f")), [format!("{d}/my\\ file.txt ")]);
        assert_eq!(replaced(&format!("cd {d}/")), [format!("{d}/sub\\ dir/")], "cd: directories only");
        std::fs::remove_dir_all(&dir).unwrap();
        let home = replaced("ls ~root/");
        assert!(home.iter().all(|h| h.starts_with("~root/")), "{home:?}");
    }
}
