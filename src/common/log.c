/* Levelled logging with secret redaction (see bssfs/log.h). */
#include "bssfs/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#define MAX_SECRETS 16

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
/* Guarded by log_lock: */
static char *secrets[MAX_SECRETS];
static int n_secrets;
static bool use_syslog;
static char prefix[32] = "bssfs";
/* Read without the lock (a torn read of an int is harmless here). */
static volatile int cur_level = BSS_LOG_INFO;

void bss_log_set_level(enum bss_log_level level) { cur_level = level; }
enum bss_log_level bss_log_get_level(void) { return (enum bss_log_level)cur_level; }

int bss_log_parse_level(const char *s, enum bss_log_level *out)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0) {
			*out = (enum bss_log_level)i;
			return 0;
		}
	return -EINVAL;
}

void bss_log_use_syslog(const char *ident)
{
	pthread_mutex_lock(&log_lock);
	openlog(ident, LOG_PID, LOG_DAEMON);
	use_syslog = true;
	pthread_mutex_unlock(&log_lock);
}

void bss_log_set_prefix(const char *p)
{
	pthread_mutex_lock(&log_lock);
	snprintf(prefix, sizeof(prefix), "%s", p);
	pthread_mutex_unlock(&log_lock);
}

void bss_log_add_secret(const char *secret)
{
	if (!secret || strlen(secret) < 4)
		return;
	pthread_mutex_lock(&log_lock);
	bool known = false;
	for (int i = 0; i < n_secrets; i++)
		known |= strcmp(secrets[i], secret) == 0;
	if (!known && n_secrets < MAX_SECRETS) {
		char *copy = strdup(secret);
		if (copy)
			secrets[n_secrets++] = copy;
	}
	pthread_mutex_unlock(&log_lock);
}

void bss_log_clear_secrets(void)
{
	pthread_mutex_lock(&log_lock);
	for (int i = 0; i < n_secrets; i++) {
		explicit_bzero(secrets[i], strlen(secrets[i]));
		free(secrets[i]);
	}
	n_secrets = 0;
	pthread_mutex_unlock(&log_lock);
}

/* Replaces every registered secret in line by "***", in place (the
 * replacement is never longer than a secret of 4+ bytes). Caller holds
 * log_lock. */
static void redact(char *line)
{
	for (int i = 0; i < n_secrets; i++) {
		size_t slen = strlen(secrets[i]);
		char *p;
		while ((p = strstr(line, secrets[i])) != NULL) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + slen, strlen(p + slen) + 1);
		}
	}
}

void bss_log(enum bss_log_level level, const char *fmt, ...)
{
	if ((int)level > cur_level)
		return;
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One line per call: control characters from remote text are escaped
	 * so a log line cannot be forged. */
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			*c = '?';
	static const char *const names[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	pthread_mutex_lock(&log_lock);
	redact(line);
	if (use_syslog) {
		syslog(prio[level], "%s: %s", names[level], line);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s %s: %s\n", when, ts.tv_nsec / 1000000, prefix,
			names[level], line);
	}
	pthread_mutex_unlock(&log_lock);
}
