#!/bin/sh
# t-ctl.sh - poczta-ctl: init makes a working, movable sandbox; check reports
# every error; adduser/passwd write verifiable hashes; up/down/status start
# and stop a stand-in poczta-mda by pid; the man pages document every key.
. "$(dirname "$0")/../lib.sh"

# verify_pw FILE USER PASSWORD: the user's PBKDF2 hash checked by Python
verify_pw () {
	python3 - "$@" <<'PY'
import sys, hashlib, base64, hmac
path, user, pw = sys.argv[1:4]
pad = lambda s: s + "=" * (-len(s) % 4)
for line in open(path):
    f = line.rstrip("\n").split(":")
    if f[0] == user:
        _, alg, it, salt, h = f[1].split("$")
        want = base64.b64decode(pad(h))
        got = hashlib.pbkdf2_hmac("sha256", pw.encode(), base64.b64decode(pad(salt)), int(it), len(want))
        sys.exit(0 if alg == "pbkdf2-sha256" and hmac.compare_digest(got, want) else 1)
sys.exit(2)
PY
}
# mode PATH: its permission bits in octal
mode () { stat -c %a "$1"; }
# accepts PORT: whether 127.0.0.1:PORT accepts a connection
accepts () {
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)' "$1" 2>/dev/null
}
# gone PID: the process has ended (a zombie not yet reaped by init counts)
gone () { ! [ -e /proc/$1 ] || [ "$(sed 's/.*) //' /proc/$1/stat | cut -c1)" = Z ]; }
# ctl ARGS: poczta-ctl from $CTLBIN (a copy of bin/ with a stand-in MDA)
ctl () { save=$BIN; BIN=$CTLBIN; prog poczta-ctl "$@"; rc=$?; BIN=$save; return $rc; }

base=$(free_port_base)
box=$T/box
conf=$box/poczta.conf

# --- init
out=$(prog poczta-ctl init "$box" --user ann --domain example.test --password 's3cret:#' --port-base "$base")
check_eq "init succeeds" 0 $?
check "init says how to start" grep -q "poczta-ctl -c .*/box/poczta.conf up" <<EOF
$out
EOF
check_eq "lmtp_listen is base+24" "lmtp_listen = 127.0.0.1:$((base + 24))" "$(grep '^lmtp_listen' "$conf")"
check_eq "global settings" "domains = example.test|user = ann|data_dir = data|log_file = log/poczta.log" \
	"$(grep -E '^(domains|user|data_dir|log_file) =' "$conf" | paste -sd'|')"
check_eq "maildir is relative" "maildir = mail/%u" "$(grep '^maildir' "$conf")"
check "users file has ann with a hash and her address" \
	grep -qE '^ann:\$pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:ann@example.test$' "$box/data/users"
check_eq "users file is private" 600 "$(mode "$box/data/users")"
check "the hash verifies the password" verify_pw "$box/data/users" ann 's3cret:#'
verify_pw "$box/data/users" ann 's3cret' && not_ok "wrong password rejected" || ok "wrong password rejected"
check "Maildir made" test -d "$box/mail/ann/cur" -a -d "$box/mail/ann/new" -a -d "$box/mail/ann/tmp"
check_eq "Maildir is private" 700 "$(mode "$box/mail/ann/new")"
check "run and log dirs made" test -d "$box/data/run" -a -d "$box/log"
check_eq "TLS key is private" 600 "$(mode "$box/tls/key.pem")"
san=$(openssl x509 -in "$box/tls/cert.pem" -noout -ext subjectAltName 2>&1)
check "certificate names the domain, localhost and 127.0.0.1" \
	sh -c "echo '$san' | grep -q 'DNS:example.test, DNS:localhost, IP Address:127.0.0.1'"
check_eq "certificate matches its key" \
	"$(openssl pkey -in "$box/tls/key.pem" -pubout)" "$(openssl x509 -in "$box/tls/cert.pem" -noout -pubkey)"
prog poczta-ctl init "$box" --port-base "$base" >/dev/null 2>&1
check_eq "init refuses an existing sandbox (EX_CANTCREAT)" 73 $?

out=$(prog poczta-ctl init "$T/box2")
pw=$(echo "$out" | sed -n 's/.*password for .* (shown only now): //p')
check "init without --password makes one up" test -n "$pw"
u=$(sed -n 's/^user = //p' "$T/box2/poczta.conf")
check "the made-up password verifies" verify_pw "$T/box2/data/users" "$u" "$pw"
check_eq "port base 0 means the standard port" "lmtp_listen = 127.0.0.1:24" "$(grep '^lmtp_listen' "$T/box2/poczta.conf")"
prog poczta-ctl init "$T/box3" --user 'Bad!' >/dev/null 2>&1
check_eq "bad user name is a usage error" 64 $?
prog poczta-ctl init >/dev/null 2>&1
check_eq "init without DIR is a usage error" 64 $?
prog poczta-ctl frobnicate >/dev/null 2>&1
check_eq "unknown command is a usage error" 64 $?

# --- check
out=$(prog poczta-ctl -c "$conf" check 2>&1)
check_eq "check passes on a fresh sandbox" 0 $?
cat >"$T/bad.conf" <<EOF
# every kind of error
[global]
hostname = a
hostname = b
nosuchkey = 1
[mda]
max_message_size = lots
index = perhaps
lmtp_listen = nowhere
just words
[mda x]
[unknown]
EOF
out=$(prog poczta-ctl check -c "$T/bad.conf" 2>&1)
check_eq "check exits 1 on errors" 1 $?
for e in "bad.conf:4: hostname: duplicate key" "bad.conf:5: nosuchkey: unknown key" \
	"bad.conf:7: max_message_size: bad value" "bad.conf:8: index: bad value" \
	"bad.conf:9: lmtp_listen: bad value" "bad.conf:10: just: line without '='" \
	"bad.conf:11: [mda x]: this section takes no name" "bad.conf:12: [unknown]: unknown section"; do
	case "$out" in *"$e"*) ok "check reports $e" ;; *) not_ok "check reports $e"; echo "$out" | sed 's/^/# /' ;; esac
done
prog poczta-ctl -c "$T/bad.conf" status >/dev/null 2>&1
check_eq "a bad configuration stops other commands (EX_CONFIG)" 78 $?
sed -e 's|^tls_cert = .*|tls_cert = tls/missing.pem|' -e 's|^user = ann|user = zed|' "$conf" >"$box/semantic.conf"
out=$(prog poczta-ctl check -c "$box/semantic.conf" 2>&1)
check_eq "check finds semantic errors" 1 $?
case "$out" in *"semantic.conf:"*": tls_cert: cannot read "*"missing.pem"*) ok "check: unreadable certificate" ;;
	*) not_ok "check: unreadable certificate"; echo "$out" | sed 's/^/# /' ;; esac
case "$out" in *": user: not in the users file"*) ok "check: unknown default user" ;; *) not_ok "check: unknown default user" ;; esac
rm -f "$box/semantic.conf"
POCZTA_CONFIG=$conf prog poczta-ctl check >/dev/null 2>&1
check_eq "POCZTA_CONFIG names the configuration" 0 $?

# --- the man pages
prog poczta-ctl check --list-keys >"$T/keys"
check "list-keys includes mda.lmtp_listen" grep -qx 'mda.lmtp_listen' "$T/keys"
missing=
while IFS=. read -r section key; do
	awk -v s="$section" -v k="$key" '
		/^\.SS / { in_s = ($0 ~ "^\\.SS \"\\[" s "[] ]") }
		in_s && $0 == ".B " k { found = 1 }
		END { exit !found }' "$top/doc/poczta.conf.5" || missing="$missing $section.$key"
done <"$T/keys"
check_eq "poczta.conf.5 documents every key in its section" "" "$missing"
for page in $(cd "$top/doc" && ls -- *.[158]); do
	check_eq "groff renders $page without warnings" "" "$(groff -man -ww -z "$top/doc/$page" 2>&1)"
	check_eq "man renders $page without warnings" "" \
		"$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings "$top/doc/$page" 2>&1 >/dev/null)"
done

# --- users
prog poczta-ctl -c "$conf" adduser bob --password pw1 --address bob@example.test --address Robert@example.test >/dev/null
check_eq "adduser succeeds" 0 $?
check "adduser writes addresses" grep -q '^bob:\$pbkdf2-sha256\$.*:bob@example.test,Robert@example.test$' "$box/data/users"
check "adduser's hash verifies" verify_pw "$box/data/users" bob pw1
check "adduser makes the Maildir" test -d "$box/mail/bob/new"
check "adduser keeps the other users" verify_pw "$box/data/users" ann 's3cret:#'
prog poczta-ctl -c "$conf" adduser bob --password x >/dev/null 2>&1
check_eq "adduser refuses an existing user (EX_DATAERR)" 65 $?
prog poczta-ctl -c "$conf" adduser carl --password x --address ann@example.test >/dev/null 2>&1
check_eq "adduser refuses someone else's address" 65 $?
echo pw2 | prog poczta-ctl -c "$conf" adduser dora >/dev/null
check_eq "adduser reads the password from stdin" 0 $?
check "stdin password verifies" verify_pw "$box/data/users" dora pw2
check "default address is USER@domain" grep -q '^dora:.*:dora@example.test$' "$box/data/users"
echo 'new pass' | prog poczta-ctl passwd dora -c "$conf" >/dev/null
check_eq "passwd succeeds" 0 $?
check "passwd changes the hash" verify_pw "$box/data/users" dora 'new pass'
prog poczta-ctl -c "$conf" passwd nobody --password x >/dev/null 2>&1
check_eq "passwd of an unknown user (EX_NOUSER)" 67 $?
prog poczta-ctl -c "$conf" passwd dora </dev/null >/dev/null 2>&1
check_eq "passwd without a password (EX_DATAERR)" 65 $?
check_eq "users file is still private" 600 "$(mode "$box/data/users")"

# --- the sandbox can be moved
mv "$box" "$T/moved"
box=$T/moved
conf=$box/poczta.conf
prog poczta-ctl -c "$conf" check >/dev/null 2>&1
check_eq "a moved sandbox still checks" 0 $?

# --- up, down, status with a stand-in poczta-mda beside a copy of poczta-ctl
CTLBIN=$T/bin
mkdir -p "$CTLBIN"
cp "$top/bin/poczta-ctl" "$CTLBIN/"
# whatever happens below, stop what up started (by its pid file), then clean up
trap '"$CTLBIN/poczta-ctl" -c "$conf" down >/dev/null 2>&1; cleanup' EXIT
out=$(ctl -c "$conf" status)
case "$out" in *"mda "*"MDA "*"127.0.0.1:$((base + 24))"*"not built"*) ok "status: not built" ;;
	*) not_ok "status: not built"; echo "$out" | sed 's/^/# /' ;; esac
out=$(ctl -c "$conf" up)
check_eq "up skips what is not built" 0 $?
cat >"$CTLBIN/poczta-mda" <<'EOF'
#!/usr/bin/env python3
# a stand-in for poczta-mda: listens where lmtp_listen says and logs its argv
import re, signal, socket, sys
conf = sys.argv[sys.argv.index("-c") + 1]
host, port = re.search(r"^lmtp_listen\s*=\s*(\S+):(\d+)", open(conf).read(), re.M).groups()
print("fake-mda argv:", " ".join(sys.argv[1:]), flush=True)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, int(port)))
s.listen(5)
while True:
    s.accept()[0].close()
EOF
chmod +x "$CTLBIN/poczta-mda"
check "status: stopped" sh -c "'$CTLBIN/poczta-ctl' -c '$conf' status | grep -q 'mda .* stopped$'"
out=$(ctl -c "$conf" up)
check_eq "up succeeds" 0 $?
pid=$(cat "$box/data/run/mda.pid" 2>/dev/null)
PIDS_TO_KILL="$PIDS_TO_KILL $pid"
check "up records a live pid" kill -0 "$pid"
check "the MDA accepts connections" accepts $((base + 24))
check "the MDA got -c FILE --lmtp --listen" grep -q "fake-mda argv: -c $conf --lmtp --listen" "$box/log/poczta.log"
out=$(ctl -c "$conf" status)
case "$out" in *"running (pid $pid)"*) ok "status: running (pid)" ;; *) not_ok "status: running (pid)"; echo "$out" | sed 's/^/# /' ;; esac
out=$(ctl -c "$conf" up | grep '^mda:')
check_eq "up again is a no-op" "mda: already running (pid $pid)" "$out"
check_eq "the same process still runs" "$pid" "$(cat "$box/data/run/mda.pid")"
out=$(ctl -c "$conf" down | grep '^mda:')
check_eq "down succeeds" "mda: stopped (pid $pid)" "$out"
check "down ends the process" gone "$pid"
check "down removes the pid file" test ! -e "$box/data/run/mda.pid"
check "status: stopped again" sh -c "'$CTLBIN/poczta-ctl' -c '$conf' status | grep -q 'mda .* stopped$'"
check_eq "down again says so" "mda: not running" "$(ctl -c "$conf" down | grep '^mda:')"
echo 2147483646 >"$box/data/run/mda.pid"
check "a stale pid file reads as stopped" sh -c "'$CTLBIN/poczta-ctl' -c '$conf' status | grep -q 'stopped$'"
check_eq "down removes a stale pid file" "mda: not running (removed a stale pid file)" \
	"$(ctl -c "$conf" down | grep '^mda:')"

python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(60)' \
	$((base + 24)) &
squatter=$!
PIDS_TO_KILL="$PIDS_TO_KILL $squatter"
i=0; while ! accepts $((base + 24)) && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
out=$(ctl -c "$conf" up 2>&1)
check_eq "up refuses an address in use (EX_UNAVAILABLE)" 69 $?
case "$out" in *"already in use"*) ok "up says the address is in use" ;; *) not_ok "up says the address is in use" ;; esac
kill "$squatter"; wait "$squatter" 2>/dev/null

printf '#!/bin/sh\necho "fake-mda: cannot open the queue" >&2\nexit 1\n' >"$CTLBIN/poczta-mda"
out=$(ctl -c "$conf" up 2>&1)
check_eq "up reports an agent that dies (EX_UNAVAILABLE)" 69 $?
case "$out" in *"failed to start"*"fake-mda: cannot open the queue"*) ok "up shows the end of the log" ;;
	*) not_ok "up shows the end of the log"; echo "$out" | sed 's/^/# /' ;; esac
check "no pid file is left" test ! -e "$box/data/run/mda.pid"

printf '#!/bin/sh\nexec sleep 30\n' >"$CTLBIN/poczta-mda"
out=$(ctl -c "$conf" up 2>&1)
check_eq "up gives up on an agent that never listens" 69 $?
case "$out" in *"within 5 seconds"*) ok "up says it waited" ;; *) not_ok "up says it waited" ;; esac
check "the silent agent was stopped" test ! -e "$box/data/run/mda.pid"

done_testing
