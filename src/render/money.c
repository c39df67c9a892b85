/* Money in CSV: which fields are money and the exact conversion of legacy
 * measure units to the base currency unit.
 *
 * A record (or nested object) whose measure_id is 2 (1/10 of the base unit,
 * "jiao") or 3 (1/100, "fen") has its money fields written in the base unit
 * by exact decimal arithmetic, value x 10^-(measure_id-1), at the scale that
 * gives (1234.5 fen -> 12.345), and its measure_id column written as 1.
 * Objects flattened under it without a measure_id of their own (an order's
 * amount_info) share its unit; arrays of objects are JSON text and keep the
 * API's values. Only
 * the CSV is converted: NAME.json keeps the API's raw values and
 * measure_id. Other measure_id values (1, or usage units such as 10 = GB
 * that some package answers put in measure_id) are left as they are: they
 * are not money units. No value ever passes through a double. */
#include "render_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

bool bss_render_is_money(const char *name)
{
	if (!name)
		return false;
	/* Money fields of api/ whose names do not end in "amount" are listed;
	 * percentage_granting_amount_used is a percentage, not money. */
	static const char *const named[] = {"unit_price", "balance", "face_value",
					    "amount_after_discount", "granting_amount_used"};
	if (ends_with(name, "amount") || ends_with(name, "Amount") || ends_with(name, "amout"))
		return true;
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (strcmp(name, named[i]) == 0)
			return true;
	return false;
}

int render_measure_of(json_object *obj)
{
	json_object *m = NULL;
	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "measure_id", &m) || !m)
		return 1;
	long long v;
	if (json_object_is_type(m, json_type_int)) {
		v = json_object_get_int64(m);
	} else if (json_object_is_type(m, json_type_string)) {
		/* ShowRefundOrderDetails types measure_id as a string. */
		const char *s = json_object_get_string(m);
		char *end;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || end == s || *end)
			return 1;
	} else {
		return 1;
	}
	return v == 2 || v == 3 ? (int)v : 1;
}

int render_money_to_base(const char *text, int measure, char *buf, size_t len)
{
	struct bss_dec d, out;
	int rc = bss_dec_parse(text, (size_t)-1, &d);
	if (rc)
		return rc;
	rc = bss_dec_shift(&d, -(measure - 1), &out);
	if (rc)
		return rc;
	if (len < BSS_DEC_STRLEN)
		return -ERANGE;
	bss_dec_format(&out, buf, len);
	return 0;
}
