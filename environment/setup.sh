#!/usr/bin/env bash
# Sets up the Retina Workbench on this machine. Safe to run again at any time (idempotent).
#
#   ./environment/setup.sh                 check the SDK, restore, build, make torch load, verify it computes
#   ./environment/setup.sh --test-tools    also install the independent oracles the tests use (Debian/Ubuntu, apt)
#
# The torch backend comes from WORKBENCH_TORCH_BACKEND (cpu-linux by default; cpu or cuda; see environment/README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

test_tools=0
for arg in "$@"; do
  case "$arg" in
    --test-tools) test_tools=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nsetup.sh: %s\n' "$*" >&2; exit 1; }

step "Checking the .NET SDK"
command -v dotnet >/dev/null 2>&1 || fail "dotnet is not on PATH. Install the .NET 10 SDK (https://dotnet.microsoft.com/download/dotnet/10.0), then run this again."
sdk="$(dotnet --version 2>/dev/null)" || fail "'dotnet --version' failed inside $root; global.json asks for a 10.0 SDK (10.0.100 or later). Installed: $(dotnet --list-sdks | tr '\n' ' ')"
case "$sdk" in
  10.*) echo "SDK $sdk" ;;
  *) fail "SDK $sdk found; the workbench needs .NET 10 (global.json)." ;;
esac
backend="${WORKBENCH_TORCH_BACKEND:-cpu-linux}"
echo "Torch backend: $backend"

if [ "$test_tools" = 1 ]; then
  step "Installing the test oracles (binutils, python3-nbformat, python3-h5py, hdf5-tools, chromium)"
  packages=(binutils python3-nbformat python3-h5py hdf5-tools chromium)
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "already installed: ${packages[*]}"
  else
    command -v apt-get >/dev/null 2>&1 || fail "apt-get not found; install ${missing[*]} with your package manager."
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "installed: ${missing[*]}"
  fi
fi

step "Restoring packages"
dotnet restore Workbench.sln --nologo -v quiet

step "Building"
dotnet build Workbench.sln --nologo --no-restore -v quiet -clp:ErrorsOnly

step "Checking that torch loads and computes (GLIBCXX compatibility is applied here if this system needs it)"
# Debug is what `dotnet run` and the notebooks' #r lines use.
dotnet "src/Workbench.Cli/bin/Debug/net10.0/Workbench.Cli.dll" env

cat <<EOF

Setup complete. Next:
  dotnet run --project src/Workbench.Cli -- quickstart      # runs the tour, writes artifacts/00-tour.html
  dotnet test Workbench.sln                                 # the test suite (needs: ./environment/setup.sh --test-tools)
EOF
