# The arithmetic command ((…)) and let (bash extensions dash lacks): a
# non-zero value is success, zero or an error is status 1.

#### (( )) true and false
## oracle: bash
((1+2)); echo $?; ((0)); echo $?; ((-1)); echo $?
## stdout:
## 0
## 1
## 0
## status: 0

#### (( )) assigns
## oracle: bash
((x=5)); echo $x; ((x+=2, y=x*3)); echo $x $y
## stdout:
## 5
## 7 21
## status: 0

#### (( )) empty is false without an error
## oracle: bash
(( )); echo $?
## stdout:
## 1
## status: 0

#### (( )) in if and while
## oracle: bash
i=0; while ((i < 3)); do ((i++)); done; if ((i == 3)); then echo three; fi
## stdout:
## three
## status: 0

#### (( )) with && and ||
## oracle: bash
((1)) && echo yes; ((0)) || echo no; ((1)) && ((0)); echo $?
## stdout:
## yes
## no
## 1
## status: 0

#### (( )) negated
## oracle: bash
! ((0)); echo $?; ! ((7)); echo $?
## stdout:
## 0
## 1
## status: 0

#### (( )) with parameters and $(( ))
## oracle: bash
n=4; ((x = $n * $((n + 1)) )); echo $x; (( ${u:-2} == 2 )) && echo default
## stdout:
## 20
## default
## status: 0

#### (( )) with nested parentheses
## oracle: bash
(( ((1+2)) * (3) == 9 )) && echo nine
## stdout:
## nine
## status: 0

#### (( )) double quotes are removed
## oracle: bash
((x="3" + 1)); echo $x; v=6; (("$v" > 5)) && echo big
## stdout:
## 4
## big
## status: 0

#### (( )) division by zero is status 1 and the script goes on
## oracle: bash
((1/0)); echo "after $?"
## stdout:
## after 1
## status: 0

#### (( )) syntax error is status 1
## oracle: bash
((1+)); echo "after $?"
## stdout:
## after 1
## status: 0

#### (( )) readonly assignment fails
## oracle: bash
readonly r=1; ((r=2)); echo "after $? $r"
## stdout:
## after 1 1
## status: 0

#### (( )) with redirection
## oracle: bash
((x = 7)) > /dev/null; echo $x
## stdout:
## 7
## status: 0

#### (( )) in a pipeline
## oracle: bash
((1)) | cat; echo $?; ((0)) | cat; echo $?
## stdout:
## 0
## 0
## status: 0

#### (( )) as a function body
## oracle: bash
f() ((x += 1)); x=1; f; f; echo $x
## stdout:
## 3
## status: 0

#### (( )) under set -e exits on zero
## oracle: bash
set -e; ((1)); echo one; ((0)); echo never
## stdout:
## one
## status: 1

#### (( )) under set -e tested
## oracle: bash
set -e; ((0)) || echo zero; echo survived
## stdout:
## zero
## survived
## status: 0

#### (( )) followed by words is two subshells when not closed by ))
## oracle: bash
((echo hi) ); echo $?
## stdout:
## hi
## 0
## status: 0

#### (( )) nested subshells with a space
## oracle: bash
( (echo a; echo b) ); echo $?
## stdout:
## a
## b
## 0
## status: 0

#### (( )) over several lines
## oracle: bash
(( x = 1 +
   2 )); echo $x
## stdout:
## 3
## status: 0

#### (( )) comparison of strings names variables
## oracle: bash
a=3 b=a; ((b == 3)) && echo indirect
## stdout:
## indirect
## status: 0

#### (( )) unset variable is zero
## oracle: bash
unset z; ((z)); echo $?; ((z == 0)) && echo zero
## stdout:
## 1
## zero
## status: 0

#### (( )) large values wrap as 64-bit
## oracle: bash
((x = 9223372036854775807 + 1)); echo $x
## stdout:
## -9223372036854775808
## status: 0

#### (( )) bases and shifts
## oracle: bash
((x = 2#1010 + 0x10 + 010 + (1 << 4))); echo $x
## stdout:
## 50
## status: 0

#### (( )) ternary and comma
## oracle: bash
((x = 0 ? 1 : 2, y = x--)); echo $x $y
## stdout:
## 1 2
## status: 0

#### (( )) status with $?
## oracle: bash
((5 > 3)); a=$?; ((5 < 3)); echo $a $?
## stdout:
## 0 1
## status: 0

#### let one expression
## oracle: bash
let x=1+2; echo $x $?
## stdout:
## 3 0
## status: 0

#### let several expressions
## oracle: bash
let "x = 2" y=x+1 "z = y * 3"; echo $x $y $z $?
## stdout:
## 2 3 9 0
## status: 0

#### let zero is status 1
## oracle: bash
let x=0; echo $?; let 0 1; echo $?; let 1 0; echo $?
## stdout:
## 1
## 0
## 1
## status: 0

#### let without arguments
## oracle: bash
let; echo $?
## stdout:
## 1
## status: 0

#### let with --
## oracle: bash
let -- x=4; echo $x; let -1; echo $?
## stdout:
## 4
## 0
## status: 0

#### let errors are status 1
## oracle: bash
let 1/0; echo $?; let "1 + "; echo $?
## stdout:
## 1
## 1
## status: 0

#### let arguments are expanded first
## oracle: bash
n=5; let "x = $n * 2" y=n+1; echo $x $y
## stdout:
## 10 6
## status: 0

#### let with bases and increments
## oracle: bash
x=1; let x++ y=16#ff z=++x; echo $x $y $z
## stdout:
## 3 255 3
## status: 0

#### let is a builtin
## oracle: bash
type let
## stdout:
## let is a shell builtin
## status: 0

#### let under set -e
## oracle: bash
set -e; let 1; echo one; let 0 || echo zero; let 0; echo never
## stdout:
## one
## zero
## status: 1

#### (( )) with a non-UTF-8 byte is an error
## oracle: bash
x=$(printf '\377'); (( x$x )) 2>/dev/null; echo $?
## stdout:
## 1
## status: 0

#### (( )) enclosing a command line is two subshells, as in dash
((echo deep)); (((echo deeper))); ((cd sub; pwd | sed 's|.*/||'))
## stdout:
## deep
## deeper
## sub
## status: 0

#### (( )) enclosing expansions and a command
x=echo; (($x hi)); (("$x" quoted))
## stdout:
## hi
## quoted
## status: 0
