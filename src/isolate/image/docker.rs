//! `docker-archive:FILE.tar`: what `docker save` and `podman save` write.
//! Its `manifest.json` names the config file and the layer tars; the
//! archive is read in place (each file found by its offset, streamed
//! from there), never extracted whole. The config is checked against the
//! digest its name carries, each layer against the config's diff id.

use super::{ImageError, LayerSource, Resolved, check_platform, digest_of, sha256_hex};
use oci_spec::image::ImageConfiguration;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Where each file of the archive starts, and its size.
fn index(file: &Path) -> Result<HashMap<String, (u64, u64)>, ImageError> {
    let f = std::fs::File::open(file).map_err(|e| ImageError::Load(format!("{}: {e}", file.display())))?;
    let mut archive = tar::Archive::new(std::io::BufReader::new(f));
    let mut out = HashMap::new();
    let entries = archive.entries().map_err(|e| ImageError::Load(format!("{}: {e}", file.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| ImageError::Load(format!("{}: {e}", file.display())))?;
        if entry.header().entry_type().is_file() {
            // Losslessly: two members whose names are not UTF-8 stay apart.
            let name = crate::bytes::decode(&entry.path_bytes()).trim_start_matches("./").to_string();
            out.insert(name, (entry.raw_file_position(), entry.size()));
        }
    }
    Ok(out)
}

fn open_member(file: &Path, at: (u64, u64)) -> Result<Box<dyn Read>, ImageError> {
    let mut f = std::fs::File::open(file).map_err(|e| ImageError::Load(format!("{}: {e}", file.display())))?;
    f.seek(SeekFrom::Start(at.0)).map_err(|e| ImageError::Load(format!("{}: {e}", file.display())))?;
    Ok(Box::new(f.take(at.1)))
}

/// Reads a `docker save` archive: its manifest, config and layers (each checked against its digest).
pub fn resolve(file: &Path) -> Result<Resolved, ImageError> {
    let members = index(file)?;
    let get = |name: &str| {
        members
            .get(name)
            .copied()
            .ok_or_else(|| ImageError::Load(format!("{}: no {name} in the archive", file.display())))
    };
    let manifest_at = get("manifest.json")?;
    if manifest_at.1 > 16 << 20 {
        return Err(ImageError::Load(format!("{}: manifest.json is too large", file.display())));
    }
    let mut text = String::new();
    open_member(file, manifest_at)?
        .read_to_string(&mut text)
        .map_err(|e| ImageError::Load(format!("manifest.json: {e}")))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ImageError::Load(format!("{}: manifest.json: {e}", file.display())))?;
    let first =
        manifest.get(0).ok_or_else(|| ImageError::Load(format!("{}: manifest.json lists no image", file.display())))?;
    let config_name = first["Config"].as_str().ok_or_else(|| ImageError::Load("manifest.json: no Config".into()))?;
    let layer_names: Vec<&str> = first["Layers"]
        .as_array()
        .ok_or_else(|| ImageError::Load("manifest.json: no Layers".into()))?
        .iter()
        .map(|l| l.as_str().ok_or_else(|| ImageError::Load("manifest.json: a layer name is not a string".into())))
        .collect::<Result<_, _>>()?;
    let config_at = get(config_name)?;
    if config_at.1 > 16 << 20 {
        return Err(ImageError::Load(format!("{config_name} is too large for a config")));
    }
    let mut config_bytes = Vec::new();
    open_member(file, config_at)?
        .read_to_end(&mut config_bytes)
        .map_err(|e| ImageError::Load(format!("{config_name}: {e}")))?;
    let id = digest_of(&config_bytes);
    // The config's name is its digest (`<hex>.json`, or `blobs/sha256/<hex>`).
    let named = config_name.trim_end_matches(".json").rsplit('/').next().unwrap_or_default();
    if sha256_hex(&format!("sha256:{named}")).is_ok() && id != format!("sha256:{named}") {
        return Err(ImageError::Load(format!("digest mismatch: {config_name} is {id}")));
    }
    let config = ImageConfiguration::from_reader(&config_bytes[..])
        .map_err(|e| ImageError::Load(format!("{config_name}: {e}")))?;
    check_platform(&config)?;
    let diff_ids = config.rootfs().diff_ids().clone();
    if diff_ids.len() != layer_names.len() {
        return Err(ImageError::Load(format!(
            "manifest.json lists {} layers, the config {} diff ids",
            layer_names.len(),
            diff_ids.len()
        )));
    }
    let mut layers = Vec::new();
    for (name, diff_id) in layer_names.iter().zip(diff_ids) {
        sha256_hex(&diff_id)?;
        let at = get(name)?;
        let file: PathBuf = file.to_path_buf();
        layers.push(LayerSource {
            open: Box::new(move || open_member(&file, at)),
            diff_id,
            what: format!("layer {name}"),
            size: at.1,
        });
    }
    Ok(Resolved { id, config, layers })
}
