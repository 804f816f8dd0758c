# read's options: -d DELIM, -n N, -t TIMEOUT, -u FD, -p PROMPT, -r, and
# REPLY without names (bash extensions beyond POSIX; bash is the oracle).

#### read -d stops at the delimiter
## oracle: bash
printf 'a b;c\n' | { read -d ';' x y; echo "[$x][$y] $?"; read -r rest; echo "[$rest]"; }
## stdout:
## [a][b] 0
## [c]
## status: 0

#### read -d '' reads to a NUL
## oracle: bash
printf 'one\ntwo\0three' | { read -d '' x; echo "[$x] $?"; read -d '' y; echo "[$y] $?"; }
## stdout:
## [one
## two] 0
## [three] 1
## status: 0

#### read -d at end of input
## oracle: bash
printf 'abc' | { read -d ';' x; echo "[$x] $?"; }
## stdout:
## [abc] 1
## status: 0

#### read -d uses the first character of a longer delimiter
## oracle: bash
printf 'a:b,c' | { read -d ',:' x; echo "[$x] $?"; }
## stdout:
## [a:b] 0
## status: 0

#### read -d newline is an ordinary character
## oracle: bash
printf 'a\nb;c' | { read -d ';' x; echo "[$x]"; }
## stdout:
## [a
## b]
## status: 0

#### read -d with a backslash-escaped delimiter
## oracle: bash
printf 'a\\;b;c' | { read -d ';' x; echo "[$x] $?"; }
## stdout:
## [a;b] 0
## status: 0

#### read -rd keeps the backslash and stops
## oracle: bash
printf 'a\\;b;c' | { read -rd ';' x; echo "[$x] $?"; }
## stdout:
## [a\] 0
## status: 0

#### read -n counts characters
## oracle: bash
printf 'abcdef\n' | { read -n 3 x; echo "[$x] $?"; read -r y; echo "[$y]"; }
## stdout:
## [abc] 0
## [def]
## status: 0

#### read -n stops early at a newline
## oracle: bash
printf 'ab\ncd' | { read -n 5 x; echo "[$x] $?"; read -r y; echo "[$y]"; }
## stdout:
## [ab] 0
## [cd]
## status: 0

#### read -n at end of input
## oracle: bash
printf 'ab' | { read -n 5 x; echo "[$x] $?"; }
## stdout:
## [ab] 1
## status: 0

#### read -n 0
## oracle: bash
printf 'abc' | { read -n 0 x; echo "[$x] $?"; }
## stdout:
## [] 0
## status: 0

#### read -n splits on IFS
## oracle: bash
printf ' a b c d' | { read -n 5 x y; echo "[$x][$y] $?"; }
## stdout:
## [a][b] 0
## status: 0

#### read -n with an escaped character
## oracle: bash
printf 'ab\\cdef' | { read -n 3 x; echo "[$x]"; }
## stdout:
## [abc]
## status: 0

#### read -n with a line continuation
## oracle: bash
printf 'a\\\nbcdef' | { read -n 3 x; echo "[$x]"; }
## stdout:
## [abc]
## status: 0

#### read -n and -d together
## oracle: bash
printf 'a:bcdef' | { read -n 4 -d : x; echo "[$x] $?"; }
## stdout:
## [a] 0
## status: 0

#### read -n counts bytes in the C locale
## oracle: bash
printf '\303\251tait' | { read -n 1 x; printf '%s' "$x" | od -An -tx1; }
## stdout:
##  c3
## status: 0

#### read -n with a bad number
## oracle: bash
printf 'abc' | { read -n x v; echo "[$v] $?"; read -n -1 v; echo "[$v] $?"; }
## stdout:
## [] 1
## [] 1
## status: 0

#### read -t with input ready
## oracle: bash
printf 'abc\n' | { read -t 2 x; echo "[$x] $?"; }
## stdout:
## [abc] 0
## status: 0

#### read -t times out with status 142
## oracle: bash
sleep 1 | { read -t 0.2 x; echo "[$x] $?"; }
## stdout:
## [] 142
## status: 0

#### read -t keeps partial input
## oracle: bash
{ printf 'ab'; sleep 1; } | { read -t 0.3 x; echo "[$x] $?"; }
## stdout:
## [ab] 142
## status: 0

#### read -t 0 polls without reading
## oracle: bash
echo hi | { sleep 0.2; read -t 0; echo "$?"; read -r x; echo "[$x]"; }
## stdout:
## 0
## [hi]
## status: 0

#### read -t 0 with nothing to read
## oracle: bash
sleep 1 | { read -t 0 x; echo "$? [$x]"; }
## stdout:
## 1 []
## status: 0

#### read -t with a bad timeout
## oracle: bash
printf 'a\n' | { read -t x v; echo "$?"; read -t -1 v; echo "$?"; read -t 1.2.3 v; echo $?; }
## stdout:
## 1
## 1
## 1
## status: 0

#### read -t with a fraction
## oracle: bash
printf 'abc' | { read -t 1.5 x; echo "[$x] $?"; }
## stdout:
## [abc] 1
## status: 0

#### read -u reads another fd
## oracle: bash
echo from-fd > f; read -u 5 x 5<f; echo "[$x] $?"
## stdout:
## [from-fd] 0
## status: 0

#### read -u with a closed fd
## oracle: bash
read -u 7 x; echo $?
## stdout:
## 1
## status: 0

#### read -p without a terminal prints no prompt
## oracle: bash
echo v | { read -p 'prompt? ' x 2>&1; echo "[$x]"; }
## stdout:
## [v]
## status: 0

#### read -p prompt and -r clustered
## oracle: bash
printf 'a\\b\n' | { read -rp 'q' x; echo "[$x]"; }
## stdout:
## [a\b]
## status: 0

#### read without a name sets REPLY
## oracle: bash
printf '  two  words  \n' | { read; echo "[$REPLY] $?"; }
## stdout:
## [  two  words  ] 0
## status: 0

#### read REPLY keeps backslashes with -r only
## oracle: bash
printf 'a\\ b\\\nc\n' | { read; echo "[$REPLY]"; }; printf 'a\\ b\n' | { read -r; echo "[$REPLY]"; }
## stdout:
## [a bc]
## [a\ b]
## status: 0

#### read option errors
## oracle: bash
read -z x; echo $?; read -d; echo $?
## stdout:
## 2
## 2
## status: 0

#### read -- ends the options
## oracle: bash
printf 'a\n' | { read -- x; echo "[$x]"; }
## stdout:
## [a]
## status: 0

#### read -d with IFS set to the delimiter
## oracle: bash
printf 'a:b:c:' | { IFS=: read -d '' x y; echo "[$x][$y] $?"; }
## stdout:
## [a][b:c:] 1
## status: 0

#### read -d and empty IFS
## oracle: bash
printf '  a b  ;' | { IFS= read -d ';' x; echo "[$x]"; }
## stdout:
## [  a b  ]
## status: 0

#### read -n with non-UTF-8 bytes
## oracle: bash
printf '\377\376x' | { read -n 2 x; printf '%s' "$x" | od -An -tx1; }
## stdout:
##  ff fe
## status: 0

#### read -d with a non-UTF-8 delimiter byte
## oracle: bash
printf 'ab\377cd' | { read -d "$(printf '\377')" x; echo "[$x] $?"; }
## stdout:
## [ab] 0
## status: 0

#### read loop with -d
## oracle: bash
printf 'x;y;z;' | while read -d ';' w; do echo "<$w>"; done
## stdout:
## <x>
## <y>
## <z>
## status: 0
