/* The bss-emulator HTTP(S) server: the stand-in for Huawei's API gateway in
 * front of BSS, EPS and IAM, all served on one address.
 *
 * Owns: the libmicrohttpd daemon, routing (bss_op_match for the BSS, EPS
 * and IAM hosts), authentication, per-operation rate limits, fault and
 * latency injection, parameter validation, the request counters and the
 * control API under /_emulator/.  Does not own the synthetic account: every
 * routed, authenticated and validated call goes to emu_account_handle().
 *
 * Order of checks for a request: route (404 APIG.0101, also for an
 * operation that does not exist on the site) -> count it per operation ->
 * signature, token, domain (401 APIGW.0301 / 403 APIGW.0302) -> rate limit
 * (429 APIG.0308) -> injected fault -> body JSON and parameter validation
 * (400) -> account. */
#ifndef BSSFS_EMU_SERVER_H
#define BSSFS_EMU_SERVER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emulator/emu.h"

struct emu_server_config {
	const char *listen;         /* "HOST:PORT"; NULL = "127.0.0.1:0" */
	const char *tls_cert;       /* PEM file; with tls_key: HTTPS */
	const char *tls_key;        /* PEM file */
	const char *ak, *sk;        /* the one accepted key pair */
	const char *domain_id;      /* X-Domain-Id must equal it when sent */
	const char *security_token; /* NULL/"" = none required */
	unsigned site;              /* BSS_SITE_INTL or BSS_SITE_CN */
	int rps;                    /* per operation per second; <= 0 = no limit */
	const char *latency_ms;     /* NULL, "N" or "MIN-MAX" */
	const char *faults;         /* NULL or a --faults spec */
	uint64_t seed;              /* fault and latency PRNG */
	int max_connections;        /* 0 = 256 */
	bool sign_real_clock;       /* check X-Sdk-Date against the real clock,
				     * not the emulator clock (--now) */
	struct emu_account *account; /* not owned; outlives the server */
};

struct emu_server;

/* Starts listening and serving in background threads. On failure returns
 * -errno and writes a reason (never a secret) to err. */
int emu_server_start(const struct emu_server_config *cfg, struct emu_server **out, char *err,
		     size_t errlen);
/* The bound TCP port. */
int emu_server_port(const struct emu_server *s);
/* Replaces the fault spec / latency (the control API uses these). */
int emu_server_set_faults(struct emu_server *s, const char *spec, char *err, size_t errlen);
int emu_server_set_latency(struct emu_server *s, const char *ms);
/* Counters as GET /_emulator/stats answers them; caller puts it. */
json_object *emu_server_stats(struct emu_server *s);
/* Zeroes counters, lockouts, rate windows, reseeds the PRNG, resets the
 * account. */
void emu_server_reset(struct emu_server *s);
/* Stops serving (waits for connection threads) and frees. NULL is fine. */
void emu_server_free(struct emu_server *s);

#endif
