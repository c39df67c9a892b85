/* Client construction: configuration defaults, sites and base URLs
 * (SIGNING.md §11, DESIGN §5), the CA bundle, and the domain id. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/log.h"
#include "client_internal.h"

static const char *def_bss[] = {"https://bss-intl.myhuaweicloud.com",
				"https://bss.myhuaweicloud.com", "https://bss.myhuaweicloud.eu"};
static const char *def_eps[] = {"https://eps.myhuaweicloud.com", "https://eps.myhuaweicloud.com",
				"https://eps.eu-west-101.myhuaweicloud.eu"};
#define DEFAULT_IAM "https://iam.myhuaweicloud.com"

/* Checks an http(s) URL with a host and no query; returns a copy without a
 * trailing '/'. */
static int check_url(const char *what, const char *url, char **out, char *err, size_t errlen)
{
	const char *rest = NULL;
	if (strncmp(url, "https://", 8) == 0)
		rest = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		rest = url + 7;
	if (!rest || *rest == '\0' || *rest == '/' || strpbrk(url, "?# \t\r\n")) {
		snprintf(err, errlen, "%s '%s' is not an http:// or https:// URL with a host", what,
			 url);
		return -EINVAL;
	}
	char *c = strdup(url);
	if (!c)
		return -ENOMEM;
	size_t n = strlen(c);
	while (n > 0 && c[n - 1] == '/')
		c[--n] = '\0';
	*out = c;
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			size_t nc = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, nc);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = nc;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The extra CA is added to the system bundle (when one is found) so that
 * both are trusted; the result goes to CURLOPT_CAINFO_BLOB. */
static int load_cacert(struct bss_client *c, const char *cacert, char *err, size_t errlen)
{
	size_t elen = 0;
	char *extra = read_file(cacert, &elen);
	if (!extra) {
		int e = errno ? errno : EIO;
		snprintf(err, errlen, "cannot read cacert file %s: %s", cacert, strerror(e));
		return -e;
	}
	if (!strstr(extra, "-----BEGIN CERTIFICATE-----")) {
		free(extra);
		snprintf(err, errlen, "cacert file %s holds no PEM certificate", cacert);
		return -EINVAL;
	}
	const char *sys = NULL;
	CURL *h = curl_easy_init();
	char *deflt = NULL;
	if (h && curl_easy_getinfo(h, CURLINFO_CAINFO, &deflt) == CURLE_OK && deflt)
		sys = deflt;
	size_t slen = 0;
	char *sysbuf = sys ? read_file(sys, &slen) : NULL;
	if (!sysbuf)
		sysbuf = read_file("/etc/ssl/certs/ca-certificates.crt", &slen);
	if (h)
		curl_easy_cleanup(h);
	char *blob = malloc(slen + elen + 2);
	if (!blob) {
		free(extra);
		free(sysbuf);
		return -ENOMEM;
	}
	if (sysbuf)
		memcpy(blob, sysbuf, slen);
	blob[slen] = '\n';
	memcpy(blob + slen + 1, extra, elen);
	blob[slen + 1 + elen] = '\0';
	c->cacert_blob = blob;
	c->cacert_len = slen + 1 + elen;
	free(extra);
	free(sysbuf);
	return 0;
}

int bss_client_new(const struct bss_client_config *cfg, struct bss_client **out, char *err,
		   size_t errlen)
{
	char dummy[8];
	if (!err || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	*out = NULL;
	if (!cfg || !cfg->ak || !*cfg->ak || !cfg->sk || !*cfg->sk) {
		snprintf(err, errlen, "no access key (ak) and secret key (sk) given");
		return -EINVAL;
	}
	const char *site = cfg->site && *cfg->site ? cfg->site : "intl";
	int si;
	if (strcmp(site, "intl") == 0)
		si = 0;
	else if (strcmp(site, "cn") == 0)
		si = 1;
	else if (strcmp(site, "eu") == 0)
		si = 2;
	else {
		snprintf(err, errlen, "unknown site '%s' (use intl, cn or eu)", site);
		return -EINVAL;
	}
	int rc = bss_http_global_init();
	if (rc < 0) {
		snprintf(err, errlen, "libcurl initialisation failed");
		return rc;
	}
	struct bss_client *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->domain_lock, NULL);
	pthread_mutex_init(&c->pool_lock, NULL);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	c->n_ops = bss_ops_count + 1;
	c->ops = calloc(c->n_ops, sizeof(*c->ops));
	if (!c->ops) {
		bss_client_free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->n_ops; i++)
		bss_opstate_init(&c->ops[i]);
	c->site = si == 1 ? BSS_SITE_CN : BSS_SITE_INTL;
	c->max_rps = cfg->max_rps > 0 ? cfg->max_rps : 10.0;
	c->max_concurrency = cfg->max_concurrency > 0 ? cfg->max_concurrency : 4;
	c->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000;
	c->request_timeout_ms = cfg->request_timeout_ms > 0 ? cfg->request_timeout_ms : 30000;
	c->deadline_ms = cfg->deadline_ms > 0 ? cfg->deadline_ms : 60000;
	c->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 8;
	c->backoff_base_ms = cfg->backoff_base_ms > 0 ? cfg->backoff_base_ms : 200;
	c->backoff_max_ms = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 10000;

	c->ak = strdup(cfg->ak);
	c->sk = strdup(cfg->sk);
	c->security_token =
	    cfg->security_token && *cfg->security_token ? strdup(cfg->security_token) : NULL;
	c->domain_id = cfg->domain_id && *cfg->domain_id ? strdup(cfg->domain_id) : NULL;
	c->language = cfg->language && *cfg->language ? strdup(cfg->language) : NULL;
	if (!c->ak || !c->sk ||
	    (cfg->security_token && *cfg->security_token && !c->security_token) ||
	    (cfg->domain_id && *cfg->domain_id && !c->domain_id) ||
	    (cfg->language && *cfg->language && !c->language)) {
		bss_client_free(c);
		return -ENOMEM;
	}
	if (c->language && strpbrk(c->language, "\r\n")) {
		snprintf(err, errlen, "invalid language value");
		bss_client_free(c);
		return -EINVAL;
	}
	bss_log_add_secret(c->sk);
	if (c->security_token)
		bss_log_add_secret(c->security_token);

	const char *iam = cfg->iam_endpoint && *cfg->iam_endpoint
			      ? cfg->iam_endpoint
			      : getenv("HUAWEICLOUD_SDK_IAM_ENDPOINT");
	if (!iam || !*iam)
		iam = DEFAULT_IAM;
	const char *urls[3] = {
	    cfg->endpoint && *cfg->endpoint ? cfg->endpoint : def_bss[si],
	    cfg->eps_endpoint && *cfg->eps_endpoint ? cfg->eps_endpoint : def_eps[si], iam};
	static const char *const names[3] = {"endpoint", "eps_endpoint", "iam_endpoint"};
	for (int i = 0; i < 3; i++) {
		rc = check_url(names[i], urls[i], &c->base[i], err, errlen);
		if (rc < 0) {
			bss_client_free(c);
			return rc;
		}
	}
	if (cfg->cacert && *cfg->cacert) {
		rc = load_cacert(c, cfg->cacert, err, errlen);
		if (rc < 0) {
			bss_client_free(c);
			return rc;
		}
	}
	rc = bss_http_init(c, err, errlen);
	if (rc < 0) {
		bss_client_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void bss_client_free(struct bss_client *c)
{
	if (!c)
		return;
	bss_http_cleanup(c);
	if (c->ops) {
		for (size_t i = 0; i < c->n_ops; i++)
			bss_opstate_destroy(&c->ops[i]);
		free(c->ops);
	}
	wipe_free(c->ak);
	wipe_free(c->sk);
	wipe_free(c->security_token);
	free(c->domain_id);
	free(c->language);
	for (int i = 0; i < 3; i++)
		free(c->base[i]);
	free(c->cacert_blob);
	pthread_mutex_destroy(&c->domain_lock);
	pthread_mutex_destroy(&c->pool_lock);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	free(c);
}

unsigned bss_client_site(const struct bss_client *c)
{
	return c->site;
}

const char *bss_client_endpoint(const struct bss_client *c, enum bss_host host)
{
	if ((int)host < 0 || (int)host > 2)
		return NULL;
	return c->base[host];
}

const char *bss_client_domain_peek(const struct bss_client *c)
{
	return __atomic_load_n(&c->domain_id, __ATOMIC_ACQUIRE);
}

const char *bss_client_domain_id(const struct bss_client *c)
{
	return bss_client_domain_peek(c);
}
