#!/usr/bin/env bash
# Writes readelf's view of the ELF libraries ElfSymbolVersionsTests and NativeCompatibilityTests check our ELF reader
# and patcher against, so those tests need no binutils. Run from anywhere after a restore/build of the workbench
# (Debian/Ubuntu: apt-get install binutils):
#
#   tests/Workbench.Tests/Runtime/Fixtures/make_readelf_fixtures.sh
#
# For each library NAME it writes NAME.readelf.txt: `readelf -V --wide NAME` without the per-symbol '.gnu.version'
# table (only the version definition and version needs sections, which are what the tests compare), and records the
# library's sha256 in SHA256SUMS, so a test can tell that the file it reads is the one readelf described.
#   libLibTorchSharp.so          TorchSharp's native library, from the NuGet package the build restored
#   libLibTorchSharp.patched.so  the same file with VER_FLG_WEAK set on its GLIBCXX_3.4.32 need, the one byte changed
#                                by dd at the offset readelf reports (independently of the workbench's own patcher)
#   libgomp-*.so.1               GCC's OpenMP runtime shipped in the libtorch package: a GNU-built library that both
#                                defines and needs versions
#   libsynthetic.so.6            committed here; written by tests/Workbench.Tests/Support/SyntheticElf.cs (the test
#                                that uses it says how to refresh it when that code changes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
command -v readelf >/dev/null || { echo "readelf not found: apt-get install binutils" >&2; exit 1; }

version_of() { sed -n "s/.*PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" "$root/Directory.Packages.props"; }
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
torchsharp="$packages/torchsharp/$(version_of TorchSharp)/runtimes/linux-x64/native/libLibTorchSharp.so"
libtorch_dir="$packages/libtorch-cpu-linux-x64/$(version_of libtorch-cpu-linux-x64)/runtimes/linux-x64/native"
for f in "$torchsharp" "$libtorch_dir"; do [ -e "$f" ] || { echo "$f not found: run ./environment/setup.sh first" >&2; exit 1; }; done
gomp="$(ls "$libtorch_dir"/libgomp-*.so.1)"

versions_only() { readelf -V --wide "$1" | awk '/^Version symbols section/ { keep = 0 } /^Version (definition|needs) section/ { keep = 1 } keep'; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$torchsharp" "$tmp/libLibTorchSharp.so"
cp "$tmp/libLibTorchSharp.so" "$tmp/libLibTorchSharp.patched.so"
cp "$gomp" "$tmp/"
cp "$here/libsynthetic.so.6" "$tmp/"

# The patched copy: vna_flags (2 bytes at +4 in the Vernaux entry, after vna_hash) of GLIBCXX_3.4.32 gets VER_FLG_WEAK (0x2).
section=$(readelf -V --wide "$tmp/libLibTorchSharp.so" | awk '/^Version needs section/ { getline; for (i = 1; i <= NF; i++) if ($i == "Offset:") print $(i + 1) }')
entry=$(readelf -V --wide "$tmp/libLibTorchSharp.so" | awk '/^Version needs section/ { keep = 1 } keep && /Name: GLIBCXX_3.4.32 / { sub(":", "", $1); print $1; exit }')
flags=$(( section + entry + 4 ))
[ "$(od -An -tu1 -j "$flags" -N1 "$tmp/libLibTorchSharp.patched.so" | tr -d ' ')" = 0 ] || { echo "unexpected flags byte at $flags" >&2; exit 1; }
printf '\002' | dd of="$tmp/libLibTorchSharp.patched.so" bs=1 seek="$flags" conv=notrunc status=none

rm -f "$here"/*.readelf.txt
: > "$here/SHA256SUMS"
for lib in libLibTorchSharp.so libLibTorchSharp.patched.so "$(basename "$gomp")" libsynthetic.so.6; do
  versions_only "$tmp/$lib" > "$here/$lib.readelf.txt"
  (cd "$tmp" && sha256sum "$lib") >> "$here/SHA256SUMS"
done
echo "readelf $(readelf --version | head -1 | awk '{print $NF}'): wrote $(ls "$here"/*.readelf.txt | wc -l) files and SHA256SUMS in $here"
