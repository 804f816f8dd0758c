//! `jobs [-l]`, `fg [%job]`, `bg [%job]`.

use super::{Exec, Shell, out, usage_error};
use crate::exec::jobs::job_mark;

pub fn jobs(sh: &mut Shell, argv: &[String]) -> Exec {
    sh.notify_jobs();
    let long = argv.get(1).is_some_and(|a| a == "-l");
    let n = sh.jobs.list.len();
    let mut text = String::new();
    for (i, job) in sh.jobs.list.iter().enumerate() {
        let mark = job_mark(i, n);
        let state = job.state.describe();
        // bash's columns: `[1]+  Running                 cmd &`, and with
        // -l `[1]+ 4242 Running                 cmd &`.
        let pid = if long { format!(" {} ", job.pgid) } else { "  ".to_string() };
        text.push_str(&format!("[{}]{mark}{pid}{state:<24}{}\n", job.id, job.text));
    }
    out(sh, "jobs", &text)
}

fn pick(sh: &mut Shell, argv: &[String], who: &str) -> Result<usize, Exec> {
    sh.notify_jobs();
    let spec = argv.get(1).map_or("%%", String::as_str);
    sh.find_job(spec).ok_or_else(|| usage_error(sh, false, &format!("{who}: {spec}: no such job")))
}

pub fn fg(sh: &mut Shell, argv: &[String]) -> Exec {
    if sh.jobs.terminal.is_none() {
        return usage_error(sh, false, "fg: no job control");
    }
    let index = match pick(sh, argv, "fg") {
        Ok(i) => i,
        Err(e) => return e,
    };
    let _ = crate::exec::spawn::write_str(1, &format!("{}\n", sh.jobs.list[index].text));
    Ok(sh.continue_job(index, true))
}

pub fn bg(sh: &mut Shell, argv: &[String]) -> Exec {
    if sh.jobs.terminal.is_none() {
        return usage_error(sh, false, "bg: no job control");
    }
    let index = match pick(sh, argv, "bg") {
        Ok(i) => i,
        Err(e) => return e,
    };
    let _ = crate::exec::spawn::write_str(1, &format!("[{}] {} &\n", sh.jobs.list[index].id, sh.jobs.list[index].text));
    Ok(sh.continue_job(index, false))
}
