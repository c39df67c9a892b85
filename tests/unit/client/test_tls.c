/* TLS: always verified; cacert adds a CA next to the system ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static char dir[256], cert[300], key[300];

static void ok_handler(void *ctx, const struct ts_request *req, struct ts_response *resp)
{
	(void)ctx;
	(void)req;
	ts_body(resp, 200, "{\"account_balances\":[{\"amount\":1.10}]}");
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bssfs-client-tls-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 2 "
		 "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
		 key, cert);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_tls_verified(void **state)
{
	(void)state;
	struct ts_server *s = ts_start_tls(ok_handler, NULL, cert, key);
	assert_non_null(s);
	assert_non_null(strstr(ts_url(s), "https://"));
	json_object *out = NULL;
	struct bss_error err;
	struct bss_request req = {.op = "ShowCustomerAccountBalances"};

	/* an unknown CA is refused, and not retried */
	struct bss_client *c = test_client(s, NULL);
	assert_int_equal(bss_client_call(c, &req, &out, &err), -EIO);
	assert_string_equal(err.code, "CURL.60");
	assert_int_equal(err.attempts, 1);
	int refused = ts_count(s);
	assert_int_equal(refused, 0);
	bss_client_free(c);

	/* trusted through cacert */
	struct bss_client_config cfg = {.domain_id = T_DOMAIN, .max_rps = 1000, .cacert = cert};
	c = test_client(s, &cfg);
	assert_int_equal(bss_client_call(c, &req, &out, &err), 0);
	assert_non_null(out);
	json_object_put(out);
	assert_int_equal(bss_client_call(c, &req, &out, &err), 0);
	json_object_put(out);
	assert_int_equal(ts_count(s), 2);
	char host[64];
	snprintf(host, sizeof(host), "127.0.0.1:%d", ts_port(s));
	assert_string_equal(ts_header(ts_request_at(s, 0), "host"), host);
	bss_client_free(c);
	ts_stop(s);
}

static void test_cacert_validation(void **state)
{
	(void)state;
	struct bss_client *c = NULL;
	char msg[512];
	struct bss_client_config cfg = {.ak = T_AK, .sk = T_SK, .cacert = key};
	/* a key file is not a certificate */
	assert_int_equal(bss_client_new(&cfg, &c, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "cacert"));
	assert_null(c);
	cfg.cacert = cert;
	assert_int_equal(bss_client_new(&cfg, &c, msg, sizeof(msg)), 0);
	bss_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls_verified),
	    cmocka_unit_test(test_cacert_validation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
