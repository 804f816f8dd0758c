//! Pathname expansion. Each `/`-separated component of a pattern is matched
//! against its directory's entries with `glob::Pattern`; a pattern that
//! matches nothing stays as it is (POSIX), and `-f` turns globbing off.
//!
//! We walk the directories ourselves rather than call `glob::glob`, because
//! that function drops every hidden entry when leading dots must be literal,
//! even for a pattern such as `.h*` that starts with one.

use super::Field;
use glob::{MatchOptions, Pattern};

const OPTIONS: MatchOptions =
    MatchOptions { case_sensitive: true, require_literal_separator: true, require_literal_leading_dot: true };

pub fn expand_into(field: Field, noglob: bool, out: &mut Vec<String>) {
    if noglob || !field.has_glob {
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

fn is_pattern(component: &str) -> bool {
    component.contains(['*', '?', '['])
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
        if !is_pattern(component) {
            paths.iter_mut().for_each(|p| *p = join(p, component));
            continue;
        }
        let Ok(pat) = Pattern::new(component) else {
            return Vec::new();
        };
        let mut next = Vec::new();
        for base in &paths {
            let Ok(entries) = std::fs::read_dir(crate::bytes::path(if base.is_empty() { "." } else { base })) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .flatten()
                .map(|e| crate::bytes::from_os(&e.file_name()))
                .filter(|n| pat.matches_with(n, OPTIONS))
                .collect();
            // `.*` also names `.` and `..`, as in dash and bash.
            if component.starts_with('.') {
                names.extend([".", ".."].into_iter().filter(|s| pat.matches_with(s, OPTIONS)).map(String::from));
            }
            names.sort();
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
    paths
}
