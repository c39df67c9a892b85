/* Helpers shared by the sign unit tests: loading ../shared/signing JSON
 * files and splitting a vector's URL into host, path and query. */
#ifndef SIGN_TEST_VECTORS_UTIL_H
#define SIGN_TEST_VECTORS_UTIL_H

#include <json-c/json.h>

/* Loads $BSSFS_SHARED_DIR/signing/<name> and returns its "cases" array
 * (the root is kept alive through *root; put it when done). */
json_object *load_cases(const char *name, json_object **root);

struct split_url {
	char host[256];
	char path[2048];
	char query[4096]; /* without '?', "" when absent */
	int has_query;
};
int split_url(const char *url, struct split_url *out);

#endif
