# Builtins of issue 11: umask symbolic modes, printf's * widths and %q,
# type for aliases and keywords.

#### umask symbolic modes
umask 022; umask a+w; umask; umask -S; umask u=rwx,g=rx,o=; umask; umask go-w; umask; umask o+x,g-r; umask
## stdout:
## 0000
## u=rwx,g=rwx,o=rwx
## 0027
## 0027
## 0066
## status: 0

#### umask = and copying a class
umask 022; umask a=; umask; umask 027; umask g=u; umask; umask 777; umask -S
## stdout:
## 0777
## 0007
## u=,g=,o=
## status: 0

#### umask several operators in one clause
umask 000; umask u-w+x,g=r-w; umask
## stdout:
## 0230
## status: 0

#### umask bad symbolic mode
umask 022; umask q+r; echo "status $?"; umask
## stdout:
## status 2
## 0022
## status: 0

#### umask affects new files
umask 000; umask go-w; : > f; ls -l f | cut -c1-10
## stdout:
## -rw-r--r--
## status: 0

#### printf * width and precision
printf '%*d|%-*s|%.*s|%*.*f|\n' 5 42 4 ab 2 abcdef 8 2 3.14159
## stdout:
##    42|ab  |ab|    3.14|
## status: 0

#### printf negative * width left-aligns
printf '%*s|\n' -4 ab
## stdout:
## ab  |
## status: 0

#### printf %q quotes for the shell
## oracle: bash (dash has no %q)
printf '%q\n' 'a b' "it's" '' '~x' 'a~' 'x=1' 'a,b' '$HOME' 'tab	here'
## stdout:
## a\ b
## it\'s
## ''
## \~x
## a~
## x=1
## a\,b
## \$HOME
## $'tab\there'
## status: 0

#### printf %q output reads back
## oracle: bash (dash has no %q)
s=$(printf '%q ' 'a b' "c'd" 'e"f' '*'); eval "set -- $s"; printf '<%s>' "$@"; echo
## stdout:
## <a b><c'd><e"f><*>
## status: 0

#### type of an alias, keyword, builtin
alias ll='ls -l'
type ll if cd; command -v ll
## stdout:
## ll is an alias for ls -l
## if is a shell keyword
## cd is a shell builtin
## alias ll='ls -l'
## status: 0

#### type of [[ and function in bash
## oracle: bash
type '[[' function 2>&1
## stdout:
## [[ is a shell keyword
## function is a shell keyword
## status: 0
