#!/bin/sh
# t-maa.sh - poczta-maa on loopback with Python's imaplib: STARTTLS and
# implicit TLS, LOGINDISABLED without allow_clear_auth, a command injected
# after STARTTLS, two sessions on one mailbox seeing each other's EXPUNGE
# and FLAGS, IDLE reporting a delivery through the MTA and MDA within a
# second, and UIDs that survive a restart.
. "$(dirname "$0")/../lib.sh"

sandbox alice secret
IMAP=$((base + 143)) IMAPS=$((base + 993)) SMTP=$((base + 25))
A=$T/sb/mail/alice
# a sandbox allows clear-text login on loopback; this test wants TLS first
sed -i 's/^allow_clear_auth = yes$/allow_clear_auth = no/' "$CONF"
sandbox_up
ok "poczta-ctl up starts poczta-maa"

# py SCRIPT: run Python with the ports and the sandbox's CA in argv
py () {
	timeout 60 python3 - "$IMAP" "$IMAPS" "$T/sb/tls/cert.pem" "$SMTP" "$A" >"$T/py.out" 2>&1
}

py <<'PY'
import imaplib, ssl, sys
port, sport, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca); ctx.check_hostname = False
m = imaplib.IMAP4("127.0.0.1", port)
print("before", " ".join(m.capabilities))
try:
    m.login("alice", "secret"); print("clear login accepted")
except imaplib.IMAP4.error as e:
    print("clear login refused", e)
m.starttls(ssl_context=ctx)
print("after", " ".join(m.capabilities))
print("login", m.login("alice", "secret")[0])
print("append", m.append("INBOX", None, None, b"Subject: one\r\n\r\nfirst\r\n")[0])
print("select", m.select("INBOX")[1][0].decode())
typ, d = m.fetch("1", "(BODY.PEEK[])")
print("body", d[0][1] == b"Subject: one\r\n\r\nfirst\r\n")
# a FETCH longer than the engine holds at once (its flush hook writes it out)
big = b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 60
for i in range(20):
    m.append("INBOX", None, None, big)
m.noop()
typ, d = m.fetch("2:*", "(BODY.PEEK[])")
print("big fetch", typ, sum(1 for x in d if isinstance(x, tuple) and x[1] == big))
m.logout()
s = imaplib.IMAP4_SSL("127.0.0.1", sport, ssl_context=ctx)
print("tls login", s.login("alice", "secret")[0], s.sock.version())
print("tls search", s.select("INBOX")[0], s.search(None, "BODY", "first")[1][0].decode())
s.logout()
PY
check "before TLS: STARTTLS and LOGINDISABLED announced" grep -q '^before .*STARTTLS LOGINDISABLED' "$T/py.out"
check "before TLS: LOGIN refused" grep -q '^clear login refused.*PRIVACYREQUIRED' "$T/py.out"
check "after STARTTLS: AUTH=PLAIN, no LOGINDISABLED" grep -qE '^after .*AUTH=PLAIN$' "$T/py.out"
check "LOGIN inside TLS" grep -q '^login OK' "$T/py.out"
check "APPEND, SELECT and FETCH give the message back" grep -q '^body True' "$T/py.out"
check "a 1.2 MB FETCH arrives whole" grep -q '^big fetch OK 20$' "$T/py.out"
check "implicit TLS (993-style) login" grep -qE '^tls login OK TLSv1\.[23]' "$T/py.out"
check "SEARCH BODY over implicit TLS" grep -q '^tls search OK 1$' "$T/py.out"
[ $tap_failed = 0 ] || sed 's/^/#   /' "$T/py.out"

# STARTTLS with a LOGIN in the same packet: the LOGIN is never run
py <<'PY'
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[3]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rb")
f.readline()
s.sendall(b"a STARTTLS\r\nb LOGIN alice secret\r\n")
print("reply", f.readline().decode().strip())
ctx = ssl.create_default_context(cafile=ca); ctx.check_hostname = False
t = ctx.wrap_socket(s, server_hostname="poczta.test")
t.sendall(b"c NOOP\r\n")
print("next", t.recv(4096).decode().strip())
PY
check "STARTTLS: the command sent with it is not run" \
	sh -c "grep -q '^reply a OK' '$T/py.out' && grep -q '^next c OK NOOP' '$T/py.out' && ! grep -q '^next b' '$T/py.out'"

# two sessions on one mailbox; IDLE sees a delivery through MTA and MDA
py <<'PY'
import imaplib, smtplib, ssl, sys, time, os
port, ca, smtp, md = int(sys.argv[1]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
ctx = ssl.create_default_context(cafile=ca); ctx.check_hostname = False
def session():
    m = imaplib.IMAP4("127.0.0.1", port); m.starttls(ssl_context=ctx); m.login("alice", "secret")
    m.select("INBOX"); return m
a, b = session(), session()
a.append("INBOX", None, None, b"Subject: two\r\n\r\nsecond\r\n")
print("b noop", b.noop())
a.store("1", "+FLAGS", "(\\Flagged)")
b.noop()
typ, d = b.response("FETCH")
print("b sees flags", any(x and b"\\Flagged" in x for x in d))
b.store("1", "+FLAGS", "(\\Deleted)"); b.expunge()
a.noop()
print("a sees expunge", a.response("EXPUNGE")[1])
# IDLE in a, delivery through the MTA
tag = a._new_tag().decode()
a.send(("%s IDLE\r\n" % tag).encode())
print("idle", a.readline().decode().strip())
t0 = time.time()
c = smtplib.SMTP("127.0.0.1", smtp, timeout=10)
c.sendmail("x@example.org", ["alice@poczta.test"], "Subject: three\r\n\r\nthird\r\n"); c.quit()
t1 = time.time()
a.sock.settimeout(10)
line = a.readline().decode().strip()
print("idle saw", line, "after %.2f s" % (time.time() - t1))
a.send(b"DONE\r\n")
while not line.startswith(tag):
    line = a.readline().decode().strip()
print("idle end", line)
a.logout(); b.logout()
PY
check "a STORE in one session shows as FETCH FLAGS in the other" grep -q '^b sees flags True' "$T/py.out"
check "an EXPUNGE in one session shows in the other" grep -q "^a sees expunge \[b'1'\]" "$T/py.out"
check "IDLE reports a delivery through the MTA and MDA" grep -q '^idle saw \* [0-9]* EXISTS' "$T/py.out"
secs=$(sed -n 's/^idle saw .* after \([0-9.]*\) s$/\1/p' "$T/py.out")
check "... within a second of the MDA's delivery ($secs s after the SMTP QUIT)" \
	python3 -c "import sys; sys.exit(0 if float('${secs:-99}') < 1.5 else 1)"
check "DONE ends IDLE" grep -q '^idle end .* OK IDLE terminated' "$T/py.out"
[ $tap_failed = 0 ] || sed 's/^/#   /' "$T/py.out"

# UIDs survive a restart and a rename by another program
uids1=$(awk 'NR > 1 { print $1, $6 }' "$A/poczta-uidlist" | sort)
"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1
f=$(ls "$A"/cur/* | head -n 1)
mv "$f" "${f%%:2,*}:2,S"
"$BIN/poczta-ctl" -c "$CONF" up >/dev/null 2>&1
py <<'PY'
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[3]); ctx.check_hostname = False
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); m.starttls(ssl_context=ctx); m.login("alice", "secret")
m.select("INBOX")
print(m.fetch("1:*", "(UID FLAGS)"))
w = imaplib.IMAP4("127.0.0.1", int(sys.argv[1])); w.starttls(ssl_context=ctx)
try:
    w.login("alice", "wrong")
except imaplib.IMAP4.error as e:
    print("wrong password", e)
PY
uids2=$(awk 'NR > 1 { print $1, $6 }' "$A/poczta-uidlist" | sort)
check_eq "UIDs are the same after a restart and a flag rename" "$uids1" "$uids2"
check "the other program's \\Seen shows" grep -q 'Seen' "$T/py.out"
check "a wrong password is refused" grep -q '^wrong password.*AUTHENTICATIONFAILED' "$T/py.out"
check "... and logged" grep -q 'auth failed user=alice' "$T/sb/log/poczta.log"
# a password that verified is checked from the auth cache the next time
# (lib/authcache.h): the second login of this run says so
check "a second login comes from the auth cache" \
	grep -q 'login user=alice (cached)$' "$T/sb/log/poczta.log"
done_testing
