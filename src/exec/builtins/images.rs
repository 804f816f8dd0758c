//! `images`: the image store of `isolate --image`. `images` (or `images
//! ls`) lists the images loaded and the layers stored, with digests and
//! sizes; `images rm REF…` forgets images and removes the layers no other
//! image uses; `images prune` removes every layer no image uses (and what
//! an interrupted unpack left).

use super::{Exec, Shell, out, usage_error};
use crate::isolate::image::store::Store;

/// `1.2 MiB`, as people read sizes.
pub fn human(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", units[u]) }
}

fn short(digest: &str) -> &str {
    &digest[..digest.len().min(19)]
}

pub fn images(sh: &mut Shell, argv: &[String]) -> Exec {
    let store = match Store::dir() {
        Some(root) => Store { root },
        None => {
            sh.error("images: no data directory");
            return Ok(1);
        }
    };
    match argv.get(1).map(String::as_str) {
        None | Some("ls") => {
            let records = store.records();
            let layers = store.layers();
            let size_of = |d: &str| layers.iter().find(|(l, _)| l == d).map(|(_, s)| *s);
            let mut text = format!("{:<40} {:<19} {:>6} {:>10}\n", "IMAGE", "ID", "LAYERS", "SIZE");
            for r in &records {
                let size: u64 = r.diff_ids.iter().filter_map(|d| size_of(d)).sum();
                text +=
                    &format!("{:<40} {:<19} {:>6} {:>10}\n", r.reference, short(&r.id), r.diff_ids.len(), human(size));
            }
            text += &format!("\n{:<71} {:>10} {:>6}\n", "LAYER (diff id)", "SIZE", "IMAGES");
            for (digest, size) in &layers {
                let users = records.iter().filter(|r| r.diff_ids.contains(digest)).count();
                text += &format!("{digest:<71} {:>10} {users:>6}\n", human(*size));
            }
            out(sh, "images", &text)
        }
        Some("rm") if argv.len() > 2 => {
            let mut status = 0;
            for reference in &argv[2..] {
                if let Err(e) = store.remove(reference) {
                    sh.error(&format!("images: {e}"));
                    status = 1;
                }
            }
            // The layers only those images used go with them.
            store.prune();
            Ok(status)
        }
        Some("prune") if argv.len() == 2 => {
            let (gone, freed) = store.prune();
            let mut text: String = gone.iter().map(|g| format!("removed {g}\n")).collect();
            text += &format!("freed {}\n", human(freed));
            out(sh, "images", &text)
        }
        _ => usage_error(sh, false, "usage: images [ls] | images rm REF... | images prune"),
    }
}
