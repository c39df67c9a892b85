/* The server side of SIGNING.md §7: parses an Authorization header,
 * checks the date window, looks up the SK and recomputes the signature
 * over the request as received.  Stateless (no lockout: the emulator keeps
 * that); the SK is never copied into a message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bssfs/sign.h"
#include "sign/sign_internal.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_ws(const char *p)
{
	while (is_ws(*p))
		p++;
	return p;
}

/* Matches `lit` at *p (case-sensitive) and advances. */
static bool eat(const char **p, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Copies the text up to the next ',' (exclusive), trimmed, into a new
 * string; NULL when empty or out of memory. */
static char *take_field(const char **p)
{
	const char *s = *p;
	const char *e = strchr(s, ',');
	if (!e)
		return NULL;
	*p = e;
	while (s < e && is_ws(*s))
		s++;
	while (e > s && is_ws(e[-1]))
		e--;
	return e > s ? strndup(s, (size_t)(e - s)) : NULL;
}

struct parsed_auth {
	char *ak;
	char *signed_names; /* lower-cased */
	char sig[65];
};

static void parsed_free(struct parsed_auth *a)
{
	free(a->ak);
	free(a->signed_names);
	memset(a, 0, sizeof(*a));
}

/* Lenient-about-blanks equivalent of
 * ^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$ */
static int parse_auth(const char *h, struct parsed_auth *a)
{
	memset(a, 0, sizeof(*a));
	const char *p = skip_ws(h);
	if (!eat(&p, SIGN_ALGORITHM) || !is_ws(*p))
		return -EINVAL;
	p = skip_ws(p);
	if (!eat(&p, "Access=") || !(a->ak = take_field(&p)))
		goto bad;
	p = skip_ws(p + 1);
	if (!eat(&p, "SignedHeaders=") || !(a->signed_names = take_field(&p)))
		goto bad;
	p = skip_ws(p + 1);
	if (!eat(&p, "Signature="))
		goto bad;
	for (int i = 0; i < 64; i++, p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			goto bad;
		a->sig[i] = *p;
	}
	a->sig[64] = '\0';
	if (*skip_ws(p) != '\0')
		goto bad;
	for (char *c = a->signed_names; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return 0;
bad:
	parsed_free(a);
	return -EINVAL;
}

static void copy_out(char *dst, size_t len, const char *src)
{
	if (dst && len)
		snprintf(dst, len, "%s", src ? src : "");
}

/* Splits the SignedHeaders list into names (pointers into `names`, which
 * is modified); -EINVAL for an empty or invalid entry. */
static int split_names(char *names, const char ***out, size_t *n)
{
	size_t cap = 1;
	for (const char *c = names; *c; c++)
		cap += *c == ';';
	const char **v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t k = 0;
	for (char *s = names, *e;; s = e + 1) {
		e = strchr(s, ';');
		if (e)
			*e = '\0';
		if (!sign_valid_name(s)) {
			free(v);
			return -EINVAL;
		}
		v[k++] = s;
		if (!e)
			break;
	}
	*out = v;
	*n = k;
	return 0;
}

/* Writes the canonical request into detail with '|' for newlines, as the
 * gateway does, with the security token's value masked. */
static void describe_mismatch(const char *cr, char *detail, size_t len)
{
	struct sbuf b = { 0 };
	sbuf_adds(&b, "verify aksk signature fail, canonicalRequest:");
	for (const char *p = cr; *p; p++) {
		if (strncmp(p, "\nx-security-token:", 18) == 0) {
			sbuf_adds(&b, "|x-security-token:***");
			p += 18;
			while (*p && *p != '\n')
				p++;
			p--;
			continue;
		}
		sbuf_addc(&b, *p == '\n' ? '|' : *p);
	}
	copy_out(detail, len, b.failed ? "verify aksk signature fail" : b.p);
	sbuf_release(&b);
}

enum bss_verify_result bss_verify(const struct bss_verify_input *in, bss_sk_lookup_fn sk_lookup,
				  void *sk_ctx, time_t now, char *ak_out, size_t ak_len,
				  char *detail, size_t detail_len)
{
	copy_out(ak_out, ak_len, "");
	copy_out(detail, detail_len, "");
	if (!in || !in->header || !sk_lookup) {
		copy_out(detail, detail_len, "Authorization not found");
		return BSS_VERIFY_MALFORMED;
	}
	const char *auth = in->header(in->header_ctx, "authorization");
	if (!auth) {
		copy_out(detail, detail_len, "Authorization not found");
		return BSS_VERIFY_MALFORMED;
	}
	struct parsed_auth a;
	if (parse_auth(auth, &a) != 0) {
		copy_out(detail, detail_len, "Authorization format incorrect");
		return BSS_VERIFY_MALFORMED;
	}
	copy_out(ak_out, ak_len, a.ak);

	enum bss_verify_result res = BSS_VERIFY_MALFORMED;
	const char **names = NULL;
	struct sign_line *lines = NULL;
	char *signed_copy = strdup(a.signed_names);
	size_t n = 0;
	char *cr = NULL;
	if (!signed_copy || split_names(signed_copy, &names, &n) != 0) {
		copy_out(detail, detail_len, "Authorization format incorrect");
		goto out;
	}

	/* x-sdk-date: signed, present, well formed, within the window. */
	bool date_signed = false;
	for (size_t i = 0; i < n; i++)
		date_signed |= strcmp(names[i], "x-sdk-date") == 0;
	const char *date_raw = in->header(in->header_ctx, "x-sdk-date");
	char *date = date_raw ? sign_trim_dup(date_raw) : NULL;
	time_t t;
	if (!date_signed || !date || bss_sdk_date_parse(date, &t) != 0) {
		res = BSS_VERIFY_BAD_DATE;
		copy_out(detail, detail_len,
			 !date_signed ? "x-sdk-date is not in SignedHeaders" :
			 !date_raw    ? "x-sdk-date not found" :
					"x-sdk-date format invalid");
		free(date);
		goto out;
	}
	if (t - now > BSS_SIGN_SKEW_SECONDS || now - t > BSS_SIGN_SKEW_SECONDS) {
		char nowbuf[17];
		bss_sdk_date_format(now, nowbuf);
		res = BSS_VERIFY_EXPIRED;
		if (detail && detail_len)
			snprintf(detail, detail_len,
				 "signature expired, signature time:%s,server time:%s", date, nowbuf);
		free(date);
		goto out;
	}

	const char *sk = sk_lookup(sk_ctx, a.ak);
	if (!sk) {
		res = BSS_VERIFY_UNKNOWN_AK;
		if (detail && detail_len)
			snprintf(detail, detail_len, "Get secretKey failed,ak:%s,err:ak not exist",
				 a.ak);
		free(date);
		goto out;
	}

	/* Rebuild the canonical request from the signed headers only. */
	lines = calloc(n ? n : 1, sizeof(*lines));
	if (!lines) {
		res = BSS_VERIFY_MALFORMED;
		copy_out(detail, detail_len, "out of memory");
		free(date);
		goto out;
	}
	size_t built = 0;
	for (; built < n; built++) {
		const char *v = in->header(in->header_ctx, names[built]);
		if (!v) {
			res = BSS_VERIFY_MISSING_HEADER;
			if (detail && detail_len)
				snprintf(detail, detail_len,
					 "verify aksk signature fail, signed header %s not found",
					 names[built]);
			break;
		}
		lines[built].name = names[built];
		lines[built].value = sign_trim_dup(v);
		if (!lines[built].value) {
			res = BSS_VERIFY_MALFORMED;
			copy_out(detail, detail_len, "out of memory");
			break;
		}
	}
	if (built == n) {
		char payload[65];
		char *sha_hdr = NULL;
		const char *sv = in->header(in->header_ctx, "x-sdk-content-sha256");
		int rc = sv ? ((sha_hdr = sign_trim_dup(sv)) ? 0 : -ENOMEM) :
			      sign_sha256_hex(in->body, in->body ? in->body_len : 0, payload);
		if (rc == 0)
			rc = sign_build_cr(in->method ? in->method : "", in->path, in->query, lines,
					   n, a.signed_names, sha_hdr ? sha_hdr : payload, &cr);
		char sig[65];
		if (rc == 0)
			rc = sign_signature(cr, date, sk, sig);
		free(sha_hdr);
		if (rc != 0) {
			res = BSS_VERIFY_MALFORMED;
			copy_out(detail, detail_len, "Authorization format incorrect");
		} else if (CRYPTO_memcmp(sig, a.sig, 64) != 0) {
			res = BSS_VERIFY_BAD_SIGNATURE;
			describe_mismatch(cr, detail, detail_len);
		} else {
			res = BSS_VERIFY_OK;
		}
		OPENSSL_cleanse(sig, sizeof(sig));
	}
	for (size_t i = 0; i < built; i++)
		free((char *)lines[i].value);
	free(date);
out:
	free(cr);
	free(lines);
	free(names);
	free(signed_copy);
	parsed_free(&a);
	return res;
}
