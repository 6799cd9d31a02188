#!/bin/sh
# t-maa-index.sh - what IMAP and POP3 clients do through poczta-maa reaches
# the notmuch index the client reads: the new/ to cur/ move and the flags a
# STORE sets become the index's file names and tags (\Seen clears unread,
# \Flagged tags flagged), an APPENDed message is indexed, an EXPUNGEd one
# leaves the index, and so does a message a POP3 client deleted.
. "$(dirname "$0")/../lib.sh"

command -v notmuch >/dev/null || { not_ok "notmuch is installed (debian-packages)"; done_testing; }
sandbox alice secret
IMAPS=$((base + 993)) POP3S=$((base + 995))
A=$T/sb/mail/alice
sandbox_up

printf '[database]\npath=%s\n' "$A" >"$T/nm.cfg"
nm () { NOTMUCH_CONFIG=$T/nm.cfg notmuch "$@" 2>/dev/null; }
# until TEXT COMMAND...: poll (10 s) until the command prints TEXT
until_is () {
	want=$1; shift
	i=0
	while [ "$("$@")" != "$want" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}
for n in 1 2 3; do
	printf 'Subject: note %s\nMessage-ID: <n%s@poczta.test>\n\nbody %s\n' $n $n $n |
		"$BIN/poczta-sendmail" -C "$CONF" alice@poczta.test
done
check_eq "delivered and indexed, unread" 3 "$(until_is 3 nm count tag:unread)"

imap () {
	timeout 60 python3 - "$IMAPS" "$@" <<'PY'
import imaplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx)
m.login("alice", "secret")
m.select("INBOX")
for cmd in sys.argv[2:]:
    if cmd == "seen1":
        m.uid("STORE", "1", "+FLAGS", r"(\Seen \Flagged)")
    elif cmd == "expunge2":
        m.uid("STORE", "2", "+FLAGS", r"(\Deleted)")
        m.expunge()
    elif cmd == "append":
        m.append("INBOX", r"(\Seen)", None,
                 b"Subject: appended\r\nMessage-ID: <ap1@poczta.test>\r\n\r\nfrom a laptop\r\n")
m.logout()
PY
}
imap seen1
check_eq "SELECT's move to cur/ reaches the index" 3 \
	"$(until_is 3 sh -c "NOTMUCH_CONFIG='$T/nm.cfg' notmuch search --output=files '*' | grep -c '/cur/'")"
check_eq "\\Seen by IMAP: the message is no longer unread" 2 "$(until_is 2 nm count tag:unread)"
check_eq "\\Flagged by IMAP: tagged flagged" 1 "$(until_is 1 nm count tag:flagged)"
check_eq "and it is the one stored to" 1 "$(nm count tag:flagged and id:n1@poczta.test)"
check "no stale file names left in the index" \
	sh -c "NOTMUCH_CONFIG='$T/nm.cfg' notmuch search --output=files '*' | while read f; do test -e \"\$f\" || exit 1; done"
imap expunge2
check_eq "an EXPUNGEd message leaves the index" 0 "$(until_is 0 nm count id:n2@poczta.test)"
imap append
check_eq "an APPENDed message is indexed" 1 "$(until_is 1 nm count id:ap1@poczta.test)"
check_eq "with its \\Seen: not unread" 0 "$(nm count id:ap1@poczta.test and tag:unread)"

# POP3: DELE and QUIT remove the file; the index follows
timeout 60 python3 - "$POP3S" <<'PY'
import poplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3_SSL("127.0.0.1", int(sys.argv[1]), context=ctx)
p.user("alice"); p.pass_("secret")
for i in range(1, len(p.list()[1]) + 1):
    p.dele(i)
p.quit()
PY
check_eq "POP3 DELE at QUIT: the index is empty" 0 "$(until_is 0 nm count '*')"
done_testing
