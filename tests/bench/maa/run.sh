#!/bin/sh
# tests/bench/maa/run.sh [COUNT] - poczta-maa beside a private Dovecot
# (dovecot-imapd, its own configuration, base_dir and port on loopback),
# serving copies of the same generated Maildir in the same run: LOGIN +
# SELECT (first and second time), FETCH 1:* of the list attributes, FETCH
# of 1,000 whole messages, UID SEARCH for a body word, POP3 RETR of 1,000
# messages, and FETCH 1:* ENVELOPE twice (computed, then cached); the
# ratio for each row, and a session's resident memory.
# Not a test: no thresholds.  Needs root (Dovecot drops to nobody) and
# apt-get install dovecot-imapd dovecot-pop3d.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
N=${1:-10000}
W=$(mktemp -d /tmp/poczta-bench-maa.XXXXXX)
chmod 755 "$W"
trap '[ -f "$W/dovecot.pid" ] && kill $(cat "$W/dovecot.pid") 2>/dev/null; "$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" down >/dev/null 2>&1; rm -rf "$W"' EXIT
[ -x /usr/sbin/dovecot ] || { echo "bench: dovecot is missing: apt-get install dovecot-imapd dovecot-pop3d"; exit 1; }

# the Maildir: N messages with ,W= sizes as poczta-mda names them
python3 - "$W/md" "$N" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
for d in ("cur", "new", "tmp"):
    os.makedirs(f"{out}/{d}")
random.seed(1)
words = "mail agent queue folder index thread reply message deliver fetch".split()
for i in range(n):
    body = "\n".join(" ".join(random.choice(words) for _ in range(12)) for _ in range(45))
    if i % 97 == 0:
        body += "\nzanzibar\n"
    text = (f"From: sender{i % 50}@example.org\nTo: alice@poczta.test\n"
            f"Subject: message {i}\nMessage-ID: <{i}@bench.example>\n"
            f"Date: Sun, 22 Nov 2026 10:00:00 +0000\n\n{body}\n").encode()
    crlf = len(text) + text.count(b"\n")
    with open(f"{out}/cur/{1700000000 + i}.M{i}P1.bench,S={len(text)},W={crlf}:2,S", "wb") as f:
        f.write(text)
PY
echo "messages: $N"

base=$(. "$top/tests/lib.sh" >/dev/null 2>&1; free_port_base)
"$top/bin/poczta-ctl" init "$W/sb" --user alice --password secret --domain poczta.test \
	--port-base "$base" >/dev/null
mkdir -p "$W/sb/mail"
rm -rf "$W/sb/mail/alice" && cp -a "$W/md" "$W/sb/mail/alice"
# poczta-mda keeps a notmuch index of what it delivers, which SEARCH BODY
# uses; these messages were made by hand, so index them (not timed)
"$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" reindex alice >/dev/null
"$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" up >/dev/null

dport=$((base + 1143)) dpop=$((base + 1110))
mkdir -p "$W/dc" && cp -a "$W/md" "$W/dc/Maildir" && chown -R nobody:nogroup "$W/dc"
cat >"$W/dovecot.conf" <<EOF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $W/dcrun
state_dir = $W/dcstate
log_path = $W/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = nobody
default_login_user = nobody
first_valid_uid = 0
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$W/dc mail=maildir:$W/dc/Maildir
}
service imap-login {
  inet_listener imap {
    port = $dport
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $dpop
  }
  inet_listener pop3s {
    port = 0
  }
}
pop3_uidl_format = %08Xu%08Xv
EOF
/usr/sbin/dovecot -c "$W/dovecot.conf"
sleep 1
pgrep -f "dovecot -c $W/dovecot.conf" | head -n 1 >"$W/dovecot.pid"

python3 - "$((base + 143))" "$dport" "$((base + 110))" "$dpop" <<'PY'
import imaplib, poplib, subprocess, sys, time
ports = {"poczta-maa": (int(sys.argv[1]), int(sys.argv[3])),
         "dovecot": (int(sys.argv[2]), int(sys.argv[4]))}
rows, res, rss = [], {}, {}
def timed(name, server, fn):
    t = time.monotonic(); out = fn(); dt = time.monotonic() - t
    res.setdefault(name, {})[server] = dt
    if name not in rows: rows.append(name)
    return out
for server, (iport, pport) in ports.items():
    for n in ("first", "second"):
        def sel():
            m = imaplib.IMAP4("127.0.0.1", iport); m.login("alice", "secret"); m.select("INBOX")
            return m
        m = timed(f"LOGIN + SELECT ({n})", server, sel)
        if n == "first":
            m.logout()
    count = int(m.select("INBOX")[1][0])
    timed("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)", server,
          lambda: m.fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE)"))
    for n in ("first", "second"):
        timed(f"FETCH 1:* (UID FLAGS ... ENVELOPE) ({n})", server,
              lambda: m.fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)"))
    timed("FETCH 1:1000 BODY.PEEK[]", server, lambda: m.fetch("1:%d" % min(1000, count), "(BODY.PEEK[])"))
    hits = timed("UID SEARCH BODY zanzibar", server, lambda: m.uid("SEARCH", "BODY", "zanzibar"))
    # resident memory of the largest session process, while it is open
    name = "poczta-maa" if server == "poczta-maa" else "dovecot/imap"
    ps = subprocess.run(["ps", "-eo", "rss,args"], capture_output=True, text=True).stdout
    rss[server] = max((int(l.split()[0]) for l in ps.splitlines()[1:] if name in l), default=0)
    m.logout()
    def pop():
        p = poplib.POP3("127.0.0.1", pport); p.user("alice"); p.pass_("secret")
        for i in range(1, min(1000, count) + 1):
            p.retr(i)
        p.rset(); p.quit()
    timed("POP3 RETR x 1000", server, pop)
print(f"{'row':52} {'poczta-maa':>11} {'dovecot':>9} {'ratio':>7}")
for r in rows:
    a, b = res[r]["poczta-maa"], res[r]["dovecot"]
    print(f"{r:52} {a:10.3f}s {b:8.3f}s {a / b:7.2f}")
print(f"{'resident KB of a session after the SEARCH':52} {rss['poczta-maa']:>10}  {rss['dovecot']:>8}")
PY
