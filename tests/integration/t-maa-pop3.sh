#!/bin/sh
# t-maa-pop3.sh - poczta-maa's POP3 side with Python's poplib and
# fetchmail: STLS and implicit TLS, UIDLs from the IMAP UID list, RETR and
# TOP with CRLF, DELE effective only at QUIT (a broken connection deletes
# nothing), the maildrop locked against a second session.
. "$(dirname "$0")/../lib.sh"

sandbox alice secret
POP=$((base + 110)) POPS=$((base + 995))
A=$T/sb/mail/alice
sed -i 's/^allow_clear_auth = yes$/allow_clear_auth = no/' "$CONF"
mkdir -p "$A/cur" "$A/new" "$A/tmp"
for i in 1 2 3; do
	printf 'From: a@example.org\nSubject: pop %s\n\nline one of %s\nline two\n.dot line\n' $i $i \
		>"$A/new/100$i.x"
done
sandbox_up

timeout 60 python3 - "$POP" "$POPS" "$T/sb/tls/cert.pem" >"$T/py.out" 2>&1 <<'PY'
import poplib, ssl, sys, socket, time
port, sport, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca); ctx.check_hostname = False
p = poplib.POP3("127.0.0.1", port)
print("capa", sorted(p.capa().keys()))
try:
    p.user("alice"); print("clear user accepted")
except poplib.error_proto as e:
    print("clear user refused", e)
p.stls(context=ctx)
p.user("alice"); p.pass_("secret")
print("stat", p.stat())
print("uidl", [u.decode() for u in p.uidl()[1]])
r = p.retr(1)[1]
print("retr", r)
print("top", p.top(2, 0)[1])
try:
    q = poplib.POP3("127.0.0.1", port); q.stls(context=ctx); q.user("alice"); q.pass_("secret")
    print("second session got in")
except poplib.error_proto as e:
    print("second session", e)
p.dele(1)
p.sock.shutdown(socket.SHUT_RDWR); p.sock.close(); p.file.close()   # a broken connection: nothing deleted
def login():
    # the server sees the broken connection and unlocks a moment later
    for _ in range(100):
        s = poplib.POP3_SSL("127.0.0.1", sport, context=ctx)
        s.user("alice")
        try:
            s.pass_("secret"); return s
        except poplib.error_proto as e:
            if b"IN-USE" not in e.args[0]: raise
            time.sleep(0.1)
    raise SystemExit("still locked")
s = login()
print("after break", s.stat()[0])
s.dele(1); s.dele(3)
print("quit", s.quit())
s = login()
print("after quit", s.stat()[0], [u.decode() for u in s.uidl()[1]])
s.quit()
PY
check "CAPA announces STLS, UIDL, TOP" grep -q "^capa .*'STLS'.*'TOP'.*'UIDL'" "$T/py.out"
check "USER refused before TLS" grep -q '^clear user refused' "$T/py.out"
check "STAT after STLS and USER/PASS" grep -q '^stat (3, ' "$T/py.out"
uid1=1	# 1001.x sorts first, so the UID list gave it UID 1
uv=$(sed -n 's/^P1 V\([0-9]*\) .*/\1/p' "$A/poczta-uidlist")
want=$(printf '%08X%08X' "$uid1" "$uv")
check "UIDL is the IMAP UID and UIDVALIDITY ($want)" grep -q "^uidl \['1 $want'" "$T/py.out"
check "RETR un-dot-stuffs back to the message" grep -q "^retr \[b'From: a@example.org', b'Subject: pop 1', b'', b'line one of 1', b'line two', b'.dot line'\]" "$T/py.out"
check "TOP 0: the header and the blank line" grep -q "^top \[b'From: a@example.org', b'Subject: pop 2', b''\]" "$T/py.out"
check "a second session is refused while the maildrop is locked" grep -q '^second session.*IN-USE' "$T/py.out"
check "a broken connection deletes nothing" grep -q '^after break 3$' "$T/py.out"
check "DELE takes effect at QUIT" grep -q '^after quit 1 ' "$T/py.out"
check "the message left keeps its UIDL" sh -c "grep '^after quit' '$T/py.out' | grep -q \"'1 $(printf '%08X%08X' 2 "$uv")'\""
[ $tap_failed = 0 ] || sed 's/^/#   /' "$T/py.out"

# fetchmail over POP3 with STLS, certificate checked, keeping the mail
cat >"$T/fetchmailrc" <<EOF
poll localhost service $POP protocol POP3:
	user alice password secret is alice here
	sslcertck sslcertfile $T/sb/tls/cert.pem sslproto TLS1.2+
	keep fetchall
	mda "cat >>$T/fetched"
EOF
chmod 600 "$T/fetchmailrc"
if command -v fetchmail >/dev/null; then
	HOME=$T timeout 60 fetchmail -v -f "$T/fetchmailrc" --pidfile "$T/fetchmail.pid" --nodetach >"$T/fetchmail.log" 2>&1
	check "fetchmail over POP3 STLS: exit 0" test $? -eq 0
	check "fetchmail got the message left" grep -q '^Subject: pop 2' "$T/fetched"
	[ $tap_failed = 0 ] || sed "s/^/#   /" "$T/fetchmail.log" | tail -20
else
	not_ok "fetchmail is installed (debian-packages)"
fi
done_testing
