# getopts edge cases: errors (loud and silent), OPTARG and OPTIND after
# them, missing arguments, --, clusters, OPTIND reset; times.

#### getopts unknown option, loud
set -- -z; getopts a o 2>/dev/null; echo "$o $? [${OPTARG-unset}] $OPTIND"
## stdout:
## ? 0 [unset] 2
## status: 0

#### getopts unknown option, silent
set -- -z; getopts :a o; echo "$o $? [${OPTARG-unset}] $OPTIND"
## stdout:
## ? 0 [z] 2
## status: 0

#### getopts missing argument, loud
set -- -b; getopts b: o 2>/dev/null; echo "$o $? [${OPTARG-unset}] $OPTIND"
## stdout:
## ? 0 [unset] 2
## status: 0

#### getopts missing argument, silent
set -- -b; getopts :b: o; echo "$o $? [${OPTARG-unset}] $OPTIND"
## stdout:
## : 0 [b] 2
## status: 0

#### getopts loud errors write to stderr
set -- -z; getopts ab: o 2>&1 >/dev/null | wc -l; getopts b: o -b 2>&1 >/dev/null | wc -l
## stdout:
## 1
## 1
## status: 0

#### getopts argument in the same word
set -- -bfoo -b bar; getopts b: o; echo "$o $OPTARG $OPTIND"; getopts b: o; echo "$o $OPTARG $OPTIND"
## stdout:
## b foo 2
## b bar 4
## status: 0

#### getopts empty argument
set -- -b '' x; getopts b: o; echo "$o [$OPTARG] $OPTIND"
## stdout:
## b [] 3
## status: 0

#### getopts argument that looks like an option
set -- -b -a; getopts ab: o; echo "$o [$OPTARG] $OPTIND"; getopts ab: o; echo "$? $OPTIND"
## stdout:
## b [-a] 3
## 1 3
## status: 0

#### getopts stops at --
set -- -a -- -b; while getopts ab o; do echo $o; done; echo "$OPTIND $o"
## stdout:
## a
## 3 ?
## status: 0

#### getopts stops at the first operand
set -- -a x -b; while getopts ab o; do echo $o; done; echo "$OPTIND $o"
## stdout:
## a
## 2 ?
## status: 0

#### getopts a lone dash is an operand
set -- - -a; getopts a o; echo "$? $o $OPTIND"
## stdout:
## 1 ? 1
## status: 0

#### getopts no arguments
set --; getopts a o; echo "$? [$o] $OPTIND"
## stdout:
## 1 [?] 1
## status: 0

#### getopts clustered options
set -- -abc -d; while getopts abcd o; do printf '%s' $o; done; echo " $OPTIND"
## stdout:
## abcd 3
## status: 0

#### getopts cluster ending in an option with an argument
set -- -ab x y; while getopts ab: o; do echo "$o [${OPTARG-}]"; done; echo $OPTIND
## stdout:
## a []
## b [x]
## 3
## status: 0

#### getopts cluster with an unknown option in the middle, silent
set -- -azb; while getopts :ab o; do echo "$o [${OPTARG-}]"; done; echo $OPTIND
## stdout:
## a []
## ? [z]
## b []
## 2
## status: 0

#### getopts OPTIND reset starts a new parse
set -- -a; getopts a o; echo "$o $OPTIND"; OPTIND=1; set -- -b; getopts b o; echo "$o $OPTIND"
## stdout:
## a 2
## b 2
## status: 0

#### getopts reset to parse the same arguments again
set -- -a -b; while getopts ab o; do printf %s $o; done; OPTIND=1; while getopts ab o; do printf %s $o; done; echo
## stdout:
## abab
## status: 0

#### getopts with explicit arguments
getopts a o -a -b 2>/dev/null; echo "$o $OPTIND"; getopts a o -a -b 2>/dev/null; echo "$o $? $OPTIND"
## stdout:
## a 2
## ? 0 3
## status: 0

#### getopts colon is never an option
set -- -:; getopts a: o 2>/dev/null; echo "$o $? [${OPTARG-u}]"
## stdout:
## ? 0 [u]
## status: 0

#### getopts silent colon option
## oracle: bash (dash takes the optstring's colon for an option)
set -- -:; getopts :a: o; echo "$o $? [${OPTARG-u}]"
## stdout:
## ? 0 [:]
## status: 0

#### getopts OPTARG is unset for an option without one
## oracle: bash (dash leaves OPTARG empty)
set -- -a; OPTARG=stale; getopts a o; echo "$o [${OPTARG-unset}]"
## stdout:
## a [unset]
## status: 0

#### getopts end leaves name as ?
set -- -a; getopts a o; getopts a o; echo "$? [$o] $OPTIND"
## stdout:
## 1 [?] 2
## status: 0

#### getopts usage errors
getopts 2>/dev/null; echo $?; getopts a 2>/dev/null; echo $?
## stdout:
## 2
## 2
## status: 0

#### getopts bad variable name
set -- -a; getopts a 1x 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### getopts in a function with local OPTIND
f() { local OPTIND=1 o; while getopts ab: o; do echo "f $o ${OPTARG-}"; done; shift $((OPTIND-1)); echo "rest $*"; }; f -a -b x y z; f -b w
## stdout:
## f a 
## f b x
## rest y z
## f b w
## rest 
## status: 0

#### getopts typical loop with shift
set -- -v -o out file1 file2; while getopts vo: opt; do case $opt in v) v=1;; o) out=$OPTARG;; esac; done; shift $((OPTIND - 1)); echo "$v $out $# $*"
## stdout:
## 1 out 2 file1 file2
## status: 0

#### getopts option argument with spaces and bytes
set -- -m "a  b" -n "$(printf '\377x')"; getopts m:n: o; echo "[$OPTARG]"; getopts m:n: o; printf '%s' "$OPTARG" | od -An -tx1
## stdout:
## [a  b]
##  ff 78
## status: 0

#### getopts digits and odd characters as options
set -- -1 -% -x; while getopts 1%x o; do printf '%s ' "$o"; done; echo
## stdout:
## 1 % x 
## status: 0

#### getopts optstring with only a colon
set -- -a; getopts : o; echo "$o $? [${OPTARG-}]"
## stdout:
## ? 0 [a]
## status: 0

#### getopts with an empty optstring
set -- -a; getopts '' o 2>/dev/null; echo "$o $?"
## stdout:
## ? 0
## status: 0

#### times prints two lines
## oracle: bash (dash prints six decimals)
times | sed 's/[0-9]/N/g'; times x >/dev/null; echo $?
## stdout:
## NmN.NNNs NmN.NNNs
## NmN.NNNs NmN.NNNs
## 0
## status: 0

#### times in a subshell and to a closed stdout
## oracle: bash (dash prints six decimals)
(times) | wc -l; times >&- 2>/dev/null; echo $?
## stdout:
## 2
## 1
## status: 0

#### getopts OPTIND reset in the middle of a cluster
## oracle: bash (dash counts OPTIND differently inside a cluster)
set -- -ab; getopts ab o; echo "$o $OPTIND"; OPTIND=1; getopts ab o; echo "$o $OPTIND"; getopts ab o; echo "$o $OPTIND"
## stdout:
## a 1
## a 1
## b 2
## status: 0

#### getopts OPTIND assigned its own value mid-cluster, new arguments
## oracle: bash (dash counts OPTIND differently inside a cluster)
set -- -xy; getopts xy o; OPTIND=$OPTIND; set -- -ab; getopts ab o; echo "$o $OPTIND"
## stdout:
## a 1
## status: 0
