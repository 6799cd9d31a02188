#!/bin/sh
# tests/bench/msa/run.sh [COUNT] - submissions per second over STARTTLS with
# AUTH PLAIN: poczta-msa beside a private Postfix submission service
# (smtpd with smtpd_sasl_type = dovecot, the SASL server a private Dovecot
# instance that does nothing but auth), in one run, both queueing with
# fsync.  Each is driven by the same Python smtplib client two ways: COUNT
# messages on one connection (TLS and AUTH once), and COUNT/10 connections
# with one message each (a handshake, an AUTH with its password hash, a
# message).  Prints rates and ratios.  Not a test: no thresholds.  Needs
# root (Postfix's master) and apt-get install postfix dovecot-core.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
N=${1:-2000}
C=$((N / 10))
W=$(mktemp -d /tmp/poczta-bench-msa.XXXXXX)
chmod 755 "$W"
PF=$W/postfix
DV=$W/dovecot
old_alt=$(postconf -h alternate_config_directories 2>/dev/null || true)
cleanup () {
	postfix -c "$PF/etc" stop >/dev/null 2>&1 || true
	[ -f "$DV/run/master.pid" ] && kill "$(cat "$DV/run/master.pid")" 2>/dev/null || true
	postconf -e "alternate_config_directories = $old_alt" 2>/dev/null || true
	"$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" down >/dev/null 2>&1 || true
	rm -rf "$W"
}
trap cleanup EXIT
command -v postfix >/dev/null || { echo "bench: apt-get install postfix"; exit 1; }
command -v dovecot >/dev/null || { echo "bench: apt-get install dovecot-core"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (Postfix's master must start as root)"; exit 1; }
free_port () { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- poczta: a sandbox; its self-signed certificate serves Postfix too ---
base=$(. "$top/tests/lib.sh" >/dev/null 2>&1; free_port_base)
"$top/bin/poczta-ctl" init "$W/sb" --user alice --password benchpw --domain bench.test \
	--port-base "$base" >/dev/null
sed -i 's/^\[msa\]$/[msa]\nmax_connections = 100/' "$W/sb/poczta.conf"
"$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" up >/dev/null
ZPORT=$((base + 587))
CERT=$W/sb/tls/cert.pem
KEY=$W/sb/tls/key.pem

# --- a private Dovecot that only authenticates, for Postfix's SASL ---
mkdir -p "$DV/run" "$DV/state" "$PF/etc" "$PF/queue" "$PF/data" "$PF/vmail"
# a salted, iterated hash as a real installation has (SHA512-CRYPT, 5000 rounds)
printf 'alice:%s\n' "$(doveadm pw -s SHA512-CRYPT -p benchpw)" >"$DV/passwd"
cat >"$DV/dovecot.conf" <<EOC
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/log
protocols =
ssl = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = $DV/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=/nonexistent
}
service auth {
  unix_listener $DV/auth {
    mode = 0666
  }
}
EOC
dovecot -c "$DV/dovecot.conf"

# --- a private Postfix whose submission port is smtpd with TLS and AUTH ---
PPORT=$(free_port)
chown postfix "$PF/data"
chown nobody:nogroup "$PF/vmail"
cp /etc/postfix/master.cf "$PF/etc/master.cf"
sed -i "s/^smtp *inet .*/127.0.0.1:$PPORT inet n - n - 100 smtpd -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject/" "$PF/etc/master.cf"
cat >"$PF/etc/main.cf" <<EOC
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.bench.test
mydestination =
mynetworks =
virtual_mailbox_domains = bench.test
virtual_mailbox_base = $PF/vmail
virtual_mailbox_maps = static:alice/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_tls_cert_file = $CERT
smtpd_tls_key_file = $KEY
smtpd_tls_protocols = >=TLSv1.2
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DV/auth
default_process_limit = 200
EOC
postconf -e "alternate_config_directories = $PF/etc"
postfix -c "$PF/etc" check >/dev/null 2>&1 || true
postfix -c "$PF/etc" start >"$W/postfix-start.log" 2>&1 || { cat "$W/postfix-start.log"; exit 1; }
i=0; while [ $i -lt 50 ] && ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $PPORT))" 2>/dev/null; do
	sleep 0.1; i=$((i + 1)); done

cat >"$W/client.py" <<'EOF'
import smtplib, ssl, sys, time
port, cert, mode, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
ctx = ssl.create_default_context(cafile=cert)
ctx.check_hostname = False	# Postfix is reached as 127.0.0.1 too
msg = ("From: alice@bench.test\r\nTo: alice@bench.test\r\nSubject: bench\r\n"
       "Date: Sun, 22 Nov 2026 06:00:00 +0000\r\nMessage-ID: <b@bench.test>\r\n\r\n"
       + "x" * 76 + "\r\n") * 1 + ("y" * 76 + "\r\n") * 50
def session():
    s = smtplib.SMTP("127.0.0.1", port, timeout=60); s.starttls(context=ctx)
    s.login("alice", "benchpw"); return s
t = time.monotonic()
if mode == "one":
    s = session()
    for i in range(n):
        s.sendmail("alice@bench.test", ["alice@bench.test"], msg)
    s.quit()
else:
    for i in range(n):
        s = session(); s.sendmail("alice@bench.test", ["alice@bench.test"], msg); s.quit()
print(round(n / (time.monotonic() - t)))
EOF
rate () { python3 "$W/client.py" "$1" "$CERT" "$2" "$3"; }

echo "submissions over STARTTLS with AUTH PLAIN, messages of about 4 KB"
p1=$(rate "$PPORT" one "$N"); z1=$(rate "$ZPORT" one "$N")
p2=$(rate "$PPORT" each "$C"); z2=$(rate "$ZPORT" each "$C")
printf "%-34s %12s %12s %10s\n" "" "postfix/s" "poczta/s" "/postfix"
printf "%-34s %12d %12d %9.2fx\n" "$N messages on one connection" "$p1" "$z1" \
	"$(python3 -c "print($z1 / $p1)")"
printf "%-34s %12d %12d %9.2fx\n" "$C connections, one message each" "$p2" "$z2" \
	"$(python3 -c "print($z2 / $p2)")"
echo "(Postfix: smtpd with smtpd_sasl_type = dovecot, a private Dovecot auth with a"
echo " SHA512-CRYPT hash, which caches nothing here; poczta-msa: PBKDF2-SHA256 with"
echo " $(sed -n 's/^#define USERS_ITERATIONS \([0-9]*\).*/\1/p' "$top/lib/users.h") iterations, then its auth cache for an hour, in a forked session)"
