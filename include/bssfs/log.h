/* Levelled logging for bssfs and bss-emulator.
 *
 * Owns: the log level, the sink (stderr or syslog) and secret redaction.
 * Every line passes through bss_log(); any string registered with
 * bss_log_add_secret() is replaced by "***" before the line is written, as
 * a second line of defence behind code that never logs secrets at all.
 * Thread-safe. */
#ifndef BSSFS_LOG_H
#define BSSFS_LOG_H

#include <stdbool.h>

enum bss_log_level { BSS_LOG_ERR = 0, BSS_LOG_WARN, BSS_LOG_INFO, BSS_LOG_DEBUG };

void bss_log_set_level(enum bss_log_level level);
enum bss_log_level bss_log_get_level(void);
/* Parses "error", "warn", "info", "debug"; returns -EINVAL otherwise. */
int bss_log_parse_level(const char *s, enum bss_log_level *out);
/* Sends lines to syslog (ident) instead of stderr. */
void bss_log_use_syslog(const char *ident);
/* Sets a program name prefix for stderr lines ("bssfs", "bss-emulator"). */
void bss_log_set_prefix(const char *prefix);
/* Registers a secret (copied); empty and very short strings are ignored. */
void bss_log_add_secret(const char *secret);
/* Forgets all secrets (tests). */
void bss_log_clear_secrets(void);

void bss_log(enum bss_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define bss_err(...) bss_log(BSS_LOG_ERR, __VA_ARGS__)
#define bss_warn(...) bss_log(BSS_LOG_WARN, __VA_ARGS__)
#define bss_info(...) bss_log(BSS_LOG_INFO, __VA_ARGS__)
#define bss_debug(...)                                                   \
	do {                                                             \
		if (bss_log_get_level() >= BSS_LOG_DEBUG)                \
			bss_log(BSS_LOG_DEBUG, __VA_ARGS__);             \
	} while (0)

#endif
