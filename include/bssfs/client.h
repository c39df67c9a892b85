/* The Huawei Cloud API client: credentials, endpoints, signed HTTPS requests,
 * rate limits, retries, error mapping, pagination and counters.
 *
 * Owns: everything between "call operation X with these parameters" and a
 * parsed JSON answer.  Callers name an operation of bssfs/api.h; nothing
 * outside this module builds a URL.  Knows nothing about files, caches or
 * rendering.
 *
 * Threads: a bss_client may be used from many threads at once.  It starts
 * no thread of its own outside a call (so it survives fork/daemonize when
 * no call is running); bss_client_fetch_all uses worker threads that it
 * joins before returning. */
#ifndef BSSFS_CLIENT_H
#define BSSFS_CLIENT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bssfs/api.h"

/* ---- credentials ---------------------------------------------------- */

struct bss_credentials {
	char *ak;
	char *sk;
	char *security_token; /* NULL unless temporary credentials */
	char *domain_id;      /* NULL until configured or discovered */
	char source[256];     /* where they came from, for messages (no secret) */
};

/* Loads credentials, first found wins (DESIGN §5): `file` (the
 * -o credentials=FILE option, may be NULL); the SDK environment variables
 * HUAWEICLOUD_SDK_AK/SK/SECURITY_TOKEN/DOMAIN_ID; the SDK profile file
 * ($HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials, INI with
 * [basic]/[global] sections and keys ak, sk, security_token, domain_id).
 * A file readable by group or others is refused.  On error returns -errno
 * and writes a message without any secret to err. Every secret found is
 * registered with bss_log_add_secret(). */
int bss_credentials_load(const char *file, struct bss_credentials *out, char *err, size_t errlen);
/* Wipes and frees the members; accepts a zeroed struct. */
void bss_credentials_clear(struct bss_credentials *c);

/* ---- client ---------------------------------------------------------- */

struct bss_client_config {
	const char *ak, *sk, *security_token, *domain_id; /* copied */
	const char *site;        /* "intl" (default), "cn" or "eu" */
	const char *endpoint;    /* BSS base URL; NULL = the site's */
	const char *eps_endpoint;
	const char *iam_endpoint; /* NULL: $HUAWEICLOUD_SDK_IAM_ENDPOINT, else the default */
	const char *cacert;       /* extra CA file to trust; TLS is always verified */
	const char *language;     /* X-Language value, NULL = not sent */
	double max_rps;           /* per operation; <= 0 means 10 */
	int max_concurrency;      /* per operation in flight; <= 0 means 4 */
	int connect_timeout_ms;   /* <= 0 means 10000 */
	int request_timeout_ms;   /* one attempt; <= 0 means 30000 */
	int deadline_ms;          /* one call with its retries; <= 0 means 60000 */
	int max_attempts;         /* idempotent operations; <= 0 means 8 */
	int backoff_base_ms;      /* first retry delay; <= 0 means 200 */
	int backoff_max_ms;       /* <= 0 means 10000 */
};

struct bss_client;

/* Creates a client. Validates the configuration (site, URLs, cacert
 * readable) without any network traffic. 0 or -errno with a message. */
int bss_client_new(const struct bss_client_config *cfg, struct bss_client **out, char *err,
		   size_t errlen);
void bss_client_free(struct bss_client *c);

/* The site mask (BSS_SITE_INTL or BSS_SITE_CN) and resolved base URLs. */
unsigned bss_client_site(const struct bss_client *c);
const char *bss_client_endpoint(const struct bss_client *c, enum bss_host host);
/* The domain id, or NULL until known. */
const char *bss_client_domain_id(const struct bss_client *c);

/* Everything an API failure tells us, for logs and outcomes. Never holds a
 * secret. */
struct bss_error {
	int http_status;       /* 0 when no HTTP answer arrived */
	char code[64];         /* "CBC.0100", "APIG.0308", "EPS.0005", "CURL.28", "BSSFS.x" */
	char message[512];
	char request_id[128];  /* X-Request-Id (or the body's request_id) */
	char op[64];
	int attempts;
	bool outcome_unknown;  /* a non-idempotent request may have been applied */
};

/* Discovers the domain id through IAM GET /v3/auth/domains when none was
 * configured (once; later calls return at once). 0 or -errno. */
int bss_client_ensure_domain(struct bss_client *c, struct bss_error *err);

struct bss_kv {
	const char *name;
	const char *value;
};

struct bss_request {
	const char *op;                  /* operation name from bssfs/api.h */
	const struct bss_kv *path_params; /* values for {name} in the path;
					   * {domain_id} is filled by the client */
	size_t n_path_params;
	const struct bss_kv *query;       /* encoded by the client */
	size_t n_query;
	json_object *body;                /* borrowed; NULL = no body */
};

/* One call (one page for paged operations, as given). Retries 429, 5xx,
 * connection errors and timeouts with exponential backoff and jitter,
 * honouring Retry-After, within max_attempts and deadline_ms, but only for
 * idempotent operations; a non-idempotent operation is sent at most once.
 * On success *out is the parsed answer (NULL for an empty body) and 0 is
 * returned; otherwise -errno (bss_errno_for) with err filled. A 200 answer
 * whose body carries an error_code other than CBC.0000 is an error too. */
int bss_client_call(struct bss_client *c, const struct bss_request *req, json_object **out,
		    struct bss_error *err);

/* Called once per page, in order. `page` is the whole answer of that page
 * (borrowed: valid during the call), first_record the index of its first
 * record. Return 0 to go on or -errno to stop. */
typedef int (*bss_page_fn)(void *ctx, json_object *page, size_t page_index, size_t first_record);

/* Fetches every page of a paged operation (the request's own offset/limit/
 * marker are overridden) and hands them to fn in order.  After the first
 * page the rest are fetched concurrently within the operation's rate and
 * concurrency limits, holding at most a bounded window of pages in memory.
 * A total that changes between pages, or a page shorter than promised,
 * fails with -EIO and code "BSSFS.INCONSISTENT_PAGES".  Non-paged
 * operations make one call. */
int bss_client_fetch_all(struct bss_client *c, const struct bss_request *req, bss_page_fn fn,
			 void *ctx, struct bss_error *err);

/* Per-operation counters: {"<op>": {"requests", "retries", "throttled",
 * "errors", "bytes", "latency_ms_total", "latency_ms_max"}, ...} plus
 * "totals". Caller owns the result. */
json_object *bss_client_stats(struct bss_client *c);

/* The one table from HTTP status and API error code to errno. */
int bss_errno_for(int http_status, const char *code);

/* Splits an error body (BSS {error_code,error_msg}, EPS {error:{...}},
 * gateway {error_code,error_msg,request_id}, or anything else) into err. */
void bss_error_from_body(int http_status, const char *body, size_t len, struct bss_error *err);

#endif
