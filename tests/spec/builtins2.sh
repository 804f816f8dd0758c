# More builtins: printf, trap, readonly, getopts, umask, kill, times, set.

#### printf string
printf '%s\n' hello
## stdout:
## hello
## status: 0

#### printf reuses format
printf '%s-' a b c; echo
## stdout:
## a-b-c-
## status: 0

#### printf integers
printf '%d %i %5d|%-5d|%05d\n' 42 -7 3 4 5
## stdout:
## 42 -7     3|4    |00005
## status: 0

#### printf hex octal
printf '%x %X %o %#x %#o\n' 255 255 8 255 8
## stdout:
## ff FF 10 0xff 010
## status: 0

#### printf char and string precision
printf '%c|%.2s|%8.3s|\n' word abcdef ghijkl
## stdout:
## w|ab|     ghi|
## status: 0

#### printf escapes in format
printf 'tab\there\nnew\\line\n'
## stdout:
## tab	here
## new\line
## status: 0

#### printf percent b
printf '%b\n' 'a\tb' 'c\nd'
## stdout:
## a	b
## c
## d
## status: 0

#### printf missing args
printf '%s|%d|\n'
## stdout:
## |0|
## status: 0

#### printf char code
printf '%d\n' "'A"
## stdout:
## 65
## status: 0

#### printf float
printf '%.2f %.0f\n' 3.14159 2.5
## stdout:
## 3.14 2
## status: 0

#### printf invalid number
printf '%d\n' abc; echo $?
## stdout:
## 0
## 1
## status: 0

#### printf no args
printf; echo $?
## stdout:
## 2
## status: 0

#### printf plus and space flags
printf '%+d % d\n' 5 5
## stdout:
## +5  5
## status: 0

#### printf octal escape
printf '\101\102\n'
## stdout:
## AB
## status: 0

#### printf percent literal
printf '100%%\n'
## stdout:
## 100%
## status: 0

#### printf to variable via substitution
v=$(printf '%03d' 7); echo $v
## stdout:
## 007
## status: 0

#### trap exit
trap 'echo bye' EXIT; echo main
## stdout:
## main
## bye
## status: 0

#### trap exit on exit builtin
trap 'echo cleanup' EXIT; exit 3
## stdout:
## cleanup
## status: 3

#### trap exit status preserved
trap 'echo in-trap' EXIT; false
## stdout:
## in-trap
## status: 1

#### trap list
trap 'echo x' INT; trap
## stdout:
## trap -- 'echo x' INT
## status: 0

#### trap reset
trap 'echo x' INT; trap - INT; trap
## stdout:
## status: 0

#### trap term from self
trap 'echo got term' TERM; kill -TERM $$; echo after
## stdout:
## got term
## after
## status: 0

#### trap int from self
trap 'echo got int' INT; kill -INT $$; echo continues
## stdout:
## got int
## continues
## status: 0

#### trap ignore
trap '' TERM; kill -TERM $$; echo survived
## stdout:
## survived
## status: 0

#### trap in subshell reset
trap 'echo parent' EXIT; (echo sub); echo end
## stdout:
## sub
## end
## parent
## status: 0

#### trap with numeric signal
trap 'echo hup' 1; kill -HUP $$; echo done
## stdout:
## hup
## done
## status: 0

#### readonly blocks assignment
readonly r=1; r=2; echo never
## stdout:
## status: 2

#### readonly value
readonly r2=keep; echo $r2
## stdout:
## keep
## status: 0

#### readonly list
readonly ro_a=1; readonly -p | grep ro_a
## stdout:
## readonly ro_a='1'
## status: 0

#### readonly unset fails
readonly ru=1; unset ru; echo never
## stdout:
## status: 2

#### readonly in subshell
readonly rs=1; (rs=2) 2>/dev/null; echo $? $rs
## stdout:
## 2 1
## status: 0

#### getopts simple
set -- -a -b; while getopts ab opt; do echo "opt $opt"; done
## stdout:
## opt a
## opt b
## status: 0

#### getopts with argument
set -- -f file -v; while getopts f:v opt; do echo "$opt ${OPTARG-}"; done
## stdout:
## f file
## v 
## status: 0

#### getopts combined flags
set -- -abc; while getopts abc o; do echo $o; done
## stdout:
## a
## b
## c
## status: 0

#### getopts attached argument
set -- -ofile; getopts o: o; echo "$o $OPTARG"
## stdout:
## o file
## status: 0

#### getopts stops at non option
set -- -a file -b; while getopts ab o; do echo $o; done; echo "OPTIND=$OPTIND"
## stdout:
## a
## OPTIND=2
## status: 0

#### getopts double dash
set -- -a -- -b; while getopts ab o; do echo $o; done; shift $((OPTIND - 1)); echo "rest: $*"
## stdout:
## a
## rest: -b
## status: 0

#### getopts unknown option
set -- -z; getopts ab o 2>/dev/null; echo "$o $?"
## stdout:
## ? 0
## status: 0

#### getopts silent unknown
set -- -z; getopts :ab o; echo "$o $OPTARG"
## stdout:
## ? z
## status: 0

#### getopts silent missing argument
set -- -f; getopts :f: o; echo "$o $OPTARG"
## stdout:
## : f
## status: 0

#### getopts on explicit args
getopts x o -x; echo $o
## stdout:
## x
## status: 0

#### getopts loop with shift
set -- -n 3 name; while getopts n: o; do n=$OPTARG; done; shift $((OPTIND-1)); echo "n=$n arg=$1"
## stdout:
## n=3 arg=name
## status: 0

#### umask print and set
umask 027; umask
## stdout:
## 0027
## status: 0

#### umask affects files
umask 077; : > private; ls -l private | cut -c1-10
## stdout:
## -rw-------
## status: 0

#### umask symbolic
umask 022; umask -S
## stdout:
## u=rwx,g=rx,o=rx
## status: 0

#### kill zero signal
kill -0 $$; echo $?
## stdout:
## 0
## status: 0

#### kill bad pid
kill -0 999999 2>/dev/null; echo $?
## stdout:
## 1
## status: 0

#### kill by name
sh -c 'sleep 5' & kill -s KILL $!; wait $!; echo $?
## stdout:
## 137
## status: 0

#### set -f via option
set -f; echo *; set +f
## stdout:
## *
## status: 0

#### set -C noclobber on
set -C; echo a > f; echo b > f; echo $?; cat f
## stdout:
## 2
## a
## status: 0

#### dollar minus includes options
set -eu; case $- in *e*) echo has-e;; esac; case $- in *u*) echo has-u;; esac
## stdout:
## has-e
## has-u
## status: 0

#### set -o prints names
set -o | grep -c noglob
## stdout:
## 1
## status: 0

#### set -u then +u
set -u; set +u; echo "[${undefined_x}]"
## stdout:
## []
## status: 0

#### set -x trace output to stdout
set -x; echo traced 2>&1
## stdout:
## traced
## status: 0

#### ulimit file descriptors
ulimit -n 256; ulimit -n
## stdout:
## 256
## status: 0

#### times prints two lines
times | wc -l
## stdout:
## 2
## status: 0

#### type of keyword
type while
## stdout:
## while is a shell keyword
## status: 0

#### command -V builtin
command -V cd
## stdout:
## cd is a shell builtin
## status: 0

#### eval with semicolons
eval "a=1; b=2"; echo $a$b
## stdout:
## 12
## status: 0

#### eval nested quoting
eval "echo 'single quoted'"
## stdout:
## single quoted
## status: 0

#### dot sees positional
printf 'echo "args: $@"\n' > p.sh; set -- x y; . ./p.sh
## stdout:
## args: x y
## status: 0

#### dot with arguments
## oracle: bash (dash ignores arguments to .)
printf 'echo "args: $@"\n' > p.sh; . ./p.sh one two
## stdout:
## args: one two
## status: 0

#### exit trap runs after set -e failure
trap 'echo trap-ran' EXIT; set -e; false; echo never
## stdout:
## trap-ran
## status: 1

#### break in while read
printf 'a\nb\nc\n' | while read l; do [ $l = b ] && break; echo $l; done
## stdout:
## a
## status: 0

#### return in sourced file
printf 'echo in\nreturn 5\necho not\n' > rs.sh; . ./rs.sh; echo "st $?"
## stdout:
## in
## st 5
## status: 0

#### local in nested function
f() { local v=f; g; echo "f sees $v"; }; g() { local v=g; echo "g sees $v"; }; f
## stdout:
## g sees g
## f sees f
## status: 0

#### case with variable and default fallthrough
for v in yes no maybe; do case $v in yes|y) echo Y;; no|n) echo N;; *) echo "?";; esac; done
## stdout:
## Y
## N
## ?
## status: 0

#### arithmetic for loop emulation
i=0; while [ $i -lt 10 ]; do i=$((i + 3)); done; echo $i
## stdout:
## 12
## status: 0

#### string length loop
s=abcdef; n=0; while [ -n "$s" ]; do s=${s#?}; n=$((n+1)); done; echo $n
## stdout:
## 6
## status: 0

#### read with prompt to stderr
echo input | { read -p 'prompt: ' v 2>/dev/null; echo "v=$v"; }
## stdout:
## v=input
## status: 0

#### read into multiple with tabs
printf 'a\tb\tc\n' | { read x y z; echo "$z$y$x"; }
## stdout:
## cba
## status: 0

#### test string with dash
[ "-n" = "-n" ]; echo $?
## stdout:
## 0
## status: 0

#### nested subshell exit codes
( (exit 2); echo inner $? ); echo outer $?
## stdout:
## inner 2
## outer 0
## status: 0

#### pipeline into function
count() { n=0; while read l; do n=$((n+1)); done; echo $n; }; printf '1\n2\n3\n' | count
## stdout:
## 3
## status: 0

#### alias defined on an earlier line
alias hi='echo hello'
hi there
## stdout:
## hello there
## status: 0

#### alias with options
alias ll='ls -d'
ll sub
## stdout:
## sub
## status: 0

#### alias listing
alias one='echo 1'
alias one
## stdout:
## one='echo 1'
## status: 0

#### unalias
alias gone='echo x'
unalias gone
gone 2>/dev/null; echo $?
## stdout:
## 127
## status: 0

#### alias not expanded when quoted
alias q='echo aliased'
'q' 2>/dev/null; echo $?
## stdout:
## 127
## status: 0

#### alias of alias name itself
alias echo='echo prefixed'
echo word
## stdout:
## prefixed word
## status: 0

#### wait for job by number
sh -c 'exit 3' & sh -c 'exit 4' & wait %1; echo $?; wait %2; echo $?
## stdout:
## 3
## 4
## status: 0

#### wait for current job
sh -c 'exit 6' & wait %%; echo $?
## stdout:
## 6
## status: 0

#### kill job by number
## oracle: bash (dash reports 0 for a job killed before wait)
sh -c 'sleep 5' & kill %1; wait %1 2>/dev/null; echo $?
## stdout:
## 143
## status: 0
