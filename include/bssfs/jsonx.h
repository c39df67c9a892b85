/* JSON helpers over json-c that keep numbers as the API wrote them.
 *
 * json-c keeps the original text of every floating-point number it parses
 * and writes that text back out, so "12345678901234.00000001" survives a
 * parse/serialise round trip byte for byte.  These helpers make that the
 * only way the project reads and writes numbers: a decimal is read as its
 * text (bss_json_number_text) and created from text (bss_json_new_decimal).
 * Integers beyond 64 bits are not representable by json-c and are rejected
 * by bss_json_parse rather than clamped. */
#ifndef BSSFS_JSONX_H
#define BSSFS_JSONX_H

#include <json-c/json.h>
#include <stddef.h>

#include "bssfs/dec.h"

/* Parses exactly len bytes as one JSON value (trailing garbage rejected).
 * Returns 0 with *out owned by the caller, or -EINVAL (*out = NULL); when
 * err is non-NULL a short reason is written to it. */
int bss_json_parse(const char *text, size_t len, json_object **out, char *err, size_t errlen);
/* A JSON number (or numeric string) created from decimal text, written back
 * out exactly as given. NULL if text is not a decimal. */
json_object *bss_json_new_decimal(const char *text);
/* Same, from an exact decimal value formatted at its scale. */
json_object *bss_json_new_dec(const struct bss_dec *d);
/* The original text of a number (or the string itself for a string);
 * NULL for other types. Valid while obj lives. */
const char *bss_json_number_text(json_object *obj);
/* Reads a number or decimal string into an exact decimal. 0 / -EINVAL. */
int bss_json_get_dec(json_object *obj, struct bss_dec *out);
/* Compact serialisation without escaping '/' (JSON_C_TO_STRING_PLAIN |
 * NOSLASHESCAPE). The string lives as long as obj. */
const char *bss_json_compact(json_object *obj);
/* Object member lookup that returns NULL when absent or not an object. */
json_object *bss_json_get(json_object *obj, const char *key);
/* String member or NULL. */
const char *bss_json_get_str(json_object *obj, const char *key);

#endif
