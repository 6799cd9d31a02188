#!/bin/sh
# t-queue-crash.sh - kill the queue at every step of a commit, an update, a
# removal and a bounce (crash points), in the committer as well as in the
# session, and at random moments: the queue must then list nothing or a
# whole message whose data and envelope match, never a part of one; an
# interrupted update leaves the old envelope or the new one.
. "$(dirname "$0")/../lib.sh"

QT=$top/tests/tools/queue-tool
[ -x "$QT" ] || { not_ok "tests/tools/queue-tool is built"; done_testing; }
python3 - "$T/msg" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"From: a@example.org\nSubject: crash\nMessage-ID: <qcrash@x>\n\n")
    f.write(b"a line of the body that repeats\n" * 10000)   # ~320 kB
PY

# whole Q: every listed message parses and its data is the message; at most one
whole () {
	"$QT" "$1" check >"$T/check.out" 2>&1 || { sed 's/^/# /' "$T/check.out"; return 1; }
	for id in $("$QT" "$1" list); do
		"$QT" "$1" data "$id" | cmp -s - "$T/msg" || { echo "# $id: data differs"; return 1; }
	done
	[ "$("$QT" "$1" list | wc -l)" -le 1 ] || { echo "# listed twice"; return 1; }
}
# age Q: make every file an hour old, so that the next open removes leftovers
age () { find "$1" -type f -exec touch -d '1 hour ago' {} +; }
# files Q: regular files left under Q (the socket aside)
files () { find "$1" -type f -not -path "*/spare/*" | wc -l; }	# spare/: kept for reuse, never a message
# points CMD...: the crash points CMD passes, in order, once each
points () {
	POCZTA_CRASH_AT=none POCZTA_CRASH_LIST=1 "$@" 2>&1 >/dev/null |
		sed -n 's/^crash-point: //p' | awk '!seen[$0]++'
}

# 1. Commit, killed at each point: nothing, or the whole message.
commit_points=$(points "$QT" "$T/q0" commit "$T/msg" a@x b@y)
check "a commit passes crash points" test -n "$commit_points"
for p in $commit_points; do
	Q=$T/c-$p
	POCZTA_CRASH_AT=$p "$QT" "$Q" commit "$T/msg" a@x b@y >/dev/null 2>&1
	rc=$?
	n=$("$QT" "$Q" list | wc -l)
	if [ "$rc" = 137 ] && whole "$Q"; then
		ok "commit killed at $p: $n message(s) listed, whole"
	else
		not_ok "commit killed at $p (status $rc)"
	fi
	age "$Q"
	want=$((n * 2))		# once old, the leftovers go: only a listed message stays
	check_eq "after $p, leftovers are cleaned on open" "$want" \
		"$("$QT" "$Q" list >/dev/null; files "$Q")"
done
Q=$T/c-queue-dir-synced
check_eq "killed after the directory sync: the message is queued" 1 "$("$QT" "$Q" list | wc -l)"

# 2. Update, killed at each point: the old envelope or the new one.
Q=$T/u
id=$("$QT" "$Q" commit "$T/msg" a@x b@y)
old=$("$QT" "$Q" show "$id")
cp -a "$Q" "$T/u-ref"
"$QT" "$T/u-ref" update "$id"
new=$("$QT" "$T/u-ref" show "$id")
check "an update changes the envelope" test "$old" != "$new"
for p in $(points "$QT" "$T/u-ref" update "$id"); do
	rm -rf "$T/u-$p"; cp -a "$Q" "$T/u-$p"
	POCZTA_CRASH_AT=$p "$QT" "$T/u-$p" update "$id" 2>/dev/null
	rc=$?
	after=$("$QT" "$T/u-$p" show "$id" 2>&1)
	if [ "$rc" = 137 ] && { [ "$after" = "$old" ] || [ "$after" = "$new" ]; } && whole "$T/u-$p"; then
		ok "update killed at $p: $([ "$after" = "$old" ] && echo old || echo new) envelope"
	else
		not_ok "update killed at $p (status $rc)"; echo "$after" | sed 's/^/# /'
	fi
done

# 3. Remove, killed at each point: gone from the list, leftovers cleaned.
for p in $(points "$QT" "$T/u-ref" remove "$id"); do
	rm -rf "$T/r-$p"; cp -a "$Q" "$T/r-$p"
	POCZTA_CRASH_AT=$p "$QT" "$T/r-$p" remove "$id" 2>/dev/null
	check_eq "remove killed at $p: no longer listed" "" "$("$QT" "$T/r-$p" list)"
	age "$T/r-$p"
	check_eq "remove killed at $p: the data goes once old" 0 \
		"$("$QT" "$T/r-$p" list >/dev/null; files "$T/r-$p")"
done

# 4. Bounce, killed between the report and the marks: sent, maybe twice, never lost.
rm -rf "$T/b"; cp -a "$Q" "$T/b"
POCZTA_CRASH_AT=queue-bounce-queued "$QT" "$T/b" bounce "$id" 2>/dev/null
check_eq "bounce killed after queueing the report: the report is queued" 2 \
	"$("$QT" "$T/b" list | wc -l)"
check "bounce killed there: the original still says failed, to be bounced again" \
	grep -q 'state=failed' "$T/b/msg/$id.env"

# start_committer Q [CRASH_POINT]: run a committer in the background
start_committer () {
	POCZTA_CRASH_AT=${2:-} "$QT" "$1" committer 2>/dev/null &
	cpid=$!
	PIDS_TO_KILL="$PIDS_TO_KILL $cpid"
	i=0
	while [ ! -S "$1/committer.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# 5. The committer killed at each of its points: the session commits anyway.
for p in $(echo "$commit_points" | grep -v queue-env-written); do
	Q=$T/k-$p
	mkdir -p "$Q"
	start_committer "$Q" "$p"
	id=$("$QT" "$Q" commit "$T/msg" a@x 2>/dev/null)
	rc=$?
	wait "$cpid" 2>/dev/null
	crc=$?
	if [ "$rc" = 0 ] && [ "$crc" = 137 ] && [ "$("$QT" "$Q" list)" = "$id" ] && whole "$Q"; then
		ok "committer killed at $p: the session committed it by itself, once"
	else
		not_ok "committer killed at $p (session $rc, committer $crc)"
	fi
done

# 6. kill -9 at random moments: sessions mid-commit, and now and then the committer.
Q=$T/rand
mkdir -p "$Q"
start_committer "$Q"
: >"$T/acked"
for i in $(seq 1 30); do
	"$QT" "$Q" commit "$T/msg" a@x >>"$T/acked" 2>/dev/null &
	pid=$!
	sleep "0.0$(($(od -An -N1 -tu1 /dev/urandom) % 10))"
	if [ $((i % 6)) = 0 ]; then
		kill -9 "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
		start_committer "$Q"
	else
		kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
done
kill "$cpid"; wait "$cpid" 2>/dev/null
bad=0
"$QT" "$Q" check >"$T/check.out" 2>&1 || bad=1
for id in $("$QT" "$Q" list); do
	"$QT" "$Q" data "$id" | cmp -s - "$T/msg" || bad=$((bad + 1))
done
check_eq "30 kills at random moments: every listed message whole" 0 "$bad"
missing=0
for id in $(cat "$T/acked"); do
	"$QT" "$Q" list | grep -qx "$id" || missing=$((missing + 1))
done
check_eq "every commit that was acknowledged ($(wc -l <"$T/acked")) is listed" 0 "$missing"
check "listed ids are unique" test "$("$QT" "$Q" list | sort | uniq -d)" = ""
done_testing
