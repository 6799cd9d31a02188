/* settings.c - the whole poczta.conf schema, a typed table per section
 * (NeoMutt's ConfigDef, Postfix's CONFIG_*_TABLE), from which poczta.conf(5)
 * is checked; and the values derived from it (settings.h).
 * Each agent adds its section here; the table is the one place a key exists. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "i18n.h"
#include "msg.h"
#include "settings.h"
#include "tls.h"
#include "strlist.h"
#include "xalloc.h"

static const struct conf_option global_options[] = {
	{ "hostname", CONF_STRING, NULL,
	  "this host's name in greetings and trace headers; unset: the system host name", NULL },
	{ "domains", CONF_LIST, "localhost",
	  "the local mail domains: mail to them is delivered here", NULL },
	{ "user", CONF_STRING, NULL,
	  "the default local user, who gets mail for an address no one else has", NULL },
	{ "data_dir", CONF_PATH, "/var/lib/poczta",
	  "where state lives: the queue, uid lists, the users file and run/ pid files", NULL },
	{ "users_file", CONF_PATH, NULL,
	  "the users file (name:password-hash:addresses); unset: DATA_DIR/users", NULL },
	{ "log_file", CONF_PATH, NULL,
	  "a file every agent appends its log to; unset: standard error only", NULL },
	{ "run_user", CONF_STRING, "poczta",
	  "the unprivileged user agents switch to when started as root", NULL },
	{ "tls_cert", CONF_PATH, NULL,
	  "the server certificate chain (PEM) for STARTTLS and implicit TLS", NULL },
	{ "tls_key", CONF_PATH, NULL,
	  "the private key (PEM) of tls_cert", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

static const struct conf_option mda_options[] = {
	{ "maildir", CONF_PATH, "~/Maildir",
	  "the Maildir mail is delivered to; %u stands for the recipient's user name", NULL },
	{ "sieve", CONF_PATH, NULL,
	  "a Sieve script run on each delivery (%u as in maildir); unset: no filtering", NULL },
	{ "lmtp_listen", CONF_ENDPOINT, NULL,
	  "where the LMTP server listens; unset: no LMTP listener", NULL },
	{ "max_message_size", CONF_SIZE, "256m",
	  "the largest message accepted for delivery", NULL },
	{ "redirect_command", CONF_STRING, "/usr/sbin/sendmail -i",
	  "the command (run without a shell) that sends mail on for a Sieve redirect", NULL },
	{ "index", CONF_BOOL, "yes",
	  "whether delivered mail is added to the notmuch index", NULL },
	{ "new_tags", CONF_LIST, "inbox,unread",
	  "the notmuch tags new mail gets", NULL },
	{ "index_interval_ms", CONF_INT, "200",
	  "how long delivered mail may wait to be indexed in one batch, in milliseconds", NULL },
	{ "max_connections", CONF_INT, "20",
	  "the most LMTP sessions served at once", NULL },
	{ "trace", CONF_BOOL, "no",
	  "print the LMTP dialogue line by line in the log", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

static const struct conf_option mta_options[] = {
	{ "listen", CONF_ENDPOINT, NULL,
	  "where the SMTP server listens (port 25); unset: no SMTP server", NULL },
	{ "relay_networks", CONF_LIST, "",
	  "client networks (CIDR, e.g. 192.0.2.0/24) that may relay without authenticating", NULL },
	{ "aliases", CONF_PATH, NULL,
	  "an aliases(5) file: local aliases, lists, :include: and forwarding", NULL },
	{ "relayhost", CONF_STRING, NULL,
	  "send all remote mail through this smarthost (host or host:port); unset: by MX", NULL },
	{ "relay_tls", CONF_ENUM, "starttls",
	  "TLS to the relayhost: starttls (required, verified), implicit (port 465), none",
	  "starttls|implicit|none" },
	{ "relay_user", CONF_STRING, NULL,
	  "the user name for AUTH at the relayhost; unset: no AUTH", NULL },
	{ "relay_password", CONF_STRING, NULL,
	  "the password for AUTH at the relayhost", NULL },
	{ "relay_password_command", CONF_STRING, NULL,
	  "a command (run without a shell) whose first output line is the relay password", NULL },
	{ "relay_ca", CONF_PATH, NULL,
	  "trust these CA certificates (PEM) for the relayhost; unset: the system's", NULL },
	{ "mx_tls", CONF_ENUM, "may",
	  "TLS for delivery by MX: may (STARTTLS when offered) or required", "may|required" },
	{ "max_message_size", CONF_SIZE, "50m",
	  "the largest message accepted (announced as SIZE)", NULL },
	{ "max_recipients", CONF_INT, "100",
	  "the most recipients of one message", NULL },
	{ "max_errors", CONF_INT, "10",
	  "bad commands in one session before it is closed with 421", NULL },
	{ "max_connections", CONF_INT, "50",
	  "the most SMTP sessions served at once", NULL },
	{ "timeout", CONF_DURATION, "5m",
	  "how long a client may stay silent", NULL },
	{ "retry_min", CONF_DURATION, "5m",
	  "the first wait before a deferred message is tried again (it doubles)", NULL },
	{ "retry_max", CONF_DURATION, "1h",
	  "the longest wait between tries", NULL },
	{ "max_queue_lifetime", CONF_DURATION, "5d",
	  "how long a message is retried before it bounces", NULL },
	{ "group_commit", CONF_BOOL, "yes",
	  "make the messages of concurrent sessions durable together (a committer process)", NULL },
	{ "delivery_concurrency", CONF_INT, "10",
	  "messages delivered at once", NULL },
	{ "local_delivery", CONF_STRING, NULL,
	  "how local mail reaches the MDA: lmtp:HOST:PORT, lmtp:unix:/PATH or pipe; unset: "
	  "[mda] lmtp_listen when set, else pipe (poczta-mda run per recipient)", NULL },
	{ "trace", CONF_BOOL, "no",
	  "print the SMTP dialogue line by line in the log", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

static const struct conf_option account_options[] = {
	{ "type", CONF_ENUM, "imap",
	  "the remote mailbox's protocol: imap or pop3", "imap|pop3" },
	{ "host", CONF_STRING, NULL,
	  "the server's host name (checked against its certificate)", NULL },
	{ "port", CONF_INT, NULL,
	  "the server's port; unset: 143 or 993 for IMAP, 110 or 995 for POP3, as tls says", NULL },
	{ "tls", CONF_ENUM, "starttls",
	  "starttls (required, verified), implicit (imaps, pop3s) or none (loopback only)",
	  "starttls|implicit|none" },
	{ "user", CONF_STRING, NULL,
	  "the user name at the server", NULL },
	{ "password_file", CONF_PATH, NULL,
	  "a file whose first line is the password (readable by its owner only)", NULL },
	{ "password_command", CONF_STRING, NULL,
	  "a command (split on blanks, run without a shell) whose first output line is the password",
	  NULL },
	{ "folders", CONF_LIST, "INBOX",
	  "the IMAP folders fetched (POP3 has only one)", NULL },
	{ "keep", CONF_BOOL, "yes",
	  "keep fetched mail on the server; no: delete it once it is delivered here", NULL },
	{ "local_user", CONF_STRING, NULL,
	  "the local user (or address) mail is delivered to; unset: [global] user", NULL },
	{ "ca", CONF_PATH, NULL,
	  "trust these CA certificates (PEM) for this server; unset: the system's", NULL },
	{ "pin", CONF_STRING, NULL,
	  "the server certificate's SHA-256 fingerprint, accepted even when it does not verify",
	  NULL },
	{ "watch", CONF_BOOL, "no",
	  "poczta-mra watch (and poczta-ctl up) keeps this account open with IMAP IDLE", NULL },
	{ "sync_flags", CONF_BOOL, "no",
	  "IMAP with keep = yes: \\Seen, \\Flagged and trash go both ways between here and there",
	  NULL },
	{ "timeout", CONF_DURATION, "60s",
	  "how long the server may stay silent", NULL },
	{ "trace", CONF_BOOL, "no",
	  "print the protocol dialogue line by line in the log (passwords masked)", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

static const struct conf_option msa_options[] = {
	{ "listen", CONF_ENDPOINT, NULL,
	  "where the submission server listens with STARTTLS (port 587); unset: not there", NULL },
	{ "listen_tls", CONF_ENDPOINT, NULL,
	  "where it listens with implicit TLS (port 465, RFC 8314); unset: not there", NULL },
	{ "max_message_size", CONF_SIZE, "50m",
	  "the largest message accepted (announced as SIZE)", NULL },
	{ "max_recipients", CONF_INT, "100",
	  "the most recipients of one message", NULL },
	{ "max_errors", CONF_INT, "10",
	  "bad commands in one session before it is closed with 421", NULL },
	{ "max_auth_failures", CONF_INT, "3",
	  "failed logins in one session before it is closed with 421", NULL },
	{ "auth_delay_ms", CONF_INT, "1000",
	  "a failed login is answered after this many milliseconds times the failures "
	  "from the same client address within auth_window", NULL },
	{ "auth_delay_max", CONF_DURATION, "30s",
	  "the longest wait before a failed login is answered", NULL },
	{ "auth_window", CONF_DURATION, "15m",
	  "how long a failed login from an address is remembered", NULL },
	{ "auth_in_clear", CONF_BOOL, "no",
	  "offer AUTH without TLS to loopback clients (127.0.0.0/8, ::1), for tests", NULL },
	{ "max_connections", CONF_INT, "20",
	  "the most submission sessions served at once, per listener", NULL },
	{ "timeout", CONF_DURATION, "5m",
	  "how long a client may stay silent", NULL },
	{ "trace", CONF_BOOL, "no",
	  "print the SMTP dialogue line by line in the log (credentials masked)", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

static const struct conf_option maa_options[] = {
	{ "imap_listen", CONF_ENDPOINT, NULL,
	  "where the IMAP server listens with STARTTLS (port 143); unset: not there", NULL },
	{ "imap_listen_tls", CONF_ENDPOINT, NULL,
	  "where the IMAP server listens with implicit TLS (port 993); unset: not there", NULL },
	{ "pop3_listen", CONF_ENDPOINT, NULL,
	  "where the POP3 server listens with STLS (port 110); unset: not there", NULL },
	{ "pop3_listen_tls", CONF_ENDPOINT, NULL,
	  "where the POP3 server listens with implicit TLS (port 995); unset: not there", NULL },
	{ "allow_clear_auth", CONF_BOOL, "no",
	  "allow LOGIN, AUTHENTICATE, USER/PASS and AUTH without TLS (a sandbox on loopback)",
	  NULL },
	{ "max_message_size", CONF_SIZE, "64m",
	  "the largest literal a client may send (APPEND's message)", NULL },
	{ "max_connections", CONF_INT, "50",
	  "the most sessions served at once on each listener", NULL },
	{ "timeout", CONF_DURATION, "30m",
	  "how long a client may stay silent outside IDLE (RFC 3501 5.4: at least 30m)", NULL },
	{ "trace", CONF_BOOL, "no",
	  "print the IMAP dialogue line by line in the log (passwords masked)", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

static const struct conf_option client_options[] = {
	{ "maildir", CONF_PATH, NULL,
	  "the Maildir the client reads; unset: [mda] maildir of [global] user (else $USER)", NULL },
	{ "start", CONF_STRING, "tag:inbox",
	  "the notmuch query the client opens with", NULL },
	{ "view", CONF_ENUM, "threads",
	  "the index lists threads (as notmuch builds them) or single messages",
	  "threads|messages" },
	{ "sort", CONF_ENUM, "newest",
	  "the index shows the newest or the oldest first", "newest|oldest" },
	{ "headers", CONF_LIST, "From,To,Cc,Date,Subject",
	  "the headers the pager shows, in this order", NULL },
	{ "bind", CONF_LIST, "",
	  "key bindings KEY:ACTION (e.g. x:quit, ^D:page-down, Space:none); see poczta(1)", NULL },
	{ "color", CONF_LIST, "",
	  "colours ELEMENT:FG/BG (e.g. selected:black/cyan, quote:green/default); see poczta(1)",
	  NULL },
	{ "sidebar", CONF_BOOL, "yes",
	  "show the sidebar of folders and saved searches", NULL },
	{ "sidebar_width", CONF_INT, "24",
	  "the sidebar's width in columns", NULL },
	{ "prefer_html", CONF_BOOL, "no",
	  "show the HTML part of multipart/alternative rather than the plain text", NULL },
	{ "mailcap", CONF_STRING, NULL,
	  "':'-separated mailcap files for HTML and attachments; unset: $MAILCAPS, else "
	  "~/.mailcap:/etc/mailcap", NULL },
	{ "from", CONF_STRING, NULL,
	  "the From of mail written in the client (\"Name <addr>\"); unset: [global] user at "
	  "the first of [global] domains", NULL },
	{ "alternates", CONF_LIST, "",
	  "the user's other addresses, left out of group replies", NULL },
	{ "signature", CONF_PATH, NULL,
	  "a file whose text goes under \"-- \" at the end of new messages", NULL },
	{ "attribution", CONF_STRING, "On %d, %n wrote:",
	  "the line above a quoted message: %d its date, %n its author", NULL },
	{ "editor", CONF_STRING, NULL,
	  "the editor for messages (split on spaces, no shell); unset: $VISUAL, else $EDITOR, "
	  "else vi", NULL },
	{ "drafts", CONF_STRING, "Drafts",
	  "the Maildir++ folder postponed messages go to", NULL },
	{ "flowed", CONF_BOOL, "no",
	  "send text as format=flowed (RFC 3676)", NULL },
	{ "submit", CONF_ENDPOINT, NULL,
	  "the MSA mail is sent through (host:port); unset: straight into the local queue", NULL },
	{ "submit_tls", CONF_ENUM, "starttls",
	  "TLS to the MSA: starttls (port 587), implicit (port 465), none (loopback only)",
	  "starttls|implicit|none" },
	{ "submit_user", CONF_STRING, NULL,
	  "the user name for AUTH at the MSA; unset: no AUTH", NULL },
	{ "submit_password_command", CONF_STRING, NULL,
	  "a command (run without a shell) whose first line of output is the MSA password", NULL },
	{ "submit_password_file", CONF_PATH, NULL,
	  "a file (mode 0600) whose first line is the MSA password", NULL },
	{ "submit_ca", CONF_PATH, NULL,
	  "a CA or certificate file (PEM) to trust for the MSA; unset: the system's CAs", NULL },
	{ "send_delay", CONF_DURATION, "5s",
	  "how long a sent message waits in the outbox, to be taken back (0: sent at once)", NULL },
	{ "outbox", CONF_PATH, NULL,
	  "the outbox spool; unset: DATA_DIR/outbox when DATA_DIR is yours, else "
	  "$XDG_STATE_HOME/poczta/outbox", NULL },
	{ "sent", CONF_STRING, "Sent",
	  "the folder copies of sent messages go to", NULL },
	{ "trace", CONF_BOOL, "no",
	  "write the submission dialogue with the MSA (\"MUA C:\" / \"MUA S:\" lines, AUTH "
	  "masked) to the client's log, where the agents screen shows it", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

static const struct conf_option search_options[] = {
	{ "query", CONF_STRING, NULL,
	  "the notmuch query of a saved search shown in the client's sidebar", NULL },
	{ NULL, 0, NULL, NULL, NULL }
};

const struct conf_section_def poczta_conf_schema[] = {
	{ "global", false, global_options, "settings every program shares" },
	{ "mda", false, mda_options, "the delivery agent, poczta-mda" },
	{ "mta", false, mta_options, "the transfer agent, poczta-mta" },
	{ "msa", false, msa_options, "the submission agent, poczta-msa" },
	{ "maa", false, maa_options, "the access agent, poczta-maa (IMAP and POP3)" },
	{ "account", true, account_options, "a remote mailbox poczta-mra fetches" },
	{ "client", false, client_options, "the mail client, poczta" },
	{ "search", true, search_options, "a saved search: [search NAME] query = QUERY" },
	{ NULL, false, NULL, NULL }
};

char *settings_hostname(const struct conf *c)
{
	const char *h = conf_get(c, "global", NULL, "hostname");
	char name[HOST_NAME_MAX + 1];

	if (h && *h)
		return xstrdup(h);
	if (gethostname(name, sizeof(name)) < 0 || name[0] == '\0')
		return xstrdup("localhost");
	name[sizeof(name) - 1] = '\0';
	return xstrdup(name);
}

char *settings_data_dir(const struct conf *c)
{
	return conf_get_path(c, "global", NULL, "data_dir");
}

char *settings_run_dir(const struct conf *c)
{
	char *d = settings_data_dir(c);
	char *r = xasprintf("%s/run", d);

	free(d);
	return r;
}

char *settings_users_file(const struct conf *c)
{
	char *d, *r;

	if (conf_get(c, "global", NULL, "users_file"))
		return conf_get_path(c, "global", NULL, "users_file");
	d = settings_data_dir(c);
	r = xasprintf("%s/users", d);
	free(d);
	return r;
}

char *settings_user_path(const struct conf *c, const char *section,
			 const char *key, const char *user)
{
	const char *raw = conf_get(c, section, NULL, key);
	struct buf b = BUF_INIT;
	char *r;

	if (raw == NULL)
		return NULL;
	for (; *raw; raw++) {
		if (raw[0] == '%' && raw[1] == 'u')
			buf_puts(&b, user), raw++;
		else if (raw[0] == '%' && raw[1] == '%')
			buf_putc(&b, '%'), raw++;
		else
			buf_putc(&b, *raw);
	}
	r = conf_resolve_path(c, buf_cstr(&b));
	buf_free(&b);
	return r;
}

struct conf *settings_load(const char *cmdline, char **path)
{
	char *p = conf_locate(cmdline);
	struct buf err = BUF_INIT;
	struct conf *c = conf_load(p, poczta_conf_schema, &err);

	if (c == NULL || conf_error_count(c) > 0) {
		fputs(buf_cstr(&err), stderr);
		msg_fatal(_("configuration %s is not usable"), p);
	}
	buf_free(&err);
	if (path)
		*path = p;
	else
		free(p);
	return c;
}

char **settings_domains(const struct conf *c)
{
	char **d = strlist_split(conf_get(c, "global", NULL, "domains"), ",");

	if (d[0] == NULL) {
		char *host = settings_hostname(c);
		d = strlist_add(d, host);
		free(host);
	}
	return d;
}

struct tls_server *settings_tls_server(const struct conf *c, bool *configured, struct buf *err)
{
	char *cert = conf_get_path(c, "global", NULL, "tls_cert");
	char *key = conf_get_path(c, "global", NULL, "tls_key");
	struct tls_server *t = NULL;

	*configured = cert && key;
	if (*configured)
		t = tls_server_new(cert, key, err);
	free(cert);
	free(key);
	return t;
}
