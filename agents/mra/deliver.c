/* deliver.c - a fetched message handed to poczta-mda over a pipe (an argv,
 * never a shell), so that fetched mail takes the very path local mail does:
 * Sieve, Maildir tmp -> fsync -> new, notmuch notes.  poczta-mda exits 0
 * only once the message is durable. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "fsutil.h"
#include "i18n.h"
#include "mra.h"
#include "rfc5322.h"
#include "xalloc.h"

/* mra_fnv - FNV-1a of s, continuing from h */
static unsigned long long mra_fnv(unsigned long long h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h * 1099511628211ULL;
}

char *mra_id(const struct mra_account *a, const char *k1, const char *k2)
{
	unsigned long long h = mra_fnv(1469598103934665603ULL, a->name);

	h = mra_fnv(mra_fnv(mra_fnv(h, a->host), a->user), k1);
	return xasprintf("mra.%016llx.%016llx", h, mra_fnv(h, k2));
}

/* mra_return_path - the message's Return-Path address (RFC 5322 3.6.7) and
 * where that field starts and ends, so it is replaced by the MDA's own */
static char *mra_return_path(const char *data, size_t hlen, size_t *start, size_t *end)
{
	size_t i = 0;

	while (i < hlen) {
		size_t e = i;
		while (e < hlen && data[e] != '\n')
			e++;
		while (e + 1 < hlen && (data[e + 1] == ' ' || data[e + 1] == '\t')) {
			e++;	/* folded */
			while (e < hlen && data[e] != '\n')
				e++;
		}
		if (e - i > 12 && strncasecmp(data + i, "Return-Path:", 12) == 0) {
			const char *lt = memchr(data + i, '<', e - i), *gt;
			gt = lt ? memchr(lt, '>', (size_t)(data + e - lt)) : NULL;
			if (gt == NULL)
				return NULL;
			*start = i;
			*end = e < hlen ? e + 1 : e;
			return xstrndup(lt + 1, (size_t)(gt - lt - 1));
		}
		i = e + 1;
	}
	return NULL;
}

char *mra_message_id(const char *data, size_t len)
{
	size_t hlen = rfc5322_header_end(data, len), i = 0;

	while (i + 11 < hlen) {
		const char *nl = memchr(data + i, '\n', hlen - i);
		size_t e = nl ? (size_t)(nl - data) : hlen;
		if (strncasecmp(data + i, "Message-ID:", 11) == 0) {
			size_t b = i + 11;
			while (b < e && (data[b] == ' ' || data[b] == '\t'))
				b++;
			while (e > b && (data[e - 1] == '\r' || data[e - 1] == ' ' || data[e - 1] == '\t'))
				e--;
			/* one line of printable ASCII, as the journal keeps it */
			for (i = b; i < e; i++)
				if ((unsigned char)data[i] < 0x21 || (unsigned char)data[i] > 0x7e)
					return NULL;
			return e > b && e - b < 1000 ? xstrndup(data + b, e - b) : NULL;
		}
		i = e + 1;
	}
	return NULL;
}

/* mra_write_lf - the message with CRLF turned into LF, as Maildir keeps it */
static int mra_write_lf(int fd, const char *p, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] == '\r' && p[i + 1] == '\n') {
			if (write_all(fd, p + from, i - from) < 0)
				return -1;
			from = i + 1;
		}
	}
	return write_all(fd, p + from, n - from);
}

/* mra_received - the trace field this hop adds (RFC 5321 4.4) */
static void mra_received(struct mra *m, const struct mra_account *a, const char *proto,
			 const char *id, struct buf *b)
{
	char date[64];

	rfc5322_date(time(NULL), date, sizeof(date));
	buf_printf(b, "Received: from %s\n\tby %s (poczta-mra) with %s%s id %s\n"
		   "\tfor <%s@%s> (account %s); %s\n", a->host, m->hostname, proto,
		   a->tls == MRA_TLS_NONE ? "" : "S", id, a->user, a->host, a->name, date);
}

/* mra_run_mda - start poczta-mda with its stdin on a pipe; pid or -1 */
static pid_t mra_run_mda(struct mra *m, const struct mra_account *a, const char *id,
			 const char *sender, int *in, int *errfd)
{
	int p[2], e[2];
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	if (pipe(e) < 0) {
		close(p[0]), close(p[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		const char *argv[12];
		int i = 0;
		dup2(p[0], 0);
		dup2(e[1], 1);
		dup2(e[1], 2);
		close(p[0]), close(p[1]), close(e[0]), close(e[1]);
		argv[i++] = "poczta-mda";
		argv[i++] = "-c", argv[i++] = m->config_path;
		argv[i++] = "--delivery-id", argv[i++] = id;
		argv[i++] = "-f", argv[i++] = sender;
		if (a->local_user)
			argv[i++] = "-d", argv[i++] = a->local_user;
		argv[i] = NULL;
		execv(m->mda, (char *const *)argv);
		_exit(EX_OSERR);
	}
	close(p[0]);
	close(e[1]);
	if (pid < 0) {
		close(p[1]), close(e[0]);
		return -1;
	}
	*in = p[1];
	*errfd = e[0];
	return pid;
}

int mra_deliver(struct mra *m, const struct mra_account *a, const char *proto,
		const char *id, const char *data, size_t len, struct buf *err)
{
	size_t hlen = rfc5322_header_end(data, len), rp_start = 0, rp_end = 0;
	char *sender = mra_return_path(data, hlen, &rp_start, &rp_end), text[400];
	struct buf hdr = BUF_INIT;
	int in, errfd, status = 0, wrc;
	ssize_t n;
	pid_t pid;

	mra_received(m, a, proto, id, &hdr);
	pid = mra_run_mda(m, a, id, sender ? sender : "", &in, &errfd);
	if (pid < 0) {
		buf_printf(err, _("cannot run %s: %s"), m->mda, strerror(errno));
		free(sender);
		buf_free(&hdr);
		return -1;
	}
	wrc = write_all(in, hdr.data, hdr.len);
	if (wrc == 0 && sender)
		wrc = mra_write_lf(in, data, rp_start) < 0 ||
		      mra_write_lf(in, data + rp_end, len - rp_end) < 0 ? -1 : 0;
	else if (wrc == 0)
		wrc = mra_write_lf(in, data, len);
	close(in);
	n = read(errfd, text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	text[strcspn(text, "\n")] = '\0';
	close(errfd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(sender);
	buf_free(&hdr);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && wrc == 0)
		return 0;
	buf_printf(err, "poczta-mda: %s", *text ? text : _("delivery failed"));
	if (WIFEXITED(status) && WEXITSTATUS(status) != EX_TEMPFAIL &&
	    WEXITSTATUS(status) != EX_OSERR && WEXITSTATUS(status) != EX_SOFTWARE &&
	    WEXITSTATUS(status) != 0)
		return -2;
	return -1;
}
