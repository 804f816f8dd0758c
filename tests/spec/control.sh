# Compound commands: if, while, until, for, case, groups, subshells.

#### if true branch
if true; then echo yes; fi
## stdout:
## yes
## status: 0

#### if false no else
if false; then echo yes; fi; echo $?
## stdout:
## 0
## status: 0

#### if else
if false; then echo a; else echo b; fi
## stdout:
## b
## status: 0

#### elif chain
x=2; if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; else echo other; fi
## stdout:
## two
## status: 0

#### elif falls to else
x=9; if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; else echo other; fi
## stdout:
## other
## status: 0

#### if status is body status
if true; then false; fi; echo $?
## stdout:
## 1
## status: 0

#### if condition is a list
if false; true; then echo list-ok; fi
## stdout:
## list-ok
## status: 0

#### if condition pipeline
if echo abc | grep -q b; then echo found; fi
## stdout:
## found
## status: 0

#### negated condition
if ! false; then echo negated; fi
## stdout:
## negated
## status: 0

#### if on multiple lines
if true
then
  echo multi
fi
## stdout:
## multi
## status: 0

#### nested if
if true; then if false; then echo no; else echo inner; fi; fi
## stdout:
## inner
## status: 0

#### while counts
i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done
## stdout:
## 0
## 1
## 2
## status: 0

#### while false never runs
while false; do echo never; done; echo $?
## stdout:
## 0
## status: 0

#### until counts
i=3; until [ $i -eq 0 ]; do echo $i; i=$((i-1)); done
## stdout:
## 3
## 2
## 1
## status: 0

#### while break
i=0; while true; do i=$((i+1)); [ $i -gt 4 ] && break; done; echo $i
## stdout:
## 5
## status: 0

#### while continue
i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $((i % 2)) -eq 0 ] && continue; echo odd $i; done
## stdout:
## odd 1
## odd 3
## odd 5
## status: 0

#### break two levels
for a in 1 2; do for b in x y; do echo $a$b; break 2; done; done; echo out
## stdout:
## 1x
## out
## status: 0

#### continue two levels
for a in 1 2; do for b in x y; do echo $a$b; continue 2; echo never; done; done
## stdout:
## 1x
## 2x
## status: 0

#### break more levels than loops
for a in 1 2; do break 5; done; echo after
## stdout:
## after
## status: 0

#### loop status last body
for i in 1 2; do false; done; echo $?
## stdout:
## 1
## status: 0

#### for with list
for w in alpha beta gamma; do echo $w; done
## stdout:
## alpha
## beta
## gamma
## status: 0

#### for over positional default
set -- a "b c" d; for arg; do echo "[$arg]"; done
## stdout:
## [a]
## [b c]
## [d]
## status: 0

#### for over quoted at
set -- a "b c"; for arg in "$@"; do echo "[$arg]"; done
## stdout:
## [a]
## [b c]
## status: 0

#### for with glob
for f in *.txt; do echo file $f; done
## stdout:
## file a.txt
## file b.txt
## status: 0

#### for empty list
for x in; do echo never; done; echo done
## stdout:
## done
## status: 0

#### for variable persists
for v in 1 2 3; do :; done; echo $v
## stdout:
## 3
## status: 0

#### for with split variable
list="one two  three"; for w in $list; do echo $w; done
## stdout:
## one
## two
## three
## status: 0

#### for on new lines
for i in 1 2
do
  echo line $i
done
## stdout:
## line 1
## line 2
## status: 0

#### case literal
case abc in abc) echo match;; esac
## stdout:
## match
## status: 0

#### case glob star
case hello in h*) echo h-word;; *) echo other;; esac
## stdout:
## h-word
## status: 0

#### case question mark
case ab in ??) echo two;; *) echo not;; esac
## stdout:
## two
## status: 0

#### case bracket
case b in [abc]) echo in-set;; esac
## stdout:
## in-set
## status: 0

#### case alternatives
case dog in cat|dog) echo pet;; esac
## stdout:
## pet
## status: 0

#### case default
case zzz in a) echo a;; *) echo default;; esac
## stdout:
## default
## status: 0

#### case no match status
case x in y) echo y;; esac; echo $?
## stdout:
## 0
## status: 0

#### case first match wins
case aa in a*) echo first;; aa) echo second;; esac
## stdout:
## first
## status: 0

#### case quoted pattern is literal
case '*' in '*') echo star;; esac; case x in '*') echo no;; *) echo yes;; esac
## stdout:
## star
## yes
## status: 0

#### case variable pattern
p='a*'; case abc in $p) echo pattern-var;; esac
## stdout:
## pattern-var
## status: 0

#### case quoted variable pattern
p='a*'; case abc in "$p") echo no;; *) echo literal;; esac
## stdout:
## literal
## status: 0

#### case empty body
case a in a) ;; esac; echo $?
## stdout:
## 0
## status: 0

#### case with parenthesis
case b in (a) echo a;; (b) echo b;; esac
## stdout:
## b
## status: 0

#### case multiline
case one in
  one)
    echo first
    echo second
    ;;
  two) echo two;;
esac
## stdout:
## first
## second
## status: 0

#### case last arm without double semicolon
case x in x) echo last
esac
## stdout:
## last
## status: 0

#### case status from body
case a in a) false;; esac; echo $?
## stdout:
## 1
## status: 0

#### case dot and slash
case ./a/b in */b) echo slash-star;; esac
## stdout:
## slash-star
## status: 0

#### brace group
{ echo one; echo two; }
## stdout:
## one
## two
## status: 0

#### brace group redirected
{ echo one; echo two; } > out; cat out
## stdout:
## one
## two
## status: 0

#### brace group shares variables
{ x=inner; }; echo $x
## stdout:
## inner
## status: 0

#### brace group in pipeline
{ echo b; echo a; } | sort
## stdout:
## a
## b
## status: 0

#### subshell isolates variables
x=outer; (x=inner; echo $x); echo $x
## stdout:
## inner
## outer
## status: 0

#### subshell isolates cd
(cd /; pwd); pwd | grep -c isosh-test
## stdout:
## /
## 1
## status: 0

#### subshell exit status
(exit 3); echo $?
## stdout:
## 3
## status: 0

#### subshell exit does not leave shell
(exit 1); echo still here
## stdout:
## still here
## status: 0

#### nested subshell
( (echo deep) )
## stdout:
## deep
## status: 0

#### subshell redirected
(echo a; echo b) > out; wc -l < out
## stdout:
## 2
## status: 0

#### subshell in pipeline
(echo x; echo y) | tr x-y X-Y
## stdout:
## X
## Y
## status: 0

#### while reading a file
while read line; do echo "got: $line"; done < a.txt
## stdout:
## got: alpha
## got: beta
## status: 0

#### while read from pipe
printf '1\n2\n' | while read n; do echo n=$n; done
## stdout:
## n=1
## n=2
## status: 0

#### loop output piped
for i in 3 1 2; do echo $i; done | sort
## stdout:
## 1
## 2
## 3
## status: 0

#### loop redirected to file
for i in 1 2; do echo $i; done > out; cat out
## stdout:
## 1
## 2
## status: 0

#### and or with compound
true && { echo and-group; } || echo no
## stdout:
## and-group
## status: 0

#### if in and-list
if false; then :; fi && echo status-zero
## stdout:
## status-zero
## status: 0

#### case in loop
for x in a b c; do case $x in b) echo found-b;; esac; done
## stdout:
## found-b
## status: 0

#### while with complex condition
i=0; while [ $i -lt 3 ] && [ $i -ne 2 ]; do echo $i; i=$((i+1)); done
## stdout:
## 0
## 1
## status: 0

#### until false true
until true; do echo never; done; echo ok
## stdout:
## ok
## status: 0

#### semicolon after done
for i in 1; do echo $i; done; echo next
## stdout:
## 1
## next
## status: 0

#### keywords as arguments
echo if then else fi do done case esac
## stdout:
## if then else fi do done case esac
## status: 0

#### keyword after semicolon is keyword
true; if true; then echo kw; fi
## stdout:
## kw
## status: 0

#### function in loop
f() { echo f$1; }; for i in 1 2; do f $i; done
## stdout:
## f1
## f2
## status: 0

#### loop var in subshell
for i in 1 2; do (echo sub $i); done
## stdout:
## sub 1
## sub 2
## status: 0

#### set -e exits inside loop
set -e; for i in 1 2; do echo $i; false; done; echo never
## stdout:
## 1
## status: 1

#### set -e ignores if condition
set -e; if false; then echo no; fi; echo survived
## stdout:
## survived
## status: 0

#### set -e ignores while condition
set -e; while false; do :; done; echo survived
## stdout:
## survived
## status: 0

#### set -e in subshell
set -e; (false; echo no); echo after $?
## stdout:
## status: 1
