/* imapd_copy.c - COPY (RFC 3501 6.4.7) with COPYUID (RFC 4315 3), MOVE
 * (RFC 6851) and EXPUNGE (RFC 3501 6.4.3, RFC 4315 2.1 UID EXPUNGE). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"
#include "imapd_int.h"
#include "xalloc.h"

/* imapd_copyuid - "COPYUID v src dst" for n messages */
static void imapd_copyuid(struct imapd *e, const size_t *idx, const uint32_t *uids, size_t n,
			  uint32_t v, struct buf *b)
{
	size_t i;

	buf_printf(b, "COPYUID %u ", v);
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%u", i ? "," : "", e->box->msgs[idx[i]].uid);
	buf_putc(b, ' ');
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%u", i ? "," : "", uids[i]);
}

/* imapd_copy_to - parse "set mailbox" and copy; the indexes copied (NULL
 * after a reply saying why not), *codes the COPYUID text */
static size_t *imapd_copy_to(struct imapd *e, struct buf *out, bool uid, size_t *n,
			     struct buf *codes)
{
	struct imapd_seqset s;
	const char *name;
	struct buf err = BUF_INIT;
	size_t *idx = NULL;
	uint32_t *uids, v;
	int rc;

	if (!imapd_set_arg(e, out, uid, &s))
		return NULL;
	if (!imapd_sp(&e->cmd) || (name = imapd_astring(&e->cmd)) == NULL ||
	    !imapd_at_end(&e->cmd)) {
		imapd_reply(e, out, "BAD", "set mailbox");
		free(s.r);
		return NULL;
	}
	idx = imapd_msgs(e, &s, uid, n);
	free(s.r);
	if (*n == 0)
		return idx;
	uids = xcalloc(*n, sizeof(uint32_t));
	rc = mstore_copy(e->box, idx, *n, e->root, name, &v, uids, &err);
	if (rc == -2)
		imapd_reply(e, out, "NO", "[TRYCREATE] %s", buf_cstr(&err));
	else if (rc < 0)
		imapd_reply(e, out, "NO", "[SERVERBUG] %s", buf_cstr(&err));
	else
		imapd_copyuid(e, idx, uids, *n, v, codes);
	if (rc < 0)
		x_free(&idx);
	free(uids);
	buf_free(&err);
	return idx;
}

void imapd_cmd_copy(struct imapd *e, struct buf *out, bool uid)
{
	struct buf codes = BUF_INIT;
	size_t n, *idx = imapd_copy_to(e, out, uid, &n, &codes);

	if (idx && codes.len)
		imapd_reply(e, out, "OK", "[%s] COPY completed", codes.data);
	else if (idx)
		imapd_reply(e, out, "OK", "COPY completed");
	free(idx);
	buf_free(&codes);
}

void imapd_cmd_move(struct imapd *e, struct buf *out, bool uid)
{
	struct buf codes = BUF_INIT, err = BUF_INIT;
	struct mstore_changes ch = { 0 };
	size_t n, i, *idx;

	if (e->box->readonly) {
		imapd_reply(e, out, "NO", "[READ-ONLY] Mailbox is read-only");
		return;
	}
	if ((idx = imapd_copy_to(e, out, uid, &n, &codes)) == NULL)
		return;
	if (codes.len)	/* RFC 6851 4.3: COPYUID before the EXPUNGEs */
		buf_printf(out, "* OK [%s] Moved\r\n", codes.data);
	for (i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", e->box->path, e->box->msgs[idx[i]].file);
		unlink(p);
		free(p);
	}
	if (n) {
		char *cur = xasprintf("%s/cur", e->box->path);
		fsync_dir(cur);
		free(cur);
	}
	if (mstore_rescan(e->box, &ch, &err) == 0)
		imapd_report(e, &ch, out);
	imapd_reply(e, out, "OK", "MOVE completed");
	mstore_changes_free(&ch);
	buf_free(&codes);
	buf_free(&err);
	free(idx);
}

void imapd_cmd_expunge(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_seqset s = { NULL, 0 };
	struct mstore_changes ch = { 0 };
	struct buf err = BUF_INIT;
	uint32_t *uids = NULL;
	size_t n = 0, i, *idx;

	if (uid && !imapd_set_arg(e, out, true, &s))
		return;
	if (!imapd_at_end(&e->cmd)) {
		imapd_reply(e, out, "BAD", "EXPUNGE takes no arguments");
		free(s.r);
		return;
	}
	if (e->box->readonly) {
		imapd_reply(e, out, "NO", "[READ-ONLY] Mailbox is read-only");
		free(s.r);
		return;
	}
	if (uid) {	/* RFC 4315 2.1: only these UIDs */
		idx = imapd_msgs(e, &s, true, &n);
		uids = xcalloc(n + 1, sizeof(uint32_t));
		for (i = 0; i < n; i++)
			uids[i] = e->box->msgs[idx[i]].uid;
		free(idx);
	}
	if (mstore_expunge(e->box, uid ? uids : NULL, n, &ch, &err) < 0)
		imapd_reply(e, out, "NO", "[SERVERBUG] %s", buf_cstr(&err));
	else {
		imapd_report(e, &ch, out);
		imapd_reply(e, out, "OK", "EXPUNGE completed");
	}
	mstore_changes_free(&ch);
	buf_free(&err);
	free(uids);
	free(s.r);
}
