/* Randomised round trip without Node: requests signed by bss_sign must be
 * accepted by bss_verify (whatever the wire form of the query), and every
 * one-byte change of method, path, query, body or a signed header, and
 * any other key, must be rejected.  Fixed seed, so failures reproduce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "bssfs/sign.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char *const VALUE_PIECES[] = {
	"a", "Z", "0", "9", "-", "_", ".", "~", " ", "*", "+", "/", ":", ",", "=", "&", "?",
	"#", "%", "!", "'", "(", ")", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\t",
};

static void rand_value(char *out, size_t cap)
{
	size_t n = rnd(8), len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *p = VALUE_PIECES[rnd(sizeof(VALUE_PIECES) / sizeof(VALUE_PIECES[0]))];
		if (len + strlen(p) + 1 >= cap)
			break;
		strcpy(out + len, p);
		len += strlen(p);
	}
}

/* Percent-encodes for the wire: strict upper hex, lower hex, or leaving
 * some sub-delimiters raw (but never '+', '&', '=', '#' or '%'). */
static void wire_enc(const char *s, int style, char *out, size_t cap)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < cap; p++) {
		if ((style == 2 && strchr("!'()*", *p)) ||
		    (*p < 0x80 && (strchr(ALNUM, *p) || strchr("-_.~", *p)) && *p))
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, cap - o, style == 1 ? "%%%02x" : "%%%02X", *p);
	}
	out[o] = '\0';
}

struct hreq {
	const char *names[6];
	char values[6][128];
	int n;
	char auth[512];
};

static const char *lookup(void *ctx, const char *lower)
{
	struct hreq *r = ctx;
	for (int i = 0; i < r->n; i++)
		if (strcasecmp(r->names[i], lower) == 0)
			return i == r->n - 1 ? r->auth : r->values[i];
	return NULL;
}

static const char *sk_of(void *ctx, const char *ak)
{
	return strcmp(ak, "RTAK") == 0 ? ctx : NULL;
}

static void test_roundtrip(void **state)
{
	(void)state;
	const char *methods[] = { "GET", "POST", "PUT", "DELETE" };
	int checks = 0;
	for (int iter = 0; iter < 300; iter++) {
		char path[128], query[2048] = "", wire[4096] = "", body[256] = "";
		snprintf(path, sizeof(path), "/v2/%c%c/seg-%u.x~y%s", ALNUM[rnd(62)], ALNUM[rnd(62)],
			 rnd(1000), rnd(4) ? "" : "/");
		/* query: build decoded pairs, encode two different ways */
		int np = (int)rnd(5);
		for (int i = 0; i < np; i++) {
			char k[8], v[64], ek[64], ev[256];
			snprintf(k, sizeof(k), "%c%s", ALNUM[rnd(6)], rnd(2) ? "_k" : "");
			rand_value(v, sizeof(v));
			int style = (int)rnd(3);
			wire_enc(k, style, ek, sizeof(ek));
			wire_enc(v, style, ev, sizeof(ev));
			size_t ql = strlen(wire);
			snprintf(wire + ql, sizeof(wire) - ql, "%s%s=%s", ql ? "&" : "", ek, ev);
		}
		snprintf(query, sizeof(query), "%s", wire);
		const char *method = methods[rnd(4)];
		if (strcmp(method, "GET") != 0)
			snprintf(body, sizeof(body), "{\"n\":%u,\"s\":\"%c\xc3\xa9\"}", rnd(100000),
				 ALNUM[rnd(62)]);
		char date[17];
		time_t t = 1577836800 + (time_t)rnd(300000000);
		bss_sdk_date_format(t, date);
		char sk[80];
		size_t skl = 10 + rnd(60);
		for (size_t i = 0; i < skl; i++)
			sk[i] = ALNUM[rnd(62)];
		sk[skl] = '\0';

		struct hreq r = { .names = { "Host", "X-Sdk-Date", "X-Domain-Id", "Content-Type",
					     "Authorization" },
				  .n = 5 };
		snprintf(r.values[0], 128, "%s", rnd(2) ? "bss.myhuaweicloud.com" : "127.0.0.1:18080");
		snprintf(r.values[1], 128, "%s", date);
		for (int i = 0; i < 32; i++)
			r.values[2][i] = "0123456789abcdef"[rnd(16)];
		r.values[2][32] = '\0';
		snprintf(r.values[3], 128, "application/json");
		struct bss_header h[4];
		for (int i = 0; i < 4; i++) {
			h[i].name = r.names[i];
			h[i].value = r.values[i];
		}
		struct bss_sign_input in = { .method = method, .path = path, .query = query,
					     .headers = h, .n_headers = 4, .body = body,
					     .body_len = strlen(body) };
		char *auth = NULL;
		assert_int_equal(bss_sign(&in, "RTAK", sk, &auth), 0);
		snprintf(r.auth, sizeof(r.auth), "%s", auth);
		free(auth);

		struct bss_verify_input vin = { .method = method, .path = path, .query = query,
						.header = lookup, .header_ctx = &r, .body = body,
						.body_len = strlen(body) };
		char ak[32], detail[2048];
		enum bss_verify_result res =
			bss_verify(&vin, sk_of, sk, t + 60, ak, sizeof(ak), detail, sizeof(detail));
		if (res != BSS_VERIFY_OK)
			print_message("iter %d: %s ?%s -> %s\n", iter, path, query, detail);
		assert_int_equal(res, BSS_VERIFY_OK);
		checks++;

		/* one-byte changes */
		char p2[128];
		snprintf(p2, sizeof(p2), "%s", path);
		p2[5] = p2[5] == 'q' ? 'r' : 'q';
		vin.path = p2;
		assert_int_equal(bss_verify(&vin, sk_of, sk, t, ak, sizeof(ak), detail, sizeof(detail)),
				 BSS_VERIFY_BAD_SIGNATURE);
		vin.path = path;
		if (body[0]) {
			char b2[256];
			snprintf(b2, sizeof(b2), "%s", body);
			b2[rnd((uint32_t)strlen(b2))] ^= 0x02;
			vin.body = b2;
			assert_int_equal(bss_verify(&vin, sk_of, sk, t, ak, sizeof(ak), detail,
						    sizeof(detail)),
					 BSS_VERIFY_BAD_SIGNATURE);
			vin.body = body;
		}
		char q2[2100];
		snprintf(q2, sizeof(q2), "%s%szz=1", query, query[0] ? "&" : "");
		vin.query = q2;
		assert_int_equal(bss_verify(&vin, sk_of, sk, t, ak, sizeof(ak), detail, sizeof(detail)),
				 BSS_VERIFY_BAD_SIGNATURE);
		vin.query = query;
		int hi = (int)rnd(4);
		char saved[128];
		snprintf(saved, sizeof(saved), "%s", r.values[hi]);
		r.values[hi][2] = r.values[hi][2] == '1' ? '2' : '1';
		assert_int_not_equal(
			bss_verify(&vin, sk_of, sk, t, ak, sizeof(ak), detail, sizeof(detail)),
			BSS_VERIFY_OK);
		snprintf(r.values[hi], 128, "%s", saved);
		vin.method = strcmp(method, "GET") ? "GET" : "POST";
		assert_int_equal(bss_verify(&vin, sk_of, sk, t, ak, sizeof(ak), detail, sizeof(detail)),
				 BSS_VERIFY_BAD_SIGNATURE);
		vin.method = method;
		sk[0] = sk[0] == 'A' ? 'B' : 'A';
		assert_int_equal(bss_verify(&vin, sk_of, sk, t, ak, sizeof(ak), detail, sizeof(detail)),
				 BSS_VERIFY_BAD_SIGNATURE);
		checks += 5;
	}
	assert_true(checks >= 1800);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
