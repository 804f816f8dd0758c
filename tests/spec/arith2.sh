# Arithmetic (issue 11): every C operator, assignment operators, ++/--,
# ?:, the comma, bases 0x, 0 and N#, and errors as dash and bash have them.

#### all binary operators
echo $((7+2)) $((7-2)) $((7*2)) $((7/2)) $((7%2)) $((-7/2)) $((-7%2)) $((7%-2))
echo $((1<<4)) $((256>>2)) $((-1>>1)) $((5&3)) $((5|3)) $((5^3))
echo $((1<2)) $((2<=2)) $((3>2)) $((3>=4)) $((1==1)) $((1!=1)) $((1&&0)) $((0||2))
## stdout:
## 9 5 14 3 1 -3 -1 1
## 16 64 -1 1 7 6
## 1 1 1 0 1 0 0 1
## status: 0

#### unary operators
x=5; echo $((-x)) $((+x)) $((~x)) $((!x)) $((!0)) $((- -x)) $((-(-3))) $((~-1))
## stdout:
## -5 5 -6 0 1 5 3 0
## status: 0

#### precedence
echo $((1+2*3)) $((1<<2+1)) $((1|2&3)) $((1^3|4)) $((2+3==5)) $((1<2==1)) $((1&&0||1)) $((6/3*2)) $((1-2-3))
## stdout:
## 7 8 3 6 1 1 1 4 -4
## status: 0

#### conditional operator
echo $((1?2:3)) $((0?2:3)) $((1 ? 0 ? 5 : 6 : 7)) $((0 ? 1 : 0 ? 2 : 3))
## stdout:
## 2 3 6 3
## status: 0

#### conditional skips the other side
x=0; y=0; : $((1 ? (x=1) : (y=1))); echo $x $y
## stdout:
## 1 0
## status: 0

#### short circuit skips division by zero and assignments
echo $((0 && 1/0)) $((1 || 1/0)) $((1 ? 2 : 1/0)); x=0; : $((0 && (x=5))); echo $x
## stdout:
## 0 1 2
## 0
## status: 0

#### assignment operators
x=5; echo $((x+=2)) $((x-=1)) $((x*=3)) $((x/=2)) $((x%=4)) $((x<<=2)) $((x>>=1)) $((x&=7)) $((x|=8)) $((x^=1)) $x
## stdout:
## 7 6 18 9 1 4 2 2 10 11 11
## status: 0

#### chained assignment
echo $((a=b=3)) $a $b
## stdout:
## 3 3 3
## status: 0

#### assignment to an unset variable
unset n; echo $((n+=4)) $n
## stdout:
## 4 4
## status: 0

#### bases: hex and octal
echo $((0x1f)) $((0X10)) $((010)) $((0)) $((0x0)) $((010 + 0x1F))
## stdout:
## 31 16 8 0 0 39
## status: 0

#### variables holding hex and octal
x=0x10 y=010 z=' 7 '; echo $((x + y + z))
## stdout:
## 31
## status: 0

#### empty and unset variables are 0
e=; unset u; echo $((e + u + 1))
## stdout:
## 1
## status: 0

#### variable names in arithmetic without $
a=3 b=4; echo $((a*b)) $(($a*$b)) $((a * b + ${b}))
## stdout:
## 12 12 16
## status: 0

#### large numbers wrap
echo $((9223372036854775807 + 1)) $((-9223372036854775807 - 1)) $((1<<63))
## stdout:
## -9223372036854775808 -9223372036854775808 -9223372036854775808
## status: 0

#### division by zero is an error
echo $((1/0)); echo after
## stdout:
## status: 2

#### modulo by zero is an error
x=$((5%0)); echo after
## stdout:
## status: 2

#### unbalanced parenthesis is an error
echo $(( (1 + 2 ));  echo after
## stdout:
## status: 2

#### missing operand is an error
echo $((1+)); echo after
## stdout:
## status: 2

#### two operands are an error
echo $((1 2)); echo after
## stdout:
## status: 2

#### bad octal constant is an error
echo $((08)); echo after
## stdout:
## status: 2

#### arithmetic error in a function stops the shell
f() { echo $((1/0)); echo in; }; f; echo after
## stdout:
## status: 2

#### arithmetic in a subshell error does not stop the parent
(echo $((1/0))) 2>/dev/null; echo "after $?"
## stdout:
## after 2
## status: 0

#### readonly in an arithmetic assignment
readonly r=1; (echo $((r=5))) 2>/dev/null || echo refused; echo $r
## stdout:
## refused
## 1
## status: 0

#### arithmetic inside parameter expansion
x=3; echo ${y:-$((x*2))} $(( ${#x} + 1 ))
## stdout:
## 6 2
## status: 0

#### nested arithmetic and command substitution
echo $(( $(echo 3) * $((2+2)) ))
## stdout:
## 12
## status: 0

#### whitespace and newlines inside
echo $((
  1 +
  2 ))
## stdout:
## 3
## status: 0

#### assignment value keeps decimal form
x=0x10; : $((x+=0)); echo $x
## stdout:
## 16
## status: 0

#### power operator
## oracle: bash (dash has no **)
echo $((2**10)) $((2**3**2)) $((-2**2)) $((2**0)) $((0**0)) $((2**63)) $((3**3*2))
## stdout:
## 1024 512 4 1 1 -9223372036854775808 54
## status: 0

#### negative exponent is an error
## oracle: bash (dash has no **)
if (echo $((2**-1))) 2>/dev/null; then echo ok; else echo failed; fi
## stdout:
## failed
## status: 0

#### comma operator
## oracle: bash (dash has no ,)
echo $((1,2)) $((x=1,y=2,x+y)) $(( (1,2)+1 )) $((1?2,3:4))
## stdout:
## 2 3 3 3
## status: 0

#### post and pre increment
## oracle: bash (dash has no ++)
x=5; echo $((x++)) $x $((++x)) $x $((x--)) $x $((--x)) $x
## stdout:
## 5 6 7 7 7 6 5 5
## status: 0

#### increment inside a larger expression
## oracle: bash (dash has no ++)
x=5; echo $((x++ + ++x)) $x; y=1; echo $((y+++1)) $y
## stdout:
## 12 7
## 2 2
## status: 0

#### ++ and -- between numbers are signs
## oracle: bash (dash has no ++)
echo $((1--1)) $((1++2)) $((++5)) $((--5)) $((- -5))
## stdout:
## 2 3 5 5 5
## status: 0

#### increment of an unset variable
## oracle: bash (dash has no ++)
unset i; echo $((i++)) $i; unset j; echo $((--j)) $j
## stdout:
## 0 1
## -1 -1
## status: 0

#### increment of a number is an error
## oracle: bash (dash has no ++)
if (echo $((5++))) 2>/dev/null; then echo ok; else echo failed; fi
## stdout:
## failed
## status: 0

#### increment in a loop
## oracle: bash (dash has no ++)
i=0; while [ $i -lt 5 ]; do : $((i++)); done; echo $i
## stdout:
## 5
## status: 0

#### base N#digits
## oracle: bash (dash has no N#)
echo $((2#101)) $((8#17)) $((16#ff)) $((16#FF)) $((36#z)) $((36#Z)) $((64#@)) $((64#_)) $((62#Z)) $((37#a)) $((37#A))
## stdout:
## 5 15 255 255 35 35 62 63 61 10 36
## status: 0

#### base digit too great is an error
## oracle: bash (dash has no N#)
if (echo $((2#3))) 2>/dev/null; then echo ok; else echo failed; fi
if (echo $((1#1))) 2>/dev/null; then echo ok; else echo failed; fi
if (echo $((65#1))) 2>/dev/null; then echo ok; else echo failed; fi
## stdout:
## failed
## failed
## failed
## status: 0

#### variables holding expressions
## oracle: bash (dash wants numbers)
x=3+4; echo $((x*2)); y=x; echo $((y+1)); z='a'; a=9; echo $((z))
## stdout:
## 14
## 8
## 9
## status: 0

#### a bare 0x is zero
## oracle: bash (dash refuses)
echo $((0x))
## stdout:
## 0
## status: 0

#### assignment to a constant is an error
if (echo $((1=2))) 2>/dev/null; then echo ok; else echo failed; fi
## stdout:
## failed
## status: 0

#### nounset and arithmetic
## oracle: bash (same as dash; bash is explicit)
set -u; if (echo $((nope + 1))) 2>/dev/null; then echo ok; else echo failed; fi; nope=2; echo $((nope+1))
## stdout:
## failed
## 3
## status: 0

#### shift counts
echo $((1<<0)) $((1<<62)) $((-8>>1)) $((5>>0))
## stdout:
## 1 4611686018427387904 -4 5
## status: 0

#### comparisons of negative numbers
echo $((-1 < 0)) $((-5 > -6)) $((-1 == -1)) $(( -3 % 2 ))
## stdout:
## 1 1 1 -1
## status: 0
