# Functions, return, local, positional parameters.

#### define and call
f() { echo hello; }; f
## stdout:
## hello
## status: 0

#### function arguments
f() { echo "$1-$2 ($#)"; }; f a b
## stdout:
## a-b (2)
## status: 0

#### function sees globals
x=1; f() { echo $x; }; f
## stdout:
## 1
## status: 0

#### function sets globals
f() { y=set; }; f; echo $y
## stdout:
## set
## status: 0

#### return status
f() { return 3; }; f; echo $?
## stdout:
## 3
## status: 0

#### return without value keeps last status
f() { false; return; }; f; echo $?
## stdout:
## 1
## status: 0

#### function status is last command
f() { true; false; }; f; echo $?
## stdout:
## 1
## status: 0

#### return stops function
f() { echo a; return; echo b; }; f
## stdout:
## a
## status: 0

#### positional restored after call
set -- outer; f() { echo $1; }; f inner; echo $1
## stdout:
## inner
## outer
## status: 0

#### dollar hash in function
f() { echo $#; }; f 1 2 3
## stdout:
## 3
## status: 0

#### dollar at in function
f() { for a in "$@"; do echo "[$a]"; done; }; f "x y" z
## stdout:
## [x y]
## [z]
## status: 0

#### dollar zero unchanged in function
f() { echo $0; }; f | grep -c .
## stdout:
## 1
## status: 0

#### local variable
x=global; f() { local x=local; echo $x; }; f; echo $x
## stdout:
## local
## global
## status: 0

#### local without value keeps value
x=1; f() { local x; echo "in:$x"; x=2; }; f; echo "out:$x"
## stdout:
## in:1
## out:1
## status: 0

#### local unset after return
f() { local newvar=1; }; f; echo "[${newvar-unset}]"
## stdout:
## [unset]
## status: 0

#### nested functions local
x=0; a() { local x=a; b; echo a:$x; }; b() { x=b; }; a; echo top:$x
## stdout:
## a:b
## top:0
## status: 0

#### recursion
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5
## stdout:
## 120
## status: 0

#### function redefinition
f() { echo one; }; f() { echo two; }; f
## stdout:
## two
## status: 0

#### function with redirection
f() { echo inside; } > out; f; cat out
## stdout:
## inside
## status: 0

#### function output captured
f() { echo captured; }; x=$(f); echo "[$x]"
## stdout:
## [captured]
## status: 0

#### function in pipeline
f() { echo b; echo a; }; f | sort
## stdout:
## a
## b
## status: 0

#### function with subshell body
f() ( x=sub; echo $x ); x=top; f; echo $x
## stdout:
## sub
## top
## status: 0

#### function name with underscore
my_func_2() { echo ok; }; my_func_2
## stdout:
## ok
## status: 0

#### function on multiple lines
f()
{
  echo multi
}
f
## stdout:
## multi
## status: 0

#### return from nested loop in function
f() { for i in 1 2; do for j in a b; do return 7; done; done; }; f; echo $?
## stdout:
## 7
## status: 0

#### break in function loop
f() { for i in 1 2 3; do [ $i = 2 ] && break; echo $i; done; echo end; }; f
## stdout:
## 1
## end
## status: 0

#### function overrides external command
ls() { echo not-ls; }; ls
## stdout:
## not-ls
## status: 0

#### command bypasses function
echo() { printf 'fn\n'; }; command echo builtin-echo
## stdout:
## builtin-echo
## status: 0

#### type of function
f() { :; }; type f | head -c 12; echo
## stdout:
## f is a shell
## status: 0

#### unset function
f() { echo f; }; unset -f f; f 2>/dev/null; echo $?
## stdout:
## 127
## status: 0

#### function args with spaces
f() { echo $#; }; f "a b" "" c
## stdout:
## 3
## status: 0

#### shift in function
f() { shift; echo "$@"; }; f a b c
## stdout:
## b c
## status: 0

#### set -- in function
f() { set -- x y; echo $#; }; set -- 1; f; echo $#
## stdout:
## 2
## 1
## status: 0

#### return value masked to byte
## oracle: bash (dash keeps 300 in $?; statuses are 0-255 in POSIX and bash)
f() { return 300; }; f; echo $?
## stdout:
## 44
## status: 0

#### function defined in subshell not visible
(g() { echo g; }); g 2>/dev/null; echo $?
## stdout:
## 127
## status: 0

#### function with local and export
f() { local v=1; export v; sh -c 'echo child:$v'; }; f; echo "after:[${v-}]"
## stdout:
## child:1
## after:[]
## status: 0

#### recursive fib
fib() { if [ $1 -lt 2 ]; then echo $1; return; fi; a=$(fib $(($1-1))); b=$(fib $(($1-2))); echo $((a+b)); }; fib 10
## stdout:
## 55
## status: 0

#### function with case
kind() { case $1 in [0-9]*) echo number;; *) echo word;; esac; }; kind 42; kind abc
## stdout:
## number
## word
## status: 0

#### eval defines function
eval 'h() { echo from-eval; }'; h
## stdout:
## from-eval
## status: 0

#### function and errexit
set -e; f() { false; echo no; }; f; echo never
## stdout:
## status: 1
