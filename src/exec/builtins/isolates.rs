//! `isolates`: the named upper layers kept by `isolate --name NAME`.
//! `isolates` (or `isolates ls`) lists them; `isolates rm NAME…` removes them
//! (also the directories overlayfs leaves unreadable, its `work/work`).

use super::{Exec, Shell, out, usage_error};
use crate::isolate::layers_dir;

pub fn isolates(sh: &mut Shell, argv: &[String]) -> Exec {
    let Some(dir) = layers_dir() else {
        sh.error("isolates: no data directory");
        return Ok(1);
    };
    match argv.get(1).map(String::as_str) {
        None | Some("ls") => {
            let mut names: Vec<String> = std::fs::read_dir(&dir)
                .map(|d| d.flatten().filter_map(|e| e.file_name().into_string().ok()).collect())
                .unwrap_or_default();
            names.sort();
            out(sh, "isolates", &names.iter().map(|n| format!("{n}\n")).collect::<String>())
        }
        Some("rm") if argv.len() > 2 => {
            let mut status = 0;
            for name in &argv[2..] {
                let layer = dir.join(name);
                if name.contains('/') || name.starts_with('.') || !layer.is_dir() {
                    sh.error(&format!("isolates: no layer named {name}"));
                    status = 1;
                } else {
                    // Held until the layer is gone: a block must not mount it meanwhile.
                    let removed = match crate::isolate::lock_layer(&layer) {
                        Err(e) => Err(crate::isolate::layer_lock_failure(e)),
                        Ok(_lock) => crate::isolate::image::unpack::remove_tree(&layer)
                            .map_err(|e| format!("{}: {e}", layer.display())),
                    };
                    if let Err(why) = removed {
                        sh.error(&format!("isolates: {name}: {why}"));
                        status = 1;
                    }
                }
            }
            Ok(status)
        }
        _ => usage_error(sh, false, "usage: isolates [ls] | isolates rm NAME..."),
    }
}
