/* mimeview_part.c - one part of a message by its IMAP number (RFC 3501
 * 6.4.5): its decoded octets, saved without overwriting, or the mailcap
 * command that views it; and the life cycle of a struct mimeview. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "mimeguard.h"
#include "mimeview_int.h"
#include "xalloc.h"

static struct mailmime *find_node(struct mailmime *m, const char *id, const char *target);

/* find_children - the part numbered target among the children of m */
static struct mailmime *find_children(struct mailmime *m, const char *id, const char *target)
{
	clistiter *c;
	int n = 0;

	for (c = clist_begin(m->mm_data.mm_multipart.mm_mp_list); c; c = clist_next(c)) {
		char *cid = *id ? xasprintf("%s.%d", id, ++n) : xasprintf("%d", ++n);
		size_t l = strlen(cid);
		struct mailmime *r = NULL;

		if (strncmp(target, cid, l) == 0 && (target[l] == '\0' || target[l] == '.'))
			r = find_node(clist_content(c), cid, target);
		free(cid);
		if (r)
			return r;
	}
	return NULL;
}

/* find_body - the part numbered target in a message body numbered id */
static struct mailmime *find_body(struct mailmime *body, const char *id, const char *target)
{
	struct mailmime *r;
	char *cid;

	if (!body)
		return NULL;
	if (body->mm_type == MAILMIME_MULTIPLE)
		return find_children(body, id, target);
	cid = *id ? xasprintf("%s.1", id) : xstrdup("1");
	r = find_node(body, cid, target);
	free(cid);
	return r;
}

static struct mailmime *find_node(struct mailmime *m, const char *id, const char *target)
{
	if (strcmp(id, target) == 0)
		return m;
	if (m->mm_type == MAILMIME_MULTIPLE)
		return find_children(m, id, target);
	if (m->mm_type == MAILMIME_MESSAGE)
		return find_body(m->mm_data.mm_message.mm_msg_mime, id, target);
	return NULL;
}

bool mimeview_part_data(const char *data, size_t len, const char *id, struct buf *out)
{
	struct mailmime *top = NULL, *m;
	bool ok = false;
	char *scan;

	if (!id || !*id)
		return false;
	scan = mimeguard_flatten(data, len);	/* libetpan's tree points into it */
	if (mv_mime_parse(scan, len, &top) <= 0) {
		if (scan != data)
			free(scan);
		return false;
	}
	m = top->mm_type == MAILMIME_MESSAGE ? find_body(top->mm_data.mm_message.mm_msg_mime, "", id)
		: find_node(top, "1", id);
	if (m && m->mm_type != MAILMIME_MULTIPLE)
		ok = mv_decode(m, out);
	mailmime_free(top);
	if (scan != data)
		free(scan);
	return ok;
}

bool mimeview_part_text(const char *data, size_t len, const struct mimeview_part *pt,
			struct buf *out)
{
	struct buf raw = BUF_INIT;
	bool ok = mimeview_part_data(data, len, pt->id, &raw);

	if (ok)
		mv_to_utf8(out, raw.data ? raw.data : "", raw.len, pt->charset);
	buf_free(&raw);
	return ok;
}

int mimeview_part_save(const char *data, size_t len, const char *id, const char *dest)
{
	struct buf b = BUF_INIT;
	int fd, err = 0;

	if (!mimeview_part_data(data, len, id, &b))
		return -ENOENT;
	/* never overwrite: the name may come from the message */
	fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		buf_free(&b);
		return err;
	}
	if (write_all(fd, b.data ? b.data : "", b.len) < 0 || fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && fsync_parent(dest) < 0)
		err = -errno;
	if (err)
		unlink(dest);
	buf_free(&b);
	return err;
}

char *mimeview_part_view_command(const char *type, const char *file, const struct mimeview_opts *o)
{
	const char *params[32] = { 0 };
	char *t = xstrdup(type), *p, *cmd = NULL, *save = NULL;
	const struct mailcap_entry *en;
	struct mailcap *mc;
	size_t n = 0;

	/* "text/plain; charset=iso-8859-2": the parameters for %{name} */
	p = strtok_r(t, ";", &save);
	for (char *q = p; q && *q; q++)
		*q = (char)tolower((unsigned char)*q);
	while ((p = strtok_r(NULL, ";", &save)) && n + 2 < 32) {
		char *eq = strchr(p, '=');
		while (*p == ' ' || *p == '\t')
			p++;
		if (!eq)
			continue;
		*eq = '\0';
		params[n++] = p;
		params[n++] = eq + 1;
	}
	mc = mailcap_load(o ? o->mailcap_path : NULL);
	en = mailcap_find(mc, t, false, !(o && o->no_external));
	if (en)
		cmd = mailcap_command(en->view, t, file, params);
	mailcap_free(mc);
	free(t);
	return cmd;
}

struct mimeview *mimeview_open(const char *path, const struct mimeview_opts *o, struct buf *err)
{
	struct mimeview *mv;
	size_t len;
	char *data = read_file(path, &len);

	if (!data) {
		if (err)
			buf_printf(err, _("cannot read %s: %s"), path, strerror(errno));
		return NULL;
	}
	mv = mimeview_parse(data, len, o);
	free(data);
	return mv;
}

void mimeview_free(struct mimeview *mv)
{
	size_t i;

	if (!mv)
		return;
	free(mv->from);
	free(mv->to);
	free(mv->cc);
	free(mv->subject);
	free(mv->date);
	free(mv->message_id);
	for (i = 0; i < mv->nparts; i++) {
		free(mv->parts[i].id);
		free(mv->parts[i].type);
		free(mv->parts[i].filename);
		free(mv->parts[i].charset);
		free(mv->parts[i].description);
	}
	free(mv->parts);
	for (i = 0; i < mv->nlines; i++)
		free(mv->lines[i].text);
	free(mv->lines);
	free(mv);
}
