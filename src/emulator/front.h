/* Internal pieces of the emulator's HTTP front end, shared by server.c and
 * its helpers; not used outside src/emulator (tests may include it).
 *
 *   auth.c      signature verification (bss_verify), security token,
 *               X-Domain-Id, consecutive-failure lockout of an AK
 *   ratelimit.c per-operation sliding one-second windows (--rps)
 *   faults.c    --faults specs, --latency-ms and the seeded PRNG
 *   validate.c  generic parameter validation against bssfs/api.h schemas
 *
 * Gateway error bodies are {"error_code","error_msg","request_id"}. */
#ifndef BSSFS_EMU_FRONT_H
#define BSSFS_EMU_FRONT_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bssfs/api.h"
#include "bssfs/sign.h"
#include "emulator/emu.h"

/* ---- auth.c ---- */

#define EMU_LOCK_FAILURES 5
#define EMU_LOCK_MS (5 * 60 * 1000)

struct emu_auth;

/* Copies the strings; token may be NULL (no token required). */
int emu_auth_new(const char *ak, const char *sk, const char *domain_id, const char *token,
		 struct emu_auth **out);
void emu_auth_free(struct emu_auth *a);
/* Forgets all failure counts and locks. */
void emu_auth_reset(struct emu_auth *a);

enum emu_auth_result {
	EMU_AUTH_OK,
	EMU_AUTH_UNAUTHORIZED, /* 401 APIGW.0301, detail says why */
	EMU_AUTH_FORBIDDEN,    /* 403 APIGW.0302: X-Domain-Id of another account */
};

/* Checks one request; `in` as bss_verify takes it. Updates the lockout
 * state of the AK named by the request. detail gets the gateway's words. */
enum emu_auth_result emu_auth_check(struct emu_auth *a, const struct bss_verify_input *in,
				    int64_t now_ms, char *detail, size_t detail_len);

/* ---- ratelimit.c ---- */

struct emu_ratelimit;

/* rps requests per second for each of n_ops operations; rps <= 0 = none. */
int emu_ratelimit_new(int rps, size_t n_ops, struct emu_ratelimit **out);
void emu_ratelimit_free(struct emu_ratelimit *rl);
void emu_ratelimit_reset(struct emu_ratelimit *rl);
int emu_ratelimit_rps(const struct emu_ratelimit *rl);
/* true (and the request is counted) when operation op_index may run now. */
bool emu_ratelimit_allow(struct emu_ratelimit *rl, size_t op_index, int64_t mono_ms);

/* ---- faults.c ---- */

enum emu_fault {
	EMU_FAULT_NONE,
	EMU_FAULT_500,
	EMU_FAULT_502,
	EMU_FAULT_503,
	EMU_FAULT_429,
	EMU_FAULT_DROP,       /* close without answering, call not applied */
	EMU_FAULT_DROP_AFTER, /* apply the call, then close without answering */
	EMU_FAULT_TRUNCATE,   /* apply, send Content-Length > body, close */
	EMU_FAULT_MALFORMED,  /* apply, answer 200 with invalid JSON */
	EMU_FAULT_COUNT,
};

struct emu_faults; /* parsed spec, immutable once built */

/* Parses "500=0.05,drop=0.01;PayOrders:drop_after=1". NULL or "" gives
 * no faults. -EINVAL with a reason in err. */
int emu_faults_parse(const char *spec, struct emu_faults **out, char *err, size_t errlen);
void emu_faults_free(struct emu_faults *f);
/* The spec text it was parsed from ("" for none). */
const char *emu_faults_spec(const struct emu_faults *f);
/* Draws the fault for one call of op_name, using r uniform in [0,1). */
enum emu_fault emu_faults_pick(const struct emu_faults *f, const char *op_name, double r);
const char *emu_fault_name(enum emu_fault k);

/* "N" or "MIN-MAX" milliseconds. -EINVAL otherwise. */
int emu_latency_parse(const char *s, int *min_ms, int *max_ms);

/* splitmix64 step: deterministic from the seed. */
uint64_t emu_rng_next(uint64_t *state);
/* Uniform in [0,1) from the top 53 bits; used for probabilities only. */
double emu_rng_unit(uint64_t *state);

/* ---- validate.c ---- */

/* Validates a call against op's schema. On failure returns -EINVAL with
 * *status and *body (owned by the caller) set to the operation's error
 * shape: BSS/IAM {"error_code":"CBC.0100",...}, EPS {"error":{...}} with
 * EPS.0002 / EPS.0017 (limit) / EPS.0018 (offset). */
int emu_validate(const struct emu_call *c, int *status, json_object **body);
/* true for "YYYY-MM" with month 01..12. */
bool emu_valid_bill_cycle(const char *s);

/* ---- server.c / control.c ---- */

struct MHD_Daemon;

/* One HTTP answer before it is sent. */
struct emu_answer {
	int status;
	char *body;      /* malloc'd, may be NULL (empty) */
	size_t len;
	enum emu_fault fault; /* DROP/DROP_AFTER close, TRUNCATE, MALFORMED mangle */
};

struct emu_server {
	struct MHD_Daemon *daemon;
	int port;
	struct emu_account *account; /* not owned */
	struct emu_auth *auth;
	struct emu_ratelimit *rl;
	unsigned site;
	uint64_t seed;
	bool sign_real_clock;
	char *tls_cert_pem, *tls_key_pem;

	pthread_mutex_t cfg_lock; /* guards faults, lat_min, lat_max, rng */
	struct emu_faults *faults;
	int lat_min, lat_max;
	uint64_t rng;

	/* Counters: atomics, no lock. op_requests is indexed like bss_ops. */
	_Atomic long *op_requests;
	_Atomic long requests_total, signature_failures, throttled, faults_injected;
};

/* Answers a request under /_emulator/ (never signed). */
void emu_control_handle(struct emu_server *s, const char *method, const char *path,
			const char *body, size_t len, struct emu_answer *ans);
/* Fills ans with a gateway body {"error_code","error_msg","request_id"}. */
void emu_answer_gateway(struct emu_answer *ans, int status, const char *code, const char *msg,
			const char *request_id);
/* Fills ans with a JSON body (serialised exactly; obj is not consumed). */
void emu_answer_json(struct emu_answer *ans, int status, json_object *obj);

#endif
