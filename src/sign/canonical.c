/* Canonical request of SIGNING.md §2: percent-encoding, canonical URI,
 * canonical query and the six-line request text.  Pure functions, no
 * shared state. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/sign.h"
#include "sign/sign_internal.h"

/* ---- string buffer ---- */

static bool sbuf_reserve(struct sbuf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 128;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (!sbuf_reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

void sbuf_add_enc(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c)) {
			sbuf_addc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			sbuf_add(b, e, 3);
		}
	}
}

char *sbuf_take(struct sbuf *b)
{
	char *p = NULL;
	if (!b->failed) {
		if (!b->p && sbuf_reserve(b, 0))
			b->p[0] = '\0';
		if (!b->failed) {
			p = b->p;
			b->p = NULL;
		}
	}
	sbuf_release(b);
	return p;
}

void sbuf_release(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

char *bss_sign_encode(const char *s, size_t len)
{
	struct sbuf b = { 0 };
	sbuf_add_enc(&b, s ? s : "", s ? len : 0);
	return sbuf_take(&b);
}

/* ---- percent-decoding ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX into bytes; '+' stays a literal plus; a '%' not followed by
 * two hex digits is kept as a literal '%'.  Writes at most n bytes to out
 * (never more than the input) and returns the decoded length. */
static size_t pct_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

/* ---- canonical URI (§2.2) ---- */

static int add_canonical_uri(struct sbuf *b, const char *path)
{
	if (!path || !*path) {
		sbuf_addc(b, '/');
		return 0;
	}
	size_t n = strlen(path);
	char *tmp = malloc(n + 1);
	if (!tmp)
		return -ENOMEM;
	const char *seg = path;
	for (;;) {
		const char *slash = memchr(seg, '/', (size_t)(path + n - seg));
		size_t slen = slash ? (size_t)(slash - seg) : (size_t)(path + n - seg);
		size_t dlen = pct_decode(seg, slen, tmp);
		sbuf_add_enc(b, tmp, dlen);
		if (!slash)
			break;
		sbuf_addc(b, '/');
		seg = slash + 1;
	}
	free(tmp);
	if (b->failed)
		return -ENOMEM;
	if (b->len == 0 || b->p[b->len - 1] != '/')
		sbuf_addc(b, '/');
	return 0;
}

/* ---- canonical query (§2.3) ---- */

struct qpair {
	char *key; /* decoded bytes, pointers into one arena */
	size_t klen;
	char *val;
	size_t vlen;
};

static int bytes_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t m = al < bl ? al : bl;
	int c = m ? memcmp(a, b, m) : 0;
	if (c)
		return c;
	return al < bl ? -1 : al > bl ? 1 : 0;
}

static int qpair_cmp(const void *pa, const void *pb)
{
	const struct qpair *a = pa, *b = pb;
	int c = bytes_cmp(a->key, a->klen, b->key, b->klen);
	return c ? c : bytes_cmp(a->val, a->vlen, b->val, b->vlen);
}

static int add_canonical_query(struct sbuf *b, const char *query)
{
	if (!query || !*query)
		return 0;
	size_t n = strlen(query);
	size_t max_pairs = 1;
	for (size_t i = 0; i < n; i++)
		max_pairs += query[i] == '&';
	struct qpair *pairs = calloc(max_pairs, sizeof(*pairs));
	char *arena = malloc(n + 1);
	if (!pairs || !arena) {
		free(pairs);
		free(arena);
		return -ENOMEM;
	}
	size_t np = 0, used = 0;
	const char *p = query, *end = query + n;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		const char *ke = eq ? eq : pe;
		if (ke > p) { /* skip empty pieces and empty keys */
			struct qpair *q = &pairs[np++];
			q->key = arena + used;
			q->klen = pct_decode(p, (size_t)(ke - p), q->key);
			used += q->klen;
			q->val = arena + used;
			q->vlen = eq ? pct_decode(eq + 1, (size_t)(pe - eq - 1), q->val) : 0;
			used += q->vlen;
		}
		p = amp ? amp + 1 : end;
	}
	qsort(pairs, np, sizeof(*pairs), qpair_cmp);
	for (size_t i = 0; i < np; i++) {
		if (i)
			sbuf_addc(b, '&');
		sbuf_add_enc(b, pairs[i].key, pairs[i].klen);
		sbuf_addc(b, '=');
		sbuf_add_enc(b, pairs[i].val, pairs[i].vlen);
	}
	free(pairs);
	free(arena);
	return b->failed ? -ENOMEM : 0;
}

/* ---- the canonical request ---- */

int sign_build_cr(const char *method, const char *path, const char *query,
		  const struct sign_line *lines, size_t n, const char *signed_names,
		  const char *payload_hash, char **out)
{
	*out = NULL;
	if (!method || !*method || !signed_names || !payload_hash)
		return -EINVAL;
	struct sbuf b = { 0 };
	for (const char *m = method; *m; m++) {
		char c = *m;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		sbuf_addc(&b, c);
	}
	sbuf_addc(&b, '\n');
	int rc = add_canonical_uri(&b, path);
	if (rc == 0) {
		sbuf_addc(&b, '\n');
		rc = add_canonical_query(&b, query);
	}
	if (rc) {
		sbuf_release(&b);
		return rc;
	}
	sbuf_addc(&b, '\n');
	for (size_t i = 0; i < n; i++) {
		sbuf_adds(&b, lines[i].name);
		sbuf_addc(&b, ':');
		sbuf_adds(&b, lines[i].value);
		sbuf_addc(&b, '\n');
	}
	sbuf_addc(&b, '\n');
	sbuf_adds(&b, signed_names);
	sbuf_addc(&b, '\n');
	sbuf_adds(&b, payload_hash);
	*out = sbuf_take(&b);
	return *out ? 0 : -ENOMEM;
}

char *sign_trim_dup(const char *s)
{
	static const char ws[] = " \t\r\n\v\f";
	if (!s)
		s = "";
	while (*s && strchr(ws, *s))
		s++;
	size_t n = strlen(s);
	while (n && strchr(ws, s[n - 1]))
		n--;
	return strndup(s, n);
}

bool sign_valid_name(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c))
			return false;
	}
	return true;
}
