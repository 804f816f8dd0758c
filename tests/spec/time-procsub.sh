# bash's `time` keyword and process substitution (issue 11), compared with
# bash. Times vary from run to run: digits are masked, or compared.

#### time -p prints POSIX's three lines on the shell's stderr
## oracle: bash (time is a bash keyword)
{ time -p /bin/true 2>/dev/null; } 2>&1 | sed 's/[0-9]/N/g'
## stdout:
## real N.NN
## user N.NN
## sys N.NN
## status: 0

#### time's default format
## oracle: bash (time is a bash keyword)
unset TIMEFORMAT
{ time /bin/true; } 2>&1 | sed 's/[0-9]/N/g'
## stdout:
##
## real	NmN.NNNs
## user	NmN.NNNs
## sys	NmN.NNNs
## status: 0

#### TIMEFORMAT directives, precision and %%
## oracle: bash (time is a bash keyword)
TIMEFORMAT='[%R|%lU|%0S|%1R|%%]'
{ time sleep 0 | /bin/true; } 2>&1 | sed 's/[0-9]/N/g'
## stdout:
## [N.NNN|NmN.NNNs|N|N.N|%]
## status: 0

#### a TIMEFORMAT directive it does not know is an error
## oracle: bash (time is a bash keyword)
TIMEFORMAT='%R %x'
{ time /bin/true; } 2>&1 | grep -c 'invalid format character'
## stdout:
## 1
## status: 0

#### an empty TIMEFORMAT prints nothing
## oracle: bash (time is a bash keyword)
TIMEFORMAT=
time echo quiet
## stdout:
## quiet
## status: 0

#### time keeps the pipeline's status, with !
## oracle: bash (time is a bash keyword)
TIMEFORMAT=
time false; echo $?
time ! true; echo $?
time /bin/false | true; echo $?
## stdout:
## 1
## 1
## 0
## status: 0

#### real time covers the whole pipeline
## oracle: bash (time is a bash keyword)
TIMEFORMAT=%R
{ time sleep 0.3 | sleep 0.1; } 2>&1 | awk '{ print ($1 >= 0.3) }'
## stdout:
## 1
## status: 0

#### user time includes every stage's process
## oracle: bash (time is a bash keyword)
TIMEFORMAT=%U
{ time awk 'BEGIN { for (i = 0; i < 3000000; i++) s += i }' | cat; } 2>&1 | awk '{ print ($1 > 0.02) }'
## stdout:
## 1
## status: 0

#### time is a keyword only in command position
## oracle: bash (time is a bash keyword)
echo time -p x
t=time; TIMEFORMAT=; "$t" 2>/dev/null || echo not-a-command
## stdout:
## time -p x
## not-a-command
## status: 0

#### time alone times nothing
## oracle: bash (time is a bash keyword)
TIMEFORMAT='[%R]'
time 2>&1 | sed 's/[0-9]/N/g'
{ time; } 2>&1 | sed 's/[0-9]/N/g'
## stdout:
## [N.NNN]
## status: 0

#### process substitution: <(…) is a file name to read
## oracle: bash (process substitution is bash's)
cat <(echo hi) <(echo there)
## stdout:
## hi
## there
## status: 0

#### process substitution: diff of two commands' output
## oracle: bash (process substitution is bash's)
diff <(printf 'a\nb\n') <(printf 'a\nc\n'); echo "status $?"
## stdout:
## 2c2
## < b
## ---
## > c
## status 1
## status: 0

#### process substitution: a loop reads from one, in the shell
## oracle: bash (process substitution is bash's)
n=0
while read l; do n=$((n + l)); done < <(printf '1\n2\n3\n')
echo "sum $n"
## stdout:
## sum 6
## status: 0

#### process substitution: >(…) is a file name to write
## oracle: bash (process substitution is bash's)
echo hello | tee >(tr a-z A-Z) >/dev/null
wait
## stdout:
## HELLO
## status: 0

#### process substitution: the name is /dev/fd/N, one field
## oracle: bash (process substitution is bash's)
IFS=/; set -- <(true); echo $#
echo <(true) | sed 's/[0-9][0-9]*$/N/'
## stdout:
## 1
## /dev/fd/N
## status: 0

#### process substitution: functions, subshells and read see it
## oracle: bash (process substitution is bash's)
f() { cat "$1"; }
f <(echo in-function)
( cat <(echo in-subshell) )
read v < <(echo read-it); echo "$v"
paste <(printf '1\n2\n') <(printf '3\n4\n')
## stdout:
## in-function
## in-subshell
## read-it
## 1	3
## 2	4
## status: 0

#### process substitution: the command's redirections do not hit it
## oracle: bash (process substitution is bash's)
cat <(echo kept) 3>/dev/null 4>&1
## stdout:
## kept
## status: 0
