#!/bin/sh
# An argument parser in the usual getopts shape, with a summary of what it
# understood. Usage: args.sh [-v] [-q] [-o FILE] [-n COUNT] [--] ARG...
usage() {
  echo "usage: args.sh [-v] [-q] [-o FILE] [-n COUNT] [--] ARG..." >&2
  exit 2
}

verbose=0
quiet=no
output=-
count=1
while getopts vqo:n: opt; do
  case $opt in
    v) verbose=$((verbose + 1)) ;;
    q) quiet=yes ;;
    o) output=$OPTARG ;;
    n)
      case $OPTARG in
        ''|*[!0-9]*) echo "args.sh: -n wants a number, not '$OPTARG'" >&2; exit 2 ;;
      esac
      count=$OPTARG
      ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage

echo "verbose=$verbose quiet=$quiet output=$output count=$count"
i=0
for arg; do
  i=$((i + 1))
  n=0
  while [ $n -lt "$count" ]; do
    n=$((n + 1))
    echo "arg $i.$n: ${arg:-<empty>} (${#arg} chars)"
  done
done
