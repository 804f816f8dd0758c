# Builtins: test, read, eval, ., shift, wait, set, exit.

#### test string equal
test abc = abc; echo $?
## stdout:
## 0
## status: 0

#### test string not equal
test abc != abd; echo $?
## stdout:
## 0
## status: 0

#### test empty string
test -z ""; echo $?; test -n ""; echo $?
## stdout:
## 0
## 1
## status: 0

#### test single arg
test x; echo $?; test ""; echo $?
## stdout:
## 0
## 1
## status: 0

#### test no args
test; echo $?
## stdout:
## 1
## status: 0

#### bracket form
[ 1 -eq 1 ]; echo $?
## stdout:
## 0
## status: 0

#### bracket missing close
[ 1 -eq 1; echo $?
## stdout:
## 2
## status: 0

#### integer comparisons
[ 2 -gt 1 ] && [ 1 -lt 2 ] && [ 2 -ge 2 ] && [ 2 -le 2 ] && [ 1 -ne 2 ] && echo all
## stdout:
## all
## status: 0

#### bad integer
[ abc -eq 1 ]; echo $?
## stdout:
## 2
## status: 0

#### file tests
[ -f a.txt ] && [ -d sub ] && [ -e a.txt ] && [ ! -e nope ] && echo files
## stdout:
## files
## status: 0

#### readable writable executable
[ -r a.txt ] && [ -w a.txt ] && [ -x plain.sh ] && [ ! -x a.txt ] && echo perms
## stdout:
## perms
## status: 0

#### size test
: > empty; [ -s a.txt ] && [ ! -s empty ] && echo sizes
## stdout:
## sizes
## status: 0

#### symlink test
ln -s a.txt link; [ -h link ] && [ -L link ] && [ ! -h a.txt ] && echo links
## stdout:
## links
## status: 0

#### not operator
[ ! 1 -eq 2 ]; echo $?
## stdout:
## 0
## status: 0

#### and or operators
[ 1 -eq 1 -a 2 -eq 2 ]; echo $?; [ 1 -eq 2 -o 2 -eq 2 ]; echo $?
## stdout:
## 0
## 0
## status: 0

#### parentheses
[ \( 1 -eq 1 \) ]; echo $?
## stdout:
## 0
## status: 0

#### string less greater
[ a \< b ]; echo $?; [ b \> a ]; echo $?
## stdout:
## 0
## 0
## status: 0

#### newer than
touch -d '2020-01-01' old; touch new; [ new -nt old ]; echo $?; [ old -ot new ]; echo $?
## stdout:
## 0
## 0
## status: 0

#### test -t on redirect
[ -t 0 ] < /dev/null; echo $?
## stdout:
## 1
## status: 0

#### read simple
echo "hello world" | { read a b; echo "$b $a"; }
## stdout:
## world hello
## status: 0

#### read rest into last
echo "a b c d" | { read x y; echo "[$x] [$y]"; }
## stdout:
## [a] [b c d]
## status: 0

#### read more vars than fields
echo "one" | { read x y; echo "[$x] [$y]"; }
## stdout:
## [one] []
## status: 0

#### read REPLY default
## oracle: bash (without a name read sets REPLY; dash requires a name)
echo "line" | { read; echo "[$REPLY]"; }
## stdout:
## [line]
## status: 0

#### read backslash
printf 'a\\b c\n' | { read x y; echo "[$x] [$y]"; }
## stdout:
## [ab] [c]
## status: 0

#### read raw
## oracle: bash (dash's echo would interpret the kept backslash)
printf 'a\\b c\n' | { read -r x y; echo "[$x] [$y]"; }
## stdout:
## [a\b] [c]
## status: 0

#### read line continuation
printf 'a \\\nb\n' | { read x; echo "[$x]"; }
## stdout:
## [a b]
## status: 0

#### read at eof status
printf 'no newline' | { read x; echo "$? [$x]"; }
## stdout:
## 1 [no newline]
## status: 0

#### read empty input
read x < /dev/null; echo $?
## stdout:
## 1
## status: 0

#### read with IFS
echo "a:b:c" | { IFS=: read x y z; echo "$z $y $x"; }
## stdout:
## c b a
## status: 0

#### read strips leading and trailing spaces
echo "   padded   " | { read x; echo "[$x]"; }
## stdout:
## [padded]
## status: 0

#### read loop leaves rest of input
printf '1\n2\n3\n' | { read a; read b; cat; }
## stdout:
## 3
## status: 0

#### eval simple
eval echo evaluated
## stdout:
## evaluated
## status: 0

#### eval with variables
cmd='echo $x'; x=late; eval "$cmd"
## stdout:
## late
## status: 0

#### eval assignment
eval 'v=from-eval'; echo $v
## stdout:
## from-eval
## status: 0

#### eval status
eval false; echo $?
## stdout:
## 1
## status: 0

#### eval syntax error
eval 'if'; echo after
## stdout:
## status: 2

#### dot sources file
echo 'sourced=yes' > lib.sh; . ./lib.sh; echo $sourced
## stdout:
## yes
## status: 0

#### dot with return
printf 'echo before\nreturn 4\necho after\n' > r.sh; . ./r.sh; echo $?
## stdout:
## before
## 4
## status: 0

#### dot missing file
. ./missing.sh; echo never
## stdout:
## status: 2

#### dot defines function
echo 'lib_f() { echo from-lib; }' > lib.sh; . ./lib.sh; lib_f
## stdout:
## from-lib
## status: 0

#### shift default one
set -- a b c; shift; echo $@
## stdout:
## b c
## status: 0

#### shift too many
set -- a; shift 3; echo after
## stdout:
## status: 2

#### wait for background
sh -c 'sleep 0.1; echo bg done' & wait; echo after wait
## stdout:
## bg done
## after wait
## status: 0

#### wait status
sh -c 'exit 5' & wait $!; echo $?
## stdout:
## 5
## status: 0

#### wait unknown pid
wait 99999; echo $?
## stdout:
## 127
## status: 0

#### set positional with dashes
set -- -a -b; echo $1 $2
## stdout:
## -a -b
## status: 0

#### set -- clears
set -- a b; set --; echo $#
## stdout:
## 0
## status: 0

#### exit in subshell status
(exit 4); echo $?
## stdout:
## 4
## status: 0

#### exit with expression
exit $((1 + 2))
## stdout:
## status: 3

#### true false as commands
true && false || echo fallback
## stdout:
## fallback
## status: 0

#### colon ignores args
: $(echo side effect > se); cat se
## stdout:
## side effect
## status: 0

#### command -v function
f() { :; }; command -v f
## stdout:
## f
## status: 0

#### pwd after cd dotdot
cd sub/deeper && cd .. && pwd | sed 's|.*/||'
## stdout:
## sub
## status: 0

#### echo dash n alone
echo -n; echo end
## stdout:
## end
## status: 0
