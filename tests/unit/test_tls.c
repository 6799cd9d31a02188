/* test_tls.c - the TLS layer and the connection: handshakes that must pass
 * and must fail (name, CA, pin, protocol version), timeouts, large data,
 * STARTTLS injection, certificate reload, and libetpan's mailstream on a
 * conn.  The server side runs in a thread over a socketpair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <libetpan/libetpan.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include "buf.h"
#include "certgen.h"
#include "conn.h"
#include "tls.h"
#include "tls_int.h"
#include "xalloc.h"

#define HOST "mail.example.org"

struct fixture {
	char dir[64];
	char *cert, *key;	/* CN mail.example.org */
	char *cert2, *key2;	/* CN other.example.org: an unknown CA */
	struct tls_server *srv;
};

/* A server side run in a thread: the handshake, then echo_n bytes read in
 * full and sent back. */
struct side {
	struct conn *c;
	struct tls_server *t;
	int rc;
	struct buf err;
	size_t echo_n;
	pthread_t th;
	bool running;
};

static void *side_run(void *p)
{
	struct side *s = p;
	char *data;
	size_t got = 0;
	ssize_t r;

	s->rc = conn_starttls_server(s->c, s->t, &s->err);
	if (s->rc < 0 || s->echo_n == 0)
		return NULL;
	data = xmalloc(s->echo_n);
	while (got < s->echo_n && (r = conn_read(s->c, data + got, s->echo_n - got, 10000)) > 0)
		got += (size_t)r;
	if (got != s->echo_n || conn_write(s->c, data, got) < 0)
		s->rc = -2;
	free(data);
	return NULL;
}

/* fingerprint_of - tls_fingerprint of a PEM file's certificate */
static char *fingerprint_of(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	char *fp;

	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	fp = tls_fingerprint(x);
	X509_free(x);
	return fp;
}

static int group_setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct buf err = BUF_INIT;

	strcpy(f->dir, "/tmp/poczta-test-tls.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->cert = xasprintf("%s/cert.pem", f->dir);
	f->key = xasprintf("%s/key.pem", f->dir);
	f->cert2 = xasprintf("%s/cert2.pem", f->dir);
	f->key2 = xasprintf("%s/key2.pem", f->dir);
	assert_int_equal(certgen_selfsigned(f->cert, f->key, HOST, 30, &err), 0);
	assert_int_equal(certgen_selfsigned(f->cert2, f->key2, "other.example.org", 30, &err), 0);
	f->srv = tls_server_new(f->cert, f->key, &err);
	assert_non_null(f->srv);
	buf_free(&err);
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	tls_server_free(f->srv);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->cert);
	free(f->key);
	free(f->cert2);
	free(f->key2);
	free(f);
	return 0;
}

/* conn_pair - two conns on a socketpair */
static void conn_pair(struct conn **a, struct conn **b)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	*a = conn_new(sv[0]);
	*b = conn_new(sv[1]);
}

/* handshake - a client with opts against server t on a new pair, the
 * server in a thread (side_join waits for it); the client's result is
 * returned, *cc stays open */
static int handshake(struct tls_server *t, const struct tls_client_opts *o, const char *host,
		     struct buf *cerr, struct side *srv, struct conn **cc)
{
	struct tls_client *tc;
	int rc;

	tc = tls_client_new(o, cerr);
	assert_non_null(tc);
	conn_pair(cc, &srv->c);
	srv->t = t;
	buf_init(&srv->err);
	assert_int_equal(pthread_create(&srv->th, NULL, side_run, srv), 0);
	srv->running = true;
	rc = conn_starttls_client(*cc, tc, host, cerr);
	if (rc < 0)
		shutdown(conn_fd(*cc), SHUT_RDWR);
	tls_client_free(tc);
	return rc;
}

/* side_join - wait for the server thread */
static void side_join(struct side *srv)
{
	if (srv->running)
		assert_int_equal(pthread_join(srv->th, NULL), 0);
	srv->running = false;
}

/* side_done - end the server side and free the client conn, if any */
static void side_done(struct side *srv, struct conn *cc)
{
	side_join(srv);
	conn_free(srv->c);
	buf_free(&srv->err);
	conn_free(cc);
}

static void test_verified(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert };
	struct side srv = { .echo_n = 6 };
	struct buf err = BUF_INIT;
	struct conn *cc;
	char line[16] = "";
	char *fp, *want;

	assert_int_equal(handshake(f->srv, &o, HOST, &err, &srv, &cc), 0);
	assert_true(strcmp(conn_tls_version(cc), "TLSv1.3") == 0 ||
		    strcmp(conn_tls_version(cc), "TLSv1.2") == 0);
	assert_non_null(conn_tls_cipher(cc));
	fp = conn_peer_fingerprint(cc);
	want = fingerprint_of(f->cert);
	assert_string_equal(fp, want);
	assert_int_equal(strlen(fp), 32 * 3 - 1);
	assert_int_equal(conn_write(cc, "hello\n", 6), 0);
	assert_int_equal(conn_read(cc, line, sizeof(line), 5000), 6);
	assert_string_equal(line, "hello\n");
	side_join(&srv);
	assert_int_equal(srv.rc, 0);
	assert_null(conn_peer_fingerprint(srv.c));
	/* the server's close_notify is a clean EOF */
	conn_free(srv.c);
	srv.c = NULL;
	assert_int_equal(conn_read(cc, line, sizeof(line), 5000), 0);
	free(fp);
	free(want);
	side_done(&srv, cc);
	buf_free(&err);
}

static void test_wrong_host(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert };
	struct side srv = { 0 };
	struct buf err = BUF_INIT;
	struct conn *cc;

	assert_int_equal(handshake(f->srv, &o, "smtp.example.net", &err, &srv, &cc), -1);
	assert_non_null(strstr(err.data, "not smtp.example.net"));
	assert_non_null(strstr(err.data, "certificate is for mail.example.org"));
	side_join(&srv);
	assert_int_equal(srv.rc, -1);
	/* after a failed handshake the conn refuses to talk, in clear too */
	assert_int_equal(conn_write(cc, "x", 1), -1);
	side_done(&srv, cc);
	buf_free(&err);
}

/* test_trailing_dot - "mail.example.org." (an MX name from the DNS) is
 * the same host as the certificate's "mail.example.org" */
static void test_trailing_dot(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert };
	struct side srv = { 0 };
	struct buf err = BUF_INIT;
	struct conn *cc;

	assert_int_equal(handshake(f->srv, &o, HOST ".", &err, &srv, &cc), 0);
	side_done(&srv, cc);
	buf_free(&err);
}

static void test_unknown_ca(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert2 };
	struct side srv = { 0 };
	struct buf err = BUF_INIT;
	struct conn *cc;

	assert_int_equal(handshake(f->srv, &o, HOST, &err, &srv, &cc), -1);
	assert_non_null(strstr(err.data, "self-signed certificate"));
	assert_non_null(strstr(err.data, HOST));
	side_join(&srv);
	assert_int_equal(srv.rc, -1);
	side_done(&srv, cc);
	buf_free(&err);
}

static void test_pinned(void **state)
{
	struct fixture *f = *state;
	char *pin = fingerprint_of(f->cert), *pin2 = fingerprint_of(f->cert2);
	struct tls_client_opts o = { .pin_sha256 = pin };
	struct side srv = { 0 };
	struct buf err = BUF_INIT;
	struct conn *cc;

	/* no CA trusts it, the name is wrong: the pin alone lets it in */
	assert_int_equal(handshake(f->srv, &o, "elsewhere.example", &err, &srv, &cc), 0);
	side_join(&srv);
	assert_int_equal(srv.rc, 0);
	side_done(&srv, cc);
	/* verifies against its CA, but is not the pinned one */
	o.ca_file = f->cert;
	o.pin_sha256 = pin2;
	memset(&srv, 0, sizeof(srv));
	assert_int_equal(handshake(f->srv, &o, HOST, &err, &srv, &cc), -1);
	assert_non_null(strstr(err.data, "not the pinned one"));
	side_done(&srv, cc);
	o.pin_sha256 = "12:34";
	assert_null(tls_client_new(&o, &err));
	free(pin);
	free(pin2);
	buf_free(&err);
}

static void test_no_verify(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert2, .no_verify = true };
	struct side srv = { 0 };
	struct buf err = BUF_INIT;
	struct conn *cc;

	assert_int_equal(handshake(f->srv, &o, "anything.example", &err, &srv, &cc), 0);
	side_join(&srv);
	assert_int_equal(srv.rc, 0);
	side_done(&srv, cc);
	buf_free(&err);
}

/* test_tls11_refused - a client that offers at most TLS 1.1 (its security
 * level lowered so that it offers it at all) gets no session */
static void test_tls11_refused(void **state)
{
	struct fixture *f = *state;
	struct side srv = { 0 };
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	int sv[2];

	assert_non_null(ctx);
	SSL_CTX_set_security_level(ctx, 0);
	assert_int_equal(SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0"), 1);
	assert_int_equal(SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION), 1);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	srv.c = conn_new(sv[1]);
	srv.t = f->srv;
	buf_init(&srv.err);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, sv[0]);
	assert_int_equal(pthread_create(&srv.th, NULL, side_run, &srv), 0);
	srv.running = true;
	assert_true(SSL_connect(ssl) <= 0);
	close(sv[0]);
	side_join(&srv);
	assert_int_equal(srv.rc, -1);
	assert_non_null(strstr(srv.err.data, "unsupported protocol"));
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	side_done(&srv, NULL);
}

static void test_read_timeout(void **state)
{
	struct conn *a, *b;
	char x;

	(void)state;
	conn_pair(&a, &b);
	assert_int_equal(conn_read(a, &x, 1, 100), -2);
	assert_int_equal(conn_read(a, &x, 1, 0), -2);
	assert_int_equal(conn_write(b, "y", 1), 0);
	assert_int_equal(conn_read(a, &x, 1, 100), 1);
	assert_int_equal(x, 'y');
	conn_free(b);
	assert_int_equal(conn_read(a, &x, 1, 100), 0);
	conn_free(a);
}

/* test_big - 1.5 MB of random bytes to the server and back, byte-exact */
static void test_big(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert };
	size_t n = 1536 * 1024 + 7, got = 0;
	struct side srv = { .echo_n = n };
	struct buf err = BUF_INIT;
	unsigned char *out = xmalloc(n), *in = xmalloc(n);
	struct conn *cc;
	ssize_t r;
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(random() >> 7);
	/* the server reads all before it echoes: no deadlock on full buffers */
	assert_int_equal(handshake(f->srv, &o, HOST, &err, &srv, &cc), 0);
	assert_int_equal(conn_write(cc, out, n), 0);
	while (got < n && (r = conn_read(cc, in + got, n - got > 1000 ? 1000 : n - got, 10000)) > 0)
		got += (size_t)r;
	side_join(&srv);
	assert_int_equal(srv.rc, 0);
	assert_int_equal(got, n);
	assert_memory_equal(in, out, n);
	side_done(&srv, cc);
	free(in);
	free(out);
	buf_free(&err);
}

/* test_injection - bytes sent in clear right behind STARTTLS (or behind
 * the server's reply to it) must not survive into the TLS session */
static void test_injection(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert };
	struct buf err = BUF_INIT;
	struct tls_client *tc = tls_client_new(&o, &err);
	struct conn *a, *b;
	char cmd[10];

	conn_pair(&a, &b);
	assert_int_equal(conn_write(b, "STARTTLS\r\nRSET\r\n", 16), 0);
	assert_int_equal(conn_read(a, cmd, 10, 1000), 10);
	assert_true(conn_buffered(a));
	assert_int_equal(conn_starttls_server(a, f->srv, &err), -1);
	assert_non_null(strstr(err.data, "6 bytes arrived in clear"));
	buf_reset(&err);
	assert_int_equal(conn_write(a, "220 go\r\n250 x\r\n", 15), 0);
	assert_int_equal(conn_read(b, cmd, 8, 1000), 8);
	assert_true(conn_buffered(b));
	assert_int_equal(conn_starttls_client(b, tc, HOST, &err), -1);
	assert_non_null(strstr(err.data, "in clear"));
	assert_int_equal(conn_read(b, cmd, 8, 1000), 7);
	assert_false(conn_buffered(b));
	conn_free(a);
	conn_free(b);
	tls_client_free(tc);
	buf_free(&err);
}

/* copy_file - from to to, in full */
static void copy_file(const char *from, const char *to)
{
	char *cmd = xasprintf("cp '%s' '%s'", from, to);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* expect_peer - a handshake with t (any certificate) shows fp */
static void expect_peer(struct tls_server *t, const char *fp)
{
	struct tls_client_opts o = { .no_verify = true };
	struct buf err = BUF_INIT;
	struct side srv = { 0 };
	struct conn *cc;
	char *got;

	assert_int_equal(handshake(t, &o, "x", &err, &srv, &cc), 0);
	got = conn_peer_fingerprint(cc);
	assert_string_equal(got, fp);
	free(got);
	side_done(&srv, cc);
	buf_free(&err);
}

/* test_reload - new files are used from the next handshake on, a session
 * from before goes on; bad files leave the last good certificate in use */
static void test_reload(void **state)
{
	struct fixture *f = *state;
	char *cert = xasprintf("%s/r-cert.pem", f->dir), *key = xasprintf("%s/r-key.pem", f->dir);
	struct tls_client_opts o = { .no_verify = true };
	struct buf err = BUF_INIT;
	struct side srv = { .echo_n = 1 };
	struct tls_server *t;
	struct conn *cc;
	char *fp1, *fp2, z = 0;

	assert_int_equal(certgen_selfsigned(cert, key, "one.example", 30, &err), 0);
	fp1 = fingerprint_of(cert);
	t = tls_server_new(cert, key, &err);
	assert_non_null(t);
	assert_int_equal(certgen_selfsigned(cert, key, "two.example", 30, &err), 0);
	fp2 = fingerprint_of(cert);
	expect_peer(t, fp1);
	assert_int_equal(handshake(t, &o, "x", &err, &srv, &cc), 0);
	assert_int_equal(tls_server_reload(t, &err), 0);
	assert_int_equal(conn_write(cc, "z", 1), 0);
	assert_int_equal(conn_read(cc, &z, 1, 5000), 1);
	assert_int_equal(z, 'z');
	side_done(&srv, cc);
	expect_peer(t, fp2);
	copy_file(f->key2, key);
	assert_int_equal(tls_server_reload(t, &err), -1);
	assert_non_null(strstr(err.data, "does not match"));
	expect_peer(t, fp2);
	tls_server_free(t);
	free(fp1);
	free(fp2);
	free(cert);
	free(key);
	buf_free(&err);
}

static void test_server_bad_files(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;

	assert_null(tls_server_new("/nonexistent/cert.pem", f->key, &err));
	assert_non_null(strstr(err.data, "/nonexistent/cert.pem"));
	buf_reset(&err);
	assert_null(tls_server_new(f->cert, f->key2, &err));
	assert_non_null(strstr(err.data, "does not match"));
	buf_free(&err);
}

/* test_sigpipe - writing to a peer that is gone is an error, not a signal */
static void test_sigpipe(void **state)
{
	struct conn *a, *b;
	char big[65536] = { 0 };
	int i, rc = 0;

	(void)state;
	conn_pair(&a, &b);
	conn_free(b);
	for (i = 0; i < 10 && rc == 0; i++)
		rc = conn_write(a, big, sizeof(big));
	assert_int_equal(rc, -1);
	assert_int_equal(errno, EPIPE);
	conn_free(a);
}

/* stream_exchange - through a mailstream on a, a line out and a line in;
 * b is the peer */
static void stream_exchange(struct conn *a, struct conn *b)
{
	mailstream *s = conn_mailstream(a, 5000);
	MMAPString *line = mmap_string_new("");
	char got[64] = "";
	size_t n = 0;
	ssize_t r;

	assert_non_null(s);
	assert_int_equal(mailstream_write(s, "EHLO me\r\n", 9), 9);
	assert_int_equal(mailstream_flush(s), 0);
	while (n < 9 && (r = conn_read(b, got + n, sizeof(got) - n - 1, 5000)) > 0)
		n += (size_t)r;
	assert_string_equal(got, "EHLO me\r\n");
	assert_int_equal(conn_write(b, "250-hi\r\n250 OK\r\n", 16), 0);
	assert_string_equal(mailstream_read_line(s, line), "250-hi\r\n");
	assert_true(conn_mailstream_buffered(s));
	assert_string_equal(mailstream_read_line(s, line), "250 OK\r\n");
	assert_false(conn_mailstream_buffered(s));
	mmap_string_free(line);
	mailstream_close(s);
	/* the conn outlives its stream */
	assert_int_equal(conn_write(a, "QUIT\r\n", 6), 0);
	assert_int_equal(conn_read(b, got, 6, 5000), 6);
}

static void test_stream_clear(void **state)
{
	struct conn *a, *b;

	(void)state;
	conn_pair(&a, &b);
	stream_exchange(a, b);
	conn_free(a);
	conn_free(b);
}

/* test_stream_idle - mailstream_wait_idle (IMAP IDLE) on a conn stream:
 * times out, sees data, and can be interrupted */
static void test_stream_idle(void **state)
{
	struct conn *a, *b;
	mailstream *s;
	MMAPString *line = mmap_string_new("");

	(void)state;
	conn_pair(&a, &b);
	s = conn_mailstream(a, 5000);
	assert_int_equal(mailstream_setup_idle(s), 0);
	assert_int_equal(mailstream_wait_idle(s, 1), MAILSTREAM_IDLE_TIMEOUT);
	mailstream_interrupt_idle(s);
	assert_int_equal(mailstream_wait_idle(s, 5), MAILSTREAM_IDLE_INTERRUPTED);
	assert_int_equal(conn_write(b, "* 3 EXISTS\r\n", 12), 0);
	assert_int_equal(mailstream_wait_idle(s, 5), MAILSTREAM_IDLE_HASDATA);
	mailstream_unsetup_idle(s);
	assert_string_equal(mailstream_read_line(s, line), "* 3 EXISTS\r\n");
	mmap_string_free(line);
	mailstream_close(s);
	conn_free(a);
	conn_free(b);
}

static void test_stream_tls(void **state)
{
	struct fixture *f = *state;
	struct tls_client_opts o = { .ca_file = f->cert };
	struct side srv = { 0 };
	struct buf err = BUF_INIT;
	struct conn *cc;

	assert_int_equal(handshake(f->srv, &o, HOST, &err, &srv, &cc), 0);
	side_join(&srv);
	assert_int_equal(srv.rc, 0);
	stream_exchange(cc, srv.c);
	side_done(&srv, cc);
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verified),
		cmocka_unit_test(test_wrong_host),
		cmocka_unit_test(test_trailing_dot),
		cmocka_unit_test(test_unknown_ca),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_no_verify),
		cmocka_unit_test(test_tls11_refused),
		cmocka_unit_test(test_read_timeout),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_server_bad_files),
		cmocka_unit_test(test_sigpipe),
		cmocka_unit_test(test_stream_clear),
		cmocka_unit_test(test_stream_idle),
		cmocka_unit_test(test_stream_tls),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
