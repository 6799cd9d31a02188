/* imap.c - the IMAP source (RFC 3501) through libetpan's mailimap client:
 * UID-based state per folder, many messages per UID FETCH, the remote copy
 * flagged \Deleted and expunged only after its local copy is durable and
 * journaled. */
#include <stdlib.h>
#include <string.h>
#include <libetpan/libetpan.h>
#include "conn.h"
#include "crashpoint.h"
#include "i18n.h"
#include "msg.h"
#include "mra.h"
#include "mra_msg.h"
#include "strlist.h"
#include "xalloc.h"

#define IMAP_BATCH_MSGS 200		/* messages per UID FETCH of bodies */
#define IMAP_BATCH_BYTES (32u << 20)	/* and bytes, so memory stays bounded */
#define IMAP_IDS_MARGIN 1000		/* Message-IDs kept beyond EXISTS */
#define IMAP_IDLE_SECONDS (29 * 60)	/* RFC 2177 3: re-issue IDLE within 29 minutes */

/* One folder's fetch. */
struct imap_folder {
	const char *name;
	char *state;		/* the journal: UIDVALIDITY and last UID */
	char *ids;		/* Message-IDs delivered from it */
	struct mra_imap_state js;
	char **seen;		/* after a UIDVALIDITY change: ids known, sorted */
	size_t nseen;
	unsigned long fresh_above;	/* UIDs above it never reached the MDA */
};

struct imap_msg {
	uint32_t uid;
	uint32_t size;
};

static void imap_logger(mailimap *s, int type, const char *p, size_t n, void *ctx)
{
	(void)s;
	mra_link_trace(ctx, type, p, n);
}

/* imap_error - err gets what failed and the server's last words */
static int imap_error(mailimap *imap, const char *what, int r, struct buf *err)
{
	const char *resp = imap && imap->imap_response ? imap->imap_response : NULL;

	buf_printf(err, "%s: %s", what, resp && *resp ? resp : r == MAILIMAP_ERROR_STREAM ?
		   _("connection lost") : _("failed"));
	return -1;
}

/* imap_capable - whether the server announces cap; asks for the list when
 * the greeting did not carry it */
static bool imap_capable(mailimap *imap, const char *cap)
{
	if (imap->imap_connection_info == NULL ||
	    imap->imap_connection_info->imap_capability == NULL) {
		struct mailimap_capability_data *cd = NULL;
		if (mailimap_capability(imap, &cd) != MAILIMAP_NO_ERROR)
			return false;
		mailimap_capability_data_free(cd);
	}
	return mailimap_has_extension(imap, cap) != 0;
}

/* imap_starttls - RFC 3501 6.2.1: STARTTLS required; without it no
 * credentials go out */
static int imap_starttls(mailimap *imap, struct mra_link *l, const struct mra_account *a,
			 struct buf *err)
{
	struct mailimap_capability_data *cd = NULL;

	if (!imap_capable(imap, "STARTTLS")) {
		buf_printf(err, _("the server does not offer STARTTLS; no credentials were sent"));
		return -1;
	}
	if (mailimap_starttls(imap) != MAILIMAP_NO_ERROR) {
		/* libetpan (since CVE-2020-15953) fails on bytes after the reply */
		if (conn_mailstream_buffered(imap->imap_stream))
			return mra_link_starttls(l, a, err);
		imap_error(imap, _("STARTTLS refused; no credentials were sent"), 0, err);
		return -1;
	}
	if (mra_link_starttls(l, a, err) < 0)
		return -1;
	/* RFC 3501 6.2.1: capabilities learnt in clear are forgotten */
	if (mailimap_capability(imap, &cd) != MAILIMAP_NO_ERROR)
		return imap_error(imap, "CAPABILITY", 0, err);
	mailimap_capability_data_free(cd);
	return 0;
}

/* imap_open - connect, secure and log in; the session or NULL with err */
static mailimap *imap_open(const struct mra_account *a, struct mra_link *l, struct buf *err)
{
	struct mailimap_capability_data *cd = NULL;
	mailimap *imap;
	char *pw;
	int r;

	if (mra_link_open(l, a, err) < 0)
		return NULL;
	imap = mailimap_new(0, NULL);
	mailimap_set_timeout(imap, a->timeout_ms / 1000);
	mailimap_set_logger(imap, imap_logger, l);
	r = mailimap_connect(imap, l->s);
	l->handed = true;	/* the session closes the stream */
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		imap_error(imap, _("no IMAP greeting"), r, err);
		goto fail;
	}
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED) {
		/* RFC 3501 6.2.1 (and CVE-2020-12399-like stripping): a PREAUTH
		 * greeting leaves no way to start TLS */
		if (a->tls == MRA_TLS_STARTTLS) {
			buf_printf(err, _("PREAUTH greeting without TLS; aborting"));
			goto fail;
		}
		return imap;
	}
	if (a->tls == MRA_TLS_STARTTLS && imap_starttls(imap, l, a, err) < 0)
		goto fail;
	pw = mra_password(a, err);
	if (pw == NULL)
		goto fail;
	r = mailimap_login(imap, a->user, pw);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (r != MAILIMAP_NO_ERROR) {
		imap_error(imap, "LOGIN", r, err);
		goto fail;
	}
	/* RFC 3501 6.2.3: capabilities may grow after login (CONDSTORE...) */
	if (mailimap_capability(imap, &cd) != MAILIMAP_NO_ERROR) {
		imap_error(imap, "CAPABILITY", 0, err);
		goto fail;
	}
	mailimap_capability_data_free(cd);
	return imap;
fail:
	mailimap_free(imap);
	return NULL;
}

static void imap_close(mailimap *imap, struct mra_link *l, bool logout)
{
	if (imap) {
		if (logout)
			mailimap_logout(imap);
		mailimap_free(imap);
	}
	mra_link_close(l);
}

/* imap_att - the UID, size and (when asked for) body of one FETCH reply */
static void imap_att(struct mailimap_msg_att *ma, uint32_t *uid, uint32_t *size,
		     const char **body, size_t *len)
{
	clistiter *it;

	*uid = 0, *size = 0, *body = NULL, *len = 0;
	for (it = clist_begin(ma->att_list); it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			*uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			*size = st->att_data.att_rfc822_size;
		else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION) {
			*body = st->att_data.att_body_section->sec_body_part;
			*len = st->att_data.att_body_section->sec_length;
		}
	}
}

static int imap_msg_cmp(const void *x, const void *y)
{
	const struct imap_msg *a = x, *b = y;

	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

/* imap_list - UID and size of every message with a UID from first on,
 * sorted; newly allocated, *n set; -1 with err */
static int imap_list(mailimap *imap, uint32_t first, struct imap_msg **out, size_t *n,
		     struct buf *err)
{
	struct mailimap_set *set = mailimap_set_new_interval(first, 0);
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *res = NULL;
	clistiter *it;
	int r;

	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	r = mailimap_uid_fetch(imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(imap, "UID FETCH", r, err);
	*out = xcalloc(clist_count(res) + 1, sizeof(**out));
	*n = 0;
	for (it = clist_begin(res); it; it = clist_next(it)) {
		const char *body;
		size_t len;
		struct imap_msg *mm = &(*out)[*n];
		imap_att(clist_content(it), &mm->uid, &mm->size, &body, &len);
		/* RFC 3501 6.4.8: "n:*" always matches the last message */
		if (mm->uid >= first && mm->uid > 0)
			(*n)++;
	}
	mailimap_fetch_list_free(res);
	qsort(*out, *n, sizeof(**out), imap_msg_cmp);
	return 0;
}

static int imap_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* imap_known - whether a UIDVALIDITY change brought back a message whose
 * Message-ID was delivered from this folder before */
static bool imap_known(const struct imap_folder *f, const char *mid)
{
	return mid && f->seen && bsearch(&mid, f->seen, f->nseen, sizeof(char *), imap_strcmp);
}

/* One message of a batch, sent to poczta-mda and waiting for its answer. */
struct imap_sent {
	uint32_t uid;
	size_t len;
	char *mid;		/* its Message-ID, or NULL */
	bool known;		/* not sent: delivered before a UIDVALIDITY change */
};

/* A batch: one UID FETCH, its messages sent on, the answers due. */
struct imap_batch {
	struct imap_sent *sent;
	size_t n;
};

static void imap_batch_free(struct imap_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->sent[i].mid);
	free(b->sent);
	b->sent = NULL;
	b->n = 0;
}

/* imap_batch_send - bodies of msgs[0..n) in one UID FETCH, all sent to
 * poczta-mda pipelined (the answers are left for imap_batch_collect): the
 * MDA sees the whole batch at once and may sync its Maildir once for it.
 * from: the UIDs above it only (those before are sent already) */
static int imap_batch_send(struct mra *m, const struct mra_account *a, mailimap *imap,
			   struct imap_folder *f, const struct imap_msg *msgs, size_t n,
			   uint32_t from, struct imap_batch *b, struct buf *err)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	char k1[32], *base;
	clist *res = NULL;
	clistiter *it;
	size_t i;
	int r, rc = 0;

	for (i = 0; i < n; i++)
		mailimap_set_add_single(set, msgs[i].uid);
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
		mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(imap, "UID FETCH", r, err);
	snprintf(k1, sizeof(k1), "%lu", f->js.uidvalidity);
	base = mra_id(a, f->name, k1);
	b->sent = xcalloc(clist_count(res) + 1, sizeof(*b->sent));
	/* the server answers in message-sequence order, which is UID order */
	for (it = clist_begin(res); it && rc == 0; it = clist_next(it)) {
		uint32_t uid, size;
		const char *body;
		size_t len;
		char *id;
		struct imap_sent *x;
		imap_att(clist_content(it), &uid, &size, &body, &len);
		if (body == NULL || uid <= from || (b->n > 0 && uid <= b->sent[b->n - 1].uid))
			continue;
		x = &b->sent[b->n++];
		x->uid = uid, x->len = len;
		x->mid = mra_msg_message_id(body, len);
		if ((x->known = imap_known(f, x->mid))) {
			msg_info("account=%s folder=%s message_id=%s: delivered before the "
				 "UIDVALIDITY change, skipped", a->name, f->name, x->mid);
			continue;
		}
		id = xasprintf("%s.%lu", base, (unsigned long)uid);
		rc = mra_deliver_send(m, a, "IMAP", id, uid > f->fresh_above, body, len, err);
		free(id);
	}
	/* the bodies are with the MDA: the libetpan copies may go now */
	mailimap_fetch_list_free(res);
	free(base);
	return rc;
}

/* imap_batch_collect - the MDA's answers for a batch, journaled in UID
 * order.  "last" advances only over answered messages (250, or 5xx:
 * refused for good, journaled as such and left on the server); after the
 * first temporary failure (or rc already -1) the answers are read and not
 * journaled, and what was delivered after it is delivered again next time
 * as a no-op in the MDA (the delivery id).  rc, or -1 with err */
static int imap_batch_collect(struct mra *m, const struct mra_account *a, struct imap_folder *f,
			      struct imap_batch *b, int rc, struct mra_stats *st, struct buf *err)
{
	size_t i;
	bool stop = rc < 0;

	for (i = 0; i < b->n; i++) {
		struct imap_sent *x = &b->sent[i];
		struct buf why = BUF_INIT;
		int d = x->known ? 0 : mra_deliver_result(m, &why);
		if (d == 0 && x->mid && !x->known)
			mra_ids_append(f->ids, x->mid);
		if (d == -1 && !stop) {
			stop = true;
			buf_append(err, why.data ? why.data : "", why.len);
			rc = -1;
		}
		if (d == -2 && !stop) {
			/* refused for good: reported once, kept on the server */
			msg_warnx(_("account=%s folder=%s uid=%lu: %s; the message is kept on the "
				    "server and not fetched again"), a->name, f->name,
				  (unsigned long)x->uid, buf_cstr(&why));
			if (mra_imap_state_refuse(f->state, &f->js, x->uid) < 0) {
				buf_printf(err, _("cannot write %s"), f->state);
				stop = true, rc = -1;
			}
			st->refused++;
		}
		buf_free(&why);
		if (stop)
			continue;	/* the other answers are read, not journaled */
		crash_point("mra-delivered");
		f->js.last = x->uid;
		if (mra_imap_state_append(f->state, f->js.last) < 0) {
			buf_printf(err, _("cannot write %s"), f->state);
			stop = true, rc = -1;
			continue;
		}
		crash_point("mra-journaled");
		if (d == 0) {
			st->done++;
			st->bytes += x->len;
			mra_progress(m, a, st);
		}
	}
	/* one sync for the batch, not one a message (see mra_imap_state_sync) */
	if (b->n > 0 && mra_imap_state_sync(f->state) < 0 && rc == 0) {
		buf_printf(err, _("cannot write %s"), f->state);
		rc = -1;
	}
	imap_batch_free(b);
	return rc;
}

/* imap_fetch_new - msgs[0..n) in batches bounded in messages and bytes;
 * each batch is fetched and sent on while the MDA is still busy with the
 * one before, whose answers are read next */
static int imap_fetch_new(struct mra *m, const struct mra_account *a, mailimap *imap,
			  struct imap_folder *f, const struct imap_msg *msgs, size_t n,
			  struct mra_stats *st, struct buf *err)
{
	struct imap_batch prev = { 0 }, cur = { 0 };
	size_t i = 0;
	int rc = 0;

	while (i < n && rc == 0) {
		size_t j = i, bytes = 0;
		uint32_t from = prev.n ? prev.sent[prev.n - 1].uid : (uint32_t)f->js.last;
		struct buf later = BUF_INIT;
		int rs;
		while (j < n && j - i < IMAP_BATCH_MSGS &&
		       (j == i || bytes + msgs[j].size <= IMAP_BATCH_BYTES))
			bytes += msgs[j++].size;
		rs = imap_batch_send(m, a, imap, f, msgs + i, j - i, from, &cur, err);
		/* what the batch before delivered is journaled all the same */
		rc = imap_batch_collect(m, a, f, &prev, 0, st, rs < 0 ? &later : err);
		buf_free(&later);
		if (rs < 0)
			rc = -1;
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		i = j;
	}
	return imap_batch_collect(m, a, f, &prev, rc, st, err);
}

static int imap_ulong_cmp(const void *x, const void *y)
{
	unsigned long a = *(const unsigned long *)x, b = *(const unsigned long *)y;

	return a < b ? -1 : a > b;
}

/* imap_expunge - RFC 3501 6.4.6/6.4.3: every message up to the journaled
 * UID is delivered here, so it may go from the server; but not the ones
 * poczta-mda refused, which stay there */
static int imap_expunge(mailimap *imap, struct imap_folder *f, const struct imap_msg *msgs,
			size_t n, struct mra_stats *st, struct buf *err)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sf;
	unsigned long from = 1, last = f->js.last, gone = 0;
	size_t i;
	int r;

	if (f->js.nrefused > 0)
		qsort(f->js.refused, f->js.nrefused, sizeof(*f->js.refused), imap_ulong_cmp);
	for (i = 0; i < n; i++) {
		unsigned long u = msgs[i].uid;
		if (u <= last && (f->js.nrefused == 0 ||
				  !bsearch(&u, f->js.refused, f->js.nrefused,
					   sizeof(*f->js.refused), imap_ulong_cmp)))
			gone++;
	}
	for (i = 0; i < f->js.nrefused && from <= last; i++) {
		unsigned long u = f->js.refused[i];
		if (u >= from && u <= last) {
			if (u > from)
				mailimap_set_add_interval(set, (uint32_t)from, (uint32_t)(u - 1));
			from = u + 1;
		}
	}
	if (from <= last)
		mailimap_set_add_interval(set, (uint32_t)from, (uint32_t)last);
	if (clist_count(set->set_list) == 0) {
		mailimap_set_free(set);
		mailimap_flag_list_free(fl);
		return 0;
	}
	mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(imap, set, sf);
	mailimap_store_att_flags_free(sf);
	crash_point("mra-flagged");
	if (r == MAILIMAP_NO_ERROR)
		/* RFC 4315 2.1: UID EXPUNGE leaves others' \Deleted alone */
		r = mailimap_has_uidplus(imap) ? mailimap_uid_expunge(imap, set) :
		    mailimap_expunge(imap);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(imap, "EXPUNGE", r, err);
	st->deleted += gone;
	return 0;
}

/* imap_validity - RFC 3501 2.3.1.1: a new UIDVALIDITY is a new folder for
 * UIDs; everything is fetched again, but what was delivered before (by
 * Message-ID) is not delivered twice */
static int imap_validity(struct mra *m, const struct mra_account *a, mailimap *imap,
			 struct imap_folder *f, struct buf *err)
{
	unsigned long v = imap->imap_selection_info->sel_uidvalidity;

	(void)m;
	if (v == f->js.uidvalidity)
		return 0;
	if (f->js.uidvalidity != 0) {
		msg_warnx("account=%s folder=%s uidvalidity=%lu was=%lu: fetching it again, "
			  "skipping the Message-IDs delivered before", a->name, f->name, v,
			  f->js.uidvalidity);
		f->seen = mra_ids_load(f->ids);
		f->nseen = strlist_len(f->seen);
		qsort(f->seen, f->nseen, sizeof(char *), imap_strcmp);
	}
	f->js.uidvalidity = v;
	mra_imap_state_free(&f->js);	/* UIDs of the old validity */
	f->js.last = 0;
	f->js.sent = 0;
	f->js.modseq = 0;
	if (mra_imap_state_save(f->state, &f->js) < 0) {
		buf_printf(err, _("cannot write %s"), f->state);
		return -1;
	}
	return 0;
}

/* imap_folder - fetch what is new in one folder */
static int imap_folder(struct mra *m, const struct mra_account *a, mailimap *imap,
		       const char *folder, struct mra_stats *st, struct buf *err)
{
	struct imap_folder f = { .name = folder };
	struct imap_msg *msgs = NULL;
	size_t n = 0, i, old = 0;
	uint64_t modseq = 0;
	int rc = -1, r;

	f.state = mra_state_path(m, a, "imap", folder);
	f.ids = mra_state_path(m, a, "ids", folder);
	if (f.state == NULL || f.ids == NULL || mra_imap_state_load(f.state, &f.js) < 0) {
		buf_printf(err, _("cannot read the state under %s"), m->state_dir);
		goto out;
	}
	if (mailimap_has_condstore(imap))	/* RFC 7162 3.1.8: SELECT (CONDSTORE) */
		r = a->keep && !a->sync_flags ? mailimap_examine_condstore(imap, folder, &modseq) :
		    mailimap_select_condstore(imap, folder, &modseq);
	else
		r = a->keep && !a->sync_flags ? mailimap_examine(imap, folder) :
		    mailimap_select(imap, folder);
	if (r != MAILIMAP_NO_ERROR) {
		imap_error(imap, folder, r, err);
		goto out;
	}
	if (imap_validity(m, a, imap, &f, err) < 0)
		goto out;
	/* RFC 7162 3.1.2.1: a new message gets a higher mod-sequence, so an
	 * unchanged HIGHESTMODSEQ means nothing to fetch (or to expunge); flags
	 * changed here still have to go there */
	if (imap->imap_selection_info->sel_exists == 0 ||
	    (modseq && modseq == f.js.modseq && !a->sync_flags)) {
		rc = 0;
		goto out;
	}
	if (imap_list(imap, a->keep ? (uint32_t)f.js.last + 1 : 1, &msgs, &n, err) < 0)
		goto out;
	for (i = 0; i < n && msgs[i].uid <= f.js.last; i++)
		old++;
	for (i = old; i < n; i++)
		st->total_bytes += msgs[i].size;
	st->total += n - old;
	/* what a fetch before may have handed to the MDA without journaling
	 * it (a crash) is at most its mark; above, every copy is new to the
	 * MDA.  The mark moves over this fetch's UIDs before any is sent. */
	f.fresh_above = f.js.sent > f.js.last ? f.js.sent : f.js.last;
	for (i = old; i < n; i++)
		if (msgs[i].uid > f.js.sent)
			f.js.sent = msgs[i].uid;
	/* compact the journal, and make it exist for the appends */
	if (n > old && mra_imap_state_save(f.state, &f.js) < 0) {
		buf_printf(err, _("cannot write %s"), f.state);
		goto out;
	}
	rc = imap_fetch_new(m, a, imap, &f, msgs + old, n - old, st, err);
	if (rc == 0 && !a->keep && f.js.last > 0 && n > 0)
		rc = imap_expunge(imap, &f, msgs, n, st, err);
	/* the Message-IDs serve a UIDVALIDITY change only: those of messages
	 * still on the server, which are at most EXISTS and mostly the last
	 * ones delivered (none once they are expunged) */
	if (rc == 0 && n > old)
		mra_ids_prune(f.ids, a->keep ? imap->imap_selection_info->sel_exists +
			      IMAP_IDS_MARGIN : 0);
	if (rc == 0 && a->sync_flags) {
		char k1[32], *base;
		snprintf(k1, sizeof(k1), "%lu", f.js.uidvalidity);
		base = mra_id(a, folder, k1);
		/* RFC 7162 3.1.4: only what changed since the last sync, when the
		 * server keeps mod-sequences and that sync was done */
		rc = mra_flags_sync(m, a, imap, base, (uint32_t)f.js.last,
				    modseq && f.js.modseq && f.js.modseq <= modseq ? f.js.modseq : 0, err);
		free(base);
	}
	if (rc == 0 && modseq) {	/* the folder is done as it was at SELECT */
		f.js.modseq = modseq;
		if (mra_imap_state_save(f.state, &f.js) < 0) {
			buf_printf(err, _("cannot write %s"), f.state);
			rc = -1;
		}
	}
out:
	mra_imap_state_free(&f.js);
	free(msgs);
	free(f.state);
	free(f.ids);
	strlist_free(f.seen);
	return rc;
}

int mra_imap_fetch(struct mra *m, const struct mra_account *a, struct mra_stats *st,
		   struct buf *err)
{
	struct mra_link l;
	mailimap *imap = imap_open(a, &l, err);
	char **f;
	int rc = 0;

	if (imap == NULL) {
		imap_close(NULL, &l, false);
		return -1;
	}
	m->link = &l;
	for (f = a->folders; *f && rc == 0; f++)
		rc = imap_folder(m, a, imap, *f, st, err);
	m->link = NULL;
	imap_close(imap, &l, rc == 0);
	return rc;
}

/* imap_idle - wait in IDLE (RFC 2177) until the server reports a change
 * or the 29 minutes are up; 0, or -1 when the connection is gone */
static int imap_idle(mailimap *imap, struct buf *err)
{
	int r;

	if (!mailimap_has_idle(imap)) {
		sleep(60);	/* no IDLE: poll each minute */
		return mailimap_noop(imap) == MAILIMAP_NO_ERROR ? 0 : imap_error(imap, "NOOP", 0, err);
	}
	if ((r = mailimap_idle(imap)) != MAILIMAP_NO_ERROR)
		return imap_error(imap, "IDLE", r, err);
	if (mailstream_setup_idle(imap->imap_stream) < 0) {
		buf_printf(err, "IDLE: %s", _("out of memory"));
		return -1;
	}
	r = mailstream_wait_idle(imap->imap_stream, IMAP_IDLE_SECONDS);
	mailstream_unsetup_idle(imap->imap_stream);
	if (r == MAILSTREAM_IDLE_ERROR || r == MAILSTREAM_IDLE_CANCELLED) {
		buf_printf(err, _("connection lost"));
		return -1;
	}
	if ((r = mailimap_idle_done(imap)) != MAILIMAP_NO_ERROR)
		return imap_error(imap, "DONE", r, err);
	return 0;
}

int mra_imap_watch(struct mra *m, const struct mra_account *a, struct buf *err)
{
	struct mra_link l;
	mailimap *imap = imap_open(a, &l, err);
	int rc = 0;

	if (imap == NULL) {
		imap_close(NULL, &l, false);
		return -1;
	}
	m->link = &l;
	for (;;) {
		struct mra_stats st = { 0 };
		char **f;
		for (f = a->folders; *f && rc == 0; f++)
			rc = imap_folder(m, a, imap, *f, &st, err);
		if (rc == 0 && st.done > 0)
			mra_summary(m, a, &st, NULL);
		/* IDLE watches the first folder; a wake-up fetches them all */
		if (rc == 0 && a->folders[1] != NULL)
			rc = imap_folder(m, a, imap, a->folders[0], &st, err);
		if (rc == 0)
			rc = imap_idle(imap, err);
		if (rc < 0)
			break;
	}
	m->link = NULL;
	imap_close(imap, &l, false);
	return -1;
}
