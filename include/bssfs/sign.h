/* SDK-HMAC-SHA256 request signing and verification.
 *
 * Owns: the canonical request, string to sign, signature and Authorization
 * header of ../shared/signing/SIGNING.md, for the client (bss_sign) and for
 * the emulator (bss_verify).  Knows nothing about HTTP transport: callers
 * pass the method, the raw path, the raw wire query, the headers to sign and
 * the exact body bytes. */
#ifndef BSSFS_SIGN_H
#define BSSFS_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct bss_header {
	const char *name;  /* any case */
	const char *value;
};

struct bss_sign_input {
	const char *method; /* any case; upper-cased for signing */
	const char *path;   /* raw path as sent, e.g. "/v2/bills/customer-bills/monthly-sum" */
	const char *query;  /* raw wire query without '?', or NULL/"" */
	const struct bss_header *headers; /* exactly the headers to sign (host and
					   * x-sdk-date included) */
	size_t n_headers;
	const void *body; /* exact body bytes, or NULL */
	size_t body_len;
};

/* Percent-encodes bytes per SIGNING.md §2.6 (unreserved kept, upper hex).
 * Returns a malloc'd string (caller frees) or NULL on allocation failure. */
char *bss_sign_encode(const char *s, size_t len);

/* Builds the canonical request (SIGNING.md §2). Caller frees *out.
 * 0, -EINVAL for malformed input, -ENOMEM. */
int bss_sign_canonical_request(const struct bss_sign_input *in, char **out);

/* Computes the whole Authorization header value ("SDK-HMAC-SHA256
 * Access=..., SignedHeaders=..., Signature=..."). Caller frees *out. */
int bss_sign(const struct bss_sign_input *in, const char *ak, const char *sk, char **out);

/* Formats a Unix time as X-Sdk-Date (YYYYMMDDTHHMMSSZ); buf >= 17 bytes. */
void bss_sdk_date_format(time_t t, char buf[17]);
/* Strict parse of X-Sdk-Date. 0 or -EINVAL. */
int bss_sdk_date_parse(const char *s, time_t *out);

enum bss_verify_result {
	BSS_VERIFY_OK = 0,
	BSS_VERIFY_MALFORMED,      /* no or unparsable Authorization */
	BSS_VERIFY_BAD_DATE,       /* x-sdk-date missing, unsigned or malformed */
	BSS_VERIFY_EXPIRED,        /* more than 15 minutes from the server clock */
	BSS_VERIFY_UNKNOWN_AK,
	BSS_VERIFY_MISSING_HEADER, /* a signed header is absent from the request */
	BSS_VERIFY_BAD_SIGNATURE,
};

/* Returns the value of a received header (name given lower-case) or NULL. */
typedef const char *(*bss_header_lookup_fn)(void *ctx, const char *lower_name);
/* Returns the SK for an AK, or NULL when the AK is unknown. */
typedef const char *(*bss_sk_lookup_fn)(void *ctx, const char *ak);

struct bss_verify_input {
	const char *method;
	const char *path;  /* raw path as received */
	const char *query; /* raw query as received, without '?', or NULL */
	bss_header_lookup_fn header;
	void *header_ctx;
	const void *body;
	size_t body_len;
};

#define BSS_SIGN_SKEW_SECONDS (15 * 60)

/* Verifies a request per SIGNING.md §7 against the server clock `now`.
 * On return ak_out holds the AK named by the request (may be empty) and
 * detail a human-readable reason in the gateway's words (e.g. "verify aksk
 * signature fail", "signature expired, signature time:...,server time:...",
 * "Get secretKey failed,ak:...,err:ak not exist"). Constant-time compare. */
enum bss_verify_result bss_verify(const struct bss_verify_input *in, bss_sk_lookup_fn sk_lookup,
				  void *sk_ctx, time_t now, char *ak_out, size_t ak_len,
				  char *detail, size_t detail_len);

#endif
