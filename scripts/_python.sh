# Sourced by the other scripts: find a Python >= 3.12 and make the project's virtualenv.
# Django 6 needs Python 3.12 or newer; a machine may have it under pyenv without a shim.

# find_python [X.Y]: print the path of $PYTHON, else of the first Python >= 3.12 found
# (or, given X.Y, of a Python X.Y: how CI finds the Dockerfile's version).
find_python() {
  local want="${1:-}" candidate pyenv_root check
  pyenv_root=$(command -v pyenv >/dev/null 2>&1 && pyenv root || true)
  if [ -n "$want" ]; then
    check="import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))"
    set -- "python$want" "$pyenv_root"/versions/"$want".*/bin/python3 \
      "/usr/local/bin/python$want" "/usr/bin/python$want"
  else
    check='import sys; sys.exit(sys.version_info < (3, 12))'
    set -- python3.13 python3.12 python3 \
      "$pyenv_root"/versions/3.1[2-9]*/bin/python3 \
      /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]
    # A chosen Python is the only candidate.
    if [ -n "${PYTHON:-}" ]; then set -- "$PYTHON"; fi
  fi
  for candidate in "$@"; do
    if "$candidate" -c "$check" >/dev/null 2>&1; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  if [ -n "$want" ]; then
    echo "No Python $want found." >&2
  elif [ -n "${PYTHON:-}" ]; then
    echo "PYTHON=$PYTHON is not a Python 3.12 or newer." >&2
  else
    echo "No Python 3.12 or newer found; install one (or set PYTHON=/path/to/python3.12)." >&2
  fi
  return 1
}

# python_identity PYTHON: its version and installation, the same for a venv and its base.
python_identity() {
  "$1" -c 'import os, sys; print(sys.version, os.path.realpath(sys.base_prefix))'
}

# venv_is_current: .venv exists, runs Python >= 3.12 and, when PYTHON is set, that very Python.
venv_is_current() {
  [ -x .venv/bin/python ] || return 1
  .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || return 1
  [ -z "${PYTHON:-}" ] && return 0
  local wanted
  wanted=$(find_python) || return 1
  [ "$(python_identity "$wanted")" = "$(python_identity .venv/bin/python)" ]
}

# make_venv [test]: (re)create .venv when needed and install the pinned runtime requirements
# (requirements.lock), or with `test` also the test and lint tools (requirements-test.lock).
make_venv() {
  local py lock=requirements.lock
  [ "${1:-}" = test ] && lock=requirements-test.lock
  if ! venv_is_current; then
    py=$(find_python) || exit 1
    echo "Creating .venv with $py ($("$py" --version 2>&1))"
    rm -rf .venv
    "$py" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
}
