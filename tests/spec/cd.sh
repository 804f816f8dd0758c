# cd with CDPATH, -L and -P, and PWD/OLDPWD as dash has them (HOME is the
# case's scratch directory: paths are shown relative to it as ~).

#### cd through CDPATH prints the new directory
mkdir -p d/x; CDPATH=d; cd x | sed "s|^$HOME|~|"; cd x >/dev/null; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/d/x
## ~/d/x
## status: 0

#### cd CDPATH entries in order
mkdir -p d/x e/x; CDPATH=e:d; cd x >/dev/null; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/e/x
## status: 0

#### cd CDPATH skips entries without the directory
mkdir -p d/x; CDPATH=/nonexistent:nope:d; cd x >/dev/null; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/d/x
## status: 0

#### cd CDPATH empty entry is the current directory, silently
mkdir -p x d/x; CDPATH=:d; cd x; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/x
## status: 0

#### cd CDPATH empty entry first but missing here
mkdir -p d/x; CDPATH=:d; cd x | sed "s|^$HOME|~|"; echo $?
## stdout:
## ~/d/x
## 0
## status: 0

#### cd CDPATH dot entry prints
mkdir -p x d/x; CDPATH=.:d; cd x | sed "s|^$HOME|~|"
## stdout:
## ~/x
## status: 0

#### cd CDPATH entry with a trailing slash
mkdir -p d/x; CDPATH=d/; cd x | sed "s|^$HOME|~|"
## stdout:
## ~/d/x
## status: 0

#### cd CDPATH absolute entry
mkdir -p d/x; CDPATH=$HOME/d; cd x | sed "s|^$HOME|~|"
## stdout:
## ~/d/x
## status: 0

#### cd CDPATH is not used for ./ and ../ paths
mkdir -p d/x; CDPATH=d; cd ./x 2>/dev/null; echo $?; cd ../x 2>/dev/null; echo $?
## stdout:
## 2
## 2
## status: 0

#### cd CDPATH is not used for absolute paths
mkdir -p d/tmp; CDPATH=d; cd /tmp; pwd
## stdout:
## /tmp
## status: 0

#### cd CDPATH not found anywhere
CDPATH=d:e; cd nowhere 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### cd CDPATH and OLDPWD
mkdir -p d/x; CDPATH=d; cd x >/dev/null; echo "$OLDPWD" | sed "s|^$HOME|~|"
## stdout:
## ~
## status: 0

#### cd -L keeps the symlink
mkdir -p real/sub; ln -s real link; cd -L link; pwd | sed "s|^$HOME|~|"; echo "$PWD" | sed "s|^$HOME|~|"
## stdout:
## ~/link
## ~/link
## status: 0

#### cd -P resolves the symlink
mkdir -p real/sub; ln -s real link; cd -P link; pwd | sed "s|^$HOME|~|"; echo "$PWD" | sed "s|^$HOME|~|"
## stdout:
## ~/real
## ~/real
## status: 0

#### cd .. is logical by default
mkdir -p real/sub; ln -s real/sub link; cd link; cd ..; pwd | sed "s|^$HOME|~|"
## stdout:
## ~
## status: 0

#### cd -P .. is physical
mkdir -p real/sub; ln -s real/sub link; cd link; cd -P ..; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/real
## status: 0

#### cd -P . after a logical cd
mkdir -p real; ln -s real link; cd link; cd -P .; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/real
## status: 0

#### cd -LP and -PL: the last wins
mkdir -p real; ln -s real link; cd -LP link; pwd | sed "s|^$HOME|~|"; cd "$HOME"; cd -PL link; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/real
## ~/link
## status: 0

#### cd -L -P as separate options
mkdir -p real; ln -s real link; cd -L -P link; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/real
## status: 0

#### cd -- then a directory
mkdir -p d; cd -- d; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/d
## status: 0

#### cd with a bad option
cd -x 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### cd dot and dot-dot components are folded
mkdir -p a/b; cd a//b/.././b/..; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/a
## status: 0

#### cd to //
cd //; pwd; cd ///; pwd
## stdout:
## //
## /
## status: 0

#### cd - goes back and prints
mkdir -p d; cd d; cd - | sed "s|^$HOME|~|"; pwd | sed "s|^$HOME|~|"
## stdout:
## ~
## ~/d
## status: 0

#### cd sets OLDPWD and PWD
mkdir -p d; cd d; echo "$OLDPWD $PWD" | sed "s|$HOME|~|g"
## stdout:
## ~ ~/d
## status: 0

#### cd without arguments goes HOME
mkdir -p d; cd d; cd; pwd | sed "s|^$HOME|~|"
## stdout:
## ~
## status: 0

#### cd with HOME set to a relative path
mkdir -p d; HOME=d; cd; pwd | sed "s|.*/||"
## stdout:
## d
## status: 0

#### cd with an empty argument stays
cd ""; echo $?; pwd | sed "s|^$HOME|~|"
## stdout:
## 0
## ~
## status: 0

#### cd to a missing directory is status 2
cd nonexistent 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### cd to a file
cd a.txt 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### cd with a stale PWD
mkdir -p d; PWD=/nonexistent; cd d; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/d
## status: 0

#### cd with PWD unset
mkdir -p d; unset PWD; cd d; echo "$PWD" | sed "s|^$HOME|~|"
## stdout:
## ~/d
## status: 0

#### cd PWD is exported
mkdir -p d; cd d; sh -c 'echo "$PWD"' | sed "s|^$HOME|~|"
## stdout:
## ~/d
## status: 0

#### cd into a directory with a non-UTF-8 name
n=$(printf 'd\351'); mkdir "$n"; cd "$n"; pwd | sed "s|^$HOME|~|" | od -An -c | tr -s ' '
## stdout:
##  ~ / d 351 \n
## status: 0

#### cd CDPATH with a non-UTF-8 entry
n=$(printf 'p\377'); mkdir -p "$n/x"; CDPATH=$n; cd x >/dev/null; pwd | sed "s|^$HOME|~|" | od -An -c | tr -s ' '
## stdout:
##  ~ / p 377 / x \n
## status: 0

#### pwd -P and -L
mkdir -p real; ln -s real link; cd link; pwd -P | sed "s|^$HOME|~|"; pwd -L | sed "s|^$HOME|~|"
## stdout:
## ~/real
## ~/link
## status: 0

#### pwd with a bad option
pwd -x 2>/dev/null; echo $?
## stdout:
## 2
## status: 0

#### cd through a symlink then ..; symlink to a parent
mkdir -p a/b; ln -s .. a/b/up; cd a/b/up; pwd | sed "s|^$HOME|~|"; cd -P .; pwd | sed "s|^$HOME|~|"
## stdout:
## ~/a/b/up
## ~/a
## status: 0

#### pwd keeps the shell's own directory when PWD is assigned
mkdir -p real; ln -s real link; cd link; PWD=/tmp; pwd | sed "s|^$HOME|~|"; cd .; echo "$PWD" | sed "s|^$HOME|~|"
## stdout:
## ~/link
## ~/link
## status: 0

#### cd .. from the shell's own directory after PWD is assigned
mkdir -p real/sub; ln -s real/sub link; cd link; PWD=/nonexistent; cd ..; pwd | sed "s|^$HOME|~|"
## stdout:
## ~
## status: 0

#### cd in a subshell leaves the shell's directory
mkdir -p real; ln -s real link; cd link; (cd /); pwd | sed "s|^$HOME|~|"
## stdout:
## ~/link
## status: 0
