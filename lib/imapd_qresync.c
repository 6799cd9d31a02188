/* imapd_qresync.c - QRESYNC (RFC 7162 3.2): VANISHED instead of EXPUNGE,
 * SELECT (QRESYNC (...)) and UID FETCH (CHANGEDSINCE n VANISHED).  No
 * record of expunged UIDs is kept: VANISHED (EARLIER) names every UID of
 * the range asked about that is not in the mailbox, which RFC 7162 3.2.5.1
 * allows (a client ignores UIDs it does not know). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapd_int.h"
#include "xalloc.h"

/* imapd_uid_ranges - append uids[0..n) (ascending) as "1:3,7" */
void imapd_uid_ranges(const uint32_t *uids, size_t n, struct buf *out)
{
	size_t i, j;

	for (i = 0; i < n; i = j + 1) {
		j = i;
		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		buf_printf(out, "%s%u", i ? "," : "", uids[i]);
		if (j > i)
			buf_printf(out, ":%u", uids[j]);
	}
}

/* imapd_gap - append "lo:hi" (or "lo") to out, comma-separated */
static void imapd_gap(uint32_t lo, uint32_t hi, struct buf *out)
{
	if (lo > hi)
		return;
	buf_printf(out, "%s%u", out->len ? "," : "", lo);
	if (hi > lo)
		buf_printf(out, ":%u", hi);
}

void imapd_vanished_earlier(struct imapd *e, const struct imapd_seqset *known, struct buf *out)
{
	const struct mstore_box *b = e->box;
	uint32_t top = b->uidnext ? b->uidnext - 1 : 0;
	struct buf set = BUF_INIT;
	size_t r, i;

	for (r = 0; r < (known ? known->n : 1); r++) {
		uint32_t lo = known ? known->r[r].lo : 1, hi = known ? known->r[r].hi : top;
		if (lo == UINT32_MAX)
			lo = top;
		if (hi > top)
			hi = top;
		/* the gaps between the UIDs present in [lo, hi] */
		for (i = 0; i < b->n && lo <= hi; i++) {
			uint32_t u = b->msgs[i].uid;
			if (u < lo)
				continue;
			if (u > hi)
				break;
			imapd_gap(lo, u - 1, &set);
			lo = u + 1;
		}
		imapd_gap(lo, hi, &set);
	}
	if (set.len)
		buf_printf(out, "* VANISHED (EARLIER) %s\r\n", set.data);
	buf_free(&set);
}

/* imapd_qresync_param - "QRESYNC (uidvalidity modseq [known-uids [(seqs
 * uids)]])" after "(" in SELECT; the sequence match data is read and not
 * used.  False on bad syntax. */
bool imapd_qresync_param(struct imapd_cmd *c, struct imapd_qresync *q)
{
	uint64_t v, m;

	memset(q, 0, sizeof(*q));
	if (!imapd_sp(c) || !imapd_eat(c, '(') || !imapd_number(c, &v) || v == 0 ||
	    v > UINT32_MAX || !imapd_sp(c) || !imapd_number(c, &m) || m == 0)
		return false;
	q->uidvalidity = (uint32_t)v;
	q->modseq = m;
	if (imapd_sp(c)) {
		if (imapd_peek(c) != '(') {
			if (!imapd_seqset(c, &q->known))
				return false;
			q->has_known = true;
			if (!imapd_sp(c))
				goto close;
		}
		struct imapd_seqset a, b;
		if (!imapd_eat(c, '(') || !imapd_seqset(c, &a))
			return false;
		free(a.r);
		if (!imapd_sp(c) || !imapd_seqset(c, &b))
			return false;
		free(b.r);
		if (!imapd_eat(c, ')'))
			return false;
	}
close:
	q->on = imapd_eat(c, ')');
	return q->on;
}

/* imapd_qresync_select - after SELECT's untagged data: what vanished and
 * what changed since the client's last view (RFC 7162 3.2.5) */
void imapd_qresync_select(struct imapd *e, const struct imapd_qresync *q, struct buf *out)
{
	size_t i;

	if (q->uidvalidity != e->box->uidvalidity)
		return;		/* the client's cache is void: nothing to say */
	imapd_vanished_earlier(e, q->has_known ? &q->known : NULL, out);
	for (i = 0; i < e->box->n; i++) {
		const struct mstore_msg *m = &e->box->msgs[i];
		if (m->modseq <= q->modseq)
			continue;
		buf_printf(out, "* %zu FETCH (UID %u FLAGS (", i + 1, m->uid);
		mstore_msg_flags_imap(e->box, m, out);
		buf_printf(out, ") MODSEQ (%llu))\r\n", (unsigned long long)m->modseq);
	}
}
