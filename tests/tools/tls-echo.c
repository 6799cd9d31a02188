/* tls-echo.c - a TLS echo server on lib/conn, for tests/integration/t-tls.sh.
 *
 *   tls-echo port cert.pem key.pem ready-file
 *
 * Listens on 127.0.0.1:port, writes ready-file once it does, and serves one
 * connection at a time: conn_starttls_server at once (implicit TLS), then
 * every byte read is sent back until the peer closes or is idle for 10 s.
 * It prints "handshake ok VERSION CIPHER" or "handshake failed: WHY" on
 * stderr per connection.  SIGHUP reloads the certificate (tls_server_reload)
 * before the next connection; SIGTERM stops it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "buf.h"
#include "conn.h"
#include "net.h"
#include "tls.h"

static volatile sig_atomic_t echo_hup, echo_term;

static void echo_signal(int sig)
{
	if (sig == SIGHUP)
		echo_hup = 1;
	else
		echo_term = 1;
}

/* echo_serve - the handshake and the echo on one accepted socket */
static void echo_serve(int fd, struct tls_server *t)
{
	struct conn *c = conn_new(fd);
	struct buf err = BUF_INIT;
	char data[4096];
	ssize_t n;

	conn_set_timeout(c, 10000);
	if (conn_starttls_server(c, t, &err) < 0) {
		fprintf(stderr, "handshake failed: %s\n", err.data);
	} else {
		fprintf(stderr, "handshake ok %s %s\n", conn_tls_version(c), conn_tls_cipher(c));
		while ((n = conn_read(c, data, sizeof(data), 10000)) > 0)
			if (conn_write(c, data, (size_t)n) < 0)
				break;
	}
	buf_free(&err);
	conn_free(c);
}

/* echo_signals - SIGHUP and SIGTERM interrupt accept (no SA_RESTART) */
static void echo_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = echo_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int main(int argc, char **argv)
{
	struct endpoint ep;
	struct buf err = BUF_INIT;
	struct tls_server *t;
	char *where;
	FILE *ready;
	int lfd, fd;

	if (argc != 5) {
		fprintf(stderr, "usage: tls-echo port cert.pem key.pem ready-file\n");
		return 2;
	}
	where = NULL;
	if (asprintf(&where, "127.0.0.1:%s", argv[1]) < 0 || !net_parse_endpoint(where, &ep))
		return 2;
	free(where);
	if ((t = tls_server_new(argv[2], argv[3], &err)) == NULL ||
	    (lfd = net_listen(&ep, &err)) < 0) {
		fprintf(stderr, "tls-echo: %s\n", err.data);
		return 1;
	}
	echo_signals();
	if ((ready = fopen(argv[4], "w")) != NULL)
		fclose(ready);
	while (!echo_term) {
		if (echo_hup) {
			echo_hup = 0;
			buf_reset(&err);
			if (tls_server_reload(t, &err) < 0)
				fprintf(stderr, "reload failed: %s\n", err.data);
			else
				fprintf(stderr, "reloaded\n");
		}
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			echo_serve(fd, t);
	}
	close(lfd);
	tls_server_free(t);
	buf_free(&err);
	return 0;
}
