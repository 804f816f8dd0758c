# set -e as POSIX has it: ignored in the whole of what runs on the left of
# && and ||, after !, and in if/while/until conditions — function bodies
# included; a compound command does not exit for a status that came from
# an ignored failure.

#### -e ignored in a function called on the left of &&
set -e; f() { false; echo in f; }; f && echo yes; echo survived
## stdout:
## in f
## yes
## survived
## status: 0

#### -e ignored in a function called on the left of ||
set -e; f() { false; echo in f; return 3; }; f || echo "or $?"; echo survived
## stdout:
## in f
## or 3
## survived
## status: 0

#### -e ignored in a function called after !
set -e; f() { false; echo in f; }; ! f; echo "survived $?"
## stdout:
## in f
## survived 1
## status: 0

#### -e ignored in a function in an if condition
set -e; f() { false; echo in f; }; if f; then echo then; fi; echo survived
## stdout:
## in f
## then
## survived
## status: 0

#### -e ignored in a function in a while condition
set -e; f() { false; echo in f; return 1; }; while f; do :; done; echo survived
## stdout:
## in f
## survived
## status: 0

#### -e ignored in a function in an until condition
set -e; n=0; f() { false; n=$((n+1)); [ $n -ge 2 ]; }; until f; do echo loop; done; echo survived $n
## stdout:
## loop
## survived 2
## status: 0

#### -e ignored in nested function calls under &&
set -e; g() { false; echo in g; }; f() { g; echo in f; }; f && echo yes; echo survived
## stdout:
## in g
## in f
## yes
## survived
## status: 0

#### -e applies again after the tested call returns
set -e; f() { false; echo in f; }; f && :; f; echo never
## stdout:
## in f
## status: 1

#### -e in a function called as the last of &&
set -e; f() { false; echo never; }; true && f; echo never
## stdout:
## status: 1

#### -e ignored in a brace group on the left of ||
set -e; { false; echo in group; } || echo no; echo survived
## stdout:
## in group
## survived
## status: 0

#### -e ignored in a subshell on the left of &&
set -e; (false; echo in subshell) && echo yes; echo survived
## stdout:
## in subshell
## yes
## survived
## status: 0

#### -e and a brace group ending in a failed &&
set -e; { false && true; }; echo survived $?
## stdout:
## survived 1
## status: 0

#### -e and a brace group ending in a failed ||-list left side
set -e; { true || false; false && :; }; echo survived
## stdout:
## survived
## status: 0

#### -e and if whose body ends in a failed &&
set -e; if true; then false && true; fi; echo survived
## stdout:
## survived
## status: 0

#### -e and a for loop whose body ends in a failed &&
set -e; for i in 1 2; do false && true; done; echo survived
## stdout:
## survived
## status: 0

#### -e and a while loop body ending in a failed &&
set -e; i=0; while [ $i -lt 2 ]; do i=$((i+1)); false && true; done; echo survived $i
## stdout:
## survived 2
## status: 0

#### -e and a case arm ending in a failed &&
set -e; case a in a) false && true;; esac; echo survived
## stdout:
## survived
## status: 0

#### -e and a function whose last command is a failed &&
set -e; f() { false && true; }; f; echo never
## stdout:
## status: 1

#### -e and a subshell whose last command is a failed &&
set -e; (false && true); echo never
## stdout:
## status: 1

#### -e inside a brace group exits
set -e; { false; echo never; }; echo never
## stdout:
## status: 1

#### -e and a failing redirection of a brace group
set -e; { echo x; } > /nonexistent/dir/file; echo never
## stdout:
## status: 2

#### -e and a failing redirection of a group on the left of ||
set -e; { echo x; } > /nonexistent/dir/file || echo caught; echo survived
## stdout:
## caught
## survived
## status: 0

#### -e and a negated brace group
set -e; ! { false; echo in group; }; echo survived
## stdout:
## in group
## survived
## status: 0

#### -e and a negated failing pipeline
set -e; ! true; echo survived
## stdout:
## survived
## status: 0

#### -e and a pipeline's last command
set -e; false | true; echo survived; true | false; echo never
## stdout:
## survived
## status: 1

#### -e in a function in a pipeline stage under &&
set -e; f() { false; echo in f; }; f | cat && echo yes; echo survived
## stdout:
## in f
## yes
## survived
## status: 0

#### -e in a function with a command substitution under if
set -e; f() { x=$(false); echo "in f $?"; }; if f; then echo yes; fi
## stdout:
## in f 1
## yes
## status: 0

#### -e in eval under &&
set -e; eval 'false; echo in eval' && echo yes; echo survived
## stdout:
## in eval
## yes
## survived
## status: 0

#### -e in a sourced file under ||
## oracle: bash (dash lets -e apply again inside a dot file)
set -e; printf 'false\necho in file\n' > s; . ./s || echo no; echo survived
## stdout:
## in file
## survived
## status: 0

#### -e in a function called from a function under &&, then plain call
set -e; g() { false; echo g; }; f() { g; }; f && echo first; g; echo never
## stdout:
## g
## first
## status: 1

#### -e off inside the tested function even after set -e there
f() { set -e; false; echo in f; }; f && echo yes; echo survived
## stdout:
## in f
## yes
## survived
## status: 0

#### -e and a function's return status under &&
set -e; f() { return 4; }; f && echo no; echo "survived"
## stdout:
## survived
## status: 0

#### -e does not exit for the left side of a nested &&/||
set -e; false || false && echo no; echo never
## stdout:
## never
## status: 0
