/* Billing months in UTC+8 (see bssfs/month.h). */
#include "bssfs/month.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int bss_month_parse(const char *s, int *index)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -EINVAL;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -EINVAL;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12 || y < 1970)
		return -EINVAL;
	*index = y * 12 + (m - 1);
	return 0;
}

void bss_month_format(int index, char *buf, size_t len)
{
	unsigned y = (unsigned)(index / 12) % 10000u, m = (unsigned)(index % 12) % 12u + 1u;
	snprintf(buf, len, "%04u-%02u", y, m);
}

int bss_month_of_ms(int64_t now_ms, int *day_out)
{
	time_t t = (time_t)(now_ms / 1000) + BSS_UTC8_OFFSET_S;
	struct tm tm;
	gmtime_r(&t, &tm);
	if (day_out)
		*day_out = tm.tm_mday;
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

int64_t bss_month_day_start(int index, int day)
{
	struct tm tm = {0};
	tm.tm_year = index / 12 - 1900;
	tm.tm_mon = index % 12;
	tm.tm_mday = day;
	return (int64_t)timegm(&tm) - BSS_UTC8_OFFSET_S;
}
