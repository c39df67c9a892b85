/* API errors: the one status/code -> errno table and the error-body parser.
 *
 * Owns: bss_errno_for, bss_error_from_body and struct bss_error helpers.
 *
 * The table (first match wins):
 *   code CBC.0000 with a 2xx status, or 2xx without code   -> 0
 *   APIG/APIGW.0308, CBC.0250, EPS.0006                    -> EAGAIN (throttled;
 *                                                             returned once retries are spent)
 *   APIG/APIGW.0301, .0303, .0305, .0307                   -> EACCES (authentication)
 *   APIG/APIGW.0302, .0304, .0306                          -> EACCES (not authorized)
 *   APIG/APIGW.0101                                        -> ENOENT (no such API)
 *   APIG/APIGW.0201                                        -> E2BIG  (request too large)
 *   CBC.0100, CBC.0101                                     -> EINVAL
 *   CBC.0151, CBC.0154, CBC.0155, CBC.0156                 -> EACCES
 *   CBC.0999                                               -> EIO
 *   EPS.0000, EPS.0001                                     -> EIO
 *   EPS.0003, EPS.0004                                     -> EACCES
 *   EPS.0005                                               -> ENOENT
 *   EPS.0009                                               -> EDQUOT
 *   EPS.0010                                               -> EEXIST
 *   other EPS.00xx (0002, 0007-0026: bad input)            -> EINVAL
 *   CURL.28 / BSSFS.DEADLINE                               -> ETIMEDOUT
 *   CURL.7                                                 -> ECONNREFUSED
 *   other CURL.n, BSSFS.* (inconsistent pages, bad answer) -> EIO
 *   then by HTTP status: 400 EINVAL, 401 EACCES, 403 EACCES, 404 ENOENT,
 *   405 EINVAL, 408 ETIMEDOUT, 409 EEXIST, 413/414 E2BIG, 429 EAGAIN,
 *   other 4xx EINVAL, 5xx EIO, 2xx with an unknown error code EIO,
 *   anything else EIO. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/jsonx.h"
#include "client_internal.h"

static bool gw_code(const char *code, const char *num)
{
	if (strncmp(code, "APIGW.", 6) == 0)
		return strcmp(code + 6, num) == 0;
	if (strncmp(code, "APIG.", 5) == 0)
		return strcmp(code + 5, num) == 0;
	return false;
}

int bss_errno_for(int http_status, const char *code)
{
	if (!code)
		code = "";
	bool ok_status = http_status >= 200 && http_status < 300;
	if (ok_status && (*code == '\0' || strcmp(code, "CBC.0000") == 0))
		return 0;
	if (gw_code(code, "0308") || strcmp(code, "CBC.0250") == 0 || strcmp(code, "EPS.0006") == 0)
		return -EAGAIN;
	if (gw_code(code, "0301") || gw_code(code, "0303") || gw_code(code, "0305") ||
	    gw_code(code, "0307") || gw_code(code, "0302") || gw_code(code, "0304") ||
	    gw_code(code, "0306"))
		return -EACCES;
	if (gw_code(code, "0101"))
		return -ENOENT;
	if (gw_code(code, "0201"))
		return -E2BIG;
	if (strcmp(code, "CBC.0100") == 0 || strcmp(code, "CBC.0101") == 0)
		return -EINVAL;
	if (strcmp(code, "CBC.0151") == 0 || strcmp(code, "CBC.0154") == 0 ||
	    strcmp(code, "CBC.0155") == 0 || strcmp(code, "CBC.0156") == 0)
		return -EACCES;
	if (strcmp(code, "CBC.0999") == 0)
		return -EIO;
	if (strncmp(code, "EPS.", 4) == 0) {
		const char *n = code + 4;
		if (strcmp(n, "0000") == 0 || strcmp(n, "0001") == 0)
			return -EIO;
		if (strcmp(n, "0003") == 0 || strcmp(n, "0004") == 0)
			return -EACCES;
		if (strcmp(n, "0005") == 0)
			return -ENOENT;
		if (strcmp(n, "0009") == 0)
			return -EDQUOT;
		if (strcmp(n, "0010") == 0)
			return -EEXIST;
		if (isdigit((unsigned char)n[0]))
			return -EINVAL;
	}
	if (strcmp(code, "CURL.28") == 0 || strcmp(code, "BSSFS.DEADLINE") == 0)
		return -ETIMEDOUT;
	if (strcmp(code, "CURL.7") == 0)
		return -ECONNREFUSED;
	if (strncmp(code, "CURL.", 5) == 0 || strncmp(code, "BSSFS.", 6) == 0)
		return -EIO;
	switch (http_status) {
	case 400:
	case 405:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 404:
		return -ENOENT;
	case 408:
		return -ETIMEDOUT;
	case 409:
		return -EEXIST;
	case 413:
	case 414:
		return -E2BIG;
	case 429:
		return -EAGAIN;
	default:
		break;
	}
	if (http_status > 400 && http_status < 500)
		return -EINVAL;
	return -EIO;
}

void bss_error_reset(struct bss_error *err, const char *op)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	if (op)
		snprintf(err->op, sizeof(err->op), "%s", op);
}

void bss_error_set(struct bss_error *err, int http_status, const char *code, const char *fmt, ...)
{
	if (!err)
		return;
	err->http_status = http_status;
	snprintf(err->code, sizeof(err->code), "%s", code ? code : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* Copies a JSON scalar member as text. */
static bool take_text(json_object *o, const char *key, char *dst, size_t len)
{
	json_object *v = bss_json_get(o, key);
	if (!v || json_object_is_type(v, json_type_null) ||
	    json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
		return false;
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
								 : json_object_to_json_string(v);
	snprintf(dst, len, "%s", s ? s : "");
	return true;
}

/* The SDK rule: error_code/error_msg, else errorCode/errorMsg, else
 * code/message, else recurse into nested objects. */
static bool find_error(json_object *o, struct bss_error *err, int depth)
{
	static const char *const pairs[][2] = {
	    {"error_code", "error_msg"}, {"errorCode", "errorMsg"}, {"code", "message"}};
	if (!o || !json_object_is_type(o, json_type_object) || depth > 4)
		return false;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char code[sizeof(err->code)];
		if (take_text(o, pairs[i][0], code, sizeof(code))) {
			snprintf(err->code, sizeof(err->code), "%s", code);
			if (!take_text(o, pairs[i][1], err->message, sizeof(err->message)))
				err->message[0] = '\0';
			if (!err->request_id[0])
				take_text(o, "request_id", err->request_id,
					  sizeof(err->request_id));
			return true;
		}
	}
	json_object_object_foreach(o, k, v)
	{
		(void)k;
		if (json_object_is_type(v, json_type_object) && find_error(v, err, depth + 1))
			return true;
	}
	return false;
}

/* Raw body text for a message: printable ASCII only, shortened. */
static void raw_message(const char *body, size_t len, char *dst, size_t dlen)
{
	size_t j = 0;
	for (size_t i = 0; i < len && j + 1 < dlen && j < 200; i++) {
		unsigned char ch = (unsigned char)body[i];
		dst[j++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : ' ';
	}
	dst[j] = '\0';
}

void bss_error_from_body(int http_status, const char *body, size_t len, struct bss_error *err)
{
	if (!err)
		return;
	err->http_status = http_status;
	err->code[0] = '\0';
	err->message[0] = '\0';
	json_object *o = NULL;
	if (body && len > 0 && bss_json_parse(body, len, &o, NULL, 0) == 0 &&
	    find_error(o, err, 0)) {
		json_object_put(o);
		return;
	}
	json_object_put(o);
	snprintf(err->code, sizeof(err->code), "%d", http_status);
	if (body)
		raw_message(body, len, err->message, sizeof(err->message));
}

bool bss_body_has_error(json_object *ans)
{
	const char *code = bss_json_get_str(ans, "error_code");
	return code && *code && strcmp(code, "CBC.0000") != 0;
}
