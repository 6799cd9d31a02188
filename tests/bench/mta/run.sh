#!/bin/sh
# tests/bench/mta/run.sh [COUNT] - messages per second accepted over SMTP and
# delivered into a Maildir: poczta-mta (with poczta-mda over LMTP) beside a
# private Postfix instance (smtpd -> queue -> virtual(8) Maildir delivery,
# both fsync'ing), fed the same way by Postfix's smtp-source at concurrency
# 1 and 10, in one run; prints rates, ratios and resident memory per SMTP
# session.  Not a test: no thresholds.  Needs root (Postfix's master) and
# apt-get install postfix.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
N=${1:-10000}
W=$(mktemp -d /tmp/poczta-bench-mta.XXXXXX)
chmod 755 "$W"
PF=$W/postfix
old_alt=$(postconf -h alternate_config_directories 2>/dev/null || true)
cleanup () {
	postfix -c "$PF/etc" stop >/dev/null 2>&1 || true
	postconf -e "alternate_config_directories = $old_alt" 2>/dev/null || true
	"$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" down >/dev/null 2>&1 || true
	rm -rf "$W"
}
trap cleanup EXIT
command -v smtp-source >/dev/null || { echo "bench: apt-get install postfix"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (Postfix's master must start as root)"; exit 1; }
free_port () { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- a private Postfix on its own port, delivering to one Maildir ---
PPORT=$(free_port)
mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$PF/vmail"
chown postfix "$PF/data"
chown nobody:nogroup "$PF/vmail"
cp /etc/postfix/master.cf "$PF/etc/master.cf"
sed -i "s/^smtp *inet .*/127.0.0.1:$PPORT inet n - y - 100 smtpd/" "$PF/etc/master.cf"
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
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = bench.test
virtual_mailbox_base = $PF/vmail
virtual_mailbox_maps = static:alice/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_destination_concurrency_limit = 20
smtpd_recipient_restrictions = permit_mynetworks, reject
default_process_limit = 200
EOC
# Postfix runs a second instance from a directory only when the default one
# lists it; set for the run and put back afterwards
postconf -e "alternate_config_directories = $PF/etc"
postfix -c "$PF/etc" check >/dev/null 2>&1 || true
postfix -c "$PF/etc" start >/dev/null 2>&1
mkdir -p "$PF/vmail/alice/new"; chown -R nobody:nogroup "$PF/vmail/alice"

# --- poczta: a sandbox, the MTA handing local mail to the MDA over LMTP ---
base=$(. "$top/tests/lib.sh" >/dev/null 2>&1; free_port_base)
"$top/bin/poczta-ctl" init "$W/sb" --user alice --password x --domain bench.test --port-base "$base" >/dev/null
sed -i 's/^\[mta\]$/[mta]\nmax_connections = 100\ndelivery_concurrency = 20/' "$W/sb/poczta.conf"
# Postfix's virtual(8) only stores; poczta-mda also has notmuch index what it
# stores, which on a 2-core machine takes about as much CPU as the whole MTA.
# Off unless BENCH_INDEX=yes, so both do the same work.
[ "${BENCH_INDEX:-no}" = yes ] ||
	sed -i 's/^\[mda\]$/[mda]\nindex = no/' "$W/sb/poczta.conf"
"$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" up >/dev/null
ZPORT=$((base + 25))

# run NAME PORT MAILDIR SESSIONS: send N messages of ~4 KB, wait for delivery
run () {
	name=$1 port=$2 dir=$3 s=$4
	before=$(ls "$dir/new" 2>/dev/null | wc -l)
	start=$(date +%s.%N)
	smtp-source -c -s "$s" -m "$N" -l 4096 -f sender@example.org -t alice@bench.test \
		"127.0.0.1:$port" >/dev/null 2>&1 &
	src=$!
	peak=0
	while :; do
		n=$(( $(ls "$dir/new" 2>/dev/null | wc -l) - before ))
		rss=$(ps -eo rss=,args= | awk -v p="$5" '$0 ~ p {s += $1; c++} END {print c ? int(s / c) : 0}')
		[ "$rss" -gt "$peak" ] && peak=$rss
		[ "$n" -ge "$N" ] && break
		sleep 0.2
	done
	wait "$src" || true
	end=$(date +%s.%N)
	echo "$name $s $(python3 -c "print(round($N / ($end - $start)))") $peak"
}

echo "messages: $N of about 4 KB, delivered into one Maildir (poczta's notmuch index: ${BENCH_INDEX:-no})"
# smtp-source without -d: one connection per message, at either concurrency
{
	run postfix "$PPORT" "$PF/vmail/alice" 1 'smtpd'
	run poczta "$ZPORT" "$W/sb/mail/alice" 1 'poczta-mta'
	run postfix "$PPORT" "$PF/vmail/alice" 10 'smtpd'
	run poczta "$ZPORT" "$W/sb/mail/alice" 10 'poczta-mta'
} >"$W/results"
awk '
{ rate[$1, $2] = $3; rss[$1, $2] = $4; conc[$2] = 1 }
END {
	printf "%-12s %11s %12s %10s %18s\n", "program", "concurrency", "messages/s", "/postfix", "RSS per process"
	for (c = 1; c <= 10; c += 9)
		for (i = 0; i < 2; i++) {
			p = i ? "poczta" : "postfix"
			printf "%-12s %11d %12d %9.2fx %15d kB\n", p, c, rate[p, c], rate[p, c] / rate["postfix", c], rss[p, c]
		}
}' "$W/results"
echo "(RSS: mean resident size of the processes serving SMTP (Postfix smtpd, poczta-mta), sampled while sending)"
