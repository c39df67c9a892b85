/* Exact decimals on a 128-bit mantissa (see bssfs/dec.h). */
#include "bssfs/dec.h"

#include <errno.h>
#include <string.h>

typedef __int128 i128;
#define I128_MAX ((i128)(((unsigned __int128)1 << 127) - 1))

static i128 pow10_i128(int n)
{
	i128 p = 1;
	while (n-- > 0)
		p *= 10;
	return p;
}

/* a * 10^n with overflow check. */
static int scale_up(i128 a, int n, i128 *out)
{
	while (n-- > 0) {
		if (a > I128_MAX / 10 || a < -(I128_MAX / 10))
			return -ERANGE;
		a *= 10;
	}
	*out = a;
	return 0;
}

int bss_dec_parse(const char *s, size_t len, struct bss_dec *out)
{
	if (len == (size_t)-1)
		len = strlen(s);
	size_t i = 0;
	bool neg = false;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	i128 m = 0;
	int scale = 0, digits = 0;
	bool point = false, any = false;
	for (; i < len; i++) {
		char c = s[i];
		if (c == '.' && !point) {
			point = true;
			continue;
		}
		if (c < '0' || c > '9')
			return -EINVAL;
		any = true;
		if (m != 0 || c != '0')
			digits++;
		if (digits > 38)
			return -ERANGE;
		m = m * 10 + (c - '0');
		if (point && ++scale > BSS_DEC_MAX_SCALE)
			return -ERANGE;
	}
	if (!any)
		return -EINVAL;
	out->mant = neg ? -m : m;
	out->scale = scale;
	return 0;
}

static int align(const struct bss_dec *a, const struct bss_dec *b, i128 *ma, i128 *mb, int *scale)
{
	*scale = a->scale > b->scale ? a->scale : b->scale;
	if (scale_up(a->mant, *scale - a->scale, ma) || scale_up(b->mant, *scale - b->scale, mb))
		return -ERANGE;
	return 0;
}

int bss_dec_add(const struct bss_dec *a, const struct bss_dec *b, struct bss_dec *out)
{
	i128 ma, mb, r;
	int scale;
	if (align(a, b, &ma, &mb, &scale) || __builtin_add_overflow(ma, mb, &r))
		return -ERANGE;
	out->mant = r;
	out->scale = scale;
	return 0;
}

int bss_dec_sub(const struct bss_dec *a, const struct bss_dec *b, struct bss_dec *out)
{
	i128 ma, mb, r;
	int scale;
	if (align(a, b, &ma, &mb, &scale) || __builtin_sub_overflow(ma, mb, &r))
		return -ERANGE;
	out->mant = r;
	out->scale = scale;
	return 0;
}

int bss_dec_shift(const struct bss_dec *a, int exp, struct bss_dec *out)
{
	struct bss_dec r = *a;
	if (exp >= 0) {
		/* Drop fractional digits first, then scale the mantissa. */
		int from_scale = exp < r.scale ? exp : r.scale;
		r.scale -= from_scale;
		if (scale_up(r.mant, exp - from_scale, &r.mant))
			return -ERANGE;
	} else {
		if (r.scale - exp > BSS_DEC_MAX_SCALE)
			return -ERANGE;
		r.scale -= exp;
	}
	*out = r;
	return 0;
}

int bss_dec_mul(const struct bss_dec *a, const struct bss_dec *b, struct bss_dec *out)
{
	i128 r;
	if (a->scale + b->scale > BSS_DEC_MAX_SCALE || __builtin_mul_overflow(a->mant, b->mant, &r))
		return -ERANGE;
	out->mant = r;
	out->scale = a->scale + b->scale;
	return 0;
}

int bss_dec_rescale(const struct bss_dec *a, int scale, struct bss_dec *out)
{
	if (scale < 0 || scale > BSS_DEC_MAX_SCALE)
		return -ERANGE;
	if (scale >= a->scale) {
		i128 m;
		if (scale_up(a->mant, scale - a->scale, &m))
			return -ERANGE;
		out->mant = m;
		out->scale = scale;
		return 0;
	}
	i128 p = pow10_i128(a->scale - scale);
	if (a->mant % p != 0)
		return -ERANGE;
	out->mant = a->mant / p;
	out->scale = scale;
	return 0;
}

void bss_dec_round(const struct bss_dec *a, int scale, struct bss_dec *out)
{
	if (scale >= a->scale) {
		if (bss_dec_rescale(a, scale, out))
			*out = *a;
		return;
	}
	i128 p = pow10_i128(a->scale - scale);
	i128 q = a->mant / p, r = a->mant % p;
	if (r < 0)
		r = -r;
	if (r * 2 >= p)
		q += a->mant < 0 ? -1 : 1;
	out->mant = q;
	out->scale = scale;
}

int bss_dec_cmp(const struct bss_dec *a, const struct bss_dec *b)
{
	struct bss_dec d;
	if (bss_dec_sub(a, b, &d) == 0)
		return d.mant < 0 ? -1 : d.mant > 0;
	/* Overflow while aligning: the signs decide. */
	return a->mant < b->mant ? -1 : a->mant > b->mant;
}

bool bss_dec_is_zero(const struct bss_dec *a) { return a->mant == 0; }

char *bss_dec_format(const struct bss_dec *a, char *buf, size_t len)
{
	char digits[64];
	int n = 0;
	unsigned __int128 m = a->mant < 0 ? -(unsigned __int128)a->mant : (unsigned __int128)a->mant;
	do {
		digits[n++] = (char)('0' + (int)(m % 10));
		m /= 10;
	} while (m);
	while (n <= a->scale)
		digits[n++] = '0';
	size_t o = 0;
	if (len == 0)
		return buf;
	if (a->mant < 0 && o + 1 < len)
		buf[o++] = '-';
	for (int i = n - 1; i >= 0 && o + 1 < len; i--) {
		buf[o++] = digits[i];
		if (i == a->scale && a->scale > 0 && o + 1 < len)
			buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

struct bss_dec bss_dec_from_units(long long units, int scale)
{
	return (struct bss_dec){ .mant = units, .scale = scale };
}
