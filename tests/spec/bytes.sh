# Bytes, not UTF-8: every case moves bytes that are not valid UTF-8 through
# a part of the shell, and the output must be byte for byte dash's (the
# harness shows such bytes as \xHH).

#### command substitution keeps a lone 0xff
x=$(printf '\377'); printf %s "$x" | od -An -tx1
## stdout:
##  ff
## status: 0

#### printf octal escape is one byte
printf '\351\n'
## stdout:
## \xe9
## status: 0

#### echo of a Latin-1 word
x=$(printf 'caf\351'); echo "$x"
## stdout:
## caf\xe9
## status: 0

#### read -r keeps invalid bytes
printf 'a\377b\n' > in; read -r x < in; printf %s "$x" | od -An -tx1
## stdout:
##  61 ff 62
## status: 0

#### read splits around invalid bytes
printf '\377 \376\n' > in; read -r a b < in; printf '%s|%s\n' "$a" "$b"
## stdout:
## \xff|\xfe
## status: 0

#### glob sees a non-UTF-8 file name
touch "$(printf 'f\351')" fa; echo f*
## stdout:
## fa f\xe9
## status: 0

#### for loop over non-UTF-8 names
touch "$(printf 'g\351')"; for f in g*; do printf '%s|' "$f"; done; echo
## stdout:
## g\xe9|
## status: 0

#### redirection to a non-UTF-8 file name
n=$(printf 'o\351'); echo hi > "$n"; cat o*; ls o*
## stdout:
## hi
## o\xe9
## status: 0

#### cd into a non-UTF-8 directory name
d=$(printf 'd\351'); mkdir "$d"; cd "$d" && pwd | od -An -tx1 | tr -d '\n' | grep -c e9
## stdout:
## 1
## status: 0

#### test -f on a non-UTF-8 name
f=$(printf 't\377'); : > "$f"; [ -f "$f" ] && echo yes
## stdout:
## yes
## status: 0

#### environment variable with a non-UTF-8 value reaches children
X=$(printf 'v\377') sh -c 'printf %s "$X"' | od -An -tx1
## stdout:
##  76 ff
## status: 0

#### exported non-UTF-8 value reaches env
export Y=$(printf '\376'); env | grep '^Y=' | od -An -tx1
## stdout:
##  59 3d fe 0a
## status: 0

#### argument with invalid bytes reaches a program
/bin/echo "$(printf '\200\201')" | od -An -tx1
## stdout:
##  80 81 0a
## status: 0

#### length of a value with invalid bytes
x=$(printf 'ab'); echo ${#x}
## stdout:
## 2
## status: 0

#### pattern removal next to an invalid byte
x=$(printf 'a\377b'); printf '%s\n' "${x%b}"
## stdout:
## a\xff
## status: 0

#### case matches an invalid byte literally
x=$(printf '\377'); y=$(printf '\377'); case $x in "$y") echo same;; *) echo differ;; esac
## stdout:
## same
## status: 0

#### here-document with invalid bytes from a variable
x=$(printf '\351\377')
cat <<END
[$x]
END
## stdout:
## [\xe9\xff]
## status: 0

#### Latin-1 byte in a comment of a script file
printf 'echo before # caf\351\necho after\n' > s.sh; . ./s.sh
## stdout:
## before
## after
## status: 0

#### Latin-1 word in a sourced file
printf 'echo w\351\n' > s.sh; . ./s.sh
## stdout:
## w\xe9
## status: 0

#### eval of text with invalid bytes
eval "$(printf 'echo \377x')"
## stdout:
## \xffx
## status: 0

#### a real U+EF80 character passes unchanged
printf '\356\276\200\n' > u; read -r x < u; printf %s "$x" | od -An -tx1
## stdout:
##  ee be 80
## status: 0

#### every high byte round-trips through a variable
i=128; out=
while [ $i -lt 256 ]; do
  o=$(printf '%o' $i); c=$(printf "\\$o"); out="$out$c"; i=$((i+1))
done
printf %s "$out" | od -An -tx1 | tr -d ' \n' | cksum
## stdout:
## 914176554 256
## status: 0

#### IFS splitting keeps invalid bytes in fields
x=$(printf 'a\377 b\376'); set -- $x; printf '[%s]' "$@"; echo
## stdout:
## [a\xff][b\xfe]
## status: 0

#### IFS made of an invalid byte
IFS=$(printf '\377'); x=$(printf 'a\377b'); set -- $x; echo $#
## stdout:
## 2
## status: 0

#### set -x shows invalid bytes as they are
x=$(printf '\351'); ( set -x; : "$x" ) 2>&1
## stdout:
## + : \xe9
## status: 0
