#!/usr/bin/env bash
# Measures isosh against other tools doing the same work, one hyperfine run
# per workload, and prints markdown tables of medians and ratios:
#   - the shell: isosh vs dash vs bash (startup, spawn loop, pipelines,
#     throughput, peak RSS);
#   - the time to the first prompt, through a pty, with a 10 000-line
#     history and an rc file (scripts/first-prompt.py): isosh vs dash, bash;
#   - isolate blocks: vs `unshare … chroot`, bubblewrap and crun.
# Usage: scripts/bench.sh [--quick] [--out FILE] [--only shell|prompt|isolate]
#
# Needs hyperfine, dash, bash, GNU time and python3; the isolate part also
# needs root, bwrap, crun and busybox-static (Debian packages: hyperfine dash
# bash time bubblewrap crun busybox-static).
set -euo pipefail

cd "$(dirname "$0")/.."
quick=0
out=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out="$2"; shift ;;
    --only) only="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--out FILE] [--only shell|prompt|isolate]" >&2; exit 2 ;;
  esac
  shift
done

for tool in hyperfine dash bash python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y hyperfine dash bash time)" >&2; exit 1; }
done

cargo build --release --quiet
# .cargo/config.toml builds for the host triple, so the binary sits below it.
isosh="$PWD/target/$(rustc -vV | sed -n 's/^host: //p')/release/isosh"
# The start-up RSS depends on build/symbol-order.txt naming the functions
# of this build (a new rustc or new dependencies rename them).
if command -v nm >/dev/null && [ -f build/symbol-order.txt ]; then
  listed=$(wc -l <build/symbol-order.txt)
  found=$(nm "$isosh" | awk '{print $NF}' | grep -cxFf - build/symbol-order.txt || true)
  if [ $((found * 10)) -lt $((listed * 8)) ]; then
    echo "bench: only $found of the $listed functions in build/symbol-order.txt are in isosh; run scripts/symbol-order.sh" >&2
  fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

runs=(--warmup 3 --min-runs 10)
bytes=2000000000
if [ "$quick" = 1 ]; then
  bytes=200000000
  runs=(--warmup 1 --runs 3)
fi

# bench NAME LABEL CMD [LABEL CMD]...: one hyperfine run; the first command
# is the one the others are compared with.
bench() {
  local name=$1 args=()
  shift
  while [ $# -gt 0 ]; do
    args+=(--command-name "$1" "$2")
    shift 2
  done
  hyperfine -N "${runs[@]}" --export-json "$work/$name.json" "${args[@]}" >/dev/null
}

tables=()

if [ "$only" = "" ] || [ "$only" = shell ]; then
  # Workload scripts: plain command lists, so every shell runs the same text.
  for _ in $(seq 1000); do echo /bin/true; done >"$work/spawn.sh"
  for _ in $(seq 200); do echo '/bin/echo x | /bin/cat | /bin/cat >/dev/null'; done >"$work/pipes.sh"
  echo "head -c $bytes /dev/zero | cat | wc -c >/dev/null" >"$work/throughput.sh"
  # The interpreter alone: no processes, only the shell's own work.
  loops=200000
  [ "$quick" = 1 ] && loops=20000
  echo "i=0; s=; while [ \$i -lt $loops ]; do i=\$((i+1)); s=\${i%?}x; done" >"$work/while.sh"
  echo "f() { r=\$1; }; i=0; while [ \$i -lt $loops ]; do f \$i; i=\$((i+1)); done" >"$work/func.sh"
  echo "i=0; while [ \$i -lt $loops ]; do case \$((i%3)) in 0) a=1;; 1) a=2;; *) a=3;; esac; i=\$((i+1)); done" >"$work/case.sh"
  # The issue's builtin-only loop: arithmetic, ${x#p}, case and a function call in one body.
  echo "f() { r=\$1; }; i=0; while [ \$i -lt $loops ]; do x=a/b\$i; y=\${x#*/}; case \$y in b1*) f \$y;; *) : ;; esac; i=\$((i+1)); done" >"$work/mixed.sh"
  bench startup isosh "$isosh -c true" dash "dash -c true" bash "bash -c true"
  bench spawn-loop isosh "$isosh $work/spawn.sh" dash "dash $work/spawn.sh" bash "bash $work/spawn.sh"
  bench pipelines isosh "$isosh $work/pipes.sh" dash "dash $work/pipes.sh" bash "bash $work/pipes.sh"
  bench throughput isosh "$isosh $work/throughput.sh" dash "dash $work/throughput.sh" bash "bash $work/throughput.sh"
  for w in while func case mixed; do
    bench "loop-$w" isosh "$isosh $work/$w.sh" dash "dash $work/$w.sh" bash "bash $work/$w.sh"
  done
  # Peak RSS (KiB) of each shell running the spawn loop, best of 5.
  for s in isosh dash bash; do
    prog=$isosh; [ "$s" = isosh ] || prog=$(command -v "$s")
    best=""
    for _ in 1 2 3 4 5; do
      kb=$(/usr/bin/time -f %M "$prog" "$work/spawn.sh" 2>&1 >/dev/null | tail -1)
      if [ -z "$best" ] || [ "$kb" -lt "$best" ]; then best=$kb; fi
    done
    # and of `-c true`, the smallest run
    best_true=""
    for _ in 1 2 3 4 5; do
      kb=$(/usr/bin/time -f %M "$prog" -c true 2>&1 >/dev/null | tail -1)
      if [ -z "$best_true" ] || [ "$kb" -lt "$best_true" ]; then best_true=$kb; fi
    done
    echo "$s $best"
    echo "$s $best_true" >>"$work/rss_true.txt"
  done >"$work/rss.txt"
  tables+=("shell:startup=\`-c true\`,spawn-loop=1000 × \`/bin/true\`,pipelines=200 × three-stage pipeline,throughput=$((bytes / 1000000)) MB through \`head | cat | wc -c\`,loop-while=$loops × while with arithmetic and \`\${i%?}\`,loop-func=$loops function calls,loop-case=$loops × case,loop-mixed=$loops × arithmetic + \`\${x#*/}\` + case + function call")
fi

if [ "$only" != isolate ]; then
  # Time to the first prompt, through a pty: each shell started
  # interactively in the same HOME, with a 10 000-line history (HISTSIZE
  # 10000, so every line is loaded) and an rc file that sets the prompt,
  # until the prompt text appears (scripts/first-prompt.py).
  home="$work/home"
  mkdir -p "$home/.local/share/isosh" "$home/.config/isosh"
  python3 - "$home" <<'PY'
import sys
home = sys.argv[1]
words = ["ls -l", "git status", "cd src", "make test", "grep -rn TODO", "vi notes.txt", "echo"]
lines = [f"{words[i % len(words)]} {i} # history line {i}" for i in range(10000)]
for path in [f"{home}/.local/share/isosh/history", f"{home}/.bash_history"]:
    open(path, "w").write("\n".join(lines) + "\n")
PY
  cat >"$home/.config/isosh/rc" <<'RC'
# A small rc file such as people keep: environment, aliases, a function,
# a PATH edit and the prompt.
export EDITOR=vi PAGER=less LESS=-R
umask 022
alias ll='ls -l' la='ls -A' l='ls -CF' gs='git status' gd='git diff'
alias ..='cd ..' ...='cd ../..'
mkcd() { mkdir -p "$1" && cd "$1"; }
up() { i=${1:-1}; while [ "$i" -gt 0 ]; do cd ..; i=$((i - 1)); done; }
for d in /usr/local/sbin "$HOME/bin" "$HOME/.local/bin"; do
  case ":$PATH:" in *":$d:"*) ;; *) PATH=$PATH:$d ;; esac
done
export PATH
PS1='READY> '
RC
  cp "$home/.config/isosh/rc" "$home/.bashrc"
  cp "$home/.config/isosh/rc" "$home/.shrc"
  py=$(python3 -c 'import sys; print(sys.executable)')
  prompt_runs=20
  [ "$quick" = 1 ] && prompt_runs=5
  first_prompt() {
    env -i PATH=/usr/local/bin:/usr/bin:/bin TERM=xterm HISTSIZE=10000 HISTFILESIZE=10000 ENV="$home/.shrc" \
      "$py" scripts/first-prompt.py "$prompt_runs" 'READY> ' "$home" -- "$@"
  }
  {
    first_prompt "$isosh"
    first_prompt dash -i
    first_prompt bash -i
  } | python3 -c '
import json, statistics, sys
names = ["isosh", "dash", "bash"]
res = [json.loads(l) for l in sys.stdin]
out = [{"command": n, "median": statistics.median(r["times"]), "min": min(r["times"])} for n, r in zip(names, res)]
json.dump({"results": out}, open(sys.argv[1], "w"))
' "$work/first-prompt.json"
  tables+=("prompt:first-prompt=first prompt through a pty (10 000-line history and an rc file)")
fi

if [ "$only" = "" ] || [ "$only" = isolate ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench: isolate workloads need root; skipped" >&2
  else
    for tool in bwrap crun unshare; do
      command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y bubblewrap crun)" >&2; exit 1; }
    done
    [ -x /bin/busybox ] || { echo "bench: busybox-static is missing" >&2; exit 1; }
    bw="bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp"
    us="unshare --fork --pid --mount --uts --ipc --net --cgroup chroot /"
    # The same setup isosh does (private propagation, tmpfs, overlay of /,
    # proc, a minimal /dev, tmp, read-only sys, pivot_root), by hand.
    cat >"$work/unshare-mounts.sh" <<'SCRIPT'
unshare --fork --pid --mount --uts --ipc --net --cgroup sh -c '
mount --make-rprivate / && mount -t tmpfs t /tmp && mkdir /tmp/r /tmp/u /tmp/w &&
mount -t overlay o -o lowerdir=/,upperdir=/tmp/u,workdir=/tmp/w /tmp/r && mount -t proc p /tmp/r/proc &&
mount -t tmpfs d /tmp/r/dev && for d in null zero full random urandom tty; do touch /tmp/r/dev/$d && mount --bind /dev/$d /tmp/r/dev/$d; done &&
mkdir /tmp/r/dev/pts /tmp/r/dev/shm && mount -t devpts -o newinstance,ptmxmode=0666 x /tmp/r/dev/pts &&
mount -t tmpfs s /tmp/r/dev/shm && mount -t tmpfs t /tmp/r/tmp && mount -t sysfs -o ro s /tmp/r/sys &&
cd /tmp/r && pivot_root . . && umount -l . && exec /bin/true'
SCRIPT
    # The floor: the leads' minimal C launcher (clone of five namespaces, a
    # bound root, /proc, pivot_root, exec), when ../shared has it.
    floor=()
    if [ -f ../shared/bench/isorun.c ] && command -v gcc >/dev/null; then
      gcc -O2 -o "$work/isorun" ../shared/bench/isorun.c
      mkdir -p "$work/floor/bin" "$work/floor/proc"
      cp /bin/busybox "$work/floor/bin/" && ln -s busybox "$work/floor/bin/true"
      floor=(isorun "$work/isorun $work/floor /bin/true")
    else
      echo "bench: ../shared/bench/isorun.c or gcc missing; no isorun column" >&2
    fi
    bench isolate-true isosh "$isosh -c 'isolate < /bin/true >'" "unshare+chroot" "$us /bin/true" bwrap "$bw /bin/true" \
      "unshare+same mounts" "dash $work/unshare-mounts.sh" "${floor[@]}"
    # Against the floor on the floor's own root (static busybox, no
    # dynamic loading through the overlay of the host's /): the same body
    # for both.
    if [ ${#floor[@]} -gt 0 ]; then
      bench isolate-floor isosh "$isosh -c 'isolate --rootfs $work/floor < /bin/true >'" "${floor[@]}"
    fi
    bench isolate-pipe isosh "$isosh -c 'echo hi | isolate < /bin/cat > >/dev/null'" \
      "unshare+chroot" "dash -c 'echo hi | $us /bin/cat >/dev/null'" bwrap "dash -c 'echo hi | $bw /bin/cat >/dev/null'"
    # 50 blocks at once: one pipeline of 50 stages.
    blocks=$(for _ in $(seq 50); do printf 'isolate < /bin/true > | '; done)
    bwraps=$(for _ in $(seq 50); do printf '%s /bin/true | ' "$bw"; done)
    bench isolate-50 isosh "$isosh -c '${blocks}/bin/true'" bwrap "dash -c '${bwraps}/bin/true'"
    # With cgroup limits, against crun running an equivalent OCI bundle: a
    # busybox root, 64 MiB memory, 20 pids. On a hybrid cgroup host crun
    # must not see the empty cgroup2 mount, so it runs in a mount namespace
    # where that mount is hidden.
    bundle="$work/bundle"
    mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/tmp" "$bundle/rootfs/sys"
    cp /bin/busybox "$bundle/rootfs/bin/"
    ln -s busybox "$bundle/rootfs/bin/true"
    (cd "$bundle" && crun spec)
    python3 - "$bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"] = {"path": "rootfs", "readonly": True}
c["linux"]["resources"] = {"memory": {"limit": 64 << 20}, "pids": {"limit": 20}}
json.dump(c, open(sys.argv[1], "w"))
PY
    cat >"$work/crun-run.sh" <<EOF
#!/bin/sh
exec unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run --bundle "$bundle" "isosh-bench-\$\$"'
EOF
    chmod +x "$work/crun-run.sh"
    bench isolate-limits isosh "$isosh -c 'isolate --memory 64M --pids-limit 20 --rootfs $bundle/rootfs < /bin/true >'" crun "$work/crun-run.sh"
    tables+=("isolate:isolate-true=\`isolate < /bin/true >\`,isolate-floor=\`isolate --rootfs FLOOR < /bin/true >\` (busybox root: the floor's own),isolate-pipe=\`echo hi | isolate < cat >\`,isolate-50=50 blocks at once,isolate-limits=with --memory 64M --pids-limit 20 (busybox root)")
  fi
fi

python3 - "$work" "${tables[@]}" >"$work/table.md" <<'PY'
import json, os, sys
work = sys.argv[1]
for spec in sys.argv[2:]:
    kind, rows = spec.split(":", 1)
    rows = [r.split("=", 1) for r in rows.split(",")]
    results = {name: json.load(open(f"{work}/{name}.json"))["results"] for name, _ in rows}
    labels = []
    for res in results.values():
        for r in res:
            if r["command"] not in labels:
                labels.append(r["command"])
    first = labels[0]
    others = labels[1:]
    # Medians, and ratios of minimums too: on a small shared machine the
    # kernel-bound runs are noisy, and the minimum is the steadier estimate.
    heads = [f"{first} ÷ {o}" for o in others] + [f"÷ {o} (min)" for o in others]
    print("| workload | " + " | ".join(labels) + " | " + " | ".join(heads) + " |")
    print("|---" * (1 + len(labels) + len(heads)) + "|")
    fmt = lambda s: f"{s * 1000:.1f} ms"
    for name, label in rows:
        med = {r["command"]: r["median"] for r in results[name]}
        low = {r["command"]: r["min"] for r in results[name]}
        cells = [fmt(med[l]) if l in med else "" for l in labels]
        ratios = [f"{med[first] / med[o]:.2f}" if o in med else "" for o in others]
        ratios += [f"{low[first] / low[o]:.2f}" if o in low else "" for o in others]
        label = label.replace("|", "\\|")
        print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    if kind == "shell" and os.path.exists(f"{work}/rss.txt"):
        rss = {k: int(v) for k, v in (line.split() for line in open(f"{work}/rss.txt"))}
        cells = [f"{rss[l]} KiB" for l in labels]
        ratios = [f"{rss[first] / rss[o]:.2f}" for o in others] + [""] * len(others)
        print("| peak RSS (spawn loop) | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    if kind == "shell" and os.path.exists(f"{work}/rss_true.txt"):
        rss = {k: int(v) for k, v in (line.split() for line in open(f"{work}/rss_true.txt"))}
        cells = [f"{rss[l]} KiB" for l in labels]
        ratios = [f"{rss[first] / rss[o]:.2f}" for o in others] + [""] * len(others)
        print("| peak RSS (`-c true`) | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print()
PY

cat "$work/table.md"
if [ -n "$out" ]; then cp "$work/table.md" "$out"; fi
