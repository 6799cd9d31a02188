#!/bin/sh
# tests/bench/maa/run.sh [COUNT] - poczta-maa beside a private Dovecot
# (dovecot-imapd, its own configuration, base_dir and port on loopback),
# serving copies of the same generated Maildir in the same run: LOGIN +
# SELECT (first and second time), FETCH 1:* of the list attributes, FETCH
# of 1,000 whole messages, UID SEARCH for a body word, POP3 RETR of 1,000
# messages, and FETCH 1:* ENVELOPE twice (computed, then cached); the
# ratio for each row, and a session's resident memory.  Each row runs on
# one server and then on the other, so both see the same load; the load
# average before and after is printed with the table.
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
# a pool of bodies made once: generating every body word by word made
# 100,000 messages take minutes
pool = ["\n".join(" ".join(random.choice(words) for _ in range(12)) for _ in range(45))
        for _ in range(1009)]
cur = f"{out}/cur/"
for i in range(n):
    body = pool[i % 1009]
    if i % 97 == 0:
        body += "\nzanzibar\n"
    text = (f"From: sender{i % 50}@example.org\nTo: alice@poczta.test\n"
            f"Subject: message {i}\nMessage-ID: <{i}@bench.example>\n"
            f"Date: Sun, 22 Nov 2026 10:00:00 +0000\n\n{body}\n").encode()
    crlf = len(text) + text.count(b"\n")
    fd = os.open(f"{cur}{1700000000 + i}.M{i}P1.bench,S={len(text)},W={crlf}:2,S",
                 os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, text)
    os.close(fd)
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
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
/usr/sbin/dovecot -c "$W/dovecot.conf"
sleep 1
pgrep -f "dovecot -c $W/dovecot.conf" | head -n 1 >"$W/dovecot.pid"

python3 - "$((base + 143))" "$dport" "$((base + 110))" "$dpop" "$W" "$(cat "$W/dovecot.pid")" <<'PY'
import imaplib, poplib, statistics, subprocess, sys, time
ports = {"poczta-maa": (int(sys.argv[1]), int(sys.argv[3])),
         "dovecot": (int(sys.argv[2]), int(sys.argv[4]))}
W, dpid = sys.argv[5], sys.argv[6]
servers = list(ports)
rows, res, rss = [], {}, {}
def timed(name, server, fn):
    t = time.monotonic(); out = fn(); dt = time.monotonic() - t
    res.setdefault(name, {}).setdefault(server, []).append(dt)
    if name not in rows: rows.append(name)
    return out
def sel(server):
    m = imaplib.IMAP4("127.0.0.1", ports[server][0]); m.login("alice", "secret"); m.select("INBOX")
    return m
# each row runs on one server, then on the other, so that both see the
# same load; the second SELECT is timed five times (the median is shown)
for server in servers:
    timed("LOGIN + SELECT (first)", server, lambda: sel(server)).logout()
for _ in range(5):
    for server in servers:
        timed("LOGIN + SELECT (second, median of 5)", server, lambda: sel(server)).logout()
m = {s: sel(s) for s in servers}
count = int(m["dovecot"].select("INBOX")[1][0])
m["poczta-maa"].select("INBOX")
def each(name, fn):
    return {s: timed(name, s, lambda: fn(m[s])) for s in servers}
each("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)",
     lambda c: c.fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE)"))
for n in ("first", "second"):
    each(f"FETCH 1:* (UID FLAGS ... ENVELOPE) ({n})",
         lambda c: c.fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)"))
each("FETCH 1:1000 BODY.PEEK[]", lambda c: c.fetch("1:%d" % min(1000, count), "(BODY.PEEK[])"))
each("UID SEARCH BODY zanzibar", lambda c: c.uid("SEARCH", "BODY", "zanzibar"))
# resident memory of each session process while it is open: poczta-maa's
# of this sandbox, Dovecot's imap processes of this instance
ps = subprocess.run(["ps", "-eo", "ppid,rss,args"], capture_output=True, text=True).stdout
for l in ps.splitlines()[1:]:
    ppid, kb, args = l.split(None, 2)
    if ("poczta-maa" in args and W in args) or (ppid == dpid and "dovecot/imap" in args and "login" not in args):
        s = "poczta-maa" if "poczta-maa" in args else "dovecot"
        rss[s] = max(rss.get(s, 0), int(kb))
for s in servers:
    m[s].logout()
def pop(server):
    p = poplib.POP3("127.0.0.1", ports[server][1]); p.user("alice"); p.pass_("secret")
    for i in range(1, min(1000, count) + 1):
        p.retr(i)
    p.rset(); p.quit()
for server in servers:
    timed("POP3 RETR x 1000", server, lambda: pop(server))
res = {r: {s: statistics.median(v) for s, v in d.items()} for r, d in res.items()}
print(f"{'row':52} {'poczta-maa':>11} {'dovecot':>9} {'ratio':>7}")
for r in rows:
    a, b = res[r]["poczta-maa"], res[r]["dovecot"]
    print(f"{r:52} {a:10.3f}s {b:8.3f}s {a / b:7.2f}")
print(f"{'resident KB of a session after the SEARCH':52} {rss.get('poczta-maa', 0):>10}  {rss.get('dovecot', 0):>8}")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
