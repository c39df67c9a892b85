/* libcurl transport: one CURLSH shared by all threads (connections, DNS,
 * TLS sessions; keep-alive across requests) and a pool of reusable easy
 * handles, and one signed attempt.
 *
 * Owns: the share handle (locked through c->share_locks), the easy-handle
 * pool (c->pool, guarded by c->pool_lock), header signing and the wire
 * form of a request.  No thread is started here. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bssfs/clock.h"
#include "bssfs/log.h"
#include "bssfs/sign.h"
#include "client_internal.h"

#define MAX_BODY (256u * 1024u * 1024u)

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static int global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -EIO;
}

int bss_http_global_init(void)
{
	pthread_once(&global_once, global_init);
	return global_rc;
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userp)
{
	(void)h;
	(void)access;
	struct bss_client *c = userp;
	if ((int)data >= 0 && (int)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userp)
{
	(void)h;
	struct bss_client *c = userp;
	if ((int)data >= 0 && (int)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&c->share_locks[data]);
}

int bss_http_init(struct bss_client *c, char *err, size_t errlen)
{
	c->share = curl_share_init();
	if (!c->share) {
		snprintf(err, errlen, "curl_share_init failed");
		return -ENOMEM;
	}
	curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	if (curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK)
		bss_warn("libcurl cannot share connections; keep-alive is per handle");
	return 0;
}

void bss_http_cleanup(struct bss_client *c)
{
	while (c->pool) {
		struct bss_easy *e = c->pool;
		c->pool = e->next;
		curl_easy_cleanup(e->h);
		free(e);
	}
	if (c->share)
		curl_share_cleanup(c->share);
	c->share = NULL;
}

static struct bss_easy *pool_get(struct bss_client *c)
{
	pthread_mutex_lock(&c->pool_lock);
	struct bss_easy *e = c->pool;
	if (e)
		c->pool = e->next;
	pthread_mutex_unlock(&c->pool_lock);
	if (e) {
		curl_easy_reset(e->h);
		return e;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->h = curl_easy_init();
	if (!e->h) {
		free(e);
		return NULL;
	}
	return e;
}

static void pool_put(struct bss_client *c, struct bss_easy *e)
{
	pthread_mutex_lock(&c->pool_lock);
	e->next = c->pool;
	c->pool = e;
	pthread_mutex_unlock(&c->pool_lock);
}

void bss_http_result_free(struct bss_http_result *res)
{
	if (!res)
		return;
	free(res->body);
	res->body = NULL;
	res->body_len = 0;
}

struct sink {
	struct bss_http_result *res;
	size_t cap;
	bool too_large;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb;
	struct bss_http_result *r = s->res;
	if (r->body_len + n + 1 > MAX_BODY) {
		s->too_large = true;
		return 0;
	}
	if (r->body_len + n + 1 > s->cap) {
		size_t nc = s->cap ? s->cap : 16384;
		while (nc < r->body_len + n + 1)
			nc *= 2;
		char *nb = realloc(r->body, nc);
		if (!nb)
			return 0;
		r->body = nb;
		s->cap = nc;
	}
	memcpy(r->body + r->body_len, ptr, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb;
	char line[256];
	size_t l = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
	memcpy(line, ptr, l);
	line[l] = '\0';
	while (l > 0 && (line[l - 1] == '\r' || line[l - 1] == '\n' || line[l - 1] == ' '))
		line[--l] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) { /* a new response: forget earlier headers */
		s->res->request_id[0] = '\0';
		s->res->retry_after_s = -1;
	} else if (strncasecmp(line, "x-request-id:", 13) == 0) {
		const char *v = line + 13;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vl = strlen(v);
		if (vl >= sizeof(s->res->request_id))
			vl = sizeof(s->res->request_id) - 1;
		memcpy(s->res->request_id, v, vl);
		s->res->request_id[vl] = '\0';
	} else if (strncasecmp(line, "retry-after:", 12) == 0) {
		const char *v = line + 12;
		while (*v == ' ' || *v == '\t')
			v++;
		long secs = -1;
		if (isdigit((unsigned char)*v)) {
			secs = strtol(v, NULL, 10);
		} else if (*v) { /* HTTP-date form */
			time_t when = curl_getdate(v, NULL);
			if (when > 0)
				secs = when > bss_wall_time() ? (long)(when - bss_wall_time()) : 0;
		}
		if (secs >= 0)
			s->res->retry_after_s = secs > 3600 ? 3600 : (int)secs;
	}
	return n;
}

/* Splits a base URL into "host[:port]" as sent (default port dropped) and
 * a path prefix. */
static void split_base(const char *base, char *host, size_t hlen, const char **prefix)
{
	bool https = strncmp(base, "https://", 8) == 0;
	const char *h = base + (https ? 8 : 7);
	size_t n = strcspn(h, "/");
	*prefix = h + n;
	snprintf(host, hlen, "%.*s", (int)n, h);
	size_t hl = strlen(host);
	const char *dflt = https ? ":443" : ":80";
	size_t dl = strlen(dflt);
	if (hl > dl && strcmp(host + hl - dl, dflt) == 0)
		host[hl - dl] = '\0';
}

static int add_header(struct curl_slist **list, const char *name, const char *value)
{
	char *line;
	if (asprintf(&line, "%s: %s", name, value) < 0)
		return -ENOMEM;
	struct curl_slist *n = curl_slist_append(*list, line);
	explicit_bzero(line, strlen(line));
	free(line);
	if (!n)
		return -ENOMEM;
	*list = n;
	return 0;
}

static void free_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

struct prereq_ctx {
	struct bss_client *c;
	struct bss_opstate *s;
};

static int on_prereq(void *clientp, char *primary_ip, char *local_ip, int primary_port,
		     int local_port)
{
	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	struct prereq_ctx *p = clientp;
	bss_rate_before_send(p->c, p->s);
	return CURL_PREREQFUNC_OK;
}

int bss_http_perform(struct bss_client *c, const struct bss_op *op, struct bss_opstate *s,
		     const char *path, const char *query, const char *body, size_t body_len,
		     int timeout_ms, struct bss_http_result *res)
{
	memset(res, 0, sizeof(*res));
	res->retry_after_s = -1;
	const char *base = c->base[op->host];
	char host[256];
	const char *prefix;
	split_base(base, host, sizeof(host), &prefix);
	char *full_path = NULL, *url = NULL, *auth = NULL;
	if (asprintf(&full_path, "%s%s", prefix, path) < 0)
		return -ENOMEM;
	bool has_query = query && *query;
	if (asprintf(&url, "%.*s%s%s%s", (int)(prefix - base), base, full_path,
		     has_query ? "?" : "", has_query ? query : "") < 0) {
		free(full_path);
		return -ENOMEM;
	}
	char date[17];
	bss_sdk_date_format(bss_wall_time(), date);
	const char *domain = op->host == BSS_HOST_IAM ? NULL : bss_client_domain_peek(c);

	struct bss_header hs[6];
	size_t nh = 0;
	hs[nh++] = (struct bss_header){"Host", host};
	hs[nh++] = (struct bss_header){"X-Sdk-Date", date};
	if (body)
		hs[nh++] = (struct bss_header){"Content-Type", "application/json"};
	if (domain)
		hs[nh++] = (struct bss_header){"X-Domain-Id", domain};
	if (c->security_token)
		hs[nh++] = (struct bss_header){"X-Security-Token", c->security_token};
	if (c->language)
		hs[nh++] = (struct bss_header){"X-Language", c->language};
	struct bss_sign_input in = {.method = op->method,
				    .path = full_path,
				    .query = has_query ? query : NULL,
				    .headers = hs,
				    .n_headers = nh,
				    .body = body,
				    .body_len = body ? body_len : 0};
	int rc = bss_sign(&in, c->ak, c->sk, &auth);
	if (rc < 0) {
		free(full_path);
		free(url);
		return rc;
	}
	struct curl_slist *list = NULL;
	for (size_t i = 0; i < nh && rc == 0; i++)
		rc = add_header(&list, hs[i].name, hs[i].value);
	if (rc == 0)
		rc = add_header(&list, "Authorization", auth);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	if (rc == 0 && !body && !(list = curl_slist_append(list, "Content-Type:")))
		rc = -ENOMEM;
	if (rc == 0 && !(list = curl_slist_append(list, "Expect:")))
		rc = -ENOMEM;
	struct bss_easy *e = rc == 0 ? pool_get(c) : NULL;
	if (rc == 0 && !e)
		rc = -ENOMEM;
	if (rc < 0) {
		free_headers(list);
		free(full_path);
		free(url);
		return rc;
	}
	CURL *h = e->h;
	struct sink sink = {.res = res};
	struct prereq_ctx prq = {.c = c, .s = s};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_SHARE, c->share);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cacert_blob) {
		struct curl_blob blob = {
		    .data = c->cacert_blob, .len = c->cacert_len, .flags = CURL_BLOB_NOCOPY};
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 1));
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	if (!op->idempotent) {
		/* libcurl silently re-sends a request once when a reused
		 * connection turns out dead; a fresh connection rules out a
		 * second submission of a non-idempotent operation. */
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	}
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, &prq);
	if (strcmp(op->method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(op->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, op->method);
		if (body || strcmp(op->method, "POST") == 0) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)(body ? body_len : 0));
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		}
	}
	CURLcode cc = curl_easy_perform(h);
	res->curl_code = (int)cc;
	if (sink.too_large)
		res->curl_code = CURLE_FILESIZE_EXCEEDED;
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	res->status = cc == CURLE_OK ? status : 0;
	curl_off_t pre = 0;
	curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pre);
	res->maybe_sent = cc == CURLE_OK || (cc != CURLE_COULDNT_CONNECT &&
					     cc != CURLE_COULDNT_RESOLVE_HOST && pre > 0);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_SHARE, NULL);
	pool_put(c, e);
	free_headers(list);
	bss_debug("%s %s %s -> %ld%s%s", op->name, op->method, full_path, res->status,
		  cc == CURLE_OK ? "" : " ", cc == CURLE_OK ? "" : curl_easy_strerror(cc));
	free(full_path);
	free(url);
	return 0;
}
