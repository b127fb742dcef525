#!/usr/bin/env bash
# Live quota check: a real ext4 image with user and group quotas, a limit set with setquota for
# the user `nobody`, files written as nobody, then `ml-disk-space scan --json` run as nobody must
# name the user quota as the binding limit with the numbers `quota` itself prints.
# Exit 0 = passed, 1 = failed, 77 = NOT RUN (the reason on stdout): the kernels of the CI machines
# are built without CONFIG_QUOTA, so the quota mount fails there; test/run-all.sh shows that as
# NOT RUN, never as passed. Run inside test/sandbox/run-sandboxed.sh (needs root for the mount).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
not_run() { echo "quota-live: NOT RUN: $*"; exit 77; }
fail() { echo "quota-live: FAILED: $*"; exit 1; }

[ "$(id -u)" = 0 ] || not_run "needs root (loop mount, setquota)"
for t in mkfs.ext4 quota setquota quotaon setpriv; do command -v "$t" >/dev/null || not_run "$t is missing (Debian packages: quota, e2fsprogs, util-linux)"; done
[ -f "$repo/dist/cli.js" ] || fail "dist/cli.js missing: npm run build first"

work=$(mktemp -d /tmp/mlds-quota.XXXXXX)
chmod 755 "$work"
cleanup() { umount "$work/mnt" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir "$work/mnt"
# Whether this kernel has quota support at all, without a loop device: a tmpfs with usrquota
# (Linux >= 6.6 with CONFIG_TMPFS_QUOTA) mounts only where the quota code is built in.
tmpfs_note=""
if mount -t tmpfs -o size=8m,usrquota tmpfs "$work/mnt" 2>/dev/null; then umount "$work/mnt"; else tmpfs_note="a tmpfs usrquota mount fails too"; fi
[ -e /dev/loop-control ] || not_run "no loop devices here (the sandbox's /dev has none)${tmpfs_note:+; $tmpfs_note}"
truncate -s 64M "$work/img"
mkfs.ext4 -q -F -O quota -E quotatype=usrquota:grpquota "$work/img" >/dev/null 2>&1 || not_run "mkfs.ext4 -O quota failed"
if ! err=$(mount -o loop,usrquota,grpquota "$work/img" "$work/mnt" 2>&1); then
  kernel=$(dmesg 2>/dev/null | grep -E 'CONFIG_QUOTA|quota' | tail -1)
  not_run "the ext4 quota mount failed (${err%%$'\n'*})${kernel:+; kernel: ${kernel#*] }}${tmpfs_note:+; $tmpfs_note}"
fi
quotaon "$work/mnt" >/dev/null 2>&1 || true # ext4's quota feature accounts from mount; quotaon enforces
mkdir "$work/mnt/data" && chown nobody: "$work/mnt/data"
# soft 8 MiB / hard 10 MiB (1 KiB blocks), 100 / 200 inodes
setquota -u nobody 8192 10240 100 200 "$work/mnt" || fail "setquota refused"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$work" "$@"; }
as_nobody dd if=/dev/urandom of="$work/mnt/data/weights.bin" bs=1M count=4 status=none || fail "write as nobody"
for i in $(seq 1 10); do as_nobody touch "$work/mnt/data/f$i" || fail "touch as nobody"; done
sync

json=$(as_nobody node "$repo/dist/cli.js" scan --json --no-docker "$work/mnt/data") || fail "scan failed"
# The reference: quota's own numbers for nobody on this device (1 KiB blocks).
dev=$(findmnt -no SOURCE "$work/mnt")
read -r used hard < <(quota -w -p -v -u nobody | awk -v d="$dev" '$1 == d { gsub(/\*/, "", $2); print $2, $4 }')
[ -n "${used:-}" ] || fail "quota printed no line for $dev"
node -e '
  const v = JSON.parse(process.argv[1]).volume, used = Number(process.argv[2]) * 1024, hard = Number(process.argv[3]) * 1024;
  const q = v.limits.find((l) => l.kind === "user-quota");
  const problems = [];
  if (!q) problems.push("no user-quota limit: " + JSON.stringify(v.limits) + " notes " + JSON.stringify(v.limitNotes));
  else {
    if (q.limitBytes !== hard) problems.push(`limitBytes ${q.limitBytes} != quota hard ${hard}`);
    if (q.usedBytes !== used) problems.push(`usedBytes ${q.usedBytes} != quota used ${used}`);
    if (q.softLimitBytes !== 8192 * 1024) problems.push(`softLimitBytes ${q.softLimitBytes}`);
  }
  if (!v.binding || v.binding.kind !== "user-quota") problems.push("binding is " + JSON.stringify(v.binding));
  if (problems.length) { console.log(problems.join("\n")); process.exit(1); }
' "$json" "$used" "$hard" || fail "the scan does not match quota's numbers"
echo "quota-live: passed (user quota of nobody: used $used KiB of $hard KiB, binding as expected)"
