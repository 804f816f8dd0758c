# Language items of issue 11: traps in subshells, special variables,
# options and builtins, each as dash has them.

#### EXIT trap set in a subshell runs when it ends
(trap 'echo x' EXIT; :); echo after
## stdout:
## x
## after
## status: 0

#### EXIT trap set in a command substitution runs
x=$(trap "echo y" EXIT; :); echo "[$x]"
## stdout:
## [y]
## status: 0

#### EXIT trap in a pipeline stage subshell
(trap 'echo t' EXIT; /bin/echo in) | cat
## stdout:
## in
## t
## status: 0

#### exit in the EXIT trap sets the status
trap 'exit 7' EXIT; exit 1
## stdout:
## status: 7

#### EXIT trap sees the exit status
trap 'echo status $?' EXIT; (exit 3); echo $?; exit 4
## stdout:
## 3
## status 4
## status: 4

#### parent EXIT trap is not run by a subshell
trap 'echo bye' EXIT; (echo sub); echo main
## stdout:
## sub
## main
## bye
## status: 0

#### trap with -- before the action
trap -- 'echo u' USR1; kill -USR1 $$; echo after
## stdout:
## u
## after
## status: 0

#### trap -- lists the traps
trap -- 'echo u' USR1; trap
## stdout:
## trap -- 'echo u' USR1
## status: 0

#### PPID is set
test -n "$PPID" && test "$PPID" -gt 0 && echo ppid
## stdout:
## ppid
## status: 0

#### OPTIND starts at 1
echo $OPTIND
## stdout:
## 1
## status: 0

#### set -a exports assignments
set -a; x=1; sh -c "echo \$x"
## stdout:
## 1
## status: 0

#### set -a shows in $-
set -a; case $- in *a*) echo yes;; esac
## stdout:
## yes
## status: 0

#### set +a stops exporting
set -a; set +a; y=2; sh -c "echo [\$y]"
## stdout:
## []
## status: 0

#### empty case arm gives status 0
false; case a in a) ;; esac; echo $?
## stdout:
## 0
## status: 0

#### case with no match gives status 0
false; case a in b) echo no;; esac; echo $?
## stdout:
## 0
## status: 0

#### kill -l with a number
kill -l 9; kill -l 15
## stdout:
## KILL
## TERM
## status: 0

#### kill -l with an exit status
kill -l 137; kill -l 143
## stdout:
## KILL
## TERM
## status: 0

#### set -o lists options with a header
set -o | head -1
## stdout:
## Current option settings
## status: 0

#### readonly is enforced in arithmetic assignment
readonly r=1; : $((r=5)); echo $r
## stdout:
## status: 2

#### readonly is enforced as a for variable
readonly r=1; for r in a; do :; done; echo $r
## stdout:
## status: 2

#### background command's pid is $!
sleep 0.2 & p=$!; ps -o comm= -p $p; wait
## stdout:
## sleep
## status: 0

#### wait for a finished job gives its status
(exit 3) & p=$!; sleep 0.1; wait $p; echo $?
## stdout:
## 3
## status: 0

#### unquoted $* in an assignment joins with the first IFS character
IFS=:; set -- a b; x=$*; echo "$x"
## stdout:
## a:b
## status: 0

#### ${v=$*} in double quotes joins with the first IFS character
IFS=:; set -- a b; y="${v=$*}"; echo "$y $v"
## stdout:
## a:b a:b
## status: 0

#### case word $* joins with the first IFS character
IFS=:; set -- a b; case $* in "a:b") echo joined;; *) echo other;; esac
## stdout:
## joined
## status: 0

#### empty IFS joins $* with nothing in an assignment
set -- a b; IFS=; x=$*; echo "[$x]"
## stdout:
## [ab]
## status: 0

#### unquoted $* still splits into fields as a command's words
set -- "a b" c; for w in $*; do echo "<$w>"; done
## stdout:
## <a>
## <b>
## <c>
## status: 0
