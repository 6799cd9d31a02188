/* flags.c - two-way flag sync for IMAP accounts with sync_flags = yes: mail
 * read or flagged here is marked \Seen or \Flagged on the server, and the
 * server's \Seen and \Flagged reach the local copy.  Flags are merged as a
 * union (a flag is never taken away), and a message trashed here (Maildir
 * flag T) is flagged \Deleted and expunged on the server.
 *
 * The local copy of UID u is the file the MDA named after its delivery id,
 * "ID.R<hash>,S=..,W=..[:2,FLAGS]" in new/ or cur/ of the user's Maildir
 * (INBOX; a copy Sieve filed elsewhere is not followed). */
#include <dirent.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libetpan/libetpan.h>
#include "fsutil.h"
#include "i18n.h"
#include "msg.h"
#include "mra.h"
#include "settings.h"
#include "xalloc.h"

/* The local flags of one fetched message. */
struct flag_file {
	uint32_t uid;
	char *path;		/* its file now */
	char flags[16];		/* Maildir info flags, sorted: D F P R S T */
};

/* flags_maildir - the Maildir the MDA delivers this account's mail to;
 * newly allocated */
char *mra_flags_maildir(const struct conf *c, const struct mra_account *a)
{
	const char *u = a->local_user ? a->local_user : conf_get(c, "global", NULL, "user");
	char *user, *path;

	if (u == NULL) {
		struct passwd *pw = getpwuid(getuid());
		u = pw ? pw->pw_name : "root";
	}
	user = xstrndup(u, strcspn(u, "@"));
	path = settings_user_path(c, "mda", "maildir", user);
	free(user);
	return path;
}

/* flags_scan_dir - the files of dir whose names start with prefix: UID and
 * flags */
static void flags_scan_dir(const char *dir, const char *prefix, struct flag_file **out,
			   size_t *n)
{
	size_t plen = strlen(prefix);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		const char *info;
		char *end;
		unsigned long uid;
		struct flag_file *f;
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		uid = strtoul(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || strncmp(end, ".R", 2) != 0 || uid == 0 ||
		    uid > UINT32_MAX)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		f = &(*out)[(*n)++];
		memset(f, 0, sizeof(*f));
		f->uid = (uint32_t)uid;
		f->path = xasprintf("%s/%s", dir, e->d_name);
		info = strstr(e->d_name, ":2,");
		if (info)
			snprintf(f->flags, sizeof(f->flags), "%s", info + 3);
	}
	if (d)
		closedir(d);
}

/* flags_add - flags with the letters of more added, kept sorted (the
 * Maildir spec: in ASCII order) */
static void flags_add(char *flags, size_t size, const char *more)
{
	char all[128] = { 0 };
	const char *p;
	size_t n = 0;
	int c;

	for (p = flags; *p; p++)
		all[(unsigned char)*p & 127] = 1;
	for (p = more; *p; p++)
		all[(unsigned char)*p & 127] = 1;
	for (c = 'A'; c <= 'z' && n + 1 < size; c++)
		if (all[c])
			flags[n++] = (char)c;
	flags[n] = '\0';
}

/* flags_rename - give the local file the flags f->flags plus more (into
 * cur/, as a message seen by a reader) */
static void flags_rename(struct flag_file *f, const char *maildir, const char *more)
{
	char flags[16], *base, *to;
	const char *name = strrchr(f->path, '/') + 1;
	size_t keep = strcspn(name, ":");

	snprintf(flags, sizeof(flags), "%s", f->flags);
	flags_add(flags, sizeof(flags), more);
	if (strcmp(flags, f->flags) == 0)
		return;
	base = xstrndup(name, keep);
	to = xasprintf("%s/cur/%s:2,%s", maildir, base, flags);
	if (rename(f->path, to) == 0) {
		fsync_parent(to);
		free(f->path);
		f->path = to;
		snprintf(f->flags, sizeof(f->flags), "%s", flags);
	} else {
		msg_warn("rename %s", f->path);
		free(to);
	}
	free(base);
}

/* flags_store - UID STORE +FLAGS.SILENT (flag) for the local files that
 * carry letter; a trashed one (T, \Deleted) is expunged too (RFC 4315
 * UID EXPUNGE: only those) */
static int flags_store(mailimap *imap, struct flag_file *files, size_t n, char letter,
		       struct mailimap_flag *(*make)(void))
{
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_flag_list *fl;
	struct mailimap_store_att_flags *sf;
	size_t i, count = 0;
	int r = MAILIMAP_NO_ERROR;

	for (i = 0; i < n; i++)
		if (strchr(files[i].flags, letter))
			mailimap_set_add_single(set, files[i].uid), count++;
	if (count > 0) {
		fl = mailimap_flag_list_new_empty();
		mailimap_flag_list_add(fl, make());
		sf = mailimap_store_att_flags_new_add_flags_silent(fl);
		r = mailimap_uid_store(imap, set, sf);
		mailimap_store_att_flags_free(sf);
		if (r == MAILIMAP_NO_ERROR && letter == 'T' && mailimap_has_uidplus(imap))
			r = mailimap_uid_expunge(imap, set);
	}
	mailimap_set_free(set);
	return r;
}

/* flags_remote - the server's \Seen and \Flagged of UIDs 1..last, onto
 * the local files; with changedsince (RFC 7162 3.1.4, the folder's
 * HIGHESTMODSEQ at the last sync), only those of messages changed since */
static int flags_remote(mailimap *imap, uint32_t last, uint64_t changedsince,
			struct flag_file *files, size_t n, const char *maildir)
{
	struct mailimap_set *set = mailimap_set_new_interval(1, last);
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *res = NULL;
	clistiter *it, *jt, *kt;
	size_t i;
	int r;

	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
	r = changedsince ? mailimap_uid_fetch_changedsince(imap, set, ft, changedsince, &res) :
	    mailimap_uid_fetch(imap, set, ft, &res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	for (it = clist_begin(res); it; it = clist_next(it)) {
		struct mailimap_msg_att *ma = clist_content(it);
		uint32_t uid = 0;
		char more[4] = "";
		for (jt = clist_begin(ma->att_list); jt; jt = clist_next(jt)) {
			struct mailimap_msg_att_item *item = clist_content(jt);
			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID)
				uid = item->att_data.att_static->att_data.att_uid;
			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_DYNAMIC ||
			    item->att_data.att_dyn->att_list == NULL)
				continue;
			for (kt = clist_begin(item->att_data.att_dyn->att_list); kt; kt = clist_next(kt)) {
				struct mailimap_flag_fetch *ff = clist_content(kt);
				if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER || ff->fl_flag == NULL)
					continue;
				if (ff->fl_flag->fl_type == MAILIMAP_FLAG_SEEN)
					strcat(more, "S");
				else if (ff->fl_flag->fl_type == MAILIMAP_FLAG_FLAGGED)
					strcat(more, "F");
			}
		}
		for (i = 0; i < n && *more; i++)
			if (files[i].uid == uid)
				flags_rename(&files[i], maildir, more);
	}
	mailimap_fetch_list_free(res);
	return MAILIMAP_NO_ERROR;
}

int mra_flags_sync(struct mra *m, const struct mra_account *a, mailimap *imap,
		   const char *id_base, uint32_t last, uint64_t changedsince, struct buf *err)
{
	char *maildir = mra_flags_maildir(m->conf, a), *dir, *prefix;
	struct flag_file *files = NULL;
	size_t n = 0, i;
	int r = MAILIMAP_NO_ERROR;

	if (maildir == NULL || last == 0) {
		free(maildir);
		return 0;
	}
	prefix = xasprintf("%s.", id_base);
	dir = xasprintf("%s/cur", maildir);
	flags_scan_dir(dir, prefix, &files, &n);
	free(dir);
	/* RFC 3501 6.4.6: here to there first, then there to here */
	r = flags_store(imap, files, n, 'S', mailimap_flag_new_seen);
	if (r == MAILIMAP_NO_ERROR)
		r = flags_store(imap, files, n, 'F', mailimap_flag_new_flagged);
	if (r == MAILIMAP_NO_ERROR)
		r = flags_store(imap, files, n, 'T', mailimap_flag_new_deleted);
	dir = xasprintf("%s/new", maildir);
	flags_scan_dir(dir, prefix, &files, &n);
	free(dir);
	if (r == MAILIMAP_NO_ERROR)
		r = flags_remote(imap, last, changedsince, files, n, maildir);
	for (i = 0; i < n; i++)
		free(files[i].path);
	free(files);
	free(prefix);
	free(maildir);
	if (r != MAILIMAP_NO_ERROR) {
		buf_printf(err, _("flag sync: %s"), imap->imap_response ? imap->imap_response :
			   _("failed"));
		return -1;
	}
	return 0;
}
