/* Lifecycle of the bss-emulator server (see server.h): options, listening
 * address, TLS material, the libmicrohttpd daemon, and the settings the
 * control API changes (faults, latency).  The request pipeline itself is in
 * request.c. */
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/log.h"
#include "emulator/front.h"
#include "emulator/http.h"
#include "emulator/server.h"

static void mhd_logger(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	/* Our own injected faults (drop, truncate) make MHD report these. */
	if (strstr(line, "Application reported internal error") ||
	    strstr(line, "application reported error generating data"))
		bss_debug("microhttpd: %s", line);
	else
		bss_warn("microhttpd: %s", line);
}

static int read_file(const char *path, char **out)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n < 4096) {
			if (ferror(f))
				rc = -EIO;
			break;
		}
	}
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* "HOST:PORT" or "[V6]:PORT" -> address. */
static int resolve_listen(const char *listen, struct addrinfo **out)
{
	char host[256];
	const char *port;
	if (listen[0] == '[') {
		const char *end = strchr(listen, ']');
		if (!end || end[1] != ':' || (size_t)(end - listen) >= sizeof(host))
			return -EINVAL;
		memcpy(host, listen + 1, (size_t)(end - listen - 1));
		host[end - listen - 1] = '\0';
		port = end + 2;
	} else {
		const char *colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof(host))
			return -EINVAL;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
		port = colon + 1;
	}
	if (!*port)
		return -EINVAL;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	return getaddrinfo(host[0] ? host : NULL, port, &hints, out) == 0 ? 0 : -EINVAL;
}

int emu_server_set_faults(struct emu_server *s, const char *spec, char *err, size_t errlen)
{
	struct emu_faults *f = NULL;
	int rc = emu_faults_parse(spec, &f, err, errlen);
	if (rc)
		return rc;
	pthread_mutex_lock(&s->cfg_lock);
	struct emu_faults *old = s->faults;
	s->faults = f;
	pthread_mutex_unlock(&s->cfg_lock);
	emu_faults_free(old);
	return 0;
}

int emu_server_set_latency(struct emu_server *s, const char *ms)
{
	int lo = 0, hi = 0;
	if (ms && *ms && emu_latency_parse(ms, &lo, &hi) != 0)
		return -EINVAL;
	pthread_mutex_lock(&s->cfg_lock);
	s->lat_min = lo;
	s->lat_max = hi;
	pthread_mutex_unlock(&s->cfg_lock);
	return 0;
}

int emu_server_port(const struct emu_server *s) { return s->port; }

void emu_server_free(struct emu_server *s)
{
	if (!s)
		return;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	emu_auth_free(s->auth);
	emu_ratelimit_free(s->rl);
	emu_faults_free(s->faults);
	free(s->op_requests);
	free(s->tls_cert_pem);
	free(s->tls_key_pem);
	pthread_mutex_destroy(&s->cfg_lock);
	free(s);
}

#define START_FAIL(code, ...)                          \
	do {                                           \
		snprintf(err, errlen, __VA_ARGS__);    \
		emu_server_free(s);                    \
		return (code);                         \
	} while (0)

int emu_server_start(const struct emu_server_config *cfg, struct emu_server **out, char *err,
		     size_t errlen)
{
	*out = NULL;
	if (errlen)
		err[0] = '\0';
	struct emu_server *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->cfg_lock, NULL);
	s->account = cfg->account;
	s->site = cfg->site ? cfg->site : BSS_SITE_INTL;
	s->seed = cfg->seed;
	s->sign_real_clock = cfg->sign_real_clock;
	s->rng = cfg->seed;
	s->op_requests = calloc(bss_ops_count, sizeof(*s->op_requests));
	if (!s->op_requests)
		START_FAIL(-ENOMEM, "out of memory");
	if (!cfg->account)
		START_FAIL(-EINVAL, "no account");
	if (emu_auth_new(cfg->ak, cfg->sk, cfg->domain_id, cfg->security_token, &s->auth) != 0)
		START_FAIL(-EINVAL, "an AK and an SK are required");
	if (emu_ratelimit_new(cfg->rps, bss_ops_count, &s->rl) != 0)
		START_FAIL(-ENOMEM, "out of memory");
	char why[160] = "";
	if (emu_server_set_faults(s, cfg->faults, why, sizeof(why)) != 0)
		START_FAIL(-EINVAL, "--faults: %s", why);
	if (emu_server_set_latency(s, cfg->latency_ms) != 0)
		START_FAIL(-EINVAL, "--latency-ms: expected N or MIN-MAX milliseconds");
	bool tls = cfg->tls_cert && cfg->tls_key;
	if ((cfg->tls_cert != NULL) != (cfg->tls_key != NULL))
		START_FAIL(-EINVAL, "--tls-cert and --tls-key go together");
	if (tls) {
		int rc = read_file(cfg->tls_cert, &s->tls_cert_pem);
		if (rc)
			START_FAIL(rc, "cannot read %s: %s", cfg->tls_cert, strerror(-rc));
		rc = read_file(cfg->tls_key, &s->tls_key_pem);
		if (rc)
			START_FAIL(rc, "cannot read %s: %s", cfg->tls_key, strerror(-rc));
	}
	struct addrinfo *ai = NULL;
	const char *listen = cfg->listen ? cfg->listen : "127.0.0.1:0";
	if (resolve_listen(listen, &ai) != 0)
		START_FAIL(-EINVAL, "--listen %s: expected HOST:PORT", listen);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	if (tls)
		flags |= MHD_USE_TLS;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	int max_conn = cfg->max_connections > 0 ? cfg->max_connections : 256;
	struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, s },
		{ MHD_OPTION_SOCK_ADDR, 0, ai->ai_addr },
		{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)emu_http_uri_logger, s },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)emu_http_completed, s },
		{ MHD_OPTION_CONNECTION_LIMIT, max_conn, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, 120, NULL },
		{ tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->tls_cert_pem },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key_pem },
		{ MHD_OPTION_END, 0, NULL },
	};
	s->daemon = MHD_start_daemon(flags | MHD_USE_ERROR_LOG, 0, NULL, NULL, emu_http_access, s,
				     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->daemon)
		START_FAIL(-EADDRNOTAVAIL, "cannot listen on %s%s", listen,
			   tls ? " (or the TLS certificate/key is unusable)" : "");
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	*out = s;
	return 0;
}
