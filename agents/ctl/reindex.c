/* reindex.c - poczta-ctl reindex: add to each user's notmuch index whatever
 * it lacks (mail delivered while indexing was off, or whose note was lost).
 * Delivery never waits on the index, so this is how the index catches up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "buf.h"
#include "ctl.h"
#include "i18n.h"
#include "index.h"
#include "settings.h"
#include "strlist.h"
#include "users.h"

#define REINDEX_USAGE "[-c FILE] reindex [USER]..."

/* reindex_user - rescan one user's Maildir; 0 or -1 (printed) */
static int reindex_user(struct ctl *ctl, const char *user, char **tags)
{
	char *maildir = settings_user_path(ctl->conf, "mda", "maildir", user);
	struct buf err = BUF_INIT;
	int n = maildir ? index_rescan(maildir, tags, &err) : -1;

	if (n < 0)
		fprintf(stderr, "poczta-ctl: %s: %s\n", user,
			maildir ? buf_cstr(&err) : _("no Maildir configured"));
	else
		printf(_("%s: %d messages added to the index of %s\n"), user, n, maildir);
	free(maildir);
	buf_free(&err);
	return n < 0 ? -1 : 0;
}

int reindex_cmd(struct ctl *ctl, int argc, char **argv)
{
	char *path;
	struct buf err = BUF_INIT;
	struct users *u;
	char **tags;
	size_t i;
	int failed = 0;

	if (argc > 1 && argv[1][0] == '-')
		return ctl_usage_error(REINDEX_USAGE, _("unknown option %s"), argv[1]);
	if (!ctl_load_conf(ctl, false))
		return EX_CONFIG;
	tags = strlist_split(conf_get(ctl->conf, "mda", NULL, "new_tags"), ",");
	for (i = 1; i < (size_t)argc; i++)
		failed |= reindex_user(ctl, argv[i], tags);
	if (argc == 1) {	/* every user in the users file */
		path = settings_users_file(ctl->conf);
		u = users_load(path, &err);
		for (i = 0; u && i < users_count(u); i++)
			failed |= reindex_user(ctl, users_at(u, i)->name, tags);
		if (u == NULL)
			fprintf(stderr, "poczta-ctl: %s\n", buf_cstr(&err));
		failed |= u == NULL;
		users_free(u);
		free(path);
	}
	strlist_free(tags);
	buf_free(&err);
	return failed ? EX_TEMPFAIL : EX_OK;
}
