#!/bin/sh
# Builds a tiny root filesystem from busybox-static in a temporary
# directory, then runs commands inside it: with an isolate block under
# isosh, with chroot under another shell — the same commands, the same
# output. Needs root (or, under isosh, user namespaces).
set -e
PATH=$PATH:/usr/sbin:/sbin
busybox=$(command -v busybox) || { echo "busybox-root.sh: busybox-static is not installed" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/tmp" "$root/sys" "$root/etc"
cp "$busybox" "$root/bin/busybox"
for applet in sh echo ls cat wc mkdir; do
  ln -s busybox "$root/bin/$applet"
done
echo 'built by busybox-root.sh' > "$root/etc/motd"

inside='cat /etc/motd; ls /bin | wc -l; echo "$((6 * 7)) from $(echo inside)"'
if [ -n "${ISOSH_VERSION:-}" ]; then
  # eval keeps other shells from parsing the isolate block.
  eval 'isolate --rootfs "$root" < /bin/sh -c "$inside" >'
else
  chroot "$root" /bin/sh -c "$inside"
fi
