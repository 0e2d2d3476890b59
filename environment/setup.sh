#!/usr/bin/env bash
# Sets up the Retina Workbench on this machine. Safe to run again at any time (idempotent).
#
#   ./environment/setup.sh                   check the SDK, restore, build, make torch load, verify it computes, install
#                                            and register the pinned .NET Interactive kernel (VS Code, Jupyter), and
#                                            install what the tests run (h5dump, chromium, Debian's nbclient and
#                                            jupyter-client; Debian/Ubuntu, apt-get, with sudo when not root; skipped
#                                            when present)
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

step "Restoring the pinned .NET tools (.config/dotnet-tools.json: the .NET Interactive kernel, dotnet-repl)"
dotnet tool restore

step "Building"
dotnet build Workbench.sln --nologo --no-restore -v quiet -clp:ErrorsOnly

step "Checking that torch loads and computes the right numbers (GLIBCXX compatibility is applied here if this system needs it; float32 convolutions are checked against float64)"
# Debug is what `dotnet run` uses. The build also wrote notebooks/workbench.csx, the script notebooks load the
# workbench with (#load "workbench.csx"): absolute paths into the output of the build that ran last.
dotnet "src/Workbench.Cli/bin/Debug/net10.0/Workbench.Cli.dll" env
[ -f notebooks/workbench.csx ] || fail "the build did not write notebooks/workbench.csx, the script notebooks load the workbench with (target WriteNotebookBootstrap in src/Workbench/Workbench.csproj)."
echo "Notebooks load the workbench with #load \"workbench.csx\": $root/notebooks/workbench.csx -> $(sed -n 's|^#r "\(.*\)/Workbench.dll"$|\1|p' notebooks/workbench.csx)"

# The notebooks' kernel: register the pinned dotnet-interactive as the Jupyter kernels .NET (C#), (F#), (PowerShell)
# for Jupyter and VS Code's Jupyter extension. `dotnet interactive jupyter install` exits without writing anything
# when the kernels folder does not exist yet, so create it, and check the kernelspec really is there afterwards.
# The kernelspec starts `dotnet interactive`, which finds this repository's pinned tool when the kernel starts in a
# folder of the clone (Jupyter starts it in the notebook's folder).
register_kernel() {
  step "Registering the .NET Interactive kernel with Jupyter"
  local data="${XDG_DATA_HOME:-$HOME/.local/share}/jupyter"
  local spec="$data/kernels/.net-csharp/kernel.json"
  mkdir -p "$data/kernels"
  local pinned out
  pinned="$(grep -A1 '"microsoft.dotnet-interactive"' .config/dotnet-tools.json | grep -o '[0-9][0-9.]*[0-9]' | head -n 1)"
  out="$(DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 dotnet tool run dotnet-interactive jupyter install 2>&1)" || true
  if [ -f "$spec" ] && (cd notebooks && dotnet interactive --version 2>/dev/null | grep -qF "$pinned+"); then
    echo "kernel .NET (C#) registered: $spec (dotnet-interactive $(cd notebooks && dotnet interactive --version | cut -d+ -f1))"
  else
    warn "the .NET Interactive kernel is not registered: $spec is missing or does not start the pinned tool."
    warn "'dotnet interactive jupyter install' said: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    warn "Notebooks still run headless (workbench notebook run); the kernel tests will fail until this works."
  fi
}
register_kernel

# The tests check our results against independent implementations. The answers of most of them (h5py, numpy,
# readelf, Jupyter's nbformat) are committed as fixtures, so the tests need no Python packages of their own. Two run live
# because their input is our own output: h5dump (the HDF Group's tool) reads the HDF5 files our writers make, and a
# headless Chromium checks that the HTML reports draw their charts offline. The notebook tests also run every notebook
# in the real .NET Interactive kernel through Debian's Jupyter client (python3-nbclient, python3-jupyter-client), as
# Jupyter and VS Code do. Installing them here lets `dotnet test Workbench.sln` pass on a fresh machine. Failing to
# install them is a warning, not an error: nothing else needs them.
install_test_tools() {
  step "Test tools: h5dump (hdf5-tools), a headless browser (chromium), a Jupyter client (python3-nbclient, python3-jupyter-client)"
  local browser_package=chromium
  if [ -r /etc/os-release ] && grep -qx 'ID=ubuntu' /etc/os-release; then browser_package=chromium-browser; fi
  local missing=()
  command -v h5dump >/dev/null 2>&1 || missing+=(hdf5-tools)
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=("$browser_package")
  # The notebook tests drive the .NET Interactive kernel through Debian's Jupyter client (always /usr/bin/python3).
  /usr/bin/python3 -c 'import nbclient, jupyter_client' >/dev/null 2>&1 || missing+=(python3-nbclient python3-jupyter-client)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "already installed: $(command -v h5dump), $(command -v chromium || command -v chromium-browser), nbclient for /usr/bin/python3"
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
  warn "Everything else is set up. The tests that run h5dump, chromium or nbclient will fail, saying so, until those packages are"
  warn "installed (install them yourself, or run ./environment/setup.sh again where apt-get works)."
}
if [ "$test_tools" = 1 ]; then install_test_tools; fi

cat <<EOF

Setup complete. Next:
  dotnet run --project src/Workbench.Cli -- quickstart      # Figure 1 end to end; prints where its report is
  dotnet test Workbench.sln                                 # every test, the notebooks included
EOF
