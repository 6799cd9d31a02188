/* tls-client.c - a TLS client on lib/conn, for tests/integration/t-tls.sh.
 *
 *   tls-client [-c ca.pem] [-p sha256-pin] [-n] [-s line] host:port name
 *
 * Connects, runs conn_starttls_client with name as the host to verify and
 * the SNI (-c trusts ca.pem, -p pins a fingerprint, -n verifies nothing),
 * and prints "ok VERSION CIPHER FINGERPRINT".  With -s it then sends line
 * and a newline and prints the first line that comes back.  A refused
 * certificate prints "refused: WHY" on stderr and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "conn.h"
#include "net.h"
#include "tls.h"

/* client_echo - send line, print what comes back up to a newline */
static int client_echo(struct conn *c, const char *line)
{
	char got[1024];
	size_t n = 0;
	ssize_t r;

	if (conn_write(c, line, strlen(line)) < 0 || conn_write(c, "\n", 1) < 0)
		return 1;
	while (n < sizeof(got) - 1 && (n == 0 || got[n - 1] != '\n') &&
	       (r = conn_read(c, got + n, sizeof(got) - 1 - n, 10000)) > 0)
		n += (size_t)r;
	got[n] = '\0';
	fputs(got, stdout);
	return n > 0 && got[n - 1] == '\n' ? 0 : 1;
}

/* client_run - connect, handshake, report; the exit status */
static int client_run(const char *where, const char *name, const struct tls_client_opts *o,
		      const char *line)
{
	struct buf err = BUF_INIT;
	struct endpoint ep;
	struct tls_client *t;
	struct conn *c = NULL;
	char *fp;
	int fd, rc = 1;

	if (!net_parse_endpoint(where, &ep))
		return 2;
	if ((t = tls_client_new(o, &err)) == NULL || (fd = net_connect(&ep, &err)) < 0) {
		fprintf(stderr, "error: %s\n", err.data);
		goto out;
	}
	c = conn_new(fd);
	conn_set_timeout(c, 10000);
	if (conn_starttls_client(c, t, name, &err) < 0) {
		fprintf(stderr, "refused: %s\n", err.data);
		goto out;
	}
	fp = conn_peer_fingerprint(c);
	printf("ok %s %s %s\n", conn_tls_version(c), conn_tls_cipher(c), fp ? fp : "-");
	free(fp);
	rc = line ? client_echo(c, line) : 0;
out:
	conn_free(c);
	tls_client_free(t);
	buf_free(&err);
	return rc;
}

int main(int argc, char **argv)
{
	struct tls_client_opts o = { 0 };
	const char *line = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "c:p:ns:")) != -1) {
		switch (ch) {
		case 'c': o.ca_file = optarg; break;
		case 'p': o.pin_sha256 = optarg; break;
		case 'n': o.no_verify = true; break;
		case 's': line = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: tls-client [-c ca.pem] [-p pin] [-n] [-s line] host:port name\n");
		return 2;
	}
	return client_run(argv[optind], argv[optind + 1], &o, line);
}
