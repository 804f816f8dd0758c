//! The shell's state that expansion reads: variables, positional parameters,
//! the last status, and the `set` options.

use std::collections::HashMap;
use std::ffi::CString;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: variable names are short and chosen by the script's author, not
/// an attacker, so the default SipHash's flood resistance buys nothing and
/// costs a measurable share of an interpreter loop.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// One variable.
#[derive(Debug, Clone)]
pub struct Var {
    /// Its value.
    pub value: String,
    /// Whether it is in the environment of the commands the shell starts.
    pub exported: bool,
}

/// Shell variables. The exported ones form the environment of every child;
/// `env_generation` changes whenever that environment does, so the executor
/// can reuse one environment block across a spawn loop.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    map: FastMap<Var>,
    env_generation: u64,
    /// Names made `readonly`.
    readonly: std::collections::HashSet<String>,
    /// How many times `OPTIND` was assigned: any assignment, even of the
    /// value it has, starts a new `getopts` parse (dash, bash).
    optind_sets: u64,
    /// Names exported while unset (`export x`): exported once assigned,
    /// and again when a prefix assignment (`x=1 cmd`) is undone.
    exported_unset: std::collections::BTreeSet<String>,
    /// `set -a`: every variable assigned is exported.
    pub allexport: bool,
}

impl Vars {
    /// All variables of the process environment, exported.
    pub fn from_environment() -> Self {
        let mut vars = Vars::default();
        // Every entry, whatever bytes it holds (see crate::bytes).
        for (k, v) in std::env::vars_os() {
            vars.map.insert(crate::bytes::from_os(&k), Var { value: crate::bytes::from_os(&v), exported: true });
        }
        vars
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(|v| v.value.as_str())
    }

    /// Whether `name` was made `readonly`.
    pub fn is_readonly(&self, name: &str) -> bool {
        self.readonly.contains(name)
    }

    /// Marks `name` readonly (assignments and `unset` check [`Vars::is_readonly`]).
    pub fn make_readonly(&mut self, name: &str) {
        self.readonly.insert(name.to_string());
    }

    /// Sorted names of the readonly variables.
    pub fn readonly_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.readonly.iter().map(String::as_str).collect();
        v.sort();
        v
    }

    /// Whether `name` is set and exported.
    pub fn is_exported(&self, name: &str) -> bool {
        self.map.get(name).is_some_and(|v| v.exported)
    }

    /// Assigns `value` to `name` (exported when it was, or under `set -a`).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if name.len() == 6 && name == "OPTIND" {
            self.optind_sets += 1;
        }
        match self.map.get_mut(name) {
            Some(v) => {
                v.exported |= self.allexport;
                if v.exported {
                    self.env_generation += 1;
                }
                v.value = value;
            }
            None => {
                let exported =
                    self.allexport || (!self.exported_unset.is_empty() && self.exported_unset.contains(name));
                if exported {
                    self.env_generation += 1;
                }
                self.map.insert(name.to_string(), Var { value, exported });
            }
        }
    }

    /// Marks `name` exported: an unset name stays unset (and out of the
    /// environment) until assigned, as in dash and bash.
    pub fn export(&mut self, name: &str) {
        match self.map.get_mut(name) {
            Some(v) => {
                v.exported = true;
                self.env_generation += 1;
            }
            None => {
                self.exported_unset.insert(name.to_string());
            }
        }
    }

    /// How many times `OPTIND` has been assigned.
    pub fn optind_sets(&self) -> u64 {
        self.optind_sets
    }

    /// The names exported while unset (and still unset), sorted.
    pub fn exported_unset(&self) -> impl Iterator<Item = &str> {
        self.exported_unset.iter().map(String::as_str).filter(|n| !self.map.contains_key(*n))
    }

    /// Unsets `name`.
    pub fn unset(&mut self, name: &str) {
        if !self.exported_unset.is_empty() {
            self.exported_unset.remove(name);
        }
        if self.map.remove(name).is_some_and(|v| v.exported) {
            self.env_generation += 1;
        }
    }

    /// A copy of the variable (for `local`, to put back later).
    pub fn snapshot(&self, name: &str) -> Option<Var> {
        self.map.get(name).cloned()
    }

    /// Puts back what [`Vars::snapshot`] returned (`None`: unset it).
    pub fn restore(&mut self, name: &str, old: Option<Var>) {
        let was_exported = self.is_exported(name);
        let now_exported = old.as_ref().is_some_and(|v| v.exported);
        match old {
            Some(v) => self.map.insert(name.to_string(), v),
            None => self.map.remove(name),
        };
        if was_exported || now_exported {
            self.env_generation += 1;
        }
    }

    /// Sorted `(name, var)` pairs, for `export -p` and `set`.
    pub fn sorted(&self) -> Vec<(&str, &Var)> {
        let mut all: Vec<_> = self.map.iter().map(|(k, v)| (k.as_str(), v)).collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// Changes whenever an exported variable does.
    pub fn env_generation(&self) -> u64 {
        self.env_generation
    }

    /// The `NAME=value` strings of the exported variables, with `overrides`
    /// (prefix assignments such as `A=1 cmd`) replacing or adding entries.
    pub fn environment(&self, overrides: &[(String, String)]) -> Vec<CString> {
        let exported = self.map.iter().filter(|(k, v)| v.exported && !overrides.iter().any(|(o, _)| o == *k));
        exported
            .map(|(k, v)| (k.as_str(), v.value.as_str()))
            .chain(overrides.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .filter_map(|(k, v)| CString::new(crate::bytes::encode(&format!("{k}={v}")).into_owned()).ok())
            .collect()
    }
}

/// `set` options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `-e`: exit when a command fails.
    pub errexit: bool,
    /// `-u`: expanding an unset parameter is an error.
    pub nounset: bool,
    /// `-x`: trace commands to stderr.
    pub xtrace: bool,
    /// `-n`: read commands but do not run them.
    pub noexec: bool,
    /// `-f`: no pathname expansion.
    pub noglob: bool,
    /// `-C`: `>` does not overwrite existing regular files.
    pub noclobber: bool,
    /// `-a`: export every variable assigned.
    pub allexport: bool,
    /// `-o pipefail`: a pipeline fails when any stage fails.
    pub pipefail: bool,
    /// `-v`: print input to stderr as it is read.
    pub verbose: bool,
    /// `-o trace`: print the system calls isosh makes (see `trace`).
    pub trace: bool,
    /// `-b` (`notify`): accepted and shown in `$-`; isosh reports a finished
    /// background job before the next prompt either way.
    pub notify: bool,
    /// The shell reads commands from a terminal.
    pub interactive: bool,
}

impl Options {
    /// The single-letter options, in `$-` order.
    pub const LETTERS: &'static [char] = &['a', 'b', 'e', 'f', 'n', 'u', 'v', 'x', 'C'];

    /// Long names accepted by `set -o`, with their letter if they have one.
    pub const NAMES: &'static [(&'static str, Option<char>)] = &[
        ("errexit", Some('e')),
        ("noglob", Some('f')),
        ("noexec", Some('n')),
        ("nounset", Some('u')),
        ("verbose", Some('v')),
        ("xtrace", Some('x')),
        ("noclobber", Some('C')),
        ("allexport", Some('a')),
        ("notify", Some('b')),
        ("pipefail", None),
        ("trace", None),
    ];

    /// The option a letter names (`e` → errexit), to read or set.
    pub fn flag_mut(&mut self, letter: char) -> Option<&mut bool> {
        Some(match letter {
            'a' => &mut self.allexport,
            'b' => &mut self.notify,
            'e' => &mut self.errexit,
            'f' => &mut self.noglob,
            'n' => &mut self.noexec,
            'u' => &mut self.nounset,
            'v' => &mut self.verbose,
            'x' => &mut self.xtrace,
            'C' => &mut self.noclobber,
            _ => return None,
        })
    }

    /// The option `-o NAME` names, to read or set.
    pub fn named_mut(&mut self, name: &str) -> Option<&mut bool> {
        match Self::NAMES.iter().find(|(n, _)| *n == name)? {
            (_, Some(letter)) => self.flag_mut(*letter),
            ("trace", None) => Some(&mut self.trace),
            _ => Some(&mut self.pipefail),
        }
    }

    /// `$-`
    pub fn letters(&self) -> String {
        let mut s: String = Self::LETTERS.iter().filter(|&&c| self.get(c)).collect();
        if self.interactive {
            s.push('i');
        }
        s
    }

    /// Whether the option a letter names is on.
    pub fn get(&self, letter: char) -> bool {
        // Reading through `flag_mut` of a copy keeps one letter table.
        let mut copy = *self;
        copy.flag_mut(letter).is_some_and(|f| *f)
    }
}

/// What expansion reads.
#[derive(Debug, Clone)]
pub struct State {
    /// The variables.
    pub vars: Vars,
    /// `$0`
    pub arg0: String,
    /// `$1 …`
    pub positional: Vec<String>,
    /// `$?`
    pub last_status: i32,
    /// `$!`
    pub last_background: Option<i32>,
    /// `$$`: the main shell's pid, also inside subshells.
    pub shell_pid: i32,
    /// The options (`set -e`, `-o pipefail`, …).
    pub options: Options,
    /// When the shell started: `$SECONDS` counts from here.
    pub started: std::time::Instant,
    /// The state of `$RANDOM`'s generator.
    pub random: std::cell::Cell<u32>,
}

impl State {
    /// The state of a shell started as `arg0` with `positional`: the environment as variables, `IFS`, `PPID` and the like set.
    pub fn new(arg0: String, positional: Vec<String>) -> Self {
        let mut vars = Vars::from_environment();
        vars.set("IFS", " \t\n");
        // Lets scripts tell isosh apart, as BASH_VERSION does for bash.
        vars.set("ISOSH_VERSION", env!("CARGO_PKG_VERSION"));
        // SAFETY: getppid cannot fail.
        vars.set("PPID", unsafe { libc::getppid() }.to_string());
        vars.set("OPTIND", "1");
        // No PS1 default: the prompt then shows the directory and status.
        for (name, value) in [("PS2", "> "), ("PS4", "+ ")] {
            if vars.get(name).is_none() {
                vars.set(name, value);
            }
        }
        if let Ok(cwd) = std::env::current_dir() {
            let pwd_ok = vars.get("PWD").is_some_and(|p| same_file(p, &cwd));
            if !pwd_ok {
                vars.set("PWD", crate::bytes::from_os(cwd.as_os_str()));
                vars.export("PWD");
            }
        }
        State {
            vars,
            arg0,
            positional,
            last_status: 0,
            last_background: None,
            shell_pid: std::process::id() as i32,
            options: Options::default(),
            started: std::time::Instant::now(),
            random: std::cell::Cell::new(
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.subsec_nanos())
                    ^ std::process::id(),
            ),
        }
    }

    /// `$RANDOM`: 0 to 32767, from a generator that also mixes in the pid,
    /// so subshells do not repeat their parent's numbers.
    pub fn next_random(&self) -> u32 {
        let x = self.random.get().wrapping_mul(1_103_515_245).wrapping_add(12_345)
            ^ std::process::id().wrapping_mul(2_654_435_761);
        self.random.set(x);
        (x >> 16) & 0x7fff
    }

    /// `$IFS`, with the POSIX default when unset.
    pub fn ifs(&self) -> &str {
        self.vars.get("IFS").unwrap_or(" \t\n")
    }
}

/// Whether two paths name the same file (by device and inode).
fn same_file(a: &str, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(crate::bytes::path(a)), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Whether colour may be used: a terminal that is not `dumb`, no `NO_COLOR`.
pub fn color_enabled(state: &State) -> bool {
    state.vars.get("NO_COLOR").is_none_or(str::is_empty)
        && state.vars.get("TERM").is_some_and(|t| t != "dumb" && !t.is_empty())
}
