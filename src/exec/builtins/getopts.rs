//! `getopts OPTSTRING NAME [ARG…]`: the next option from the positional
//! parameters (or ARGs), with `OPTIND` and `OPTARG` as POSIX says. A
//! leading `:` in OPTSTRING makes errors silent (`?`/`:` with OPTARG set).

use super::{Exec, Shell, usage_error};

pub fn getopts(sh: &mut Shell, argv: &[String]) -> Exec {
    let (Some(optstring), Some(name)) = (argv.get(1), argv.get(2)) else {
        return usage_error(sh, false, "getopts: usage: getopts OPTSTRING NAME [ARG...]");
    };
    if !crate::syntax::lexer::is_valid_name(name) {
        return usage_error(sh, false, &format!("getopts: {name}: bad variable name"));
    }
    let args: Vec<String> = if argv.len() > 3 { argv[3..].to_vec() } else { sh.state.positional.clone() };
    let silent = optstring.starts_with(':');
    let spec = optstring.trim_start_matches(':');
    let mut optind: usize = sh.state.vars.get("OPTIND").and_then(|v| v.parse().ok()).filter(|&n| n >= 1).unwrap_or(1);
    // Someone set OPTIND (a new parse): start at an argument's beginning.
    if sh.getopts.char > 0 && sh.getopts.optind != sh.state.vars.optind_sets() as usize {
        sh.getopts.char = 0;
    }
    let finish = |sh: &mut Shell, optind: usize| {
        sh.state.vars.set("OPTIND", optind.to_string());
        sh.getopts.optind = sh.state.vars.optind_sets() as usize;
        sh.state.vars.set(name, "?");
        sh.state.vars.unset("OPTARG");
        sh.getopts.char = 0;
        Ok(1)
    };
    let Some(arg) = args.get(optind - 1) else { return finish(sh, optind) };
    if sh.getopts.char == 0 {
        if arg == "--" {
            return finish(sh, optind + 1);
        }
        if !arg.starts_with('-') || arg == "-" {
            return finish(sh, optind);
        }
        sh.getopts.char = 1;
    }
    let chars: Vec<char> = arg.chars().collect();
    let opt = chars[sh.getopts.char];
    sh.getopts.char += 1;
    let at_end = sh.getopts.char >= chars.len();
    let known = spec.find(opt).filter(|_| opt != ':');
    let wants_arg = known.is_some_and(|i| spec[i + opt.len_utf8()..].starts_with(':'));
    let mut result_name = opt.to_string();
    let mut optarg = None;
    if known.is_none() {
        if silent {
            optarg = Some(opt.to_string());
        } else {
            sh.error(&format!("Illegal option -{opt}"));
        }
        result_name = "?".into();
    } else if wants_arg {
        if !at_end {
            optarg = Some(chars[sh.getopts.char..].iter().collect());
            sh.getopts.char = chars.len();
        } else if let Some(next) = args.get(optind) {
            optarg = Some(next.clone());
            optind += 1;
        } else if silent {
            result_name = ":".into();
            optarg = Some(opt.to_string());
        } else {
            sh.error(&format!("No arg for -{opt} option"));
            result_name = "?".into();
        }
    }
    if sh.getopts.char >= chars.len() {
        sh.getopts.char = 0;
        optind += 1;
    }
    sh.state.vars.set("OPTIND", optind.to_string());
    sh.getopts.optind = sh.state.vars.optind_sets() as usize;
    sh.state.vars.set(name, result_name);
    match optarg {
        Some(a) => sh.state.vars.set("OPTARG", a),
        None => sh.state.vars.unset("OPTARG"),
    }
    Ok(0)
}
