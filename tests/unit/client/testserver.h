/* A small scriptable HTTP/1.1 server for the client tests: binds
 * 127.0.0.1 on an ephemeral port, one thread per connection, keep-alive,
 * and a per-test handler that decides each answer (normal, reset,
 * truncated, slow).  Every request is recorded with its arrival time. */
#ifndef BSSFS_TESTSERVER_H
#define BSSFS_TESTSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TS_MAX_HDR 40

struct ts_request {
	char method[16];
	char path[1024];
	char query[4096];
	struct {
		char name[64]; /* lower-case */
		char value[2048];
	} hdr[TS_MAX_HDR];
	int n_hdr;
	char *body;
	size_t body_len;
	int64_t t_us; /* arrival, CLOCK_MONOTONIC microseconds */
	int seq;      /* 0-based arrival order */
};

enum ts_action {
	TS_RESPOND,  /* status + headers + body */
	TS_RESET,    /* close the connection without an answer */
	TS_TRUNCATE, /* Content-Length larger than the body sent, then close */
};

struct ts_response {
	int status;
	char headers[512]; /* extra header lines, each ending in "\r\n" */
	char *body;	   /* malloc'd (server frees) or NULL */
	enum ts_action action;
	int delay_ms; /* wait before answering */
};

typedef void (*ts_handler)(void *ctx, const struct ts_request *req, struct ts_response *resp);

struct ts_server;

struct ts_server *ts_start(ts_handler h, void *ctx);
/* Same over TLS with a PEM certificate chain and key ("https://..."). */
struct ts_server *ts_start_tls(ts_handler h, void *ctx, const char *cert, const char *key);
int ts_port(const struct ts_server *s);
/* "http://127.0.0.1:PORT" */
const char *ts_url(const struct ts_server *s);
void ts_stop(struct ts_server *s);
int ts_count(struct ts_server *s);
int ts_max_inflight(struct ts_server *s);
/* Recorded request i (valid until ts_stop), or NULL. */
const struct ts_request *ts_request_at(struct ts_server *s, int i);
const char *ts_header(const struct ts_request *r, const char *lower_name);
/* Sets a JSON body (copied). */
void ts_body(struct ts_response *r, int status, const char *json);

#endif
