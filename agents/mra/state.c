/* state.c - what has been fetched, journaled under DATA_DIR/mra/ACCOUNT/ so
 * that a kill -9 anywhere is followed by a fetch that delivers each message
 * exactly once.  A message is journaled right after poczta-mda made it
 * durable; a crash between the two is covered by the delivery id, which
 * makes the MDA's second delivery of the same message a no-op. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "crashpoint.h"
#include "fsutil.h"
#include "msg.h"
#include "mra.h"
#include "strlist.h"
#include "xalloc.h"

/* mra_state_path - DATA_DIR/mra/ACCOUNT/KIND[.FOLDER], the folder name
 * hex-encoded where it is not a plain word; the directory is made */
char *mra_state_path(struct mra *m, const struct mra_account *a, const char *kind,
		     const char *folder)
{
	struct buf b = BUF_INIT;
	const char *p;

	buf_printf(&b, "%s/%s", m->state_dir, a->name);
	if (mkdir_p(b.data, 0700) < 0) {
		buf_free(&b);
		return NULL;
	}
	buf_printf(&b, "/%s", kind);
	if (folder) {
		buf_putc(&b, '.');
		for (p = folder; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
				buf_putc(&b, *p);
			else
				buf_printf(&b, "%%%02X", (unsigned char)*p);
		}
	}
	return buf_detach(&b);
}

/* The IMAP journal is lines "uidvalidity V", "last U", "sent U" (written
 * before a fetch hands anything to the MDA: no UID above it ever was, so
 * poczta-mda need not look for an earlier copy of it: XFRESH) and
 * "modseq M", the last of each counting, and "refused U" for each message poczta-mda
 * refused for good (5xx): it stays on the server and is not fetched again.  A fetch appends "last U" after each message (one
 * fdatasync), and the file is rewritten whole (atomic_write_file) when a
 * folder is done.  A line cut by a crash has no newline and is ignored. */
int mra_imap_state_load(const char *path, struct mra_imap_state *st)
{
	char *s = read_file(path, NULL), *p, *nl;

	memset(st, 0, sizeof(*st));
	if (s == NULL)
		return errno == ENOENT ? 0 : -1;
	for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (strncmp(p, "uidvalidity ", 12) == 0)
			st->uidvalidity = strtoul(p + 12, NULL, 10);
		else if (strncmp(p, "last ", 5) == 0)
			st->last = strtoul(p + 5, NULL, 10);
		else if (strncmp(p, "sent ", 5) == 0)
			st->sent = strtoul(p + 5, NULL, 10);
		else if (strncmp(p, "modseq ", 7) == 0)
			st->modseq = strtoull(p + 7, NULL, 10);
		else if (strncmp(p, "refused ", 8) == 0) {
			st->refused = xreallocarray(st->refused, st->nrefused + 1,
						    sizeof(*st->refused));
			st->refused[st->nrefused++] = strtoul(p + 8, NULL, 10);
		}
	}
	free(s);
	return 0;
}

int mra_imap_state_save(const char *path, const struct mra_imap_state *st)
{
	struct buf b = BUF_INIT;
	size_t i;
	int rc;

	buf_printf(&b, "uidvalidity %lu\nlast %lu\nsent %lu\nmodseq %llu\n", st->uidvalidity,
		   st->last, st->sent, st->modseq);
	for (i = 0; i < st->nrefused; i++)
		buf_printf(&b, "refused %lu\n", st->refused[i]);
	rc = atomic_write_file(path, b.data, b.len, 0600);
	buf_free(&b);
	return rc;
}

void mra_imap_state_free(struct mra_imap_state *st)
{
	x_free(&st->refused);
	st->nrefused = 0;
}

/* state_line - append one journal line (made by mra_imap_state_save) */
static int state_line(const char *path, const char *key, unsigned long v)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC), rc;
	char line[40];
	int n = snprintf(line, sizeof(line), "%s %lu\n", key, v);

	if (fd < 0)
		return -1;	/* made by mra_imap_state_save at the start */
	rc = write_all(fd, line, (size_t)n);
	close(fd);
	return rc;
}

int mra_imap_state_append(const char *path, unsigned long last)
{
	return state_line(path, "last", last);
}

int mra_imap_state_refuse(const char *path, struct mra_imap_state *st, unsigned long uid)
{
	st->refused = xreallocarray(st->refused, st->nrefused + 1, sizeof(*st->refused));
	st->refused[st->nrefused++] = uid;
	return state_line(path, "refused", uid);
}

int mra_imap_state_sync(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fdatasync(fd);
	close(fd);
	return rc;
}

char **mra_uidl_load(const char *path)
{
	char **list = xcalloc(1, sizeof(char *)), *s = read_file(path, NULL), *p, *nl;

	if (s == NULL)
		return list;
	/* a line without its newline was cut by a crash: not journaled */
	for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (*p)
			list = strlist_add(list, p);
	}
	free(s);
	return list;
}

int mra_uidl_append(const char *path, const char *uidl, bool sync)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600), rc;
	char *line;

	if (fd < 0)
		return -1;
	line = xasprintf("%s\n", uidl);
	rc = write_all(fd, line, strlen(line));
	crash_point("mra-journal-written");
	if (rc == 0 && sync)
		rc = fsync(fd);
	free(line);
	close(fd);
	return rc;
}

int mra_uidl_sync(const char *path)
{
	return mra_imap_state_sync(path);
}

int mra_uidl_rewrite(const char *path, char *const *uidls)
{
	struct buf b = BUF_INIT;
	int rc;

	for (; *uidls; uidls++)
		buf_printf(&b, "%s\n", *uidls);
	rc = atomic_write_file(path, b.data ? b.data : "", b.len, 0600);
	buf_free(&b);
	return rc;
}

char **mra_ids_load(const char *path)
{
	return mra_uidl_load(path);
}

/* mra_ids_append - no fsync: these only spare duplicates after a rare
 * UIDVALIDITY change, and a lost tail costs a duplicate, never a message */
void mra_ids_append(const char *path, const char *message_id)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	char *line;

	if (fd < 0)
		return;
	line = xasprintf("%s\n", message_id);
	if (write_all(fd, line, strlen(line)) < 0)
		msg_warn("write %s", path);
	free(line);
	close(fd);
}

void mra_ids_prune(const char *path, size_t keep_last)
{
	char **ids = mra_uidl_load(path);
	size_t n = strlist_len(ids);

	/* rewritten only once it has grown to twice the bound, not each time */
	if (n > 2 * keep_last && mra_uidl_rewrite(path, ids + (n - keep_last)) < 0)
		msg_warn("write %s", path);
	strlist_free(ids);
}

/* mra_lock - the account's lock (DATA_DIR/mra/NAME/lock, flock): one
 * poczta-mra at a time per account, so that a cron fetch and a watcher do
 * not fetch the same message side by side.  The fd, -1 with errno
 * EWOULDBLOCK when another one holds it */
int mra_lock(struct mra *m, const struct mra_account *a)
{
	char *path = mra_state_path(m, a, "lock", NULL);
	int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;

	free(path);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
