/* The purchase and price-inquiry engine behind the control files (DESIGN §6).
 *
 * Owns: turning the one JSON document written to a control file
 * (orders/<order_id>/{pay,cancel},
 * subscriptions/<resource_id>/{renew,auto-renew,to-on-demand,unsubscribe})
 * or to a file under prices/ into a validated request body, pricing it in
 * dry-run mode, submitting it at most once in mode on, resolving a lost
 * answer by reading the order or resource back (never by sending again),
 * and the outcome document the control file reads back.
 *
 * Does not own: FUSE (the glue calls these functions on close, rejects
 * writes with EACCES when purchases are off, keeps the last outcome per
 * file and drops the caches named by bss_action_invalidates), HTTP, signing
 * and retries (bssfs/client.h; non-idempotent operations are sent at most
 * once there).
 *
 * Return codes of bss_action_run and bss_price_run:
 *   0        the action was submitted and the API accepted it, or the dry
 *            run / price inquiry completed, or a lost answer was read back
 *            and the change was found applied;
 *  -ENODATA  the document was empty (zero bytes or only whitespace): do
 *            nothing, *out_json is NULL, keep the previous outcome;
 *  -EINVAL   the document was rejected (malformed, invalid, a field the
 *            path already gives, an order that is not pending payment);
 *            nothing was submitted;
 *  -EACCES   mode off (nothing parsed, nothing sent);
 *  -ENOMEM   out of memory (*out_json may be NULL);
 *  other     the API call failed (the errno of bss_errno_for), or the
 *            answer was lost and the read-back did not find the change
 *            applied (-EIO).
 * In every case but -ENODATA and -ENOMEM *out_json is a malloc'd,
 * NUL-terminated JSON outcome the caller frees:
 *   {"action", "mode", "time", "request", "price" (dry-run), "result":
 *    "submitted|dry-run|rejected|failed|unknown", "response", "error":
 *    {"http_status","error_code","error_msg","request_id"}, "readback",
 *    "reason"}
 * and the prices/ result {"request", "quote"} or
 * {"result": "rejected"|"failed", "reason", "error"}.
 *
 * Threads: stateless; safe to call from many threads with one client. */
#ifndef BSSFS_PURCHASE_H
#define BSSFS_PURCHASE_H

#include <json-c/json.h>
#include <stddef.h>

#include "bssfs/api.h"
#include "bssfs/client.h"

/* Largest document a control file or a prices/ file accepts. */
#define BSS_PURCHASE_MAX_DOC (64 * 1024)

enum bss_purchase_mode { BSS_PURCHASE_OFF, BSS_PURCHASE_DRY_RUN, BSS_PURCHASE_ON };

enum bss_action {
	BSS_ACTION_PAY,          /* orders/<order_id>/pay: PayOrders */
	BSS_ACTION_CANCEL,       /* orders/<order_id>/cancel: CancelCustomerOrder */
	BSS_ACTION_RENEW,        /* subscriptions/<id>/renew: RenewalResources */
	BSS_ACTION_AUTO_RENEW,   /* subscriptions/<id>/auto-renew: (Cancel)AutoRenewalResources */
	BSS_ACTION_TO_ON_DEMAND, /* subscriptions/<id>/to-on-demand: UpdatePeriodToOnDemand */
	BSS_ACTION_UNSUBSCRIBE,  /* subscriptions/<id>/unsubscribe: CancelResourcesSubscription */
	BSS_ACTION_COUNT
};

/* "off", "dry-run", "on" (the -o purchases= values). 0 or -EINVAL. */
int bss_purchase_mode_parse(const char *s, enum bss_purchase_mode *out);
const char *bss_purchase_mode_name(enum bss_purchase_mode m);

/* Control file name ("pay", "cancel", "renew", "auto-renew",
 * "to-on-demand", "unsubscribe") to action. 0 or -ENOENT. */
int bss_action_from_name(const char *file, enum bss_action *out);
const char *bss_action_name(enum bss_action a);
/* true when the action lives under orders/<order_id>/, false under
 * subscriptions/<resource_id>/. */
int bss_action_on_order(enum bss_action a);

/* Cache classes an action in mode on invalidates (a bit mask). A dry run
 * and a rejection invalidate nothing. */
#define BSS_INVAL_ORDERS 0x1u        /* orders/ */
#define BSS_INVAL_SUBSCRIPTIONS 0x2u /* subscriptions/ */
#define BSS_INVAL_BALANCES 0x4u      /* account/ (balances, quota) */
#define BSS_INVAL_COUPONS 0x8u       /* coupons/ and packages/ */
unsigned bss_action_invalidates(enum bss_action a);
/* What to drop after one bss_action_run: bss_action_invalidates(a) when
 * mode was on and something may have been sent (any rc but -EINVAL,
 * -EACCES, -ENODATA, -ENOMEM), else 0. */
unsigned bss_action_run_invalidates(enum bss_action a, enum bss_purchase_mode mode, int rc);
/* The tree prefixes of one BSS_INVAL_* bit ("orders/", ...), NULL-terminated
 * static array; NULL for an unknown bit. */
const char *const *bss_inval_paths(unsigned bit);

/* ---- the engine ------------------------------------------------------ */

/* Runs the action for the path id (order id or resource id) with the
 * document written to the control file. See the return codes above. */
int bss_action_run(struct bss_client *c, enum bss_purchase_mode mode, enum bss_action a,
		   const char *id, const char *doc, size_t len, char **out_json);

/* A price inquiry from a prices/ file: {"type": "on-demand", ...
 * ListOnDemandResourceRatings body} or {"type": "period", ...
 * ListRateOnPeriodDetail body}. Works in every mode. */
int bss_price_run(struct bss_client *c, const char *doc, size_t len, char **out_json);

/* The same, over any call function: tests put a fake or a counter behind
 * it. bss_action_run(c, ...) is bss_action_run_io(bss_client_call, c, ...). */
typedef int (*bss_call_fn)(void *ctx, const struct bss_request *req, json_object **out,
			   struct bss_error *err);
int bss_action_run_io(bss_call_fn call, void *ctx, enum bss_purchase_mode mode, enum bss_action a,
		      const char *id, const char *doc, size_t len, char **out_json);
int bss_price_run_io(bss_call_fn call, void *ctx, const char *doc, size_t len, char **out_json);

/* ---- validation (exposed for tests and for the emulator if it wants) -- */

/* Checks a raw document: at most BSS_PURCHASE_MAX_DOC bytes, valid UTF-8,
 * exactly one JSON object. -ENODATA for an empty/whitespace-only document,
 * -EINVAL with a one-line reason otherwise, 0 with *out owned by caller. */
int bss_doc_parse(const char *doc, size_t len, json_object **out, char *reason, size_t rlen);

/* Validates a request body against an operation's body schema: unknown
 * fields, wrong types, missing required fields, documented ranges and
 * array sizes. 0 or -EINVAL with a one-line reason naming the field
 * ("product_infos[0].region: missing required field"). */
int bss_body_validate(const struct bss_field *schema, size_t n, json_object *body, char *reason,
		      size_t rlen);
/* bss_body_validate with the operation's schema plus the constraints its
 * documentation states in prose (enumerations such as period_type 2|3,
 * period_num 1-11 months / 1-3 years, is_auto_pay 0|1, use_coupon YES|NO,
 * at most 10 resource_ids, ...). 0 or -EINVAL with a reason. */
int bss_op_body_validate(const char *op, json_object *body, char *reason, size_t rlen);

#endif
