/* See emu_client.h. */
#include "emu_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bssfs/clock.h"
#include "bssfs/sign.h"
#include "emulator/emu.h"

static size_t on_body(char *ptr, size_t size, size_t n, void *ud)
{
	struct ec_resp *r = ud;
	size_t len = size * n;
	char *nb = realloc(r->body, r->len + len + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->len, ptr, len);
	r->body = nb;
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

static void copy_header(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name);
	if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	const char *v = line + n + 1;
	while (*v == ' ')
		v++;
	size_t vl = len - (size_t)(v - line);
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
		vl--;
	if (vl >= outlen)
		vl = outlen - 1;
	memcpy(out, v, vl);
	out[vl] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t n, void *ud)
{
	struct ec_resp *r = ud;
	copy_header(ptr, size * n, "X-Request-Id", r->request_id, sizeof(r->request_id));
	copy_header(ptr, size * n, "Content-Type", r->content_type, sizeof(r->content_type));
	return size * n;
}

void ec_resp_clear(struct ec_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int ec_do(CURL *curl, const char *base, const char *host, const struct ec_req *r,
	  struct ec_resp *out)
{
	memset(out, 0, sizeof(*out));
	char date[17];
	bss_sdk_date_format(r->date ? r->date : (time_t)(emu_now_ms() / 1000), date);
	const char *sign_date = r->sign_date ? r->sign_date : date;
	const char *send_date = r->send_date ? r->send_date : sign_date;

	struct bss_header sh[8];
	size_t nh = 0;
	if (r->body)
		sh[nh++] = (struct bss_header){ "content-type", "application/json" };
	sh[nh++] = (struct bss_header){ "host", host };
	sh[nh++] = (struct bss_header){ "x-sdk-date", sign_date };
	if (r->domain_id)
		sh[nh++] = (struct bss_header){ "x-domain-id", r->domain_id };
	if (r->token && !r->token_unsigned)
		sh[nh++] = (struct bss_header){ "x-security-token", r->token };
	if (r->language)
		sh[nh++] = (struct bss_header){ "x-language",
						r->sign_language ? r->sign_language : r->language };
	const char *sbody = r->sign_body ? r->sign_body : r->body;
	struct bss_sign_input in = {
		.method = r->method, .path = r->sign_path ? r->sign_path : r->path,
		.query = r->sign_query ? r->sign_query : r->query, .headers = sh, .n_headers = nh,
		.body = sbody, .body_len = sbody ? strlen(sbody) : 0,
	};
	char *authz = NULL;
	if (!r->unsigned_req) {
		int rc = bss_sign(&in, r->ak, r->sk, &authz);
		if (rc)
			return rc;
	}

	char url[4096], line[4200];
	snprintf(url, sizeof(url), "%s%s%s%s", base, r->path, r->query ? "?" : "",
		 r->query ? r->query : "");
	struct curl_slist *hl = NULL;
	hl = curl_slist_append(hl, "Expect:");
	if (r->body)
		hl = curl_slist_append(hl, "Content-Type: application/json");
	if (!r->unsigned_req) {
		snprintf(line, sizeof(line), "X-Sdk-Date: %s", send_date);
		hl = curl_slist_append(hl, line);
		snprintf(line, sizeof(line), "Authorization: %s", authz);
		hl = curl_slist_append(hl, line);
	}
	if (r->domain_id) {
		snprintf(line, sizeof(line), "X-Domain-Id: %s", r->domain_id);
		hl = curl_slist_append(hl, line);
	}
	if (r->token) {
		snprintf(line, sizeof(line), "X-Security-Token: %s", r->token);
		hl = curl_slist_append(hl, line);
	}
	if (r->language) {
		snprintf(line, sizeof(line), "X-Language: %s", r->language);
		hl = curl_slist_append(hl, line);
	}
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r->method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, r->timeout_ms ? r->timeout_ms : 10000L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	if (r->body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(r->body));
	}
	int64_t t0 = bss_mono_ms();
	out->curl = curl_easy_perform(curl);
	out->elapsed_ms = (long)(bss_mono_ms() - t0);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	if (!out->body) {
		out->body = calloc(1, 1);
		if (!out->body) {
			curl_slist_free_all(hl);
			free(authz);
			return -ENOMEM;
		}
	}
	curl_slist_free_all(hl);
	free(authz);
	return 0;
}
