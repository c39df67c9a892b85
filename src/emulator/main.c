/* bss-emulator: a local stand-in for Huawei Cloud's BSS, EPS and IAM APIs.
 * Parses the command line, builds the synthetic account, starts the server
 * (src/emulator/server.c) and waits for SIGTERM or SIGINT. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bssfs/log.h"
#include "emulator/emu.h"
#include "emulator/server.h"

#define DEFAULT_AK "BSSFSEMULATORAK00001"
#define DEFAULT_SK "BssfsEmulatorSecretKey000000000000000001"
#define DEFAULT_DOMAIN_ID "0123456789abcdef0123456789abcdef"
#define DEFAULT_DOMAIN_NAME "bssfs-demo"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bss-emulator [OPTIONS]\n"
		"A local stand-in for Huawei Cloud's BSS, EPS and IAM APIs (one address serves all).\n\n"
		"Server:\n"
		"  --listen HOST:PORT      address to listen on (default 127.0.0.1:0 = any free port)\n"
		"  --port-file FILE        write the bound port to FILE (atomically) once accepting\n"
		"  --tls-cert FILE         PEM certificate; with --tls-key serve HTTPS\n"
		"  --tls-key FILE          PEM private key\n"
		"Credentials (the one key pair accepted):\n"
		"  --ak AK                 access key (default " DEFAULT_AK ")\n"
		"  --sk SK                 secret key (default " DEFAULT_SK ";\n"
		"                          the environment variable BSS_EMULATOR_SK overrides the default)\n"
		"  --domain-id ID          account id; X-Domain-Id must match when sent\n"
		"                          (default " DEFAULT_DOMAIN_ID ")\n"
		"  --domain-name NAME      account name (default " DEFAULT_DOMAIN_NAME ")\n"
		"  --security-token TOKEN  require this signed X-Security-Token (default: none)\n"
		"Account:\n"
		"  --site intl|cn          operation set (default intl); operations of the other\n"
		"                          site answer 404 APIG.0101\n"
		"  --seed N                seed of the account and of the fault PRNG (default 1)\n"
		"  --scale tiny|small|large|huge   size preset (default small)\n"
		"  --resources N           resources (default: from scale)\n"
		"  --months N              history months (default: from scale)\n"
		"  --records-per-month N   fee records per month (default: from scale)\n"
		"  --now ISO8601           start the clock here, e.g. 2026-11-26T04:00:00Z; it then\n"
		"                          advances in real time (default: real time); it also\n"
		"                          dates signatures unless --sign-clock real\n"
		"  --sign-clock emulated|real  clock that X-Sdk-Date must be within 15 minutes of\n"
		"                          (default emulated = the --now clock; real = this host's\n"
		"                          clock, for clients that cannot fake their time)\n"
		"Behaviour:\n"
		"  --rps N                 requests per second per operation, 429 APIG.0308 beyond\n"
		"                          (default 10; 0 = unlimited)\n"
		"  --latency-ms N|MIN-MAX  delay every API answer (default 0)\n"
		"  --faults SPEC           inject faults, e.g. \"500=0.05,502=0.02,503=0.02,429=0.05,\n"
		"                          drop=0.01,truncate=0.01,malformed=0.01;PayOrders:drop_after=1\"\n"
		"                          (a part prefixed OpName: replaces the global part for it)\n"
		"  --log-level LEVEL       error, warn, info (default) or debug\n"
		"  -h, --help              this help\n\n"
		"Control API (never signed): GET /_emulator/stats, POST /_emulator/reset,\n"
		"POST /_emulator/faults {\"spec\":\"...\"}, POST /_emulator/latency {\"ms\":\"10-50\"}.\n");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff]Z" -> Unix ms. */
static int parse_iso8601(const char *s, int64_t *out_ms)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -EINVAL;
	int64_t ms = 0;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
		if (!digits)
			return -EINVAL;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
		return -EINVAL;
	time_t t = timegm(&tm);
	if (t <= 0)
		return -EINVAL;
	*out_ms = (int64_t)t * 1000 + ms;
	return 0;
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		int rc = -errno;
		unlink(tmp);
		return rc;
	}
	return 0;
}

enum opt_id {
	O_LISTEN = 256, O_PORT_FILE, O_TLS_CERT, O_TLS_KEY, O_AK, O_SK, O_DOMAIN_ID, O_DOMAIN_NAME,
	O_TOKEN, O_SITE, O_SEED, O_SCALE, O_RESOURCES, O_MONTHS, O_RPM, O_NOW, O_RPS, O_LATENCY,
	O_FAULTS, O_LOG_LEVEL, O_SIGN_CLOCK,
};

static const struct option long_opts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "port-file", required_argument, NULL, O_PORT_FILE },
	{ "tls-cert", required_argument, NULL, O_TLS_CERT },
	{ "tls-key", required_argument, NULL, O_TLS_KEY },
	{ "ak", required_argument, NULL, O_AK },
	{ "sk", required_argument, NULL, O_SK },
	{ "domain-id", required_argument, NULL, O_DOMAIN_ID },
	{ "domain-name", required_argument, NULL, O_DOMAIN_NAME },
	{ "security-token", required_argument, NULL, O_TOKEN },
	{ "site", required_argument, NULL, O_SITE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "scale", required_argument, NULL, O_SCALE },
	{ "resources", required_argument, NULL, O_RESOURCES },
	{ "months", required_argument, NULL, O_MONTHS },
	{ "records-per-month", required_argument, NULL, O_RPM },
	{ "now", required_argument, NULL, O_NOW },
	{ "rps", required_argument, NULL, O_RPS },
	{ "latency-ms", required_argument, NULL, O_LATENCY },
	{ "faults", required_argument, NULL, O_FAULTS },
	{ "log-level", required_argument, NULL, O_LOG_LEVEL },
	{ "sign-clock", required_argument, NULL, O_SIGN_CLOCK },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *opt, const char *why)
{
	fprintf(stderr, "bss-emulator: %s: %s (see --help)\n", opt, why);
	return 2;
}

int main(int argc, char **argv)
{
	bss_log_set_prefix("bss-emulator");
	struct emu_server_config sc = { .ak = DEFAULT_AK, .domain_id = DEFAULT_DOMAIN_ID,
					.site = BSS_SITE_INTL, .rps = 10, .seed = 1 };
	struct emu_account_config ac = { .seed = 1, .scale = EMU_SCALE_SMALL, .site = BSS_SITE_INTL,
					 .domain_name = DEFAULT_DOMAIN_NAME };
	const char *port_file = NULL, *env_sk = getenv("BSS_EMULATOR_SK");
	sc.sk = env_sk && *env_sk ? env_sk : DEFAULT_SK;
	int64_t now_ms = 0;
	long v;
	int c;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case O_LISTEN: sc.listen = optarg; break;
		case O_PORT_FILE: port_file = optarg; break;
		case O_TLS_CERT: sc.tls_cert = optarg; break;
		case O_TLS_KEY: sc.tls_key = optarg; break;
		case O_AK: sc.ak = optarg; break;
		case O_SK: sc.sk = optarg; break;
		case O_DOMAIN_ID: sc.domain_id = optarg; break;
		case O_DOMAIN_NAME: ac.domain_name = optarg; break;
		case O_TOKEN: sc.security_token = optarg; break;
		case O_SITE:
			if (strcmp(optarg, "intl") == 0)
				sc.site = BSS_SITE_INTL;
			else if (strcmp(optarg, "cn") == 0)
				sc.site = BSS_SITE_CN;
			else
				return bad("--site", "expected intl or cn");
			break;
		case O_SEED: {
			char *end = NULL;
			errno = 0;
			unsigned long long s = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end)
				return bad("--seed", "expected a non-negative integer");
			sc.seed = ac.seed = s;
			break;
		}
		case O_SCALE:
			if (strcmp(optarg, "tiny") == 0)
				ac.scale = EMU_SCALE_TINY;
			else if (strcmp(optarg, "small") == 0)
				ac.scale = EMU_SCALE_SMALL;
			else if (strcmp(optarg, "large") == 0)
				ac.scale = EMU_SCALE_LARGE;
			else if (strcmp(optarg, "huge") == 0)
				ac.scale = EMU_SCALE_HUGE;
			else
				return bad("--scale", "expected tiny, small, large or huge");
			break;
		case O_RESOURCES:
			if (parse_long(optarg, 1, 10000000, &v))
				return bad("--resources", "expected a positive integer");
			ac.resources = (int)v;
			break;
		case O_MONTHS:
			if (parse_long(optarg, 1, 36, &v))
				return bad("--months", "expected 1..36");
			ac.months = (int)v;
			break;
		case O_RPM:
			if (parse_long(optarg, 1, 1000000000L, &v))
				return bad("--records-per-month", "expected a positive integer");
			ac.records_per_month = v;
			break;
		case O_NOW:
			if (parse_iso8601(optarg, &now_ms))
				return bad("--now", "expected YYYY-MM-DDTHH:MM:SSZ");
			break;
		case O_RPS:
			if (parse_long(optarg, 0, 1000000, &v))
				return bad("--rps", "expected a non-negative integer");
			sc.rps = (int)v;
			break;
		case O_SIGN_CLOCK:
			if (strcmp(optarg, "real") == 0)
				sc.sign_real_clock = true;
			else if (strcmp(optarg, "emulated") == 0)
				sc.sign_real_clock = false;
			else
				return bad("--sign-clock", "expected emulated or real");
			break;
		case O_LATENCY: sc.latency_ms = optarg; break;
		case O_FAULTS: sc.faults = optarg; break;
		case O_LOG_LEVEL: {
			enum bss_log_level lvl;
			if (bss_log_parse_level(optarg, &lvl))
				return bad("--log-level", "expected error, warn, info or debug");
			bss_log_set_level(lvl);
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		return bad(argv[optind], "unexpected argument");
	bss_log_add_secret(sc.sk);
	if (sc.security_token)
		bss_log_add_secret(sc.security_token);
	emu_clock_set_start(now_ms);
	ac.site = sc.site;
	ac.domain_id = sc.domain_id;

	/* Signals are taken by sigwait below; threads inherit the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	sc.account = emu_account_new(&ac);
	if (!sc.account) {
		bss_err("cannot create the account");
		return 1;
	}
	struct emu_server *srv = NULL;
	char err[256];
	int rc = emu_server_start(&sc, &srv, err, sizeof(err));
	if (rc) {
		bss_err("%s", err);
		emu_account_free(sc.account);
		return 1;
	}
	int port = emu_server_port(srv);
	if (port_file && (rc = write_port_file(port_file, port)) != 0) {
		bss_err("cannot write %s: %s", port_file, strerror(-rc));
		emu_server_free(srv);
		emu_account_free(sc.account);
		return 1;
	}
	bss_info("listening on %s://%s port %d (site %s, rps %d)",
		 sc.tls_cert ? "https" : "http", sc.listen ? sc.listen : "127.0.0.1:0", port,
		 sc.site == BSS_SITE_CN ? "cn" : "intl", sc.rps);
	int sig = 0;
	sigwait(&set, &sig);
	bss_info("signal %d: shutting down", sig);
	emu_server_free(srv);
	emu_account_free(sc.account);
	return 0;
}
