/* link.c - the connection to a server: TCP, TLS through lib/'s OpenSSL
 * layer (chain and host name verified, or a pinned fingerprint), and a
 * libetpan stream over it; and the --trace lines. */
#include <stdlib.h>
#include <string.h>
#include <libetpan/libetpan.h>
#include "conn.h"
#include "i18n.h"
#include "msg.h"
#include "mra.h"
#include "net.h"
#include "tls.h"

int mra_link_open(struct mra_link *l, const struct mra_account *a, struct buf *err)
{
	struct tls_client_opts o = { a->ca, a->pin, false };
	struct endpoint ep;
	int fd;

	memset(l, 0, sizeof(*l));
	l->tracing = msg_tracing();
	memset(&ep, 0, sizeof(ep));
	snprintf(ep.host, sizeof(ep.host), "%s", a->host);
	snprintf(ep.port, sizeof(ep.port), "%s", a->port);
	if (a->tls != MRA_TLS_NONE && (l->tls = tls_client_new(&o, err)) == NULL)
		return -1;
	fd = net_connect(&ep, err);
	if (fd < 0)
		return -1;
	l->c = conn_new(fd);
	conn_set_timeout(l->c, a->timeout_ms);
	if (a->tls == MRA_TLS_IMPLICIT && conn_starttls_client(l->c, l->tls, a->host, err) < 0)
		return -1;
	l->s = conn_mailstream(l->c, a->timeout_ms);
	if (l->s == NULL) {
		buf_printf(err, _("out of memory"));
		return -1;
	}
	return 0;
}

int mra_link_starttls(struct mra_link *l, const struct mra_account *a, struct buf *err)
{
	/* RFC 3501 6.2.1, RFC 2595 and CVE-2020-15953 class: anything the
	 * server sent after its STARTTLS reply and before the handshake was
	 * injected by whoever sits in the middle; no byte of it is used */
	if (conn_mailstream_buffered(l->s)) {
		buf_printf(err, _("data injected after the STARTTLS reply; aborting"));
		return -1;
	}
	return conn_starttls_client(l->c, l->tls, a->host, err);
}

void mra_link_close(struct mra_link *l)
{
	if (l->s && !l->handed)
		mailstream_close(l->s);
	if (l->c)
		conn_free(l->c);
	if (l->tls)
		tls_client_free(l->tls);
	buf_free(&l->trace_c);
	buf_free(&l->trace_s);
	memset(l, 0, sizeof(*l));
}

/* mra_trace_flush - print the complete lines of b */
static void mra_trace_flush(struct buf *b, const char *dir)
{
	char *nl;

	while ((nl = memchr(b->data, '\n', b->len)) != NULL) {
		size_t n = (size_t)(nl - b->data) + 1;
		msg_trace(dir, b->data, n);
		buf_consume(b, n);
	}
}

void mra_link_trace(struct mra_link *l, int log_type, const char *p, size_t n)
{
	if (!l->tracing)
		return;
	switch (log_type) {
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
		buf_append(&l->trace_c, p, n);
		mra_trace_flush(&l->trace_c, "C");
		break;
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		/* the password: its length is not shown either */
		buf_puts(&l->trace_c, "********");
		if (n > 0 && p[n - 1] == '\n')
			buf_puts(&l->trace_c, "\r\n");
		mra_trace_flush(&l->trace_c, "C");
		break;
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		buf_append(&l->trace_s, p, n);
		mra_trace_flush(&l->trace_s, "S");
		break;
	default:
		break;
	}
}
