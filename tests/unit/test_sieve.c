/* test_sieve.c - Sieve (RFC 5228 and extensions): tables of scripts run on
 * messages with the actions they must give, tables of scripts that must not
 * compile with the position of the error.  Limits and hostile input are in
 * test_sieve_limits.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "sieve_fixtures.h"
#include "buf.h"
#include "sieve.h"
#include "xalloc.h"

/* ---- messages ---- */

static const char msg_encoded[] =
	"From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\n"
	"To: me@example.com\r\n"
	"Subject: =?ISO-8859-1?Q?Caf=E9?= =?UTF-8?B?w6k=?= ok\r\n"
	"X-Folded: first\r\n"
	"\tsecond\r\n"
	"\r\n"
	"body without a final line end";

static const char msg_lists[] =
	"From: someone@example.net\n"
	"To: ietf-mta-filters@imc.org\n"
	"List-ID: Sieve mailing list <ietf-mta-filters@imc.org>\n"
	"Subject: [acme-users] [fwd] version 1.0 is out\n"
	"\n"
	"hello\n";

static const char msg_mime[] =
	"From: sender@example.org\n"
	"To: me@example.com\n"
	"Subject: parts\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"XX\"\n"
	"\n"
	"preamble\n"
	"--XX\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"SGVsbG8gZnJvbSB0aGUgZGVzZXJ0Lg==\n"
	"--XX\n"
	"Content-Type: text/html; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"<b>bold</b> caf=E9 and the project schedule\n"
	"--XX\n"
	"Content-Type: application/octet-stream\n"
	"\n"
	"SECRETWORD\n"
	"--XX--\n";

static const char msg_sender_list[] =
	"Sender: owner-ietf-mta-filters@imc.org\n"
	"From: someone@example.net\n"
	"To: ietf-mta-filters@imc.org\n"
	"Subject: filters\n\nx\n";
static const char msg_company[] =
	"From: boss@example.com\nTo: me@example.com\nSubject: meeting\n\nx\n";
static const char msg_spam[] =
	"From: x@spam.example\nTo: someone@else.example\nSubject: money\n\nx\n";
static const char msg_moneyfast[] =
	"From: x@spam.example\nTo: list@else.example\nCc: me@example.com\n"
	"Subject: MAKE your MONEY grow FAST\n\nx\n";
static const char msg_personal[] =
	"From: friend@else.example\nTo: friends@else.example\nCc: me@example.com\n"
	"Subject: hi\n\nx\n";
static const char msg_grandma[] =
	"From: grandma@example.net\nTo: me@example.com\nSubject: cookies\n\nx\n";
static const char msg_boss_big[] =
	"From: boss@company.example.com\nTo: me@example.com\n"
	"X-Spam-Level: ************\nSubject: big\n\n"
	"0123456789012345678901234567890123456789012345678901234567890123456789\n"
	"0123456789012345678901234567890123456789012345678901234567890123456789\n"
	"0123456789012345678901234567890123456789012345678901234567890123456789\n"
	"0123456789012345678901234567890123456789012345678901234567890123456789\n"
	"0123456789012345678901234567890123456789012345678901234567890123456789\n"
	"0123456789012345678901234567890123456789012345678901234567890123456789\n"
	"0123456789012345678901234567890123456789012345678901234567890123456789\n";
static const char msg_headers_only[] = "Subject: no body\nFrom: a@b.example";

/* ---- the table of runs ---- */

struct want {
	enum sieve_action_type type;
	const char *target;
	const char *flags;	/* space-separated, NULL for none */
	int line;
};

struct run_case {
	const char *name;
	const char *script;
	const char *msg;	/* NULL: msg_coyote */
	const char *env_from;	/* NULL: the default below */
	int rc;
	int n;
	struct want want[4];
};

#define IMPLICIT { SIEVE_KEEP, NULL, NULL, 0 }
#define KEEP(l) { SIEVE_KEEP, NULL, NULL, l }
#define DISCARD(l) { SIEVE_DISCARD, NULL, NULL, l }
#define FILEINTO(t, l) { SIEVE_FILEINTO, t, NULL, l }
#define REDIRECT(t, l) { SIEVE_REDIRECT, t, NULL, l }
/* a script whose test decides between discard (true) and the implicit keep */
#define YES(name, test, msg) { name, "if " test " { discard; }", msg, NULL, 0, 1, { DISCARD(1) } }
#define NO(name, test, msg) { name, "if " test " { discard; }", msg, NULL, 0, 1, { IMPLICIT } }
#define YESR(name, req, test, msg) \
	{ name, "require " req "; if " test " { discard; }", msg, NULL, 0, 1, { DISCARD(1) } }
#define NOR(name, req, test, msg) \
	{ name, "require " req "; if " test " { discard; }", msg, NULL, 0, 1, { IMPLICIT } }

/* RFC 5228 9 */
static const char rfc5228_s9[] =
	"#\n"
	"# Example Sieve Filter\n"
	"# Declare any optional features or extension used by the script\n"
	"#\n"
	"require [\"fileinto\"];\n"
	"\n"
	"#\n"
	"# Handle messages from known mailing lists\n"
	"# Move messages from IETF filter discussion list to filter mailbox\n"
	"#\n"
	"if header :is \"Sender\" \"owner-ietf-mta-filters@imc.org\"\n"
	"        {\n"
	"        fileinto \"filter\";  # move to \"filter\" mailbox\n"
	"        }\n"
	"#\n"
	"# Keep all messages to or from people in my company\n"
	"#\n"
	"elsif address :DOMAIN :is [\"From\", \"To\"] \"example.com\"\n"
	"        {\n"
	"        keep;               # keep in \"In\" mailbox\n"
	"        }\n"
	"\n"
	"#\n"
	"# Try and catch unsolicited email.  If a message is not to me,\n"
	"# or it contains a subject known to be spam, file it away.\n"
	"#\n"
	"elsif anyof (NOT address :all :contains\n"
	"               [\"To\", \"Cc\", \"Bcc\"] \"me@example.com\",\n"
	"             header :matches \"subject\"\n"
	"               [\"*make*money*fast*\", \"*university*dipl*mas*\"])\n"
	"        {\n"
	"        fileinto \"spam\";   # move to \"spam\" mailbox\n"
	"        }\n"
	"else\n"
	"        {\n"
	"        # Move all other (non-company) mail to \"personal\"\n"
	"        # mailbox.\n"
	"        fileinto \"personal\";\n"
	"        }\n";

/* RFC 5228 3.1 */
static const char rfc5228_if[] =
	"if header :contains [\"from\"] [\"coyote\"] {\n"
	"   redirect \"acm@example.com\";\n"
	"} elsif header :contains \"subject\" \"$$$\" {\n"
	"   redirect \"postmaster@example.com\";\n"
	"} else {\n"
	"   redirect \"field@example.com\";\n"
	"}\n";

/* RFC 5232 6, with the sizes scaled to the test messages */
static const char rfc5232_ex[] =
	"require [\"fileinto\", \"imap4flags\", \"variables\"];\n"
	"if size :over 500 {\n"
	"    addflag \"MyFlags\" \"Big\";\n"
	"    if header :is \"From\" \"boss@company.example.com\" {\n"
	"        addflag \"MyFlags\" \"\\\\Flagged\";\n"
	"    }\n"
	"    fileinto :flags \"${MyFlags}\" \"Big messages\";\n"
	"}\n"
	"if header :is \"From\" \"grandma@example.net\" {\n"
	"    addflag \"MyFlags\" [\"\\\\Answered\", \"$MDNSent\"];\n"
	"    fileinto :flags \"${MyFlags}\" \"GrandMa\";\n"
	"}\n"
	"if header :contains \"X-Spam-Level\" \"**********\" {\n"
	"    removeflag \"MyFlags\" \"Big\";\n"
	"    fileinto :flags \"${MyFlags}\" \"SPAM\";\n"
	"}\n";

/* RFC 5229 3.2 */
static const char rfc5229_ex[] =
	"require [\"fileinto\", \"variables\"];\n"
	"if header :matches \"List-ID\" \"*<*@*\" {\n"
	"    fileinto \"INBOX.lists.${2}\"; stop;\n"
	"}\n"
	"# Imagine the header\n"
	"# Subject: [acme-users] [fwd] version 1.0 is out\n"
	"if header :matches \"Subject\" \"[*] *\" {\n"
	"    # ${1} will hold \"acme-users\",\n"
	"    # ${2} will hold \"[fwd] version 1.0 is out\"\n"
	"    fileinto \"INBOX.lists.${1}\"; stop;\n"
	"}\n";

/* RFC 5233 4 */
static const char rfc5233_ex[] =
	"require [\"envelope\", \"subaddress\", \"fileinto\"];\n"
	"if envelope :user \"to\" \"postmaster\" {\n"
	"    fileinto \"inbox.postmaster\";\n"
	"    stop;\n"
	"}\n"
	"if envelope :detail \"to\" \"sieve\" {\n"
	"    fileinto \"inbox.sieve\";\n"
	"}\n";

static const struct run_case run_cases[] = {
	/* actions and the implicit keep (RFC 5228 2.10, 4) */
	{ "empty script keeps", "", NULL, NULL, 0, 1, { IMPLICIT } },
	{ "keep", "keep;", NULL, NULL, 0, 1, { KEEP(1) } },
	{ "discard", "\n\ndiscard;", NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "stop ends the script", "stop; discard;", NULL, NULL, 0, 1, { IMPLICIT } },
	{ "keep survives discard", "keep; discard;", NULL, NULL, 0, 1, { KEEP(1) } },
	{ "fileinto twice is once", "require \"fileinto\";\nfileinto \"A\";\nfileinto \"A\";",
	  NULL, NULL, 0, 1, { FILEINTO("A", 2) } },
	{ "fileinto two folders", "require \"fileinto\";\nfileinto \"A\";\nfileinto \"B\";",
	  NULL, NULL, 0, 2, { FILEINTO("A", 2), FILEINTO("B", 3) } },
	{ "keep and fileinto INBOX merge", "require \"fileinto\";\nkeep;\nfileinto \"inbox\";",
	  NULL, NULL, 0, 1, { KEEP(2) } },
	{ "fileinto INBOX alone", "require \"fileinto\"; fileinto \"INBOX\";",
	  NULL, NULL, 0, 1, { FILEINTO("INBOX", 1) } },
	{ "redirect twice is once", "redirect \"bob@example.org\";\nredirect \"Bob <bob@example.org>\";",
	  NULL, NULL, 0, 1, { REDIRECT("bob@example.org", 1) } },
	{ "redirect and discard", "redirect \"a@example.org\"; discard;",
	  NULL, NULL, 0, 1, { REDIRECT("a@example.org", 1) } },
	{ "if elsif else", "if false { discard; }\nelsif false { discard; }\n"
	  "elsif true { redirect \"x@y.example\"; }\nelse { discard; }",
	  NULL, NULL, 0, 1, { REDIRECT("x@y.example", 3) } },
	{ "else", "if false {discard;} else {redirect \"e@x.example\";}",
	  NULL, NULL, 0, 1, { REDIRECT("e@x.example", 1) } },
	{ "nested if", "if true {\n if false { discard; } else { if true { keep; } }\n}",
	  NULL, NULL, 0, 1, { KEEP(2) } },
	{ "stop inside a block", "if true { stop; }\ndiscard;", NULL, NULL, 0, 1, { IMPLICIT } },
	{ "RFC 5228 3.1 example", rfc5228_if, NULL, NULL, 0, 1, { REDIRECT("acm@example.com", 2) } },
	{ "RFC 5228 9, mailing list", rfc5228_s9, msg_sender_list, NULL, 0, 1, { FILEINTO("filter", 13) } },
	{ "RFC 5228 9, company", rfc5228_s9, msg_company, NULL, 0, 1, { KEEP(20) } },
	{ "RFC 5228 9, not to me", rfc5228_s9, msg_spam, NULL, 0, 1, { FILEINTO("spam", 32) } },
	{ "RFC 5228 9, money fast", rfc5228_s9, msg_moneyfast, NULL, 0, 1, { FILEINTO("spam", 32) } },
	{ "RFC 5228 9, personal", rfc5228_s9, msg_personal, NULL, 0, 1, { FILEINTO("personal", 38) } },
	{ "comments", "# one\n/* two\nthree */ discard; # four\n", NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "case-insensitive names", "IF AnyOf (FALSE, TRUE) { DISCARD; }", NULL, NULL, 0, 1, { DISCARD(1) } },

	/* header (RFC 5228 5.7), match types and comparators (2.7) */
	YES("header :is", "header :is \"Subject\" \"I have a present for you\"", NULL),
	YES("header :is casemap by default", "header :is \"subject\" \"i HAVE a present FOR you\"", NULL),
	NO("header :is i;octet", "header :is :comparator \"i;octet\" \"Subject\" \"i have a present for you\"", NULL),
	YES("header :is i;octet exact", "header :comparator \"i;octet\" :is \"Subject\" \"I have a present for you\"", NULL),
	YES("header :is explicit casemap", "header :comparator \"i;ascii-casemap\" \"Subject\" \"I HAVE A PRESENT FOR YOU\"", NULL),
	NO("header :is is not :contains", "header :is \"Subject\" \"present\"", NULL),
	YES("header :contains", "header :contains \"Subject\" \"PRESENT\"", NULL),
	NO("header :contains i;octet", "header :contains :comparator \"i;octet\" \"Subject\" \"PRESENT\"", NULL),
	YES("header :contains empty key", "header :contains \"X-Caffeine\" \"\"", NULL),
	YES("header :matches *", "header :matches \"Subject\" \"I have*\"", NULL),
	YES("header :matches ? and *", "header :matches \"Subject\" \"? have a p*t for ???\"", NULL),
	NO("header :matches anchored", "header :matches \"Subject\" \"have*\"", NULL),
	NO("header :matches ? is one character", "header :matches \"X-Caffeine\" \"C8H10N4O?2\"", NULL),
	YES("header :matches escapes", "header :matches \"X-Star\" \"5 \\\\* 3\\\\?\"", NULL),
	NO("header :matches escaped * is literal", "header :matches \"X-Star\" \"5 \\\\* 3\\\\*\"", NULL),
	YES("header :matches i;octet", "header :matches :comparator \"i;octet\" \"Subject\" \"I*you\"", NULL),
	NO("header :matches i;octet case", "header :matches :comparator \"i;octet\" \"Subject\" \"i*you\"", NULL),
	NO("header missing is false even for \"\"", "header :is \"X-Nope\" \"\"", NULL),
	YES("header empty value", "header :is \"X-Empty\" \"\"", NULL),
	YES("header lists", "header :contains [\"X-Nope\", \"From\"] [\"zzz\", \"Coyote\"]", NULL),
	YES("header quoted escapes", "header :is \"X-Quote\" \"say \\\"hi\\\" \\\\o/\"", NULL),
	YES("header unfolded", "header :is \"To\" \"\\\"Road Runner\\\" <roadrunner@acme.example.com>, bob+lists@example.org\"", NULL),
	YES("header unfolded, CRLF", "header :is \"X-Folded\" \"first\tsecond\"", msg_encoded),
	YES("header RFC 2047", "header :is \"Subject\" \"Caf\xc3\xa9\xc3\xa9 ok\"", msg_encoded),
	YES("header RFC 2047 in a name", "header :contains \"From\" \"Andr\xc3\xa9 Pirard\"", msg_encoded),
	YES("header i;octet on UTF-8", "header :contains :comparator \"i;octet\" \"Subject\" \"\xc3\xa9\xc3\xa9\"", msg_encoded),
	YES("header ? takes a UTF-8 character", "header :matches \"Subject\" \"Caf?? ok\"", msg_encoded),
	YES("message without a body", "header :is \"From\" \"a@b.example\"", msg_headers_only),
	YES("RFC 5228 2.7.3 i;octet example", "header :contains :comparator \"i;octet\" \"Subject\" \"present\"", NULL),

	/* address (RFC 5228 5.1, 2.7.4) */
	YES("address :all", "address :all :is \"from\" \"coyote@desert.example.org\"", NULL),
	YES("address default :all", "address \"from\" \"COYOTE@desert.example.org\"", NULL),
	YES("address :localpart", "address :localpart :is \"From\" \"coyote\"", NULL),
	YES("address :domain", "address :domain :is \"From\" \"DESERT.example.org\"", NULL),
	NO("address :domain i;octet", "address :domain :comparator \"i;octet\" \"From\" \"DESERT.example.org\"", NULL),
	NO("address no display name", "address :contains \"From\" \"Wile\"", NULL),
	YES("address second of a folded list", "address :domain \"To\" \"example.org\"", NULL),
	NO("address :domain no match", "address :domain :is [\"From\", \"To\"] \"example.com\"", NULL),
	YES("address group member", "address :is \"Cc\" \"carol@example.net\"", NULL),
	NO("address not the group name", "address :localpart \"Cc\" \"team\"", NULL),
	YES("address :matches", "address :matches :localpart \"To\" \"road*\"", NULL),
	YES("address RFC 2047 display name", "address :is \"From\" \"PIRARD@vm1.ulg.ac.be\"", msg_encoded),

	/* subaddress (RFC 5233) */
	YESR("address :user", "\"subaddress\"", "address :user \"To\" \"bob\"", NULL),
	YESR("address :detail", "\"subaddress\"", "address :detail \"To\" \"lists\"", NULL),
	NOR("address :detail without +", "\"subaddress\"", "address :detail \"From\" \"\"", NULL),
	YESR("address :user without +", "\"subaddress\"", "address :user \"From\" \"coyote\"", NULL),
	YESR("envelope :detail", "[\"envelope\", \"subaddress\"]", "envelope :detail \"to\" \"sieve\"", NULL),
	YESR("envelope :user", "[\"envelope\", \"subaddress\"]", "envelope :user \"to\" \"roadrunner\"", NULL),
	{ "RFC 5233 example", rfc5233_ex, NULL, NULL, 0, 1, { FILEINTO("inbox.sieve", 7) } },

	/* envelope (RFC 5228 5.4) */
	YESR("envelope from", "\"envelope\"", "envelope :all :is \"from\" \"coyote@desert.example.org\"", NULL),
	YESR("envelope to :domain", "\"envelope\"", "envelope :domain \"to\" \"acme.example.com\"", NULL),
	YESR("envelope to :localpart", "\"envelope\"", "envelope :localpart \"TO\" \"roadrunner+sieve\"", NULL),
	NOR("envelope from mismatch", "\"envelope\"", "envelope :is \"from\" \"tim@example.com\"", NULL),
	{ "envelope null sender", "require \"envelope\"; if envelope :is \"from\" \"\" { discard; }",
	  NULL, "", 0, 1, { DISCARD(1) } },
	{ "envelope null sender <>", "require \"envelope\"; if envelope :domain \"from\" \"\" { discard; }",
	  NULL, "<>", 0, 1, { DISCARD(1) } },

	/* exists, size, true/false, not, allof, anyof (RFC 5228 5) */
	YES("exists", "exists [\"From\", \"subject\"]", NULL),
	NO("exists wants all", "exists [\"From\", \"Date\"]", NULL),
	YES("exists empty header", "exists \"X-Empty\"", NULL),
	YES("size :over", "size :over 100", NULL),
	NO("size :under", "size :under 100", NULL),
	NO("size :over K", "size :over 1K", NULL),
	YES("size :under K", "size :under 1k", NULL),
	YES("size :under M", "size :under 1M", NULL),
	NO("size :over G", "size :over 1G", NULL),
	YES("true", "true", NULL),
	NO("false", "false", NULL),
	YES("not", "not false", NULL),
	NO("not not", "not not false", NULL),
	YES("allof", "allof (true, header :contains \"from\" \"coyote\")", NULL),
	NO("allof one false", "allof (true, false)", NULL),
	YES("anyof", "anyof (false, exists \"Subject\")", NULL),
	NO("anyof all false", "anyof (false, false)", NULL),

	/* multi-line strings (RFC 5228 2.4.2) */
	{ "text: with dot-stuffing", "require \"variables\";\nset \"t\" text: # comment\n..a\nb\n.\n;\n"
	  "if string :is \"${t}\" \".a\nb\n\" { discard; }", NULL, NULL, 0, 1, { DISCARD(9) } },
	{ "text: with CRLF", "require \"variables\";\r\nset \"t\" text:\r\nx\r\n.\r\n;\r\n"
	  "if string :is \"${t}\" \"x\r\n\" { discard; }", NULL, NULL, 0, 1, { DISCARD(7) } },

	/* copy (RFC 3894) */
	{ "fileinto :copy keeps", "require [\"copy\", \"fileinto\"];\nfileinto :copy \"incoming\";",
	  NULL, NULL, 0, 2, { FILEINTO("incoming", 2), IMPLICIT } },
	{ "redirect :copy keeps", "require \"copy\";\nredirect :copy \"sysadmin@example.com\";",
	  NULL, NULL, 0, 2, { REDIRECT("sysadmin@example.com", 2), IMPLICIT } },
	{ "fileinto :copy INBOX is the keep", "require [\"copy\", \"fileinto\"];\nfileinto :copy \"INBOX\";",
	  NULL, NULL, 0, 1, { KEEP(2) } },
	{ "redirect :copy and discard", "require \"copy\";\nredirect :copy \"a@example.com\";\ndiscard;",
	  NULL, NULL, 0, 1, { REDIRECT("a@example.com", 2) } },

	/* imap4flags (RFC 5232) */
	{ "setflag then keep", "require \"imap4flags\";\nsetflag \"\\\\Seen\";\nkeep;",
	  NULL, NULL, 0, 1, { { SIEVE_KEEP, NULL, "\\Seen", 3 } } },
	{ "flags on the implicit keep",
	  "require \"imap4flags\";\naddflag [\"\\\\Seen\", \"\\\\Flagged\"];\naddflag \"\\\\seen Junk\";\nremoveflag \"junk\";",
	  NULL, NULL, 0, 1, { { SIEVE_KEEP, NULL, "\\Seen \\Flagged", 0 } } },
	{ "flags as they were at keep", "require \"imap4flags\";\naddflag \"A\";\nkeep;\naddflag \"B\";",
	  NULL, NULL, 0, 1, { { SIEVE_KEEP, NULL, "A", 3 } } },
	{ "fileinto :flags", "require [\"imap4flags\", \"fileinto\"];\naddflag \"X\";\nfileinto :flags \"\\\\Deleted\" \"Trash\";",
	  NULL, NULL, 0, 1, { { SIEVE_FILEINTO, "Trash", "\\Deleted", 3 } } },
	{ "keep :flags", "require \"imap4flags\";\nkeep :flags [\"a\", \"b a\"];",
	  NULL, NULL, 0, 1, { { SIEVE_KEEP, NULL, "a b", 2 } } },
	{ "setflag replaces", "require \"imap4flags\";\naddflag \"A\";\nsetflag \"B\";",
	  NULL, NULL, 0, 1, { { SIEVE_KEEP, NULL, "B", 0 } } },
	{ "merged fileinto unites flags",
	  "require [\"imap4flags\", \"fileinto\"];\nfileinto :flags \"a\" \"F\";\nfileinto :flags \"b\" \"F\";",
	  NULL, NULL, 0, 1, { { SIEVE_FILEINTO, "F", "a b", 2 } } },
	NOR("hasflag without flags", "\"imap4flags\"", "hasflag :is \"big\"", NULL),
	{ "hasflag set", "require \"imap4flags\";\naddflag \"Big \\\\Seen\";\nif hasflag :is \"big\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "hasflag :contains", "require \"imap4flags\";\naddflag \"Junk\";\nif hasflag :contains \"un\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "hasflag on a variable",
	  "require [\"imap4flags\", \"variables\"];\naddflag \"v\" \"a b\";\nif hasflag \"v\" \"B\" { discard; }\nif hasflag \"a\" { keep; }",
	  NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "setflag on a variable, fileinto :flags",
	  "require [\"imap4flags\", \"variables\", \"fileinto\"];\nsetflag \"v\" \"\\\\Flagged\";\nfileinto :flags \"${v}\" \"F\";",
	  NULL, NULL, 0, 1, { { SIEVE_FILEINTO, "F", "\\Flagged", 3 } } },
	{ "RFC 5232 example, grandma", rfc5232_ex, msg_grandma, NULL, 0, 1,
	  { { SIEVE_FILEINTO, "GrandMa", "\\Answered $MDNSent", 11 } } },
	{ "RFC 5232 example, big spam from the boss", rfc5232_ex, msg_boss_big, NULL, 0, 2,
	  { { SIEVE_FILEINTO, "Big messages", "Big \\Flagged", 7 },
	    { SIEVE_FILEINTO, "SPAM", "\\Flagged", 15 } } },

	/* variables (RFC 5229) */
	{ "set and expand", "require \"variables\";\nset \"a\" \"x\";\nset \"b\" \"${a}${A}y\";\n"
	  "if string :is \"${b}\" \"xxy\" { discard; }", NULL, NULL, 0, 1, { DISCARD(4) } },
	{ "unknown variable is empty", "require \"variables\";\nif string :is \"${nope}x${\" \"x${\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(2) } },
	{ "namespaced name left alone", "require \"variables\";\nif string :is \"${ns.x}\" \"${ns.x}\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(2) } },
	{ "no expansion without require", "if header :is \"X-Nope\" \"${a}\" { discard; } redirect \"a${x}@example.com\";",
	  NULL, NULL, 0, 1, { REDIRECT("a${x}@example.com", 1) } },
	{ ":upper", "require \"variables\"; set :upper \"v\" \"abc\"; if string :is :comparator \"i;octet\" \"${v}\" \"ABC\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":lower", "require \"variables\"; set :lower \"v\" \"AbC\"; if string :is :comparator \"i;octet\" \"${v}\" \"abc\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":upperfirst", "require \"variables\"; set :upperfirst \"v\" \"hello\"; if string :is :comparator \"i;octet\" \"${v}\" \"Hello\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":lowerfirst", "require \"variables\"; set :lowerfirst \"v\" \"ABC\"; if string :is :comparator \"i;octet\" \"${v}\" \"aBC\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":upper :lowerfirst in precedence", "require \"variables\"; set :lowerfirst :upper \"v\" \"abc\"; if string :is :comparator \"i;octet\" \"${v}\" \"aBC\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":quotewildcard", "require \"variables\"; set :quotewildcard \"v\" \"a*b?c\\\\\"; if string :is \"${v}\" \"a\\\\*b\\\\?c\\\\\\\\\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":quotewildcard in :matches", "require \"variables\"; set :quotewildcard \"v\" \"a*\"; if string :matches \"ab\" \"${v}\" { discard; }",
	  NULL, NULL, 0, 1, { IMPLICIT } },
	{ ":quotewildcard matches itself", "require \"variables\"; set :quotewildcard \"v\" \"a*\"; if string :matches \"a*\" \"${v}\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":length counts characters", "require \"variables\"; set :length \"v\" \"h\xc3\xa9llo\"; if string :is \"${v}\" \"5\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ ":length last", "require \"variables\"; set :length :quotewildcard \"v\" \"**\"; if string :is \"${v}\" \"4\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(1) } },
	{ "RFC 5229 example, List-ID", rfc5229_ex, msg_lists, NULL, 0, 1,
	  { FILEINTO("INBOX.lists.ietf-mta-filters", 3) } },
	{ "RFC 5229 example, Subject",
	  "require [\"fileinto\", \"variables\"];\nif header :matches \"Subject\" \"[*] *\" {\n"
	  "    fileinto \"INBOX.lists.${1}\"; stop;\n}", msg_lists, NULL, 0, 1,
	  { FILEINTO("INBOX.lists.acme-users", 3) } },
	{ "${0} and empty wildcards",
	  "require \"variables\";\nif header :matches \"Subject\" \"I *\" {\n"
	  "  if string :is \"${0}|${1}|${2}|${01}\" \"I have a present for you|have a present for you||have a present for you\" { discard; }\n}",
	  NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "? in match variables",
	  "require \"variables\";\nif header :matches \"X-Caffeine\" \"C?H*N?O?\" {\n"
	  "  if string :is \"${1}-${2}-${3}-${4}\" \"8-10-4-2\" { discard; }\n}",
	  NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "failed :matches keeps the old values",
	  "require \"variables\";\nif header :matches \"Subject\" \"I *\" { }\nif header :matches \"Subject\" \"zz*\" { }\n"
	  "if string :is \"${1}\" \"have a present for you\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(4) } },
	{ "address :matches sets variables",
	  "require [\"variables\", \"fileinto\"];\nif address :matches :domain \"From\" \"*.example.*\" { fileinto \"${1}\"; }",
	  NULL, NULL, 0, 1, { FILEINTO("desert", 2) } },
	{ "string :matches",
	  "require \"variables\";\nset \"a\" \"hello world\";\nif string :matches \"${a}\" \"*o w*\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "string list",
	  "require \"variables\";\nif string :contains [\"abc\", \"def\"] \"e\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(2) } },
	{ "variable in header name",
	  "require \"variables\";\nset \"h\" \"X-Caff\";\nif header :is \"${h}eine\" \"c8h10n4o2\" { discard; }",
	  NULL, NULL, 0, 1, { DISCARD(3) } },

	/* body (RFC 5173) */
	YESR("body default :text", "\"body\"", "body :contains \"anvil\"", NULL),
	YESR("body :text decoded", "\"body\"", "body :text :contains \"from the desert\"", msg_mime),
	NOR("body :text skips attachments", "\"body\"", "body :text :contains \"SECRETWORD\"", msg_mime),
	NOR("body :raw is not decoded", "\"body\"", "body :raw :contains \"from the desert\"", msg_mime),
	YESR("body :raw", "\"body\"", "body :raw :contains \"SGVsbG8gZnJvbSB0aGUgZGVzZXJ0\"", msg_mime),
	YESR("body :content type/subtype", "\"body\"", "body :content \"text/html\" :contains \"<b>bold\"", msg_mime),
	NOR("body :content other subtype", "\"body\"", "body :content \"text/plain\" :contains \"bold\"", msg_mime),
	YESR("body :content type", "\"body\"", "body :content \"application\" :contains \"SECRETWORD\"", msg_mime),
	YESR("body :content list", "\"body\"", "body :content [\"image\", \"TEXT/PLAIN\"] :contains \"desert\"", msg_mime),
	YESR("body charset to UTF-8", "\"body\"", "body :contains \"caf\xc3\xa9\"", msg_mime),
	YESR("body :matches", "\"body\"", "body :matches \"Look,*make it up to you.*\"", NULL),
	YESR("body of a message without final line end", "\"body\"", "body :is \"body without a final line end\"", msg_encoded),
	NOR("body of a message without body", "\"body\"", "body :contains \"a\"", msg_headers_only),
	{ "body :matches sets no variables",
	  "require [\"body\", \"variables\"];\nif body :matches \"*anvil*\" {\n if string :is \"${1}\" \"\" { discard; }\n}",
	  NULL, NULL, 0, 1, { DISCARD(3) } },
	{ "RFC 5173 example",
	  "require [\"body\", \"fileinto\"];\nif body :text :contains \"project schedule\" {\n    fileinto \"project/schedule\";\n}",
	  msg_mime, NULL, 0, 1, { FILEINTO("project/schedule", 3) } },

	/* runtime errors (RFC 5228 2.10.6) */
	{ "invalid folder from a variable",
	  "require [\"variables\", \"fileinto\"];\nset \"f\" \"\";\nfileinto \"${f}\";",
	  NULL, NULL, -1, 1, { IMPLICIT } },
	{ "invalid address from a variable",
	  "require \"variables\";\nset \"a\" \"nobody\";\nredirect \"${a}\";",
	  NULL, NULL, -1, 1, { IMPLICIT } },
	{ "error discards earlier actions",
	  "require [\"variables\", \"fileinto\"];\nfileinto \"A\";\nset \"f\" \"../x\";\nfileinto \"${f}\";",
	  NULL, NULL, -1, 1, { IMPLICIT } },
};

/* want_flags - the flags of a as one space-separated string */
static void want_flags(const struct sieve_action *a, struct buf *b)
{
	size_t i;

	buf_reset(b);
	for (i = 0; a->flags && a->flags[i]; i++) {
		if (i)
			buf_putc(b, ' ');
		buf_puts(b, a->flags[i]);
	}
}

/* run_one - compile and run c, and compare the actions with c->want */
static void run_one(void **state)
{
	const struct run_case *c = *state;
	struct sieve_error err;
	struct sieve_script *s = sieve_compile(c->script, strlen(c->script), &err);
	const char *data = c->msg ? c->msg : msg_coyote;
	struct sieve_message m = { data, strlen(data), c->env_from ? c->env_from : ENV_FROM, ENV_TO };
	struct sieve_result r;
	struct buf flags = BUF_INIT;
	int i;

	if (!s)
		fail_msg("%s: does not compile: %d:%d: %s", c->name, err.line, err.column, err.message);
	assert_int_equal(sieve_execute(s, &m, &r), c->rc);
	if (c->rc == 0)
		assert_string_equal(r.error, "");
	else
		assert_true(r.error[0] != '\0');
	assert_int_equal(r.n, c->n);
	for (i = 0; i < c->n; i++) {
		const struct sieve_action *a = &r.actions[i];
		const struct want *w = &c->want[i];

		assert_int_equal(a->type, w->type);
		if (w->target)
			assert_string_equal(a->target, w->target);
		else
			assert_null(a->target);
		want_flags(a, &flags);
		assert_string_equal(buf_cstr(&flags), w->flags ? w->flags : "");
		assert_int_equal(a->line, w->line);
		if (w->type == SIEVE_KEEP)
			assert_int_equal(r.implicit_keep, w->line == 0);
	}
	buf_free(&flags);
	sieve_result_free(&r);
	sieve_free(s);
}

/* ---- scripts that must not compile ---- */

struct bad_case {
	const char *script;
	int line, column;
	const char *message;	/* a part of the error message */
};

static const struct bad_case bad_cases[] = {
	{ "fileinto \"x\";", 1, 1, "fileinto" },
	{ "require \"fileinto\";\nfileinto :copy \"x\";", 2, 10, ":copy" },
	{ "require \"fileinto\";\nkeep :flags \"x\";", 2, 6, ":flags" },
	{ "foo;", 1, 1, "unknown command" },
	{ "if foo { }", 1, 4, "unknown test" },
	{ "if header :bogus \"a\" \"b\" { }", 1, 11, ":bogus" },
	{ "if header \"a\" { }", 1, 4, "missing" },
	{ "keep \"x\";", 1, 6, "too many" },
	{ "redirect 5;", 1, 10, "string" },
	{ "redirect [\"a@b.example\", \"c@d.example\"];", 1, 10, "string" },
	{ "if size 10 { }", 1, 4, ":over" },
	{ "if size :over \"1\" { }", 1, 15, "number" },
	{ "if size :over :under 1 { }", 1, 15, ":under" },
	{ "if header :is :contains \"a\" \"b\" { }", 1, 15, ":contains" },
	{ "if header :comparator \"i;nope\" \"a\" \"b\" { }", 1, 23, "i;nope" },
	{ "if header :comparator \"a\" \"b\" { }", 1, 23, "comparator" },
	{ "if header :comparator \"i;octet\" \"b\" { }", 1, 4, "missing" },
	{ "if header \"a\" :is \"b\" { }", 1, 15, "after" },
	{ "require \"nosuch\";", 1, 9, "nosuch" },
	{ "keep;\nrequire \"fileinto\";", 2, 1, "require" },
	{ "if true { require \"fileinto\"; }", 1, 11, "require" },
	{ "if true { keep; ", 1, 17, "}" },
	{ "keep", 1, 5, "';'" },
	{ "keep;\n  \"unterminated", 2, 3, "unterminated" },
	{ "keep;\n/* unterminated", 2, 1, "comment" },
	{ "elsif true { }", 1, 1, "elsif" },
	{ "if true { } stop; else { }", 1, 19, "else" },
	{ "if true { } else { } else { }", 1, 22, "else" },
	{ "if true;", 1, 1, "block" },
	{ "keep { }", 1, 1, "block" },
	{ "if true, false { }", 1, 8, "';'" },
	{ "if allof true { }", 1, 4, "tests" },
	{ "if not (true) { }", 1, 4, "tests" },
	{ "if anyof () { }", 1, 11, "test" },
	{ "if header [] \"x\" { }", 1, 12, "string" },
	{ "if header [\"a\" \"b\"] \"x\" { }", 1, 16, "','" },
	{ "if true { keep; } }", 1, 19, "command" },
	{ "set \"a\" \"b\";", 1, 1, "set" },
	{ "require \"variables\";\nset \"1\" \"b\";", 2, 5, "variable name" },
	{ "require \"variables\";\nset :lower :upper \"a\" \"b\";", 2, 12, ":upper" },
	{ "require \"variables\";\nset :length \"a\";", 2, 1, "missing" },
	{ "if address :user \"to\" \"x\" { }", 1, 12, ":user" },
	{ "require \"subaddress\";\nif header :user \"to\" \"x\" { }", 2, 11, ":user" },
	{ "if envelope \"to\" \"x\" { }", 1, 4, "envelope" },
	{ "require \"envelope\";\nif envelope \"x-foo\" \"x\" { }", 2, 13, "x-foo" },
	{ "if header \"bad name\" \"x\" { }", 1, 11, "bad name" },
	{ "if exists \"a:b\" { }", 1, 11, "a:b" },
	{ "require \"fileinto\";\nfileinto \"../etc\";", 2, 10, "../etc" },
	{ "require \"fileinto\";\nfileinto \"\";", 2, 10, "folder" },
	{ "redirect \"not an address\";", 1, 10, "not an address" },
	{ "redirect \"a@b.example, c@d.example\";", 1, 10, "address" },
	{ "require \"imap4flags\";\nsetflag \"v\" \"x\";", 2, 9, "variables" },
	{ "require [\"imap4flags\", \"variables\"];\nsetflag \"bad name\" \"x\";", 2, 9, "bad name" },
	{ "require \"imap4flags\";\nkeep :flags;", 2, 6, ":flags" },
	{ "if hasflag \"x\" { }", 1, 4, "hasflag" },
	{ "require \"imap4flags\";\nif hasflag \"v\" \"x\" { }", 2, 12, "variables" },
	{ "if body \"x\" { }", 1, 4, "body" },
	{ "require \"body\";\nif body :raw :text \"x\" { }", 2, 14, ":text" },
	{ "require \"body\";\nif body :content \"x\" { }", 2, 4, "missing" },
	{ "if string \"a\" \"b\" { }", 1, 4, "string" },
	{ "if size :over 99999999999999999999 { }", 1, 15, "large" },
	{ "if size :over 99999999999G { }", 1, 15, "large" },
	{ "if header :is \"a\" \"b\" :comparator { }", 1, 23, "after" },
	{ "keep;\n\n   @", 3, 4, "character" },
	{ "if true { keep; } else discard;", 1, 19, "tests" },
	{ "require \"fileinto\";\nfileinto text: x\n.\n;", 2, 16, "text:" },
	{ "require \"variables\";\nset \"a\" text:\nnever ends\n", 2, 9, "multi-line" },
	{ "if header :matches: \"a\" \"b\" { }", 1, 19, "tag" },
	{ "require \"fileinto\";\nfileinto\ntext:\nFolder\n.\n;", 3, 1, "folder" },
};

static void bad_one(void **state)
{
	const struct bad_case *c = *state;
	struct sieve_error err;
	struct sieve_script *s = sieve_compile(c->script, strlen(c->script), &err);

	if (s)
		fail_msg("compiled but should not: %s", c->script);
	if (err.line != c->line || err.column != c->column || !strstr(err.message, c->message))
		fail_msg("%s\n  got %d:%d: %s\n  want %d:%d: ...%s...", c->script, err.line,
			 err.column, err.message, c->line, c->column, c->message);
}

/* one_line - s with line ends shown as \\n, for a test name; the caller
 * frees it */
static char *one_line(const char *s)
{
	struct buf b = BUF_INIT;

	for (; *s; s++) {
		if (*s == '\n')
			buf_puts(&b, "\\n");
		else if (*s != '\r')
			buf_putc(&b, *s);
	}
	return buf_detach(&b);
}

int main(void)
{
	size_t nrun = sizeof run_cases / sizeof run_cases[0];
	size_t nbad = sizeof bad_cases / sizeof bad_cases[0];
	struct CMUnitTest *t = xcalloc(nrun + nbad, sizeof *t);
	size_t i;
	int failed;

	for (i = 0; i < nrun; i++) {
		t[i].name = run_cases[i].name;
		t[i].test_func = run_one;
		t[i].initial_state = (void *)&run_cases[i];
	}
	for (i = 0; i < nbad; i++) {
		t[nrun + i].name = one_line(bad_cases[i].script);
		t[nrun + i].test_func = bad_one;
		t[nrun + i].initial_state = (void *)&bad_cases[i];
	}
	failed = _cmocka_run_group_tests("sieve_run", t, nrun, NULL, NULL);
	failed += _cmocka_run_group_tests("sieve_compile_errors", t + nrun, nbad, NULL, NULL);
	for (i = 0; i < nbad; i++)
		free((char *)t[nrun + i].name);
	free(t);
	return failed ? 1 : 0;
}
