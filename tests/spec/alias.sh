# Alias rules as dash has them (bash expands no aliases in scripts): an
# alias after assignment words, an alias ending in a blank expands the next
# word, reserved words are not aliases in command position. An alias is
# defined on one line and used on a later one.

#### alias after an assignment word
alias e=echo
x=1 e hi
## stdout:
## hi
## status: 0

#### alias after an assignment sees the assignment
alias e='sh -c "echo \$x"'
x=assigned e
## stdout:
## assigned
## status: 0

#### alias after several assignments
alias e=echo
x=1 y=2 e "$x$y"
## stdout:
##
## status: 0

#### alias ending in a blank expands the next word
alias a='echo ' b=hi
a b
## stdout:
## hi
## status: 0

#### alias chain of blanks
alias a='echo ' b='hi ' c=there
a b c
## stdout:
## hi there
## status: 0

#### alias ending in a tab
alias a='echo	' b=hi
a b
## stdout:
## hi
## status: 0

#### alias not ending in a blank leaves the next word
alias a='echo' b=hi
a b
## stdout:
## b
## status: 0

#### alias blank only reaches the next word
alias a='echo ' b=hi
a x b
## stdout:
## x b
## status: 0

#### alias whose value is an alias ending in a blank
alias s='e ' e=echo
s e hi
## stdout:
## echo hi
## status: 0

#### alias blank with a quoted next word
alias a='echo ' b=hi
a 'b' "b" \b
## stdout:
## b b b
## status: 0

#### alias quoted first word is not expanded
alias e=echo
"e" x 2>/dev/null; \e y 2>/dev/null; echo $?
## stdout:
## 127
## status: 0

#### alias named like a reserved word is not used in command position
alias if=echo
if true; then echo keyword; fi
## stdout:
## keyword
## status: 0

#### alias reserved word as an argument
alias a='echo '
alias if=IF
a if
## stdout:
## IF
## status: 0

#### alias value with a reserved word
alias loop='for i in 1 2; do echo $i; done'
loop
## stdout:
## 1
## 2
## status: 0

#### alias value with several commands
alias x='echo a;echo b'
x
## stdout:
## a
## b
## status: 0

#### alias value over two lines
alias n='echo one
echo two'
n
## stdout:
## one
## two
## status: 0

#### alias value with quotes
alias q="echo 'it''s' \"q\""
q
## stdout:
## its q
## status: 0

#### alias chain of aliases
alias a='b' b='c' c='echo deep'
a
## stdout:
## deep
## status: 0

#### alias that names itself
alias ls='ls -d'
ls sub
## stdout:
## sub
## status: 0

#### alias recursive through its own name
alias a='a x'
a 2>/dev/null; echo $?
## stdout:
## 127
## status: 0

#### alias with redirections
alias e=echo
e hi > o; cat o
## stdout:
## hi
## status: 0

#### alias in a function body
alias e=echo
f() { e in f; }
f
## stdout:
## in f
## status: 0

#### alias in compound commands
alias e=echo
for i in 1; do e $i; done; case x in x) e arm;; esac; (e subshell); ! e bang; e a | e b
## stdout:
## 1
## arm
## subshell
## bang
## b
## status: 0

#### alias in command substitution
alias e=echo
x=$(e sub); echo $x
## stdout:
## sub
## status: 0

#### alias listing and unalias
alias e=echo z='a b'
alias; unalias e; alias
## stdout:
## e='echo'
## z='a b'
## z='a b'
## status: 0

#### unalias a missing alias
unalias nosuch 2>/dev/null; echo $?; alias nosuch 2>/dev/null; echo $?
## stdout:
## 1
## 1
## status: 0

#### unalias -a
alias a=b c=d
unalias -a; alias; echo $?
## stdout:
## 0
## status: 0

#### alias with a non-UTF-8 value
alias b="printf '%s\n' $(printf 'x\377')"
b | od -An -tx1
## stdout:
##  78 ff 0a
## status: 0

#### alias of an empty value
alias nothing=''
nothing echo ran
## stdout:
## ran
## status: 0

#### aliases are expanded as a command is read: not on the line that defines them
alias a=echo; a same-line 2>/dev/null; echo $?
a next-line
## stdout:
## 127
## next-line
## status: 0

#### an alias whose value is part of the syntax
alias begin='{' end='}'
begin echo in a group; end
## stdout:
## in a group
## status: 0

#### aliases for reserved words of a loop, each on its own
alias loop=while go=do stop=done
i=0; loop [ $i -lt 3 ]; go echo $i; i=$((i+1)); stop
## stdout:
## 0
## 1
## 2
## status: 0

#### a function keeps the alias as it was when it was defined
alias e=echo
f() { e in f; }
unalias e
f
## stdout:
## in f
## status: 0

#### an alias defined inside a function body is not used in that body
f() { alias g=echo; g in body 2>/dev/null || echo not yet; }
f
g after
## stdout:
## not yet
## after
## status: 0

#### an alias that names itself is not expanded again
alias ls='ls -d'
ls /
## stdout:
## /
## status: 0

#### an alias of several commands
alias two='echo one; echo two'
two
## stdout:
## one
## two
## status: 0

#### eval reads its text with the aliases of the moment
alias e=echo
eval 'e from eval; alias e=false'
eval 'e && echo no || echo replaced'
## stdout:
## from eval
## replaced
## status: 0

#### a quoted command word is no alias
alias e=echo
'e' hi 2>/dev/null || echo quoted
## stdout:
## quoted
## status: 0

#### a blank at the end of an alias reaches only its own command's next word
alias a='echo ' ll=LL
a ll; echo ll
true && a ll | cat
a
echo ll
## stdout:
## LL
## ll
## LL
##
## ll
## status: 0
