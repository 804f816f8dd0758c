# echo as bash has it: -n, -e, -E (and their clusters) as leading options,
# no escapes without -e. dash interprets escapes always, so these cases take
# bash as their oracle.

#### echo plain words
## oracle: bash
echo a  b   c
## stdout:
## a b c
## status: 0

#### echo no arguments
## oracle: bash
echo; echo ""; echo "" ""
## stdout:
##
##
##  
## status: 0

#### echo -n
## oracle: bash
echo -n a; echo -n; echo b
## stdout:
## ab
## status: 0

#### echo backslashes are literal without -e
## oracle: bash
echo 'a\tb\nc\\d\0101\x41\c'
## stdout:
## a\tb\nc\\d\0101\x41\c
## status: 0

#### echo -e escapes
## oracle: bash
echo -e 'a\tb|c\\d|\0101|\x41|\e[0m|\a\b\f\v\r' | od -An -c
## stdout:
##    a  \t   b   |   c   \   d   |   A   |   A   | 033   [   0   m
##    |  \a  \b  \f  \v  \r  \n
## status: 0

#### echo -e \c stops all output
## oracle: bash
echo -e 'one\ctwo' three; echo after
## stdout:
## oneafter
## status: 0

#### echo -e octal needs a leading zero
## oracle: bash
echo -e '\101|\0101|\01|\0|\0777' | od -An -tx1
## stdout:
##  5c 31 30 31 7c 41 7c 01 7c 00 7c ff 0a
## status: 0

#### echo -e hex escapes
## oracle: bash
echo -e '\x41\x4a\x4|\xg|\x|\xff' | od -An -tx1
## stdout:
##  41 4a 04 7c 5c 78 67 7c 5c 78 7c ff 0a
## status: 0

#### echo -e unicode escapes in the C locale
## oracle: bash
echo -e '\u41|\u00e9|\U0001F600|\u|\uZZ'
## stdout:
## A|\u00E9|\U0001F600|\u|\uZZ
## status: 0

#### echo -e unknown escapes keep the backslash
## oracle: bash
echo -e '\q\z\\ \'
## stdout:
## \q\z\ \
## status: 0

#### echo -E turns escapes off again
## oracle: bash
echo -e -E 'a\tb'; echo -E -e 'a\tb'; echo -eE 'a\tb'; echo -Ee 'a\tb'
## stdout:
## a\tb
## a	b
## a\tb
## a	b
## status: 0

#### echo option clusters
## oracle: bash
echo -ne 'x\n'; echo -en 'y\n'; echo -nEe 'z\n'; echo -nn a; echo
## stdout:
## x
## y
## z
## a
## status: 0

#### echo words that are not options
## oracle: bash
echo -; echo --; echo -x; echo -nx; echo -e- 'a'; echo -N a
## stdout:
## -
## --
## -x
## -nx
## -e- a
## -N a
## status: 0

#### echo options only at the start
## oracle: bash
echo a -n b; echo -- -n; echo "" -n
## stdout:
## a -n b
## -- -n
##  -n
## status: 0

#### echo -n alone prints nothing
## oracle: bash
echo -n | od -An -c; echo end
## stdout:
## end
## status: 0

#### echo -e with several arguments
## oracle: bash
echo -e 'a\t' 'b\n' c
## stdout:
## a	 b
##  c
## status: 0

#### echo non-UTF-8 bytes
## oracle: bash
echo "$(printf 'a\377b')" -e "$(printf '\351')" | od -An -tx1
## stdout:
##  61 ff 62 20 2d 65 20 e9 0a
## status: 0

#### echo -e non-UTF-8 through \x
## oracle: bash
echo -e '\xe9\xff\x80' | od -An -tx1
## stdout:
##  e9 ff 80 0a
## status: 0

#### echo empty strings and IFS
## oracle: bash
IFS=-; echo -n -e "a-b"; echo; set -- -n x; echo "$@"; echo $*
## stdout:
## a-b
## x n x
## status: 0

#### echo to a closed stdout fails
## oracle: bash
echo hi >&-; echo "status $?"
## stdout:
## status 1
## status: 0

#### echo -e unicode escapes in a UTF-8 locale
## oracle: bash
LC_ALL=C.UTF-8; echo -e '\u00e9|\U0001F600|\ud800|\U00110000|\U7FFFFFFF|\UFFFFFFFF' | od -An -tx1
## stdout:
##  c3 a9 7c f0 9f 98 80 7c ed a0 80 7c f4 90 80 80
##  7c fd bf bf bf bf bf 7c 0a
## status: 0

#### echo -e escapes beyond 31 bits in the C locale
## oracle: bash
echo -e '\UFFFFFFFF|\U80000000|\U7FFFFFFF|\udfff'
## stdout:
## ||\U7FFFFFFF|\uDFFF
## status: 0
