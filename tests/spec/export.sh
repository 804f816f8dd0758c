# export -p and readonly -p list names that are exported or readonly but
# unset; such a name is exported once it is assigned.

#### export of an unset name is listed without a value
export zz; export -p | grep zz
## stdout:
## export zz
## status: 0

#### export of an unset name is exported once assigned
export zz; zz=3; sh -c 'echo "[$zz]"'
## stdout:
## [3]
## status: 0

#### export of an unset name stays out of the environment
export zz; env | grep -c '^zz'
## stdout:
## 0
## status: 1

#### export of an unset name then an empty value
export zz; zz=; export -p | grep zz; sh -c 'echo "[${zz-unset}]"'
## stdout:
## export zz=''
## []
## status: 0

#### unset drops the export of an unset name
export zz; unset zz; zz=3; sh -c 'echo "[${zz-unset}]"'; export -p | grep -c zz
## stdout:
## [unset]
## 0
## status: 1

#### export -p order with unset and set names
export b2 a1=1 c3; export -p | grep -E ' (a1|b2|c3)'
## stdout:
## export a1='1'
## export b2
## export c3
## status: 0

#### export -p of a value with quotes reads back
export q="it's \"q\" \\ \$x"; v=$(export -p | grep ' q='); unset q; eval "$v"; echo "$q"; sh -c 'echo "$q"'
## stdout:
## it's "q" \ $x
## it's "q" \ $x
## status: 0

#### export -p with a non-UTF-8 value
export nb="$(printf 'x\377')"; export -p | grep ' nb=' | od -An -c | tr -s ' '
## stdout:
##  e x p o r t n b = ' x 377 ' \n
## status: 0

#### readonly of an unset name is listed without a value
readonly rr; readonly -p | grep rr
## stdout:
## readonly rr
## status: 0

#### readonly unset name cannot be assigned
readonly rr; (rr=1) 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### readonly -p with set and unset names
readonly r2 r1=1; readonly -p | grep -E ' (r1|r2)'
## stdout:
## readonly r1='1'
## readonly r2
## status: 0

#### export and readonly of the same unset name
export xr; readonly xr; export -p | grep xr; readonly -p | grep xr
## stdout:
## export xr
## readonly xr
## status: 0

#### export in a function of an unset name
f() { export fz; }; f; fz=1; sh -c 'echo "[$fz]"'
## stdout:
## [1]
## status: 0

#### set -a and an unset exported name
set -a; export sa; sa=1; sh -c 'echo "[$sa]"'
## stdout:
## [1]
## status: 0

#### export of a bad name
export 1x 2>/dev/null; echo $?
## stdout:
## status: 2

#### export of an unset name survives a prefix assignment
export zz; zz=1 true; zz=2; sh -c 'echo "[$zz]"'; export -p | grep -c ' zz'
## stdout:
## [2]
## 1
## status: 0

#### export of an unset name, assigned, then unset and assigned again
export zz; zz=1; unset zz; zz=2; sh -c 'echo "[${zz-unset}]"'
## stdout:
## [unset]
## status: 0
