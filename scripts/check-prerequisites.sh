#!/bin/sh
# Checks what `make run` and `make test` need from the machine, and names what to install.
missing=0
if ! command -v python3 >/dev/null 2>&1; then
  echo "Missing: python3 (3.11 or newer). On Debian/Ubuntu: sudo apt-get install python3 python3-venv"; missing=1
elif ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Python 3.11 or newer is needed; found $(python3 --version 2>&1)."; missing=1
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "Missing: the Python venv module. On Debian/Ubuntu: sudo apt-get install python3-venv"; missing=1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "Missing: npm (installs GOV.UK Frontend). On Debian/Ubuntu: sudo apt-get install npm"; missing=1
fi
# WeasyPrint (the overview report's PDF) loads Pango at run time; pip cannot install it.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("pango-1.0") and ctypes.util.find_library("pangoft2-1.0") else 1)'; then
  echo "Missing: Pango (draws the overview report's PDF). On Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; missing=1
fi
if [ "$missing" -ne 0 ]; then
  echo "Install the above, then run the make command again."
  exit 1
fi
