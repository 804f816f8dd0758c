#!/usr/bin/env bash
# Compares isosh with dash and bash in one hyperfine run per workload and
# prints a markdown table of medians and ratios (isosh ÷ dash, isosh ÷ bash),
# plus peak RSS. Usage: scripts/bench.sh [--quick] [--out FILE]
#
# Needs hyperfine, dash, bash and GNU time (Debian packages: hyperfine dash
# bash time) and python3 to summarise hyperfine's JSON.
set -euo pipefail

cd "$(dirname "$0")/.."
quick=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

for tool in hyperfine dash bash python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y hyperfine dash bash time)" >&2; exit 1; }
done

cargo build --release --quiet
isosh="$PWD/target/release/isosh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Workload scripts: plain command lists, so every shell runs the same text.
for _ in $(seq 1000); do echo /bin/true; done >"$work/spawn.sh"
for _ in $(seq 200); do echo '/bin/echo x | /bin/cat | /bin/cat >/dev/null'; done >"$work/pipes.sh"
bytes=2000000000
runs=(--warmup 3 --min-runs 10)
if [ "$quick" = 1 ]; then
  bytes=200000000
  runs=(--warmup 1 --runs 3)
fi
echo "head -c $bytes /dev/zero | cat | wc -c >/dev/null" >"$work/throughput.sh"

shells=(isosh dash bash)
shell_path() { if [ "$1" = isosh ]; then echo "$isosh"; else command -v "$1"; fi; }

bench() { # name, then the command template with SHELL for the shell
  local name=$1 template=$2 args=()
  for s in "${shells[@]}"; do
    args+=(--command-name "$s" "${template//SHELL/$(shell_path "$s")}")
  done
  hyperfine -N "${runs[@]}" --export-json "$work/$name.json" "${args[@]}" >/dev/null 2>&1 ||
    hyperfine "${runs[@]}" --export-json "$work/$name.json" "${args[@]}" >/dev/null
}

bench startup "SHELL -c true"
bench spawn-loop "SHELL $work/spawn.sh"
bench pipelines "SHELL $work/pipes.sh"
bench throughput "SHELL $work/throughput.sh"

# Peak RSS (KiB) of each shell running the spawn loop, best of 5.
for s in "${shells[@]}"; do
  best=""
  for _ in 1 2 3 4 5; do
    kb=$(/usr/bin/time -f %M "$(shell_path "$s")" "$work/spawn.sh" 2>&1 >/dev/null | tail -1)
    if [ -z "$best" ] || [ "$kb" -lt "$best" ]; then best=$kb; fi
  done
  echo "$s $best"
done >"$work/rss.txt"

python3 - "$work" "$bytes" >"$work/table.md" <<'PY'
import json, sys
work, nbytes = sys.argv[1], int(sys.argv[2])
rows = [
    ("startup", "`-c true`"),
    ("spawn-loop", "1000 × `/bin/true`"),
    ("pipelines", "200 × three-stage pipeline"),
    ("throughput", f"{nbytes / 1e9:g} GB through `head \\| cat \\| wc -c`"),
]
# Medians, and the ratio of minimums too: on a small shared machine the
# kernel-bound throughput run is noisy, and the minimum is the steadier
# estimate of what each shell costs.
print("| workload | isosh | dash | bash | isosh ÷ dash | isosh ÷ bash | ÷ dash (min) | ÷ bash (min) |")
print("|---|---|---|---|---|---|---|---|")
for name, label in rows:
    results = json.load(open(f"{work}/{name}.json"))["results"]
    med = {r["command"]: r["median"] for r in results}
    low = {r["command"]: r["min"] for r in results}
    fmt = lambda s: f"{s * 1000:.1f} ms"
    print(f"| {label} | {fmt(med['isosh'])} | {fmt(med['dash'])} | {fmt(med['bash'])} "
          f"| {med['isosh'] / med['dash']:.2f} | {med['isosh'] / med['bash']:.2f} "
          f"| {low['isosh'] / low['dash']:.2f} | {low['isosh'] / low['bash']:.2f} |")
rss = dict(line.split() for line in open(f"{work}/rss.txt"))
r = {k: int(v) for k, v in rss.items()}
print(f"| peak RSS (spawn loop) | {r['isosh']} KiB | {r['dash']} KiB | {r['bash']} KiB "
      f"| {r['isosh'] / r['dash']:.2f} | {r['isosh'] / r['bash']:.2f} | | |")
PY

cat "$work/table.md"
if [ -n "$out" ]; then cp "$work/table.md" "$out"; fi
