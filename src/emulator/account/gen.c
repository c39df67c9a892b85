/* Seeded, stateless generator helpers: hashing, ids, hostile texts and the
 * UTC+8 calendar used for billing cycles. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acct.h"
#include "bssfs/dec.h"
#include "bssfs/jsonx.h"
#include "bssfs/month.h"

uint64_t acct_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t acct_hash3(uint64_t seed, uint64_t a, uint64_t b)
{
	return acct_mix(acct_mix(acct_mix(seed) ^ a) ^ (b * 0xd6e8feb86659fd93ULL));
}

void acct_uuid(uint64_t h, char out[37])
{
	uint64_t h2 = acct_mix(h);
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffffu,
		 0x4000u | ((unsigned)h & 0x0fffu), 0x8000u | ((unsigned)(h2 >> 48) & 0x3fffu),
		 (unsigned long long)(h2 & 0xffffffffffffULL));
}

/* User-controlled texts that break naive CSV writers and spreadsheets. */
static const char *const hostile[] = {
	"=HYPERLINK(\"http://x\")",
	"+cmd",
	"-1+2",
	"@SUM(A1)",
	"web, \"prod\" server",
	"line1\nline2",
	"crlf\r\nname",
	"caf\xc3\xa9-\xc3\xa9t\xc3\xa9",
	"\xe6\x95\xb0\xe6\x8d\xae\xe5\xba\x93-\xe4\xb8\xad\xe6\x96\x87",
	"rocket \xf0\x9f\x9a\x80 svc",
	"tab\tsep;semi",
	"\"quoted\"",
};

const char *acct_hostile_text(uint64_t h)
{
	return hostile[h % (sizeof(hostile) / sizeof(hostile[0]))];
}

void acct_fmt_time(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int acct_month_of_ms(int64_t ms, int *day_out)
{
	return bss_month_of_ms(ms, day_out);
}

int acct_days_in_month(int mk)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = mk / 12, m = mk % 12;
	if (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m];
}

int64_t acct_day_start_ms(int mk, int day)
{
	return bss_month_day_start(mk, day) * 1000;
}

void acct_fmt_cycle(int mk, char out[8])
{
	bss_month_format(mk, out, 8);
}

void acct_fmt_date(int mk, int day, char out[11])
{
	unsigned y = (unsigned)(mk / 12) % 10000u, m = (unsigned)(mk % 12) % 12u + 1u, d = (unsigned)day % 32u;
	snprintf(out, 11, "%04u-%02u-%02u", y, m, d);
}

int acct_parse_cycle(const char *s, int *mk)
{
	return bss_month_parse(s, mk);
}

json_object *acct_money_json(int64_t units, int scale)
{
	struct bss_dec d = bss_dec_from_units(units, 8), r;
	char buf[BSS_DEC_STRLEN];
	if (scale != 8) {
		bss_dec_round(&d, scale, &r);
		d = r;
	}
	return bss_json_new_decimal(bss_dec_format(&d, buf, sizeof buf));
}
