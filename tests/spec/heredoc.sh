# Here-documents.

#### basic heredoc
cat <<EOF
hello
world
EOF
## stdout:
## hello
## world
## status: 0

#### heredoc expands variables
x=value; cat <<EOF
x is $x
EOF
## stdout:
## x is value
## status: 0

#### quoted delimiter no expansion
x=value; cat <<'EOF'
x is $x
EOF
## stdout:
## x is $x
## status: 0

#### double quoted delimiter
x=value; cat <<"EOF"
x is $x and `echo no`
EOF
## stdout:
## x is $x and `echo no`
## status: 0

#### escaped delimiter
x=v; cat <<\EOF
$x
EOF
## stdout:
## $x
## status: 0

#### dash strips tabs
cat <<-EOF
	indented
		twice
	EOF
## stdout:
## indented
## twice
## status: 0

#### heredoc command substitution
cat <<EOF
$(echo sub) `echo bq` $((6*7))
EOF
## stdout:
## sub bq 42
## status: 0

#### heredoc backslash rules
cat <<EOF
a\$b \\ \` "q" \x
EOF
## stdout:
## a$b \ ` "q" \x
## status: 0

#### heredoc line continuation
cat <<EOF
one \
two
EOF
## stdout:
## one two
## status: 0

#### two heredocs one line
cat <<A; cat <<B
first
A
second
B
## stdout:
## first
## second
## status: 0

#### heredoc to fd
cat <&3 3<<EOF
on three
EOF
## stdout:
## status: 2

#### heredoc in function
f() { cat <<EOF
in function $1
EOF
}; f arg
## stdout:
## in function arg
## status: 0

#### heredoc in loop
for i in 1 2; do cat <<EOF
iteration $i
EOF
done
## stdout:
## iteration 1
## iteration 2
## status: 0

#### heredoc into while read
while read a b; do echo "$b $a"; done <<EOF
1 one
2 two
EOF
## stdout:
## one 1
## two 2
## status: 0

#### heredoc with pipe
cat <<EOF | tr a-z A-Z
shout
EOF
## stdout:
## SHOUT
## status: 0

#### heredoc empty
cat <<EOF
EOF
echo after
## stdout:
## after
## status: 0

#### heredoc delimiter must be whole line
cat <<EOF
EOF not end
EOF
## stdout:
## EOF not end
## status: 0

#### heredoc and command after
cat <<EOF; echo next
body
EOF
## stdout:
## body
## next
## status: 0

#### heredoc in subshell
(cat <<EOF
sub
EOF
)
## stdout:
## sub
## status: 0

#### heredoc with read multiple lines
{ read a; read b; } <<EOF
first
second
EOF
echo "$b $a"
## stdout:
## second first
## status: 0

#### heredoc keeps leading spaces
cat <<EOF
   spaced
EOF
## stdout:
##    spaced
## status: 0

#### heredoc dollar at end
cat <<EOF
cost $
EOF
## stdout:
## cost $
## status: 0

#### heredoc in if
if true; then cat <<EOF
inside if
EOF
fi
## stdout:
## inside if
## status: 0

#### heredoc with tabs not stripped without dash
cat <<EOF
	tab
EOF
## stdout:
## 	tab
## status: 0

#### heredoc line count
cat <<EOF | wc -l
1
2
3
4
5
EOF
## stdout:
## 5
## status: 0

#### heredoc positional parameters
set -- p1 p2; cat <<EOF
$1 and $2 of $#
EOF
## stdout:
## p1 and p2 of 2
## status: 0

#### heredoc default expansion
cat <<EOF
${undefined:-fallback}
EOF
## stdout:
## fallback
## status: 0

#### heredoc on builtin read with IFS
IFS=: read a b <<EOF
left:right
EOF
echo "$b|$a"
## stdout:
## right|left
## status: 0
