/* deliver.c - a fetched message handed to poczta-mda over LMTP (lmtp.c),
 * so that fetched mail takes the very path local mail does: Sieve, Maildir
 * tmp -> fsync -> new, notmuch notes.  poczta-mda says 250 only once the
 * message is durable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "conn.h"
#include "i18n.h"
#include "mra.h"
#include "mra_msg.h"
#include "rfc5322.h"
#include "xalloc.h"

/* mra_fnv - FNV-1a of s, continuing from h */
static unsigned long long mra_fnv(unsigned long long h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h * 1099511628211ULL;
}

char *mra_id(const struct mra_account *a, const char *k1, const char *k2)
{
	unsigned long long h = mra_fnv(1469598103934665603ULL, a->name);

	h = mra_fnv(mra_fnv(mra_fnv(h, a->host), a->user), k1);
	return xasprintf("mra.%016llx.%016llx", h, mra_fnv(h, k2));
}

/* mra_received - the trace field this hop adds (RFC 5321 4.4) */
static void mra_received(struct mra *m, const struct mra_account *a, const char *proto,
			 const char *id, struct buf *b)
{
	char date[64];

	const char *v = m->link && m->link->c ? conn_tls_version(m->link->c) : NULL;

	rfc5322_date(time(NULL), date, sizeof(date));
	buf_printf(b, "Received: from %s\r\n\tby %s (poczta-mra) with %s%s id %s\r\n", a->host,
		   m->hostname, proto, v ? "S" : "", id);
	if (v)
		buf_printf(b, "\t(%s cipher %s)\r\n", v, conn_tls_cipher(m->link->c));
	buf_printf(b, "\tfor <%s@%s> (account %s); %s\r\n", a->user, a->host, a->name, date);
}

/* mra_sender_ok - whether s may go into MAIL FROM:<s> as it is */
static bool mra_sender_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == '<' || *s == '>' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

int mra_deliver_send(struct mra *m, const struct mra_account *a, const char *proto,
		     const char *id, bool fresh, const char *data, size_t len, struct buf *err)
{
	size_t hlen = rfc5322_header_end(data, len), rp_start = 0, rp_end = 0;
	char *sender = mra_msg_return_path(data, hlen, &rp_start, &rp_end);
	struct buf hdr = BUF_INIT;
	int rc;

	if (m->lmtp == NULL && (m->lmtp = mra_lmtp_open(m, err)) == NULL) {
		free(sender);
		return -1;
	}
	if (sender && !mra_sender_ok(sender))
		x_free(&sender);	/* the MDA would refuse it: the null sender */
	mra_received(m, a, proto, id, &hdr);
	/* the old Return-Path gives way to the one the MDA writes */
	if (sender) {
		buf_append(&hdr, data, rp_start);
		data += rp_end, len -= rp_end;
	}
	rc = mra_lmtp_send(m->lmtp, sender ? sender : "", a->local_user ? a->local_user :
			   m->user, id, fresh, &hdr, data, len);
	if (rc < 0)
		buf_printf(err, "poczta-mda: %s", _("the LMTP session broke"));
	free(sender);
	buf_free(&hdr);
	return rc;
}

int mra_deliver_result(struct mra *m, struct buf *err)
{
	int rc;

	if (m->lmtp == NULL) {
		buf_printf(err, "poczta-mda: %s", _("the LMTP session broke"));
		return -1;
	}
	rc = mra_lmtp_result(m->lmtp, err);
	/* a broken session is not used again, once its answers are read */
	if (mra_lmtp_broken(m->lmtp) && mra_lmtp_pending(m->lmtp) == 0) {
		mra_lmtp_close(m->lmtp);
		m->lmtp = NULL;
	}
	return rc;
}

int mra_deliver(struct mra *m, const struct mra_account *a, const char *proto,
		const char *id, const char *data, size_t len, struct buf *err)
{
	if (mra_deliver_send(m, a, proto, id, false, data, len, err) < 0) {
		struct buf ignored = BUF_INIT;
		mra_deliver_result(m, &ignored);	/* the answer that will not come */
		buf_free(&ignored);
		return -1;
	}
	return mra_deliver_result(m, err);
}
