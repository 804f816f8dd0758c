# Command substitution.

#### dollar paren
echo $(echo hi)
## stdout:
## hi
## status: 0

#### backticks
echo `echo hi`
## stdout:
## hi
## status: 0

#### nested dollar paren
echo $(echo $(echo nested))
## stdout:
## nested
## status: 0

#### nested backticks escaped
echo `echo \`echo inner\``
## stdout:
## inner
## status: 0

#### trailing newlines removed
x=$(printf 'a\n\n\n'); echo "[$x]"
## stdout:
## [a]
## status: 0

#### inner newlines kept
x=$(printf 'a\nb'); echo "$x"
## stdout:
## a
## b
## status: 0

#### unquoted substitution splits
set -- $(echo a b c); echo $#
## stdout:
## 3
## status: 0

#### quoted substitution does not split
set -- "$(echo a b c)"; echo $#
## stdout:
## 1
## status: 0

#### substitution status
x=$(false); echo $?
## stdout:
## 1
## status: 0

#### substitution status true
x=$(true); echo $?
## stdout:
## 0
## status: 0

#### substitution in assignment not split
x=$(echo "a   b"); echo "$x"
## stdout:
## a   b
## status: 0

#### substitution in double quotes
echo "result: $(echo 42)"
## stdout:
## result: 42
## status: 0

#### substitution with pipeline
echo $(echo hello | tr a-z A-Z)
## stdout:
## HELLO
## status: 0

#### substitution with case inside
echo $(case a in a) echo matched;; esac)
## stdout:
## matched
## status: 0

#### substitution with parens in case
x=$(case b in (b) echo paren;; esac); echo $x
## stdout:
## paren
## status: 0

#### substitution sees variables
v=inside; echo $(echo $v)
## stdout:
## inside
## status: 0

#### substitution cannot change variables
v=1; x=$(v=2); echo $v
## stdout:
## 1
## status: 0

#### substitution with cd does not leak
x=$(cd /; pwd); echo $x; pwd | grep -c isosh-test
## stdout:
## /
## 1
## status: 0

#### empty substitution
x=$(true); echo "[$x]"
## stdout:
## []
## status: 0

#### substitution with stderr
x=$(sh -c 'echo out; echo err >&2' 2>/dev/null); echo $x
## stdout:
## out
## status: 0

#### substitution with globbing of result
touch z1.q z2.q; echo $(echo '*.q')
## stdout:
## z1.q z2.q
## status: 0

#### quoted substitution no globbing
touch z1.q; echo "$(echo '*.q')"
## stdout:
## *.q
## status: 0

#### backticks with dollar
x=5; echo `echo \$x`
## stdout:
## 5
## status: 0

#### substitution of function
f() { echo fn-out; }; echo $(f)
## stdout:
## fn-out
## status: 0

#### substitution in for list
for w in $(echo x y); do echo w=$w; done
## stdout:
## w=x
## w=y
## status: 0

#### substitution of here-string style
x=$(cat < a.txt); echo "$x"
## stdout:
## alpha
## beta
## status: 0

#### multiline substitution
x=$(
  echo one
  echo two
); echo $x
## stdout:
## one two
## status: 0

#### substitution exit code used in if
if [ "$(echo yes)" = yes ]; then echo equal; fi
## stdout:
## equal
## status: 0

#### substitution with subshell inside
echo $( (echo sub) )
## stdout:
## sub
## status: 0

#### arithmetic inside substitution
echo $(echo $((2+3)))
## stdout:
## 5
## status: 0

#### substitution with single quotes
echo $(echo 'a   b')
## stdout:
## a b
## status: 0

#### substitution of large output
x=$(seq 1 2000); echo ${#x}
## stdout:
## 8892
## status: 0

#### dollar paren with comment
x=$(echo a # comment
); echo $x
## stdout:
## a
## status: 0

#### substitution preserves exit for assignment only
x=$(exit 7); echo $?
## stdout:
## 7
## status: 0

#### two substitutions last status
x=$(false)$(true); echo $?
## stdout:
## 0
## status: 0
