/* Exact decimal arithmetic for money.
 *
 * Owns: parsing decimal text ("12.34000000", "-0.5", "1e-3" is rejected),
 * exact addition and scaling by powers of ten, and formatting.  Values are a
 * signed 128-bit mantissa and a scale (number of fractional digits), so
 * 38 significant digits are exact; overflow is reported, never rounded.
 * No binary floating point anywhere. */
#ifndef BSSFS_DEC_H
#define BSSFS_DEC_H

#include <stdbool.h>
#include <stddef.h>

#define BSS_DEC_MAX_SCALE 30

struct bss_dec {
	__int128 mant; /* value = mant / 10^scale */
	int scale;     /* 0..BSS_DEC_MAX_SCALE */
};

/* Parses [+-]digits[.digits]; len may be (size_t)-1 for NUL-terminated.
 * Returns 0, or -EINVAL for malformed text, -ERANGE for too many digits. */
int bss_dec_parse(const char *s, size_t len, struct bss_dec *out);
/* out = a + b, at the larger scale of the two. 0 or -ERANGE. */
int bss_dec_add(const struct bss_dec *a, const struct bss_dec *b, struct bss_dec *out);
/* out = a - b. 0 or -ERANGE. */
int bss_dec_sub(const struct bss_dec *a, const struct bss_dec *b, struct bss_dec *out);
/* Multiplies by 10^exp (exp may be negative: divides exactly by raising the
 * scale). 0 or -ERANGE. */
int bss_dec_shift(const struct bss_dec *a, int exp, struct bss_dec *out);
/* Exact product. 0 or -ERANGE. */
int bss_dec_mul(const struct bss_dec *a, const struct bss_dec *b, struct bss_dec *out);
/* Sets the scale, padding with zeros; reducing it is allowed only when the
 * dropped digits are zero (-ERANGE otherwise: never rounds silently). */
int bss_dec_rescale(const struct bss_dec *a, int scale, struct bss_dec *out);
/* Rounds half away from zero to `scale` digits (for generated data only). */
void bss_dec_round(const struct bss_dec *a, int scale, struct bss_dec *out);
/* -1, 0, 1 by value (scale-independent). */
int bss_dec_cmp(const struct bss_dec *a, const struct bss_dec *b);
bool bss_dec_is_zero(const struct bss_dec *a);
/* Writes the value with exactly `scale` fractional digits ("-0.50").
 * buf should hold BSS_DEC_STRLEN bytes. Returns buf. */
#define BSS_DEC_STRLEN 96
char *bss_dec_format(const struct bss_dec *a, char *buf, size_t len);
/* From an integer count of 10^-scale units. */
struct bss_dec bss_dec_from_units(long long units, int scale);

#endif
