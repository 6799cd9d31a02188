/* maildir.c - durable Maildir delivery, after OpenSMTPD's mail.maildir.c and
 * notmuch-insert.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "maildir.h"
#include "xalloc.h"

static unsigned long maildir_counter;

/* maildir_hostname - the host part of unique names, "/" and ":" escaped as the
 * Maildir spec asks; newly allocated */
static char *maildir_hostname(void)
{
	char host[256];
	struct buf b = BUF_INIT;
	const char *s;

	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (s = host; *s; s++) {
		if (*s == '/')
			buf_puts(&b, "\\057");
		else if (*s == ':')
			buf_puts(&b, "\\072");
		else
			buf_putc(&b, *s);
	}
	return buf_detach(&b);
}

char *maildir_unique(void)
{
	struct timeval tv;
	char *host = maildir_hostname();
	char *name;

	gettimeofday(&tv, NULL);
	name = xasprintf("%lld.M%ldP%ldQ%lu.%s", (long long)tv.tv_sec, (long)tv.tv_usec,
			 (long)getpid(), ++maildir_counter, host);
	free(host);
	return name;
}

/* The Maildirs this process made or found whole: six mkdir calls for each
 * message delivered were most of a delivery's system calls that fail.  One
 * is forgotten when a file cannot be created in it (someone removed it
 * meanwhile: maildir_tmp_open makes it again). */
#define MAILDIR_KNOWN_MAX 16
static char *maildir_known[MAILDIR_KNOWN_MAX];
static size_t maildir_nknown;

static size_t maildir_known_at(const char *dir)
{
	size_t i;

	for (i = 0; i < maildir_nknown && strcmp(maildir_known[i], dir) != 0; i++)
		;
	return i;
}

static void maildir_remember(const char *dir)
{
	if (maildir_nknown == MAILDIR_KNOWN_MAX)	/* many folders: start over */
		while (maildir_nknown > 0)
			free(maildir_known[--maildir_nknown]);
	maildir_known[maildir_nknown++] = xstrdup(dir);
}

/* maildir_forget - dir is not known to exist any more; whether it was */
static bool maildir_forget(const char *dir)
{
	size_t i = maildir_known_at(dir);

	if (i == maildir_nknown)
		return false;
	free(maildir_known[i]);
	maildir_known[i] = maildir_known[--maildir_nknown];
	return true;
}

/* maildir_mkdirs - DIR/cur, DIR/new, DIR/tmp */
static int maildir_mkdirs(const char *dir, struct dsn *d)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	size_t i;

	if (maildir_known_at(dir) < maildir_nknown)
		return 0;
	if (mkdir_p(dir, 0700) < 0) {
		dsn_from_errno(d, errno, "create Maildir %s", dir);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", dir, subs[i]);
		int rc = mkdir(p, 0700);
		if (rc < 0 && errno != EEXIST) {
			dsn_from_errno(d, errno, "create %s", p);
			free(p);
			return -1;
		}
		free(p);
	}
	maildir_remember(dir);
	return 0;
}

/* maildir_open_tmp - create path (O_EXCL); when its Maildir was known to
 * exist but is gone, made again first */
static int maildir_open_tmp(const char *root, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct dsn d;

	if (fd < 0 && errno == ENOENT && maildir_forget(root) && maildir_mkdirs(root, &d) == 0)
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return fd;
}

int maildir_create(const char *root, struct dsn *d)
{
	return maildir_mkdirs(root, d);
}

/* maildir_folder_ok - whether one level of a folder name may be used */
static bool maildir_part_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

/* maildir_folder_dirname - ".A.B" from "A/B" or "A.B", each level checked and
 * encoded in modified UTF-7; NULL if the name is refused */
static char *maildir_folder_dirname(const char *folder)
{
	struct buf b = BUF_INIT;
	const char *s = folder, *e;

	if (folder[0] == '/' || folder[0] == '.')
		return NULL;
	while (*s) {
		char *part, *enc;
		e = s + strcspn(s, "./");
		if (!maildir_part_ok(s, (size_t)(e - s))) {
			buf_free(&b);
			return NULL;
		}
		part = xstrndup(s, (size_t)(e - s));
		enc = maildir_mutf7_encode(part);
		free(part);
		if (enc == NULL) {
			buf_free(&b);
			return NULL;
		}
		buf_printf(&b, ".%s", enc);
		free(enc);
		s = *e ? e + 1 : e;
		if (*e && *s == '\0') {		/* trailing separator */
			buf_free(&b);
			return NULL;
		}
	}
	return buf_detach(&b);
}

char *maildir_folder_path(const char *root, const char *folder, bool create, struct dsn *d)
{
	char *dirname, *path, *marker;
	int fd;

	if (folder == NULL || *folder == '\0' || strcasecmp(folder, "INBOX") == 0)
		return xstrdup(root);
	if (strncasecmp(folder, "INBOX.", 6) == 0 || strncasecmp(folder, "INBOX/", 6) == 0)
		folder += 6;
	dirname = maildir_folder_dirname(folder);
	if (dirname == NULL) {
		dsn_set(d, DSN_PERMFAIL, "5.2.0", "bad folder name \"%s\"", folder);
		return NULL;
	}
	path = xasprintf("%s/%s", root, dirname);
	free(dirname);
	if (!create || maildir_known_at(path) < maildir_nknown)	/* made, marked */
		return path;
	if (maildir_mkdirs(path, d) < 0) {
		free(path);
		return NULL;
	}
	/* Maildir++: a subfolder carries an empty file named maildirfolder */
	marker = xasprintf("%s/maildirfolder", path);
	fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		close(fd);
	free(marker);
	return path;
}

char *maildir_flags(char *const *imap_flags)
{
	/* the Maildir spec: info letters in ASCII order */
	static const struct { const char *imap; char letter; } map[] = {
		{ "\\Draft", 'D' }, { "\\Flagged", 'F' }, { "\\Answered", 'R' },
		{ "\\Seen", 'S' }, { "\\Deleted", 'T' },
	};
	char out[8];
	size_t i, n = 0;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		char *const *f;
		for (f = imap_flags; f && *f; f++)
			if (strcasecmp(*f, map[i].imap) == 0) {
				out[n++] = map[i].letter;
				break;
			}
	}
	out[n] = '\0';
	return xstrdup(out);
}

int maildir_tmp_open(struct maildir_tmp *t, const char *root, struct dsn *d)
{
	int tries;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	for (tries = 0; tries < 10; tries++) {
		t->name = maildir_unique();
		t->path = xasprintf("%s/tmp/%s", root, t->name);
		t->fd = maildir_open_tmp(root, t->path);
		if (t->fd >= 0) {
			t->root = xstrdup(root);
			return 0;
		}
		if (errno != EEXIST)
			break;
		x_free(&t->name);
		x_free(&t->path);
	}
	dsn_from_errno(d, errno, "create %s", t->path ? t->path : root);
	x_free(&t->name);
	x_free(&t->path);
	return -1;
}

int maildir_tmp_open_named(struct maildir_tmp *t, const char *root, const char *name,
			   struct dsn *d)
{
	int tries;

	memset(t, 0, sizeof(*t));
	t->path = xasprintf("%s/tmp/%s", root, name);
	for (tries = 0; tries < 2; tries++) {
		t->fd = maildir_open_tmp(root, t->path);
		if (t->fd >= 0 || errno != EEXIST)
			break;
		unlink(t->path);	/* left by a crash in the same delivery */
	}
	if (t->fd < 0) {
		dsn_from_errno(d, errno, "create %s", t->path);
		x_free(&t->path);
		return -1;
	}
	t->name = xstrdup(name);
	t->root = xstrdup(root);
	t->fixed = true;
	return 0;
}

int maildir_tmp_write(struct maildir_tmp *t, const void *p, size_t n, struct dsn *d)
{
	const char *s = p;
	size_t i, bare = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\n' && !(i ? s[i - 1] == '\r' : t->last_cr))
			bare++;
	if (n)
		t->last_cr = s[n - 1] == '\r';
	if (write_all(t->fd, p, n) < 0) {
		dsn_from_errno(d, errno, "write %s", t->path);
		return -1;
	}
	t->size += (off_t)n;
	t->crlf_size += (off_t)(n + bare);
	return 0;
}

int maildir_tmp_sync(struct maildir_tmp *t, struct dsn *d)
{
	if (fsync(t->fd) < 0) {
		dsn_from_errno(d, errno, "fsync %s", t->path);
		return -1;
	}
	return 0;
}

/* maildir_copy_into - copy the tmp file into DIR/tmp (another file system),
 * fsync'ed; returns the copy's path or NULL */
static char *maildir_copy_into(struct maildir_tmp *t, const char *dir, struct dsn *d)
{
	struct maildir_tmp copy;
	char chunk[65536];
	off_t off = 0;
	ssize_t n;

	if (maildir_tmp_open(&copy, dir, d) < 0)
		return NULL;
	while ((n = pread(t->fd, chunk, sizeof(chunk), off)) > 0) {
		if (maildir_tmp_write(&copy, chunk, (size_t)n, d) < 0)
			goto fail;
		off += n;
	}
	if (n < 0) {
		dsn_from_errno(d, errno, "read %s", t->path);
		goto fail;
	}
	if (maildir_tmp_sync(&copy, d) < 0)
		goto fail;
	close(copy.fd);
	free(copy.root);
	free(copy.name);
	return copy.path;
fail:
	maildir_tmp_close(&copy);
	return NULL;
}

/* maildir_seen_in_cur - whether DIR/cur holds NAME,S=..,W=..:2,FLAGS for any
 * set of the standard flags: a named delivery done before a crash whose copy
 * a reader has since moved out of new/ (mutt, an IMAP client marking it
 * \Seen).  64 lookups of names that mostly do not exist, not a readdir of
 * a folder that may hold 100,000 files.  The path found, or NULL. */
static char *maildir_seen_in_cur(const struct maildir_tmp *t, const char *dir)
{
	static const char letters[] = "DFPRST";	/* the Maildir flags, in ASCII order */
	struct stat st;
	unsigned set;

	for (set = 0; set < 64; set++) {
		char flags[8], *path;
		size_t i, n = 0;

		for (i = 0; i < 6; i++)
			if (set & (1u << i))
				flags[n++] = letters[i];
		flags[n] = '\0';
		path = xasprintf("%s/cur/%s,S=%lld,W=%lld:2,%s", dir, t->name, (long long)t->size,
				 (long long)t->crlf_size, flags);
		if (lstat(path, &st) == 0)
			return path;
		free(path);
	}
	return NULL;
}

int maildir_tmp_link(struct maildir_tmp *t, const char *dir, const char *flags,
		     char **final, struct dsn *d)
{
	const char *sub = flags && *flags ? "cur" : "new";
	char *src = t->path, *dst = NULL, *subdir;
	int tries, rc = -1;

	/* this very delivery happened before, and its copy was read since */
	if (t->fixed && !t->fresh && (dst = maildir_seen_in_cur(t, dir)) != NULL) {
		rc = 1;
		goto out;
	}
	for (tries = 0; tries < 10; tries++) {
		char *name = tries ? maildir_unique() : xstrdup(t->name);
		dst = xasprintf("%s/%s/%s,S=%lld,W=%lld%s%s", dir, sub, name, (long long)t->size,
				(long long)t->crlf_size, *sub == 'c' ? ":2," : "", *sub == 'c' ? flags : "");
		free(name);
		if (link(src, dst) == 0)
			break;
		if (errno == EXDEV && src == t->path) {
			src = maildir_copy_into(t, dir, d);
			if (src == NULL)
				goto out;
			x_free(&dst);
			tries--;
			continue;
		}
		if (errno != EEXIST) {
			dsn_from_errno(d, errno, "link %s", dst);
			goto out;
		}
		if (t->fixed) {		/* this very delivery happened before */
			rc = 1;
			goto out;
		}
		x_free(&dst);
	}
	if (dst == NULL) {
		dsn_set(d, DSN_TEMPFAIL, "4.3.0", "no unique name in %s", dir);
		goto out;
	}
	rc = 0;
	if (!t->defer_dir_sync) {
		subdir = xasprintf("%s/%s", dir, sub);
		rc = fsync_dir(subdir);
		if (rc < 0)
			dsn_from_errno(d, errno, "fsync %s", subdir);
		free(subdir);
	}
out:
	if (src != t->path) {
		unlink(src);
		free(src);
	}
	if (rc >= 0 && final)
		*final = dst;
	else
		free(dst);
	return rc;
}

void maildir_tmp_close(struct maildir_tmp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->path)
		unlink(t->path);
	x_free(&t->path);
	x_free(&t->name);
	x_free(&t->root);
}

/* maildir_mutf7_b64 - append bytes of UTF-16BE in modified base64 ("," for "/") */
static void maildir_mutf7_b64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		buf_putc(b, tab[p[i] >> 2]);
		buf_putc(b, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(b, tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		buf_putc(b, tab[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_putc(b, tab[p[i] >> 2]);
		buf_putc(b, tab[(p[i] & 3) << 4]);
	} else if (n - i == 2) {
		buf_putc(b, tab[p[i] >> 2]);
		buf_putc(b, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(b, tab[(p[i + 1] & 15) << 2]);
	}
}

/* maildir_utf8_next - decode one UTF-8 sequence; returns its length, 0 if invalid */
static size_t maildir_utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t len, i;

	if (s[0] < 0x80) { *cp = s[0]; return 1; }
	if ((s[0] & 0xe0) == 0xc0) { *cp = s[0] & 0x1f; len = 2; }
	else if ((s[0] & 0xf0) == 0xe0) { *cp = s[0] & 0x0f; len = 3; }
	else if ((s[0] & 0xf8) == 0xf0) { *cp = s[0] & 0x07; len = 4; }
	else return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) ||
	    (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff)) || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

char *maildir_mutf7_encode(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	struct buf out = BUF_INIT, u16 = BUF_INIT;

	while (*s) {
		uint32_t cp;
		size_t n = maildir_utf8_next(s, &cp);
		if (n == 0) {
			buf_free(&out);
			buf_free(&u16);
			return NULL;
		}
		if (cp >= 0x20 && cp <= 0x7e) {
			if (u16.len) {		/* close a shifted run: &...- */
				buf_putc(&out, '&');
				maildir_mutf7_b64(&out, (unsigned char *)u16.data, u16.len);
				buf_putc(&out, '-');
				buf_reset(&u16);
			}
			buf_puts(&out, cp == '&' ? "&-" : (char[]){ (char)cp, 0 });
		} else if (cp < 0x10000) {
			unsigned char w[2] = { (unsigned char)(cp >> 8), (unsigned char)cp };
			buf_append(&u16, w, 2);
		} else {
			uint32_t v = cp - 0x10000;
			unsigned char w[4] = { (unsigned char)(0xd8 | (v >> 18)), (unsigned char)(v >> 10),
					       (unsigned char)(0xdc | ((v >> 8) & 3)), (unsigned char)v };
			buf_append(&u16, w, 4);
		}
		s += n;
	}
	if (u16.len) {
		buf_putc(&out, '&');
		maildir_mutf7_b64(&out, (unsigned char *)u16.data, u16.len);
		buf_putc(&out, '-');
	}
	buf_free(&u16);
	return buf_detach(&out);
}
