/* composer.c - the client's side of writing mail, with no curses in it
 * (composer.h). */
#include <dirent.h>
#include <errno.h>
#include <notmuch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "composer.h"
#include "dsn.h"
#include "fsutil.h"
#include "i18n.h"
#include "index.h"
#include "maildir.h"
#include "progpath.h"
#include "strlist.h"
#include "xalloc.h"

char *composer_signature(const char *path)
{
	size_t len;
	char *text = path ? read_file(path, &len) : NULL, *out;
	const char *p = text;

	if (text == NULL)
		return NULL;
	if (strncmp(p, "-- \n", 4) == 0)	/* the separator is compose_new's */
		p += 4;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	out = xstrndup(p, len);
	free(text);
	return out;
}

void composer_opts(struct compose_opts *o, const struct client_config *cfg, const char *signature)
{
	memset(o, 0, sizeof(*o));
	o->from = cfg->from;
	o->alternates = cfg->alternates;
	o->signature = signature;
	o->attribution = cfg->attribution;
	o->hostname = cfg->hostname;
	o->now = time(NULL);
}

char **composer_editor_argv(const char *setting, const char *file)
{
	const char *ed = setting;
	char **argv;

	if (ed == NULL || strspn(ed, " \t") == strlen(ed))
		ed = getenv("VISUAL");
	if (ed == NULL || strspn(ed, " \t") == strlen(ed))
		ed = getenv("EDITOR");
	if (ed == NULL || strspn(ed, " \t") == strlen(ed))
		ed = "vi";
	argv = strlist_split(ed, " \t");
	return strlist_add(argv, file);
}

int composer_tmp(const char *text, size_t len, char **path, struct buf *err)
{
	const char *dir = getenv("TMPDIR");
	char *p;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	p = xasprintf("%s/poczta-compose.XXXXXX", dir);
	fd = mkstemp(p);	/* 0600, O_EXCL */
	if (fd < 0 || write_all(fd, text, len) < 0) {
		buf_printf(err, _("cannot write %s: %s"), p, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(p);
		}
		free(p);
		return -1;
	}
	close(fd);
	*path = p;
	return 0;
}

int composer_run(char *const *argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int composer_draft_save(const char *root, const char *folder, const char *spool,
			const char *msg, size_t len, char **final, struct buf *err)
{
	struct maildir_tmp t;
	struct dsn d;
	char *dir = maildir_folder_path(root, folder, true, &d);
	char *tags[] = { "draft", NULL };
	int r = -1;

	if (dir == NULL) {
		buf_printf(err, "%s: %s", folder, d.text);
		return -1;
	}
	if (maildir_tmp_open(&t, dir, &d) < 0) {
		buf_printf(err, "%s", d.text);
		free(dir);
		return -1;
	}
	if (maildir_tmp_write(&t, msg, len, &d) == 0 && maildir_tmp_sync(&t, &d) == 0 &&
	    maildir_tmp_link(&t, dir, "DS", final, &d) == 0)	/* Maildir flags D, S */
		r = 0;
	else
		buf_printf(err, "%s", d.text);
	maildir_tmp_close(&t);
	free(dir);
	if (r == 0 && spool) {	/* the index learns of it as of delivered mail */
		char *indexer = progpath_find("poczta-index");
		if (index_enqueue(spool, root, *final, tags) == 0 && indexer)
			index_kick(spool, 0, indexer);
		free(indexer);
	}
	return r;
}

struct composer_file {
	char *path;
	time_t mtime;
};

static int composer_newest_first(const void *a, const void *b)
{
	const struct composer_file *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(y->path, x->path);
}

char **composer_draft_list(const char *root, const char *folder)
{
	static const char *const subs[] = { "cur", "new" };
	struct composer_file *f = NULL;
	size_t n = 0, i;
	struct dsn d;
	char *dir = maildir_folder_path(root, folder, false, &d), **out;

	for (i = 0; dir && i < 2; i++) {
		char *sub = xasprintf("%s/%s", dir, subs[i]);
		DIR *dp = opendir(sub);
		struct dirent *de;
		struct stat st;

		while (dp && (de = readdir(dp)) != NULL) {
			char *p;
			if (de->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", sub, de->d_name);
			if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			f = xreallocarray(f, n + 1, sizeof(*f));
			f[n].path = p;
			f[n++].mtime = st.st_mtime;
		}
		if (dp)
			closedir(dp);
		free(sub);
	}
	free(dir);
	if (n)
		qsort(f, n, sizeof(*f), composer_newest_first);
	out = xcalloc(n + 1, sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = f[i].path;
	free(f);
	return out;
}

/* composer_unindex - take path out of root's notmuch index (a draft that
 * was sent or postponed again); the index is busy only for a moment while
 * the indexer writes, so a few tries */
static void composer_unindex(const char *root, const char *path)
{
	notmuch_database_t *nm = NULL;
	char *msg = NULL, *db = xasprintf("%s/.notmuch", root);
	int i;

	i = access(db, F_OK);
	free(db);
	if (i < 0)
		return;		/* no index yet */
	for (i = 0; i < 40; i++) {
		if (notmuch_database_open_with_config(root, NOTMUCH_DATABASE_MODE_READ_WRITE, "",
						      NULL, &nm, &msg) == NOTMUCH_STATUS_SUCCESS)
			break;
		free(msg);
		msg = NULL;
		nm = NULL;
		usleep(50000);
	}
	free(msg);
	if (nm == NULL)
		return;
	notmuch_database_remove_message(nm, path);
	notmuch_database_destroy(nm);
}

int composer_draft_remove(const char *root, const char *path, struct buf *err)
{
	char *dir, *slash;

	if (unlink(path) < 0 && errno != ENOENT) {
		buf_printf(err, _("cannot remove %s: %s"), path, strerror(errno));
		return -1;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		fsync_dir(dir);
	}
	free(dir);
	composer_unindex(root, path);
	return 0;
}
