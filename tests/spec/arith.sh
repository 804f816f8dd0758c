# Arithmetic expansion.

#### addition
echo $((1 + 2))
## stdout:
## 3
## status: 0

#### precedence
echo $((2 + 3 * 4))
## stdout:
## 14
## status: 0

#### parentheses
echo $(( (2 + 3) * 4 ))
## stdout:
## 20
## status: 0

#### division truncates
echo $((7 / 2)) $((-7 / 2))
## stdout:
## 3 -3
## status: 0

#### modulo
echo $((7 % 3)) $((-7 % 3))
## stdout:
## 1 -1
## status: 0

#### comparison
echo $((3 < 5)) $((3 > 5)) $((3 <= 3)) $((3 >= 4)) $((2 == 2)) $((2 != 2))
## stdout:
## 1 0 1 0 1 0
## status: 0

#### logical
echo $((1 && 0)) $((1 || 0)) $((!5)) $((!0))
## stdout:
## 0 1 0 1
## status: 0

#### bitwise
echo $((6 & 3)) $((6 | 3)) $((6 ^ 3)) $((~0)) $((1 << 4)) $((256 >> 2))
## stdout:
## 2 7 5 -1 16 64
## status: 0

#### ternary
echo $((5 > 3 ? 10 : 20))
## stdout:
## 10
## status: 0

#### variables by name
x=4; echo $((x * x))
## stdout:
## 16
## status: 0

#### variables with dollar
x=4; echo $(($x + 1))
## stdout:
## 5
## status: 0

#### unset variable is zero
echo $((nope + 1))
## stdout:
## 1
## status: 0

#### assignment
echo $((y = 7)); echo $y
## stdout:
## 7
## 7
## status: 0

#### compound assignment
z=10; echo $((z += 5)) $((z -= 3)) $((z *= 2)) $((z /= 4)) $((z %= 4))
## stdout:
## 15 12 24 6 2
## status: 0

#### shift assignment
s=1; echo $((s <<= 3)) $((s >>= 1))
## stdout:
## 8 4
## status: 0

#### hex and octal
echo $((0x1F)) $((010)) $((0))
## stdout:
## 31 8 0
## status: 0

#### negative numbers
echo $((-5 + 2)) $((- -3))
## stdout:
## -3 3
## status: 0

#### unary plus and minus
x=3; echo $((-x)) $((+x))
## stdout:
## -3 3
## status: 0

#### nested arithmetic
echo $(( $((2*3)) + 1 ))
## stdout:
## 7
## status: 0

#### arithmetic in loop counter
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo $i
## stdout:
## 3
## status: 0

#### short circuit does not assign
echo $((0 && (q = 1))); echo "[${q-unset}]"
## stdout:
## 0
## [unset]
## status: 0

#### spaces optional
echo $((1+2*3-4/2))
## stdout:
## 5
## status: 0

#### division by zero is an error
echo $((1 / 0)); echo after
## stdout:
## status: 2

#### arithmetic in double quotes
echo "sum=$((1+1))"
## stdout:
## sum=2
## status: 0

#### large numbers
echo $((2147483647 + 1))
## stdout:
## 2147483648
## status: 0

#### comparison chain
echo $((1 < 2 == 1))
## stdout:
## 1
## status: 0

#### variable with arithmetic value
n=5; m=$((n * 2)); echo $m
## stdout:
## 10
## status: 0

#### arithmetic with command substitution
echo $(( $(echo 3) * 2 ))
## stdout:
## 6
## status: 0

#### arithmetic with positional
set -- 4 5; echo $(($1 + $2))
## stdout:
## 9
## status: 0

#### modulo negative divisor
echo $((7 % -3))
## stdout:
## 1
## status: 0

#### empty expression
echo $(( ))
## stdout:
## status: 2
