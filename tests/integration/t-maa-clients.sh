#!/bin/sh
# t-maa-clients.sh - poczta-maa driven by real IMAP clients from Debian:
# mbsync (isync) syncing both ways over STARTTLS with the certificate
# checked, fetchmail fetching over implicit TLS, and neomutt reading and
# deleting over imaps:// in batch mode.
. "$(dirname "$0")/../lib.sh"

for p in mbsync fetchmail neomutt; do
	command -v $p >/dev/null || { not_ok "$p is installed (debian-packages)"; done_testing; }
done
sandbox alice secret
IMAP=$((base + 143)) IMAPS=$((base + 993))
A=$T/sb/mail/alice
CA=$T/sb/tls/cert.pem
sandbox_up

# three messages on the server, one in a folder
mkdir -p "$A/.Lists/cur" "$A/.Lists/new" "$A/.Lists/tmp"
for i in 1 2; do
	printf 'From: a@example.org\nSubject: server %s\nMessage-ID: <s%s@example.org>\n\nbody %s\n' \
		$i $i $i >"$A/new/100$i.srv"
done
printf 'Subject: list mail\nMessage-ID: <l1@example.org>\n\nlist body\n' >"$A/.Lists/new/2001.srv"

# --- mbsync: pull, then push a local message and a flag ---
mkdir -p "$T/local"
cat >"$T/mbsyncrc" <<EOF
IMAPAccount poczta
Host localhost
Port $IMAP
User alice
Pass secret
SSLType STARTTLS
CertificateFile $CA

IMAPStore remote
Account poczta

MaildirStore local
Path $T/local/
Inbox $T/local/INBOX
SubFolders Verbatim

Channel ch
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
EOF
timeout 60 mbsync -c "$T/mbsyncrc" -a >"$T/mbsync1.log" 2>&1
check "mbsync: first sync succeeds" test $? -eq 0
check "mbsync: INBOX pulled (2 messages)" test "$(ls "$T/local/INBOX/cur" "$T/local/INBOX/new" | grep -c srv\\\|,U=)" -ge 2
check "mbsync: the folder Lists pulled" sh -c "grep -rl 'list body' '$T/local/Lists' >/dev/null"
f=$(grep -rl 'Subject: server 1' "$T/local/INBOX" | head -n 1)
mv "$f" "${f%%:2,*}:2,FS"
printf 'From: me@example.org\nSubject: from laptop\nMessage-ID: <p1@example.org>\n\npushed\n' \
	>"$T/local/INBOX/new/3001.local"
timeout 60 mbsync -c "$T/mbsyncrc" -a >"$T/mbsync2.log" 2>&1
check "mbsync: second sync succeeds" test $? -eq 0
check "mbsync: the local message reached the server" sh -c "grep -rl 'Subject: from laptop' '$A/cur' '$A/new' >/dev/null"
check "mbsync: the local \\Flagged reached the server" sh -c "ls '$A/cur' | grep -q ':2,.*F'"
[ $tap_failed = 0 ] || sed 's/^/#   /' "$T/mbsync1.log" "$T/mbsync2.log"

# --- fetchmail over implicit TLS, keeping the mail on the server ---
cat >"$T/fetchmailrc" <<EOF
poll localhost service $IMAPS protocol IMAP:
	user alice password secret is alice here
	ssl sslcertck sslcertfile $CA sslproto TLS1.2+
	keep fetchall
	mda "cat >>$T/fetched"
EOF
chmod 600 "$T/fetchmailrc"
HOME=$T timeout 60 fetchmail -f "$T/fetchmailrc" --pidfile "$T/fetchmail.pid" --nodetach -v >"$T/fetchmail.log" 2>&1
rc=$?
check "fetchmail: exit 0 (mail fetched)" test $rc -eq 0
check "fetchmail: all three INBOX messages" test "$(grep -c '^Subject: ' "$T/fetched" 2>/dev/null)" -eq 3
[ $rc = 0 ] || sed 's/^/#   /' "$T/fetchmail.log" | tail -20

# --- neomutt: open the mailbox over imaps, delete one message, sync ---
cat >"$T/muttrc" <<EOF
set folder="imaps://alice@localhost:$IMAPS/"
set imap_pass="secret"
set certificate_file="$T/certs"
set ssl_ca_certificates_file="$CA"
set ssl_verify_host=yes
set spoolfile="+INBOX"
set delete=yes
set confirmappend=no
set header_cache=""
set message_cachedir=""
EOF
# batch: delete messages matching "from laptop", then sync and quit;
# neomutt needs a terminal, tmux gives it one
cat >"$T/neomutt.sh" <<EOF
#!/bin/sh
neomutt -n -F '$T/muttrc' -f 'imaps://alice@localhost:$IMAPS/INBOX' \
	-e 'push "<delete-pattern>~s laptop<enter><sync-mailbox><quit>"'
echo \$? >'$T/neomutt.done'
EOF
chmod +x "$T/neomutt.sh"
HOME=$T tmux new-session -d -s maa-$$ -x 120 -y 40 "$T/neomutt.sh"
i=0
while [ ! -e "$T/neomutt.done" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
tmux kill-session -t maa-$$ 2>/dev/null
check "neomutt: ran and quit" test "$(cat "$T/neomutt.done" 2>/dev/null)" = 0
check "neomutt: the deleted message is gone from the server" \
	sh -c "! grep -rl 'Subject: from laptop' '$A/cur' '$A/new' >/dev/null"
check "neomutt: the others stay" test "$(cat "$A"/cur/* "$A"/new/* 2>/dev/null | grep -c '^Subject: server')" -eq 2
done_testing
