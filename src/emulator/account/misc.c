#include <string.h>

#include "acct.h"

acct_handler acct_misc_handler(const char *op)
{
	(void)op;
	return NULL;
}
