# t-mra-lib/dovecot.sh - a private Dovecot on loopback for the MRA tests,
# sourced after tests/lib.sh.  Everything lives under $T/dovecot: its own
# base_dir, ports, a passwd-file passdb and Maildirs; the system service is
# never touched.  dovecot_start USER PASSWORD sets IMAP_PORT, IMAPS_PORT,
# POP3_PORT, POP3S_PORT and REMOTE (USER's remote Maildir); the certificate
# is $T/cert.pem (CN and SAN mail.test, 127.0.0.1), its key $T/key.pem.

have_dovecot () { command -v dovecot >/dev/null 2>&1; }

# mra_cert NAME CN - NAME-cert.pem and NAME-key.pem under $T
mra_cert () {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-keyout "$T/$1-key.pem" -out "$T/$1-cert.pem" -subj "/CN=$2" \
		-addext "subjectAltName=DNS:$2,IP:127.0.0.1" 2>/dev/null
}

dovecot_start () {
	d=$T/dovecot
	mkdir -p "$d/run" "$d/state" "$T/remote"
	[ -s "$T/cert.pem" ] || { mra_cert srv mail.test && mv "$T/srv-cert.pem" "$T/cert.pem" &&
		mv "$T/srv-key.pem" "$T/key.pem"; }
	[ -n "${IMAP_PORT:-}" ] ||	# a restart keeps the ports
		{ IMAP_PORT=$(free_port); IMAPS_PORT=$(free_port); POP3_PORT=$(free_port); POP3S_PORT=$(free_port); }
	echo "$1:{PLAIN}$2::::::" >"$d/passwd"
	REMOTE=$T/remote/$1/Maildir
	mkdir -p "$REMOTE/cur" "$REMOTE/new" "$REMOTE/tmp"
	# mail processes run as dovecot (Dovecot refuses uid 0): let them in
	chmod 711 "$T" && chown -R dovecot:dovecot "$T/remote"
	cat >"$d/dovecot.conf" <<CONF
base_dir = $d/run
state_dir = $d/state
log_path = $d/log
instance_name = poczta-test-$$
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 0
ssl = yes
ssl_cert = <$T/cert.pem
ssl_key = <$T/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
disable_plaintext_auth = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$T/remote/%u
}
mail_location = maildir:~/Maildir
service auth {
  user = root
}
service auth-worker {
  user = root
}
pop3_uidl_format = %08Xu%08Xv
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = $POP3S_PORT
    ssl = yes
  }
}
CONF
	dovecot -c "$d/dovecot.conf" || return 1
	i=0
	while [ $i -lt 100 ] && ! [ -s "$d/run/master.pid" ]; do sleep 0.1; i=$((i + 1)); done
	DOVECOT_PID=$(cat "$d/run/master.pid" 2>/dev/null)
	[ -n "$DOVECOT_PID" ] || return 1
	PIDS_TO_KILL="$PIDS_TO_KILL $DOVECOT_PID"
	i=0
	while [ $i -lt 100 ]; do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$IMAP_PORT),1)" \
			2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# dovecot_stop - the master and its children (the imap and pop3 processes
# serving open connections: a network that goes away drops those too)
dovecot_stop () {
	[ -n "${DOVECOT_PID:-}" ] || return 0
	kids=$(ps -o pid= --ppid "$DOVECOT_PID" 2>/dev/null)
	kill "$DOVECOT_PID" $kids 2>/dev/null
	i=0
	while [ $i -lt 100 ] && kill -0 "$DOVECOT_PID" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
}

# remote_add N - N more messages in the remote INBOX, delivered as Dovecot
# delivers (new/), each with its own Message-ID and body
remote_add () {
	ra_n=$1
	while [ "$ra_n" -gt 0 ]; do
		remote_seq=$(( ${remote_seq:-0} + 1 ))
		f=$REMOTE/new/$(date +%s).M${remote_seq}P$$.test
		printf 'Return-Path: <sender%s@example.org>\nFrom: sender@example.org\nTo: me@mail.test\nSubject: message %s\nMessage-ID: <m%s.%s@example.org>\n\nbody of message %s\n' \
			"$remote_seq" "$remote_seq" "$remote_seq" "$$" "$remote_seq" >"$f.tmp" &&
			chown dovecot:dovecot "$f.tmp" && mv "$f.tmp" "$f"
		ra_n=$((ra_n - 1))
	done
}

# mra_setup - $T/poczta.conf with [global], [mda] (Maildir $T/Maildir, no
# index) and the password file $T/pw; accounts are appended by the tests
mra_setup () {
	mkdir -p "$T/data"
	printf '%s\n' "$1" >"$T/pw"
	chmod 600 "$T/pw"
	cat >"$T/poczta.conf" <<CONF
[global]
data_dir = $T/data
user = $(id -un)
[mda]
maildir = $T/Maildir
index = no
CONF
}

# mra_account NAME TYPE PORT TLS [KEY=VALUE...] - append an account section
# (host $MRA_HOST, else 127.0.0.1)
mra_account () {
	name=$1 type=$2 port=$3 tls=$4; shift 4
	printf '\n[account %s]\ntype = %s\nhost = %s\nport = %s\ntls = %s\nuser = me\npassword_file = %s\n' \
		"$name" "$type" "${MRA_HOST:-127.0.0.1}" "$port" "$tls" "$T/pw" >>"$T/poczta.conf"
	for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >>"$T/poczta.conf"; done
}

# local_count - messages in the local Maildir
local_count () { find "$T/Maildir/new" "$T/Maildir/cur" -type f 2>/dev/null | wc -l; }
# remote_count - messages in the remote INBOX
remote_count () { find "$REMOTE/new" "$REMOTE/cur" -type f 2>/dev/null | wc -l; }
# local_dups - Message-IDs that are in the local Maildir more than once
local_dups () {
	cat "$T"/Maildir/new/* "$T"/Maildir/cur/* 2>/dev/null | grep '^Message-ID:' | sort | uniq -d
}
