/* Request authentication at the emulated API gateway.
 *
 * Owns: the one AK/SK pair the emulator accepts, the optional security
 * token, the account's domain id and the per-AK lockout table.  The
 * signature itself is checked by bss_verify() (src/sign).  Decisions:
 * - 5 consecutive failures of an AK (bad signature, expired date, wrong or
 *   missing token, ...) lock it for 5 minutes of emulator time; while
 *   locked every request naming it gets "AK access failed to reach the
 *   limit,forbidden", even a correctly signed one.  A success resets the
 *   count.  Requests with no parsable AK are not tracked.
 * - With a configured token, X-Security-Token must be present, equal, and
 *   listed in SignedHeaders; otherwise 401 "decrypt token fail".
 * - X-Domain-Id of another account: 403 APIGW.0302 (gateway body), checked
 *   after the signature; it does not count as an authentication failure. */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emulator/front.h"

#define EMU_AUTH_SLOTS 64

struct ak_slot {
	char ak[128];
	int failures;        /* consecutive */
	int64_t locked_until; /* emulator ms; 0 = not locked */
	int64_t last_used;
};

struct emu_auth {
	char *ak, *sk, *domain_id, *token; /* immutable after new */
	pthread_mutex_t lock;              /* guards slots */
	struct ak_slot slots[EMU_AUTH_SLOTS];
};

int emu_auth_new(const char *ak, const char *sk, const char *domain_id, const char *token,
		 struct emu_auth **out)
{
	*out = NULL;
	if (!ak || !sk || !*ak || !*sk)
		return -EINVAL;
	struct emu_auth *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->ak = strdup(ak);
	a->sk = strdup(sk);
	a->domain_id = strdup(domain_id ? domain_id : "");
	a->token = token && *token ? strdup(token) : NULL;
	if (!a->ak || !a->sk || !a->domain_id || (token && *token && !a->token)) {
		emu_auth_free(a);
		return -ENOMEM;
	}
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return 0;
}

void emu_auth_free(struct emu_auth *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	if (a->sk)
		OPENSSL_cleanse(a->sk, strlen(a->sk));
	free(a->ak);
	free(a->sk);
	free(a->domain_id);
	free(a->token);
	free(a);
}

void emu_auth_reset(struct emu_auth *a)
{
	pthread_mutex_lock(&a->lock);
	memset(a->slots, 0, sizeof(a->slots));
	pthread_mutex_unlock(&a->lock);
}

static const char *sk_lookup(void *ctx, const char *ak)
{
	struct emu_auth *a = ctx;
	return strcmp(ak, a->ak) == 0 ? a->sk : NULL;
}

/* Copies the value of "Name=" inside an Authorization header (up to ',' or
 * end, trimmed). Empty when absent. */
static void auth_field(const char *authz, const char *name, char *out, size_t outlen)
{
	out[0] = '\0';
	if (!authz)
		return;
	const char *p = strstr(authz, name);
	if (!p)
		return;
	p += strlen(name);
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, ", ");
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Finds (or takes the least recently used) slot for ak. Lock held. */
static struct ak_slot *slot_for(struct emu_auth *a, const char *ak, int64_t now)
{
	struct ak_slot *lru = &a->slots[0];
	for (size_t i = 0; i < EMU_AUTH_SLOTS; i++) {
		struct ak_slot *s = &a->slots[i];
		if (s->ak[0] && strcmp(s->ak, ak) == 0) {
			s->last_used = now;
			return s;
		}
		if (s->last_used < lru->last_used)
			lru = s;
	}
	memset(lru, 0, sizeof(*lru));
	snprintf(lru->ak, sizeof(lru->ak), "%s", ak);
	lru->last_used = now;
	return lru;
}

static bool signed_header_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ";");
		if (len == n && strncasecmp(p, name, n) == 0)
			return true;
		p += len;
		if (*p == ';')
			p++;
	}
	return false;
}

static bool token_ok(struct emu_auth *a, const struct bss_verify_input *in, const char *authz)
{
	if (!a->token)
		return true;
	const char *got = in->header(in->header_ctx, "x-security-token");
	char signed_list[512];
	auth_field(authz, "SignedHeaders=", signed_list, sizeof(signed_list));
	if (!got || !signed_header_listed(signed_list, "x-security-token"))
		return false;
	size_t n = strlen(a->token);
	return strlen(got) == n && CRYPTO_memcmp(got, a->token, n) == 0;
}

enum emu_auth_result emu_auth_check(struct emu_auth *a, const struct bss_verify_input *in,
				    int64_t now_ms, char *detail, size_t detail_len)
{
	const char *authz = in->header(in->header_ctx, "authorization");
	char ak[128];
	auth_field(authz, "Access=", ak, sizeof(ak));

	if (ak[0]) {
		pthread_mutex_lock(&a->lock);
		struct ak_slot *s = slot_for(a, ak, now_ms);
		bool locked = s->locked_until > now_ms;
		if (!locked && s->locked_until)
			s->locked_until = 0;
		pthread_mutex_unlock(&a->lock);
		if (locked) {
			snprintf(detail, detail_len, "AK access failed to reach the limit,forbidden");
			return EMU_AUTH_UNAUTHORIZED;
		}
	}

	char ak_out[128];
	enum bss_verify_result r = bss_verify(in, sk_lookup, a, (time_t)(now_ms / 1000), ak_out,
					      sizeof(ak_out), detail, detail_len);
	bool ok = r == BSS_VERIFY_OK;
	if (ok && !token_ok(a, in, authz)) {
		ok = false;
		snprintf(detail, detail_len, "decrypt token fail");
	}
	if (ak[0]) {
		pthread_mutex_lock(&a->lock);
		struct ak_slot *s = slot_for(a, ak, now_ms);
		if (ok) {
			s->failures = 0;
		} else if (++s->failures >= EMU_LOCK_FAILURES) {
			s->failures = 0;
			s->locked_until = now_ms + EMU_LOCK_MS;
		}
		pthread_mutex_unlock(&a->lock);
	}
	if (!ok) {
		if (!detail[0])
			snprintf(detail, detail_len, "verify aksk signature fail");
		return EMU_AUTH_UNAUTHORIZED;
	}

	const char *dom = in->header(in->header_ctx, "x-domain-id");
	if (dom && strcmp(dom, a->domain_id) != 0) {
		snprintf(detail, detail_len, "The IAM user is not authorized to access the API");
		return EMU_AUTH_FORBIDDEN;
	}
	return EMU_AUTH_OK;
}
