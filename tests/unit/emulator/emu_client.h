/* A tiny signed HTTP client for the emulator's tests and benchmark:
 * libcurl plus bss_sign(), with hooks to sign one thing and send another
 * (tampering tests).  Not the product's client (src/client). */
#ifndef BSSFS_TEST_EMU_CLIENT_H
#define BSSFS_TEST_EMU_CLIENT_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct ec_req {
	const char *method;  /* "GET" ... */
	const char *path;    /* raw path sent */
	const char *query;   /* raw query sent, or NULL */
	const char *body;    /* body sent, or NULL */
	const char *ak, *sk;
	time_t date;         /* X-Sdk-Date; 0 = now by the emulator clock */
	bool unsigned_req;   /* no Authorization / X-Sdk-Date at all */
	/* What is signed when it differs from what is sent (NULL = same). */
	const char *sign_path, *sign_query, *sign_body, *sign_date;
	const char *send_date; /* X-Sdk-Date sent, when not the signed one */
	const char *domain_id; /* X-Domain-Id, signed */
	const char *token;     /* X-Security-Token sent */
	bool token_unsigned;   /* send the token without signing it */
	const char *language, *sign_language; /* X-Language sent / signed */
	long timeout_ms;       /* 0 = 10 s */
};

struct ec_resp {
	CURLcode curl;       /* CURLE_OK, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE ... */
	long status;         /* 0 when no status line arrived */
	char *body;          /* NUL-terminated; free with ec_resp_clear */
	size_t len;
	char request_id[64]; /* X-Request-Id header */
	char content_type[64];
	long elapsed_ms;
};

/* base: "http://127.0.0.1:PORT"; host: "127.0.0.1:PORT" (signed Host). */
int ec_do(CURL *curl, const char *base, const char *host, const struct ec_req *r,
	  struct ec_resp *out);
void ec_resp_clear(struct ec_resp *r);

#endif
