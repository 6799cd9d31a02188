#!/bin/sh
# tests/bench/mda/run.sh [COUNT] - deliveries per second into one Maildir:
# poczta-mda as a pipe and over LMTP, beside procmail and maildrop delivering
# the same messages, in the same run.  Prints a table and the ratios.
# Not a test: no thresholds.  Needs: apt-get install procmail maildrop.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
N=${1:-10000}
W=$(mktemp -d /tmp/poczta-bench-mda.XXXXXX)
trap 'kill $(cat "$W/pid" 2>/dev/null) 2>/dev/null; rm -rf "$W"' EXIT
for p in procmail maildrop; do
	command -v $p >/dev/null || { echo "bench: $p is missing: apt-get install procmail maildrop"; exit 1; }
done

python3 - "$W/msgs" "$N" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
random.seed(1)
words = "mail agent queue folder index thread reply message deliver fetch".split()
for i in range(n):
    body = "\n".join(" ".join(random.choice(words) for _ in range(12)) for _ in range(45))
    with open(f"{out}/{i:06d}", "w") as f:
        f.write(f"From: sender{i % 50}@example.org\nTo: alice@poczta.test\n"
                f"Subject: message {i}\nMessage-ID: <{i}@bench.example>\n"
                f"Date: Sun, 22 Nov 2026 10:00:00 +0000\n\n{body}\n")
PY
echo "messages: $N of about $(( $(cat "$W"/msgs/000000 | wc -c) / 1024 )) KB"

base=$(. "$top/tests/lib.sh" >/dev/null 2>&1; free_port_base)
port=$((base + 24))
"$top/bin/poczta-ctl" init "$W/sb" --user alice --password x --domain poczta.test --port-base "$base" >/dev/null
export HOME=$W/home
mkdir -p "$HOME"
printf 'DEFAULT=%s/procmail/\nLOGFILE=/dev/null\n' "$W" >"$W/procmailrc"
printf 'to "%s/maildrop"\n' "$W" >"$W/mailfilter"
chmod 600 "$W/mailfilter"
maildirmake "$W/maildrop" 2>/dev/null || mkdir -p "$W/maildrop/new" "$W/maildrop/cur" "$W/maildrop/tmp"

# run NAME COMMAND...: feed every message to COMMAND, one process each
run () {
	name=$1; shift
	python3 - "$W/msgs" "$name" "$@" <<'PY'
import os, subprocess, sys, time
d, name, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
files = sorted(os.listdir(d))
t = time.monotonic()
for f in files:
    with open(os.path.join(d, f), "rb") as fh:
        subprocess.run(cmd, stdin=fh, check=True)
dt = time.monotonic() - t
print(f"{name} {len(files) / dt:.0f}")
PY
}

lmtp () {
	"$top/bin/poczta-mda" -c "$W/sb/poczta.conf" --lmtp --listen 2>/dev/null &
	echo $! >"$W/pid"
	python3 - "$W/msgs" "$port" <<'PY'
import os, smtplib, sys, time
d, port = sys.argv[1], int(sys.argv[2])
for _ in range(50):
    try:
        c = smtplib.LMTP("127.0.0.1", port); break
    except OSError:
        time.sleep(0.1)
files = sorted(os.listdir(d))
t = time.monotonic()
for f in files:
    with open(os.path.join(d, f), "rb") as fh:
        c.sendmail("sender@example.org", ["alice@poczta.test"], fh.read().replace(b"\n", b"\r\n"))
dt = time.monotonic() - t
c.quit()
print(f"poczta-mda-lmtp {len(files) / dt:.0f}")
PY
	kill "$(cat "$W/pid")"
}

{
	run poczta-mda-pipe "$top/bin/poczta-mda" -c "$W/sb/poczta.conf" -d alice@poczta.test
	lmtp
	run procmail procmail -m "$W/procmailrc"
	run maildrop maildrop "$W/mailfilter"
} >"$W/results"

awk '
{ rate[$1] = $2; order[NR] = $1 }
END {
	printf "%-18s %12s %10s %10s\n", "program", "messages/s", "/procmail", "/maildrop"
	for (i = 1; i <= NR; i++) {
		n = order[i]
		printf "%-18s %12d %9.2fx %9.2fx\n", n, rate[n], rate[n] / rate["procmail"], rate[n] / rate["maildrop"]
	}
}' "$W/results"
for d in sb/mail/alice procmail maildrop; do
	printf '%s: %s delivered\n' "$d" "$(ls "$W/$d/new" | wc -l)"
done
echo "(poczta-mda in both modes fsyncs the file and the directory; the index is built in batches apart from delivery.)"
