#!/bin/sh
# t-tls.sh - lib/tls and lib/conn against peers nobody here wrote:
# openssl s_client against tests/tools/tls-echo (versions, TLS 1.1 refused,
# certificate reload on SIGHUP), and Python's ssl module as a server for
# tests/tools/tls-client (host name checks both ways, pins, SNI) and as a
# client checking our server's name.  Certificates come from `openssl req`.
. "$(dirname "$0")/../lib.sh"
TOOLS=$top/tests/tools
cd "$T" || exit 2

# tool NAME ARGS - a test tool, under valgrind when VALGRIND is set (its
# findings are noted in vg-errors)
tool () {
	name=$1; shift
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			"$TOOLS/$name" "$@"
		rc=$?
		[ $rc -ne 99 ] || echo "$name $*" >>"$T/vg-errors"
		return $rc
	else
		"$TOOLS/$name" "$@"
	fi
}
# tool_exec NAME ARGS - the same, replacing the shell: for "tool_exec ... &",
# so that $! is the tool's pid (or valgrind's, which passes signals on)
tool_exec () {
	name=$1; shift
	if [ -n "${VALGRIND:-}" ]; then
		exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			"$TOOLS/$name" "$@"
	fi
	exec "$TOOLS/$name" "$@"
}
# wait_file PATH - until PATH exists (10 s at most)
wait_file () {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$1" ]
}
# mkcert NAME CN KEY-ARGS... - NAME-cert.pem and NAME-key.pem for CN (and localhost)
mkcert () {
	n=$1 cn=$2; shift 2
	openssl req -x509 -newkey "$@" -nodes -days 30 -keyout "$n-key.pem" -out "$n-cert.pem" \
		-subj "/CN=$cn" -addext "subjectAltName=DNS:$cn,DNS:localhost,IP:127.0.0.1" 2>/dev/null
}
mkcert mail mail.example.org ec -pkeyopt ec_paramgen_curve:P-256
mkcert new new.example.org rsa:2048
mkcert py py.example.org rsa:2048
check "openssl req made the certificates" test -s mail-cert.pem -a -s new-cert.pem -a -s py-cert.pem
cp mail-cert.pem cert.pem && cp mail-key.pem key.pem

# --- our server, openssl s_client as the client ---
port=$(free_port)
tool_exec tls-echo "$port" cert.pem key.pem ready 2>echo.log &
echo_pid=$!
PIDS_TO_KILL="$echo_pid"
check "tls-echo listens" wait_file ready

# sc ARGS - s_client -brief sends "hello", waits a second, closes
sc () {
	(echo hello; sleep 1) | timeout 15 openssl s_client -connect "127.0.0.1:$port" -brief "$@" \
		>sc.out 2>sc.err
}
sc -servername mail.example.org -CAfile cert.pem -verify_return_error -verify_hostname mail.example.org
check "s_client: TLS handshake and echo" grep -qx hello sc.out
check "s_client: TLSv1.3 by default" grep -q 'Protocol version: TLSv1.3' sc.err
check "s_client: our certificate verifies, with its name" grep -q 'Verification: OK' sc.err

sc -tls1_2 -CAfile cert.pem -verify_return_error
check "s_client -tls1_2: TLSv1.2" grep -q 'Protocol version: TLSv1.2' sc.err
check "s_client -tls1_2: forward-secret AEAD suite" \
	grep -qE 'Ciphersuite: ECDHE-[A-Z]+-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)' sc.err
check "s_client -tls1_2: echo" grep -qx hello sc.out

# a client that offers nothing newer than TLS 1.1 (its own floor lowered so it
# offers it at all): our server must refuse
sc -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
rc=$?
check "s_client -tls1_1: refused" test "$rc" -ne 0
check "s_client -tls1_1: nothing echoed" test ! -s sc.out
check "s_client -tls1_1: the server names the reason" grep -q 'unsupported protocol' echo.log
check "s_client -tls1: refused" sh -c "(echo hello; sleep 1) | timeout 15 openssl s_client \
	-connect 127.0.0.1:$port -tls1 -cipher DEFAULT:@SECLEVEL=0 -brief >/dev/null 2>&1; test \$? -ne 0"

# renegotiation (s_client's "R" command, TLS 1.2): our server refuses it
(echo R; sleep 1; echo after; sleep 1) | timeout 15 openssl s_client -connect "127.0.0.1:$port" \
	-tls1_2 >reneg.out 2>&1
check "renegotiation is refused" grep -q "no renegotiation" reneg.out

# SIGHUP: the next handshake shows the new certificate
cp new-cert.pem cert.pem && cp new-key.pem key.pem
kill -HUP "$echo_pid"
sleep 0.3
sc -CAfile new-cert.pem -verify_return_error
check "after SIGHUP the new certificate is served" grep -q 'new.example.org' sc.err
check "after SIGHUP it verifies" grep -q 'Verification: OK' sc.err
check "tls-echo logged the reload" grep -q '^reloaded' echo.log

# Python's ssl module as a client checks our server's name too
pyc='import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))),
                     server_hostname=sys.argv[3]) as s:
    s.sendall(b"py\n")
    print(s.version(), s.recv(100).decode().strip())'
check_eq "python client, right name" "TLSv1.3 py" "$(python3 -c "$pyc" "$port" new-cert.pem new.example.org 2>/dev/null)"
check "python client, wrong name refused" sh -c \
	"! python3 -c '$pyc' $port new-cert.pem wrong.example.org >/dev/null 2>&1"

kill "$echo_pid"
wait "$echo_pid"
check_eq "tls-echo stops cleanly (no valgrind errors)" 0 "$?"
PIDS_TO_KILL=

# --- Python's ssl module as the server, our client ---
pys='import socket, ssl, sys
port, cert, key, ready, log = sys.argv[1:6]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if len(sys.argv) > 6:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
out = open(log, "a", buffering=1)
ctx.sni_callback = lambda sock, name, c: out.write("sni=%s\n" % name) and None
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(port)))
ls.listen(8)
open(ready, "w").close()
while True:
    c, _ = ls.accept()
    c.settimeout(10)
    try:
        with ctx.wrap_socket(c, server_side=True) as t:
            out.write("version=%s\n" % t.version())
            t.sendall(b"py:" + t.makefile("rb").readline())
    except Exception as e:
        out.write("error=%s\n" % e)'
pport=$(free_port)
python3 -c "$pys" "$pport" py-cert.pem py-key.pem pyready py.log &
py_pid=$!
PIDS_TO_KILL="$py_pid"
check "python server listens" wait_file pyready

out=$(tool tls-client -c py-cert.pem -s ping "127.0.0.1:$pport" py.example.org 2>client.err)
check "client verifies the python server" sh -c "echo '$out' | grep -q '^ok TLSv1.3 '"
check "client: line through the python server" sh -c "echo '$out' | grep -qx 'py:ping'"
check "client sent SNI" grep -qx 'sni=py.example.org' py.log

out=$(tool tls-client -c py-cert.pem -s ping "127.0.0.1:$pport" wrong.example.org 2>client.err)
check_eq "client refuses the wrong name" "" "$out"
check "the refusal names both names" grep -q 'certificate is for py.example.org, localhost, 127.0.0.1, not wrong.example.org' client.err

out=$(tool tls-client -c mail-cert.pem "127.0.0.1:$pport" py.example.org 2>client.err)
check_eq "client refuses an unknown CA" "" "$out"
check "the refusal says why" grep -q 'self-signed certificate' client.err

pin=$(openssl x509 -in py-cert.pem -noout -fingerprint -sha256 | sed 's/.*=//')
out=$(tool tls-client -p "$pin" -s pinned "127.0.0.1:$pport" other.name 2>client.err)
check "a pinned certificate passes without CA or name" sh -c "echo '$out' | grep -qx 'py:pinned'"
check_eq "the fingerprint is openssl's" "$pin" "$(echo "$out" | sed -n 's/^ok [^ ]* [^ ]* //p')"
out=$(tool tls-client -c py-cert.pem -p "$(openssl x509 -in mail-cert.pem -noout -fingerprint -sha256 | sed 's/.*=//')" \
	"127.0.0.1:$pport" py.example.org 2>client.err)
check_eq "a wrong pin refuses even a verified certificate" "" "$out"
check "the refusal names the pin" grep -q 'not the pinned one' client.err

out=$(tool tls-client -n -s any "127.0.0.1:$pport" whatever.example 2>client.err)
check "no_verify: encrypted, anything accepted" sh -c "echo '$out' | grep -qx 'py:any'"

out=$(tool tls-client -c py-cert.pem "127.0.0.1:$pport" 127.0.0.1 2>client.err)
check "an IP address is checked against the IP SAN" sh -c "echo '$out' | grep -q '^ok '"
kill "$py_pid"; wait "$py_pid" 2>/dev/null

# a TLS 1.2-only Python server: we still talk to it
pport=$(free_port)
rm -f pyready
python3 -c "$pys" "$pport" py-cert.pem py-key.pem pyready py.log tls12 &
py_pid=$!
PIDS_TO_KILL="$py_pid"
wait_file pyready
out=$(tool tls-client -c py-cert.pem -s v12 "127.0.0.1:$pport" py.example.org 2>client.err)
check "client: TLSv1.2 against a 1.2-only server" sh -c "echo '$out' | grep -q '^ok TLSv1.2 ECDHE-'"
kill "$py_pid"; wait "$py_pid" 2>/dev/null
PIDS_TO_KILL=
check "valgrind found nothing in the tools" test ! -e vg-errors
done_testing
