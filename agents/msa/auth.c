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
 * Postfix's anvil do between them.
 *
 * A password that verified is remembered for AUTHCACHE_TTL seconds, as
 * Dovecot's auth cache does: the users file's hashes are PBKDF2 with
 * 100,000 rounds, some 30 ms each, which a client opening a connection per
 * message (git send-email, cron) would pay every time.  The same shared
 * table keeps, per user, an HMAC-SHA256 under a key drawn when the agent
 * starts of (user, the stored hash, the password): never the password, and
 * a changed password (another stored hash) no longer matches.  Only
 * successes are cached; a failure always takes the full check. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
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

#define AUTHCACHE_SLOTS 256	/* users remembered; the oldest goes first */
#define AUTHCACHE_TTL 3600	/* seconds, Dovecot's auth_cache_ttl default */

struct authcache_slot {
	char user[64];
	unsigned char mac[32];	/* HMAC-SHA256(key, user NUL hash NUL password) */
	time_t expires;
};

struct msa_throttle {
	pthread_mutex_t lock;
	struct throttle_slot slot[THROTTLE_SLOTS];
	unsigned char key[32];	/* drawn at start; never leaves the agent */
	struct authcache_slot cache[AUTHCACHE_SLOTS];
};

struct msa_throttle *msa_throttle_new(void)
{
	struct msa_throttle *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;

	if (t == MAP_FAILED)
		return NULL;
	memset(t, 0, sizeof(*t));
	if (RAND_bytes(t->key, sizeof(t->key)) != 1) {
		munmap(t, sizeof(*t));
		errno = EIO;
		return NULL;
	}
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
	if (t) {
		OPENSSL_cleanse(t->key, sizeof(t->key));
		munmap(t, sizeof(*t));
	}
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

/* authcache_mac - the cache's HMAC of (user, stored hash, password) */
static bool authcache_mac(const struct msa_throttle *t, const struct user *u, const char *pass,
			  unsigned char mac[32])
{
	size_t nl = strlen(u->name) + 1, hl = strlen(u->hash) + 1, pl = strlen(pass);
	unsigned char *in = xmalloc(nl + hl + pl + 1);
	unsigned int len = 32;
	bool ok;

	memcpy(in, u->name, nl);
	memcpy(in + nl, u->hash, hl);
	memcpy(in + nl + hl, pass, pl);
	ok = HMAC(EVP_sha256(), t->key, (int)sizeof(t->key), in, nl + hl + pl, mac, &len) != NULL;
	OPENSSL_cleanse(in, nl + hl + pl);
	free(in);
	return ok;
}

/* authcache_check - whether u's password verified within AUTHCACHE_TTL */
static bool authcache_check(struct msa_throttle *t, const struct user *u, const char *pass)
{
	unsigned char mac[32];
	time_t now = time(NULL);
	bool hit = false;
	size_t i;

	if (u == NULL || strlen(u->name) >= sizeof(t->cache[0].user) ||
	    !authcache_mac(t, u, pass, mac))
		return false;
	throttle_lock(t);
	for (i = 0; i < AUTHCACHE_SLOTS; i++) {
		struct authcache_slot *c = &t->cache[i];

		if (c->expires > now && strcmp(c->user, u->name) == 0 &&
		    CRYPTO_memcmp(c->mac, mac, sizeof(mac)) == 0) {
			hit = true;
			break;
		}
	}
	pthread_mutex_unlock(&t->lock);
	OPENSSL_cleanse(mac, sizeof(mac));
	return hit;
}

/* authcache_store - remember that u's password verified */
static void authcache_store(struct msa_throttle *t, const struct user *u, const char *pass)
{
	struct authcache_slot *pick;
	unsigned char mac[32];
	time_t now = time(NULL);
	size_t i;

	if (strlen(u->name) >= sizeof(t->cache[0].user) || !authcache_mac(t, u, pass, mac))
		return;
	throttle_lock(t);
	pick = &t->cache[0];
	for (i = 0; i < AUTHCACHE_SLOTS; i++) {
		struct authcache_slot *c = &t->cache[i];

		if (strcmp(c->user, u->name) == 0) {	/* one entry a user */
			pick = c;
			break;
		}
		if (c->expires < pick->expires)
			pick = c;	/* free (0) or the oldest */
	}
	snprintf(pick->user, sizeof(pick->user), "%s", u->name);
	memcpy(pick->mac, mac, sizeof(mac));
	pick->expires = now + AUTHCACHE_TTL;
	pthread_mutex_unlock(&t->lock);
	OPENSSL_cleanse(mac, sizeof(mac));
}

void msa_auth(void *ctx, const char *ip, const char *user, const char *pass, struct dsn *out)
{
	struct msa *m = ctx;
	const struct user *u;
	unsigned failures;
	long long delay;

	auth_reload(m);
	u = users_find(m->users, user);
	if (authcache_check(m->throttle, u, pass)) {
		msg_info("auth ok from=%s user=%s (cached)", ip, u->name);
		dsn_set(out, DSN_OK, "2.7.0", "Authentication successful");
		return;
	}
	if (users_verify(u, pass)) {	/* the same work for an unknown user */
		authcache_store(m->throttle, u, pass);
		msg_info("auth ok from=%s user=%s", ip, u->name);
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
