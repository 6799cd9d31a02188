#!/bin/sh
# tests/bench/mra/run.sh [COUNT] - fetch COUNT messages (default 2000) from a
# private Dovecot on loopback (IMAPS, and POP3S for poczta-mra) into an
# empty Maildir: poczta-mra beside mbsync, fetchmail and getmail6 in the
# same run, seconds and ratios.  Not a test: no thresholds.
# Needs: apt-get install dovecot-imapd dovecot-pop3d isync fetchmail getmail6.
# fetchmail delivers through poczta-mda (its mda option), as poczta-mra
# does; mbsync and getmail6 write the Maildir themselves.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
N=${1:-2000}
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
echo "messages: $N of about $(( $(cat "$REMOTE"/cur/* | wc -c) / N / 1024 )) KB, from Dovecot on 127.0.0.1"

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

timed poczta-mra-imap "$T/Maildir" "$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch imap
rm -rf "$T/Maildir"
timed poczta-mra-pop3 "$T/Maildir" "$BIN/poczta-mra" -c "$T/poczta.conf" -q fetch pop

export HOME=$T/home
mkdir -p "$HOME" "$T/mbsync"
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
RC
timed mbsync "$T/mbsync" mbsync -q bench

rm -rf "$T/Maildir"
cat >"$HOME/.fetchmailrc" <<RC
set no bouncemail
poll 127.0.0.1 service $IMAPS_PORT protocol IMAP
	user "me" password "pw" ssl sslcertck sslcertfile "$T/cert.pem" sslcommonname "localhost"
	fetchall keep mda "$BIN/poczta-mda -c $T/poczta.conf"
RC
chmod 600 "$HOME/.fetchmailrc"
timed fetchmail "$T/Maildir" fetchmail -s -f "$HOME/.fetchmailrc"

mkdir -p "$T/getmail/new" "$T/getmail/cur" "$T/getmail/tmp" "$HOME/.getmail"
chown -R nobody "$T/getmail"	# getmail6 will not write a Maildir as root
cat >"$HOME/.getmail/getmailrc" <<RC
[retriever]
type = SimpleIMAPSSLRetriever
server = 127.0.0.1
port = $IMAPS_PORT
username = me
password = pw
ca_certs = $T/cert.pem
mailboxes = ("INBOX",)
[destination]
type = Maildir
path = $T/getmail/
user = nobody
[options]
read_all = true
delete = false
verbose = 0
RC
timed getmail6 "$T/getmail" getmail --getmaildir "$HOME/.getmail" -q

printf '%-18s %10s %8s %s\n' program seconds messages "seconds / poczta-mra-imap's"
awk 'NR == 1 { base = $2 } { printf "%-18s %10.2f %8d %8.2f\n", $1, $2, $3, $2 / base }' "$T/results"
dovecot_stop
