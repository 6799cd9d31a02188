/* usercmd.c - adduser and passwd: change the users file named by the
 * configuration, and give a new user a Maildir. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>
#include "conf.h"
#include "ctl.h"
#include "maildir.h"
#include "fsutil.h"
#include "i18n.h"
#include "settings.h"
#include "users.h"
#include "xalloc.h"

#define ADDUSER_USAGE "[-c FILE] adduser USER [--password P] [--address A]..."
#define PASSWD_USAGE "[-c FILE] passwd USER [--password P]"
#define USERCMD_MAX_PASSWORD 1024

/* What adduser or passwd was asked for. */
struct usercmd_args {
	const char *user;
	const char *password;		/* NULL: read it from stdin */
	const char **addresses;		/* NULL-terminated */
	size_t naddresses;
};

/* usercmd_read_line - one line from stdin without its newline, with echo off
 * on a terminal; newly allocated, NULL at end of input */
static char *usercmd_read_line(const char *prompt, bool tty)
{
	struct termios old, quiet;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* usercmd_password - the password from the command line or stdin (twice on
 * a terminal); newly allocated, NULL (with a message) when there is none */
static char *usercmd_password(const char *given)
{
	bool tty = isatty(0);
	char *p, *again;

	if (given)
		p = xstrdup(given);
	else if ((p = usercmd_read_line(_("New password: "), tty)) != NULL && tty) {
		again = usercmd_read_line(_("Retype it: "), tty);
		if (again == NULL || strcmp(p, again) != 0)
			x_free(&p);
		free(again);
		if (p == NULL)
			fprintf(stderr, _("poczta-ctl: the passwords differ\n"));
	}
	if (p && (*p == '\0' || strlen(p) > USERCMD_MAX_PASSWORD)) {
		fprintf(stderr, _("poczta-ctl: a password must have 1 to %d bytes\n"),
			USERCMD_MAX_PASSWORD);
		x_free(&p);
	}
	return p;
}

/* usercmd_parse - USER, --password and (for adduser) --address; the caller
 * frees a->addresses */
static int usercmd_parse(struct ctl *ctl, int argc, char **argv, bool adding,
			 struct usercmd_args *a, const char *usage)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "password", required_argument, NULL, 'p' },
		{ "address", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	a->addresses = xcalloc(1, sizeof(char *));
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (c == 'c')
			ctl_conf_option(ctl, optarg);
		else if (c == 'p')
			a->password = optarg;
		else if (c == 'a' && adding) {
			a->addresses = xreallocarray(a->addresses, a->naddresses + 2, sizeof(char *));
			a->addresses[a->naddresses++] = optarg;
			a->addresses[a->naddresses] = NULL;
		} else
			return ctl_usage_error(usage, _("unknown option"));
	}
	if (optind != argc - 1)
		return ctl_usage_error(usage, _("expected one user name"));
	a->user = argv[optind];
	if (!users_name_ok(a->user))
		return ctl_usage_error(usage, _("%s is not a user name (a-z, 0-9, ._-)"), a->user);
	return ctl_load_conf(ctl, true) ? EX_OK : EX_CONFIG;
}

/* usercmd_default_addresses - USER@DOMAIN for each local domain; newly
 * allocated strings in a NULL-terminated array */
static char **usercmd_default_addresses(struct ctl *ctl, const char *user)
{
	char **domains = settings_domains(ctl->conf);
	size_t i;

	for (i = 0; domains[i]; i++) {
		char *a = xasprintf("%s@%s", user, domains[i]);
		free(domains[i]);
		domains[i] = a;
	}
	return domains;
}

/* usercmd_save - write the users file (its folder made if need be) */
static int usercmd_save(struct users *u, const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		rc = mkdir_p(dir, 0700);
	}
	if (rc == 0)
		rc = users_save(u, path);
	if (rc < 0)
		fprintf(stderr, _("poczta-ctl: cannot write %s: %s\n"), path, strerror(errno));
	free(dir);
	return rc < 0 ? EX_CANTCREAT : EX_OK;
}

/* usercmd_load - the users file; NULL (and a message) when it cannot be read */
static struct users *usercmd_load(const char *path)
{
	struct buf errors = BUF_INIT;
	struct users *u = users_load(path, &errors);

	fputs(buf_cstr(&errors), stderr);	/* bad lines are kept as they are */
	buf_free(&errors);
	return u;
}

/* usercmd_apply - set user's hash (and addresses) and save; exit status */
static int usercmd_apply(struct ctl *ctl, const struct usercmd_args *a, bool adding)
{
	char *path = settings_users_file(ctl->conf), *password = NULL, *hash = NULL;
	char **defaults = NULL;
	struct users *u = usercmd_load(path);
	struct buf err = BUF_INIT;
	int rc = EX_OK;

	if (u == NULL)
		rc = EX_NOINPUT;
	else if (adding && users_find(u, a->user)) {
		fprintf(stderr, _("poczta-ctl: %s is already a user (see passwd)\n"), a->user);
		rc = EX_DATAERR;
	} else if (!adding && !users_find(u, a->user)) {
		fprintf(stderr, _("poczta-ctl: no user %s in %s\n"), a->user, path);
		rc = EX_NOUSER;
	} else if ((password = usercmd_password(a->password)) == NULL)
		rc = EX_DATAERR;
	if (rc == EX_OK && adding && a->naddresses == 0)
		defaults = usercmd_default_addresses(ctl, a->user);
	if (rc == EX_OK) {
		hash = users_hash_password(password);
		if (!users_set(u, a->user, hash, adding ? (defaults ? (const char **)defaults
				      : a->addresses) : NULL, &err)) {
			fprintf(stderr, "poczta-ctl: %s\n", buf_cstr(&err));
			rc = EX_DATAERR;
		} else
			rc = usercmd_save(u, path);
	}
	conf_list_free(defaults);
	x_free(&hash);
	x_free(&password);
	buf_free(&err);
	users_free(u);
	free(path);
	return rc;
}

int usercmd_adduser(struct ctl *ctl, int argc, char **argv)
{
	struct usercmd_args a = { NULL, NULL, NULL, 0 };
	struct dsn d;
	char *maildir = NULL;
	int rc = usercmd_parse(ctl, argc, argv, true, &a, ADDUSER_USAGE);

	if (rc == EX_OK)
		rc = usercmd_apply(ctl, &a, true);
	if (rc == EX_OK) {
		maildir = settings_user_path(ctl->conf, "mda", "maildir", a.user);
		if (maildir_create(maildir, &d) < 0) {
			fprintf(stderr, "poczta-ctl: %s\n", d.text);
			rc = EX_CANTCREAT;
		} else
			printf(_("poczta-ctl: added %s, Maildir %s\n"), a.user, maildir);
	}
	free(maildir);
	free(a.addresses);
	return rc;
}

int usercmd_passwd(struct ctl *ctl, int argc, char **argv)
{
	struct usercmd_args a = { NULL, NULL, NULL, 0 };
	int rc = usercmd_parse(ctl, argc, argv, false, &a, PASSWD_USAGE);

	if (rc == EX_OK)
		rc = usercmd_apply(ctl, &a, false);
	if (rc == EX_OK)
		printf(_("poczta-ctl: changed the password of %s\n"), a.user);
	free(a.addresses);
	return rc;
}
