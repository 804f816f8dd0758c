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
