/* Credential loading (DESIGN §5, SIGNING.md §10): -o credentials=FILE, then
 * the SDK environment variables, then the SDK profile file.  A file that
 * group or others can read is refused.  Secrets are registered with the log
 * redactor and never appear in messages. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bssfs/log.h"
#include "client_internal.h"

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void bss_credentials_clear(struct bss_credentials *c)
{
	if (!c)
		return;
	wipe_free(c->ak);
	wipe_free(c->sk);
	wipe_free(c->security_token);
	free(c->domain_id);
	memset(c, 0, sizeof(*c));
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Values of one INI section. */
struct ini_sec {
	char *ak, *sk, *token, *domain;
};

static void ini_sec_clear(struct ini_sec *s)
{
	wipe_free(s->ak);
	wipe_free(s->sk);
	wipe_free(s->token);
	free(s->domain);
	memset(s, 0, sizeof(*s));
}

static int set_dup(char **dst, const char *v)
{
	char *d = strdup(v);
	if (!d)
		return -ENOMEM;
	wipe_free(*dst);
	*dst = d;
	return 0;
}

/* Reads an SDK profile file: refuses group/other-readable files. Prefers
 * [global] (the credentials class BSS/EPS use), then [basic]. */
static int load_file(const char *path, struct bss_credentials *out, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open credentials file %s: %s", path, strerror(e));
		return -e;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		snprintf(err, errlen, "cannot stat credentials file %s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "credentials file %s is not a regular file", path);
		return -EINVAL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		snprintf(err, errlen,
			 "credentials file %s has mode %04o and can be read by group or others; "
			 "refusing it: run 'chmod 600 %s'",
			 path, (unsigned)(st.st_mode & 07777), path);
		return -EACCES;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int e = errno;
		close(fd);
		snprintf(err, errlen, "cannot read credentials file %s: %s", path, strerror(e));
		return -e;
	}
	struct ini_sec secs[2] = {{0}}; /* 0 = global, 1 = basic */
	int cur = -1, rc = 0;
	char *line = NULL;
	size_t cap = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (e)
				*e = '\0';
			char *name = trim(s + 1);
			cur = strcmp(name, "global") == 0 ? 0 : strcmp(name, "basic") == 0 ? 1 : -1;
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq || cur < 0)
			continue;
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		struct ini_sec *sec = &secs[cur];
		if (strcmp(k, "ak") == 0)
			rc = set_dup(&sec->ak, v);
		else if (strcmp(k, "sk") == 0)
			rc = set_dup(&sec->sk, v);
		else if (strcmp(k, "security_token") == 0)
			rc = set_dup(&sec->token, v);
		else if (strcmp(k, "domain_id") == 0)
			rc = set_dup(&sec->domain, v);
	}
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	fclose(f);
	struct ini_sec *use = NULL;
	for (int i = 0; i < 2 && rc == 0; i++)
		if (secs[i].ak && *secs[i].ak && secs[i].sk && *secs[i].sk) {
			use = &secs[i];
			break;
		}
	if (rc == 0 && !use) {
		snprintf(err, errlen,
			 "credentials file %s has no [global] or [basic] section with ak and sk",
			 path);
		rc = -EINVAL;
	}
	if (rc == 0) {
		out->ak = use->ak;
		out->sk = use->sk;
		out->security_token = use->token && *use->token ? use->token : NULL;
		out->domain_id = use->domain && *use->domain ? use->domain : NULL;
		if (!out->security_token)
			wipe_free(use->token);
		if (!out->domain_id)
			free(use->domain);
		memset(use, 0, sizeof(*use));
		snprintf(out->source, sizeof(out->source), "file %s [%s]", path,
			 use == &secs[0] ? "global" : "basic");
	}
	ini_sec_clear(&secs[0]);
	ini_sec_clear(&secs[1]);
	return rc;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static int load_env(struct bss_credentials *out, char *err, size_t errlen)
{
	const char *ak = env_nonempty("HUAWEICLOUD_SDK_AK");
	const char *sk = env_nonempty("HUAWEICLOUD_SDK_SK");
	if (!ak && !sk)
		return -ENOENT;
	if (!ak || !sk) {
		snprintf(err, errlen, "%s is set but %s is not",
			 ak ? "HUAWEICLOUD_SDK_AK" : "HUAWEICLOUD_SDK_SK",
			 ak ? "HUAWEICLOUD_SDK_SK" : "HUAWEICLOUD_SDK_AK");
		return -EINVAL;
	}
	const char *tok = env_nonempty("HUAWEICLOUD_SDK_SECURITY_TOKEN");
	const char *dom = env_nonempty("HUAWEICLOUD_SDK_DOMAIN_ID");
	out->ak = strdup(ak);
	out->sk = strdup(sk);
	out->security_token = tok ? strdup(tok) : NULL;
	out->domain_id = dom ? strdup(dom) : NULL;
	if (!out->ak || !out->sk || (tok && !out->security_token) || (dom && !out->domain_id)) {
		bss_credentials_clear(out);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(out->source, sizeof(out->source), "environment (HUAWEICLOUD_SDK_AK)");
	return 0;
}

static int profile_path(char *buf, size_t len, bool *explicit_path)
{
	const char *p = env_nonempty("HUAWEICLOUD_SDK_CREDENTIALS_FILE");
	*explicit_path = p != NULL;
	if (p) {
		snprintf(buf, len, "%s", p);
		return 0;
	}
	const char *home = env_nonempty("HOME");
	if (!home) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return -ENOENT;
	snprintf(buf, len, "%s/.huaweicloud/credentials", home);
	return 0;
}

int bss_credentials_load(const char *file, struct bss_credentials *out, char *err, size_t errlen)
{
	char dummy[8];
	if (!err || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	memset(out, 0, sizeof(*out));
	int rc;
	if (file && *file) {
		rc = load_file(file, out, err, errlen);
	} else {
		rc = load_env(out, err, errlen);
		if (rc == -ENOENT) {
			char path[4096];
			bool explicit_path = false;
			rc = profile_path(path, sizeof(path), &explicit_path);
			if (rc == 0 && !explicit_path && access(path, F_OK) != 0)
				rc = -ENOENT;
			if (rc == 0)
				rc = load_file(path, out, err, errlen);
			else
				snprintf(err, errlen,
					 "no credentials: use -o credentials=FILE, set "
					 "HUAWEICLOUD_SDK_AK and "
					 "HUAWEICLOUD_SDK_SK, or create ~/.huaweicloud/credentials "
					 "(mode 600)");
		}
	}
	if (rc < 0) {
		bss_credentials_clear(out);
		return rc;
	}
	bss_log_add_secret(out->sk);
	if (out->security_token)
		bss_log_add_secret(out->security_token);
	return 0;
}
