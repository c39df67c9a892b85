/* The client side of SIGNING.md: header preparation, SHA-256 / HMAC,
 * string to sign, Authorization header, and X-Sdk-Date formatting.
 * Stateless and thread-safe; the SK is only ever handed to HMAC. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "bssfs/sign.h"
#include "sign/sign_internal.h"

static void to_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int sign_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(data ? data : "", data ? len : 0, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return -EIO;
	to_hex(md, 32, hex);
	return 0;
}

int sign_string_to_sign(const char *cr, const char *date, char **out)
{
	char crhash[65];
	*out = NULL;
	int rc = sign_sha256_hex(cr, strlen(cr), crhash);
	if (rc)
		return rc;
	struct sbuf sts = { 0 };
	sbuf_adds(&sts, SIGN_ALGORITHM "\n");
	sbuf_adds(&sts, date);
	sbuf_addc(&sts, '\n');
	sbuf_adds(&sts, crhash);
	*out = sbuf_take(&sts);
	return *out ? 0 : -ENOMEM;
}

int sign_signature(const char *cr, const char *date, const char *sk, char hex[65])
{
	char *sts = NULL;
	int rc = sign_string_to_sign(cr, date, &sts);
	if (rc)
		return rc;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned char *r = HMAC(EVP_sha256(), sk, (int)strlen(sk), (const unsigned char *)sts,
				strlen(sts), md, &mdlen);
	free(sts);
	if (!r || mdlen != 32)
		return -EIO;
	to_hex(md, 32, hex);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

/* Headers of a bss_sign_input, normalised and sorted. */
struct prepared {
	struct sign_line *lines; /* names and values malloc'd */
	size_t n;
	char *signed_names;
	const char *date;    /* points into lines, or NULL */
	const char *sha_hdr; /* x-sdk-content-sha256 value, or NULL */
};

static void prepared_free(struct prepared *p)
{
	for (size_t i = 0; p->lines && i < p->n; i++) {
		free((char *)p->lines[i].name);
		free((char *)p->lines[i].value);
	}
	free(p->lines);
	free(p->signed_names);
	memset(p, 0, sizeof(*p));
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sign_line *)a)->name, ((const struct sign_line *)b)->name);
}

static int prepare(const struct bss_sign_input *in, struct prepared *p)
{
	memset(p, 0, sizeof(*p));
	if (!in || !in->method || !*in->method || (in->n_headers && !in->headers) ||
	    (in->body_len && !in->body))
		return -EINVAL;
	p->lines = calloc(in->n_headers ? in->n_headers : 1, sizeof(*p->lines));
	if (!p->lines)
		return -ENOMEM;
	for (size_t i = 0; i < in->n_headers; i++) {
		const struct bss_header *h = &in->headers[i];
		if (!sign_valid_name(h->name) || !h->value)
			goto inval;
		char *name = strdup(h->name);
		char *value = sign_trim_dup(h->value);
		p->lines[p->n].name = name;
		p->lines[p->n].value = value;
		p->n++;
		if (!name || !value) {
			prepared_free(p);
			return -ENOMEM;
		}
		for (char *c = name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (strpbrk(value, "\r\n"))
			goto inval;
	}
	qsort(p->lines, p->n, sizeof(*p->lines), line_cmp);
	struct sbuf names = { 0 };
	for (size_t i = 0; i < p->n; i++) {
		if (i && strcmp(p->lines[i - 1].name, p->lines[i].name) == 0) {
			sbuf_release(&names);
			goto inval; /* the same header twice */
		}
		if (i)
			sbuf_addc(&names, ';');
		sbuf_adds(&names, p->lines[i].name);
		if (strcmp(p->lines[i].name, "x-sdk-date") == 0)
			p->date = p->lines[i].value;
		else if (strcmp(p->lines[i].name, "x-sdk-content-sha256") == 0)
			p->sha_hdr = p->lines[i].value;
	}
	p->signed_names = sbuf_take(&names);
	if (!p->signed_names) {
		prepared_free(p);
		return -ENOMEM;
	}
	return 0;
inval:
	prepared_free(p);
	return -EINVAL;
}

static int build(const struct bss_sign_input *in, struct prepared *p, char **cr)
{
	char body_hash[65];
	const char *payload = p->sha_hdr;
	if (!payload) {
		int rc = sign_sha256_hex(in->body, in->body_len, body_hash);
		if (rc)
			return rc;
		payload = body_hash;
	}
	return sign_build_cr(in->method, in->path, in->query, p->lines, p->n, p->signed_names,
			     payload, cr);
}

int bss_sign_canonical_request(const struct bss_sign_input *in, char **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	struct prepared p;
	int rc = prepare(in, &p);
	if (rc)
		return rc;
	rc = build(in, &p, out);
	prepared_free(&p);
	return rc;
}

int bss_sign(const struct bss_sign_input *in, const char *ak, const char *sk, char **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!ak || !*ak || !sk || !*sk || strpbrk(ak, ", \t\r\n"))
		return -EINVAL;
	struct prepared p;
	int rc = prepare(in, &p);
	if (rc)
		return rc;
	time_t t;
	char *cr = NULL;
	char sig[65];
	if (!p.date || bss_sdk_date_parse(p.date, &t) != 0) {
		rc = -EINVAL;
		goto out;
	}
	rc = build(in, &p, &cr);
	if (rc)
		goto out;
	rc = sign_signature(cr, p.date, sk, sig);
	if (rc)
		goto out;
	struct sbuf b = { 0 };
	sbuf_adds(&b, SIGN_ALGORITHM " Access=");
	sbuf_adds(&b, ak);
	sbuf_adds(&b, ", SignedHeaders=");
	sbuf_adds(&b, p.signed_names);
	sbuf_adds(&b, ", Signature=");
	sbuf_adds(&b, sig);
	*out = sbuf_take(&b);
	rc = *out ? 0 : -ENOMEM;
out:
	free(cr);
	prepared_free(&p);
	return rc;
}

void bss_sdk_date_format(time_t t, char buf[17])
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
		memcpy(buf, "19700101T000000Z", 17);
		return;
	}
	int f[6] = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec };
	char *o = buf;
	for (int i = 0; i < 6; i++) {
		int v = f[i];
		if (i == 0) {
			*o++ = (char)('0' + v / 1000);
			*o++ = (char)('0' + v / 100 % 10);
		}
		if (i == 3)
			*o++ = 'T';
		*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
	}
	*o++ = 'Z';
	*o = '\0';
}

int bss_sdk_date_parse(const char *s, time_t *out)
{
	if (!s || !out || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -EINVAL;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return -EINVAL;
#define D2(i) ((s[i] - '0') * 10 + (s[(i) + 1] - '0'))
	struct tm tm = { 0 };
	tm.tm_year = D2(0) * 100 + D2(2) - 1900;
	tm.tm_mon = D2(4) - 1;
	tm.tm_mday = D2(6);
	tm.tm_hour = D2(9);
	tm.tm_min = D2(11);
	tm.tm_sec = D2(13);
#undef D2
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return -EINVAL;
	time_t t = timegm(&tm);
	char back[17];
	bss_sdk_date_format(t, back);
	if (memcmp(back, s, 16) != 0) /* e.g. 20240230 normalised to 0301 */
		return -EINVAL;
	*out = t;
	return 0;
}
