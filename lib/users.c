/* users.c - the users file (users.h): load, look up, change and save.
 * Password hashing is in users_hash.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "buf.h"
#include "fsutil.h"
#include "i18n.h"
#include "users.h"
#include "xalloc.h"

#define USERS_MAX_FILE (16 * 1024 * 1024)
#define USERS_MAX_LINE 4096
#define USERS_MAX_ADDRESSES 256
#define USERS_HEADER "# poczta users: name:password-hash:address,address (see poczta-ctl(8))\n"

/* One line of the file: a user, or text kept as it was (comments, blank
 * lines, lines in error). */
struct users_line {
	char *raw;		/* NULL for a user */
	struct user user;
};

struct users {
	struct users_line *lines;
	size_t nlines;
};

/* users_bad - report "file:line: what" */
static void users_bad(struct buf *errors, const char *path, int line, const char *what)
{
	buf_printf(errors, "%s:%d: %s\n", path, line, what);
}

bool users_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > USERS_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

bool users_address_ok(const char *addr)
{
	const char *at = strrchr(addr, '@');
	const unsigned char *p;

	if (at == NULL || at == addr || at[1] == '\0' || strlen(addr) > 254)
		return false;
	for (p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == ',' || *p == ':')
			return false;
	return true;
}

/* users_hash_ok - whether h can stand in the hash field */
static bool users_hash_ok(const char *h)
{
	return strcmp(h, "*") == 0 ||
	       (strncmp(h, "$pbkdf2-sha256$", 15) == 0 && strcspn(h, ": \t\r\n") == strlen(h));
}

/* users_split_addresses - "a,b" into a NULL-terminated array; NULL if an
 * address is not valid or empty.  "" gives an empty array. */
static char **users_split_addresses(const char *s, size_t *n)
{
	char *copy = xstrdup(s), *tok = copy, *comma;
	char **v = xcalloc(1, sizeof(*v));

	for (*n = 0; *s != '\0' && tok != NULL; tok = comma ? comma + 1 : NULL) {
		if ((comma = strchr(tok, ',')) != NULL)
			*comma = '\0';
		if (!users_address_ok(tok) || *n >= USERS_MAX_ADDRESSES) {
			while (*n > 0)
				free(v[--*n]);
			free(v);
			free(copy);
			return NULL;
		}
		v = xreallocarray(v, *n + 2, sizeof(*v));
		v[(*n)++] = xstrdup(tok);
		v[*n] = NULL;
	}
	free(copy);
	return v;
}

/* users_free_user - the strings of one user */
static void users_free_user(struct user *user)
{
	size_t i;

	free(user->name);
	free(user->hash);
	for (i = 0; user->addresses && i < user->naddresses; i++)
		free(user->addresses[i]);
	free(user->addresses);
	memset(user, 0, sizeof(*user));
}

/* users_add_line - append a line; raw NULL means user (taken over) */
static void users_add_line(struct users *u, const char *raw, struct user *user)
{
	struct users_line *l;

	u->lines = xreallocarray(u->lines, u->nlines + 1, sizeof(*u->lines));
	l = &u->lines[u->nlines++];
	memset(l, 0, sizeof(*l));
	if (raw)
		l->raw = xstrdup(raw);
	else
		l->user = *user;
}

/* users_parse_fields - "name:hash[:addresses]" into user; NULL on success or
 * what is wrong */
static const char *users_parse_fields(char *s, struct user *user)
{
	char *c1 = strchr(s, ':'), *c2;

	if (c1 == NULL)
		return _("expected name:password-hash:addresses");
	*c1++ = '\0';
	if ((c2 = strchr(c1, ':')) != NULL)
		*c2++ = '\0';
	if (!users_name_ok(s))
		return _("bad user name: use a-z, 0-9 and ._- (at most 64)");
	if (!users_hash_ok(c1))
		return _("bad password hash: expected $pbkdf2-sha256$... or *");
	user->addresses = users_split_addresses(c2 ? c2 : "", &user->naddresses);
	if (user->addresses == NULL)
		return _("bad address list: expected local@domain,local@domain");
	user->name = xstrdup(s);
	user->hash = xstrdup(c1);
	return NULL;
}

/* users_conflict - why user cannot join u (name or address taken), or NULL */
static const char *users_conflict(const struct users *u, const struct user *user,
				  struct buf *why)
{
	const struct user *other;
	size_t i;

	other = users_find(u, user->name);
	if (other)
		return _("duplicate user");
	for (i = 0; i < user->naddresses; i++) {
		other = users_find_address(u, user->addresses[i]);
		if (other) {
			buf_printf(why, _("address %s already belongs to %s"),
				   user->addresses[i], other->name);
			return buf_cstr(why);
		}
	}
	return NULL;
}

/* users_parse_line - one line of the file (no newline) into u */
static void users_parse_line(struct users *u, const char *path, int lineno,
			     const char *text, size_t len, struct buf *errors)
{
	struct user user = { NULL, NULL, NULL, 0 };
	struct buf why = BUF_INIT;
	const char *bad = NULL;
	char *s = xstrndup(text, len);

	if (memchr(text, '\0', len) || len > USERS_MAX_LINE)
		bad = _("NUL byte or line too long");
	else if (s[0] != '#' && s[strspn(s, " \t")] != '\0')
		bad = users_parse_fields(s, &user);
	if (bad == NULL && user.name && (bad = users_conflict(u, &user, &why)) != NULL)
		users_free_user(&user);
	if (bad)
		users_bad(errors, path, lineno, bad);
	free(s);
	if (user.name)
		users_add_line(u, NULL, &user);
	else {
		s = xmalloc(len + 1);	/* kept as it was, NUL bytes shown as '?' */
		for (size_t i = 0; i < len; i++)
			s[i] = text[i] ? text[i] : '?';
		s[len] = '\0';
		users_add_line(u, s, NULL);
		free(s);
	}
	buf_free(&why);
}

struct users *users_new(void)
{
	return xcalloc(1, sizeof(struct users));
}

/* users_parse - the users file's text, from memory (users.h) */
struct users *users_parse(const char *name, const char *text, size_t len,
			  struct buf *errors)
{
	struct users *u = users_new();
	const char *p, *nl, *end = text + len;
	size_t n;
	int lineno = 0;

	for (p = text; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		users_parse_line(u, name, ++lineno, p, n > 0 && p[n - 1] == '\r' ? n - 1 : n, errors);
	}
	return u;
}

/* users_load - users_parse of the file at path; a missing file is empty */
struct users *users_load(const char *path, struct buf *errors)
{
	struct users *u;
	struct stat st;
	char *text;
	size_t len;

	if (stat(path, &st) < 0 && errno == ENOENT)
		return users_new();
	if ((text = read_file(path, &len)) == NULL || len > USERS_MAX_FILE) {
		buf_printf(errors, _("%s: cannot read: %s\n"), path,
			   text ? _("file too large") : strerror(errno));
		free(text);
		return NULL;
	}
	u = users_parse(path, text, len, errors);
	free(text);
	return u;
}

void users_free(struct users *u)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < u->nlines; i++) {
		free(u->lines[i].raw);
		users_free_user(&u->lines[i].user);
	}
	free(u->lines);
	free(u);
}

size_t users_count(const struct users *u)
{
	size_t i, n = 0;

	for (i = 0; i < u->nlines; i++)
		n += u->lines[i].raw == NULL;
	return n;
}

const struct user *users_at(const struct users *u, size_t idx)
{
	size_t i;

	for (i = 0; i < u->nlines; i++)
		if (u->lines[i].raw == NULL && idx-- == 0)
			return &u->lines[i].user;
	return NULL;
}

/* users_find_mut - the line of the user called name, NULL if none */
static struct user *users_find_mut(const struct users *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->nlines; i++)
		if (u->lines[i].raw == NULL && strcmp(u->lines[i].user.name, name) == 0)
			return &u->lines[i].user;
	return NULL;
}

const struct user *users_find(const struct users *u, const char *name)
{
	return users_find_mut(u, name);
}

const struct user *users_find_address(const struct users *u, const char *addr)
{
	size_t i, j;

	for (i = 0; i < u->nlines; i++) {
		const struct user *user = &u->lines[i].user;
		for (j = 0; u->lines[i].raw == NULL && j < user->naddresses; j++)
			if (strcasecmp(user->addresses[j], addr) == 0)
				return user;
	}
	return NULL;
}

/* users_check_set - why users_set(name, hash, addresses) cannot be done, or
 * true when it can */
static bool users_check_set(const struct users *u, const char *name, const char *hash,
			    const char *const *addresses, struct buf *err)
{
	const struct user *other;
	size_t i;

	if (!users_name_ok(name)) {
		buf_printf(err, _("%s: bad user name: use a-z, 0-9 and ._- (at most 64)"), name);
		return false;
	}
	if (hash && !users_hash_ok(hash)) {
		buf_printf(err, _("%s: bad password hash"), name);
		return false;
	}
	for (i = 0; addresses && addresses[i]; i++) {
		if (!users_address_ok(addresses[i])) {
			buf_printf(err, _("%s: bad address, expected local@domain"), addresses[i]);
			return false;
		}
		other = users_find_address(u, addresses[i]);
		if (other && strcmp(other->name, name) != 0) {
			buf_printf(err, _("address %s already belongs to %s"), addresses[i], other->name);
			return false;
		}
	}
	return true;
}

bool users_set(struct users *u, const char *name, const char *hash,
	       const char *const *addresses, struct buf *err)
{
	struct user *user, fresh = { NULL, NULL, NULL, 0 };
	size_t i;

	if (!users_check_set(u, name, hash, addresses, err))
		return false;
	if ((user = users_find_mut(u, name)) == NULL) {
		fresh.name = xstrdup(name);
		fresh.hash = xstrdup("*");
		fresh.addresses = xcalloc(1, sizeof(char *));
		users_add_line(u, NULL, &fresh);
		user = &u->lines[u->nlines - 1].user;
	}
	if (hash) {
		free(user->hash);
		user->hash = xstrdup(hash);
	}
	if (addresses) {
		for (i = 0; i < user->naddresses; i++)
			free(user->addresses[i]);
		for (user->naddresses = 0; addresses[user->naddresses]; user->naddresses++);
		user->addresses = xreallocarray(user->addresses, user->naddresses + 1, sizeof(char *));
		for (i = 0; i < user->naddresses; i++)
			user->addresses[i] = xstrdup(addresses[i]);
		user->addresses[i] = NULL;
	}
	return true;
}

int users_save(const struct users *u, const char *path)
{
	struct buf out = BUF_INIT;
	size_t i, j;
	int rc;

	if (u->nlines == 0 || u->lines[0].raw == NULL)
		buf_puts(&out, USERS_HEADER);
	for (i = 0; i < u->nlines; i++) {
		const struct user *user = &u->lines[i].user;
		if (u->lines[i].raw) {
			buf_printf(&out, "%s\n", u->lines[i].raw);
			continue;
		}
		buf_printf(&out, "%s:%s", user->name, user->hash);
		for (j = 0; j < user->naddresses; j++)
			buf_printf(&out, "%c%s", j ? ',' : ':', user->addresses[j]);
		buf_putc(&out, '\n');
	}
	rc = atomic_write_file(path, out.data ? out.data : "", out.len, 0600);
	buf_free(&out);
	return rc;
}
