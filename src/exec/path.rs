//! Finding commands on `$PATH`, with a cache (dash's and bash's `hash`): a
//! spawn loop would otherwise stat every PATH directory for every command.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// What a PATH search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The program's path.
    Found(PathBuf),
    /// Nothing of that name on `$PATH`.
    NotFound,
}

/// Command names found on `$PATH`, kept until `$PATH` changes.
#[derive(Debug, Default, Clone)]
pub struct PathCache {
    /// The `$PATH` the cache was filled under.
    path_var: String,
    hits: HashMap<String, PathBuf>,
}

fn is_executable_file(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

impl PathCache {
    /// Where `name` runs from. Names with a `/` are used as they are; others
    /// are searched in `path_var`. A regular file without execute permission
    /// is returned when nothing better exists, so exec reports EACCES (126).
    pub fn lookup(&mut self, name: &str, path_var: &str) -> Lookup {
        if name.contains('/') {
            return Lookup::Found(crate::bytes::path(name));
        }
        if self.path_var != path_var {
            self.hits.clear();
            self.path_var = path_var.to_string();
        }
        if let Some(p) = self.hits.get(name) {
            // A cached program may have been removed since.
            if is_executable_file(p) {
                return Lookup::Found(p.clone());
            }
            self.hits.remove(name);
        }
        let mut fallback = None;
        for dir in path_var.split(':') {
            let candidate = crate::bytes::path(if dir.is_empty() { "." } else { dir }).join(crate::bytes::path(name));
            if is_executable_file(&candidate) {
                self.hits.insert(name.to_string(), candidate.clone());
                return Lookup::Found(candidate);
            }
            if fallback.is_none() && candidate.is_file() {
                fallback = Some(candidate);
            }
        }
        fallback.map_or(Lookup::NotFound, Lookup::Found)
    }

    /// `hash -r`: forgets every remembered location.
    pub fn clear(&mut self) {
        self.hits.clear();
    }

    /// The remembered locations under `path_var`, sorted by name (`hash`).
    pub fn entries(&self, path_var: &str) -> Vec<(&str, &Path)> {
        if self.path_var != path_var {
            return Vec::new();
        }
        let mut v: Vec<_> = self.hits.iter().map(|(k, p)| (k.as_str(), p.as_path())).collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_in_order_and_caches_per_path() {
        let mut c = PathCache::default();
        assert_eq!(c.lookup("sh", "/nonexistent:/bin"), Lookup::Found("/bin/sh".into()));
        assert_eq!(c.lookup("sh", "/nonexistent"), Lookup::NotFound);
        assert_eq!(c.lookup("no-such-cmd-x", "/bin:/usr/bin"), Lookup::NotFound);
        assert_eq!(c.lookup("./x", ""), Lookup::Found("./x".into()));
    }

    #[test]
    fn non_executable_file_is_a_fallback() {
        let dir = std::env::temp_dir().join(format!("isosh-path-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("plain"), "").unwrap();
        let mut c = PathCache::default();
        assert_eq!(c.lookup("plain", dir.to_str().unwrap()), Lookup::Found(dir.join("plain")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
