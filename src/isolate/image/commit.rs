//! `isolate --image X --commit oci:DIR[:TAG] < body >`: after the body
//! ends, the block's writable layer becomes a new layer on top of X's —
//! docker's `commit`. The upper directory (a named layer's, or a
//! throwaway one the shell made for the block) is written as a gzip'd tar,
//! overlay whiteouts turned back into OCI ones (`.wh.NAME`,
//! `.wh..wh..opq`), digested, and an OCI image layout is written at DIR:
//! X's layer blobs, the new one, a config with the new diff id, a
//! manifest, and the index entry tagged TAG (default `latest`).

use super::unpack::remove_tree;
use super::{ImageError, ImageRef, OutDir, digest_of, sha256_hex};
use oci_spec::image::{DescriptorBuilder, HistoryBuilder, ImageIndexBuilder, ImageManifestBuilder, MediaType};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// A writer that hashes (and counts) what passes through it.
struct HashWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W> HashWriter<W> {
    fn new(inner: W) -> Self {
        HashWriter { inner, hasher: Sha256::new(), count: 0 }
    }

    fn digest(&self) -> String {
        format!("sha256:{}", super::hex(&self.hasher.clone().finalize()))
    }
}

/// Where a commit goes: `oci:DIR[:TAG]` (TAG default `latest`).
pub fn target(reference: &str) -> Result<(PathBuf, String), ImageError> {
    match ImageRef::parse(reference)? {
        ImageRef::Oci { dir, tag } => Ok((dir, tag.unwrap_or_else(|| "latest".into()))),
        ImageRef::DockerArchive { .. } => {
            Err(ImageError::Reference(format!("--commit {reference}: commits are written as oci:DIR[:TAG]")))
        }
    }
}

/// A throwaway layer directory for a block that commits without `--name`
/// (its upper layer must outlive the block's mount namespace).
pub fn scratch_layer() -> Result<PathBuf, ImageError> {
    let store = super::store::Store::open()?;
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(store.root.join(format!("commit-{}-{n}", std::process::id())))
}

fn opaque(dir: &Path) -> bool {
    let mut path = dir.as_os_str().as_bytes().to_vec();
    path.push(0);
    [&b"trusted.overlay.opaque\0"[..], b"user.overlay.opaque\0"].iter().any(|attr| {
        let mut value = [0u8; 4];
        // SAFETY: NUL-terminated strings and a buffer of the size given.
        let n = unsafe {
            libc::lgetxattr(path.as_ptr().cast(), attr.as_ptr().cast(), value.as_mut_ptr().cast(), value.len())
        };
        n == 1 && value[0] == b'y'
    })
}

/// Appends `dir`'s contents under the tar name `prefix`, sorted, with
/// overlay whiteouts as OCI ones. `ids` maps the host owner back to the
/// block's (rootless: the user's own ids were 0 inside).
fn append_dir<W: Write>(
    b: &mut tar::Builder<W>,
    dir: &Path,
    prefix: &[u8],
    ids: &dyn Fn(u32, u32) -> (u64, u64),
) -> Result<(), ImageError> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    // Names are bytes: a file name that is not UTF-8 goes into the layer as it is.
    let joined = |parts: &[&[u8]]| PathBuf::from(std::ffi::OsString::from_vec(parts.concat()));
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).map_err(|e| ImageError::Commit(format!("{}: {e}", dir.display())))?.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name();
        let name = name.as_bytes();
        let tar_name = joined(&[prefix, name]);
        let meta =
            std::fs::symlink_metadata(&path).map_err(|e| ImageError::Commit(format!("{}: {e}", path.display())))?;
        let kind = meta.file_type();
        let mut h = tar::Header::new_gnu();
        let (uid, gid) = ids(meta.uid(), meta.gid());
        h.set_uid(uid);
        h.set_gid(gid);
        h.set_mtime(meta.mtime().max(0) as u64);
        h.set_mode(meta.mode() & 0o7777);
        let fail = |e: std::io::Error| ImageError::Commit(format!("{}: {e}", tar_name.display()));
        if kind.is_char_device() && meta.rdev() == 0 {
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(0);
            h.set_mode(0o644);
            b.append_data(&mut h, joined(&[prefix, b".wh.", name]), std::io::empty()).map_err(fail)?;
        } else if kind.is_dir() {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_size(0);
            b.append_data(&mut h, joined(&[prefix, name, b"/"]), std::io::empty()).map_err(fail)?;
            if opaque(&path) {
                let mut o = tar::Header::new_gnu();
                o.set_entry_type(tar::EntryType::Regular);
                o.set_size(0);
                o.set_mode(0o644);
                b.append_data(&mut o, joined(&[prefix, name, b"/.wh..wh..opq"]), std::io::empty()).map_err(fail)?;
            }
            append_dir(b, &path, &[prefix, name, b"/"].concat(), ids)?;
        } else if kind.is_symlink() {
            let to = std::fs::read_link(&path).map_err(fail)?;
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, &tar_name, &to).map_err(fail)?;
        } else if kind.is_file() {
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(meta.len());
            let file = std::fs::File::open(&path).map_err(fail)?;
            // Streamed from the file: never a whole layer in memory.
            b.append_data(&mut h, &tar_name, file).map_err(fail)?;
        }
        // Sockets, FIFOs and device nodes are not part of an image layer.
    }
    Ok(())
}

/// Streams `from` into a new blob of `blobs` (`blobs/sha256`), giving
/// its digest and size.
fn write_blob(blobs: &OutDir, mut from: impl Read) -> Result<(String, u64), ImageError> {
    let (tmp, file) = blobs.temp().map_err(|e| ImageError::Commit(format!("{}: {e}", blobs.path.display())))?;
    let mut w = HashWriter::new(std::io::BufWriter::new(file));
    let copied = std::io::copy(&mut from, &mut w).and_then(|_| w.flush());
    if let Err(e) = copied {
        blobs.remove(&tmp);
        return Err(ImageError::Commit(format!("writing a blob: {e}")));
    }
    let digest = w.digest();
    put_blob(blobs, &tmp, &digest)?;
    Ok((digest, w.count))
}

/// Renames the finished temporary blob `tmp` to its digest's name.
fn put_blob(blobs: &OutDir, tmp: &str, digest: &str) -> Result<(), ImageError> {
    let hex = sha256_hex(digest)?;
    blobs.rename(tmp, hex).map_err(|e| {
        blobs.remove(tmp);
        ImageError::Commit(format!("{}: {e}", blobs.path.join(hex).display()))
    })
}

fn media_of(head: &[u8]) -> MediaType {
    if head.starts_with(&[0x1f, 0x8b]) {
        MediaType::ImageLayerGzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        MediaType::ImageLayerZstd
    } else {
        MediaType::ImageLayer
    }
}

fn err(e: impl std::fmt::Display) -> ImageError {
    ImageError::Commit(e.to_string())
}

/// Writes the committed image; gives the new manifest's digest.
pub fn commit(base: &str, upper: &Path, target_ref: &str) -> Result<String, ImageError> {
    let (dir, tag) = target(target_ref)?;
    let resolved = super::resolve(base)?;
    // Written through fds, into a directory only the caller (or root)
    // controls: see OutDir.
    let out = OutDir::private(&dir).map_err(err)?;
    let blobs = out.subdir("blobs").and_then(|b| b.subdir("sha256")).map_err(err)?;
    let layout = r#"{"imageLayoutVersion":"1.0.0"}"#;
    out.replace("oci-layout", layout.as_bytes()).map_err(|e| err(format!("{}/oci-layout: {e}", dir.display())))?;
    // The base image's layers, as blobs of the new layout.
    let mut layers = Vec::new();
    for layer in &resolved.layers {
        let mut stream = std::io::BufReader::with_capacity(1 << 16, (layer.open)()?);
        let head = std::io::BufRead::fill_buf(&mut stream).map_err(err)?.to_vec();
        let (digest, size) = write_blob(&blobs, stream)?;
        let desc = DescriptorBuilder::default()
            .media_type(media_of(&head))
            .digest(digest.parse::<oci_spec::image::Digest>().map_err(err)?)
            .size(size)
            .build()
            .map_err(err)?;
        layers.push(desc);
    }
    // The new layer: tar → hash (diff id) → gzip → hash (blob digest) → file.
    let (euid, egid) = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
    let rootless = euid != 0;
    let ids = move |u: u32, g: u32| {
        if rootless {
            (if u == euid { 0 } else { u as u64 }, if g == egid { 0 } else { g as u64 })
        } else {
            (u as u64, g as u64)
        }
    };
    let (tmp, file) = blobs.temp().map_err(|e| ImageError::Commit(format!("{}: {e}", blobs.path.display())))?;
    let compressed = HashWriter::new(std::io::BufWriter::new(file));
    let gz = flate2::write::GzEncoder::new(compressed, flate2::Compression::default());
    let mut builder = tar::Builder::new(HashWriter::new(gz));
    let built = append_dir(&mut builder, upper, b"", &ids).and_then(|()| builder.into_inner().map_err(err));
    let plain = match built {
        Ok(p) => p,
        Err(e) => {
            blobs.remove(&tmp);
            return Err(e);
        }
    };
    let diff_id = plain.digest();
    let finished = plain.inner.finish().and_then(|mut c| c.flush().map(|()| c));
    let compressed = match finished {
        Ok(c) => c,
        Err(e) => {
            blobs.remove(&tmp);
            return Err(err(e));
        }
    };
    let (blob_digest, blob_size) = (compressed.digest(), compressed.count);
    put_blob(&blobs, &tmp, &blob_digest)?;
    layers.push(
        DescriptorBuilder::default()
            .media_type(MediaType::ImageLayerGzip)
            .digest(blob_digest.parse::<oci_spec::image::Digest>().map_err(err)?)
            .size(blob_size)
            .build()
            .map_err(err)?,
    );
    // The config: the base's, with the new diff id and a history entry.
    let mut config = resolved.config.clone();
    config.rootfs_mut().diff_ids_mut().push(diff_id);
    let created = chrono_now();
    let entry = HistoryBuilder::default()
        .created(created.clone())
        .created_by(format!("isosh: isolate --image {base} --commit {target_ref}"))
        .build()
        .map_err(err)?;
    config.history_mut().get_or_insert_with(Vec::new).push(entry);
    config.set_created(Some(created));
    let config_text = config.to_string().map_err(err)?;
    let (config_digest, config_size) = write_blob(&blobs, config_text.as_bytes())?;
    let manifest = ImageManifestBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageManifest)
        .config(
            DescriptorBuilder::default()
                .media_type(MediaType::ImageConfig)
                .digest(config_digest.parse::<oci_spec::image::Digest>().map_err(err)?)
                .size(config_size)
                .build()
                .map_err(err)?,
        )
        .layers(layers)
        .build()
        .map_err(err)?;
    let manifest_text = manifest.to_string().map_err(err)?;
    let (manifest_digest, manifest_size) = write_blob(&blobs, manifest_text.as_bytes())?;
    debug_assert_eq!(manifest_digest, digest_of(manifest_text.as_bytes()));
    // The index: the entry tagged TAG replaced, the others kept.
    let mut manifests = match super::read_index(&out, Path::new("index.json")) {
        Ok(index) => index.manifests().clone(),
        Err(_) => Vec::new(),
    };
    manifests.retain(|d| d.annotations().as_ref().and_then(|a| a.get(REF_NAME)) != Some(&tag));
    let platform = oci_spec::image::PlatformBuilder::default()
        .architecture(config.architecture().clone())
        .os(config.os().clone())
        .build()
        .map_err(err)?;
    manifests.push(
        DescriptorBuilder::default()
            .media_type(MediaType::ImageManifest)
            .digest(manifest_digest.parse::<oci_spec::image::Digest>().map_err(err)?)
            .size(manifest_size)
            .platform(platform)
            .annotations(HashMap::from([(REF_NAME.to_string(), tag)]))
            .build()
            .map_err(err)?,
    );
    let index = ImageIndexBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageIndex)
        .manifests(manifests)
        .build()
        .map_err(err)?;
    let index_text = index.to_string().map_err(err)?;
    out.replace("index.json", index_text.as_bytes()).map_err(|e| err(format!("{}/index.json: {e}", dir.display())))?;
    Ok(manifest_digest)
}

/// Now, as RFC 3339 UTC (what image configs hold), without a date crate.
fn chrono_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86400, secs % 86400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// After the block: commits its upper layer, then removes the throwaway
/// layer directory (a `--name` layer stays).
pub fn finish(base: &str, layer_dir: &Path, throwaway: bool, target_ref: &str) -> Result<String, ImageError> {
    let result = commit(base, &layer_dir.join("upper"), target_ref);
    if throwaway {
        let _ = remove_tree(layer_dir);
    }
    result.map_err(|e| ImageError::Commit(format!("--commit {target_ref}: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        let now = super::chrono_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
    }
}
