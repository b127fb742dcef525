#!/usr/bin/env bash
# run-sandboxed.sh CMD [ARG...]: runs CMD where code that deletes cannot harm this machine.
#
# Every test that exercises deleting code runs through this (see docs/TESTING.md, "The sandbox"):
#   - the whole system is bound read-only (bubblewrap --ro-bind / /): a regressed guard that aims
#     at /, /usr, the checkout or the real HOME gets EROFS instead of destroying anything;
#   - /tmp is a fresh empty folder on the real disk (ext4 like a user's, so disk-usage figures are
#     realistic), private to this run: every throwaway test folder lives there; /run and
#     /etc/docker are fresh tmpfs (dockerd keeps its runtime state and key there);
#   - HOME is a canary folder (written here, bound read-write): the only writable place outside
#     /tmp. Its sha256 listing is taken before and compared after; any change fails the run, so a
#     guard that stops protecting HOME turns into a failing test, never a lost home folder;
#   - .test-artifacts/ of the checkout stays writable (logs, screenshots).
# Inside, MLDS_SANDBOX=1 is set; test/support/sandboxGuard.ts refuses to run deleting suites
# without it. Root keeps its capabilities (--cap-add ALL) so tests can mount tmpfs / bind mounts,
# drop to `nobody`, and start a dockerd, all inside the sandbox's own mount namespace; its own PID
# namespace ends every process a test left behind when the run ends.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v bwrap >/dev/null 2>&1; then
  echo "run-sandboxed: bubblewrap (bwrap) is missing: apt-get install bubblewrap (test/setup/install-test-deps.sh does)" >&2
  exit 1
fi

work=$(mktemp -d /var/tmp/mlds-sandbox.XXXXXX)
home="$work/home"
artifacts="$repo/.test-artifacts"
mkdir -p "$artifacts" "$work/tmp"
chmod 1777 "$work/tmp"

# A HOME that looks lived-in: caches the scanners look for, dotfiles, a project.
mkdir -p "$home/.cache/huggingface/hub" "$home/.cache/pip/wheels" "$home/.conda" "$home/projects/train" "$home/.ssh"
printf 'canary: if this file is gone, a test deleted inside HOME\n' >"$home/CANARY.txt"
printf 'id_ed25519 canary\n' >"$home/.ssh/id_ed25519"
head -c 65536 /dev/urandom >"$home/projects/train/model.safetensors"
printf 'print("train")\n' >"$home/projects/train/train.py"
ln -s "$home/projects/train" "$home/train-link"

# A canary tree outside every test folder (writable, so a stray deletion would show): a project
# with a checkpoint run and a cache, the shapes our scanners look for.
canary="$work/canary-tree"
mkdir -p "$canary/run/checkpoint-100" "$canary/hub/models--org--name/blobs"
head -c 32768 /dev/urandom >"$canary/run/checkpoint-100/model.safetensors"
printf '{"global_step": 100}\n' >"$canary/run/checkpoint-100/trainer_state.json"
head -c 4096 /dev/urandom >"$canary/hub/models--org--name/blobs/0123abcd"
ln "$canary/run/checkpoint-100/model.safetensors" "$canary/hardlink-of-model"

listing() { (cd "$1" && find . -printf '%y %m %s %l %p\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }
snapshot() { listing "$home"; echo '--- canary tree'; listing "$canary"; }
snapshot >"$work/before.txt"

# A checkout under /tmp (as a CI clone may be) is bound over the private /tmp below; bwrap would
# create its parent folders mode 0700, which hides the checkout from the tests that drop to
# `nobody`. Create them here, traversable, as they are outside.
case "$repo" in
  /tmp/*)
    parent=$(dirname "$repo")
    while [ "$parent" != /tmp ]; do
      mkdir -p "$work$parent"
      chmod "$(stat -c %a "$parent")" "$work$parent"
      parent=$(dirname "$parent")
    done
    ;;
esac

args=(
  --die-with-parent --unshare-pid --cap-add ALL
  --ro-bind / /
  --dev /dev --proc /proc --tmpfs /run
  --bind "$work/tmp" /tmp
  --bind /sys/fs/cgroup /sys/fs/cgroup
  --bind "$home" "$home"
  --bind "$canary" "$canary"
  # The checkout, read-only, on top of the private /tmp: a clone under /tmp (as CI may make) stays visible.
  --ro-bind "$repo" "$repo"
  --bind "$artifacts" "$artifacts"
  --setenv HOME "$home"
  --setenv MLDS_SANDBOX 1
  --setenv MLDS_SANDBOX_HOME "$home"
  --setenv MLDS_SANDBOX_CANARY_TREE "$canary"
  --unsetenv XDG_CACHE_HOME --unsetenv XDG_CONFIG_HOME --unsetenv XDG_DATA_HOME
  # `ml-disk-space scan` keeps a free-space history in $XDG_STATE_HOME: in the private /tmp, not the canary HOME.
  --setenv XDG_STATE_HOME /tmp/xdg-state
  --chdir "$PWD"
)
# dockerd writes its key into /etc/docker (present once docker.io is installed).
[ -d /etc/docker ] && args+=(--tmpfs /etc/docker)
bwrap "${args[@]}" -- "$@"
rc=$?

snapshot >"$work/after.txt"
if ! diff -u "$work/before.txt" "$work/after.txt" >"$work/diff.txt"; then
  echo "run-sandboxed: THE CANARY HOME OR TREE CHANGED during the run (a deleting path escaped its test folder):" >&2
  head -n 40 "$work/diff.txt" >&2
  rc=1
fi
[ "$rc" -eq 0 ] && echo "run-sandboxed: canary HOME and canary tree unchanged ($(grep -c . "$work/after.txt") listing lines compared)" >&2
rm -rf --one-file-system "$work"
exit "$rc"
