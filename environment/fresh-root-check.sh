#!/usr/bin/env bash
# Proves the README's two commands on a fresh Debian 12 machine. As root on a Debian/Ubuntu host, it
#   1. builds a minimal Debian 12 (bookworm) root with debootstrap (variant minbase: no Python, binutils, HDF5 tools
#      or browser; installs debootstrap first if missing),
#   2. adds the .NET 10 SDK only: this machine's SDK folder copied in, plus the system libraries Microsoft lists as the
#      SDK's dependencies on Debian 12 (ca-certificates, libicu72, libssl3, libgssapi-krb5-2, zlib1g, tzdata),
#   3. clones this repository at its current commit (HEAD; uncommitted changes are not included) into /root inside it,
#   4. runs, in a chroot (with /proc, /sys and /dev mounted), exactly the README's commands:
#        ./environment/setup.sh && dotnet run --project src/Workbench.Cli -- quickstart
#        dotnet test Workbench.sln
#      and reports their exit codes, times and the test counts.
#
#   environment/fresh-root-check.sh [--root DIR] [--logs DIR] [--keep]
#
#   --root DIR   where to build the root (default /var/tmp/workbench-fresh-root; replaced if it exists)
#   --logs DIR   where to copy the logs (default DIR-logs beside the root)
#   --keep       keep the root afterwards (default: delete it)
#
# The chroot shares the host's network for NuGet and apt. Where that network intercepts TLS, the root trusts the
# certificate authorities the host added in /usr/local/share/ca-certificates; NUGET_CERT_REVOCATION_MODE is passed
# through when set (on hosts whose network reaches only package feeds, revocation lookups cannot succeed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
target=/var/tmp/workbench-fresh-root
logs=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) target="$2"; shift 2 ;;
    --logs) logs="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "fresh-root-check.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
logs="${logs:-$target-logs}"
[ "$(id -u)" -eq 0 ] || { echo "fresh-root-check.sh: run as root (debootstrap and chroot need it)" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "fresh-root-check.sh: no dotnet on PATH to copy in" >&2; exit 2; }
sdk_dir="$(dirname "$(readlink -f "$(command -v dotnet)")")"
commit="$(git -C "$repo" rev-parse HEAD)"

say() { printf '\n[fresh-root %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
# Processes still running inside the root (MSBuild and test-host nodes that outlive their command) are ended, by id,
# before /proc, /sys and /dev are unmounted. The root is deleted only when nothing is mounted inside it any more, and
# never across a file-system boundary, so a mount that would not come off can never take the host's /dev with it.
stop_inside() {
  local pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$target" ] && kill "$pid" 2>/dev/null || true
  done
  sleep 2
}
unmount() { for m in dev sys proc; do umount -R "$target/$m" 2>/dev/null || true; done; }
remove_root() {
  [ -e "$target" ] || return 0
  stop_inside
  unmount
  if grep -q " $target/" /proc/mounts; then
    echo "fresh-root-check.sh: something is still mounted under $target; not deleting it" >&2
    return 1
  fi
  rm -rf --one-file-system "$target"
}
cleanup() { if [ "$keep" = 0 ]; then remove_root; else stop_inside; unmount; fi; }
trap cleanup EXIT

remove_root
mkdir -p "$logs"

say "debootstrap: Debian 12 (bookworm, minbase) into $target"
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
t0=$(date +%s)
debootstrap --variant=minbase bookworm "$target" >"$logs/debootstrap.log" 2>&1
cp /etc/resolv.conf "$target/etc/resolv.conf"
# Certificate authorities this host added locally (/usr/local/share/ca-certificates): where the network intercepts TLS,
# the root must trust what the host trusts to reach the package feeds. Nothing of the project's is copied.
host_cas=(/usr/local/share/ca-certificates/*.crt)
mount -t proc proc "$target/proc"
mount --rbind /sys "$target/sys"
mount --rbind /dev "$target/dev"

in_root() {
  chroot "$target" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ${NUGET_CERT_REVOCATION_MODE:+NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE} \
    /bin/bash -c "$1"
}

say "the .NET SDK's own dependencies (apt), then the SDK from $sdk_dir"
in_root "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  ca-certificates libicu72 libssl3 libgssapi-krb5-2 zlib1g tzdata" >"$logs/sdk-dependencies.log" 2>&1
if [ -e "${host_cas[0]}" ]; then
  cp "${host_cas[@]}" "$target/usr/local/share/ca-certificates/"
  in_root "update-ca-certificates" >>"$logs/sdk-dependencies.log" 2>&1
  echo "trusting this host's local certificate authorities too: ${host_cas[*]##*/}"
fi
mkdir -p "$target/usr/share/dotnet"
cp -a "$sdk_dir/." "$target/usr/share/dotnet/"
ln -sf /usr/share/dotnet/dotnet "$target/usr/bin/dotnet"
echo "root prepared in $(( $(date +%s) - t0 )) s"

say "clone of $repo at $commit"
git clone -q --no-checkout "$repo" "$target/root/retina-workbench"
git -C "$target/root/retina-workbench" checkout -q --detach "$commit"

say "what the fresh root has"
in_root 'cat /etc/debian_version; dotnet --version; for t in python3 readelf h5dump chromium git; do printf "%-9s %s\n" "$t" "$(command -v $t || echo absent)"; done' | tee "$logs/fresh-root.txt"

say "command 1: ./environment/setup.sh && dotnet run --project src/Workbench.Cli -- quickstart"
t1=$(date +%s)
set +e
in_root 'cd /root/retina-workbench && ./environment/setup.sh && dotnet run --project src/Workbench.Cli -- quickstart' >"$logs/command1.log" 2>&1
rc1=$?
t2=$(date +%s)
say "command 1 exited $rc1 after $(( t2 - t1 )) s (log: $logs/command1.log)"
tail -n 15 "$logs/command1.log"

say "command 2: dotnet test Workbench.sln"
in_root 'cd /root/retina-workbench && dotnet test Workbench.sln' >"$logs/command2.log" 2>&1
rc2=$?
t3=$(date +%s)
set -e
say "command 2 exited $rc2 after $(( t3 - t2 )) s (log: $logs/command2.log)"
grep -E '^\s*(Passed|Failed)!|^\s*Failed [A-Za-z]' "$logs/command2.log" || true

{
  echo "commit $commit"
  echo "command 1 (setup + quickstart): exit $rc1, $(( t2 - t1 )) s"
  echo "command 2 (dotnet test): exit $rc2, $(( t3 - t2 )) s"
  grep -E '^\s*(Passed|Failed)!' "$logs/command2.log" || true
} | tee "$logs/summary.txt"
[ "$rc1" = 0 ] && [ "$rc2" = 0 ]
