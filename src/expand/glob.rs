//! Pathname expansion. Each `/`-separated component of a pattern is matched
//! against its directory's entries with isosh's own matcher (byte-safe,
//! POSIX classes); a leading `.` must be matched literally. A pattern that
//! matches nothing stays as it is (POSIX), and `-f` turns globbing off. The
//! results are sorted on the whole path, by bytes, as sh does.

use super::Field;
use super::pattern::{Pattern, has_meta, is_pattern, unescape};

pub fn expand_into(field: Field, noglob: bool, out: &mut Vec<String>) {
    // A field without a real pattern names itself: no directory is read.
    if noglob || !field.has_glob || !is_pattern(&field.pattern) {
        out.push(field.text);
        return;
    }
    let matches = matching_paths(&field.pattern);
    if matches.is_empty() {
        out.push(field.text);
    } else {
        out.extend(matches);
    }
}

fn join(base: &str, name: &str) -> String {
    match base {
        "" => name.to_string(),
        b if b.ends_with('/') => format!("{b}{name}"),
        b => format!("{b}/{name}"),
    }
}

/// Every existing path the pattern matches, sorted.
fn matching_paths(pattern: &str) -> Vec<String> {
    let mut paths = vec![if pattern.starts_with('/') { "/".to_string() } else { String::new() }];
    for component in pattern.split('/').filter(|c| !c.is_empty()) {
        if !has_meta(component) {
            let name = unescape(component);
            paths.iter_mut().for_each(|p| *p = join(p, &name));
            continue;
        }
        let pat = Pattern::new(component);
        let mut next = Vec::new();
        for base in &paths {
            let Ok(entries) = std::fs::read_dir(crate::bytes::path(if base.is_empty() { "." } else { base })) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .flatten()
                .map(|e| crate::bytes::from_os(&e.file_name()))
                .filter(|n| pat.matches_name(n))
                .collect();
            // `.*` also names `.` and `..`, as in dash and bash.
            if component.starts_with('.') {
                names.extend([".", ".."].into_iter().filter(|s| pat.matches_name(s)).map(String::from));
            }
            next.extend(names.iter().map(|n| join(base, n)));
        }
        paths = next;
    }
    let want_dir = pattern.ends_with('/');
    paths.retain(|p| {
        let path = crate::bytes::path(p);
        match path.metadata() {
            Ok(m) => !want_dir || m.is_dir(),
            Err(_) => path.symlink_metadata().is_ok() && !want_dir,
        }
    });
    if want_dir {
        paths.iter_mut().for_each(|p| p.push('/'));
    }
    paths.sort_by(|a, b| crate::bytes::encode(a).cmp(&crate::bytes::encode(b)));
    paths
}
