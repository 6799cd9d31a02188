/* config.c - the client's settings (config.h). */
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "i18n.h"
#include "settings.h"
#include "strlist.h"
#include "xalloc.h"

static const char *const cfg_color_names[COL_COUNT] = {
	"normal", "status", "selected", "unread", "flagged", "deleted",
	"sidebar", "header", "quote", "signature", "attachment", "note",
};

static const char *const cfg_colour_values[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white", NULL
};

/* The look without any configuration: readable on light and dark terminals. */
static const struct cfg_pair cfg_default_colors[COL_COUNT] = {
	{ -1, -1 }, { 7, 4 }, { 0, 6 }, { -1, -1 }, { 1, -1 }, { 4, -1 },
	{ -1, -1 }, { 2, -1 }, { 6, -1 }, { 4, -1 }, { 5, -1 }, { 3, -1 },
};

static bool cfg_colour_value(const char *s, size_t n, short *out)
{
	short i;

	if (n == 7 && strncmp(s, "default", 7) == 0) {
		*out = -1;
		return true;
	}
	for (i = 0; cfg_colour_values[i]; i++)
		if (strlen(cfg_colour_values[i]) == n && strncmp(s, cfg_colour_values[i], n) == 0) {
			*out = i;
			return true;
		}
	return false;
}

bool cfg_color(struct client_config *cfg, const char *spec, struct buf *err)
{
	const char *colon = strchr(spec, ':'), *slash;
	size_t i;
	struct cfg_pair p;

	slash = colon ? strchr(colon, '/') : NULL;
	if (slash == NULL) {
		buf_printf(err, _("\"%s\" is not ELEMENT:FG/BG"), spec);
		return false;
	}
	if (!cfg_colour_value(colon + 1, (size_t)(slash - colon - 1), &p.fg) ||
	    !cfg_colour_value(slash + 1, strlen(slash + 1), &p.bg)) {
		buf_printf(err, _("\"%s\": unknown colour"), spec);
		return false;
	}
	for (i = 0; i < COL_COUNT; i++)
		if (strlen(cfg_color_names[i]) == (size_t)(colon - spec) &&
		    strncmp(spec, cfg_color_names[i], (size_t)(colon - spec)) == 0) {
			cfg->colors[i] = p;
			return true;
		}
	buf_printf(err, _("\"%s\": unknown element"), spec);
	return false;
}

/* cfg_maildir - [client] maildir, else [mda] maildir of the default user */
static char *cfg_maildir(const struct conf *c)
{
	char *m = conf_get_path(c, "client", NULL, "maildir");
	const char *user = conf_get(c, "global", NULL, "user");

	if (m)
		return m;
	if (user == NULL || *user == '\0')
		user = getenv("USER");
	return settings_user_path(c, "mda", "maildir", user && *user ? user : "user");
}

/* cfg_searches - the [search NAME] sections, else three useful ones */
static void cfg_searches(struct client_config *cfg, const struct conf *c)
{
	static const char *const defaults[][2] = {
		{ "inbox", "tag:inbox" }, { "unread", "tag:unread" }, { "flagged", "tag:flagged" },
	};
	size_t i, n = conf_count(c, "search");

	cfg->searches = xcalloc(n ? n : 3, sizeof(*cfg->searches));
	for (i = 0; i < n; i++) {
		const char *name = conf_name(c, "search", i);
		const char *q = conf_get(c, "search", name, "query");

		cfg->searches[cfg->nsearches].name = xstrdup(name);
		cfg->searches[cfg->nsearches++].query = xstrdup(q ? q : "*");
	}
	for (i = 0; n == 0 && i < 3; i++) {
		cfg->searches[cfg->nsearches].name = xstrdup(defaults[i][0]);
		cfg->searches[cfg->nsearches++].query = xstrdup(defaults[i][1]);
	}
}

/* cfg_list - apply each item of a LIST key; false when one is bad */
static bool cfg_list(struct client_config *cfg, const struct conf *c, const char *key,
		     bool (*apply)(struct client_config *, const char *, struct buf *),
		     struct buf *err)
{
	char **items = conf_get_list(c, "client", NULL, key, NULL);
	struct buf why = BUF_INIT;
	bool ok = true;
	size_t i;

	for (i = 0; items[i]; i++) {
		buf_reset(&why);
		if (!apply(cfg, items[i], &why)) {
			buf_printf(err, "%s:%d: %s: %s\n", conf_path(c),
				   conf_line(c, "client", NULL, key), key, buf_cstr(&why));
			ok = false;
		}
	}
	conf_list_free(items);
	buf_free(&why);
	return ok;
}

static bool cfg_bind(struct client_config *cfg, const char *spec, struct buf *err)
{
	const char *colon = strrchr(spec, ':');

	if (colon && strncmp(colon + 1, "compose-", 8) == 0)
		return keys_bind_table(&cfg->compose_keys, keys_compose_actions, spec, err);
	return keys_bind(&cfg->keys, spec, err);
}

/* cfg_compose - the settings for writing mail; From defaults to the
 * [global] user at the first local domain, as the sandbox has them */
static void cfg_compose(struct client_config *cfg, const struct conf *c)
{
	const char *from = conf_get(c, "client", NULL, "from");
	const char *user = conf_get(c, "global", NULL, "user");
	char **domains = settings_domains(c);
	char *data = settings_data_dir(c);

	if (user == NULL || *user == '\0')
		user = getenv("USER");
	cfg->from = from ? xstrdup(from) : xasprintf("%s@%s", user && *user ? user : "user",
						       domains[0]);
	strlist_free(domains);
	cfg->alternates = conf_get_list(c, "client", NULL, "alternates", NULL);
	cfg->signature = conf_get_path(c, "client", NULL, "signature");
	cfg->attribution = xstrdup(conf_get(c, "client", NULL, "attribution"));
	if (conf_get(c, "client", NULL, "editor"))
		cfg->editor = xstrdup(conf_get(c, "client", NULL, "editor"));
	cfg->drafts = xstrdup(conf_get(c, "client", NULL, "drafts"));
	cfg->flowed = conf_get_bool(c, "client", NULL, "flowed");
	cfg->hostname = settings_hostname(c);
	cfg->aliases = conf_get_path(c, "mta", NULL, "aliases");
	cfg->index_spool = data ? xasprintf("%s/index", data) : NULL;
	free(data);
	keys_init_table(&cfg->compose_keys, keys_compose_actions);
}

bool cfg_load(struct client_config *cfg, const struct conf *c, struct buf *err)
{
	bool ok;

	memset(cfg, 0, sizeof(*cfg));
	cfg->maildir = cfg_maildir(c);
	cfg->conf = c;
	cfg->start = xstrdup(conf_get(c, "client", NULL, "start"));
	cfg->threads = strcmp(conf_get(c, "client", NULL, "view"), "threads") == 0;
	cfg->oldest_first = strcmp(conf_get(c, "client", NULL, "sort"), "oldest") == 0;
	cfg->sidebar = conf_get_bool(c, "client", NULL, "sidebar");
	cfg->sidebar_width = (int)conf_get_int(c, "client", NULL, "sidebar_width");
	cfg->prefer_html = conf_get_bool(c, "client", NULL, "prefer_html");
	cfg->headers = strlist_split(conf_get(c, "client", NULL, "headers"), ",");
	if (conf_get(c, "client", NULL, "mailcap"))
		cfg->mailcap = xstrdup(conf_get(c, "client", NULL, "mailcap"));
	memcpy(cfg->colors, cfg_default_colors, sizeof(cfg->colors));
	keys_init(&cfg->keys);
	cfg_searches(cfg, c);
	cfg_compose(cfg, c);
	ok = cfg_list(cfg, c, "bind", cfg_bind, err);
	ok &= cfg_list(cfg, c, "color", cfg_color, err);
	ok &= outbox_config_load(&cfg->outbox, c, cfg->maildir, err);
	if (cfg->maildir == NULL) {
		buf_puts(err, _("no Maildir: set [client] maildir\n"));
		ok = false;
	}
	return ok;
}

void cfg_free(struct client_config *cfg)
{
	size_t i;

	free(cfg->maildir);
	free(cfg->start);
	strlist_free(cfg->headers);
	free(cfg->mailcap);
	for (i = 0; i < cfg->nsearches; i++) {
		free(cfg->searches[i].name);
		free(cfg->searches[i].query);
	}
	free(cfg->searches);
	free(cfg->from);
	conf_list_free(cfg->alternates);
	free(cfg->signature);
	free(cfg->attribution);
	free(cfg->editor);
	free(cfg->drafts);
	free(cfg->hostname);
	free(cfg->aliases);
	free(cfg->index_spool);
	outbox_config_free(&cfg->outbox);
	memset(cfg, 0, sizeof(*cfg));
}
