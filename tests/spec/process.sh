# Processes: which command may replace a forked process (only the one that
# is really the last thing it does), and what survives into subshells.

#### subshell stage runs every command
( /bin/echo 1; /bin/echo 2 ) | cat
## stdout:
## 1
## 2
## status: 0

#### subshell stage fd idiom keeps the first command's redirection local
{ (/bin/true 5>&-; echo $? >&5) | cat; } 5>&1
## stdout:
## 0
## status: 0

#### xzgrep-style status collection through fd 5
exec 3>&1
r=$( ( (/bin/false 5>&-; echo $? >&5) 3>&- | cat >&3 ) 5>&1 )
echo "status $r"
## stdout:
## status 1
## status: 0

#### brace group stage runs every command
{ /bin/echo a; /bin/echo b; } | cat
## stdout:
## a
## b
## status: 0

#### if in a stage runs the command after it
if true; then /bin/echo x; fi; /bin/echo y
## stdout:
## x
## y
## status: 0

#### function in a stage runs all its commands
f() { /bin/echo f1; /bin/echo f2; }; f | cat
## stdout:
## f1
## f2
## status: 0

#### and-or in a stage: only the final command may replace
( /bin/false || /bin/echo second ) | cat
## stdout:
## second
## status: 0

#### and-or in a subshell: status and next command
( /bin/true && /bin/false ); echo $?
## stdout:
## 1
## status: 0

#### negated last command in a subshell
( ! /bin/false ); echo $?
## stdout:
## 0
## status: 0

#### command substitution runs every command
x=$(/bin/echo one; /bin/echo two); echo $x
## stdout:
## one two
## status: 0

#### nested subshells in a stage
( ( /bin/echo in; /bin/echo in2 ); /bin/echo out ) | cat
## stdout:
## in
## in2
## out
## status: 0

#### subshell redirection applies to its whole list
( /bin/echo a; /bin/echo b ) > o; cat o
## stdout:
## a
## b
## status: 0

#### last stage redirection with a subshell in it
echo hi | ( read x; /bin/echo "got $x" ) | cat
## stdout:
## got hi
## status: 0

#### loop in a stage
for i in 1 2 3; do /bin/echo $i; done | cat
## stdout:
## 1
## 2
## 3
## status: 0

#### case arm in a stage
case x in x) /bin/echo a; /bin/echo b ;; esac | cat
## stdout:
## a
## b
## status: 0

#### background subshell runs every command
( /bin/echo 1; /bin/echo 2 ) > bg & wait; cat bg
## stdout:
## 1
## 2
## status: 0

#### set -e subshell with final external failing
( set -e; /bin/true; /bin/false; echo no ); echo $?
## stdout:
## 1
## status: 0

#### subshell exit status of last external
( /bin/echo x >/dev/null; sh -c 'exit 7' ); echo $?
## stdout:
## 7
## status: 0
