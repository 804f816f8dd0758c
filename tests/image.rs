//! `isolate --image`: OCI image layouts and docker archives, built here
//! offline from busybox-static (layers as tars made by the test, their
//! digests, the config, manifest and index), run rootful and rootless
//! (as the unprivileged user `isosh-rootless`, as tests/security.rs).
//! Malformed images must fail with a clear message and status 125, and
//! leave nothing half-written in the store.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Mode, Run};
use sha2::Digest as _;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

macro_rules! require_root {
    () => {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        if !nix::unistd::geteuid().is_root() || !Path::new(BUSYBOX).exists() {
            eprintln!("SKIP {}: image tests need root and {BUSYBOX} (busybox-static)", module_path!());
            return;
        }
    };
}

const BUSYBOX: &str = "/bin/busybox";
/// A scratch directory where isosh runs as the mode's user
/// (`common::Host`); `$HOME` (and so the image store) is in it.
struct Host(common::Host);

impl std::ops::Deref for Host {
    type Target = common::Host;

    fn deref(&self) -> &common::Host {
        &self.0
    }
}

impl Host {
    fn new(mode: Mode) -> Option<Host> {
        common::Host::new(mode, "image").map(Host)
    }

    fn store(&self) -> PathBuf {
        self.path().join(".local/share/isosh/images")
    }
}

fn each_mode(name: &str, mut test: impl FnMut(&Host, Mode)) {
    let mut failures = Vec::new();
    for mode in [Mode::Rootful, Mode::Rootless] {
        if let Some(host) = Host::new(mode) {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&host, mode)));
            if let Err(p) = r {
                let text =
                    p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
                failures.push(format!("{mode:?}: {}", text.unwrap_or_default()));
            }
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

// ---- building images -------------------------------------------------

/// One tar entry.
enum E<'a> {
    Dir(&'a str),
    File(&'a str, &'a [u8], u32),
    Link(&'a str, &'a str),
    Hard(&'a str, &'a str),
}

fn tar_of(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(1_700_000_000);
        match e {
            E::Dir(p) => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                h.set_size(0);
                b.append_data(&mut h, p, std::io::empty()).unwrap();
            }
            E::File(p, data, mode) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(*mode);
                h.set_size(data.len() as u64);
                // Raw names (even `../x`), as a hostile tool would write them.
                raw_append(&mut b, &mut h, p, data);
            }
            E::Link(p, to) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_mode(0o777);
                h.set_size(0);
                b.append_link(&mut h, p, to).unwrap();
            }
            E::Hard(p, to) => {
                h.set_entry_type(tar::EntryType::Link);
                h.set_mode(0o644);
                h.set_size(0);
                b.append_link(&mut h, p, to).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

/// Appends with the name written straight into the header (the tar crate
/// refuses `..` and absolute names when it sets them itself).
fn raw_append(b: &mut tar::Builder<Vec<u8>>, h: &mut tar::Header, name: &str, data: &[u8]) {
    let bytes = name.as_bytes();
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    field[..bytes.len()].copy_from_slice(bytes);
    h.set_cksum();
    b.append(h, data).unwrap();
}

fn sha(bytes: &[u8]) -> String {
    let d = sha2::Sha256::digest(bytes);
    format!("sha256:{}", d.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

#[derive(Clone, Copy)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

fn compress(tar: &[u8], c: Compression) -> (Vec<u8>, &'static str) {
    match c {
        Compression::None => (tar.to_vec(), "application/vnd.oci.image.layer.v1.tar"),
        Compression::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(tar).unwrap();
            (e.finish().unwrap(), "application/vnd.oci.image.layer.v1.tar+gzip")
        }
        Compression::Zstd => (zstd::encode_all(tar, 1).unwrap(), "application/vnd.oci.image.layer.v1.tar+zstd"),
    }
}

/// An OCI layout being written.
struct Layout {
    dir: PathBuf,
}

impl Layout {
    fn new(dir: &Path) -> Layout {
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Layout { dir: dir.to_path_buf() }
    }

    fn blob(&self, bytes: &[u8]) -> String {
        let d = sha(bytes);
        std::fs::write(self.dir.join("blobs/sha256").join(&d[7..]), bytes).unwrap();
        d
    }

    fn blob_path(&self, digest: &str) -> PathBuf {
        self.dir.join("blobs/sha256").join(&digest[7..])
    }

    /// Writes the image: layers (tar, compression), config fields, and an
    /// index entry tagged `tag`. Gives the manifest digest and the layer
    /// blob digests.
    fn image(
        &self,
        tag: &str,
        layers: &[(Vec<u8>, Compression)],
        config: serde_json::Value,
        arch: &str,
    ) -> (String, Vec<String>) {
        let mut descs = Vec::new();
        let mut diff_ids = Vec::new();
        let mut digests = Vec::new();
        for (tar, c) in layers {
            let (blob, media) = compress(tar, *c);
            let d = self.blob(&blob);
            digests.push(d.clone());
            descs.push(serde_json::json!({"mediaType": media, "digest": d, "size": blob.len()}));
            diff_ids.push(sha(tar));
        }
        let config = serde_json::json!({
            "architecture": arch, "os": "linux", "config": config,
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        });
        let config = config.to_string().into_bytes();
        let cd = self.blob(&config);
        let manifest = serde_json::json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": config.len()},
            "layers": descs,
        })
        .to_string()
        .into_bytes();
        let md = self.blob(&manifest);
        let index_path = self.dir.join("index.json");
        let mut index: serde_json::Value = std::fs::read_to_string(&index_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| serde_json::json!({"schemaVersion": 2, "manifests": []}));
        index["manifests"].as_array_mut().unwrap().push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": tag},
        }));
        std::fs::write(&index_path, index.to_string()).unwrap();
        (md, digests)
    }
}

fn host_arch() -> &'static str {
    if cfg!(target_arch = "x86_64") { "amd64" } else { "arm64" }
}

/// The base layer: busybox, its applets as symlinks, /etc, and a
/// directory and file the top layer hides.
fn base_layer() -> Vec<u8> {
    let busybox = std::fs::read(BUSYBOX).unwrap();
    let mut entries = vec![
        E::Dir("bin"),
        E::File("bin/busybox", &busybox, 0o755),
        E::Dir("etc"),
        E::File("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n", 0o644),
        E::File("etc/group", b"root:x:0:\napp:x:1000:\n", 0o644),
        E::File("etc/motd", b"base\n", 0o644),
        E::File("etc/gone", b"hidden by a whiteout\n", 0o644),
        E::Dir("opt"),
        E::Dir("opt/keep"),
        E::File("opt/keep/a", b"a\n", 0o644),
        E::File("opt/keep/b", b"b\n", 0o644),
        E::Hard("opt/keep/hard", "opt/keep/a"),
        E::Dir("proc"),
        E::Dir("dev"),
        E::Dir("sys"),
        E::Dir("tmp"),
    ];
    for applet in ["sh", "cat", "ls", "id", "grep", "touch", "rm", "sleep", "env", "hostname", "mkdir"] {
        entries.push(E::Link(Box::leak(format!("bin/{applet}").into_boxed_str()), "busybox"));
    }
    tar_of(&entries)
}

/// The top layer: a whiteout (`etc/.wh.gone`), an opaque directory
/// (`opt/keep/.wh..wh..opq` with a new file `c`), and a changed file.
fn top_layer() -> Vec<u8> {
    tar_of(&[
        E::Dir("etc"),
        E::File("etc/.wh.gone", b"", 0o644),
        E::File("etc/motd", b"top\n", 0o644),
        E::Dir("opt/keep"),
        E::File("opt/keep/.wh..wh..opq", b"", 0o644),
        E::File("opt/keep/c", b"c\n", 0o644),
    ])
}

fn config() -> serde_json::Value {
    serde_json::json!({
        "Env": ["PATH=/bin", "GREETING=hello"],
        "WorkingDir": "/opt",
        "Cmd": ["sh", "-c", "echo cmd $GREETING in $(pwd)"],
    })
}

/// An image layout `img` in `dir`, readable by the rootless user: tag
/// `v1` with the two layers (gzip, zstd).
fn standard_image(dir: &Path) -> Layout {
    let l = Layout::new(&dir.join("img"));
    l.image("v1", &[(base_layer(), Compression::Gzip), (top_layer(), Compression::Zstd)], config(), host_arch());
    l
}

fn assert_ok(r: &Run, want: &str) {
    assert_eq!((r.stdout.as_str(), r.status), (want, 0), "stderr: {}", r.stderr);
}

// ---- tests -----------------------------------------------------------

#[test]
fn an_oci_image_runs_with_its_layers_whiteouts_and_config() {
    require_root!();
    each_mode("an_oci_image_runs", |host, _| {
        standard_image(host.path());
        let r = host.run(
            "isolate --image oci:img:v1 < cat /etc/motd; ls /opt/keep; test -e /etc/gone || echo gone; \
             echo $GREETING; pwd; cat /opt/keep/hard 2>&1; id -u >",
        );
        // `hard` and `a`, `b` are below the opaque directory: hidden.
        assert_ok(&r, "top\nc\ngone\nhello\n/opt\ncat: can't open '/opt/keep/hard': No such file or directory\n0\n");
        // The store holds each layer once, and nothing half-written.
        let layers: Vec<String> = std::fs::read_dir(host.store().join("layers"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(layers.len(), 2, "{layers:?}");
        assert!(!layers.iter().any(|l| l.starts_with('.')), "{layers:?}");
        // Again, from the store: writes of the first block are gone.
        let r = host.run("isolate --image oci:img < touch /etc/new; ls /etc > ; isolate --image oci:img < ls /etc >");
        assert_ok(&r, "group\nmotd\nnew\npasswd\ngroup\nmotd\npasswd\n");
    });
}

#[test]
fn an_empty_body_runs_the_images_command_and_options_override_the_config() {
    require_root!();
    each_mode("empty_body", |host, _| {
        standard_image(host.path());
        assert_ok(&host.run("isolate --image oci:img:v1 < >"), "cmd hello in /opt\n");
        let r = host.run("isolate --image=oci:img -e GREETING=bye --workdir /etc < >");
        assert_ok(&r, "cmd bye in /etc\n");
        let r = host.run("isolate < >");
        assert_eq!(r.status, 2, "{r:?}");
    });
}

#[test]
fn the_image_root_is_nodev_and_masked_like_any_root() {
    require_root!();
    each_mode("image_root_hardened", |host, _| {
        standard_image(host.path());
        let r = host.run("isolate --image oci:img < grep -e ' / / ' -e ' /proc/sys ' /proc/self/mountinfo >");
        assert_eq!(r.status, 0, "{r:?}");
        let mut lines = r.stdout.lines();
        let (root, proc_sys) = (lines.next().unwrap_or_default(), lines.next().unwrap_or_default());
        assert!(root.contains("nodev") && root.contains("overlay"), "{r:?}");
        assert!(proc_sys.contains(" ro,"), "{r:?}");
        // The seccomp filter is on, as in any block.
        let r = host.run("isolate --image oci:img < grep Seccomp: /proc/self/status >");
        assert_ok(&r, "Seccomp:\t2\n");
    });
}

#[test]
fn explain_shows_the_layer_stack() {
    require_root!();
    each_mode("explain", |host, _| {
        standard_image(host.path());
        // Loaded once, so the store holds the layers explain names.
        assert_ok(&host.run("isolate --image oci:img < true >"), "");
        let r = host.run("explain 'isolate --image oci:img < true >'");
        assert_eq!(r.status, 0, "{r:?}");
        let layers = host.store().join("layers");
        assert_eq!(r.stdout.matches(&format!("open(\"{}/", layers.display())).count(), 2, "{}", r.stdout);
        assert!(r.stdout.contains("lowerdir=/proc/self/fd/N:/proc/self/fd/N,"), "{}", r.stdout);
    });
}

#[test]
fn layers_shared_by_two_images_are_stored_once() {
    require_root!();
    each_mode("shared_layers", |host, _| {
        let l = standard_image(host.path());
        let extra = tar_of(&[E::File("extra", b"x\n", 0o644)]);
        l.image("v2", &[(base_layer(), Compression::Gzip), (extra, Compression::None)], config(), host_arch());
        let r = host
            .run("isolate --image oci:img:v1 < cat /etc/motd >; isolate --image oci:img:v2 < cat /etc/motd /extra >");
        assert_ok(&r, "top\nbase\nx\n");
        let n = std::fs::read_dir(host.store().join("layers")).unwrap().count();
        assert_eq!(n, 3, "base, top, extra");
    });
}

#[test]
fn an_image_user_runs_the_body_as_that_user() {
    require_root!();
    each_mode("image_user", |host, mode| {
        let l = Layout::new(&host.path().join("img"));
        let mut c = config();
        c["User"] = serde_json::json!("app");
        l.image("v1", &[(base_layer(), Compression::Gzip)], c, host_arch());
        let r = host.run("isolate --image oci:img < id -u; id -g >");
        match mode {
            Mode::Rootful => assert_ok(&r, "1000\n1000\n"),
            Mode::Rootless => {
                assert_eq!(r.status, 125, "{r:?}");
                assert!(r.stderr.contains("rootless block maps only uid 0"), "{r:?}");
            }
        }
    });
}

/// Runs a block on a malformed image: status 125, `msg` in the error, and
/// no layer (or temporary directory) left beyond `layers_kept`.
fn refused(host: &Host, reference: &str, msg: &str, layers_kept: usize) {
    let r = host.run(&format!("isolate --image {reference} < echo ran >"));
    assert_eq!(r.status, 125, "{reference}: {r:?}");
    assert!(r.stderr.contains(msg), "{reference}: want {msg:?} in {:?}", r.stderr);
    assert!(!r.stdout.contains("ran"), "{r:?}");
    let left: Vec<String> = std::fs::read_dir(host.store().join("layers"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert_eq!(left.len(), layers_kept, "{reference}: store holds {left:?}");
}

#[test]
fn malformed_images_are_refused_with_125_and_leave_no_half_written_store() {
    require_root!();
    each_mode("malformed", |host, _| {
        let p = host.path();
        // A blob whose bytes do not match its digest.
        let l = Layout::new(&p.join("mismatch"));
        let (_, digests) = l.image("v1", &[(base_layer(), Compression::Gzip)], config(), host_arch());
        let blob = l.blob_path(&digests[0]);
        let mut bytes = std::fs::read(&blob).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&blob, &bytes).unwrap();
        refused(host, "oci:mismatch", "digest mismatch", 0);

        // A tar cut off in the middle of busybox (digests made to match).
        let l = Layout::new(&p.join("truncated"));
        let mut tar = base_layer();
        tar.truncate(tar.len() / 2);
        l.image("v1", &[(tar, Compression::None)], config(), host_arch());
        refused(host, "oci:truncated", "layer", 0);

        // `../` and absolute names.
        let l = Layout::new(&p.join("climb"));
        l.image("v1", &[(tar_of(&[E::File("../../escaped", b"x", 0o644)]), Compression::Gzip)], config(), host_arch());
        refused(host, "oci:climb", "climbs out", 0);
        let l = Layout::new(&p.join("absolute"));
        let abs = format!("{}/escaped-abs", p.display());
        l.image("v1", &[(tar_of(&[E::File(&abs, b"x", 0o644)]), Compression::None)], config(), host_arch());
        refused(host, "oci:absolute", "absolute path", 0);
        assert!(!p.join("escaped-abs").exists());

        // Another machine's image.
        let l = Layout::new(&p.join("arch"));
        let other = if host_arch() == "amd64" { "arm64" } else { "amd64" };
        l.image("v1", &[(base_layer(), Compression::Gzip)], config(), other);
        refused(host, "oci:arch", "wrong architecture", 0);

        // A tag the index does not have; a missing layout.
        standard_image(p);
        refused(host, "oci:img:nope", "no image tagged \"nope\"", 0);
        refused(host, "oci:nowhere", "not an OCI image layout", 0);
    });
}

#[test]
fn a_symlink_in_a_layer_cannot_carry_files_out_of_it() {
    require_root!();
    each_mode("symlink_escape", |host, _| {
        let outside = host.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o777)).unwrap();
        let l = Layout::new(&host.path().join("img"));
        let target = outside.display().to_string();
        // A link to a host directory: resolved inside the layer, where it
        // leads nowhere, so the layer is refused.
        let evil = tar_of(&[E::Link("evil", &target), E::File("evil/pwned", b"x\n", 0o644)]);
        l.image("v1", &[(base_layer(), Compression::Gzip), (evil, Compression::Gzip)], config(), host_arch());
        refused(host, "oci:img", "goes through a symlink that leads out of it", 1);
        assert!(!outside.join("pwned").exists(), "a layer wrote through a symlink to the host");
        // A link climbing up: `..` stops at the layer's root, so the file
        // lands there, inside the image.
        let l = Layout::new(&host.path().join("img2"));
        let up = tar_of(&[E::Link("up", "../../../../../../.."), E::File("up/pwned-too", b"y\n", 0o644)]);
        l.image("v1", &[(base_layer(), Compression::Gzip), (up, Compression::Gzip)], config(), host_arch());
        let r = host.run("isolate --image oci:img2 < cat /pwned-too >");
        assert_ok(&r, "y\n");
        assert!(!Path::new("/pwned-too").exists());
    });
}

/// A `docker save` archive of the standard image's two layers.
fn docker_archive(path: &Path) {
    let layers = [base_layer(), top_layer()];
    let diff_ids: Vec<String> = layers.iter().map(|l| sha(l)).collect();
    let config = serde_json::json!({
        "architecture": host_arch(), "os": "linux", "config": config(),
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    })
    .to_string();
    let config_name = format!("{}.json", &sha(config.as_bytes())[7..]);
    let layer_names: Vec<String> = (0..layers.len()).map(|i| format!("layer{i}/layer.tar")).collect();
    let manifest =
        serde_json::json!([{"Config": config_name, "RepoTags": ["test:latest"], "Layers": layer_names}]).to_string();
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        b.append_data(&mut h, name, data).unwrap();
    };
    add(&config_name, config.as_bytes());
    for (name, data) in layer_names.iter().zip(&layers) {
        add(name, data);
    }
    add("manifest.json", manifest.as_bytes());
    std::fs::write(path, b.into_inner().unwrap()).unwrap();
}

#[test]
fn a_docker_archive_runs_and_shares_layers_with_the_oci_layout() {
    require_root!();
    each_mode("docker_archive", |host, _| {
        docker_archive(&host.path().join("app.tar"));
        let r = host.run("isolate --image docker-archive:app.tar < cat /etc/motd; ls /opt/keep >");
        assert_ok(&r, "top\nc\n");
        assert_ok(&host.run("isolate --image docker-archive:app.tar < >"), "cmd hello in /opt\n");
        // The same layers from an OCI layout: nothing new is unpacked.
        standard_image(host.path());
        assert_ok(&host.run("isolate --image oci:img:v1 < cat /etc/motd >"), "top\n");
        assert_eq!(std::fs::read_dir(host.store().join("layers")).unwrap().count(), 2);
    });
}

#[test]
fn images_lists_removes_and_prunes() {
    require_root!();
    each_mode("images_builtin", |host, _| {
        let l = standard_image(host.path());
        let extra = tar_of(&[E::File("extra", b"x\n", 0o644)]);
        l.image("v2", &[(base_layer(), Compression::Gzip), (extra.clone(), Compression::None)], config(), host_arch());
        let r = host.run("isolate --image oci:img:v1 < true >; isolate --image oci:img:v2 < true >; images");
        assert_eq!(r.status, 0, "{r:?}");
        assert!(r.stdout.starts_with("IMAGE"), "{r:?}");
        assert!(r.stdout.contains("oci:img:v1") && r.stdout.contains("oci:img:v2"), "{r:?}");
        assert!(r.stdout.contains(&sha(&base_layer())), "{r:?}");
        assert!(r.stdout.contains("MiB"), "busybox is over a MiB: {r:?}");
        // rm v2 takes its own layer (`extra`), not the shared base.
        let r = host.run("images rm oci:img:v2; images");
        assert_eq!(r.status, 0, "{r:?}");
        assert!(!r.stdout.contains("oci:img:v2") && !r.stdout.contains(&sha(&extra)), "{r:?}");
        assert!(r.stdout.contains(&sha(&base_layer())), "{r:?}");
        assert_eq!(host.run("images rm oci:nope").status, 1);
        // Forget v1 by hand: prune then removes both its layers.
        for e in std::fs::read_dir(host.store().join("refs")).unwrap().flatten() {
            std::fs::remove_file(e.path()).unwrap();
        }
        let r = host.run("images prune");
        assert_eq!(r.stdout.matches("removed sha256:").count(), 2, "{r:?}");
        assert_eq!(std::fs::read_dir(host.store().join("layers")).unwrap().count(), 0);
    });
}

#[test]
fn a_named_layer_sits_on_an_image() {
    require_root!();
    each_mode("named_on_image", |host, _| {
        standard_image(host.path());
        let r = host.run(
            "isolate --image oci:img --name imgdev < echo kept > /etc/motd >; \
             isolate --image oci:img --name imgdev < cat /etc/motd >; isolate --image oci:img < cat /etc/motd >",
        );
        assert_ok(&r, "kept\ntop\n");
    });
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `cmd` as root in `dir`, as a Run.
fn run_root(dir: &Path, program: &str, args: &[&str]) -> Run {
    let out = Command::new(program).args(args).current_dir(dir).stdin(Stdio::null()).output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or(-1),
    }
}

#[test]
fn an_exported_bundle_runs_under_crun_and_runc_as_the_block_does() {
    require_root!();
    let host = Host::new(Mode::Rootful).unwrap();
    standard_image(host.path());
    let body = "hostname; cat /etc/motd; ls /opt/keep; echo $GREETING; pwd; id -u; \
                grep -e Seccomp: -e NoNewPrivs: -e CapBnd: /proc/self/status; touch /etc/x; exit 3";
    let opts = "--image oci:img:v1 --hostname box --memory 64M --pids-limit 50 --cpus 0.5";
    let block = host.run(&format!("isolate {opts} < {body} >"));
    assert_eq!(block.status, 3, "{block:?}");
    assert!(block.stdout.starts_with("box\ntop\nc\nhello\n/opt\n0\n"), "{block:?}");
    let r = host.run(&format!("isolate {opts} --export-bundle bundle < {body} >"));
    assert_ok(&r, "");
    let bundle = host.path().join("bundle");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("config.json")).unwrap()).unwrap();
    let res = &config["linux"]["resources"];
    assert_eq!(res["memory"]["limit"], 64 << 20, "{res}");
    assert_eq!(res["pids"]["limit"], 50, "{res}");
    assert_eq!(res["cpu"]["quota"], 50000, "{res}");
    assert!(config["linux"]["maskedPaths"].as_array().unwrap().iter().any(|p| p == "/proc/kcore"));
    assert!(config["linux"]["readonlyPaths"].as_array().unwrap().iter().any(|p| p == "/proc/sys"));
    assert_eq!(config["linux"]["seccomp"]["defaultAction"], "SCMP_ACT_ERRNO");
    assert_eq!(config["hostname"], "box");
    assert_eq!(config["process"]["cwd"], "/opt");
    // The merged root: the whiteout and the opaque directory applied.
    assert!(!bundle.join("rootfs/etc/gone").exists() && !bundle.join("rootfs/opt/keep/a").exists());
    assert_eq!(std::fs::read_to_string(bundle.join("rootfs/etc/motd")).unwrap(), "top\n");
    assert_eq!(host.run("isolate --export-bundle bundle < true >").status, 125, "no root to export");
    let bundle_s = bundle.display().to_string();
    for runtime in ["crun", "runc"] {
        if !have(runtime) {
            eprintln!("SKIP {runtime}: not installed (apt-get install {runtime})");
            continue;
        }
        let id = format!("isosh-test-{runtime}-{}", std::process::id());
        // crun 1.8 refuses a hybrid cgroup host (v1 controllers beside a
        // v2 hierarchy at /sys/fs/cgroup/unified): hide the v2 mount in a
        // private mount namespace of its own, where crun sees plain v1.
        let script = format!(
            "mount --make-rprivate / && (umount /sys/fs/cgroup/unified 2>/dev/null; true) && exec {runtime} run -b {bundle_s} {id}"
        );
        let got = if runtime == "crun" {
            run_root(host.path(), "unshare", &["-m", "sh", "-c", &script])
        } else {
            run_root(host.path(), runtime, &["run", "-b", &bundle_s, &id])
        };
        let _ = run_root(host.path(), runtime, &["delete", "-f", &id]);
        assert_eq!((got.stdout.as_str(), got.status), (block.stdout.as_str(), 3), "{runtime}: {got:?}");
    }
}

#[test]
fn a_committed_image_loads_again_and_other_tools_read_it() {
    require_root!();
    each_mode("commit", |host, _| {
        standard_image(host.path());
        let r = host.run(
            "isolate --image oci:img:v1 --commit oci:out:v2 < \
               echo committed > /etc/motd; rm /etc/passwd; mkdir /srv; echo s > /srv/s; rm /opt/keep/c; \
               rm -rf /bin/../opt; mkdir -p /opt/fresh; echo f > /opt/fresh/f >",
        );
        assert_ok(&r, "");
        let r = host.run(
            "isolate --image oci:out:v2 < cat /etc/motd /srv/s /opt/fresh/f; test -e /etc/passwd || echo no passwd; \
             ls /opt; cat /etc/group >",
        );
        assert_ok(&r, "committed\ns\nf\nno passwd\nfresh\nroot:x:0:\napp:x:1000:\n");
        // The throwaway layer directory is gone; the layout is complete.
        let left: Vec<_> = std::fs::read_dir(host.store()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().starts_with("commit-")), "{left:?}");
        let out = host.path().join("out");
        let skopeo_out = Command::new("skopeo").args(["inspect", &format!("oci:{}:v2", out.display())]).output();
        match skopeo_out {
            Err(_) => eprintln!("SKIP skopeo inspect: skopeo not installed (apt-get install skopeo)"),
            Ok(o) => {
                assert!(o.status.success(), "skopeo: {}", String::from_utf8_lossy(&o.stderr));
                let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
                assert_eq!(v["Layers"].as_array().unwrap().len(), 3, "{v}");
                assert_eq!(v["Architecture"], host_arch(), "{v}");
                // skopeo's own copy of it (its layout writer) loads too.
                let copied = host.path().join("copied");
                let o = Command::new("skopeo")
                    .args(["copy", &format!("oci:{}:v2", out.display()), &format!("oci:{}:v2", copied.display())])
                    .output()
                    .unwrap();
                assert!(o.status.success(), "skopeo copy: {}", String::from_utf8_lossy(&o.stderr));
                if let Some((uid, gid)) = host.ids {
                    let _ = Command::new("chown").args(["-R", &format!("{uid}:{gid}")]).arg(&copied).status();
                }
                assert_ok(&host.run("isolate --image oci:copied:v2 < cat /etc/motd >"), "committed\n");
            }
        }
        match Command::new("umoci").args(["ls", "--layout", &out.display().to_string()]).output() {
            Err(_) => eprintln!("SKIP umoci ls: umoci not installed (apt-get install umoci)"),
            Ok(o) => {
                assert!(o.status.success(), "umoci: {}", String::from_utf8_lossy(&o.stderr));
                assert_eq!(String::from_utf8_lossy(&o.stdout), "v2\n");
            }
        }
        // A commit on a commit, into the same layout: both tags stay.
        let r = host.run(
            "isolate --image oci:out:v2 --commit oci:out:v3 < echo three > /three >; \
                          isolate --image oci:out:v3 < cat /three /etc/motd >",
        );
        assert_ok(&r, "three\ncommitted\n");
        assert_eq!(host.run("isolate --commit oci:x < true >").status, 125);
    });
}

#[test]
fn a_large_layer_shows_a_progress_line_on_a_terminal_only() {
    require_root!();
    if !have("script") {
        eprintln!("SKIP: no script(1) to give isosh a terminal");
        return;
    }
    let host = Host::new(Mode::Rootful).unwrap();
    // 6 MB that gzip cannot shrink below the threshold (4 MB stored).
    let mut noise = vec![0u8; 6 << 20];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in noise.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let bb = std::fs::read(BUSYBOX).unwrap();
    let entries = [E::Dir("bin/"), E::File("bin/busybox", &bb, 0o755), E::File("noise", &noise, 0o644)];
    let l = Layout::new(&host.path().join("big"));
    l.image("v1", &[(tar_of(&entries), Compression::Gzip)], serde_json::json!({}), host_arch());
    // Without a terminal: no progress line, nothing on stderr.
    let r = host.run("isolate --image oci:big < /bin/busybox wc -c /noise >");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.status), ("6291456 /noise\n", "", 0));
    // With one (a fresh store): the line is drawn, then erased.
    std::fs::remove_dir_all(host.store()).unwrap();
    let cmd = format!("{} -c 'isolate --image oci:big < /bin/busybox wc -c /noise >'", host.isosh.display());
    let r = host.run(&format!("script -qec \"{cmd}\" /dev/null"));
    assert_eq!(r.status, 0, "{r:?}");
    let shown = r.stdout.replace("\r\n", "\n");
    assert!(shown.contains("\risosh: unpacking layer "), "{shown:?}");
    assert!(shown.contains(" MB (100%)\x1b[K"), "{shown:?}");
    assert!(shown.ends_with("\r\x1b[K6291456 /noise\n"), "{shown:?}");
}

/// A file name that is not UTF-8 goes into a committed layer as its bytes
/// and comes back out of the image the same.
#[test]
fn a_non_utf8_file_name_survives_a_commit() {
    require_root!();
    each_mode("commit-bytes", |host, _| {
        standard_image(host.path());
        let r = host.run(
            "isolate --image oci:img:v1 --commit oci:bytes:v2 < mkdir /srv; echo x > \"/srv/$(printf 'f\\351')\" >",
        );
        assert_ok(&r, "");
        let r = host.run(
            "isolate --image oci:bytes:v2 < for f in /srv/*; do [ \"$f\" = \"/srv/$(printf 'f\\351')\" ] && echo same-bytes; done >",
        );
        assert_ok(&r, "same-bytes\n");
    });
}

/// A blob or `index.json` that is a FIFO (or any file not regular) is
/// refused at once; the shell used to wait in open() for a writer.
#[test]
fn a_blob_that_is_a_fifo_is_refused_without_hanging() {
    require_root!();
    each_mode("fifo_blob", |host, _| {
        let p = host.path();
        let l = Layout::new(&p.join("fifo"));
        let (manifest, _) = l.image("v1", &[(base_layer(), Compression::Gzip)], config(), host_arch());
        let blob = l.blob_path(&manifest);
        std::fs::remove_file(&blob).unwrap();
        nix::unistd::mkfifo(&blob, nix::sys::stat::Mode::from_bits_truncate(0o644)).unwrap();
        let l = Layout::new(&p.join("fifo-index"));
        l.image("v1", &[(base_layer(), Compression::Gzip)], config(), host_arch());
        std::fs::remove_file(p.join("fifo-index/index.json")).unwrap();
        nix::unistd::mkfifo(&p.join("fifo-index/index.json"), nix::sys::stat::Mode::from_bits_truncate(0o644)).unwrap();
        if let Some((uid, gid)) = host.ids {
            let _ = Command::new("chown").args(["-R", &format!("{uid}:{gid}")]).arg(p).status();
        }
        for reference in ["oci:fifo", "oci:fifo-index"] {
            let r =
                host.run(&format!("timeout 20 {} -c 'isolate --image {reference} < echo ran >'", host.isosh.display()));
            assert_eq!(r.status, 125, "{reference} (124: it hung): {r:?}");
            assert!(r.stderr.contains("is not a regular file"), "{reference}: {r:?}");
        }
    });
}

/// A file a test plants an attack against: it must keep its content.
fn victim(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, "ROOT-ONLY SECRET\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    p
}

/// `--commit oci:DIR` as root into a layout someone else prepared: the
/// names planted in it are replaced, never written through, and a DIR
/// (or `blobs`) another user could change is refused.
#[test]
fn a_commit_writes_through_no_planted_symlink_and_wants_a_private_layout() {
    require_root!();
    let host = Host::new(Mode::Rootful).unwrap();
    let p = host.path();
    standard_image(p);
    let (v1, v2) = (victim(p, "victim1"), victim(p, "victim2"));
    // The layout committed into holds links to the victims where isosh
    // writes `oci-layout` and (formerly) its temporary index.
    let out = p.join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&v1, out.join("oci-layout")).unwrap();
    std::os::unix::fs::symlink(&v2, out.join(".index.json.tmp")).unwrap();
    let r = host.run("isolate --image oci:img:v1 --commit oci:out:v2 < echo x > /new >");
    assert_ok(&r, "");
    for v in [&v1, &v2] {
        assert_eq!(std::fs::read_to_string(v).unwrap(), "ROOT-ONLY SECRET\n", "{} written through a link", v.display());
    }
    assert!(std::fs::symlink_metadata(out.join("oci-layout")).unwrap().is_file());
    assert_ok(&host.run("isolate --image oci:out:v2 < cat /new >"), "x\n");

    // `blobs` leading elsewhere: refused, nothing written there.
    let elsewhere = p.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let out = p.join("out-blobs");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("blobs")).unwrap();
    let r = host.run("isolate --image oci:img:v1 --commit oci:out-blobs < true >");
    assert_eq!(r.status, 125, "{r:?}");
    assert!(r.stderr.contains("blobs is a symlink"), "{r:?}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

    // A layout another user owns, or may write in: refused.
    for (name, uid, mode, why) in
        [("theirs", 4242, 0o755, "belongs to uid 4242"), ("shared", 0, 0o777, "may be written by others")]
    {
        let out = p.join(name);
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::chown(&out, Some(uid), Some(uid)).unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(mode)).unwrap();
        let r = host.run(&format!("isolate --image oci:img:v1 --commit oci:{name} < true >"));
        assert_eq!(r.status, 125, "{name}: {r:?}");
        assert!(r.stderr.contains(why), "{name}: {r:?}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "{name}: written into");
    }
}

/// `--export-bundle DIR` as root: a dangling `config.json` link is not
/// written through, a DIR another user owns or may write in is refused,
/// and a new bundle's DIR is the caller's alone (its set-uid files out of
/// other users' reach) while `rootfs` stays searchable.
#[test]
fn an_export_bundle_wants_a_private_directory_and_writes_no_link() {
    require_root!();
    let host = Host::new(Mode::Rootful).unwrap();
    let p = host.path();
    standard_image(p);
    let created = p.join("created-by-root");
    let dir = p.join("dangling");
    std::fs::create_dir(&dir).unwrap();
    std::os::unix::fs::symlink(&created, dir.join("config.json")).unwrap();
    let r = host.run("isolate --image oci:img --export-bundle dangling < true >");
    assert_eq!(r.status, 125, "{r:?}");
    assert!(r.stderr.contains("already holds a bundle"), "{r:?}");
    assert!(std::fs::symlink_metadata(&created).is_err(), "config.json written through a link");

    for (name, uid, mode, why) in
        [("theirs", 4242, 0o755, "not to you"), ("shared", 0, 0o777, "may be written by others")]
    {
        let dir = p.join(name);
        std::fs::create_dir(&dir).unwrap();
        std::os::unix::fs::chown(&dir, Some(uid), Some(uid)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        let r = host.run(&format!("isolate --image oci:img --export-bundle {name} < true >"));
        assert_eq!(r.status, 125, "{name}: {r:?}");
        assert!(r.stderr.contains(why), "{name}: {r:?}");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "{name}: written into");
    }

    assert_ok(&host.run("isolate --image oci:img --export-bundle fresh < true >"), "");
    let mode = |path: &Path| std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&p.join("fresh")), 0o700);
    assert_eq!(mode(&p.join("fresh/rootfs")), 0o755);
    assert_eq!(std::fs::read_to_string(p.join("fresh/rootfs/etc/motd")).unwrap(), "top\n");
}

/// `--export-bundle` looks the image's `User` up in the image's own
/// files: an absolute link out of it resolves inside it (a host file's
/// line is not copied into config.json), and a table that is no regular
/// file, or past 1 MiB, is refused.
#[test]
fn an_export_bundle_reads_the_images_user_only_from_the_image() {
    require_root!();
    let host = Host::new(Mode::Rootful).unwrap();
    let p = host.path();
    let secret = p.join("host-passwd");
    std::fs::write(&secret, "app:x:4242:4343::/:/bin/sh\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let user = |u: &str| {
        let mut c = config();
        c["User"] = serde_json::json!(u);
        c
    };
    let l = Layout::new(&p.join("leak"));
    let link = tar_of(&[E::Dir("etc"), E::Link("etc/passwd", secret.to_str().unwrap())]);
    l.image("v1", &[(base_layer(), Compression::Gzip), (link, Compression::Gzip)], user("app"), host_arch());
    let r = host.run("isolate --image oci:leak --export-bundle leak-bundle < true >");
    assert_eq!(r.status, 125, "{r:?}");
    assert!(r.stderr.contains("user \"app\" of the image is not in its /etc/passwd"), "{r:?}");
    assert!(!p.join("leak-bundle/config.json").exists());

    // A table padded past 1 MiB (the user is at its end).
    let mut big = vec![b'#'; 1 << 20];
    big.extend_from_slice(b"\napp:x:1000:1000::/:/bin/sh\n");
    let l = Layout::new(&p.join("big"));
    let padded = tar_of(&[E::Dir("etc"), E::File("etc/passwd", &big, 0o644)]);
    l.image("v1", &[(base_layer(), Compression::Gzip), (padded, Compression::Gzip)], user("app"), host_arch());
    let r = host.run("isolate --image oci:big --export-bundle big-bundle < true >");
    assert_eq!(r.status, 125, "{r:?}");
    assert!(r.stderr.contains("etc/passwd is larger than 1048576 bytes"), "{r:?}");

    // The image's own table still names its user.
    let l = Layout::new(&p.join("own"));
    l.image("v1", &[(base_layer(), Compression::Gzip)], user("app"), host_arch());
    assert_ok(&host.run("isolate --image oci:own --export-bundle own-bundle < true >"), "");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("own-bundle/config.json")).unwrap()).unwrap();
    assert_eq!(config["process"]["user"]["uid"], 1000, "{config}");
}
