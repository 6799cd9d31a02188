/* auth.c - who may submit, and as whom.
 *
 * Passwords are the users file's (poczta-ctl adduser, passwd), read again
 * at each AUTH so that a changed password counts at once, and checked by
 * users_verify in constant time, an unknown user included.
 *
 * Failed logins are slowed down per client address across sessions: every
 * session is its own process, so the count of recent failures per address
 * lives in a small table mapped MAP_SHARED before the listeners fork, under
 * a process-shared mutex.  A failure is answered after auth_delay times the
 * failures from that address within auth_window (at most auth_delay_max):
 * a guesser who opens a new session after the engine's third strike (421)
 * finds the next answer slower still, as Dovecot's auth_failure_delay and
 * Postfix's anvil do between them. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include "msa.h"
#include "msg.h"
#include "users.h"
#include "xalloc.h"

#define THROTTLE_SLOTS 512	/* addresses remembered; the oldest goes first */

struct throttle_slot {
	char ip[48];
	unsigned failures;
	time_t first, last;	/* of the failures counted */
};

struct msa_throttle {
	pthread_mutex_t lock;
	struct throttle_slot slot[THROTTLE_SLOTS];
};

struct msa_throttle *msa_throttle_new(void)
{
	struct msa_throttle *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;

	if (t == MAP_FAILED)
		return NULL;
	memset(t, 0, sizeof(*t));
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	/* a session killed while it holds the lock must not stop the others */
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&t->lock, &a);
	pthread_mutexattr_destroy(&a);
	return t;
}

void msa_throttle_free(struct msa_throttle *t)
{
	if (t)
		munmap(t, sizeof(*t));
}

static void throttle_lock(struct msa_throttle *t)
{
	if (pthread_mutex_lock(&t->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&t->lock);
}

/* throttle_slot - ip's slot, or the one to give it: a free or stale one,
 * else the least recently used */
static struct throttle_slot *throttle_slot(struct msa_throttle *t, const char *ip, time_t now,
					   long long window)
{
	struct throttle_slot *s, *pick = &t->slot[0];

	for (s = t->slot; s < t->slot + THROTTLE_SLOTS; s++)
		if (strcmp(s->ip, ip) == 0)
			return s;
	for (s = t->slot; s < t->slot + THROTTLE_SLOTS; s++) {
		if (s->ip[0] == '\0' || now - s->last > window) {
			pick = s;
			break;
		}
		if (s->last < pick->last)
			pick = s;
	}
	memset(pick, 0, sizeof(*pick));
	snprintf(pick->ip, sizeof(pick->ip), "%s", ip);
	return pick;
}

unsigned msa_throttle_fail(struct msa_throttle *t, const char *ip, long long window)
{
	time_t now = time(NULL);
	struct throttle_slot *s;
	unsigned n;

	throttle_lock(t);
	s = throttle_slot(t, ip, now, window);
	if (s->failures && now - s->last > window)
		s->failures = 0;	/* forgotten: a new run of failures */
	if (s->failures++ == 0)
		s->first = now;
	s->last = now;
	n = s->failures;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* auth_sleep - wait ms milliseconds, whatever signals come */
static void auth_sleep(long long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* auth_reload - the users file as it is now; on a read error the list
 * read before stays */
static void auth_reload(struct msa *m)
{
	struct buf err = BUF_INIT;
	struct users *u = users_load(m->users_file, &err);

	if (u == NULL)
		msg_warnx("%s", buf_cstr(&err));
	else {
		users_free(m->users);
		m->users = u;
		m->policy.users = u;
	}
	buf_free(&err);
}

void msa_auth(void *ctx, const char *ip, const char *user, const char *pass, struct dsn *out)
{
	struct msa *m = ctx;
	const struct user *u;
	unsigned failures;
	long long delay;

	auth_reload(m);
	u = users_find(m->users, user);
	if (users_verify(u, pass)) {	/* the same work for an unknown user */
		dsn_set(out, DSN_OK, "2.7.0", "Authentication successful");
		return;
	}
	failures = msa_throttle_fail(m->throttle, ip, m->auth_window);
	delay = m->auth_delay_ms * failures;
	if (delay > m->auth_delay_max_ms)
		delay = m->auth_delay_max_ms;
	dsn_set(out, DSN_PERMFAIL, "5.7.8", "%s; failures=%u from this address, answered after %lld ms",
		u ? "wrong password" : "no such user", failures, delay);
	auth_sleep(delay);
}

/* sender_own_local - whether local (before its +detail) is user's name */
static bool sender_own_local(const char *local, size_t len, const char *user)
{
	const char *plus = memchr(local, '+', len);
	size_t i, n = plus ? (size_t)(plus - local) : len;

	if (n != strlen(user))
		return false;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)local[i]) != user[i])
			return false;
	return true;
}

bool msa_sender_ok(void *ctx, const char *user, const char *addr)
{
	struct msa *m = ctx;
	const char *at = strrchr(addr, '@');
	const struct user *owner;

	if (at && at > addr && at[1] && rcptpolicy_is_local(&m->policy, at + 1) &&
	    sender_own_local(addr, (size_t)(at - addr), user))
		return true;
	owner = users_find_address(m->users, addr);
	return owner != NULL && strcmp(owner->name, user) == 0;
}
