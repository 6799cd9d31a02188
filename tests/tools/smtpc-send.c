/* smtpc-send - relay the message on stdin with lib/smtpc, for the tests.
 *
 *   smtpc-send [--tls none|may|starttls|implicit] [--ca FILE] [--pin FP]
 *              [--auth USER PASS] [--helo NAME] [--timeout MS] [--trace]
 *              [--envid XTEXT] [--ret full|hdrs] [--notify BITS] [--orcpt]
 *              HOST PORT SENDER RCPT... < message
 *
 * --notify BITS gives every recipient those NOTIFY bits (lib/queue.h's);
 * --orcpt gives each one ORCPT=rfc822;ITS-ADDRESS.
 *
 * Prints one line per recipient, "RCPT status code text", then
 * "session status code text"; exits 0 when smtpc_send returned 0, 1 when it
 * returned -1, 2 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "msg.h"
#include "smtpc.h"
#include "tls.h"
#include "xalloc.h"

/* send_tls_mode - the --tls argument */
static int send_tls_mode(const char *s, enum smtpc_tls *t)
{
	static const char *const names[] = { "none", "may", "starttls", "implicit" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*t = (enum smtpc_tls)i;
			return 0;
		}
	return -1;
}

/* send_stdin_fd - stdin as a file that pread can read from 0: a copy when
 * stdin is a pipe */
static int send_stdin_fd(void)
{
	char b[65536];
	size_t n;
	FILE *f;

	if (lseek(0, 0, SEEK_SET) == 0)
		return 0;
	f = tmpfile();
	if (f == NULL)
		return -1;
	while ((n = fread(b, 1, sizeof(b), stdin)) > 0)
		fwrite(b, 1, n, f);
	fflush(f);
	return dup(fileno(f));
}

/* send_contexts - TLS contexts for the mode: verify with --ca/--pin, any */
static int send_contexts(struct smtpc_opts *o, const char *ca, const char *pin)
{
	struct tls_client_opts v = { ca, pin, false }, any = { NULL, NULL, true };
	struct buf err = BUF_INIT;

	if (o->tls == SMTPC_TLS_MAY)
		o->tls_any = tls_client_new(&any, &err);
	else if (o->tls != SMTPC_TLS_NONE)
		o->tls_verify = tls_client_new(&v, &err);
	if (err.len)
		fprintf(stderr, "smtpc-send: %s\n", buf_cstr(&err));
	buf_free(&err);
	return o->tls == SMTPC_TLS_NONE || o->tls_any || o->tls_verify ? 0 : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: smtpc-send [--tls none|may|starttls|implicit] [--ca FILE] "
		"[--pin FP] [--auth USER PASS] [--helo NAME] [--timeout MS] [--trace] "
		"HOST PORT SENDER RCPT... < message\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct smtpc_opts o = { "client.poczta.test", SMTPC_TLS_NONE, NULL, NULL, NULL, NULL, 0, NULL };
	struct smtpc_params params = { NULL, 0, NULL, NULL };
	const char *ca = NULL, *pin = NULL;
	struct dsn *per, session;
	int i = 1, fd, rc, notify = 0, orcpt = 0;
	size_t k, n;
	unsigned *notifies = NULL;
	char **orcpts = NULL;

	msg_init("smtpc-send", "MTA");
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--tls") == 0 && i + 1 < argc && send_tls_mode(argv[i + 1], &o.tls) == 0)
			i++;
		else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
			ca = argv[++i];
		else if (strcmp(argv[i], "--pin") == 0 && i + 1 < argc)
			pin = argv[++i];
		else if (strcmp(argv[i], "--helo") == 0 && i + 1 < argc)
			o.helo = argv[++i];
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			o.timeout_ms = atoi(argv[++i]);
		else if (strcmp(argv[i], "--auth") == 0 && i + 2 < argc) {
			o.auth_user = argv[++i];
			o.auth_pass = argv[++i];
		} else if (strcmp(argv[i], "--trace") == 0)
			msg_set_trace(true);
		else if (strcmp(argv[i], "--envid") == 0 && i + 1 < argc)
			params.envid = argv[++i];
		else if (strcmp(argv[i], "--ret") == 0 && i + 1 < argc)
			params.ret = strcmp(argv[++i], "full") == 0 ? 1 : 2;
		else if (strcmp(argv[i], "--notify") == 0 && i + 1 < argc)
			notify = atoi(argv[++i]);
		else if (strcmp(argv[i], "--orcpt") == 0)
			orcpt = 1;
		else
			return usage();
	}
	if (argc - i < 4)
		return usage();
	if (send_contexts(&o, ca, pin) < 0 || (fd = send_stdin_fd()) < 0)
		return 2;
	n = (size_t)(argc - i - 3);
	per = xcalloc(n, sizeof(*per));
	notifies = xcalloc(n, sizeof(*notifies));
	orcpts = xcalloc(n + 1, sizeof(*orcpts));
	for (k = 0; k < n; k++) {
		notifies[k] = (unsigned)notify;
		if (orcpt)
			orcpts[k] = xasprintf("rfc822;%s", argv[i + 3 + k]);
	}
	params.notify = notifies;
	params.orcpt = orcpts;
	if (params.envid || params.ret || notify || orcpt)
		o.params = &params;
	rc = smtpc_send(&o, argv[i], argv[i + 1], argv[i + 2], argv + i + 3, n, fd, per, &session);
	for (k = 0; k < n; k++)
		printf("%s %s %s %s\n", argv[i + 3 + k], dsn_status_name(per[k].status), per[k].code,
		       per[k].text);
	printf("session %s %s %s\n", dsn_status_name(session.status), session.code, session.text);
	free(per);
	free(notifies);
	for (k = 0; k < n; k++)
		free(orcpts[k]);
	free(orcpts);
	tls_client_free(o.tls_any);
	tls_client_free(o.tls_verify);
	if (fd != 0)
		close(fd);
	return rc == 0 ? 0 : 1;
}
