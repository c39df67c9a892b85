/* sign-tool: the C side of the signing interop test.
 *
 * Reads JSON lines {method, url, headers, body, ak, sk, sdk_date[, now]}
 * on stdin.  `headers` are the request's headers as sent; every header but
 * Authorization is signed.  Prints one JSON line per input:
 *   {"authorization": <our bss_sign result or null>,
 *    "canonical_request": <ours>,
 *    "verify": "ok" | "<reason>: <detail>"}
 * where verify is bss_verify() checking the request with the Authorization
 * it carries (the official SDK's), against the server clock `now` (default
 * sdk_date) and the single credential ak -> sk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "bssfs/sign.h"

struct ctx {
	json_object *headers;
	const char *ak;
	const char *sk;
};

static const char *hdr_lookup(void *p, const char *lower)
{
	struct ctx *c = p;
	json_object_object_foreach(c->headers, k, v)
	{
		if (strcasecmp(k, lower) == 0)
			return json_object_get_string(v);
	}
	return NULL;
}

static const char *sk_lookup(void *p, const char *ak)
{
	struct ctx *c = p;
	return strcmp(ak, c->ak) == 0 ? c->sk : NULL;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static const char *reason_name(enum bss_verify_result r)
{
	switch (r) {
	case BSS_VERIFY_OK: return "ok";
	case BSS_VERIFY_MALFORMED: return "malformed";
	case BSS_VERIFY_BAD_DATE: return "bad-date";
	case BSS_VERIFY_EXPIRED: return "expired";
	case BSS_VERIFY_UNKNOWN_AK: return "unknown-ak";
	case BSS_VERIFY_MISSING_HEADER: return "missing-header";
	case BSS_VERIFY_BAD_SIGNATURE: return "bad-signature";
	}
	return "?";
}

/* Splits scheme://host/path?query#frag into malloc'd path and query. */
static int split_url(const char *url, char **path, char **query)
{
	*path = *query = NULL;
	const char *p = strstr(url, "://");
	if (!p)
		return -EINVAL;
	p += 3;
	p += strcspn(p, "/?#");
	size_t pl = strcspn(p, "?#");
	*path = strndup(p, pl);
	p += pl;
	if (*p == '?') {
		p++;
		*query = strndup(p, strcspn(p, "#"));
	}
	return *path ? 0 : -ENOMEM;
}

static json_object *handle(json_object *req)
{
	json_object *out = json_object_new_object();
	const char *method = jstr(req, "method"), *url = jstr(req, "url");
	const char *body = jstr(req, "body"), *ak = jstr(req, "ak"), *sk = jstr(req, "sk");
	const char *date = jstr(req, "sdk_date"), *now_s = jstr(req, "now");
	json_object *headers = NULL;
	char *path = NULL, *query = NULL;
	if (!method || !url || !ak || !sk || !date ||
	    !json_object_object_get_ex(req, "headers", &headers) ||
	    !json_object_is_type(headers, json_type_object) || split_url(url, &path, &query)) {
		json_object_object_add(out, "error", json_object_new_string("bad input line"));
		free(path);
		free(query);
		return out;
	}
	if (!body)
		body = "";
	size_t n = (size_t)json_object_object_length(headers), k = 0;
	struct bss_header *h = calloc(n ? n : 1, sizeof(*h));
	json_object_object_foreach(headers, name, val)
	{
		if (strcasecmp(name, "authorization") == 0)
			continue;
		h[k].name = name;
		h[k].value = json_object_get_string(val);
		k++;
	}
	struct bss_sign_input in = { .method = method, .path = path, .query = query,
				     .headers = h, .n_headers = k,
				     .body = *body ? body : NULL, .body_len = strlen(body) };
	char *auth = NULL, *cr = NULL;
	int rc = bss_sign(&in, ak, sk, &auth);
	json_object_object_add(out, "authorization",
			       rc == 0 ? json_object_new_string(auth) : NULL);
	if (rc != 0)
		json_object_object_add(out, "sign_error", json_object_new_string(strerror(-rc)));
	if (bss_sign_canonical_request(&in, &cr) == 0)
		json_object_object_add(out, "canonical_request", json_object_new_string(cr));

	struct ctx c = { .headers = headers, .ak = ak, .sk = sk };
	struct bss_verify_input vin = { .method = method, .path = path, .query = query,
					.header = hdr_lookup, .header_ctx = &c,
					.body = body, .body_len = strlen(body) };
	time_t now;
	if (bss_sdk_date_parse(now_s ? now_s : date, &now) != 0) {
		json_object_object_add(out, "verify", json_object_new_string("bad now/sdk_date"));
	} else {
		char akbuf[256], detail[4096], msg[4200];
		enum bss_verify_result r = bss_verify(&vin, sk_lookup, &c, now, akbuf, sizeof(akbuf),
						      detail, sizeof(detail));
		if (r == BSS_VERIFY_OK)
			snprintf(msg, sizeof(msg), "ok");
		else
			snprintf(msg, sizeof(msg), "%s: %s", reason_name(r), detail);
		json_object_object_add(out, "verify", json_object_new_string(msg));
	}
	free(auth);
	free(cr);
	free(h);
	free(path);
	free(query);
	return out;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (len <= 1)
			continue;
		json_tokener *tok = json_tokener_new();
		json_object *req = json_tokener_parse_ex(tok, line, (int)len);
		json_tokener_free(tok);
		json_object *out;
		if (!req || !json_object_is_type(req, json_type_object)) {
			out = json_object_new_object();
			json_object_object_add(out, "error", json_object_new_string("not JSON"));
		} else {
			out = handle(req);
		}
		puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(stdout);
		json_object_put(out);
		json_object_put(req);
	}
	free(line);
	return 0;
}
