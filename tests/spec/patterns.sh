# Patterns (issue 11): bracket expressions, classes, escapes and negation in
# case, ${x#pat} removals and pathname expansion; quoted tilde prefixes;
# $* and $@ in every quoting context.

#### case: [[:alpha:]] and friends
for c in a Z 5 ' ' . _ '	'; do
  case "$c" in
    [[:digit:]]) echo "$c digit";;
    [[:upper:]]) echo "$c upper";;
    [[:lower:]]) echo "$c lower";;
    [[:blank:]]) echo "[$c] blank";;
    [[:punct:]]) echo "$c punct";;
    *) echo "$c other";;
  esac
done
## stdout:
## a lower
## Z upper
## 5 digit
## [ ] blank
## . punct
## _ punct
## [	] blank
## status: 0

#### case: every class on one character set
for k in alnum alpha blank cntrl digit graph lower print punct space upper xdigit; do
  s=
  for c in a F g Z 0 9 ' ' '!' '~' '-' '	'; do
    eval "case \"\$c\" in [[:$k:]]) s=\"\$s1\";; *) s=\"\${s}0\";; esac"
  done
  echo "$k $s"
done
## stdout:
## alnum 00000
## alpha 0000000
## blank 
## cntrl 
## digit 00000
## graph 0
## lower 00000000
## print 0
## punct 0
## space 
## upper 0000000
## xdigit 00000
## status: 0

#### case: two classes and a range in one bracket
for c in a 5 Q - _; do case $c in [[:digit:][:upper:]_]) echo "$c in";; *) echo "$c out";; esac; done
## stdout:
## a out
## 5 in
## Q in
## - out
## _ in
## status: 0

#### case: escaped ] inside brackets
for c in a ']' b '\'; do case "$c" in [a\]]) echo "$c yes";; *) echo "$c no";; esac; done
## stdout:
## a yes
## ] yes
## b no
## \ no
## status: 0

#### case: ] first in brackets is literal
for c in ']' a x; do case "$c" in []a]) echo "$c yes";; *) echo "$c no";; esac; done
## stdout:
## ] yes
## a yes
## x no
## status: 0

#### case: [!…] negation
for c in a b ']'; do case "$c" in [!a]) echo "$c yes";; *) echo "$c no";; esac; done
## stdout:
## a no
## b yes
## ] yes
## status: 0

#### case: [!]] negates a literal ]
for c in ']' a; do case "$c" in [!]]) echo "$c yes";; *) echo "$c no";; esac; done
## stdout:
## ] no
## a yes
## status: 0

#### case: [^…] negation as bash
## oracle: bash (dash has no [^…])
for c in a b; do case "$c" in [^a]) echo "$c yes";; *) echo "$c no";; esac; done
## stdout:
## a no
## b yes
## status: 0

#### case: ranges
for c in a m z A 0 -; do case "$c" in [b-y]) echo "$c mid";; [a-]) echo "$c a-or-dash";; *) echo "$c no";; esac; done
## stdout:
## a a-or-dash
## m mid
## z no
## A no
## 0 no
## - a-or-dash
## status: 0

#### case: range with an escaped end
for c in a b c; do case "$c" in [a-\b]) echo "$c yes";; *) echo "$c no";; esac; done
## stdout:
## a yes
## b yes
## c no
## status: 0

#### case: unclosed bracket is literal
for c in '[' '[a' a; do case "$c" in [a) echo "$c yes";; \[) echo "$c bracket";; *) echo "$c no";; esac; done
## stdout:
## [ bracket
## [a yes
## a no
## status: 0

#### case: quoted metacharacters are literal
x='*'; case abc in "$x") echo star;; *) echo other;; esac
case '*' in "*") echo quoted-star;; esac
case 'a?' in a'?') echo q;; esac
case ab in a'?') echo wrong;; *) echo ok;; esac
## stdout:
## other
## quoted-star
## q
## ok
## status: 0

#### case: quoted bracket chars are literal
case '[a]' in '[a]') echo literal;; esac
case a in "[a]") echo wrong;; *) echo right;; esac
case - in [a"-"c]) echo dash;; *) echo nodash;; esac
case b in [a"-"c]) echo b-in;; *) echo b-out;; esac
## stdout:
## literal
## right
## dash
## b-out
## status: 0

#### case: unquoted variable as a pattern
p='[[:digit:]]*'; for v in 1x x1; do case $v in $p) echo "$v num";; *) echo "$v not";; esac; done
## stdout:
## 1x num
## x1 not
## status: 0

#### case: star matches slash and leading dot
case /a/.b in */.*) echo yes;; esac
case .x in *x) echo dot;; esac
## stdout:
## yes
## dot
## status: 0

#### case: backslash in a variable pattern escapes
p='a\*'; case 'a*' in $p) echo lit;; *) echo no;; esac; case ab in $p) echo wrong;; *) echo right;; esac
## stdout:
## lit
## right
## status: 0

#### case: bogus class matches nothing
case a in [[:nosuch:]]) echo yes;; *) echo no;; esac
## stdout:
## no
## status: 0

#### case: question mark and star mixes
for v in abc abcd ab aXc; do case $v in a?c) echo "$v 3";; a*d) echo "$v d";; *) echo "$v -";; esac; done
## stdout:
## abc 3
## abcd d
## ab -
## aXc 3
## status: 0

#### case: many stars backtrack
case aaaaaaaaaaaaaaaaaaaaaaab in *a*a*a*a*a*b) echo yes;; esac
case aaaaaaaaaaaaaaaaaaaaaaaa in *a*a*a*a*a*b) echo wrong;; *) echo no;; esac
## stdout:
## yes
## no
## status: 0

#### ${x#pat} with classes
x=abcABC123
echo ${x#[[:lower:]]} ${x##*[[:lower:]]} ${x%[[:digit:]]} ${x%%[[:digit:]]*} ${x%%[!a]*}
## stdout:
## bcABC123 ABC123 abcABC12 abcABC a
## status: 0

#### ${x#pat} with brackets and escapes
x='a]b]c'
echo "${x#*\]}" "${x##*\]}" "${x%\]*}" "${x%%[\]]*}"
## stdout:
## b]c c a]b a
## status: 0

#### ${x%pat} quoted pattern is literal
x='a*b*c'; echo "${x%"*c"}" "${x#"a*"}" "${x%*c}" "${x#a\*}"
## stdout:
## a*b b*c a*b* b*c
## status: 0

#### ${x#pat} literal and empty pattern
x=hello; echo ${x#he} ${x%lo} ${x#} ${x%} ${x#xyz} ${x##h*} ${x%%*o}
## stdout:
## llo hel hello hello hello
## status: 0

#### ${x#pat} on unset and empty
unset u; e=; echo "[${u#a}] [${e%b}]"
## stdout:
## [] []
## status: 0

#### ${@#pat} and ${*%pat} apply to each parameter
## oracle: bash (dash strips only the first)
set -- abc bcd cab; printf '<%s>' ${@#?} "${@%b}"; echo; IFS=-; echo "${*#c}"
## stdout:
## <bc><cd><ab><abc><bcd><ca>
## abc-bcd-ab
## status: 0

#### glob: classes and ranges
touch a1 b2 C3 d_ e-
echo [[:lower:]][[:digit:]] [[:upper:]]* [a-c]? [!a-z]* [[:alpha:]][_-]
## stdout:
## a1 b2 C3 a1 b2 C3 d_ e-
## status: 0

#### glob: ^ negation in bash
## oracle: bash (dash has no [^…])
touch a1 b2 C3
echo [^a]2 [^[:lower:]]*
## stdout:
## b2 C3
## status: 0

#### glob: hidden files need a literal dot
touch .x .y z
echo * ; echo .[!.]* ; echo ?x ; echo [.]x
echo .?
## stdout:
## a.txt b.txt noexec.sh nums plain.sh sub z
## .hidden .x .y
## ?x
## [.]x
## .. .x .y
## status: 0

#### glob: escaped and quoted metacharacters
touch 'a*' 'a?' 'a[b]' ab
echo a\* ; echo "a"* ; echo a'?' ; echo 'a['* ; echo a\[b\]
## stdout:
## a*
## a* a.txt a? a[b] ab
## a?
## a[b]
## a[b]
## status: 0

#### glob: sorted on the whole path
mkdir -p x x-y; touch x/f x-y/f x.f
echo x*/f ; echo x*
## stdout:
## x-y/f x/f
## x x-y x.f
## status: 0

#### glob: no match leaves the pattern
echo [[:digit:]]nomatch* "[*" nope?
## stdout:
## [[:digit:]]nomatch* [* nope?
## status: 0

#### glob: directories only with a trailing slash
mkdir -p d1 d2; touch f1
echo d* ; echo *1/ ; echo */
## stdout:
## d1 d2
## d1/
## d1/ d2/ sub/
## status: 0

#### glob: in a for loop and after a variable
touch p1 p2; pre=p; for f in ${pre}[0-9]; do echo "f=$f"; done
## stdout:
## f=p1
## f=p2
## status: 0

#### glob: pattern in an unquoted variable
touch q1 q2; v='q[12]'; echo $v "$v"
## stdout:
## q1 q2 q[12]
## status: 0

#### glob: set -f turns it off
touch k1; set -f; echo k*; set +f; echo k*
## stdout:
## k*
## k1
## status: 0

#### glob: bracket spans a slash in the path
mkdir -p sub2; touch sub2/m; echo s*/[lm] sub?/*
## stdout:
## sub2/m sub2/m
## status: 0

#### tilde: quoted user name is literal
echo ~"root" ~'root' ~\root "~" '~'
## stdout:
## ~root ~root ~root ~ ~
## status: 0

#### tilde: after a quoted slash part
HOME=/h; echo ~/"x" ~"/x" ~/'y z'
## stdout:
## /h/x ~/x /h/y z
## status: 0

#### tilde: in assignment after colons
HOME=/h; p=~/a:~/b:x~; echo $p; q=~"/q"; echo $q
## stdout:
## /h/a:/h/b:x~
## ~/q
## status: 0

#### tilde: ~root and unknown users
echo ~root ~nosuchuser12 ~root/x
## stdout:
## /root ~nosuchuser12 /root/x
## status: 0

#### "${u:-$*}" joins with IFS
set -- a b c; IFS=:; u=; echo "${u:-$*}" "${u-$*}" ${u:-$*}
## stdout:
## a:b:c  a b c
## status: 0

#### "${u:-$@}" gives separate fields
set -- 'a b' c; u=; printf '<%s>' "${u:-$@}" "${u:-x$@y}"; echo
## stdout:
## <a b><c><xa b><cy>
## status: 0

#### "${v=$*}" assigns the joined value
## oracle: bash (dash joins $@ with IFS too)
set -- a b c; IFS=-; : "${v=$*}"; echo "$v"; unset v; : ${v=$@}; echo "$v"
## stdout:
## a-b-c
## a b c
## status: 0

#### $* and $@ with null IFS
set -- 'a b' '' c; IFS=
printf '<%s>' $*; echo; printf '<%s>' $@; echo; printf '<%s>' "$*"; echo; printf '<%s>' "$@"; echo
## stdout:
## <a b><c>
## <a b><c>
## <a bc>
## <a b><><c>
## status: 0

#### $* and $@ with default IFS
set -- 'a b' '' c
printf '<%s>' $*; echo; printf '<%s>' $@; echo; printf '<%s>' "$*"; echo; printf '<%s>' "$@"; echo
## stdout:
## <a><b><c>
## <a><b><c>
## <a b  c>
## <a b><><c>
## status: 0

#### $@ glued to text
set -- a b; printf '<%s>' "x$@y" "$@$@" x$@y; echo
## stdout:
## <xa><by><a><ba><b><xa><by>
## status: 0

#### $@ and $* with no parameters
set --; printf '<%s>' "$@" "x$@" "$*" $* "${1+$@}" "${1-$@}"; echo
## stdout:
## <x><><><>
## status: 0

#### $* joined in an assignment and case
set -- a b; IFS=-; x=$*; echo "$x"; case a-b in "$*") echo match;; esac; case a-b in $*) echo match2;; esac
## stdout:
## a-b
## match
## match2
## status: 0

#### ${#*} and ${#@}
## oracle: bash (dash measures the joined string)
set -- a bb ccc; echo ${#*} ${#@} $#
## stdout:
## 3 3 3
## status: 0

#### for over "$*" and $*
set -- 'a b' c; for i in "$*"; do echo "[$i]"; done; for i in $*; do echo "[$i]"; done; for i in "$@"; do echo "[$i]"; done
## stdout:
## [a b c]
## [a]
## [b]
## [c]
## [a b]
## [c]
## status: 0

#### ${1+"$@"} idiom
set -- 'a b' c; printf '<%s>' ${1+"$@"}; echo; set --; printf '<%s>' ${1+"$@"}; echo end
## stdout:
## <a b><c>
## <>end
## status: 0

#### $* with IFS whose first char is not white
set -- a b c; IFS=',;'; echo "$*"; IFS=' ,'; echo "$*"
## stdout:
## a,b,c
## a b c
## status: 0

#### "$@" in a here-document
set -- a b; cat <<E
[$@] [$*]
E
## stdout:
## [a b] [a b]
## status: 0

#### $@ in an arithmetic context
set -- 3 4; echo $(( $# + $1 * $2 ))
## stdout:
## 14
## status: 0
