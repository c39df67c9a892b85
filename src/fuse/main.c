/* bssfs: mounts a Huawei Cloud customer account as a directory tree.
 *
 *   bssfs [options] MOUNTPOINT
 *
 * Parses the options (DESIGN §5), loads the credentials, creates the
 * client, makes one cheap signed request, and only then mounts and
 * daemonizes, so that every start-up mistake reaches the terminal with a
 * non-zero exit.  Everything else is in libbssfs (bssfs/fs.h). */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "bssfs/client.h"
#include "bssfs/fs.h"
#include <fuse_lowlevel.h>
#include "bssfs/log.h"

struct options {
	char *site, *endpoint, *eps_endpoint, *iam_endpoint, *credentials, *cacert;
	char *cache_dir, *csv, *purchases, *log_level;
	int months, lazy_size, max_rps, timeout, cache_size_mb;
	int help, version;
	char *nonopt[3];
	int n_nonopt;
};

enum { KEY_HELP, KEY_VERSION, KEY_DISCARD };

#define OPT(t, p)                                                                                  \
	{                                                                                          \
		t, offsetof(struct options, p), 1                                                  \
	}
static const struct fuse_opt opt_spec[] = {
    OPT("site=%s", site),
    OPT("endpoint=%s", endpoint),
    OPT("eps_endpoint=%s", eps_endpoint),
    OPT("iam_endpoint=%s", iam_endpoint),
    OPT("credentials=%s", credentials),
    OPT("cacert=%s", cacert),
    OPT("cache_dir=%s", cache_dir),
    OPT("cache_size=%d", cache_size_mb),
    OPT("months=%d", months),
    OPT("lazy_size", lazy_size),
    OPT("csv=%s", csv),
    OPT("purchases=%s", purchases),
    OPT("max_rps=%d", max_rps),
    OPT("timeout=%d", timeout),
    OPT("log_level=%s", log_level),
    FUSE_OPT_KEY("-h", KEY_HELP),
    FUSE_OPT_KEY("--help", KEY_HELP),
    FUSE_OPT_KEY("-V", KEY_VERSION),
    FUSE_OPT_KEY("--version", KEY_VERSION),
    FUSE_OPT_KEY("_netdev", KEY_DISCARD),
    FUSE_OPT_KEY("nofail", KEY_DISCARD),
    FUSE_OPT_KEY("auto", KEY_DISCARD),
    FUSE_OPT_KEY("noauto", KEY_DISCARD),
    FUSE_OPT_KEY("user", KEY_DISCARD),
    FUSE_OPT_KEY("users", KEY_DISCARD),
    FUSE_OPT_KEY("nouser", KEY_DISCARD),
    FUSE_OPT_END,
};

static void usage(const char *prog)
{
	printf("usage: %s [options] MOUNTPOINT\n\n"
	       "bssfs options:\n"
	       "    -o site=intl|cn|eu       site (default intl)\n"
	       "    -o endpoint=URL          BSS endpoint\n"
	       "    -o eps_endpoint=URL      EPS endpoint\n"
	       "    -o iam_endpoint=URL      IAM endpoint (domain id discovery)\n"
	       "    -o credentials=FILE      credentials file (mode 0600)\n"
	       "    -o cacert=FILE           extra CA to trust\n"
	       "    -o cache_dir=DIR         cache directory\n"
	       "    -o cache_size=MB         disk cache bound (default 2048)\n"
	       "    -o months=N              months listed in bills/ (default 18, max 36)\n"
	       "    -o lazy_size             instant listings; unread files report size 0\n"
	       "                             (unsafe for backups)\n"
	       "    -o csv=excel|unix        CSV flavour (default excel)\n"
	       "    -o purchases=off|dry-run|on  (default off)\n"
	       "    -o max_rps=N             requests per second per operation (default 10)\n"
	       "    -o timeout=SECONDS       request deadline (default 30)\n"
	       "    -o log_level=error|warn|info|debug\n\n",
	       prog);
}

static int opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct options *o = data;
	(void)outargs;
	switch (key) {
	case KEY_HELP:
		o->help = 1;
		return 1; /* libfuse prints its own part */
	case KEY_VERSION:
		o->version = 1;
		return 1;
	case KEY_DISCARD:
		return 0;
	case FUSE_OPT_KEY_OPT:
		if (!strncmp(arg, "x-systemd.", 10) || !strncmp(arg, "comment=", 8))
			return 0;
		return 1;
	case FUSE_OPT_KEY_NONOPT:
		if (o->n_nonopt >= 2) {
			fprintf(stderr, "bssfs: unexpected argument %s\n", arg);
			return -1;
		}
		o->nonopt[o->n_nonopt++] = strdup(arg);
		return 0;
	default:
		return 1;
	}
}

static void free_options(struct options *o)
{
	char **s[] = {&o->site,	       &o->endpoint, &o->eps_endpoint, &o->iam_endpoint,
		      &o->credentials, &o->cacert,   &o->cache_dir,    &o->csv,
		      &o->purchases,   &o->log_level};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(*s[i]);
	for (int i = 0; i < o->n_nonopt; i++)
		free(o->nonopt[i]);
}

static int check_options(const struct options *o)
{
	if (o->site && strcmp(o->site, "intl") && strcmp(o->site, "cn") && strcmp(o->site, "eu")) {
		fprintf(stderr, "bssfs: site must be intl, cn or eu\n");
		return -1;
	}
	if (o->months < 1 || o->months > 36) {
		fprintf(stderr, "bssfs: months must be between 1 and 36\n");
		return -1;
	}
	if (o->csv && strcmp(o->csv, "excel") && strcmp(o->csv, "unix")) {
		fprintf(stderr, "bssfs: csv must be excel or unix\n");
		return -1;
	}
	if (o->purchases && strcmp(o->purchases, "off") && strcmp(o->purchases, "dry-run") &&
	    strcmp(o->purchases, "on")) {
		fprintf(stderr, "bssfs: purchases must be off, dry-run or on\n");
		return -1;
	}
	if (o->timeout < 1 || o->timeout > 3600 || o->max_rps < 0 || o->cache_size_mb < 0) {
		fprintf(stderr, "bssfs: timeout must be 1..3600 seconds, max_rps and cache_size "
				"positive\n");
		return -1;
	}
	enum bss_log_level lv;
	if (o->log_level && bss_log_parse_level(o->log_level, &lv) < 0) {
		fprintf(stderr, "bssfs: log_level must be error, warn, info or debug\n");
		return -1;
	}
	return 0;
}

/* What a user can do about the start-up check's most common failures. */
static const char *startup_hint(const struct bss_error *e)
{
	if (strcmp(e->code, "CURL.60") == 0 || strcmp(e->code, "CURL.77") == 0 ||
	    strcmp(e->code, "CURL.35") == 0)
		return "\nbssfs: the server's TLS certificate could not be verified; if a private CA "
		       "signed it, trust that CA with -o cacert=FILE";
	if (strncmp(e->code, "CURL.", 5) == 0)
		return "\nbssfs: the endpoint could not be reached; check -o site, endpoint, "
		       "eps_endpoint and iam_endpoint, and the network";
	if (e->http_status == 401 || e->http_status == 403)
		return "\nbssfs: the credentials were refused; check the access key, secret key, "
		       "security token (temporary credentials) and domain id";
	return "";
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct options o = {.months = 18, .timeout = 30};
	struct fuse_cmdline_opts cmd = {0};
	struct bss_credentials creds = {0};
	struct bss_client *client = NULL;
	struct bss_fs *fs = NULL;
	struct fuse *fuse = NULL;
	char err[1024], cache_dir[PATH_MAX];
	int ret = 1;

	/* Few malloc arenas: fetch threads parse large pages, and per-thread
	 * arenas would keep the freed memory of each (bounded memory, §3). */
	/* The process holds the secret key: no core dump may carry it to
	 * disk, and no other user may ptrace it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	mallopt(M_ARENA_MAX, 2);
	/* Page bodies (~1.4 MB) go to mmap and back to the system when freed,
	 * rather than raising the heap's high-water mark (42 -> 33 MB peak on a
	 * 1M-record month). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	bss_log_set_prefix("bssfs");
	if (fuse_opt_parse(&args, &o, opt_spec, opt_proc) < 0)
		goto out;
	if (o.help) {
		usage(argv[0]);
		fuse_cmdline_help();
		fuse_lib_help(&args);
		ret = 0;
		goto out;
	}
	if (o.version) {
		printf("bssfs 0.1.0\nFUSE library version %s\n", fuse_pkgversion());
		ret = 0;
		goto out;
	}
	/* mount.fuse passes the fstab source first ("default"); the last
	 * non-option is the mount point. */
	if (o.n_nonopt == 0) {
		fprintf(stderr, "bssfs: no mount point given (see bssfs --help)\n");
		goto out;
	}
	fuse_opt_add_arg(&args, o.nonopt[o.n_nonopt - 1]);
	fuse_opt_add_arg(&args, "-osubtype=bssfs,fsname=bssfs");
	if (fuse_parse_cmdline(&args, &cmd) != 0 || !cmd.mountpoint) {
		fprintf(stderr, "bssfs: invalid command line (see bssfs --help)\n");
		goto out;
	}
	/* fuse_parse_cmdline consumed the helper options: give libfuse back
	 * the ones fuse_new needs */
	if (check_options(&o) < 0)
		goto out;
	enum bss_log_level lv = BSS_LOG_INFO;
	if (o.log_level)
		bss_log_parse_level(o.log_level, &lv);
	if (cmd.debug)
		lv = BSS_LOG_DEBUG;
	bss_log_set_level(lv);

	if (bss_credentials_load(o.credentials, &creds, err, sizeof(err)) < 0) {
		fprintf(stderr, "bssfs: %s\n", err);
		goto out;
	}
	struct bss_client_config cc = {
	    .ak = creds.ak,
	    .sk = creds.sk,
	    .security_token = creds.security_token,
	    .domain_id = creds.domain_id,
	    .site = o.site,
	    .endpoint = o.endpoint,
	    .eps_endpoint = o.eps_endpoint,
	    .iam_endpoint = o.iam_endpoint,
	    .cacert = o.cacert,
	    .max_rps = o.max_rps,
	    .connect_timeout_ms = o.timeout * 1000 < 10000 ? o.timeout * 1000 : 10000,
	    .request_timeout_ms = o.timeout * 1000,
	    .deadline_ms = o.timeout * 1000,
	};
	if (bss_client_new(&cc, &client, err, sizeof(err)) < 0) {
		fprintf(stderr, "bssfs: %s\n", err);
		goto out;
	}
	struct bss_error e = {0};
	if (bss_client_ensure_domain(client, &e) < 0) {
		fprintf(stderr,
			"bssfs: cannot find the account's domain id: %s %s (request id %s)%s\n",
			e.code, e.message, e.request_id[0] ? e.request_id : "-", startup_hint(&e));
		goto out;
	}
	struct bss_request probe = {.op = "ShowCustomerAccountBalances"};
	json_object *ans = NULL;
	if (bss_client_call(client, &probe, &ans, &e) < 0) {
		fprintf(stderr,
			"bssfs: the first API request failed: %s %s (HTTP %d, request id %s)%s\n",
			e.code, e.message, e.http_status, e.request_id[0] ? e.request_id : "-",
			startup_hint(&e));
		goto out;
	}
	json_object_put(ans);

	if (o.cache_dir) {
		snprintf(cache_dir, sizeof(cache_dir), "%s", o.cache_dir);
	} else if (bss_fs_default_cache_dir(bss_client_domain_id(client), cache_dir,
					    sizeof(cache_dir)) < 0) {
		fprintf(stderr, "bssfs: no cache directory: set -o cache_dir=DIR (no "
				"$XDG_CACHE_HOME or $HOME)\n");
		goto out;
	}
	struct bss_fs_options fo = {
	    .site = o.site ? o.site : "intl",
	    .endpoint = o.endpoint,
	    .eps_endpoint = o.eps_endpoint,
	    .iam_endpoint = o.iam_endpoint,
	    .credentials = o.credentials,
	    .credentials_source = creds.source,
	    .cacert = o.cacert,
	    .cache_dir = cache_dir,
	    .months = o.months,
	    .lazy_size = o.lazy_size,
	    .csv_unix = o.csv && !strcmp(o.csv, "unix"),
	    .purchases = o.purchases ? o.purchases : "off",
	    .max_rps = o.max_rps,
	    .timeout_s = o.timeout,
	    .log_level = o.log_level,
	    .cache_max_bytes = (uint64_t)o.cache_size_mb << 20,
	};
	if (bss_fs_new(&fo, client, &fs, err, sizeof(err)) < 0) {
		fprintf(stderr, "bssfs: %s\n", err);
		goto out;
	}
	/* the cache directory must be usable before we detach */
	if (bss_fs_start(fs, err, sizeof(err)) < 0) {
		fprintf(stderr, "bssfs: %s\n", err);
		goto out;
	}
	bss_fs_free(fs); /* stops the check's threads: they would not survive the fork */
	fs = NULL;
	char abs_dir[PATH_MAX];
	if (realpath(cache_dir, abs_dir)) /* the daemon runs in / */
		snprintf(cache_dir, sizeof(cache_dir), "%s", abs_dir);
	if (bss_fs_new(&fo, client, &fs, err, sizeof(err)) < 0) {
		fprintf(stderr, "bssfs: %s\n", err);
		goto out;
	}

	fuse = fuse_new(&args, bss_fs_operations(), sizeof(struct fuse_operations), fs);
	if (!fuse)
		goto out;
	if (fuse_mount(fuse, cmd.mountpoint) != 0) {
		fprintf(stderr, "bssfs: cannot mount on %s\n", cmd.mountpoint);
		goto out_destroy;
	}
	if (fuse_set_signal_handlers(fuse_get_session(fuse)) != 0)
		goto out_unmount;
	if (!cmd.foreground)
		bss_log_use_syslog("bssfs");
	if (fuse_daemonize(cmd.foreground) != 0)
		goto out_signals;
	bss_info("mounted account %s (%s) on %s", bss_client_domain_id(client), fo.site,
		 cmd.mountpoint);
	if (cmd.singlethread) {
		ret = fuse_loop(fuse);
	} else {
		struct fuse_loop_config *lc = fuse_loop_cfg_create();
		fuse_loop_cfg_set_clone_fd(lc, (unsigned)cmd.clone_fd);
		if (cmd.max_threads > 0 && cmd.max_threads <= 100000)
			fuse_loop_cfg_set_max_threads(lc, cmd.max_threads);
		if (cmd.max_idle_threads <= 100000)
			fuse_loop_cfg_set_idle_threads(lc, cmd.max_idle_threads);
		ret = fuse_loop_mt(fuse, lc);
		fuse_loop_cfg_destroy(lc);
	}
	/* a loop ended by SIGTERM, SIGINT or SIGHUP is a clean stop */
	ret = !(ret == 0 || ret == SIGTERM || ret == SIGINT || ret == SIGHUP);
out_signals:
	fuse_remove_signal_handlers(fuse_get_session(fuse));
out_unmount:
	fuse_unmount(fuse);
out_destroy:
	fuse_destroy(fuse);
	fuse = NULL;
out:
	bss_fs_free(fs);
	bss_client_free(client);
	bss_credentials_clear(&creds);
	free(cmd.mountpoint);
	free_options(&o);
	fuse_opt_free_args(&args);
	return ret;
}
