/* fuzz_sieve.c - libFuzzer target: compile the input as a Sieve script and,
 * if it compiles, run it on a small fixed message and describe the result. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "buf.h"
#include "sieve.h"

static const char fuzz_msg[] =
	"From: \"Wile E. Coyote\" <coyote@desert.example.org>\r\n"
	"To: roadrunner+sieve@acme.example.com, team: a@b.example;\r\n"
	"Subject: =?UTF-8?B?w6k=?= [list] a present\r\n"
	"X-Folded: one\r\n two\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=b\r\n"
	"\r\n"
	"--b\r\n"
	"Content-Type: text/plain; charset=iso-8859-1\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"caf=E9 anvil\r\n"
	"--b\r\n"
	"Content-Type: text/html\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"PGI+Ym9sZDwvYj4=\r\n"
	"--b--\r\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sieve_error err;
	struct sieve_script *s = sieve_compile((const char *)data, size, &err);
	struct sieve_message m = { fuzz_msg, sizeof fuzz_msg - 1,
				   "coyote@desert.example.org", "roadrunner+sieve@acme.example.com" };
	struct sieve_result r;
	struct buf out = BUF_INIT;

	if (!s)
		return 0;
	sieve_execute(s, &m, &r);
	sieve_result_describe(&r, &out);
	buf_free(&out);
	sieve_result_free(&r);
	sieve_free(s);
	return 0;
}
