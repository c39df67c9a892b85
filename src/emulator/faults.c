/* Fault injection settings (--faults, --latency-ms) and the seeded PRNG.
 *
 * Spec grammar: SPEC := PART (';' PART)*; PART := [OpName ':'] KIND '=' P
 * (',' KIND '=' P)*; KIND is 500 502 503 429 drop drop_after truncate
 * malformed; P is a probability in [0,1], and a part's probabilities add up
 * to at most 1.  A part with an operation prefix applies to that operation
 * only and replaces the global part for it (it does not add to it).  One
 * uniform draw per call selects at most one fault.  A parsed spec is
 * immutable; the server swaps whole specs under its own lock. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emulator/front.h"

struct fault_part {
	char op[64]; /* "" = global */
	double p[EMU_FAULT_COUNT];
};

struct emu_faults {
	char *spec;
	struct fault_part *parts;
	size_t n_parts;
};

static const char *const fault_names[EMU_FAULT_COUNT] = {
	[EMU_FAULT_NONE] = "none",        [EMU_FAULT_500] = "500",
	[EMU_FAULT_502] = "502",          [EMU_FAULT_503] = "503",
	[EMU_FAULT_429] = "429",          [EMU_FAULT_DROP] = "drop",
	[EMU_FAULT_DROP_AFTER] = "drop_after", [EMU_FAULT_TRUNCATE] = "truncate",
	[EMU_FAULT_MALFORMED] = "malformed",
};

const char *emu_fault_name(enum emu_fault k)
{
	return (k >= 0 && k < EMU_FAULT_COUNT) ? fault_names[k] : "?";
}

void emu_faults_free(struct emu_faults *f)
{
	if (!f)
		return;
	free(f->spec);
	free(f->parts);
	free(f);
}

const char *emu_faults_spec(const struct emu_faults *f) { return f ? f->spec : ""; }

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int parse_part(char *text, struct fault_part *part, char *err, size_t errlen)
{
	memset(part, 0, sizeof(*part));
	char *colon = strchr(text, ':');
	if (colon) {
		*colon = '\0';
		char *op = trim(text);
		if (!*op || strlen(op) >= sizeof(part->op) || !bss_op_find(op)) {
			snprintf(err, errlen, "unknown operation '%s' in fault spec", op);
			return -EINVAL;
		}
		snprintf(part->op, sizeof(part->op), "%s", op);
		text = colon + 1;
	}
	double sum = 0;
	char *save = NULL;
	for (char *item = strtok_r(text, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq) {
			snprintf(err, errlen, "fault '%s' needs KIND=PROBABILITY", trim(item));
			return -EINVAL;
		}
		*eq = '\0';
		char *kind = trim(item), *val = trim(eq + 1), *end = NULL;
		int k = 0;
		for (int i = 1; i < EMU_FAULT_COUNT; i++)
			if (strcmp(kind, fault_names[i]) == 0)
				k = i;
		errno = 0;
		double p = strtod(val, &end);
		if (!k) {
			snprintf(err, errlen, "unknown fault kind '%s'", kind);
			return -EINVAL;
		}
		if (errno || end == val || *end || !(p >= 0 && p <= 1)) {
			snprintf(err, errlen, "fault probability '%s' is not in [0,1]", val);
			return -EINVAL;
		}
		part->p[k] = p;
		sum += p;
	}
	if (sum > 1.0 + 1e-9) {
		snprintf(err, errlen, "fault probabilities add up to more than 1");
		return -EINVAL;
	}
	return 0;
}

int emu_faults_parse(const char *spec, struct emu_faults **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	struct emu_faults *f = calloc(1, sizeof(*f));
	char *copy = strdup(spec ? spec : "");
	if (f)
		f->spec = strdup(spec ? spec : "");
	if (!f || !copy || !f->spec) {
		free(copy);
		emu_faults_free(f);
		return -ENOMEM;
	}
	int rc = 0;
	char *save = NULL;
	for (char *p = strtok_r(copy, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		if (!*trim(p))
			continue;
		struct fault_part *parts = realloc(f->parts, (f->n_parts + 1) * sizeof(*parts));
		if (!parts) {
			rc = -ENOMEM;
			break;
		}
		f->parts = parts;
		rc = parse_part(p, &f->parts[f->n_parts], err, errlen);
		if (rc)
			break;
		f->n_parts++;
	}
	free(copy);
	if (rc) {
		emu_faults_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

enum emu_fault emu_faults_pick(const struct emu_faults *f, const char *op_name, double r)
{
	if (!f)
		return EMU_FAULT_NONE;
	const struct fault_part *use = NULL;
	for (size_t i = 0; i < f->n_parts; i++) {
		if (f->parts[i].op[0] && strcmp(f->parts[i].op, op_name) == 0)
			use = &f->parts[i];
		else if (!f->parts[i].op[0] && (!use || !use->op[0]))
			use = &f->parts[i];
	}
	if (!use)
		return EMU_FAULT_NONE;
	double cum = 0;
	for (int k = 1; k < EMU_FAULT_COUNT; k++) {
		cum += use->p[k];
		if (use->p[k] > 0 && r < cum)
			return (enum emu_fault)k;
	}
	return EMU_FAULT_NONE;
}

int emu_latency_parse(const char *s, int *min_ms, int *max_ms)
{
	if (!s || !*s)
		return -EINVAL;
	char *end = NULL;
	errno = 0;
	long a = strtol(s, &end, 10), b = a;
	if (errno || end == s || a < 0 || a > 600000)
		return -EINVAL;
	if (*end == '-') {
		const char *q = end + 1;
		b = strtol(q, &end, 10);
		if (errno || end == q || b < a || b > 600000)
			return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	*min_ms = (int)a;
	*max_ms = (int)b;
	return 0;
}

uint64_t emu_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double emu_rng_unit(uint64_t *state) { return (double)(emu_rng_next(state) >> 11) * 0x1.0p-53; }
