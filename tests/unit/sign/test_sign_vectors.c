/* Reproduces every case of ../shared/signing/vectors.json (canonical
 * request, its hash, string to sign, Authorization) and accepts/rejects
 * every case of verifier-vectors.json exactly as it says. */
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
#include "sign/sign_internal.h"
#include "vectors_util.h"

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void test_signer_vectors(void **state)
{
	(void)state;
	json_object *root = NULL;
	json_object *cases = load_cases("vectors.json", &root);
	assert_non_null(cases);
	size_t ncases = json_object_array_length(cases);
	assert_true(ncases >= 13);
	for (size_t i = 0; i < ncases; i++) {
		json_object *c = json_object_array_get_idx(cases, i);
		const char *name = jstr(c, "name");
		json_object *exp = NULL, *hdrs = NULL;
		assert_true(json_object_object_get_ex(c, "expected", &exp));
		assert_true(json_object_object_get_ex(c, "headers", &hdrs));
		struct split_url u;
		assert_int_equal(split_url(jstr(c, "url"), &u), 0);
		assert_string_equal(u.host, jstr(exp, "host"));

		struct bss_header h[16];
		size_t n = 0;
		json_object_object_foreach(hdrs, k, v)
		{
			assert_true(n < 14);
			h[n].name = k;
			h[n].value = json_object_get_string(v);
			n++;
		}
		h[n].name = "X-Sdk-Date";
		h[n++].value = jstr(c, "sdk_date");
		h[n].name = "Host";
		h[n++].value = jstr(exp, "host");
		const char *body = jstr(c, "body");
		struct bss_sign_input in = {
			.method = jstr(c, "method"),
			.path = u.path,
			.query = u.has_query ? u.query : NULL,
			.headers = h,
			.n_headers = n,
			.body = *body ? body : NULL,
			.body_len = strlen(body),
		};
		char *cr = NULL, *sts = NULL, *auth = NULL;
		char crhash[65];
		print_message("vector %s\n", name);
		assert_int_equal(bss_sign_canonical_request(&in, &cr), 0);
		assert_string_equal(cr, jstr(exp, "canonical_request"));
		assert_int_equal(sign_sha256_hex(cr, strlen(cr), crhash), 0);
		assert_string_equal(crhash, jstr(exp, "canonical_request_sha256"));
		assert_int_equal(sign_string_to_sign(cr, jstr(c, "sdk_date"), &sts), 0);
		assert_string_equal(sts, jstr(exp, "string_to_sign"));
		assert_int_equal(bss_sign(&in, jstr(c, "ak"), jstr(c, "sk"), &auth), 0);
		assert_string_equal(auth, jstr(exp, "authorization"));
		free(cr);
		free(sts);
		free(auth);
	}
	json_object_put(root);
}

static const char *hdr_lookup(void *ctx, const char *lower)
{
	json_object *hdrs = ctx;
	json_object_object_foreach(hdrs, k, v)
	{
		if (strcasecmp(k, lower) == 0)
			return json_object_get_string(v);
	}
	return NULL;
}

static const char *sk_lookup(void *ctx, const char *ak)
{
	json_object *creds = ctx;
	json_object *v = NULL;
	if (!json_object_object_get_ex(creds, ak, &v))
		return NULL;
	return json_object_get_string(v);
}

/* The precise reason expected for a reject case, from its name. */
static enum bss_verify_result expected_reason(const char *name)
{
	if (!strcmp(name, "reject-expired") || !strcmp(name, "reject-from-the-future"))
		return BSS_VERIFY_EXPIRED;
	if (!strcmp(name, "reject-unknown-ak"))
		return BSS_VERIFY_UNKNOWN_AK;
	return BSS_VERIFY_BAD_SIGNATURE;
}

static void test_verifier_vectors(void **state)
{
	(void)state;
	json_object *root = NULL;
	json_object *cases = load_cases("verifier-vectors.json", &root);
	assert_non_null(cases);
	size_t ncases = json_object_array_length(cases);
	assert_true(ncases >= 20);
	size_t accepts = 0, rejects = 0;
	for (size_t i = 0; i < ncases; i++) {
		json_object *c = json_object_array_get_idx(cases, i);
		const char *name = jstr(c, "name");
		json_object *hdrs = NULL, *creds = NULL;
		assert_true(json_object_object_get_ex(c, "headers", &hdrs));
		assert_true(json_object_object_get_ex(c, "credentials", &creds));
		struct split_url u;
		assert_int_equal(split_url(jstr(c, "url"), &u), 0);
		time_t now;
		assert_int_equal(bss_sdk_date_parse(jstr(c, "now"), &now), 0);
		const char *body = jstr(c, "body");
		struct bss_verify_input in = {
			.method = jstr(c, "method"),
			.path = u.path,
			.query = u.has_query ? u.query : NULL,
			.header = hdr_lookup,
			.header_ctx = hdrs,
			.body = body,
			.body_len = strlen(body),
		};
		char ak[128], detail[1024];
		enum bss_verify_result r =
			bss_verify(&in, sk_lookup, creds, now, ak, sizeof(ak), detail, sizeof(detail));
		print_message("verifier %s -> %d %s\n", name, (int)r, detail);
		const char *expect = jstr(c, "expect");
		if (!strcmp(expect, "accept")) {
			assert_int_equal(r, BSS_VERIFY_OK);
			accepts++;
		} else {
			assert_string_equal(expect, "reject");
			assert_int_equal(r, expected_reason(name));
			assert_true(detail[0] != '\0');
			rejects++;
		}
		/* Every vector names its AK in the Authorization header. */
		assert_non_null(strstr(hdr_lookup(hdrs, "authorization"), ak));
		assert_true(ak[0] != '\0');
		/* The SK is never in the message. */
		json_object_object_foreach(creds, ck, cv)
		{
			(void)ck;
			if (json_object_get_string_len(cv) >= 8) /* "x" is in any text */
				assert_null(strstr(detail, json_object_get_string(cv)));
		}
	}
	assert_true(accepts >= 11);
	assert_true(rejects >= 9);
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signer_vectors),
		cmocka_unit_test(test_verifier_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
