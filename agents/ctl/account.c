/* account.c - poczta-ctl account add|list|remove: remote mailboxes for
 * poczta-mra, written into poczta.conf without editing it by hand.  The
 * file is rewritten atomically and every byte outside the account's own
 * section stays as it was. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "ctl.h"
#include "fsutil.h"
#include "i18n.h"
#include "mra_url.h"
#include "settings.h"
#include "xalloc.h"

#define ACCOUNT_USAGE "[-c FILE] account add NAME URL [--password-command CMD] " \
		      "[--ca FILE] [--pin SHA256] | account list | account remove NAME"

/* account_put - "key = value" as poczta.conf reads it: value as poczta.conf writes it: quoted (\" and \\)
 * when it has anything but plain characters */
static void account_put(struct buf *b, const char *key, const char *value)
{
	const char *p;

	if (value[strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789._@+-/:,")] == '\0') {
		buf_printf(b, "%s = %s\n", key, value);
		return;
	}
	buf_printf(b, "%s = \"", key);
	for (p = value; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *p);
	}
	buf_puts(b, "\"\n");
}

/* account_read_password - one line from stdin, echo off on a terminal;
 * newly allocated, NULL at end of input */
static char *account_read_password(void)
{
	bool tty = isatty(0);
	struct termios old, quiet;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fputs(_("Password: "), stderr);
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
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* account_password_path - DATA_DIR/passwords/NAME; newly allocated */
static char *account_password_path(struct ctl *ctl, const char *name)
{
	char *data = settings_data_dir(ctl->conf), *p = xasprintf("%s/passwords/%s", data, name);

	free(data);
	return p;
}

/* account_write_conf - replace the configuration with text, after checking
 * that it loads without errors; keeps the file's mode */
static int account_write_conf(struct ctl *ctl, const struct buf *text)
{
	const char *path = conf_path(ctl->conf);
	struct buf errors = BUF_INIT;
	struct conf *check = conf_parse(path, text->data, text->len, poczta_conf_schema, &errors);
	struct stat st;
	int rc = EX_OK;

	if (check == NULL || conf_error_count(check) > 0) {
		fprintf(stderr, "%s", buf_cstr(&errors));
		rc = EX_DATAERR;
	} else if (atomic_write_file(path, text->data, text->len,
				     stat(path, &st) == 0 ? st.st_mode & 07777 : 0644) < 0) {
		fprintf(stderr, _("poczta-ctl: cannot write %s: %s\n"), path, strerror(errno));
		rc = EX_CANTCREAT;
	}
	conf_free(check);
	buf_free(&errors);
	return rc;
}

/* account_exists - whether [account name] is in the configuration */
static bool account_exists(struct ctl *ctl, const char *name)
{
	size_t i, n = conf_count(ctl->conf, "account");

	for (i = 0; i < n; i++)
		if (strcmp(conf_name(ctl->conf, "account", i), name) == 0)
			return true;
	return false;
}

/* account_store_password - the password from stdin into a file only the
 * user can read; its path, newly allocated, or NULL */
static char *account_store_password(struct ctl *ctl, const char *name)
{
	char *pw = account_read_password(), *path = account_password_path(ctl, name), *dir;
	int rc;

	if (pw == NULL || *pw == '\0') {
		fprintf(stderr, _("poczta-ctl: no password on standard input\n"));
		free(pw), free(path);
		return NULL;
	}
	dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	rc = mkdir_p(dir, 0700) == 0 && chmod(dir, 0700) == 0 ? 0 : -1;
	if (rc == 0) {
		char *line = xasprintf("%s\n", pw);
		rc = atomic_write_file(path, line, strlen(line), 0600);
		explicit_bzero(line, strlen(line));
		free(line);
	}
	explicit_bzero(pw, strlen(pw));
	free(pw);
	free(dir);
	if (rc < 0) {
		fprintf(stderr, _("poczta-ctl: cannot write %s: %s\n"), path, strerror(errno));
		x_free(&path);
	}
	return path;
}

/* account_add - add [account NAME] from URL and options */
static int account_add(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-command", required_argument, NULL, 'p' },
		{ "ca", required_argument, NULL, 'a' }, { "pin", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	const char *command = NULL, *ca = NULL, *pin = NULL, *name, *url;
	struct mra_url u;
	struct buf err = BUF_INIT, text = BUF_INIT;
	char *old, *pwfile = NULL, cafull[4096];
	size_t len;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p') command = optarg;
		else if (c == 'a') ca = optarg;
		else if (c == 'P') pin = optarg;
		else return ctl_usage_error(ACCOUNT_USAGE, _("unknown option"));
	}
	if (argc - optind != 2)
		return ctl_usage_error(ACCOUNT_USAGE, _("account add takes NAME and URL"));
	name = argv[optind], url = argv[optind + 1];
	if (!mra_url_parse(url, &u, &err)) {
		fprintf(stderr, "poczta-ctl: %s: %s\n", url, buf_cstr(&err));
		mra_url_free(&u), buf_free(&err);
		return EX_USAGE;
	}
	if (account_exists(ctl, name)) {
		fprintf(stderr, _("poczta-ctl: account %s exists already\n"), name);
		mra_url_free(&u);
		return EX_DATAERR;
	}
	old = read_file(conf_path(ctl->conf), &len);
	if (old == NULL) {
		fprintf(stderr, _("poczta-ctl: cannot read %s: %s\n"), conf_path(ctl->conf),
			strerror(errno));
		mra_url_free(&u);
		return EX_NOINPUT;
	}
	if (command == NULL && (pwfile = account_store_password(ctl, name)) == NULL) {
		free(old), mra_url_free(&u);
		return EX_NOINPUT;
	}
	buf_append(&text, old, len);
	if (len > 0 && old[len - 1] != '\n')
		buf_putc(&text, '\n');
	buf_printf(&text, "\n[account %s]\n", name);
	account_put(&text, "type", u.type);
	account_put(&text, "host", u.host);
	if (u.port)
		account_put(&text, "port", u.port);
	account_put(&text, "tls", u.tls);
	account_put(&text, "user", u.user);
	if (command)
		account_put(&text, "password_command", command);
	else
		account_put(&text, "password_file", pwfile);
	if (u.folders)
		account_put(&text, "folders", u.folders);
	if (ca)
		account_put(&text, "ca", realpath(ca, cafull) ? cafull : ca);
	if (pin)
		account_put(&text, "pin", pin);
	rc = account_write_conf(ctl, &text);
	if (rc == EX_OK)
		printf(_("account %s added to %s\n"), name, conf_path(ctl->conf));
	else if (pwfile)
		unlink(pwfile);
	free(old), free(pwfile);
	buf_free(&text), buf_free(&err);
	mra_url_free(&u);
	return rc;
}

/* account_list - one line per account */
static int account_list(struct ctl *ctl)
{
	size_t i, n = conf_count(ctl->conf, "account");

	for (i = 0; i < n; i++) {
		const char *a = conf_name(ctl->conf, "account", i);
		const char *port = conf_get(ctl->conf, "account", a, "port");
		printf("%-12s %s://%s@%s%s%s tls=%s folders=%s %s%s\n", a,
		       conf_get(ctl->conf, "account", a, "type"),
		       conf_get(ctl->conf, "account", a, "user") ? conf_get(ctl->conf, "account", a, "user") : "?",
		       conf_get(ctl->conf, "account", a, "host") ? conf_get(ctl->conf, "account", a, "host") : "?",
		       port ? ":" : "", port ? port : "", conf_get(ctl->conf, "account", a, "tls"),
		       conf_get(ctl->conf, "account", a, "folders"),
		       conf_get_bool(ctl->conf, "account", a, "keep") ? "keep" : "delete",
		       conf_get_bool(ctl->conf, "account", a, "watch") ? " watch" : "");
	}
	return EX_OK;
}

/* account_is_header - whether line (up to its end) is a section header,
 * and whether it is [account name] */
static bool account_is_header(const char *line, size_t n, const char *name, bool *ours)
{
	size_t i = 0, nl = strlen(name);

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= n || line[i] != '[')
		return false;
	i++;
	*ours = false;
	if (n - i > 8 + nl && strncmp(line + i, "account", 7) == 0 &&
	    (line[i + 7] == ' ' || line[i + 7] == '\t')) {
		i += 7;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (n - i > nl && strncmp(line + i, name, nl) == 0) {
			i += nl;
			while (i < n && (line[i] == ' ' || line[i] == '\t'))
				i++;
			*ours = i < n && line[i] == ']';
		}
	}
	return true;
}

/* account_remove_state - DATA_DIR/mra/NAME and its files, and the password
 * file account add made */
static void account_remove_state(struct ctl *ctl, const char *name)
{
	char *data = settings_data_dir(ctl->conf), *dir = xasprintf("%s/mra/%s", data, name);
	char *pw = account_password_path(ctl, name);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		char *f;
		if (e->d_name[0] == '.')
			continue;
		f = xasprintf("%s/%s", dir, e->d_name);
		unlink(f);
		free(f);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	unlink(pw);
	free(pw), free(dir), free(data);
}

/* account_remove - drop the lines of [account NAME], up to the next
 * section header, from the file */
static int account_remove(struct ctl *ctl, const char *name)
{
	struct buf text = BUF_INIT;
	size_t len, i = 0;
	char *old;
	bool in = false, ours;
	int rc;

	if (!account_exists(ctl, name)) {
		fprintf(stderr, _("poczta-ctl: no account %s in %s\n"), name, conf_path(ctl->conf));
		return EX_DATAERR;
	}
	if ((old = read_file(conf_path(ctl->conf), &len)) == NULL) {
		fprintf(stderr, _("poczta-ctl: cannot read %s: %s\n"), conf_path(ctl->conf),
			strerror(errno));
		return EX_NOINPUT;
	}
	while (i < len) {
		const char *nl = memchr(old + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - old - i) + 1 : len - i;
		if (account_is_header(old + i, n, name, &ours)) {
			in = ours;
			/* the empty line account add put before it goes too */
			if (in && text.len >= 2 && text.data[text.len - 1] == '\n' &&
			    text.data[text.len - 2] == '\n')
				text.data[--text.len] = '\0';
		}
		if (!in)
			buf_append(&text, old + i, n);
		i += n;
	}
	rc = account_write_conf(ctl, &text);
	if (rc == EX_OK) {
		account_remove_state(ctl, name);
		printf(_("account %s removed from %s\n"), name, conf_path(ctl->conf));
	}
	free(old);
	buf_free(&text);
	return rc;
}

int account_cmd(struct ctl *ctl, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL)
		return ctl_usage_error(ACCOUNT_USAGE, _("account needs add, list or remove"));
	if (!ctl_load_conf(ctl, true))
		return EX_CONFIG;
	if (strcmp(sub, "add") == 0)
		return account_add(ctl, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0 && argc == 2)
		return account_list(ctl);
	if (strcmp(sub, "remove") == 0 && argc == 3)
		return account_remove(ctl, argv[2]);
	return ctl_usage_error(ACCOUNT_USAGE, _("unknown account command %s"), sub);
}
