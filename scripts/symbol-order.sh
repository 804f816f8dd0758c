#!/usr/bin/env bash
# Writes build/symbol-order.txt: the functions isosh runs to start, to run
# `-c true`, a few programs and the bench's interpreter loops, as the
# linker names them. build.rs hands the file to lld, which puts these
# functions next to each other at the start of .text: a start touches a
# few 64 KiB blocks of the binary instead of functions spread over all of
# its 3.5 MB, and the kernel maps (and counts in the RSS) every block that
# is touched (fault-around). See docs/performance.md, "Issue 11".
#
# Rerun after big changes to the start-up path or the interpreter, or
# after a new rustc or new dependencies (which rename the symbols: a name
# the linker does not find is skipped, so a stale list only costs RSS).
# Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "symbol-order: valgrind is missing" >&2; exit 1; }
cargo build --release --quiet
isosh="$PWD/target/$(rustc -vV | sed -n 's/^host: //p')/release/isosh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for _ in 1 2 3; do echo /bin/true; done >"$work/spawn.sh"
echo '/bin/echo x | /bin/cat >/dev/null' >"$work/pipe.sh"
# The bench's loops (scripts/bench.sh), shortened.
loops=200
echo "i=0; s=; while [ \$i -lt $loops ]; do i=\$((i+1)); s=\${i%?}x; done" >"$work/while.sh"
echo "i=0; while [ \$i -lt $loops ]; do case \$((i%3)) in 0) a=1;; 1) a=2;; *) a=3;; esac; i=\$((i+1)); done" >"$work/case.sh"
echo "f() { r=\$1; }; i=0; while [ \$i -lt $loops ]; do x=a/b\$i; y=\${x#*/}; case \$y in b1*) f \$y;; *) : ;; esac; i=\$((i+1)); done" >"$work/mixed.sh"
n=0
for run in "-c true" "$work/spawn.sh" "$work/pipe.sh" "$work/while.sh" "$work/case.sh" "$work/mixed.sh"; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.$n" "$isosh" $run >/dev/null 2>&1
done
# Function names in the order callgrind first lists them, run by run;
# unnamed addresses (PLT stubs) left out, recursion marks ('2) dropped.
for i in $(seq "$n"); do
  sed -nE 's/^c?fn=\([0-9]+\) (.*)$/\1/p' "$work/cg.$i"
done | grep -v '^0x' | sed -E "s/'[0-9]+$//" >"$work/seen"
# What glibc runs natively but not under valgrind: the EVEX/AVX-512
# versions of the string functions (valgrind's CPU has no AVX-512, so
# glibc picks the AVX2 ones there), strcmp (which it calls before
# valgrind's view starts), _start and the set-up of the kernel's vDSO
# (valgrind gives the program none).
nm "$isosh" | awk '{print $NF}' >"$work/all"
sed -nE 's/^(__[a-z0-9]+)_(avx2|avx)(_.*)?$/\1/p' "$work/seen" | sort -u | while read -r base; do
  grep -E "^${base}_(evex|avx512)" "$work/all" || true
done >"$work/native"
for f in _start __strcmp_avx2 __strcmp_evex _dl_new_object _dl_add_to_namespace_list _dl_setup_hash ___pthread_mutex_lock __pthread_mutex_unlock \
  __pthread_mutex_unlock_usercnt _dl_lookup_symbol_x do_lookup_x check_match; do
  echo "$f"
done >>"$work/native"
cat "$work/seen" "$work/native" | awk '!seen[$0]++' >build/symbol-order.txt
echo "symbol-order: $(wc -l <build/symbol-order.txt) functions in build/symbol-order.txt"
