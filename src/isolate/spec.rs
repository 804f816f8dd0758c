//! `isolate` options, named as docker names them, parsed from the block's
//! expanded option words.

use std::path::PathBuf;

/// What an isolate block's options ask for, parsed from its option words.
#[derive(Debug, Clone, PartialEq)]
pub struct IsolateSpec {
    /// `--memory SIZE` in bytes, with the text as written for messages.
    pub memory: Option<(u64, String)>,
    /// `--pids-limit N`
    pub pids_limit: Option<u64>,
    /// `--cpus FLOAT`: CPUs' worth of time per period (0.25 = a quarter).
    pub cpus: Option<f64>,
    /// `--hostname NAME` (default: a generated `isosh-XXXXXX`).
    pub hostname: Option<String>,
    /// `-e` and `--env-file` entries, in order.
    pub env: Vec<(String, String)>,
    /// `--net none|host`: a network namespace of its own, or the host's.
    pub net: NetMode,
    /// `--workdir DIR`: where the body starts (made if missing).
    pub workdir: Option<String>,
    /// `--name NAME`: keep the upper layer under the data dir.
    pub name: Option<String>,
    /// `--rootfs DIR` (default: the host's `/`).
    pub rootfs: Option<PathBuf>,
    /// How the root is layered: `--rw`, `--read-only`, or a throwaway overlay.
    pub root_mode: RootMode,
    /// `-v HOST:GUEST[:ro]` bind mounts, in order.
    pub volumes: Vec<Volume>,
    /// `--tmpfs-size SIZE`: the size of the writable layer's tmpfs and of
    /// `/tmp` (each); see [`IsolateSpec::scratch_bytes`].
    pub tmpfs_size: Option<u64>,
    /// `--seccomp=unconfined` turns the block's seccomp filter off.
    pub seccomp: SeccompMode,
    /// `--fd N`: shell fds above 2 that cross into the block too.
    pub fds: Vec<i32>,
    /// `--image REF`: an OCI image (`oci:DIR[:TAG]`, `docker-archive:FILE`)
    /// whose layers are the lower layers.
    pub image: Option<String>,
    /// `--export-bundle DIR`: write an OCI runtime bundle instead of running.
    pub export_bundle: Option<PathBuf>,
    /// `--commit oci:DIR[:TAG]`: keep the writable layer as a new image.
    pub commit: Option<String>,
}

impl Default for IsolateSpec {
    fn default() -> Self {
        IsolateSpec {
            memory: None,
            pids_limit: None,
            cpus: None,
            hostname: None,
            env: Vec::new(),
            net: NetMode::None,
            workdir: None,
            name: None,
            rootfs: None,
            root_mode: RootMode::Overlay,
            volumes: Vec::new(),
            tmpfs_size: None,
            seccomp: SeccompMode::Default,
            fds: Vec::new(),
            image: None,
            export_bundle: None,
            commit: None,
        }
    }
}

impl IsolateSpec {
    /// Whether any cgroup limit was asked for (no limit → no cgroup).
    pub fn has_limits(&self) -> bool {
        self.memory.is_some() || self.pids_limit.is_some() || self.cpus.is_some()
    }

    /// The size of each scratch tmpfs (the throwaway writable layer and
    /// `/tmp`): `--tmpfs-size`, else the memory limit, else
    /// [`DEFAULT_SCRATCH_BYTES`] or a quarter of the host's RAM, whichever is
    /// smaller. tmpfs pages are memory: without a size, a body could fill
    /// the host's RAM with files.
    pub fn scratch_bytes(&self) -> u64 {
        if let Some(b) = self.tmpfs_size.or(self.memory.as_ref().map(|m| m.0)) {
            return b;
        }
        // SAFETY: sysinfo fills a plain struct.
        let ram = unsafe {
            let mut info: libc::sysinfo = std::mem::zeroed();
            if libc::sysinfo(&mut info) == 0 { (info.totalram as u64).saturating_mul(info.mem_unit as u64) } else { 0 }
        };
        if ram == 0 { DEFAULT_SCRATCH_BYTES } else { DEFAULT_SCRATCH_BYTES.min(ram / 4) }
    }
}

/// The default size of a block's writable layer and of its `/tmp`.
pub const DEFAULT_SCRATCH_BYTES: u64 = 1 << 30;

/// `--net`: which network namespace the block runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetMode {
    /// A new network namespace with only `lo`, up.
    None,
    /// The host's network namespace.
    Host,
}

/// How the root filesystem is layered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootMode {
    /// The root is the read-only lower layer of an overlay whose upper layer
    /// is thrown away (or kept, with `--name`).
    Overlay,
    /// `--rw`: writes go straight into `--rootfs DIR`.
    ReadWrite,
    /// `--read-only`: no upper layer at all.
    ReadOnly,
}

/// `--seccomp`, spelled as docker's `--security-opt seccomp=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeccompMode {
    /// docker's default profile (`seccomp.rs`).
    Default,
    /// No filter at all.
    Unconfined,
}

/// One `-v HOST:GUEST[:ro]` bind mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The host path bound.
    pub host: PathBuf,
    /// Where it appears inside the block.
    pub guest: PathBuf,
    /// `:ro`: mounted read-only.
    pub read_only: bool,
}

/// What an `isolate` word list asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Run a block with these options.
    Run(Box<IsolateSpec>),
    /// `isolate --help`: print the options.
    Help,
    /// `isolate --doctor`: check what this machine supports.
    Doctor,
}

/// An option word list that does not parse; the message says which word and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);
/// What an isolate option's value is (the completer offers candidates by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// No value: the option alone (`--rw`).
    Flag,
    /// A directory on the host.
    Dir,
    /// A file on the host.
    File,
    /// A `HOST:GUEST[:ro]` volume.
    Volume,
    /// A `NAME=VALUE` environment entry.
    Env,
    /// A named layer (`--name`; `isolates` lists them).
    Name,
    /// `oci:DIR[:TAG]`, `docker-archive:FILE`, or a reference the image
    /// store knows (`images`).
    Image,
    /// Where `--commit` writes: `oci:DIR[:TAG]`.
    OciOut,
    /// One of a fixed list of words.
    Choice(&'static [&'static str]),
    /// Free text (a size, a number, a guest path).
    Text,
}

/// Which option a word names (the parser matches on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    /// `--memory SIZE`
    Memory,
    /// `--pids-limit N`
    PidsLimit,
    /// `--cpus FLOAT`
    Cpus,
    /// `--rootfs DIR`
    Rootfs,
    /// `--image REF`
    Image,
    /// `--commit oci:DIR[:TAG]`
    Commit,
    /// `--export-bundle DIR`
    ExportBundle,
    /// `--rw`
    Rw,
    /// `--read-only`
    ReadOnly,
    /// `--name NAME`
    Name,
    /// `-v`/`--volume HOST:GUEST[:ro]`
    Volume,
    /// `-w`/`--workdir DIR`
    Workdir,
    /// `--tmpfs-size SIZE`
    TmpfsSize,
    /// `-e`/`--env NAME[=VALUE]`
    Env,
    /// `--env-file FILE`
    EnvFile,
    /// `--hostname NAME`
    Hostname,
    /// `--fd N`
    Fd,
    /// `--net none|host`
    Net,
    /// `--seccomp default|unconfined`
    Seccomp,
    /// `--doctor`
    Doctor,
    /// `--help`
    Help,
}

/// One isolate option: the one table the parser, completion,
/// highlighting and `isolate --help` read.
pub struct OptionDef {
    /// Which option it is.
    pub opt: Opt,
    /// Its names, the one `--help` shows first.
    pub names: &'static [&'static str],
    /// What its value is, for completion.
    pub value: Value,
    /// The `--help` section it is listed in.
    pub section: &'static str,
    /// How `--help` shows it used (`--memory SIZE`).
    pub usage: &'static str,
    /// What it does, for `--help` (more lines indented below the first).
    pub help: &'static str,
    /// The same in a few words, for completion.
    pub brief: &'static str,
}

const NET: &[&str] = &["none", "host"];

/// Every isolate option, in `--help` order.
pub const OPTIONS: &[OptionDef] = &[
    OptionDef {
        opt: Opt::Memory,
        names: &["--memory", "-m"],
        value: Value::Text,
        section: "Resources",
        usage: "--memory SIZE",
        help: "memory limit (e.g. 64M, 1G; swap off); OOM kill = 137",
        brief: "memory limit, e.g. 64M",
    },
    OptionDef {
        opt: Opt::PidsLimit,
        names: &["--pids-limit"],
        value: Value::Text,
        section: "Resources",
        usage: "--pids-limit N",
        help: "at most N processes inside",
        brief: "at most N processes",
    },
    OptionDef {
        opt: Opt::Cpus,
        names: &["--cpus"],
        value: Value::Text,
        section: "Resources",
        usage: "--cpus FLOAT",
        help: "CPU time limit (0.5 = half of one CPU)",
        brief: "CPU time limit, e.g. 0.5",
    },
    OptionDef {
        opt: Opt::Rootfs,
        names: &["--rootfs"],
        value: Value::Dir,
        section: "Filesystem",
        usage: "--rootfs DIR",
        help: "DIR is the lower layer instead of the host's /",
        brief: "root filesystem directory",
    },
    OptionDef {
        opt: Opt::Image,
        names: &["--image"],
        value: Value::Image,
        section: "Filesystem",
        usage: "--image REF",
        help: "an OCI image as the lower layers: oci:DIR[:TAG] or\ndocker-archive:FILE.tar (`isolate --image REF < >`\nruns the image's Entrypoint and Cmd)",
        brief: "an OCI image as the lower layers",
    },
    OptionDef {
        opt: Opt::Commit,
        names: &["--commit"],
        value: Value::OciOut,
        section: "Filesystem",
        usage: "--commit oci:DIR[:TAG]",
        help: "after the body, keep its writable layer as a new\nimage on top of --image (an OCI layout at DIR)",
        brief: "keep the writable layer as an image",
    },
    OptionDef {
        opt: Opt::ExportBundle,
        names: &["--export-bundle"],
        value: Value::Dir,
        section: "Filesystem",
        usage: "--export-bundle DIR",
        help: "write an OCI runtime bundle (config.json, rootfs/) for\ncrun/runc instead of running the block",
        brief: "write an OCI runtime bundle",
    },
    OptionDef {
        opt: Opt::Rw,
        names: &["--rw"],
        value: Value::Flag,
        section: "Filesystem",
        usage: "--rw",
        help: "with --rootfs: write straight into DIR",
        brief: "write straight into --rootfs",
    },
    OptionDef {
        opt: Opt::ReadOnly,
        names: &["--read-only"],
        value: Value::Flag,
        section: "Filesystem",
        usage: "--read-only",
        help: "no writable layer at all",
        brief: "no writable layer",
    },
    OptionDef {
        opt: Opt::Name,
        names: &["--name"],
        value: Value::Name,
        section: "Filesystem",
        usage: "--name NAME",
        help: "keep the writable layer as NAME (see the `isolates` builtin)",
        brief: "keep the writable layer as NAME",
    },
    OptionDef {
        opt: Opt::Volume,
        names: &["-v", "--volume"],
        value: Value::Volume,
        section: "Filesystem",
        usage: "-v HOST:GUEST[:ro]",
        help: "bind-mount HOST at GUEST (read-only with :ro)",
        brief: "bind-mount HOST:GUEST[:ro]",
    },
    OptionDef {
        opt: Opt::Workdir,
        names: &["--workdir", "-w"],
        value: Value::Text,
        section: "Filesystem",
        usage: "--workdir DIR",
        help: "start in DIR (default /)",
        brief: "start in this directory",
    },
    OptionDef {
        opt: Opt::TmpfsSize,
        names: &["--tmpfs-size"],
        value: Value::Text,
        section: "Filesystem",
        usage: "--tmpfs-size SIZE",
        help: "size of the writable layer and of /tmp, each (default:\nthe --memory limit, else 1G or a quarter of RAM)",
        brief: "size of the writable layer and /tmp",
    },
    OptionDef {
        opt: Opt::Env,
        names: &["-e", "--env"],
        value: Value::Env,
        section: "Environment and identity",
        usage: "-e KEY=VAL",
        help: "set KEY inside (-e KEY passes the outer value)",
        brief: "set KEY=VAL inside",
    },
    OptionDef {
        opt: Opt::EnvFile,
        names: &["--env-file"],
        value: Value::File,
        section: "Environment and identity",
        usage: "--env-file FILE",
        help: "KEY=VAL lines; # comments; bare KEY passes the outer value",
        brief: "KEY=VAL lines from a file",
    },
    OptionDef {
        opt: Opt::Hostname,
        names: &["--hostname"],
        value: Value::Text,
        section: "Environment and identity",
        usage: "--hostname NAME",
        help: "the hostname inside (default: a short generated name)",
        brief: "the hostname inside",
    },
    OptionDef {
        opt: Opt::Fd,
        names: &["--fd"],
        value: Value::Text,
        section: "Environment and identity",
        usage: "--fd N",
        help: "pass the shell's fd N (opened with `exec N>…`) into the\nblock too; only 0, 1 and 2 cross by default",
        brief: "pass the shell's fd N into the block",
    },
    OptionDef {
        opt: Opt::Net,
        names: &["--net", "--network"],
        value: Value::Choice(NET),
        section: "Environment and identity",
        usage: "--net none|host",
        help: "none: a new network namespace with only lo (default)",
        brief: "network: none or host",
    },
    OptionDef {
        opt: Opt::Seccomp,
        names: &["--seccomp"],
        value: Value::Choice(&["default", "unconfined"]),
        section: "Security",
        usage: "--seccomp unconfined",
        help: "no seccomp filter (default: docker's default profile)",
        brief: "seccomp filter",
    },
    OptionDef {
        opt: Opt::Doctor,
        names: &["--doctor"],
        value: Value::Flag,
        section: "Other",
        usage: "--doctor",
        help: "check what this machine supports, and how to fix the rest",
        brief: "what this machine supports",
    },
    OptionDef {
        opt: Opt::Help,
        names: &["--help", "-h"],
        value: Value::Flag,
        section: "Other",
        usage: "--help",
        help: "this text",
        brief: "the options",
    },
];

/// The option an option word names (`--net=host` names `--net`).
pub fn option(word: &str) -> Option<&'static OptionDef> {
    let name = if word.starts_with("--") { word.split('=').next().unwrap_or(word) } else { word };
    OPTIONS.iter().find(|o| o.names.contains(&name))
}

/// `isolate --help`: the usage, then every option of [`OPTIONS`] by section.
pub fn help() -> String {
    let mut out = String::from(
        "usage: isolate [OPTIONS] < COMMANDS >
       isolate --doctor | --help

Runs COMMANDS (any command list) in fresh pid, mount, uts, ipc, net and
cgroup namespaces (plus a user namespace when not root), in a throwaway root
filesystem and, when limits are given, its own cgroup. The block is one stage
of the command line: `cat data | isolate < sort > | head`.

",
    );
    let mut section = "";
    for o in OPTIONS {
        if o.section != section {
            section = o.section;
            out.push_str(section);
            out.push_str(":\n");
        }
        let mut lines = o.help.lines();
        let first = lines.next().unwrap_or("");
        // Descriptions start in column 23; a longer usage pushes its own.
        if o.usage.len() <= 20 {
            out.push_str(&format!("  {:<20} {first}\n", o.usage));
        } else {
            out.push_str(&format!("  {}  {first}\n", o.usage));
        }
        for more in lines {
            out.push_str(&format!("{:23}{more}\n", ""));
        }
    }
    out
}

/// `64M`, `1G`, `512k`, `100b`, `4096` → bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let (digits, unit) = match lower.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => lower.split_at(i),
        None => (lower.as_str(), ""),
    };
    let n: u64 = digits.parse().ok()?;
    let mult: u64 = match unit.trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult).filter(|&b| b > 0)
}

/// One `KEY=VAL` or bare `KEY` (which passes the outer value, if any).
fn env_entry(entry: &str, outer: &dyn Fn(&str) -> Option<String>) -> Result<Option<(String, String)>, SpecError> {
    let (key, value) = match entry.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None => (entry, None),
    };
    if !crate::syntax::lexer::is_valid_name(key) {
        return Err(SpecError(format!("isolate: bad environment variable name: {key:?}")));
    }
    Ok(value.or_else(|| outer(key)).map(|v| (key.to_string(), v)))
}

/// docker's env-file format: `KEY=VAL` lines, `#` comments, blank lines.
pub fn parse_env_file(text: &str, outer: &dyn Fn(&str) -> Option<String>) -> Result<Vec<(String, String)>, SpecError> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.extend(env_entry(line, outer)?);
    }
    Ok(out)
}

fn parse_volume(text: &str) -> Result<Volume, SpecError> {
    let bad = || SpecError(format!("isolate: -v {text}: expected HOST:GUEST or HOST:GUEST:ro"));
    let mut parts = text.split(':');
    let (Some(host), Some(guest)) = (parts.next(), parts.next()) else { return Err(bad()) };
    let read_only = match parts.next() {
        None | Some("rw") => false,
        Some("ro") => true,
        Some(_) => return Err(bad()),
    };
    if parts.next().is_some() || host.is_empty() {
        return Err(bad());
    }
    if !guest.starts_with('/') {
        return Err(SpecError(format!(
            "isolate: -v {text}: GUEST ({guest}) must be an absolute path, such as /{guest}"
        )));
    }
    Ok(Volume { host: PathBuf::from(host), guest: PathBuf::from(guest), read_only })
}

/// Parses option words. `outer` reads the shell's variables (for bare
/// `-e KEY`); env files are read here, so errors name them.
pub fn parse(words: &[String], outer: &dyn Fn(&str) -> Option<String>) -> Result<Request, SpecError> {
    let mut spec = IsolateSpec::default();
    let mut args = words.iter();
    while let Some(word) = args.next() {
        // `--opt=value` and `--opt value` are the same.
        let (opt, inline) = match word.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| SpecError(format!("isolate: {opt} needs a value")))
        };
        let Some(def) = OPTIONS.iter().find(|o| o.names.contains(&opt)) else {
            return Err(SpecError(format!("isolate: unknown option {opt} (see isolate --help)")));
        };
        match def.opt {
            Opt::Help => return Ok(Request::Help),
            Opt::Doctor => return Ok(Request::Doctor),
            Opt::Memory => {
                let v = value()?;
                let bytes = parse_size(&v)
                    .ok_or_else(|| SpecError(format!("isolate: --memory {v}: expected a size such as 64M or 1G")))?;
                spec.memory = Some((bytes, v));
            }
            Opt::PidsLimit => {
                let v = value()?;
                let n = v.parse().ok().filter(|&n: &u64| n > 0);
                spec.pids_limit =
                    Some(n.ok_or_else(|| {
                        SpecError(format!("isolate: --pids-limit {v}: expected a whole number above 0"))
                    })?);
            }
            Opt::Cpus => {
                let v = value()?;
                let n = v.parse().ok().filter(|&n: &f64| n.is_finite() && n > 0.0);
                spec.cpus = Some(n.ok_or_else(|| {
                    SpecError(format!("isolate: --cpus {v}: expected a number above 0, such as 0.5"))
                })?);
            }
            Opt::Hostname => spec.hostname = Some(value()?),
            Opt::Env => spec.env.extend(env_entry(&value()?, outer)?),
            Opt::EnvFile => {
                let path = value()?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| SpecError(format!("isolate: --env-file {path}: {e}")))?;
                spec.env.extend(parse_env_file(&text, outer)?);
            }
            Opt::Net => {
                spec.net = match value()?.as_str() {
                    "none" => NetMode::None,
                    "host" => NetMode::Host,
                    other => return Err(SpecError(format!("isolate: --net {other}: expected none or host"))),
                }
            }
            Opt::Workdir => {
                let v = value()?;
                if !v.starts_with('/') {
                    return Err(SpecError(format!("isolate: --workdir {v}: must be an absolute path")));
                }
                spec.workdir = Some(v);
            }
            Opt::Name => {
                let v = value()?;
                if v.is_empty()
                    || !v.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
                    || v.starts_with('.')
                {
                    return Err(SpecError(format!("isolate: --name {v}: use letters, digits, '_', '.', '-'")));
                }
                spec.name = Some(v);
            }
            Opt::TmpfsSize => {
                let v = value()?;
                spec.tmpfs_size = Some(parse_size(&v).ok_or_else(|| {
                    SpecError(format!("isolate: --tmpfs-size {v}: expected a size such as 64M or 1G"))
                })?);
            }
            Opt::Rootfs => spec.rootfs = Some(PathBuf::from(value()?)),
            Opt::Image => {
                let v = value()?;
                super::image::ImageRef::parse(&v).map_err(|e| SpecError(format!("isolate: {e}")))?;
                spec.image = Some(v);
            }
            Opt::Commit => {
                let v = value()?;
                super::image::commit::target(&v).map_err(|e| SpecError(format!("isolate: {e}")))?;
                spec.commit = Some(v);
            }
            Opt::ExportBundle => spec.export_bundle = Some(PathBuf::from(value()?)),
            Opt::Rw => spec.root_mode = RootMode::ReadWrite,
            Opt::ReadOnly => spec.root_mode = RootMode::ReadOnly,
            Opt::Volume => spec.volumes.push(parse_volume(&value()?)?),
            Opt::Seccomp => {
                spec.seccomp = match value()?.as_str() {
                    "default" => SeccompMode::Default,
                    "unconfined" => SeccompMode::Unconfined,
                    other => {
                        return Err(SpecError(format!("isolate: --seccomp {other}: expected unconfined or default")));
                    }
                }
            }
            Opt::Fd => {
                let v = value()?;
                match v.parse::<i32>() {
                    Ok(0..=2) => {
                        return Err(SpecError(format!("isolate: --fd {v}: fds 0, 1 and 2 always cross into a block")));
                    }
                    Ok(n @ 3..=1023) => spec.fds.push(n),
                    _ => return Err(SpecError(format!("isolate: --fd {v}: expected an fd number such as 3"))),
                }
            }
        }
    }
    if spec.root_mode == RootMode::ReadWrite && spec.rootfs.is_none() {
        return Err(SpecError("isolate: --rw needs --rootfs DIR (the host's / is never written)".into()));
    }
    if spec.image.is_some() && spec.rootfs.is_some() {
        return Err(SpecError("isolate: --image and --rootfs both name the lower layer; give one".into()));
    }
    if spec.image.is_some() && spec.root_mode == RootMode::ReadWrite {
        return Err(SpecError("isolate: --rw writes into --rootfs DIR; an image's layers are never written".into()));
    }
    if spec.commit.is_some() && (spec.image.is_none() || spec.root_mode != RootMode::Overlay) {
        return Err(SpecError(
            "isolate: --commit puts the writable layer on an image: it needs --image (and an overlay)".into(),
        ));
    }
    if spec.name.is_some() && spec.root_mode != RootMode::Overlay {
        return Err(SpecError(
            "isolate: --name keeps an overlay's upper layer; it cannot go with --rw or --read-only".into(),
        ));
    }
    Ok(Request::Run(Box::new(spec)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn spec(s: &str) -> IsolateSpec {
        let outer = |k: &str| (k == "OUTER").then(|| "outer-value".to_string());
        match parse(&words(s), &outer).unwrap() {
            Request::Run(spec) => *spec,
            other => panic!("{other:?}"),
        }
    }

    fn err(s: &str) -> String {
        parse(&words(s), &|_| None).unwrap_err().0
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M"), Some(64 << 20));
        assert_eq!(parse_size("1g"), Some(1 << 30));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("10mb"), Some(10 << 20));
        for bad in ["", "M", "1.5G", "-1M", "12X", "0"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_option() {
        let s = spec(
            "--memory 64M --pids-limit 20 --cpus 0.25 --hostname box -e A=1 -e OUTER -e UNSET \
             --net host --workdir /tmp --rootfs /srv/root --rw -v /a:/b -v /c:/d:ro",
        );
        assert_eq!(s.memory, Some((64 << 20, "64M".into())));
        assert_eq!(s.pids_limit, Some(20));
        assert_eq!(s.cpus, Some(0.25));
        assert_eq!(s.hostname.as_deref(), Some("box"));
        assert_eq!(s.env, [("A".into(), "1".into()), ("OUTER".into(), "outer-value".into())]);
        assert_eq!(s.net, NetMode::Host);
        assert_eq!(s.workdir.as_deref(), Some("/tmp"));
        assert_eq!(s.rootfs, Some(PathBuf::from("/srv/root")));
        assert_eq!(s.root_mode, RootMode::ReadWrite);
        assert_eq!(s.volumes[1], Volume { host: "/c".into(), guest: "/d".into(), read_only: true });
        assert!(s.has_limits());
        assert!(!spec("").has_limits());
        assert_eq!(spec("--memory=1G").memory, Some((1 << 30, "1G".into())));
        assert_eq!(spec("--tmpfs-size 16M").scratch_bytes(), 16 << 20);
        assert_eq!(spec("--memory 64M").scratch_bytes(), 64 << 20);
        assert!(spec("").scratch_bytes() <= DEFAULT_SCRATCH_BYTES);
    }

    #[test]
    fn help_and_doctor() {
        assert_eq!(parse(&words("--memory 1M --help"), &|_| None), Ok(Request::Help));
        assert_eq!(parse(&words("--doctor"), &|_| None), Ok(Request::Doctor));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(err("--memory lots").contains("--memory lots"));
        assert!(err("--tmpfs-size big").contains("--tmpfs-size big"));
        assert!(err("--memory").contains("needs a value"));
        assert!(err("--pids-limit 0").contains("above 0"));
        assert!(err("--cpus x").contains("--cpus x"));
        assert!(err("--net bridge").contains("none or host"));
        assert!(err("-v /a").contains("HOST:GUEST"));
        assert!(err("-v /a:rel").contains("GUEST (rel) must be an absolute path"));
        assert!(err("--bogus").contains("unknown option --bogus"));
        assert_eq!(spec("--fd 3 --fd=7").fds, [3, 7]);
        assert!(err("-v /tmp:rel").contains("GUEST (rel) must be an absolute path"));
        assert!(err("--fd 1").contains("always cross"));
        assert!(err("--fd x").contains("--fd x: expected an fd number"));
        assert!(err("--rw").contains("--rootfs"));
        assert!(err("--name a/b").contains("--name"));
        assert!(err("--workdir tmp").contains("absolute"));
        assert!(err("-e 1X=2").contains("bad environment variable name"));
        assert!(err("--seccomp=strict").contains("--seccomp strict: expected unconfined or default"));
        assert!(err("--seccomp").contains("needs a value"));
    }

    #[test]
    fn image_options() {
        let s = spec("--image oci:/srv/img:v1 --commit oci:/srv/out:v2 --export-bundle /tmp/b");
        assert_eq!(s.image.as_deref(), Some("oci:/srv/img:v1"));
        assert_eq!(s.commit.as_deref(), Some("oci:/srv/out:v2"));
        assert_eq!(s.export_bundle, Some(PathBuf::from("/tmp/b")));
        assert!(err("--image busybox").contains("oci:DIR[:TAG] or docker-archive:FILE.tar"));
        assert!(err("--image oci:a --rootfs /r").contains("give one"));
        assert!(err("--image oci:a --rw").contains("never written"));
        assert!(err("--commit oci:out").contains("needs --image"));
        assert!(err("--image oci:a --read-only --commit oci:out").contains("needs --image"));
        assert!(err("--image oci:a --commit docker-archive:x.tar").contains("oci:DIR[:TAG]"));
    }

    #[test]
    fn seccomp_mode() {
        assert_eq!(spec("").seccomp, SeccompMode::Default);
        assert_eq!(spec("--seccomp=unconfined").seccomp, SeccompMode::Unconfined);
        assert_eq!(spec("--seccomp unconfined").seccomp, SeccompMode::Unconfined);
        assert_eq!(spec("--seccomp=unconfined --seccomp=default").seccomp, SeccompMode::Default);
    }

    #[test]
    fn env_file_format() {
        let outer = |k: &str| (k == "HOME").then(|| "/home/x".to_string());
        let text = "# comment\n\nA=1\n  B=two words\nHOME\nMISSING\nC=\n";
        let env = parse_env_file(text, &outer).unwrap();
        let want = [("A", "1"), ("B", "two words"), ("HOME", "/home/x"), ("C", "")];
        assert_eq!(env, want.map(|(k, v)| (k.to_string(), v.to_string())));
    }

    /// One table: every option `--help` lists is one the parser takes, by
    /// each of its names.
    #[test]
    fn the_option_table_drives_help_and_parsing() {
        let text = help();
        for o in OPTIONS {
            assert!(text.contains(&format!("  {}", o.usage)), "{} missing from --help", o.usage);
            for name in o.names {
                let args: Vec<String> = match o.value {
                    Value::Flag => vec![name.to_string()],
                    _ => vec![name.to_string(), "x".into()],
                };
                let r = parse(&args, &|_| None);
                let unknown = matches!(&r, Err(e) if e.0.contains("unknown option"));
                assert!(!unknown, "{name}: {r:?}");
            }
        }
    }
}
