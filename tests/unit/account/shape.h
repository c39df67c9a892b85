/* Test helper: checks a JSON answer against an operation's response schema. */
#ifndef ACCT_TEST_SHAPE_H
#define ACCT_TEST_SHAPE_H
#include <json-c/json.h>
#include <stddef.h>

#include "bssfs/api.h"

/* 0 when every key is in the schema, every JSON type matches and every
 * required field is present; otherwise -1 with a reason in err. */
int shape_check(json_object *o, const struct bss_field *f, size_t n, char *err, size_t errlen);
#endif
