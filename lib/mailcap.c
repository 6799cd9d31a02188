/* mailcap.c - RFC 1524 mailcap: parsing, lookup, %-substitution and running
 * a view program with argv (never through a shell). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "buf.h"
#include "fsutil.h"
#include "mailcap.h"
#include "xalloc.h"

/* field_end - the end of a ';'-separated field starting at p (RFC 1524
 * section "Mailcap file syntax": "\;" does not end a field) */
static const char *field_end(const char *p, const char *end)
{
	for (; p < end && *p != ';'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	return p;
}

/* field_dup - the field trimmed of blanks, with "\;" made ";" and "\\"
 * kept for the shell-style word splitting that follows */
static char *field_dup(const char *p, const char *e)
{
	struct buf b = BUF_INIT;

	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	for (; p < e; p++) {
		if (*p == '\\' && p + 1 < e && p[1] == ';')
			p++;
		buf_putc(&b, *p);
	}
	return buf_detach(&b);
}

/* entry_flag - one "name" or "name=value" field of an entry */
static void entry_flag(struct mailcap_entry *en, char *f)
{
	char *eq = strchr(f, '='), *v = NULL, *k;

	if (eq) {
		*eq = '\0';
		v = eq + 1;
		while (isspace((unsigned char)*v))
			v++;
	}
	for (k = eq ? eq : f + strlen(f); k > f && isspace((unsigned char)k[-1]); k--)
		k[-1] = '\0';
	if (strcasecmp(f, "copiousoutput") == 0)
		en->copiousoutput = true;
	else if (strcasecmp(f, "needsterminal") == 0)
		en->needsterminal = true;
	else if (v && strcasecmp(f, "test") == 0 && !en->test)
		en->test = xstrdup(v);
	else if (v && strcasecmp(f, "nametemplate") == 0 && !en->nametemplate)
		en->nametemplate = xstrdup(v);
}

/* entry_parse - one logical line (continuations already joined) */
static void entry_parse(struct mailcap *mc, const char *p, const char *end)
{
	struct mailcap_entry en = { 0 };
	const char *e = field_end(p, end);
	char *s;

	en.type = field_dup(p, e);
	for (s = en.type; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	if (e >= end || !*en.type || strchr(en.type, ' ')) {
		free(en.type);
		return;
	}
	p = e + 1;
	e = field_end(p, end);
	en.view = field_dup(p, e);
	while (e < end) {
		p = e + 1;
		e = field_end(p, end);
		s = field_dup(p, e);
		entry_flag(&en, s);
		free(s);
	}
	mc->entries = xreallocarray(mc->entries, mc->n + 1, sizeof(*mc->entries));
	mc->entries[mc->n++] = en;
}

void mailcap_parse(struct mailcap *mc, const char *text, size_t len)
{
	const char *end = text + len, *p = text;
	struct buf line = BUF_INIT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);

		if (n && p[n - 1] == '\r')
			n--;
		/* RFC 1524: a backslash at the end of a line continues it */
		if (n && p[n - 1] == '\\' && (n < 2 || p[n - 2] != '\\')) {
			buf_append(&line, p, n - 1);
		} else {
			buf_append(&line, p, n);
			if (line.len && line.data[0] != '#')
				entry_parse(mc, line.data, line.data + line.len);
			buf_reset(&line);
		}
		p = nl ? nl + 1 : end;
	}
	if (line.len && line.data[0] != '#')
		entry_parse(mc, line.data, line.data + line.len);
	buf_free(&line);
}

struct mailcap *mailcap_load(const char *paths)
{
	struct mailcap *mc = xcalloc(1, sizeof(*mc));
	char *list, *p, *next;

	if (!paths)
		paths = getenv("MAILCAPS");
	if (paths)
		list = xstrdup(paths);
	else if (getenv("HOME"))
		list = xasprintf("%s/.mailcap:/etc/mailcap", getenv("HOME"));
	else
		list = xstrdup("/etc/mailcap");
	for (p = list; p; p = next) {
		size_t len;
		char *text;

		next = strchr(p, ':');
		if (next)
			*next++ = '\0';
		if (!*p || !(text = read_file(p, &len)))
			continue;
		mailcap_parse(mc, text, len);
		free(text);
	}
	free(list);
	return mc;
}

void mailcap_free(struct mailcap *mc)
{
	size_t i;

	if (!mc)
		return;
	for (i = 0; i < mc->n; i++) {
		free(mc->entries[i].type);
		free(mc->entries[i].view);
		free(mc->entries[i].test);
		free(mc->entries[i].nametemplate);
	}
	free(mc->entries);
	free(mc);
}

/* type_matches - RFC 1524: "text" and the wildcard subtype match every
 * text subtype */
static bool type_matches(const char *pattern, const char *type)
{
	size_t n = strcspn(pattern, "/");

	if (strcasecmp(pattern, type) == 0)
		return true;
	if (strncasecmp(pattern, type, n) != 0 || type[n] != '/')
		return false;
	return pattern[n] == '\0' || strcmp(pattern + n, "/*") == 0;
}

/* test_passes - run the test= command (without a shell); exit 0 passes */
static bool test_passes(const char *test, const char *type)
{
	struct buf out = BUF_INIT;
	char **argv = mailcap_argv(test, type, "/dev/null", NULL, NULL);
	int rc;

	if (!argv)
		return false;
	rc = mailcap_run(argv, "/dev/null", 4096, 5000, &out);
	mailcap_argv_free(argv);
	buf_free(&out);
	return rc == 0;
}

const struct mailcap_entry *mailcap_find(const struct mailcap *mc, const char *type,
					 bool copious, bool run_tests)
{
	size_t i;

	for (i = 0; mc && i < mc->n; i++) {
		const struct mailcap_entry *en = &mc->entries[i];

		if (!type_matches(en->type, type) || (copious && !en->copiousoutput))
			continue;
		if (!*en->view)
			continue;
		if (en->test && (!run_tests || !test_passes(en->test, type)))
			continue;
		return en;
	}
	return NULL;
}

bool mailcap_safe(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("+-._/=@,", *s))
			return false;
	return true;
}

/* param_get - the value of name in a NULL-terminated name, value list */
static const char *param_get(const char *const *params, const char *name, size_t n)
{
	for (; params && params[0] && params[1]; params += 2)
		if (strlen(params[0]) == n && strncasecmp(params[0], name, n) == 0)
			return params[1];
	return NULL;
}

/* shell_quote - s in single quotes for sh, unless it is safe already */
static void shell_quote(struct buf *b, const char *s)
{
	if (mailcap_safe(s)) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* expand - one %-sequence at *pp (just after the '%') into b; false when
 * refused.  quote: whether the file name needs shell quoting. */
static bool expand(const char **pp, struct buf *b, const char *type, const char *file,
		   const char *const *params, bool quote, bool *has_file)
{
	const char *p = *pp, *v, *close;

	switch (*p) {
	case '%':
		buf_putc(b, '%');
		break;
	case 's':
		if (quote)
			shell_quote(b, file);
		else
			buf_puts(b, file);
		if (has_file)
			*has_file = true;
		break;
	case 't':
		if (!mailcap_safe(type))
			return false;
		buf_puts(b, type);
		break;
	case '{':
		close = strchr(p, '}');
		if (!close)
			return false;
		v = param_get(params, p + 1, (size_t)(close - p - 1));
		/* a value from the message: only safe characters may pass */
		if (!mailcap_safe(v))
			return false;
		buf_puts(b, v);
		p = close;
		break;
	default:		/* %n, %F (multipart) and the unknown */
		return false;
	}
	*pp = p + 1;
	return true;
}

char *mailcap_command(const char *cmd, const char *type, const char *file,
		      const char *const *params)
{
	struct buf b = BUF_INIT;
	const char *p = cmd;

	while (*p) {
		if (*p == '\\' && p[1]) {
			buf_append(&b, p, 2);
			p += 2;
		} else if (*p == '%') {
			p++;
			if (!expand(&p, &b, type, file, params, true, NULL)) {
				buf_free(&b);
				return NULL;
			}
		} else {
			buf_putc(&b, *p++);
		}
	}
	return buf_detach(&b);
}

void mailcap_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* argv_push - add the word in w to argv */
static void argv_push(char ***argv, size_t *n, struct buf *w)
{
	*argv = xreallocarray(*argv, *n + 2, sizeof(**argv));
	(*argv)[(*n)++] = buf_detach(w);
	(*argv)[*n] = NULL;
}

char **mailcap_argv(const char *cmd, const char *type, const char *file,
		    const char *const *params, bool *has_file)
{
	char **argv = xcalloc(1, sizeof(*argv));
	struct buf w = BUF_INIT;
	const char *p = cmd;
	size_t n = 0;
	bool inword = false;
	char q = 0;

	if (has_file)
		*has_file = false;
	for (; *p;) {
		if (!q && isspace((unsigned char)*p)) {
			if (inword)
				argv_push(&argv, &n, &w);
			inword = false;
			p++;
			continue;
		}
		inword = true;
		if (*p == '%') {
			p++;
			if (!expand(&p, &w, type, file, params, false, has_file))
				goto refuse;
		} else if (q != '\'' && *p == '\\' && p[1]) {
			buf_putc(&w, p[1]);
			p += 2;
		} else if ((*p == '\'' || *p == '"') && (!q || q == *p)) {
			q = q ? 0 : *p;
			p++;
		} else if (!q && strchr("|;&<>()$`*?[~#", *p)) {
			goto refuse;	/* needs a shell: refused */
		} else if (q == '"' && strchr("$`", *p)) {
			goto refuse;
		} else {
			buf_putc(&w, *p++);
		}
	}
	if (q)
		goto refuse;
	if (inword)
		argv_push(&argv, &n, &w);
	if (n == 0)
		goto refuse;
	return argv;
refuse:
	buf_free(&w);
	mailcap_argv_free(argv);
	return NULL;
}

/* now_ms - a monotonic clock in milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* child - in the forked process: stdin from in, stdout to the pipe */
static void child(char *const *argv, const char *in, int out)
{
	int fd = open(in, O_RDONLY | O_CLOEXEC);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || null < 0 || dup2(fd, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

int mailcap_run(char *const *argv, const char *in, size_t max, int timeout_ms, struct buf *out)
{
	long long deadline = now_ms() + timeout_ms;
	int pfd[2], status = 0;
	bool killed = false;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0)
		child(argv, in, pfd[1]);
	close(pfd[1]);
	for (;;) {
		struct pollfd pf = { pfd[0], POLLIN, 0 };
		long long left = deadline - now_ms();
		char tmp[8192];
		ssize_t r;

		if (left <= 0 || out->len > max) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		if (poll(&pf, 1, (int)left) < 0 && errno != EINTR)
			break;
		if (!pf.revents)
			continue;
		r = read(pfd[0], tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		buf_append(out, tmp, (size_t)r);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out->len > max)
		out->len = max, out->data[max] = '\0';
	return !killed && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
