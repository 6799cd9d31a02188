#!/bin/sh
# t-guide.sh - every command of doc/guide.md, "How mail travels", run as
# written (tests/tools/guide-run.py), on free ports in a throw-away lab.
. "$(dirname "$0")/../lib.sh"

GUIDE_BASE=$(free_port_base)
GUIDE_LAB=$T/lab
export GUIDE_BASE GUIDE_LAB
python3 "$top/tests/tools/guide-run.py" script "$top/doc/guide.md" >"$T/guide.sh" ||
	{ not_ok "the guide can be read"; done_testing; }
# the guide's commands run from the top of the source tree, with bin/ there
(cd "$top" && PATH="$top/bin:$PATH" bash "$T/guide.sh" 2>&1) >"$T/out"
rc=$?
# (lib.sh's ok uses dash's echo, which reads backslashes: double them)
grep -E '^(not )?ok ' "$T/out" | sed 's/\\/\\\\/g' | while read -r line; do
	case $line in ok*) ok "${line#ok * - }" ;; *) not_ok "${line#not ok * - }" ;; esac
done
[ $rc -eq 0 ] || { sed 's/^/# /' "$T/out" | grep -v '^# \(not \)\{0,1\}ok ' | tail -n 30; not_ok "the guide ran to the end"; }
"$BIN/poczta-ctl" -c "$GUIDE_LAB/poczta.conf" down >/dev/null 2>&1
done_testing
