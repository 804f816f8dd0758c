# Parameter expansion operators and special parameters.

#### default for unset
echo ${u:-default}
## stdout:
## default
## status: 0

#### default for empty with colon
e=; echo ${e:-default}
## stdout:
## default
## status: 0

#### no colon keeps empty
e=; echo "[${e-default}]"
## stdout:
## []
## status: 0

#### default not used when set
v=val; echo ${v:-default}
## stdout:
## val
## status: 0

#### assign default
echo ${a:=assigned}; echo $a
## stdout:
## assigned
## assigned
## status: 0

#### assign without colon keeps empty
e=; echo "[${e=new}]"; echo "[$e]"
## stdout:
## []
## []
## status: 0

#### alternative when set
v=1; echo ${v:+alt}
## stdout:
## alt
## status: 0

#### alternative when unset
echo "[${u:+alt}]"
## stdout:
## []
## status: 0

#### alternative empty no colon
e=; echo "[${e+alt}]"
## stdout:
## [alt]
## status: 0

#### error when unset
echo ${u:?custom message}; echo after
## stdout:
## status: 2

#### error default message
echo ${u:?}; echo after
## stdout:
## status: 2

#### error not raised when set
v=ok; echo ${v:?unused}
## stdout:
## ok
## status: 0

#### length
v=hello; echo ${#v}
## stdout:
## 5
## status: 0

#### length of empty
e=; echo ${#e}
## stdout:
## 0
## status: 0

#### length unicode
## oracle: none (isosh counts characters; dash in the C locale counts bytes)
v='héllo'; echo ${#v}
## stdout:
## 5
## status: 0

#### length of positional count
set -- a b c; echo ${#}
## stdout:
## 3
## status: 0

#### remove shortest suffix
f=file.tar.gz; echo ${f%.*}
## stdout:
## file.tar
## status: 0

#### remove longest suffix
f=file.tar.gz; echo ${f%%.*}
## stdout:
## file
## status: 0

#### remove shortest prefix
p=/usr/local/bin; echo ${p#*/}
## stdout:
## usr/local/bin
## status: 0

#### remove longest prefix
p=/usr/local/bin; echo ${p##*/}
## stdout:
## bin
## status: 0

#### remove with no match
v=abc; echo ${v%x} ${v#x}
## stdout:
## abc abc
## status: 0

#### remove with quoted pattern
v='a*b'; echo ${v%'*b'}
## stdout:
## a
## status: 0

#### remove with bracket
v=abc123; echo ${v%%[0-9]*}
## stdout:
## abc
## status: 0

#### remove question mark
v=abcd; echo ${v#??}
## stdout:
## cd
## status: 0

#### pattern from variable
v=hello.c; ext='.c'; echo ${v%$ext}
## stdout:
## hello
## status: 0

#### default word is expanded
x=X; echo ${u:-$x-value}
## stdout:
## X-value
## status: 0

#### default word with spaces splits unquoted
set -- ${u:-a b c}; echo $#
## stdout:
## 3
## status: 0

#### default word quoted inside
set -- ${u:-"a b c"}; echo $#
## stdout:
## 1
## status: 0

#### quoted expansion with default
echo "${u:-two words}"
## stdout:
## two words
## status: 0

#### nested default
echo ${u:-${w:-deep}}
## stdout:
## deep
## status: 0

#### default with command substitution
echo ${u:-$(echo cmd)}
## stdout:
## cmd
## status: 0

#### default not evaluated when set
v=1; echo ${v:-$(echo never >&2)}
## stdout:
## 1
## status: 0

#### braces with digits
set -- 1 2 3 4 5 6 7 8 9 10; echo ${10}
## stdout:
## 10
## status: 0

#### special question mark
false; echo $?; echo $?
## stdout:
## 1
## 0
## status: 0

#### dollar hash after shift
set -- a b c; shift 2; echo $# $1
## stdout:
## 1 c
## status: 0

#### dollar star in quotes with custom IFS
set -- a b c; IFS=,; echo "$*"
## stdout:
## a,b,c
## status: 0

#### dollar star with empty IFS
set -- a b c; IFS=; echo "$*"
## stdout:
## abc
## status: 0

#### dollar at empty quoted
set --; for a in "$@"; do echo never; done; echo none
## stdout:
## none
## status: 0

#### dollar minus
set -f; case $- in *f*) echo has-f;; esac
## stdout:
## has-f
## status: 0

#### unset variable with nounset default
set -u; echo ${u:-safe}
## stdout:
## safe
## status: 0

#### nounset error on plain
set -u; echo $u; echo never
## stdout:
## status: 2

#### assignment to positional fails
echo ${1:=x}; echo after
## stdout:
## status: 2

#### length of unset is zero
echo ${#u}
## stdout:
## 0
## status: 0

#### at in braces
set -- a b; echo "${@}"
## stdout:
## a b
## status: 0

#### remove prefix of positional
set -- /a/b/c; echo ${1##*/}
## stdout:
## c
## status: 0

#### prefix remove star only
v=abc; echo "[${v#*}]" "[${v##*}]"
## stdout:
## [abc] []
## status: 0

#### suffix remove star only
v=abc; echo "[${v%*}]" "[${v%%*}]"
## stdout:
## [abc] []
## status: 0

#### alternative with expansion
v=1; w=W; echo ${v:+"<$w>"}
## stdout:
## <W>
## status: 0

#### IFS unset defaults
unset IFS; v='a  b'; set -- $v; echo $#
## stdout:
## 2
## status: 0

#### tab in IFS
IFS='	'; v='a	b c'; set -- $v; echo $#
## stdout:
## 2
## status: 0

#### multiple assignment order
a=1 b=$a; echo $b
## stdout:
## 1
## status: 0
