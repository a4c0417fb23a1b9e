#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The agent's architecture (library below the tools, no cycles, no printing
# in the library, a concern stated atop every file, README's table current),
# checked on the built objects by layout.py. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 "$top/tests/host/layout.py" "$top"
