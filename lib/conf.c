/* conf.c - the poczta.conf reader: split the file into sections and
 * key = value lines, check each against the schema, report every error as
 * "file:line: key: what is wrong" and go on (isync's config.c).  Hostile input
 * (NUL bytes, endless lines, thousands of sections) gives errors, not crashes. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "config.h"
#include "fsutil.h"
#include "i18n.h"
#include "msg.h"
#include "xalloc.h"

#define CONF_MAX_FILE (1024 * 1024)	/* bytes; a configuration is small */
#define CONF_MAX_LINE 4096		/* bytes in one line */
#define CONF_MAX_SECTIONS 1024
#define CONF_MAX_NAME 64		/* [account NAME] */
#define CONF_MAX_REPORTED 100		/* error lines kept; the rest are counted */

struct conf_entry {
	const struct conf_option *opt;
	char *value;
	int line;
};

struct conf_section {
	const struct conf_section_def *def;
	char *name;			/* NULL for an unnamed section */
	int line;
	struct conf_entry *entries;
	size_t nentries;
};

struct conf {
	char *path;
	char *dir;
	const struct conf_section_def *schema;
	struct conf_section *sections;
	size_t nsections;
	int nerrors;
};

/* What the parser knows while it walks the lines. */
struct conf_parser {
	struct conf *c;
	struct buf *errors;
	int line;
	size_t cur;			/* index of the open section */
	bool in_section;		/* a section is open */
	bool skipping;			/* in an unknown or refused section */
};

/* conf_error - report "file:line: key: what" with control bytes shown as '?' */
static void conf_error(struct conf_parser *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void conf_error(struct conf_parser *p, const char *key, const char *fmt, ...)
{
	struct buf line = BUF_INIT;
	va_list ap;
	size_t i;

	p->c->nerrors++;
	if (p->c->nerrors > CONF_MAX_REPORTED) {
		if (p->c->nerrors == CONF_MAX_REPORTED + 1)
			buf_printf(p->errors, _("%s: too many errors, the rest are not shown\n"),
				   p->c->path);
		return;
	}
	buf_printf(&line, "%s:%d: %s: ", p->c->path, p->line, key);
	va_start(ap, fmt);
	buf_vprintf(&line, fmt, ap);
	va_end(ap);
	for (i = 0; i < line.len; i++)
		if ((unsigned char)line.data[i] < 0x20 || line.data[i] == 0x7f)
			line.data[i] = '?';
	buf_putc(&line, '\n');
	buf_append(p->errors, line.data, line.len);
	buf_free(&line);
}

/* conf_find_def - the schema's section called name, NULL if none */
static const struct conf_section_def *conf_find_def(const struct conf_section_def *schema,
						    const char *name)
{
	for (; schema->name; schema++)
		if (strcmp(schema->name, name) == 0)
			return schema;
	return NULL;
}

/* conf_find_option - the schema's entry for section.key, NULL if none */
const struct conf_option *conf_find_option(const struct conf_section_def *schema,
					   const char *section, const char *key)
{
	const struct conf_section_def *def = conf_find_def(schema, section);
	const struct conf_option *o;

	if (def == NULL)
		return NULL;
	for (o = def->options; o->name; o++)
		if (strcmp(o->name, key) == 0)
			return o;
	return NULL;
}

/* conf_find_section - the section [type name] of c, NULL if the file has none */
static struct conf_section *conf_find_section(const struct conf *c, const char *type,
					      const char *name)
{
	size_t i;

	for (i = 0; i < c->nsections; i++) {
		struct conf_section *s = &c->sections[i];
		if (strcmp(s->def->name, type) != 0)
			continue;
		if (name == NULL ? s->name == NULL : s->name && strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

/* conf_name_ok - a section name: letters, digits and ._@+- */
static bool conf_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONF_MAX_NAME)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._@+-", *s))
			return false;
	return true;
}

/* conf_header_check - whether [type name] may open a section; reports why not */
static bool conf_header_check(struct conf_parser *p, const char *hdr,
			      const struct conf_section_def *def, const char *name)
{
	struct conf_section *old;

	if (def == NULL)
		conf_error(p, hdr, _("unknown section"));
	else if (def->named && name == NULL)
		conf_error(p, hdr, _("this section needs a name, as in [%s NAME]"), def->name);
	else if (!def->named && name != NULL)
		conf_error(p, hdr, _("this section takes no name, write [%s]"), def->name);
	else if (name != NULL && !conf_name_ok(name))
		conf_error(p, hdr, _("bad section name: use letters, digits and ._@+- (at most %d)"),
			   CONF_MAX_NAME);
	else if ((old = conf_find_section(p->c, def->name, name)) != NULL)
		conf_error(p, hdr, _("duplicate section (first at line %d)"), old->line);
	else if (p->c->nsections >= CONF_MAX_SECTIONS)
		conf_error(p, hdr, _("too many sections (at most %d)"), CONF_MAX_SECTIONS);
	else
		return true;
	return false;
}

/* conf_open_section - handle a "[type]" or "[type name]" line (s is the text
 * between the brackets) */
static void conf_open_section(struct conf_parser *p, const char *hdr, char *s)
{
	char *type, *name, *extra, *save = NULL;
	const struct conf_section_def *def;
	struct conf_section *sec;

	p->in_section = false;
	p->skipping = true;
	type = strtok_r(s, " \t", &save);
	name = type ? strtok_r(NULL, " \t", &save) : NULL;
	extra = name ? strtok_r(NULL, " \t", &save) : NULL;
	if (type == NULL || extra != NULL) {
		conf_error(p, hdr, _("a section header is [type] or [type NAME]"));
		return;
	}
	def = conf_find_def(p->c->schema, type);
	if (!conf_header_check(p, hdr, def, name))
		return;
	p->c->sections = xreallocarray(p->c->sections, p->c->nsections + 1,
				       sizeof(*p->c->sections));
	sec = &p->c->sections[p->c->nsections];
	memset(sec, 0, sizeof(*sec));
	sec->def = def;
	sec->name = name ? xstrdup(name) : NULL;
	sec->line = p->line;
	p->cur = p->c->nsections++;
	p->in_section = true;
	p->skipping = false;
}

/* conf_header - a line starting with '[' */
static void conf_header(struct conf_parser *p, char *s, size_t len)
{
	char hdr[CONF_MAX_NAME * 2 + 8];

	snprintf(hdr, sizeof(hdr), "%.*s", (int)len, s);
	if (s[len - 1] != ']') {
		p->in_section = false;
		p->skipping = true;
		conf_error(p, hdr, _("a section header must end with ']'"));
		return;
	}
	s[len - 1] = '\0';
	conf_open_section(p, hdr, s + 1);
}

/* conf_unquote - the value of v: the text between double quotes, with \" and
 * \\ escapes, or v itself; NULL (and an error) when the quoting is wrong.
 * Writes into v. */
static char *conf_unquote(struct conf_parser *p, const char *key, char *v)
{
	char *r = v + 1, *w = v;

	if (*v != '"')
		return v;
	for (; *r && *r != '"'; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	if (*r != '"') {
		conf_error(p, key, _("missing closing quote"));
		return NULL;
	}
	if (r[1] != '\0') {
		conf_error(p, key, _("text after the closing quote"));
		return NULL;
	}
	*w = '\0';
	return v;
}

/* conf_has_control - whether s holds a control character other than tab */
static bool conf_has_control(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return true;
	return false;
}

/* conf_set - store key = value in the open section after checking it */
static void conf_set(struct conf_parser *p, const char *key, const char *value)
{
	struct conf_section *sec = &p->c->sections[p->cur];
	const struct conf_option *opt = conf_find_option(p->c->schema, sec->def->name, key);
	struct buf why = BUF_INIT;
	size_t i;

	if (opt == NULL) {
		conf_error(p, key, _("unknown key in [%s]"), sec->def->name);
		return;
	}
	for (i = 0; i < sec->nentries; i++)
		if (sec->entries[i].opt == opt) {
			conf_error(p, key, _("duplicate key (first set at line %d)"),
				   sec->entries[i].line);
			return;
		}
	if (conf_has_control(value)) {
		conf_error(p, key, _("control character in the value"));
		return;
	}
	if (!conf_check_value(opt, value, &why)) {
		conf_error(p, key, "%s", buf_cstr(&why));
		buf_free(&why);
		return;
	}
	sec->entries = xreallocarray(sec->entries, sec->nentries + 1, sizeof(*sec->entries));
	sec->entries[sec->nentries].opt = opt;
	sec->entries[sec->nentries].value = xstrdup(value);
	sec->entries[sec->nentries].line = p->line;
	sec->nentries++;
}

/* conf_trim - s without leading and trailing white space (in place) */
static char *conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* conf_assignment - a "key = value" line */
static void conf_assignment(struct conf_parser *p, char *s)
{
	char *eq = strchr(s, '='), *key, *value, *save = NULL;
	char shown[41];

	if (eq == NULL) {
		snprintf(shown, sizeof(shown), "%s", s);
		conf_error(p, strtok_r(shown, " \t", &save), _("line without '=' (expected key = value)"));
		return;
	}
	*eq = '\0';
	key = conf_trim(s);
	if (*key == '\0') {
		conf_error(p, "=", _("missing key before '='"));
		return;
	}
	if (!p->in_section) {
		if (!p->skipping)
			conf_error(p, key, _("key outside any section (put it under [global] or another)"));
		return;
	}
	value = conf_unquote(p, key, conf_trim(eq + 1));
	if (value != NULL)
		conf_set(p, key, value);
}

/* conf_line_parse - one line of the file, without its newline */
static void conf_line_parse(struct conf_parser *p, const char *text, size_t len)
{
	char *copy, *s;

	if (memchr(text, '\0', len) != NULL) {
		conf_error(p, "-", _("NUL byte in the line"));
		return;
	}
	if (len > CONF_MAX_LINE) {
		conf_error(p, "-", _("line longer than %d bytes"), CONF_MAX_LINE);
		return;
	}
	copy = xstrndup(text, len);
	s = conf_trim(copy);
	if (*s == '[')
		conf_header(p, s, strlen(s));
	else if (*s != '\0' && *s != '#')
		conf_assignment(p, s);
	free(copy);
}

/* conf_new - an empty configuration read from path; dir made absolute */
static struct conf *conf_new(const char *path, const struct conf_section_def *schema)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	const char *slash = strrchr(path, '/');
	char cwd[4096];

	c->path = xstrdup(path);
	c->schema = schema;
	if (slash == path)
		c->dir = xstrdup("/");
	else if (path[0] == '/')
		c->dir = xstrndup(path, (size_t)(slash - path));
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		c->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	else if (slash)
		c->dir = xasprintf("%s/%.*s", cwd, (int)(slash - path), path);
	else
		c->dir = xstrdup(cwd);
	return c;
}

/* conf_parse - check text line by line into a new configuration (conf.h) */
struct conf *conf_parse(const char *name, const char *text, size_t len,
			const struct conf_section_def *schema, struct buf *errors)
{
	struct conf_parser p = { NULL, errors, 0, 0, false, false };
	const char *end = text + len, *nl;
	size_t n;

	p.c = conf_new(name, schema);
	while (text < end) {
		p.line++;
		nl = memchr(text, '\n', (size_t)(end - text));
		n = nl ? (size_t)(nl - text) : (size_t)(end - text);
		conf_line_parse(&p, text, n > 0 && text[n - 1] == '\r' ? n - 1 : n);
		text += nl ? n + 1 : n;
	}
	return p.c;
}

/* conf_load - conf_parse of a small regular file (conf.h) */
struct conf *conf_load(const char *path, const struct conf_section_def *schema,
		       struct buf *errors)
{
	struct stat st;
	struct conf *c;
	char *text;
	size_t len;

	if (stat(path, &st) < 0) {
		buf_printf(errors, _("%s: cannot read: %s\n"), path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_MAX_FILE) {
		buf_printf(errors, _("%s: not a regular file of at most %d bytes\n"),
			   path, CONF_MAX_FILE);
		return NULL;
	}
	if ((text = read_file(path, &len)) == NULL) {
		buf_printf(errors, _("%s: cannot read: %s\n"), path, strerror(errno));
		return NULL;
	}
	c = conf_parse(path, text, len, schema, errors);
	free(text);
	return c;
}

int conf_error_count(const struct conf *c) { return c->nerrors; }
const char *conf_path(const struct conf *c) { return c->path; }
const char *conf_dir(const struct conf *c) { return c->dir; }

/* conf_free - everything c owns, and c */
void conf_free(struct conf *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsections; i++) {
		for (j = 0; j < c->sections[i].nentries; j++)
			free(c->sections[i].entries[j].value);
		free(c->sections[i].entries);
		free(c->sections[i].name);
	}
	free(c->sections);
	free(c->path);
	free(c->dir);
	free(c);
}

/* conf_lookup - the schema entry of section.key (a bug if there is none) and
 * the file's entry for it in [section name], NULL when the file does not set it */
static const struct conf_entry *conf_lookup(const struct conf *c, const char *section,
					    const char *name, const char *key,
					    const struct conf_option **opt)
{
	const struct conf_section *sec;
	size_t i;

	*opt = conf_find_option(c->schema, section, key);
	if (*opt == NULL)
		msg_panic("conf: no key %s.%s in the schema", section, key);
	if ((sec = conf_find_section(c, section, name)) == NULL)
		return NULL;
	for (i = 0; i < sec->nentries; i++)
		if (sec->entries[i].opt == *opt)
			return &sec->entries[i];
	return NULL;
}

/* conf_typed - the value of a key that must have type t (a bug otherwise) */
static const char *conf_typed(const struct conf *c, const char *section, const char *name,
			      const char *key, enum conf_type t)
{
	const struct conf_option *opt;
	const struct conf_entry *e = conf_lookup(c, section, name, key, &opt);

	if (opt->type != t)
		msg_panic("conf: %s.%s is a %s, not a %s", section, key,
			  conf_type_name(opt->type), conf_type_name(t));
	return e ? e->value : opt->def;
}

const char *conf_get(const struct conf *c, const char *section, const char *name,
		     const char *key)
{
	const struct conf_option *opt;
	const struct conf_entry *e = conf_lookup(c, section, name, key, &opt);

	return e ? e->value : opt->def;
}

long long conf_get_int(const struct conf *c, const char *section, const char *name,
		       const char *key)
{
	const char *s = conf_typed(c, section, name, key, CONF_INT);
	long long v = 0;

	if (s && !conf_parse_int(s, &v))
		msg_panic("conf: bad default for %s.%s", section, key);
	return v;
}

bool conf_get_bool(const struct conf *c, const char *section, const char *name,
		   const char *key)
{
	const char *s = conf_typed(c, section, name, key, CONF_BOOL);
	bool v = false;

	if (s && !conf_parse_bool(s, &v))
		msg_panic("conf: bad default for %s.%s", section, key);
	return v;
}

unsigned long long conf_get_size(const struct conf *c, const char *section,
				 const char *name, const char *key)
{
	const char *s = conf_typed(c, section, name, key, CONF_SIZE);
	unsigned long long v = 0;

	if (s && !conf_parse_size(s, &v))
		msg_panic("conf: bad default for %s.%s", section, key);
	return v;
}

long long conf_get_duration(const struct conf *c, const char *section,
			    const char *name, const char *key)
{
	const char *s = conf_typed(c, section, name, key, CONF_DURATION);
	long long v = 0;

	if (s && !conf_parse_duration(s, &v))
		msg_panic("conf: bad default for %s.%s", section, key);
	return v;
}

char **conf_get_list(const struct conf *c, const char *section, const char *name,
		     const char *key, size_t *n)
{
	const char *s = conf_typed(c, section, name, key, CONF_LIST);
	char **v = conf_split_list(s ? s : "", n);

	if (v == NULL)
		msg_panic("conf: bad default for %s.%s", section, key);
	return v;
}

/* conf_home - the home directory for "~": $HOME, else "/" */
static const char *conf_home(void)
{
	const char *h = getenv("HOME");

	return h && *h ? h : "/";
}

/* conf_resolve_path - ~ against $HOME, relative against the file's folder */
char *conf_resolve_path(const struct conf *c, const char *raw)
{
	if (strcmp(raw, "~") == 0)
		return xstrdup(conf_home());
	if (strncmp(raw, "~/", 2) == 0)
		return xasprintf("%s/%s", conf_home(), raw + 2);
	if (raw[0] == '/')
		return xstrdup(raw);
	return xasprintf("%s/%s", c->dir, raw);
}

char *conf_get_path(const struct conf *c, const char *section, const char *name,
		    const char *key)
{
	const char *s = conf_typed(c, section, name, key, CONF_PATH);

	return s ? conf_resolve_path(c, s) : NULL;
}

bool conf_is_set(const struct conf *c, const char *section, const char *name,
		 const char *key)
{
	const struct conf_option *opt;

	return conf_lookup(c, section, name, key, &opt) != NULL;
}

int conf_line(const struct conf *c, const char *section, const char *name,
	      const char *key)
{
	const struct conf_option *opt;
	const struct conf_entry *e = conf_lookup(c, section, name, key, &opt);

	return e ? e->line : 0;
}

size_t conf_count(const struct conf *c, const char *section)
{
	size_t i, n = 0;

	for (i = 0; i < c->nsections; i++)
		if (strcmp(c->sections[i].def->name, section) == 0)
			n++;
	return n;
}

/* conf_name - the name of the idx-th [section NAME], NULL past the end */
const char *conf_name(const struct conf *c, const char *section, size_t idx)
{
	size_t i;

	for (i = 0; i < c->nsections; i++)
		if (strcmp(c->sections[i].def->name, section) == 0 && idx-- == 0)
			return c->sections[i].name;
	return NULL;
}

/* conf_exists - whether path names an existing file */
static bool conf_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* conf_locate - -c FILE, $POCZTA_CONFIG, the XDG file if it exists, /etc */
char *conf_locate(const char *cmdline)
{
	const char *env = getenv("POCZTA_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *p;

	if (cmdline && *cmdline)
		return xstrdup(cmdline);
	if (env && *env)
		return xstrdup(env);
	if (xdg && *xdg)
		p = xasprintf("%s/poczta/poczta.conf", xdg);
	else
		p = xasprintf("%s/.config/poczta/poczta.conf", conf_home());
	if (conf_exists(p))
		return p;
	free(p);
	return xasprintf("%s/poczta/poczta.conf", POCZTA_SYSCONFDIR);
}
