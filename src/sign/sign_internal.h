/* Internal pieces shared by the signer (sign.c) and verifier (verify.c):
 * a small growable string buffer and the canonical-request builder of
 * SIGNING.md §2 (canonical.c).  Not a public interface. */
#ifndef BSSFS_SIGN_INTERNAL_H
#define BSSFS_SIGN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#define SIGN_ALGORITHM "SDK-HMAC-SHA256"
#define SIGN_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Growable NUL-terminated buffer; after an allocation failure `failed` is
 * set and further appends are no-ops. */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
	bool failed;
};

void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
/* Appends enc(s[0..n)) per SIGNING.md §2.6. */
void sbuf_add_enc(struct sbuf *b, const char *s, size_t n);
/* Returns the string (caller frees) or NULL (-ENOMEM); resets b. */
char *sbuf_take(struct sbuf *b);
void sbuf_release(struct sbuf *b);

/* One header line of the canonical request: name lower-case, value
 * trimmed, both owned by the caller. */
struct sign_line {
	const char *name;
	const char *value;
};

/* Builds METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nPAYLOAD into *out.  Lines
 * are written in the order given; `signed_names` is the SignedHeaders text.
 * Returns 0, -EINVAL or -ENOMEM. */
int sign_build_cr(const char *method, const char *path, const char *query,
		  const struct sign_line *lines, size_t n, const char *signed_names,
		  const char *payload_hash, char **out);

/* Lower-case hex SHA-256 of data. */
int sign_sha256_hex(const void *data, size_t len, char hex[65]);
/* The string to sign of §3 for a canonical request; caller frees *out. */
int sign_string_to_sign(const char *cr, const char *date, char **out);
/* Lower-case hex HMAC-SHA256(sk, string to sign of cr and date). */
int sign_signature(const char *cr, const char *date, const char *sk, char hex[65]);

/* Trims ASCII blanks (space, tab) and returns a malloc'd copy, or NULL. */
char *sign_trim_dup(const char *s);
/* True for a header name we accept: token characters only, non-empty. */
bool sign_valid_name(const char *s);

#endif
