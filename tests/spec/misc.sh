# Mixed scripts: quoting, words, lists and the like.

#### semicolon list
echo a; echo b
## stdout:
## a
## b
## status: 0

#### and list
true && echo yes
## stdout:
## yes
## status: 0

#### or list
false || echo yes
## stdout:
## yes
## status: 0

#### mixed and or
false && echo no || echo yes
## stdout:
## yes
## status: 0

#### negation of pipeline
! false | false; echo $?
## stdout:
## 0
## status: 0

#### background and status
sleep 0.01 & echo bg-started
## stdout:
## bg-started
## status: 0

#### quote in word middle
echo ab'cd'"ef"gh
## stdout:
## abcdefgh
## status: 0

#### escaped quotes
echo \"quoted\" \'single\'
## stdout:
## "quoted" 'single'
## status: 0

#### double quote escapes
echo "a \"b\" c"
## stdout:
## a "b" c
## status: 0

#### dollar in single quotes
echo '$HOME'
## stdout:
## $HOME
## status: 0

#### empty args preserved
set -- '' ''; echo $#
## stdout:
## 2
## status: 0

#### star in quotes
echo "*"
## stdout:
## *
## status: 0

#### IFS splitting on assignment result
v='1 2 3'; set -- $v; echo $#
## stdout:
## 3
## status: 0

#### tilde in middle of word
echo a~b
## stdout:
## a~b
## status: 0

#### comment after command
echo visible # hidden
## stdout:
## visible
## status: 0

#### long pipeline
echo one | cat | cat | cat | cat | tr o O
## stdout:
## One
## status: 0

#### nested quotes in substitution
echo "$(echo "inner \"quoted\"")"
## stdout:
## inner "quoted"
## status: 0

#### variable with special chars
v='a|b;c&d'; echo "$v"
## stdout:
## a|b;c&d
## status: 0

#### assignment with equals in value
v=a=b; echo $v
## stdout:
## a=b
## status: 0

#### export in subshell does not leak
(export LEAK=1); echo "[${LEAK-}]"
## stdout:
## []
## status: 0

#### redirection of compound output order
{ echo 1; echo 2 >&2; } 2>&1 | sort
## stdout:
## 1
## 2
## status: 0

#### exit status of failed redirection in if
if echo x > /nonexistent/f; then echo yes; else echo no; fi
## stdout:
## no
## status: 0

#### glob in case word not expanded
case '*' in \*) echo literal-star;; esac
## stdout:
## literal-star
## status: 0

#### multiple commands per line with functions
a() { echo A; }; b() { echo B; }; a; b
## stdout:
## A
## B
## status: 0

#### while loop with arithmetic condition
i=5; while [ $((i -= 1)) -gt 0 ]; do echo $i; done
## stdout:
## 4
## 3
## 2
## 1
## status: 0

#### case in function with return
f() { case $1 in y) return 0;; *) return 1;; esac; }; f y && echo yes; f n || echo no
## stdout:
## yes
## no
## status: 0

#### string building in loop
s=; for c in a b c; do s="$s$c"; done; echo $s
## stdout:
## abc
## status: 0

#### counting words
n=0; for w in one two three four; do n=$((n+1)); done; echo $n
## stdout:
## 4
## status: 0

#### nested command substitution and arithmetic
echo $(( $(echo 2) + $(( 3 * $(echo 4) )) ))
## stdout:
## 14
## status: 0

#### here-doc fed loop with arithmetic
total=0; while read n; do total=$((total + n)); done <<EOF
1
2
3
EOF
echo $total
## stdout:
## 6
## status: 0

#### word frequency pipeline
printf 'b a b c b a\n' | tr ' ' '\n' | sort | uniq -c | sort -rn | head -1
## stdout:
##       3 b
## status: 0

#### positional in subshell
set -- x y; (echo $#; set -- z; echo $#); echo $#
## stdout:
## 2
## 1
## 2
## status: 0

#### function returning via echo
upper() { echo "$1" | tr a-z A-Z; }; v=$(upper abc); echo $v
## stdout:
## ABC
## status: 0

#### test with variables unquoted empty
e=; [ -z $e ]; echo $?
## stdout:
## 0
## status: 0

#### deep nesting
if true; then for i in 1; do while true; do case x in x) echo deep; break;; esac; done; done; fi
## stdout:
## deep
## status: 0
