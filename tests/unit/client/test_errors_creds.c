/* Error table, error bodies, credentials loading and client configuration. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#include "client/client_internal.h"

/* ---- errno table ---- */

static void test_errno_table(void **state)
{
	(void)state;
	assert_int_equal(bss_errno_for(200, NULL), 0);
	assert_int_equal(bss_errno_for(200, "CBC.0000"), 0);
	assert_int_equal(bss_errno_for(204, ""), 0);
	assert_int_equal(bss_errno_for(400, "CBC.0100"), -EINVAL);
	assert_int_equal(bss_errno_for(400, "CBC.0101"), -EINVAL);
	assert_int_equal(bss_errno_for(200, "CBC.0100"), -EINVAL);
	assert_int_equal(bss_errno_for(200, "CBC.3185"), -EIO);
	assert_int_equal(bss_errno_for(401, "APIG.0301"), -EACCES);
	assert_int_equal(bss_errno_for(401, "APIGW.0301"), -EACCES);
	assert_int_equal(bss_errno_for(401, "APIGW.0303"), -EACCES);
	assert_int_equal(bss_errno_for(403, "APIGW.0302"), -EACCES);
	assert_int_equal(bss_errno_for(403, "CBC.0151"), -EACCES);
	assert_int_equal(bss_errno_for(403, "CBC.0156"), -EACCES);
	assert_int_equal(bss_errno_for(403, "whatever"), -EACCES);
	assert_int_equal(bss_errno_for(404, "APIG.0101"), -ENOENT);
	assert_int_equal(bss_errno_for(404, "APIGW.0101"), -ENOENT);
	assert_int_equal(bss_errno_for(404, "EPS.0005"), -ENOENT);
	assert_int_equal(bss_errno_for(404, "404"), -ENOENT);
	assert_int_equal(bss_errno_for(429, "APIG.0308"), -EAGAIN);
	assert_int_equal(bss_errno_for(429, "APIGW.0308"), -EAGAIN);
	assert_int_equal(bss_errno_for(429, "CBC.0250"), -EAGAIN);
	assert_int_equal(bss_errno_for(429, ""), -EAGAIN);
	assert_int_equal(bss_errno_for(403, "EPS.0006"), -EAGAIN);
	assert_int_equal(bss_errno_for(400, "EPS.0002"), -EINVAL);
	assert_int_equal(bss_errno_for(409, "EPS.0010"), -EEXIST);
	assert_int_equal(bss_errno_for(400, "EPS.0009"), -EDQUOT);
	assert_int_equal(bss_errno_for(500, "EPS.0001"), -EIO);
	assert_int_equal(bss_errno_for(500, "CBC.0999"), -EIO);
	assert_int_equal(bss_errno_for(502, ""), -EIO);
	assert_int_equal(bss_errno_for(503, "503"), -EIO);
	assert_int_equal(bss_errno_for(504, ""), -EIO);
	assert_int_equal(bss_errno_for(413, "APIGW.0201"), -E2BIG);
	assert_int_equal(bss_errno_for(0, "CURL.28"), -ETIMEDOUT);
	assert_int_equal(bss_errno_for(0, "CURL.7"), -ECONNREFUSED);
	assert_int_equal(bss_errno_for(0, "CURL.52"), -EIO);
	assert_int_equal(bss_errno_for(0, "BSSFS.INCONSISTENT_PAGES"), -EIO);
	assert_int_equal(bss_errno_for(0, "BSSFS.DEADLINE"), -ETIMEDOUT);
	assert_int_equal(bss_errno_for(418, ""), -EINVAL);
	assert_int_equal(bss_errno_for(302, ""), -EIO);
}

static void test_error_bodies(void **state)
{
	(void)state;
	struct bss_error e;
	memset(&e, 0, sizeof(e));
	const char *bss = "{\"error_code\":\"CBC.0100\",\"error_msg\":\"Invalid parameter.\"}";
	bss_error_from_body(400, bss, strlen(bss), &e);
	assert_int_equal(e.http_status, 400);
	assert_string_equal(e.code, "CBC.0100");
	assert_string_equal(e.message, "Invalid parameter.");

	memset(&e, 0, sizeof(e));
	const char *eps =
	    "{\"error\":{\"error_code\":\"EPS.0005\",\"error_msg\":\"no such project\"}}";
	bss_error_from_body(404, eps, strlen(eps), &e);
	assert_string_equal(e.code, "EPS.0005");
	assert_string_equal(e.message, "no such project");

	memset(&e, 0, sizeof(e));
	const char *gw =
	    "{\"error_msg\":\"The throttling threshold has been reached\",\"error_code\":"
	    "\"APIG.0308\",\"request_id\":\"abc123\"}";
	bss_error_from_body(429, gw, strlen(gw), &e);
	assert_string_equal(e.code, "APIG.0308");
	assert_string_equal(e.request_id, "abc123");

	memset(&e, 0, sizeof(e));
	const char *alt = "{\"code\":\"X.1\",\"message\":\"m\"}";
	bss_error_from_body(400, alt, strlen(alt), &e);
	assert_string_equal(e.code, "X.1");
	assert_string_equal(e.message, "m");

	memset(&e, 0, sizeof(e));
	const char *html = "<html>\n502 Bad Gateway</html>";
	bss_error_from_body(502, html, strlen(html), &e);
	assert_string_equal(e.code, "502");
	assert_string_equal(e.message, "<html> 502 Bad Gateway</html>");

	memset(&e, 0, sizeof(e));
	bss_error_from_body(503, NULL, 0, &e);
	assert_string_equal(e.code, "503");
	assert_string_equal(e.message, "");
}

/* ---- credentials ---- */

static char tmpdir[256];

static void clear_env(void)
{
	unsetenv("HUAWEICLOUD_SDK_AK");
	unsetenv("HUAWEICLOUD_SDK_SK");
	unsetenv("HUAWEICLOUD_SDK_SECURITY_TOKEN");
	unsetenv("HUAWEICLOUD_SDK_DOMAIN_ID");
	unsetenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE");
	unsetenv("HUAWEICLOUD_SDK_IAM_ENDPOINT");
}

static int setup_home(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bssfs-client-home-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("HOME", tmpdir, 1);
	clear_env();
	return 0;
}

static int teardown_home(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_creds_file_mode_refused(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/creds-open", tmpdir);
	write_file(path, "[global]\nak = AKOPEN\nsk = SKOPENSECRET\n", 0644);
	struct bss_credentials cr;
	char err[512];
	assert_int_equal(bss_credentials_load(path, &cr, err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "0644"));
	assert_non_null(strstr(err, "chmod 600"));
	assert_non_null(strstr(err, "group or others"));
	assert_null(strstr(err, "SKOPENSECRET"));
	assert_null(cr.ak);
	chmod(path, 0640);
	assert_int_equal(bss_credentials_load(path, &cr, err, sizeof(err)), -EACCES);
	chmod(path, 0600);
	assert_int_equal(bss_credentials_load(path, &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.ak, "AKOPEN");
	assert_string_equal(cr.sk, "SKOPENSECRET");
	assert_null(cr.security_token);
	assert_null(cr.domain_id);
	assert_null(strstr(cr.source, "SKOPENSECRET"));
	bss_credentials_clear(&cr);
	assert_null(cr.sk);
	bss_credentials_clear(&cr); /* twice is fine */
	bss_credentials_clear(NULL);
	/* a missing explicit file is an error, not a fallback */
	snprintf(path, sizeof(path), "%s/nope", tmpdir);
	setenv("HUAWEICLOUD_SDK_AK", "ENVAK", 1);
	setenv("HUAWEICLOUD_SDK_SK", "ENVSK", 1);
	assert_int_equal(bss_credentials_load(path, &cr, err, sizeof(err)), -ENOENT);
	clear_env();
}

static void test_creds_sections(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/creds-sections", tmpdir);
	write_file(path,
		   "# SDK profile\n[basic]\nak=BASICAK\nsk=BASICSK\nproject_id=p1\n\n"
		   "[global]\n  ak = GLOBALAK  \nsk = GLOBALSK\nsecurity_token = TOKENVALUE\n"
		   "domain_id = dom-1\n",
		   0600);
	struct bss_credentials cr;
	char err[256];
	assert_int_equal(bss_credentials_load(path, &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.ak, "GLOBALAK");
	assert_string_equal(cr.sk, "GLOBALSK");
	assert_string_equal(cr.security_token, "TOKENVALUE");
	assert_string_equal(cr.domain_id, "dom-1");
	bss_credentials_clear(&cr);
	write_file(path, "[basic]\nak=BASICAK\nsk=BASICSK\n", 0600);
	assert_int_equal(bss_credentials_load(path, &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.ak, "BASICAK");
	bss_credentials_clear(&cr);
	write_file(path, "[other]\nak=X\nsk=Y\n", 0600);
	assert_int_equal(bss_credentials_load(path, &cr, err, sizeof(err)), -EINVAL);
}

static void test_creds_precedence(void **state)
{
	(void)state;
	struct bss_credentials cr;
	char err[512];
	/* nothing anywhere */
	assert_int_equal(bss_credentials_load(NULL, &cr, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "credentials"));
	/* the profile file under $HOME */
	char dir[512], prof[600];
	snprintf(dir, sizeof(dir), "%s/.huaweicloud", tmpdir);
	mkdir(dir, 0700);
	snprintf(prof, sizeof(prof), "%s/credentials", dir);
	write_file(prof, "[global]\nak=PROFAK\nsk=PROFSK\n", 0600);
	assert_int_equal(bss_credentials_load(NULL, &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.ak, "PROFAK");
	assert_non_null(strstr(cr.source, prof));
	bss_credentials_clear(&cr);
	/* ... refused when group-readable */
	chmod(prof, 0644);
	assert_int_equal(bss_credentials_load(NULL, &cr, err, sizeof(err)), -EACCES);
	chmod(prof, 0600);
	/* HUAWEICLOUD_SDK_CREDENTIALS_FILE overrides the profile path */
	char other[512];
	snprintf(other, sizeof(other), "%s/other-creds", tmpdir);
	write_file(other, "[global]\nak=OTHERAK\nsk=OTHERSK\n", 0600);
	setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", other, 1);
	assert_int_equal(bss_credentials_load(NULL, &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.ak, "OTHERAK");
	bss_credentials_clear(&cr);
	/* the environment beats the profile file */
	setenv("HUAWEICLOUD_SDK_AK", "ENVAK", 1);
	setenv("HUAWEICLOUD_SDK_SK", "ENVSK", 1);
	setenv("HUAWEICLOUD_SDK_SECURITY_TOKEN", "ENVTOKEN", 1);
	setenv("HUAWEICLOUD_SDK_DOMAIN_ID", "envdomain", 1);
	assert_int_equal(bss_credentials_load(NULL, &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.ak, "ENVAK");
	assert_string_equal(cr.sk, "ENVSK");
	assert_string_equal(cr.security_token, "ENVTOKEN");
	assert_string_equal(cr.domain_id, "envdomain");
	bss_credentials_clear(&cr);
	/* -o credentials=FILE beats the environment */
	assert_int_equal(bss_credentials_load(prof, &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.ak, "PROFAK");
	bss_credentials_clear(&cr);
	/* half-set environment is an error that names the missing variable */
	unsetenv("HUAWEICLOUD_SDK_SK");
	assert_int_equal(bss_credentials_load(NULL, &cr, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "HUAWEICLOUD_SDK_SK"));
	clear_env();
}

/* ---- client configuration ---- */

static void test_client_config(void **state)
{
	(void)state;
	struct bss_client *c = NULL;
	char err[256];
	struct bss_client_config cfg = {.ak = "AK", .sk = "SKSECRET"};
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), 0);
	assert_int_equal(bss_client_site(c), BSS_SITE_INTL);
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_BSS),
			    "https://bss-intl.myhuaweicloud.com");
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_EPS), "https://eps.myhuaweicloud.com");
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_IAM), "https://iam.myhuaweicloud.com");
	assert_null(bss_client_domain_id(c));
	bss_client_free(c);

	cfg.site = "cn";
	cfg.domain_id = "abc";
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), 0);
	assert_int_equal(bss_client_site(c), BSS_SITE_CN);
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_BSS), "https://bss.myhuaweicloud.com");
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_EPS), "https://eps.myhuaweicloud.com");
	assert_string_equal(bss_client_domain_id(c), "abc");
	bss_client_free(c);

	cfg.site = "eu";
	setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.example.test/", 1);
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), 0);
	assert_int_equal(bss_client_site(c), BSS_SITE_INTL);
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_BSS), "https://bss.myhuaweicloud.eu");
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_EPS),
			    "https://eps.eu-west-101.myhuaweicloud.eu");
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_IAM), "https://iam.example.test");
	bss_client_free(c);

	cfg.iam_endpoint = "http://127.0.0.1:9/";
	cfg.endpoint = "http://127.0.0.1:8080";
	cfg.eps_endpoint = "http://localhost:8081/";
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), 0);
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_IAM), "http://127.0.0.1:9");
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_BSS), "http://127.0.0.1:8080");
	assert_string_equal(bss_client_endpoint(c, BSS_HOST_EPS), "http://localhost:8081");
	bss_client_free(c);
	unsetenv("HUAWEICLOUD_SDK_IAM_ENDPOINT");

	cfg = (struct bss_client_config){.ak = "AK", .sk = "SKSECRET", .site = "mars"};
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "mars"));
	cfg.site = NULL;
	cfg.endpoint = "ftp://x";
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "endpoint"));
	cfg.endpoint = NULL;
	cfg.cacert = "/nonexistent/ca.pem";
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cacert"));
	cfg.cacert = NULL;
	cfg.sk = NULL;
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), -EINVAL);
	assert_null(c);
	bss_client_free(NULL);
}

/* The send-time guard: never more than max_rps sends in any window of one
 * second (+ margin), even when attempts bunch up. Fake clock. */
static void test_send_window_guard(void **state)
{
	(void)state;
	struct fake_clock fc;
	fake_clock_install(&fc);
	struct bss_client *c = NULL;
	char err[256];
	struct bss_client_config cfg = {.ak = "AK", .sk = "SKSECRET", .max_rps = 10};
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), 0);
	struct bss_opstate *s = bss_opstate_for(c, bss_op_find("ShowCustomerMonthlySum"));
	int64_t t[40];
	for (int i = 0; i < 40; i++) {
		if (i % 7 == 3) /* some idle time now and then */
			fake_sleep(&fc, 350);
		bss_rate_before_send(c, s);
		t[i] = bss_mono_ms();
	}
	for (int i = 0; i + 10 < 40; i++) {
		assert_true(t[i + 10] - t[i] >= 1000);
		assert_true(t[i + 1] >= t[i]);
	}
	/* the first ten go at once: the guard alone does not pace */
	assert_true(t[2] - t[0] == 0);
	/* a different operation has its own window */
	struct bss_opstate *o = bss_opstate_for(c, bss_op_find("ListCustomerOrders"));
	int64_t before = bss_mono_ms();
	bss_rate_before_send(c, o);
	assert_int_equal(bss_mono_ms(), before);
	bss_client_free(c);
	fake_clock_remove(&fc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errno_table),
	    cmocka_unit_test(test_error_bodies),
	    cmocka_unit_test_setup_teardown(test_creds_file_mode_refused, setup_home,
					    teardown_home),
	    cmocka_unit_test_setup_teardown(test_creds_sections, setup_home, teardown_home),
	    cmocka_unit_test_setup_teardown(test_creds_precedence, setup_home, teardown_home),
	    cmocka_unit_test(test_client_config),
	    cmocka_unit_test(test_send_window_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
