#!/bin/sh
# The N most frequent words of the input (files, or standard input).
# Usage: wordfreq.sh [-n N] [FILE...]
top=10
while getopts n: opt; do
  case $opt in
    n) top=$OPTARG ;;
    *) echo "usage: wordfreq.sh [-n N] [FILE...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

# Lower-case, one word per line, count, sort by count then word.
cat "$@" |
  tr 'A-Z' 'a-z' |
  tr -cs 'a-z0-9' '\n' |
  grep -v '^$' |
  sort |
  uniq -c |
  sort -k1,1nr -k2,2 |
  head -n "$top" |
  while read count word; do
    printf '%5d %s\n' "$count" "$word"
  done
