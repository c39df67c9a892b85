/* emulator-bench-client: fetches every page (limit 1000) of the biggest
 * month's fee records (ListCustomerselfResourceRecords, statistic_type=3)
 * from a running bss-emulator with signed requests, and prints pages per
 * second.  Used by tests/bench/emulator-bench.sh.
 *
 * usage: emulator-bench-client PORT AK SK NOW_ISO_MONTH [MONTHS [MAX_PAGES]]
 * where NOW_ISO_MONTH is the emulator's current month (YYYY-MM); the
 * biggest of the MONTHS (default 12) months before it is fetched.  A 429
 * is retried after 100 ms and counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/clock.h"
#include "bssfs/jsonx.h"
#include "emu_client.h"
#include "emulator/emu.h"

static long total_of(const struct ec_resp *r)
{
	json_object *o = NULL;
	if (r->status != 200 || bss_json_parse(r->body, r->len, &o, NULL, 0) != 0)
		return -1;
	json_object *t = bss_json_get(o, "total_count");
	long n = t ? (long)json_object_get_int64(t) : -1;
	json_object_put(o);
	return n;
}

static int fetch(CURL *c, const char *base, const char *host, const char *ak, const char *sk,
		 const char *query, struct ec_resp *out, long *retries)
{
	struct ec_req r = { .method = "GET", .path = "/v2/bills/customer-bills/res-fee-records",
			    .query = query, .ak = ak, .sk = sk, .timeout_ms = 120000 };
	for (;;) {
		if (ec_do(c, base, host, &r, out) != 0)
			return -1;
		if (out->status != 429)
			return 0;
		ec_resp_clear(out);
		(*retries)++;
		bss_sleep_ms(100);
	}
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s PORT AK SK NOW_MONTH(YYYY-MM) [MONTHS [MAX_PAGES]]\n", argv[0]);
		return 2;
	}
	char base[96], host[64], q[256], best_cycle[16] = "";
	snprintf(host, sizeof(host), "127.0.0.1:%s", argv[1]);
	snprintf(base, sizeof(base), "http://%s", host);
	const char *ak = argv[2], *sk = argv[3];
	int y = atoi(argv[4]), m = atoi(argv[4] + 5);
	int months = argc > 5 ? atoi(argv[5]) : 12;
	long max_pages = argc > 6 ? atol(argv[6]) : 0;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	long best = -1, retries = 0;
	struct ec_resp resp;
	for (int i = 1; i <= months; i++) {
		int mk = y * 12 + (m - 1) - i;
		char cycle[16];
		snprintf(cycle, sizeof(cycle), "%04d-%02d", mk / 12, mk % 12 + 1);
		snprintf(q, sizeof(q), "cycle=%s&statistic_type=3&offset=0&limit=1", cycle);
		if (fetch(c, base, host, ak, sk, q, &resp, &retries) != 0)
			return 1;
		long n = total_of(&resp);
		if (n < 0)
			fprintf(stderr, "%s: HTTP %ld %.200s\n", cycle, resp.status, resp.body);
		ec_resp_clear(&resp);
		if (n > best) {
			best = n;
			snprintf(best_cycle, sizeof(best_cycle), "%s", cycle);
		}
	}
	if (best <= 0) {
		fprintf(stderr, "no month has records\n");
		return 1;
	}
	long pages = 0, bytes = 0;
	int64_t t0 = bss_mono_ms();
	for (long off = 0; off < best; off += 1000) {
		if (max_pages && pages >= max_pages)
			break;
		snprintf(q, sizeof(q), "cycle=%s&statistic_type=3&offset=%ld&limit=1000",
			 best_cycle, off);
		if (fetch(c, base, host, ak, sk, q, &resp, &retries) != 0 || resp.status != 200) {
			fprintf(stderr, "page at %ld: HTTP %ld %.200s\n", off, resp.status,
				resp.body ? resp.body : "");
			return 1;
		}
		bytes += (long)resp.len;
		pages++;
		ec_resp_clear(&resp);
	}
	double secs = (double)(bss_mono_ms() - t0) / 1000.0;
	printf("month          %s\n", best_cycle);
	printf("records        %ld\n", best);
	printf("pages fetched  %ld (limit 1000)\n", pages);
	printf("bytes          %ld\n", bytes);
	printf("seconds        %.2f\n", secs);
	printf("pages/second   %.1f\n", secs > 0 ? (double)pages / secs : 0.0);
	printf("429 retries    %ld\n", retries);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return 0;
}
