/* deliver.c - one staged message to one recipient: loop check, Sieve, one
 * Maildir tmp file linked into every folder the filter chose, index notes.
 * "Delivered" is said only once every link and its directory are fsync'ed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "crashpoint.h"
#include "fsutil.h"
#include "index.h"
#include "maildir.h"
#include "mda.h"
#include "msg.h"
#include "rfc5322.h"
#include "sieve.h"
#include "strlist.h"
#include "xalloc.h"

#define MDA_CHUNK (256 * 1024)

/* One place the message goes. */
struct target {
	char *folder;		/* NULL: INBOX */
	char *flags;		/* Maildir info letters */
	char **keywords;	/* imap4flags that are not system flags: notmuch tags */
	int line;		/* the Sieve rule, 0 for none */
};

struct plan {
	struct target *t;
	size_t n;
	char **redirects;	/* addresses */
	int discard_line;
};

static void plan_add(struct plan *p, const char *folder, char *const *flags, int line)
{
	struct target *t;
	char *const *f;

	p->t = xreallocarray(p->t, p->n + 1, sizeof(*p->t));
	t = &p->t[p->n++];
	t->folder = folder ? xstrdup(folder) : NULL;
	t->flags = maildir_flags(flags);
	t->keywords = xcalloc(1, sizeof(char *));
	for (f = flags; f && *f; f++)
		if (**f != '\\')
			t->keywords = strlist_add(t->keywords, *f);
	t->line = line;
}

static void plan_free(struct plan *p)
{
	size_t i;
	for (i = 0; i < p->n; i++) {
		free(p->t[i].folder);
		free(p->t[i].flags);
		strlist_free(p->t[i].keywords);
	}
	free(p->t);
	strlist_free(p->redirects);
}

/* mda_script - the compiled script at path, cached for the next recipient;
 * NULL (logged) when it does not compile */
static struct sieve_script *mda_script(struct mda *m, const char *path)
{
	struct sieve_error err;
	size_t len;
	char *text;

	if (m->cached_path && strcmp(m->cached_path, path) == 0)
		return m->cached_script;
	sieve_free(m->cached_script);
	x_free(&m->cached_path);
	m->cached_script = NULL;
	text = read_file(path, &len);
	if (text == NULL) {
		msg_warn("sieve=%s cannot be read, keeping mail in INBOX", path);
		return NULL;
	}
	m->cached_script = sieve_compile(text, len, &err);
	free(text);
	if (m->cached_script == NULL)
		msg_warnx("sieve=%s line=%d column=%d error=\"%s\": script does not compile, "
			  "keeping mail in INBOX", path, err.line, err.column, err.message);
	else
		m->cached_path = xstrdup(path);
	return m->cached_script;
}

/* mda_plan - where the message goes for this recipient, as Sieve decides */
static void mda_plan(struct mda *m, struct mda_stage *s, const char *sender,
		     const struct mda_rcpt *r, struct plan *p)
{
	struct sieve_script *script = r->sieve ? mda_script(m, r->sieve) : NULL;
	struct sieve_message sm = { s->data, (size_t)s->size, sender, r->address };
	struct sieve_result res;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->redirects = xcalloc(1, sizeof(char *));
	if (script == NULL) {
		plan_add(p, NULL, NULL, 0);
		return;
	}
	if (sieve_execute(script, &sm, &res) < 0)
		msg_warnx("sieve=%s to=%s error=\"%s\": keeping mail in INBOX", r->sieve,
			  r->address, res.error);
	for (i = 0; i < res.n; i++) {
		const struct sieve_action *a = &res.actions[i];
		if (a->type == SIEVE_KEEP)
			plan_add(p, NULL, a->flags, a->line);
		else if (a->type == SIEVE_FILEINTO)
			plan_add(p, a->target, a->flags, a->line);
		else if (a->type == SIEVE_REDIRECT)
			p->redirects = strlist_add(p->redirects, a->target);
		else
			p->discard_line = a->line;
	}
	sieve_result_free(&res);
}

/* mda_headers - the trace fields delivery adds (RFC 5321 4.4; Return-Path
 * and Delivered-To as Postfix's local(8) writes them) */
static void mda_headers(const struct mda *m, const struct mda_stage *s, const char *sender,
			const struct mda_rcpt *r, const char *id, struct buf *b)
{
	const char *eol = s->crlf ? "\r\n" : "\n";
	char date[64];

	buf_printf(b, "Return-Path: <%s>%s", sender, eol);
	buf_printf(b, "Delivered-To: %s%s", r->address, eol);
	if (m->via) {
		rfc5322_date(time(NULL), date, sizeof(date));
		buf_printf(b, "Received: from %s (%s)%s\tby %s (poczta-mda) with %s id %s%s"
			   "\tfor <%s>; %s%s", m->lhlo ? m->lhlo : "unknown", m->peer ? m->peer : "local",
			   eol, m->hostname, m->via, id, eol, r->address, date, eol);
	}
}

/* mda_tmp_name - the file name of a delivery poczta-mta named: its id and a
 * hash of the recipient (FNV-1a), so that the same delivery repeated after a
 * crash has the same name and is found already there; newly allocated */
static char *mda_tmp_name(const char *id, const char *rcpt)
{
	unsigned long long h = 1469598103934665603ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)rcpt; *p; p++) {
		h ^= (unsigned char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		h *= 1099511628211ULL;
	}
	return xasprintf("%s.R%016llx", id, h);
}

/* mda_write - the recipient's copy in its Maildir's tmp/, durable.  The body
 * is copied with pread from the staged file, never through its mapping, so a
 * 100 MB message needs no more memory than a small one. */
static int mda_write(struct mda *m, struct mda_stage *s, const char *sender,
		     const struct mda_rcpt *r, struct maildir_tmp *t, struct dsn *d)
{
	struct buf hdr = BUF_INIT;
	char *chunk;
	off_t off = 0;
	int rc;

	char *name = m->delivery_id ? mda_tmp_name(m->delivery_id, r->address) : NULL;

	rc = maildir_create(r->maildir, d);
	if (rc == 0)
		rc = name ? maildir_tmp_open_named(t, r->maildir, name, d) : maildir_tmp_open(t, r->maildir, d);
	free(name);
	if (rc < 0)
		return -1;
	t->defer_dir_sync = m->group_commit;
	t->fresh = name && m->delivery_fresh;
	mda_headers(m, s, sender, r, t->name, &hdr);
	rc = maildir_tmp_write(t, hdr.data, hdr.len, d);
	buf_free(&hdr);
	chunk = xmalloc(MDA_CHUNK);
	while (rc == 0 && off < s->size) {
		ssize_t n = pread(s->fd, chunk, MDA_CHUNK, off);
		if (n <= 0) {
			dsn_from_errno(d, n < 0 ? errno : EIO, "read the staged message");
			rc = -1;
			break;
		}
		rc = maildir_tmp_write(t, chunk, (size_t)n, d);
		off += n;
		crash_point("tmp-partial");
	}
	free(chunk);
	crash_point("tmp-written");
	if (rc == 0)
		rc = maildir_tmp_sync(t, d);
	crash_point("tmp-synced");
	return rc;
}

/* mda_defer_sync - remember final and its folder for mda_sync_linked */
static void mda_defer_sync(struct mda *m, const char *final)
{
	char *dir = xstrndup(final, (size_t)(strrchr(final, '/') - final));
	char **p;

	if (m->unsynced_dirs == NULL)
		m->unsynced_dirs = xcalloc(1, sizeof(char *));
	if (m->unsynced_files == NULL)
		m->unsynced_files = xcalloc(1, sizeof(char *));
	for (p = m->unsynced_dirs; *p && strcmp(*p, dir) != 0; p++)
		;
	if (*p == NULL)
		m->unsynced_dirs = strlist_add(m->unsynced_dirs, dir);
	m->unsynced_files = strlist_add(m->unsynced_files, final);
	free(dir);
}

int mda_sync_linked(struct mda *m)
{
	char **p;
	int rc = 0;

	for (p = m->unsynced_dirs; p && *p && rc == 0; p++)
		if ((rc = fsync_dir(*p)) < 0)
			msg_warn("fsync %s: the batch's deliveries are taken back", *p);
	if (m->unsynced_dirs)
		crash_point("group-synced");
	for (p = m->unsynced_files; rc < 0 && p && *p; p++)
		unlink(*p);
	strlist_free(m->unsynced_dirs);
	strlist_free(m->unsynced_files);
	m->unsynced_dirs = m->unsynced_files = NULL;
	return rc;
}

/* mda_link - link the copy into every target; the final paths go to notes */
static int mda_link(struct mda *m, struct maildir_tmp *t, const struct mda_rcpt *r,
		    struct plan *p, char ***finals, struct dsn *d)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		char *dir = maildir_folder_path(r->maildir, p->t[i].folder, true, d), *final = NULL;
		if (dir == NULL) {	/* a bad folder name: INBOX, never lost */
			msg_warnx("to=%s folder=\"%s\" error=\"%s\": delivering to INBOX instead",
				  r->address, p->t[i].folder, d->text);
			dir = xstrdup(r->maildir);
		}
		int rc = maildir_tmp_link(t, dir, p->t[i].flags, &final, d);
		if (rc == 1) {		/* delivered before a crash: not again */
			msg_info("already delivered to=%s path=%s", r->address, final);
			free(final);
			free(dir);
			continue;
		}
		if (rc < 0) {
			char **f;
			/* back to the old state: a retry must not duplicate */
			for (f = *finals; *f; f++)
				unlink(*f);
			free(dir);
			return -1;
		}
		crash_point("linked");
		*finals = strlist_add(*finals, final);
		if (m->group_commit)
			mda_defer_sync(m, final);
		msg_info("delivered to=%s folder=%s path=%s sieve_line=%d", r->address,
			 p->t[i].folder ? p->t[i].folder : "INBOX", final, p->t[i].line);
		free(final);
		free(dir);
	}
	return 0;
}

/* mda_note - ask for the new files to be indexed (never fails delivery) */
static void mda_note(struct mda *m, const struct mda_rcpt *r, struct plan *p, char **finals)
{
	size_t i;

	if (!m->index)
		return;
	for (i = 0; finals[i]; i++) {
		char **tags = xcalloc(1, sizeof(char *));
		char **k;
		for (k = m->new_tags; *k; k++)
			tags = strlist_add(tags, *k);
		for (k = p->t[i].keywords; *k; k++)
			tags = strlist_add(tags, *k);
		if (index_enqueue(m->spool, r->maildir, finals[i], tags) < 0)
			msg_warn("index note for %s (poczta-ctl reindex will find it)", finals[i]);
		strlist_free(tags);
	}
	index_kick(m->spool, m->index_ms, m->indexer);
}

/* mda_redirects - send on what Sieve redirected; a failed redirect keeps the
 * message in INBOX instead, so nothing is lost */
static void mda_redirects(struct mda *m, struct mda_stage *s, const char *sender,
			  const struct mda_rcpt *r, struct plan *p)
{
	char **to;
	struct dsn d;

	for (to = p->redirects; *to; to++) {
		if (mda_redirect(m, s, sender, r, *to, &d) == 0)
			msg_info("redirected to=%s new_to=%s", r->address, *to);
		else {
			msg_warnx("redirect to=%s new_to=%s error=\"%s\": keeping in INBOX", r->address,
				  *to, d.text);
			plan_add(p, NULL, NULL, 0);
		}
	}
}

void mda_deliver(struct mda *m, struct mda_stage *s, const char *sender,
		 const struct mda_rcpt *r, struct dsn *d)
{
	size_t hlen = rfc5322_header_end(s->data, (size_t)s->size);
	struct maildir_tmp t;
	struct plan p;
	char **finals = xcalloc(1, sizeof(char *));

	memset(&t, 0, sizeof(t));
	t.fd = -1;
	if (rfc5322_has_field_value(s->data, hlen, "Delivered-To", r->address)) {
		dsn_set(d, DSN_PERMFAIL, "5.4.6", "mail forwarding loop for %s", r->address);
		free(finals);
		return;
	}
	mda_plan(m, s, sender, r, &p);
	mda_redirects(m, s, sender, r, &p);
	if (p.n == 0) {
		dsn_ok(d, "discarded by the Sieve filter (line %d)", p.discard_line);
		msg_info("discarded to=%s sieve_line=%d", r->address, p.discard_line);
	} else if (mda_write(m, s, sender, r, &t, d) == 0 && mda_link(m, &t, r, &p, &finals, d) == 0) {
		dsn_ok(d, "delivered to %s", r->user);
		maildir_tmp_close(&t);
		crash_point("delivered");
		mda_note(m, r, &p, finals);
	} else {
		maildir_tmp_close(&t);
		msg_warnx("to=%s status=%s dsn=%s error=\"%s\"", r->address, dsn_status_name(d->status),
			  d->code, d->text);
	}
	strlist_free(finals);
	plan_free(&p);
}
