/* Billing months: calendar months in UTC+8, as BSS bills them.
 *
 * Owns: the one parser and formatter of "YYYY-MM" and the UTC+8 calendar
 * arithmetic shared by the path table, the emulator's account and its
 * request validation.  A month is an index: year * 12 + (month - 1). */
#ifndef BSSFS_MONTH_H
#define BSSFS_MONTH_H

#include <stddef.h>
#include <stdint.h>

#define BSS_UTC8_OFFSET_S (8 * 3600)

/* Parses exactly "YYYY-MM" (month 01..12, year >= 1970). 0 or -EINVAL. */
int bss_month_parse(const char *s, int *index);
/* Writes "YYYY-MM" (buf of at least 8 bytes). */
void bss_month_format(int index, char *buf, size_t len);
/* The billing month (UTC+8) containing the instant now_ms; *day_out (may
 * be NULL) receives the UTC+8 day of the month. */
int bss_month_of_ms(int64_t now_ms, int *day_out);
/* Unix time (UTC, seconds) of day `day` 00:00 UTC+8 of month `index`. */
int64_t bss_month_day_start(int index, int day);

#endif
