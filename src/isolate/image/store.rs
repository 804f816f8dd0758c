//! The content-addressed layer store, `$XDG_DATA_HOME/isosh/images`:
//!
//! - `layers/<hex>/`: a layer unpacked, named by its diff id (the sha256
//!   of its uncompressed tar), so a layer two images share is stored once;
//!   made as `layers/.tmp-…` and renamed into place only when complete
//!   and verified;
//! - `refs/<hex>.json`: one record per image reference loaded (what the
//!   `images` builtin lists), naming its layers.

use super::unpack::{Unpacker, remove_tree};
use super::{Hashing, ImageError, LayerSource, Resolved, sha256_hex};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The content-addressed image store: `layers/<diff id hex>` and `refs/<reference hash>.json`.
pub struct Store {
    /// Its directory (`$XDG_DATA_HOME/isosh/images`).
    pub root: PathBuf,
}

/// One image the store has a record of.
#[derive(Debug, Clone)]
pub struct Record {
    /// The reference as the user wrote it.
    pub reference: String,
    /// `sha256:…` of the image.
    pub id: String,
    /// The diff ids of its layers, bottom first.
    pub diff_ids: Vec<String>,
    /// The record's own file under `refs/`.
    pub file: PathBuf,
}

/// A layer stream, decompressed by what its first bytes say: gzip,
/// zstd, or a plain tar.
pub fn decompressed(raw: Box<dyn Read>) -> Result<Box<dyn Read>, ImageError> {
    let mut buf = BufReader::with_capacity(1 << 16, raw);
    let head = buf.fill_buf().map_err(|e| ImageError::Store(format!("reading the layer: {e}")))?;
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(buf))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(zstd::stream::read::Decoder::with_buffer(buf).map_err(|e| ImageError::Store(format!("zstd: {e}")))?)
    } else {
        Box::new(buf)
    })
}

/// Layers at least this large (as stored, compressed) get a progress
/// line while they unpack.
pub const PROGRESS_FROM: u64 = 4 << 20;

/// The progress line of one layer's unpacking: on stderr when it is a
/// terminal, redrawn in place (`\r`) at most every tenth of a second,
/// erased when the layer is done or fails. It counts the bytes read from
/// the layer as stored, the stream the unpacker pulls a buffer at a time.
pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    shown: Option<std::time::Instant>,
}

impl Progress {
    /// A progress line for `layer`, if it is large and stderr a terminal.
    pub fn wanted(layer: &LayerSource) -> Option<Progress> {
        if layer.size < PROGRESS_FROM || !nix::unistd::isatty(std::io::stderr()).unwrap_or(false) {
            return None;
        }
        Some(Progress::new(&layer.what, layer.size))
    }

    /// A progress line for `what`, `total` bytes long.
    pub fn new(what: &str, total: u64) -> Progress {
        // `layer sha256:<64 hex>`: the first 12 hex digits say enough.
        let label = match what.split_once("sha256:") {
            Some((head, hex)) => format!("{head}{}", hex.get(..12).unwrap_or(hex)),
            None => what.to_string(),
        };
        Progress { label, total, done: 0, shown: None }
    }

    /// The line as it reads after `done` of `total` bytes.
    pub fn line(&self) -> String {
        let mb = |n: u64| n as f64 / (1 << 20) as f64;
        let pct = (self.done.min(self.total) * 100).checked_div(self.total).unwrap_or(100);
        format!("isosh: unpacking {}: {:.1} / {:.1} MB ({pct}%)", self.label, mb(self.done), mb(self.total))
    }

    fn advance(&mut self, n: usize) {
        use std::io::Write;
        self.done += n as u64;
        let now = std::time::Instant::now();
        let due = self.shown.is_none_or(|t| now.duration_since(t) >= std::time::Duration::from_millis(100));
        if due || (n == 0 && self.shown.is_some()) {
            self.shown = Some(now);
            let _ = write!(std::io::stderr(), "\r{}\x1b[K", self.line());
        }
    }

    fn reading<R: Read>(self, inner: R) -> ProgressReader<R> {
        ProgressReader { inner, progress: self }
    }
}

/// A reader that advances a [`Progress`] line as bytes are read.
pub struct ProgressReader<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n);
        Ok(n)
    }
}

impl<R> Drop for ProgressReader<R> {
    fn drop(&mut self) {
        // Erase the line: what follows (the block's output, or an error)
        // starts at the left margin of a clean line.
        if self.progress.shown.is_some() {
            use std::io::Write;
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}

impl Store {
    /// The store's directory: `$XDG_DATA_HOME/isosh/images`.
    pub fn dir() -> Option<PathBuf> {
        Some(dirs::data_dir()?.join("isosh").join("images"))
    }

    /// Opens the store, making its directories (only the caller may change them).
    pub fn open() -> Result<Store, ImageError> {
        let root = Store::dir().ok_or_else(|| {
            ImageError::Store("no data directory for the image store ($XDG_DATA_HOME or $HOME)".into())
        })?;
        // Only the user may change the store: root unpacks set-uid files
        // into it, and a block mounts what `layers/<diff id>` names. An
        // XDG_DATA_HOME that `su` kept must not let its owner plant them.
        let layers = crate::isolate::private_dir(&root.join("layers")).map_err(|e| ImageError::Store(e.to_string()))?;
        crate::isolate::private_dir(&root.join("refs")).map_err(|e| ImageError::Store(e.to_string()))?;
        let root = layers.parent().map(Path::to_path_buf).unwrap_or(root);
        Ok(Store { root })
    }

    /// Where the layer with `diff_id` is unpacked.
    pub fn layer_dir(&self, diff_id: &str) -> Result<PathBuf, ImageError> {
        Ok(self.root.join("layers").join(sha256_hex(diff_id)?))
    }

    /// The unpacked layer, unpacking it first if the store lacks it.
    pub fn ensure_layer(&self, layer: &LayerSource) -> Result<PathBuf, ImageError> {
        let dir = self.layer_dir(&layer.diff_id)?;
        if dir.is_dir() {
            return Ok(dir);
        }
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let hex = sha256_hex(&layer.diff_id)?;
        let tmp = self.root.join("layers").join(format!(".tmp-{hex}-{}-{n}", std::process::id()));
        let _ = remove_tree(&tmp);
        std::fs::create_dir(&tmp).map_err(|e| ImageError::Store(format!("{}: {e}", tmp.display())))?;
        let unpacked = self.unpack_into(&tmp, layer);
        if let Err(e) = unpacked {
            let _ = remove_tree(&tmp);
            return Err(ImageError::Store(format!("{}: {e}", layer.what)));
        }
        if let Err(e) = std::fs::rename(&tmp, &dir) {
            // Another isosh unpacked the same layer meanwhile: keep theirs.
            let _ = remove_tree(&tmp);
            if !dir.is_dir() {
                return Err(ImageError::Store(format!("{}: {e}", dir.display())));
            }
        }
        Ok(dir)
    }

    fn unpack_into(&self, tmp: &Path, layer: &LayerSource) -> Result<(), ImageError> {
        let raw = (layer.open)()?;
        let raw: Box<dyn Read> = match Progress::wanted(layer) {
            Some(p) => Box::new(p.reading(raw)),
            None => raw,
        };
        let hashing = Hashing::new(decompressed(raw)?);
        let mut archive = tar::Archive::new(hashing);
        let privileged = nix::unistd::geteuid().is_root();
        Unpacker::new(tmp, privileged)?.unpack(&mut archive)?;
        let (got, _) =
            archive.into_inner().finish().map_err(|e| ImageError::Store(format!("reading the layer: {e}")))?;
        if got != layer.diff_id {
            return Err(ImageError::Store(format!(
                "digest mismatch: the uncompressed layer is {got}, the config says {}",
                layer.diff_id
            )));
        }
        Ok(())
    }

    /// Notes that `reference` names this image (for `images`).
    pub fn record(&self, reference: &str, image: &Resolved) -> Result<(), ImageError> {
        let diff_ids: Vec<&str> = image.layers.iter().map(|l| l.diff_id.as_str()).collect();
        let value = serde_json::json!({ "reference": reference, "id": image.id, "layers": diff_ids });
        let name = super::digest_of(reference.as_bytes());
        let path = self.root.join("refs").join(format!("{}.json", sha256_hex(&name)?));
        let text = value.to_string();
        // Every block on an image comes here: leave an unchanged record
        // alone (a rename over it would have ext4 flush it, each time).
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            return Ok(());
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| ImageError::Store(format!("{}: {e}", tmp.display())))?;
        std::fs::rename(&tmp, &path).map_err(|e| ImageError::Store(format!("{}: {e}", path.display())))
    }

    /// Every image recorded, by reference.
    pub fn records(&self) -> Vec<Record> {
        let Ok(entries) = std::fs::read_dir(self.root.join("refs")) else { return Vec::new() };
        let mut out: Vec<Record> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .filter_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                let v: serde_json::Value = serde_json::from_str(&text).ok()?;
                Some(Record {
                    reference: v["reference"].as_str()?.to_string(),
                    id: v["id"].as_str()?.to_string(),
                    diff_ids: v["layers"].as_array()?.iter().filter_map(|d| d.as_str().map(String::from)).collect(),
                    file: e.path(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.reference.cmp(&b.reference));
        out
    }

    /// Unpacked layers by diff id, with their disk use.
    pub fn layers(&self) -> Vec<(String, u64)> {
        let Ok(entries) = std::fs::read_dir(self.root.join("layers")) else { return Vec::new() };
        let mut out: Vec<(String, u64)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                let digest = format!("sha256:{name}");
                sha256_hex(&digest).ok()?;
                Some((digest, disk_use(&e.path())))
            })
            .collect();
        out.sort();
        out
    }

    /// Forgets the images `reference` names.
    pub fn remove(&self, reference: &str) -> Result<(), ImageError> {
        let found: Vec<Record> = self.records().into_iter().filter(|r| r.reference == reference).collect();
        if found.is_empty() {
            return Err(ImageError::Store(format!("no such image: {reference}")));
        }
        for r in found {
            std::fs::remove_file(&r.file).map_err(|e| ImageError::Store(format!("{}: {e}", r.file.display())))?;
        }
        Ok(())
    }

    /// Removes layers no record names, and leftovers of unpacks that
    /// died; gives what went and the bytes freed.
    pub fn prune(&self) -> (Vec<String>, u64) {
        let used: std::collections::HashSet<String> =
            self.records().into_iter().flat_map(|r| r.diff_ids.into_iter()).collect();
        let mut gone = Vec::new();
        let mut freed = 0;
        let Ok(entries) = std::fs::read_dir(self.root.join("layers")) else { return (gone, freed) };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stale_tmp = name.starts_with(".tmp-") && !tmp_owner_alive(&name);
            let digest = format!("sha256:{name}");
            if stale_tmp || (sha256_hex(&digest).is_ok() && !used.contains(&digest)) {
                let size = disk_use(&e.path());
                if remove_tree(&e.path()).is_ok() {
                    freed += size;
                    gone.push(if stale_tmp { name } else { digest });
                }
            }
        }
        gone.sort();
        (gone, freed)
    }
}

/// `.tmp-<hex>-<pid>-<n>`: whether the isosh unpacking it still runs.
fn tmp_owner_alive(name: &str) -> bool {
    let mut parts = name.rsplitn(3, '-');
    let _n = parts.next();
    match parts.next().and_then(|p| p.parse::<i32>().ok()) {
        Some(pid) => Path::new(&format!("/proc/{pid}")).exists(),
        None => false,
    }
}

/// Bytes used by the files under `path` (links not followed).
pub fn disk_use(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return 0 };
    if !meta.is_dir() {
        return meta.len();
    }
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries.flatten().map(|e| disk_use(&e.path())).sum()
}
