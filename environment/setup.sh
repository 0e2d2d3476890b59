#!/usr/bin/env bash
# Sets up the Retina Workbench on this machine. Safe to run again at any time (idempotent).
#
#   ./environment/setup.sh                   check the SDK, restore, build, make torch load, verify it computes, and
#                                            install the two programs the tests run as independent oracles (h5dump,
#                                            chromium; Debian/Ubuntu, apt-get, with sudo when not root; skipped when present)
#   ./environment/setup.sh --no-test-tools   all of that except installing the test oracles
#   (--test-tools, which older instructions name, is still accepted: the oracles are installed by default now.)
#
# The torch backend comes from WORKBENCH_TORCH_BACKEND (cpu-linux by default; cpu or cuda; see environment/README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

test_tools=1
for arg in "$@"; do
  case "$arg" in
    --test-tools) test_tools=1 ;;
    --no-test-tools) test_tools=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nsetup.sh: %s\n' "$*" >&2; exit 1; }
warn() { printf 'setup.sh: warning: %s\n' "$*" >&2; }

step "Checking the .NET SDK"
command -v dotnet >/dev/null 2>&1 || fail "dotnet is not on PATH. Install the .NET 10 SDK (https://dotnet.microsoft.com/download/dotnet/10.0), then run this again."
sdk="$(dotnet --version 2>/dev/null)" || fail "'dotnet --version' failed inside $root; global.json asks for a 10.0 SDK (10.0.100 or later). Installed: $(dotnet --list-sdks | tr '\n' ' ')"
case "$sdk" in
  10.*) echo "SDK $sdk" ;;
  *) fail "SDK $sdk found; the workbench needs .NET 10 (global.json)." ;;
esac
backend="${WORKBENCH_TORCH_BACKEND:-cpu-linux}"
echo "Torch backend: $backend"

step "Restoring packages"
dotnet restore Workbench.sln --nologo -v quiet

step "Restoring the pinned .NET tools (.config/dotnet-tools.json: dotnet-repl, the .NET Interactive kernel the tests load notebooks in)"
dotnet tool restore

step "Building"
dotnet build Workbench.sln --nologo --no-restore -v quiet -clp:ErrorsOnly

step "Checking that torch loads and computes the right numbers (GLIBCXX compatibility is applied here if this system needs it; float32 convolutions are checked against float64)"
# Debug is what `dotnet run` uses. The build also wrote notebooks/workbench.csx, the script notebooks load the
# workbench with (#load "workbench.csx"): absolute paths into the output of the build that ran last.
dotnet "src/Workbench.Cli/bin/Debug/net10.0/Workbench.Cli.dll" env
[ -f notebooks/workbench.csx ] || fail "the build did not write notebooks/workbench.csx, the script notebooks load the workbench with (target WriteNotebookBootstrap in src/Workbench/Workbench.csproj)."
echo "Notebooks load the workbench with #load \"workbench.csx\": $root/notebooks/workbench.csx -> $(sed -n 's|^#r "\(.*\)/Workbench.dll"$|\1|p' notebooks/workbench.csx)"

# The tests check our results against independent implementations. The answers of most of them (h5py, numpy,
# readelf, Jupyter's nbformat) are committed as fixtures, so the tests need no Python or binutils. Two run live because
# their input is our own output: h5dump (the HDF Group's tool) reads the HDF5 files our writers make, and a headless
# Chromium checks that the HTML reports draw their charts offline. Installing them here lets `dotnet test
# Workbench.sln` pass on a fresh machine. Failing to install them is a warning, not an error: nothing else needs them.
install_test_tools() {
  step "Test oracles: h5dump (hdf5-tools) and a headless browser (chromium)"
  local browser_package=chromium
  if [ -r /etc/os-release ] && grep -qx 'ID=ubuntu' /etc/os-release; then browser_package=chromium-browser; fi
  local missing=()
  command -v h5dump >/dev/null 2>&1 || missing+=(hdf5-tools)
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=("$browser_package")
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "already installed: $(command -v h5dump), $(command -v chromium || command -v chromium-browser)"
    return 0
  fi
  local why="" sudo_cmd=()
  if ! command -v apt-get >/dev/null 2>&1; then
    why="apt-get is not available on this system"
  elif [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else why="this is not root and sudo is not available"; fi
  fi
  if [ -z "$why" ]; then
    echo "installing ${missing[*]} with ${sudo_cmd[*]:+sudo }apt-get ..."
    local log
    log="$(mktemp)"
    if "${sudo_cmd[@]}" apt-get update -qq >"$log" 2>&1 &&
      "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
      rm -f "$log"
      echo "installed: ${missing[*]}"
      return 0
    fi
    why="apt-get failed: $(tail -n 3 "$log" | tr '\n' ' ')"
    rm -f "$log"
  fi
  warn "could not install ${missing[*]}: $why."
  warn "Everything else is set up. The tests that run h5dump or chromium will fail, saying so, until those packages are"
  warn "installed (install them yourself, or run ./environment/setup.sh again where apt-get works)."
}
if [ "$test_tools" = 1 ]; then install_test_tools; fi

cat <<EOF

Setup complete. Next:
  dotnet run --project src/Workbench.Cli -- quickstart      # Figure 1 end to end; prints where its report is
  dotnet test Workbench.sln                                 # every test, the notebooks included
EOF
