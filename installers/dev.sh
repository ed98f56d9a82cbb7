#!/usr/bin/env bash
# One entry point for a fresh Debian machine: installs what the app and its tests need,
# then runs the app (`app`), the test suite (`test`) or a benchmark (`bench NAME`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="$here/.venv"

system_packages() {
    # Qt needs these shared libraries (offscreen for the tests, xcb for a real screen);
    # Debian's minimal images lack them.
    local need=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
    if [ "${1:-}" = "app" ]; then
        need+=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
               libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1)
    fi
    local missing=()
    for p in "${need[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

python_env() {
    local py="${PYTHON:-python3}"
    [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
    # Reinstall only when pyproject.toml changed since the last install.
    local stamp="$venv/.peiyu-installed"
    if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
        "$venv/bin/python" -m pip install -q --upgrade pip
        "$venv/bin/python" -m pip install -q -e ".[test]"
        cp pyproject.toml "$stamp"
    fi
}

cmd="${1:-app}"
shift || true
system_packages "$cmd"
python_env
case "$cmd" in
    app)   exec "$venv/bin/peiyu" "$@" ;;
    cli)   exec "$venv/bin/peiyu-cli" "$@" ;;
    test)  exec "$venv/bin/python" -m pytest "$@" ;;
    bench) exec "$venv/bin/python" "tests/benchmarks/$1.py" "${@:2}" ;;
    *) echo "用法: bash installers/dev.sh app|cli|test|bench NAME" >&2; exit 2 ;;
esac
