# hash, and command: `command exec` keeps its redirections, `command` takes
# away a special builtin's power to end the shell.

#### hash with an empty table
hash; echo $?
## stdout:
## 0
## status: 0

#### hash remembers a program
hash cat; echo $?; hash
## stdout:
## 0
## /usr/bin/cat
## status: 0

#### hash lists what ran
cat /dev/null; hash
## stdout:
## /usr/bin/cat
## status: 0

#### hash -r forgets
cat /dev/null; hash -r; hash; echo $?
## stdout:
## 0
## status: 0

#### hash -r then a name
hash -r cat; hash
## stdout:
## status: 0

#### hash of a missing program
hash nosuchprogram 2>/dev/null; echo $?
## stdout:
## 1
## status: 0

#### hash of builtins and functions
f() { :; }; hash cd f; echo $?; hash
## stdout:
## 0
## status: 0

#### hash of a path with a slash
hash /bin/cat; echo $?; hash
## stdout:
## 0
## status: 0

#### hash with a bad option
hash -x 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### hash -- then a name
hash -- cat; hash
## stdout:
## /usr/bin/cat
## status: 0

#### hash forgets when PATH changes
hash cat; PATH=/bin; hash
## stdout:
## status: 0

#### hash several names, one missing
hash cat nosuch ls 2>/dev/null; echo $?; hash
## stdout:
## 1
## /usr/bin/cat
## /usr/bin/ls
## status: 0

#### hash of an empty name
hash "" 2>/dev/null; echo $?
## stdout:
## 1
## status: 0

#### hash -r is status 0
hash -r; echo $?
## stdout:
## 0
## status: 0

#### command exec keeps the fd
command exec 8<a.txt; read -r l <&8; echo "$l"; read -r l <&8; echo "$l"
## stdout:
## alpha
## beta
## status: 0

#### command exec closes an fd for good
exec 8<a.txt; command exec 8<&-; read -r l <&8 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### command exec with a failing redirection does not exit
command exec 8</nonexistent 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### command exec of a missing program still exits
command exec nosuchprogram 2>/dev/null; echo never
## stdout:
## status: 127

#### command exec replaces the shell
command exec echo replaced; echo never
## stdout:
## replaced
## status: 0

#### exec with a failing redirection exits
exec 8</nonexistent 2>/dev/null; echo never
## stdout:
## status: 2

#### command set with a bad option does not exit
command set -o nosuchopt 2>/dev/null; echo "still here $?"
## stdout:
## still here 2
## status: 0

#### set with a bad option exits
set -o nosuchopt 2>/dev/null; echo never
## stdout:
## status: 2

#### command dot of a missing file does not exit
command . ./nonexistent 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### command export of a bad name does not exit
command export 1x=2 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### command readonly assignment does not exit
readonly r=1; command readonly r=2 2>/dev/null; echo "after $? $r"
## stdout:
## after 2 1
## status: 0

#### command unset of a readonly does not exit
readonly r=1; command unset r 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### command shift too far does not exit
set -- a; command shift 3 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### command with a special builtin's failed redirection
command : > /nonexistent/f 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### command eval of an error does not exit
command eval 'set -o bad' 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### command exit still exits
command exit 3; echo never
## stdout:
## status: 3

#### command return in a function
f() { command return 4; echo never; }; f; echo $?
## stdout:
## 4
## status: 0

#### command and assignments before a special builtin
x=1 command :; echo "[${x-unset}]"; y=2 :; echo "[$y]"
## stdout:
## [unset]
## [2]
## status: 0

#### command -- name
command -- echo hi; command --; echo $?
## stdout:
## hi
## 0
## status: 0

#### command skips functions
echo() { printf 'function\n'; }; command echo builtin
## stdout:
## builtin
## status: 0

#### command -v and -V
command -v cd; command -v cat; command -V cd; command -v nosuch; echo $?
## stdout:
## cd
## /usr/bin/cat
## cd is a shell builtin
## 127
## status: 0
