/* agents.c - the agents screen's model (agents.h). */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agents.h"
#include "outbox.h"
#include "queue.h"
#include "settings.h"
#include "stackinfo.h"
#include "strlist.h"
#include "xalloc.h"

/* the chain in the order a message goes (RFC 5598 roles) */
static const char *const agents_roles[AGENTS_NBOX] = {
	"MUA", "MSA", "MTA", "MDA", "MAA", "MRA"
};

struct agents_box *agents_box(struct agents *a, const char *role)
{
	size_t i;

	for (i = 0; i < AGENTS_NBOX; i++)
		if (strcmp(a->box[i].role, role) == 0)
			return &a->box[i];
	return NULL;
}

/* agents_stamp - the time of "YYYY-MM-DDTHH:MM:SSZ " at s (UTC, as
 * lib/msg.c writes it), (time_t)-1 when s does not start with one */
static time_t agents_stamp(const char *s, size_t len)
{
	struct tm tm;
	char text[21];
	const char *end;

	if (len < 21 || s[4] != '-' || s[10] != 'T' || s[19] != 'Z' || s[20] != ' ')
		return (time_t)-1;
	memcpy(text, s, 20);
	text[20] = '\0';
	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return (time_t)-1;
	return timegm(&tm);
}

bool agents_parse_line(const char *line, size_t len, struct agents_line *out)
{
	const char *p = line, *end = line + len, *sp, *colon;
	size_t n;

	out->when = agents_stamp(line, len);
	if (out->when != (time_t)-1)
		p += 21;
	/* "poczta-mta[4711]: " */
	colon = memchr(p, ':', (size_t)(end - p));
	sp = memchr(p, ' ', (size_t)(end - p));
	if (colon && colon > p && colon[-1] == ']' && (sp == NULL || sp > colon) &&
	    colon + 1 < end && colon[1] == ' ')
		p = colon + 2;
	/* the role: two to four capitals and a space */
	for (n = 0; p + n < end && isupper((unsigned char)p[n]) && n < 5; n++)
		;
	if (n < 2 || n > 4 || p + n >= end || p[n] != ' ')
		return false;
	memcpy(out->role, p, n);
	out->role[n] = '\0';
	p += n + 1;
	out->proto = end - p >= 3 && (p[0] == 'C' || p[0] == 'S') && p[1] == ':' && p[2] == ' ';
	out->text = p;
	out->len = (size_t)(end - p);
	return out->len > 0;
}

static char *agents_text(const char *s, size_t len)
{
	return xstrndup(s, len < AGENTS_TEXT ? len : AGENTS_TEXT);
}

/* agents_take - one parsed line into its agent's box */
static void agents_take(struct agents *a, const struct agents_line *l)
{
	struct agents_box *b = agents_box(a, l->role);

	if (b == NULL)
		return;
	free(b->last_text);
	b->last_text = agents_text(l->text, l->len);
	b->last_time = l->when;
	if (!l->proto)
		return;
	if (b->nproto == AGENTS_PROTO) {
		free(b->proto[0]);
		memmove(b->proto, b->proto + 1, (AGENTS_PROTO - 1) * sizeof(char *));
		b->nproto--;
	}
	b->proto[b->nproto++] = agents_text(l->text, l->len);
}

void agents_feed(struct agents *a, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	struct agents_line l;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;	/* a line still being written */
		if (agents_parse_line(p, (size_t)(nl - p), &l))
			agents_take(a, &l);
		p = nl + 1;
	}
}

/* agents_tail - the last whole lines of the file path within AGENTS_TAIL
 * bytes, newly allocated (NULL when unreadable); *len its length */
static char *agents_tail(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	off_t start;
	ssize_t n;
	char *text, *nl;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	start = st.st_size > AGENTS_TAIL ? st.st_size - AGENTS_TAIL : 0;
	text = xmalloc(AGENTS_TAIL + 1);
	n = pread(fd, text, AGENTS_TAIL, start);
	close(fd);
	if (n < 0)
		n = 0;
	text[n] = '\0';
	*len = (size_t)n;
	if (start > 0 && (nl = memchr(text, '\n', *len)) != NULL) {	/* a cut line */
		*len -= (size_t)(nl + 1 - text);
		memmove(text, nl + 1, *len + 1);
	}
	return text;
}

static bool agents_seen(char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* agents_logs - read each agent's log once (they may share one file), and
 * the client's own (its submissions: outbox.h) */
static void agents_logs(struct agents *a, const struct conf *c, const char *client_log)
{
	char **seen = xcalloc(1, sizeof(char *)), *path, *text;
	size_t i, len;

	for (i = 0; i <= STACKINFO_NAGENTS; i++) {
		path = i < STACKINFO_NAGENTS ? stackinfo_log_path(c, &stackinfo_agents[i])
		       : client_log ? xstrdup(client_log) : stackinfo_client_log_path(c);
		if (!agents_seen(seen, path) && (text = agents_tail(path, &len)) != NULL) {
			agents_feed(a, text, len);
			free(text);
		}
		seen = strlist_add(seen, path);
		free(path);
	}
	strlist_free(seen);
}

/* agents_queue - the MTA's queue length: DATA_DIR/queue as poczta-mta has it */
static long agents_queue(const struct conf *c)
{
	char *data = settings_data_dir(c);
	char *dir = xasprintf("%s/queue", data);
	long n = queue_count(dir);

	free(dir);
	free(data);
	return n < 0 ? 0 : n;
}

/* agents_outbox - the messages in the client's outbox, waiting or being
 * submitted or refused */
static long agents_outbox(struct outbox *ob)
{
	size_t n;
	struct outbox_entry *e = outbox_list(ob, &n);

	outbox_list_free(e, n);
	return (long)n;
}

void agents_load(struct agents *a, const struct conf *c, struct outbox *ob)
{
	const struct stackinfo_agent *s;
	struct agents_box *b;
	const char *addr;
	size_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < AGENTS_NBOX; i++) {
		b = &a->box[i];
		b->role = agents_roles[i];
		b->queue = -1;
		b->last_time = (time_t)-1;
		if ((s = stackinfo_find(b->role)) == NULL) {	/* the MUA: this client */
			b->program = "poczta";
			b->state = AGENTS_RUNNING;
			b->pid = (long)getpid();
			continue;
		}
		b->program = s->program;
		addr = stackinfo_address(c, s);
		b->address = addr ? xstrdup(addr) : NULL;
		b->pid = (long)stackinfo_running(c, s);
		b->state = b->pid ? AGENTS_RUNNING : addr ? AGENTS_STOPPED : AGENTS_UNCONFIGURED;
	}
	agents_box(a, "MTA")->queue = agents_queue(c);
	if (ob)
		agents_box(a, "MUA")->queue = agents_outbox(ob);
	agents_logs(a, c, ob ? outbox_log_path(ob) : NULL);
}

void agents_free(struct agents *a)
{
	size_t i, j;

	for (i = 0; i < AGENTS_NBOX; i++) {
		free(a->box[i].address);
		free(a->box[i].last_text);
		for (j = 0; j < a->box[i].nproto; j++)
			free(a->box[i].proto[j]);
	}
	memset(a, 0, sizeof(*a));
}
