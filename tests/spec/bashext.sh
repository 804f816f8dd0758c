# Bash extensions (issue 11) that people put in scripts they run with sh:
# [[ ]], brace expansion, $'…', <<<, $RANDOM, $SECONDS, $LINENO,
# local -, function name { … }. Checked against bash.

#### [[ ]] string equality and patterns
## oracle: bash
[[ abc == a* ]] && echo glob; [[ abc == "a*" ]] || echo quoted; [[ abc = abc ]] && echo eq; [[ abc != x* ]] && echo ne
x='a b'; [[ $x == "a b" ]] && echo nosplit; [[ $x == a?b ]] && echo q
## stdout:
## glob
## quoted
## eq
## ne
## nosplit
## q
## status: 0

#### [[ ]] bracket patterns and classes
## oracle: bash
[[ b == [abc] ]] && echo in; [[ 5 == [[:digit:]] ]] && echo digit; [[ x == [!x] ]] || echo neg
## stdout:
## in
## digit
## neg
## status: 0

#### [[ ]] unquoted variable on the right is a pattern
## oracle: bash
p='a*'; [[ abc == $p ]] && echo pat; [[ abc == "$p" ]] || echo lit
## stdout:
## pat
## lit
## status: 0

#### [[ ]] < and > compare strings
## oracle: bash
[[ a < b ]] && echo lt; [[ b > a ]] && echo gt; [[ b < a ]] || echo notlt; [[ abc < abd ]] && echo lex
## stdout:
## lt
## gt
## notlt
## lex
## status: 0

#### [[ ]] -n -z and a lone word
## oracle: bash
e=; [[ -z $e ]] && echo empty; [[ -n x ]] && echo nonempty; [[ $e ]] || echo lone-empty; [[ word ]] && echo lone
## stdout:
## empty
## nonempty
## lone-empty
## lone
## status: 0

#### [[ ]] -v
## oracle: bash
v=1; e=; unset u; [[ -v v ]] && echo v; [[ -v e ]] && echo e; [[ -v u ]] || echo u
## stdout:
## v
## e
## u
## status: 0

#### [[ ]] file tests
## oracle: bash
[[ -f a.txt ]] && echo f; [[ -d sub ]] && echo d; [[ -e nope ]] || echo ne; [[ -s a.txt && -r a.txt ]] && echo sr; [[ a.txt -ef ./a.txt ]] && echo ef
## stdout:
## f
## d
## ne
## sr
## ef
## status: 0

#### [[ ]] && || ! and parentheses
## oracle: bash
[[ a == a && b == b ]] && echo and; [[ a == b || b == b ]] && echo or; [[ ! a == b ]] && echo not
[[ ( a == b || c == c ) && ! ( x == y ) ]] && echo group; [[ a == b && x ]] || echo short
## stdout:
## and
## or
## not
## group
## short
## status: 0

#### [[ ]] integer comparisons are arithmetic
## oracle: bash
[[ 3 -gt 2 ]] && echo gt; [[ 1+1 -eq 2 ]] && echo arith; x=4; [[ x -le 4 ]] && echo name; [[ 010 -eq 8 ]] && echo octal
## stdout:
## gt
## arith
## name
## octal
## status: 0

#### [[ ]] =~ regular expressions
## oracle: bash
[[ foo123 =~ ^f(o+)[0-9]+$ ]] && echo re; [[ abc =~ b ]] && echo unanchored; [[ abc =~ ^b ]] || echo anchored
[[ a.c =~ a.c ]] && echo dot; [[ abc =~ "a.c" ]] || echo quoted-dot; re='^(x|y)z$'; [[ yz =~ $re ]] && echo var
## stdout:
## re
## unanchored
## anchored
## dot
## quoted-dot
## var
## status: 0

#### [[ ]] =~ with alternation and spaces quoted
## oracle: bash
[[ 'a b' =~ ^a\ b$ ]] && echo esc; [[ 'a b' =~ ^a" "b$ ]] && echo q; [[ cat =~ ^(dog|cat)$ ]] && echo alt
## stdout:
## esc
## q
## alt
## status: 0

#### [[ ]] status values
## oracle: bash
[[ a == a ]]; echo $?; [[ a == b ]]; echo $?; [[ ! -z x ]]; echo $?
## stdout:
## 0
## 1
## 0
## status: 0

#### [[ ]] spans lines and sits in lists
## oracle: bash
if [[ a == a &&
      b == b ]]; then echo multi; fi
[[ x == x ]] && [[ y == y ]] && echo chain
while [[ ${#s} -lt 3 ]]; do s=x$s; done; echo $s
## stdout:
## multi
## chain
## xxx
## status: 0

#### [[ ]] no word splitting or globbing
## oracle: bash
x='*'; [[ $x == '*' ]] && echo star; y='a  b'; [[ $y == 'a  b' ]] && echo spaces
## stdout:
## star
## spaces
## status: 0

#### [[ ]] with set -e false does not exit
## oracle: bash
set -e; [[ a == b ]] || echo ok; [[ a == b ]] && echo no; echo end
## stdout:
## ok
## end
## status: 0

#### brace expansion: alternatives
## oracle: bash
echo a{b,c}d x{,y} {a,b}{1,2} {a,b{1,2}}c
## stdout:
## abd acd x xy a1 a2 b1 b2 ac b1c b2c
## status: 0

#### brace expansion: sequences
## oracle: bash
echo {1..5} {5..1} {-2..2} {a..e} {e..a} {01..10..3} {1..10..4} {a..z..5}
## stdout:
## 1 2 3 4 5 5 4 3 2 1 -2 -1 0 1 2 a b c d e e d c b a 01 04 07 10 1 5 9 a f k p u z
## status: 0

#### brace expansion: not expanded
## oracle: bash
echo "{a,b}" '{a,b}' {a} {a,b {} a{"b,c"}d a{b\,c}d {1..} {1..a}
## stdout:
## {a,b} {a,b} {a} {a,b {} a{b,c}d a{b,c}d {1..} {1..a}
## status: 0

#### brace expansion: with variables and globs
## oracle: bash
x=X; echo {$x,y} ${x}{1,2}; touch f1 f2 g1; echo {f,g}1 {f,h}*
## stdout:
## X y X1 X2
## f1 g1 f1 f2 h*
## status: 0

#### brace expansion in for and not in assignments
## oracle: bash
for i in {1..3}; do echo "i=$i"; done; x={a,b}; echo "$x"
## stdout:
## i=1
## i=2
## i=3
## {a,b}
## status: 0

#### brace expansion: empty alternatives
## oracle: bash
printf '<%s>' {,a} a{,} {,}; echo
## stdout:
## <a><a><a>
## status: 0

#### $'…' escapes
## oracle: bash
printf '%s\n' $'a\tb' $'\x41\102\u0043' $'it\'s' $'back\\slash' $'\e' | od -c | head -4
## stdout:
## 0000000   a  \t   b  \n   A   B   C  \n   i   t   '   s  \n   b   a   c
## 0000020   k   \   s   l   a   s   h  \n 033  \n
## 0000032
## status: 0

#### $'…' control and octal
## oracle: bash
printf '%s' $'\cA\cz\0101\1' | od -An -tx1
## stdout:
##  01 1a 08 31 01
## status: 0

#### $'…' in double quotes is literal
## oracle: bash
echo "$'x'"
## stdout:
## $'x'
## status: 0

#### $'…' next to other quoting
## oracle: bash
echo a$'\n'b "c"$'d'
## stdout:
## a
## b cd
## status: 0

#### <<< here-string
## oracle: bash
cat <<< hello; x='a b'; cat <<< "$x"; cat <<<$x; tr a-z A-Z <<< "up $x"
## stdout:
## hello
## a b
## a b
## UP A B
## status: 0

#### <<< feeds read
## oracle: bash
read a b <<< "1 2 3"; echo "$a|$b"; while read l; do echo "[$l]"; done <<< "x
y"
## stdout:
## 1|2 3
## [x]
## [y]
## status: 0

#### <<< with fd number and empty word
## oracle: bash
cat 3<<< three <&3; cat <<< ""; echo end
## stdout:
## three
##
## end
## status: 0

#### $RANDOM is a number that changes
## oracle: bash
a=$RANDOM; b=$RANDOM; c=$RANDOM; [ "$a" != "$b" ] || [ "$b" != "$c" ] && echo changes
case $a in *[!0-9]*) echo bad;; *) [ "$a" -le 32767 ] && echo range;; esac
x=$(echo $RANDOM); y=$(echo $RANDOM); [ "$x" != "$y" ] && echo subshells
## stdout:
## changes
## range
## subshells
## status: 0

#### $SECONDS counts from the start
## oracle: bash
[ "$SECONDS" -le 1 ] && echo small
## stdout:
## small
## status: 0

#### $LINENO in a -c string
## oracle: bash
echo $LINENO
echo $LINENO
f() {
  echo "f $LINENO"
}
f
for i in 1; do
  echo "loop $LINENO"
done
if true; then echo "if $LINENO"; fi
## stdout:
## 1
## 2
## f 4
## loop 8
## if 10
## status: 0

#### local - restores options
## oracle: bash
f() { local -; set -f; echo *.txt; }; f; echo *.txt
g() { set -f; }; g; echo *.txt
## stdout:
## *.txt
## a.txt b.txt
## *.txt
## status: 0

#### local - in dash too
f() { local -; set -u; }; f; echo "${nope-unset-ok}" $nope end
## stdout:
## unset-ok end
## status: 0

#### function keyword
## oracle: bash
function g { echo "in g $1"; }; g x
function h() { echo h; }; h
function k
{
  echo k
}
k
## stdout:
## in g x
## h
## k
## status: 0

#### function keyword with a subshell body and return
## oracle: bash
function s ( echo sub; exit 3 ); s; echo $?
function r { return 4; }; r; echo $?
## stdout:
## sub
## 3
## 4
## status: 0
