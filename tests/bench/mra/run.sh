#!/bin/sh
# tests/bench/mra/run.sh [COUNT] - fetch COUNT messages (default 2000) from a
# private Dovecot on loopback (IMAPS and POP3S) into an empty Maildir:
# poczta-mra beside mbsync, fetchmail and getmail6 in the same run, seconds
# and ratios.  Not a test: no thresholds.
#   ROUNDS=N     run every program N times, alternating (default 1); the
#                median of its runs is reported
#   PROGRAMS=... the programs to run (default: all of them), among
#                poczta-mra-imap poczta-mra-pop3 mbsync fetchmail-imap
#                fetchmail-pop3 getmail6-imap getmail6-pop3
# Needs: apt-get install dovecot-imapd dovecot-pop3d isync fetchmail getmail6.
# fetchmail delivers through poczta-mda (its mda option), as poczta-mra
# does; mbsync and getmail6 write the Maildir themselves.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
N=${1:-2000}
ROUNDS=${ROUNDS:-1}
PROGRAMS=${PROGRAMS:-poczta-mra-imap poczta-mra-pop3 mbsync fetchmail-imap fetchmail-pop3 getmail6-imap getmail6-pop3}
POCZTA_TOP=$top
. "$top/tests/lib.sh"
. "$top/tests/integration/t-mra-lib/dovecot.sh"
for p in dovecot mbsync fetchmail getmail; do
	command -v $p >/dev/null || echo "bench: $p is missing (apt-get install isync fetchmail getmail6)"
done
# the certificate names localhost too: mbsync checks the name it connects to
mra_cert srv localhost && mv "$T/srv-cert.pem" "$T/cert.pem" && mv "$T/srv-key.pem" "$T/key.pem"
dovecot_start me pw || { echo "bench: dovecot does not start"; cat "$T/dovecot/log"; exit 1; }
mra_setup pw
mra_account imap imap "$IMAPS_PORT" implicit "ca=$T/cert.pem"
mra_account pop pop3 "$POP3S_PORT" implicit "ca=$T/cert.pem"
python3 - "$REMOTE" "$N" <<'PY'
import random, sys
d, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
words = "mail agent queue folder index thread reply message deliver fetch".split()
for i in range(n):
    body = "\n".join(" ".join(random.choice(words) for _ in range(12)) for _ in range(45))
    with open(f"{d}/cur/{1700000000 + i}.M{i}P1.bench:2,", "w") as f:
        f.write(f"From: sender{i % 50}@example.org\nTo: me@mail.test\nSubject: message {i}\n"
                f"Message-ID: <{i}@bench.example>\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n\n{body}\n")
PY
chown -R dovecot:dovecot "$REMOTE"
echo "messages: $N of about $(( $(cat "$REMOTE"/cur/* | wc -c) / N / 1024 )) KB, from Dovecot on 127.0.0.1;" \
	"$ROUNDS round(s); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

export HOME=$T/home
mkdir -p "$HOME/.getmail"
cat >"$HOME/.mbsyncrc" <<RC
IMAPAccount bench
Host localhost
Port $IMAPS_PORT
User me
Pass pw
SSLType IMAPS
CertificateFile $T/cert.pem

IMAPStore remote
Account bench

MaildirStore local
Path $T/mbsync/
Inbox $T/mbsync/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull
Create Near
SyncState *
RC
for proto in imap pop3; do
	port=$IMAPS_PORT; [ $proto = pop3 ] && port=$POP3S_PORT
	P=$(echo $proto | tr a-z A-Z)
	cat >"$HOME/.fetchmailrc-$proto" <<RC
set no bouncemail
poll 127.0.0.1 service $port protocol $P
	user "me" password "pw" ssl sslcertck sslcertfile "$T/cert.pem" sslcommonname "localhost"
	fetchall keep mda "$BIN/poczta-mda -c $T/poczta.conf"
RC
	chmod 600 "$HOME/.fetchmailrc-$proto"
	R=SimpleIMAPSSLRetriever; [ $proto = pop3 ] && R=SimplePOP3SSLRetriever
	cat >"$HOME/.getmail/getmailrc-$proto" <<RC
[retriever]
type = $R
server = 127.0.0.1
port = $port
username = me
password = pw
ca_certs = $T/cert.pem
$([ $proto = imap ] && echo 'mailboxes = ("INBOX",)')
[destination]
type = Maildir
path = $T/getmail/
user = nobody
[options]
read_all = true
delete = false
verbose = 0
RC
done

# timed NAME COUNT-DIR COMMAND...: seconds for COMMAND, and the messages it left
timed () {
	name=$1 dir=$2; shift 2
	t0=$(date +%s.%N)
	"$@" >"$T/$name.out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	got=$(find "$dir" -type f -path '*/new/*' -o -type f -path '*/cur/*' 2>/dev/null | wc -l)
	secs=$(echo "$t1 - $t0" | bc)
	[ $rc = 0 ] || { echo "# $name failed ($rc):"; tail -3 "$T/$name.out" | sed 's/^/#   /'; }
	echo "$name $secs $got" >>"$T/results"
}

# run NAME - one run of one program, from an empty Maildir and no state.
# The last run's mail is moved aside, not deleted: ext4 does not reuse an
# inode freed in the last minute, and its allocator walks past every one
# (recently_deleted), so 10,000 files deleted just before a run cost that
# run seconds of system time, whichever program it is.  Deleted at the end.
run () {
	mkdir -p "$T/old"
	for d in "$T/Maildir" "$T/mbsync" "$T/getmail"; do
		[ ! -d "$d" ] || mv "$d" "$T/old/${d##*/}.$(date +%s%N)"
	done
	rm -rf "$T/data/mra"
	case $1 in
	poczta-mra-imap) timed $1 "$T/Maildir" "$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch imap ;;
	poczta-mra-pop3) timed $1 "$T/Maildir" "$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch pop ;;
	mbsync) mkdir -p "$T/mbsync"; timed $1 "$T/mbsync" mbsync -q bench ;;
	fetchmail-*) timed $1 "$T/Maildir" fetchmail -s -f "$HOME/.fetchmailrc-${1#*-}" ;;
	getmail6-*)
		mkdir -p "$T/getmail/new" "$T/getmail/cur" "$T/getmail/tmp"
		chown -R nobody "$T/getmail"	# getmail6 will not write a Maildir as root
		timed $1 "$T/getmail" getmail --getmaildir "$HOME/.getmail" \
			--rcfile "getmailrc-${1#*-}" -q ;;
	esac
}

r=0
while [ $r -lt "$ROUNDS" ]; do
	for p in $PROGRAMS; do run $p; done
	r=$((r + 1))
done

printf '%-18s %10s %8s %s\n' program seconds messages "seconds / poczta-mra-imap's (median of $ROUNDS)"
for p in $PROGRAMS; do
	grep "^$p " "$T/results" | sort -k2 -n | awk -v r="$ROUNDS" '
		{ s[NR] = $2; m[NR] = $3 } END { i = int((NR + 1) / 2); print $1, s[i], m[i], s[1], s[NR] }'
done >"$T/medians"
base=$(awk '$1 == "poczta-mra-imap" { print $2 }' "$T/medians")
awk -v base="${base:-0}" '{ printf "%-18s %10.2f %8d %8s   (runs %.2f .. %.2f)\n", $1, $2, $3,
	(base > 0 ? sprintf("%.2f", $2 / base) : "-"), $4, $5 }' "$T/medians"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
dovecot_stop
