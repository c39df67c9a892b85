#include <string.h>

#include "acct.h"

acct_handler acct_orders_handler(const char *op)
{
	(void)op;
	return NULL;
}
