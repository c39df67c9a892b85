/* See vectors_util.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors_util.h"

json_object *load_cases(const char *name, json_object **root)
{
	const char *dir = getenv("BSSFS_SHARED_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/signing/%s", dir ? dir : "../shared", name);
	*root = json_object_from_file(path);
	if (!*root) {
		fprintf(stderr, "cannot load %s\n", path);
		return NULL;
	}
	json_object *cases = NULL;
	if (!json_object_object_get_ex(*root, "cases", &cases) ||
	    !json_object_is_type(cases, json_type_array))
		return NULL;
	return cases;
}

int split_url(const char *url, struct split_url *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = strstr(url, "://");
	if (!p)
		return -1;
	p += 3;
	size_t hl = strcspn(p, "/?");
	if (hl >= sizeof(out->host))
		return -1;
	memcpy(out->host, p, hl);
	p += hl;
	size_t pl = strcspn(p, "?#");
	if (pl >= sizeof(out->path))
		return -1;
	memcpy(out->path, p, pl);
	p += pl;
	if (*p == '?') {
		p++;
		size_t ql = strcspn(p, "#");
		if (ql >= sizeof(out->query))
			return -1;
		memcpy(out->query, p, ql);
		out->has_query = 1;
	}
	return 0;
}
