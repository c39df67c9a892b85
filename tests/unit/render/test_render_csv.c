/* Unit tests of the CSV renderer: RFC 4180 bytes, flattening, money,
 * formula guard, currency column, and a parse-and-sum round trip. */
#include "render_test_util.h"

#include "bssfs/dec.h"

static const struct bss_op *op_named(const char *name)
{
	const struct bss_op *op = bss_op_find(name);
	assert_non_null(op);
	return op;
}

static char *field_bytes(const char *s, bool is_text)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_int_equal(bss_csv_write_field(f, s, is_text), 0);
	fclose(f);
	return buf;
}

#define assert_field(s, is_text, want)                                                             \
	do {                                                                                       \
		char *got_ = field_bytes((s), (is_text));                                          \
		assert_string_equal(got_, (want));                                                 \
		free(got_);                                                                        \
	} while (0)

static void test_csv_field_quoting(void **state)
{
	(void)state;
	assert_field("plain", true, "plain");
	assert_field("a,b", true, "\"a,b\"");
	assert_field("say \"hi\"", true, "\"say \"\"hi\"\"\"");
	assert_field("l1\r\nl2", true, "\"l1\r\nl2\"");
	assert_field("cr\ronly", true, "\"cr\ronly\"");
	assert_field("lf\nonly", true, "\"lf\nonly\"");
	assert_field("", true, "");
	assert_field(NULL, true, "");
	/* Formula guard on text only. */
	assert_field("=1+2", true, "'=1+2");
	assert_field("+1", true, "'+1");
	assert_field("-rm", true, "'-rm");
	assert_field("@SUM(A1)", true, "'@SUM(A1)");
	assert_field("\tx", true, "'\tx");
	assert_field("\rx", true, "\"'\rx\"");
	assert_field("=1+2\";=1+2", true, "\"'=1+2\"\";=1+2\"");
	assert_field("a=b", true, "a=b");
	assert_field("-1.5", false, "-1.5");
	assert_field("=1", false, "=1");
}

static void test_csv_is_money(void **state)
{
	(void)state;
	const char *yes[] = {"amount",
			     "cash_amount",
			     "invoiceAmount",
			     "taxAmount",
			     "unit_price",
			     "balance",
			     "face_value",
			     "refund_amout",
			     "amount_after_discount",
			     "granting_amount_used"};
	const char *no[] = {
	    "measure_id",     "amounts",       "currency", "usage",
	    "bill_type",      "unit_price_id", "",	   "percentage_granting_amount_used",
	    "discount_ratio", "spec_size"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		assert_true(bss_render_is_money(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		assert_false(bss_render_is_money(no[i]));
	assert_false(bss_render_is_money(NULL));
}

/* The header an op's CSV must have: the schema's names in order (no nested
 * objects in these ops), then currency. */
static char *schema_header(const struct bss_op *op, const char *bom, const char *eol)
{
	size_t n;
	const struct bss_field *f = bss_op_record_schema(op, &n);
	assert_non_null(f);
	char *h = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&h, &len);
	fputs(bom, m);
	for (size_t i = 0; i < n; i++)
		fprintf(m, "%s%s", i ? "," : "", f[i].name);
	fprintf(m, ",currency%s", eol);
	fclose(m);
	return h;
}

static const char *monthly_pages[] = {
    "{\"total_count\":3,\"bill_sums\":["
    "{\"bill_cycle\":\"2026-10\",\"service_type_code\":\"hws.service.type.ebs\","
    "\"service_type_name\":\"Disk, \\\"EVS\\\"\",\"resource_type_name\":\"l1\\r\\nl2\","
    "\"charging_mode\":3,\"consume_amount\":0.12345678,\"debt_amount\":-1.5,"
    "\"measure_id\":1,\"customer_id\":null,\"account_name\":\"=HYPERLINK(1)\"},"
    "{\"bill_cycle\":\"2026-10\",\"consume_amount\":12345678901234.00000001,"
    "\"account_name\":\"-me\",\"not_in_schema\":\"x\"}],"
    "\"consume_amount\":12345678901234.12345679,\"currency\":\"USD\"}",
    "{\"total_count\":3,\"bill_sums\":[{\"bill_cycle\":\"2026-11\",\"official_amount\":-0.5}],"
    "\"currency\":\"CNY\"}",
    NULL,
};

static void test_csv_monthly_sum(void **state)
{
	(void)state;
	const struct bss_op *op = op_named("ShowCustomerMonthlySum");
	size_t len;
	int rc;
	char *out = render_texts(op, BSS_RENDER_CSV, NULL, monthly_pages, &len, &rc);
	assert_int_equal(rc, 0);
	char *header = schema_header(op, "\xEF\xBB\xBF", "\r\n");
	/* Spelt out once, so the check does not only compare the table to itself. */
	const char *lit = "\xEF\xBB\xBF"
			  "bill_cycle,resource_type_code,service_type_code,"
			  "service_type_name,resource_type_name,charging_mode,official_amount,";
	assert_int_equal(strncmp(header, lit, strlen(lit)), 0);
	size_t hl = strlen(header);
	assert_true(len > hl);
	assert_memory_equal(out, header, hl);
	const char *rows = out + hl;
	/* bill_cycle resource_type_code service_type_code service_type_name
	 * resource_type_name charging_mode official_amount
	 * official_discount_amount truncated_amount consume_amount
	 * coupon_amount flexipurchase_coupon_amount stored_value_card_amount
	 * debt_amount writeoff_amount cash_amount credit_amount measure_id
	 * bill_type customer_id account_name currency */
	const char *want =
	    "2026-10,,hws.service.type.ebs,\"Disk, \"\"EVS\"\"\",\"l1\r\nl2\",3,,,,0.12345678,"
	    ",,,-1.5,,,,1,,,'=HYPERLINK(1),USD\r\n"
	    "2026-10,,,,,,,,,12345678901234.00000001,,,,,,,,,,,'-me,USD\r\n"
	    "2026-11,,,,,,-0.5,,,,,,,,,,,,,,,USD\r\n";
	assert_string_equal(rows, want);
	free(header);
	free(out);
}

static void test_csv_unix(void **state)
{
	(void)state;
	const struct bss_op *op = op_named("ShowCustomerMonthlySum");
	struct bss_render_opts o = {.csv_unix = true};
	size_t len;
	int rc;
	char *out = render_texts(op, BSS_RENDER_CSV, &o, monthly_pages, &len, &rc);
	assert_int_equal(rc, 0);
	char *header = schema_header(op, "", "\n");
	assert_memory_equal(out, header, strlen(header));
	assert_false(out[0] == '\xEF');
	/* The only CR is the one inside the quoted value. */
	size_t crs = 0;
	for (size_t i = 0; i < len; i++)
		crs += out[i] == '\r';
	assert_int_equal(crs, 1);
	assert_non_null(strstr(out, ",\"l1\r\nl2\","));
	struct csv_table t;
	assert_int_equal(csv_parse(out, len, "\n", &t), 0);
	assert_int_equal(t.nrows, 4);
	assert_string_equal(t.rows[1][csv_col(&t, "resource_type_name")], "l1\r\nl2");
	assert_string_equal(t.rows[1][csv_col(&t, "service_type_name")], "Disk, \"EVS\"");
	csv_table_free(&t);
	free(header);
	free(out);
}

/* ListCustomerselfResourceRecordDetails: nested extend_params flattened,
 * arrays of objects as JSON, measure_id 3 converted exactly. */
static void test_csv_res_record_details(void **state)
{
	(void)state;
	const struct bss_op *op = op_named("ListCustomerselfResourceRecordDetails");
	const char *pages[] = {
	    "{\"monthly_records\":["
	    "{\"cycle\":\"2026-10\",\"resource_Type_code\":\"hws.resource.type.vm\","
	    "\"resource_name\":\"-rm -rf\",\"charge_mode\":3,\"consume_amount\":1234.5,"
	    "\"cash_amount\":-0.07,\"official_amount\":1200,\"discount_amount\":\"765.4\","
	    "\"measure_id\":3,"
	    "\"az_code_infos\":[{\"az_code\":\"ap-1a\"},{\"az_code\":\"ap-1b\"}],"
	    "\"extend_params\":{\"self_resource_id\":\"i-1\",\"relation_infos\":"
	    "[{\"relative_resource_id\":\"v-1\",\"relative_type\":\"disk\"}]},"
	    "\"period_num\":2,\"is_spot\":\"false\"},"
	    "{\"cycle\":\"2026-10\",\"consume_amount\":1234.5,\"measure_id\":1,"
	    "\"extend_params\":null},"
	    "{\"cycle\":\"2026-10\",\"consume_amount\":5,\"measure_id\":2}],"
	    "\"total_count\":3,\"currency\":\"EUR\"}",
	    NULL,
	};
	size_t len;
	int rc;
	char *out = render_texts(op, BSS_RENDER_CSV, NULL, pages, &len, &rc);
	assert_int_equal(rc, 0);
	struct csv_table t;
	assert_int_equal(csv_parse(out, len, "\r\n", &t), 0);
	assert_int_equal(t.nrows, 4);

	/* Column order: the schema's, with extend_params' members in place. */
	size_t n;
	const struct bss_field *f = bss_op_record_schema(op, &n);
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(f[i].name, "extend_params") == 0) {
			assert_string_equal(t.rows[0][col++], "extend_params.self_resource_id");
			assert_string_equal(t.rows[0][col++], "extend_params.relation_infos");
			continue;
		}
		const char *h = t.rows[0][col++];
		if (i == 0)
			h += 3; /* byte-order mark */
		assert_string_equal(h, f[i].name);
	}
	assert_string_equal(t.rows[0][col++], "currency");
	assert_int_equal(t.ncols[0], col);
	for (size_t r = 1; r < t.nrows; r++)
		assert_int_equal(t.ncols[r], col);

	char **r1 = t.rows[1], **r2 = t.rows[2], **r3 = t.rows[3];
	assert_string_equal(r1[csv_col(&t, "consume_amount")], "12.345");
	assert_string_equal(r1[csv_col(&t, "cash_amount")], "-0.0007");
	assert_string_equal(r1[csv_col(&t, "official_amount")], "12.00");
	assert_string_equal(r1[csv_col(&t, "discount_amount")], "7.654");
	assert_string_equal(r1[csv_col(&t, "measure_id")], "1");
	assert_string_equal(r1[csv_col(&t, "period_num")], "2"); /* not money */
	assert_string_equal(r1[csv_col(&t, "resource_Type_code")], "hws.resource.type.vm");
	assert_string_equal(r1[csv_col(&t, "resource_name")], "'-rm -rf");
	assert_string_equal(r1[csv_col(&t, "charge_mode")], "3");
	assert_string_equal(r1[csv_col(&t, "az_code_infos")],
			    "[{\"az_code\":\"ap-1a\"},{\"az_code\":\"ap-1b\"}]");
	assert_string_equal(r1[csv_col(&t, "extend_params.self_resource_id")], "i-1");
	assert_string_equal(r1[csv_col(&t, "extend_params.relation_infos")],
			    "[{\"relative_resource_id\":\"v-1\",\"relative_type\":\"disk\"}]");
	assert_string_equal(r1[csv_col(&t, "is_spot")], "false");
	assert_string_equal(r1[csv_col(&t, "currency")], "EUR");
	/* measure_id 1: untouched; null object: empty cells. */
	assert_string_equal(r2[csv_col(&t, "consume_amount")], "1234.5");
	assert_string_equal(r2[csv_col(&t, "measure_id")], "1");
	assert_string_equal(r2[csv_col(&t, "extend_params.self_resource_id")], "");
	assert_string_equal(r2[csv_col(&t, "cash_amount")], "");
	/* measure_id 2: tenths. */
	assert_string_equal(r3[csv_col(&t, "consume_amount")], "0.5");
	assert_string_equal(r3[csv_col(&t, "measure_id")], "1");
	csv_table_free(&t);
	free(out);

	/* The JSON keeps the raw values. */
	out = render_texts(op, BSS_RENDER_JSON, NULL, pages, &len, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"consume_amount\":1234.5,"));
	assert_non_null(strstr(out, "\"measure_id\":3,"));
	free(out);
}

/* A nested object without its own measure_id shares the record's unit. */
static void test_csv_measure_nested(void **state)
{
	(void)state;
	const char *pages[] = {
	    "{\"total_count\":1,\"order_infos\":[{\"order_id\":\"CS1\","
	    "\"amount_after_discount\":1000,\"official_amount\":-250.5,\"measure_id\":3,"
	    "\"currency\":\"USD\",\"amount_info\":{\"coupon_amount\":250,"
	    "\"discounts\":[{\"discount_type\":\"200\",\"discount_amount\":17}]}}]}",
	    NULL,
	};
	size_t len;
	int rc;
	char *out =
	    render_texts(op_named("ListCustomerOrders"), BSS_RENDER_CSV, NULL, pages, &len, &rc);
	assert_int_equal(rc, 0);
	struct csv_table t;
	assert_int_equal(csv_parse(out, len, "\r\n", &t), 0);
	assert_int_equal(t.nrows, 2);
	char **r1 = t.rows[1];
	assert_string_equal(r1[csv_col(&t, "amount_after_discount")], "10.00");
	assert_string_equal(r1[csv_col(&t, "official_amount")], "-2.505");
	assert_string_equal(r1[csv_col(&t, "measure_id")], "1");
	assert_string_equal(r1[csv_col(&t, "amount_info.coupon_amount")], "2.50");
	/* Arrays of objects are JSON text with the API's values. */
	assert_string_equal(r1[csv_col(&t, "amount_info.discounts")],
			    "[{\"discount_type\":\"200\",\"discount_amount\":17}]");
	/* The records have their own currency: no second column. */
	int ncur = 0;
	for (size_t j = 0; j < t.ncols[0]; j++)
		ncur += strcmp(t.rows[0][j], "currency") == 0;
	assert_int_equal(ncur, 1);
	csv_table_free(&t);
	free(out);
}

/* A synthetic operation covers the shapes the table has few of. */
static const struct bss_field syn_inner[] = {
    {"deep", BSS_T_OBJECT, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"amount", BSS_T_DECIMAL, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"measure_id", BSS_T_INT, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
};
static const struct bss_field syn_rec[] = {
    {"name", BSS_T_STRING, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"ids", BSS_T_ARRAY, BSS_T_STRING, false, false, 0, 0, 0, 0, NULL, 0},
    {"codes", BSS_T_ARRAY, BSS_T_INT, false, false, 0, 0, 0, 0, NULL, 0},
    {"flag", BSS_T_BOOL, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"count", BSS_T_INT, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"detail", BSS_T_ANY, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"inner", BSS_T_OBJECT, BSS_T_NONE, false, false, 0, 0, 0, 0, syn_inner, 3},
    {"currency", BSS_T_STRING, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
};
static const struct bss_field syn_resp[] = {
    {"items", BSS_T_ARRAY, BSS_T_OBJECT, false, false, 0, 0, 0, 0, syn_rec, 8},
    {"count", BSS_T_INT, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"currency", BSS_T_STRING, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
};
static const struct bss_op syn_op = {
    .name = "Synthetic",
    .method = "GET",
    .path = "/x",
    .records_key = "items",
    .total_key = "count",
    .response = syn_resp,
    .n_response = 3,
};

static void test_csv_shapes(void **state)
{
	(void)state;
	const char *pages[] = {
	    "{\"count\":2,\"currency\":\"USD\",\"items\":["
	    "{\"name\":\"n\",\"ids\":[\"a\",\"b\",\"c\"],\"codes\":[1,2],\"flag\":true,"
	    "\"count\":\"=5\",\"detail\":{\"k\":\"v,w\"},"
	    "\"inner\":{\"deep\":{\"x\":1},\"amount\":250,\"measure_id\":3},"
	    "\"currency\":\"CNY\"},"
	    "{\"ids\":[\"-x\",null],\"codes\":[],\"flag\":false,\"count\":\"-3\","
	    "\"detail\":\"@x\",\"inner\":{\"amount\":\"-2\"}}]}",
	    NULL,
	};
	size_t len;
	int rc;
	struct bss_render_opts o = {.csv_unix = true};
	char *out = render_texts(&syn_op, BSS_RENDER_CSV, &o, pages, &len, &rc);
	assert_int_equal(rc, 0);
	/* The records have their own currency: no column is added. */
	assert_string_equal(out,
			    "name,ids,codes,flag,count,detail,inner.deep,inner.amount,"
			    "inner.measure_id,currency\n"
			    "n,a;b;c,1;2,true,'=5,\"{\"\"k\"\":\"\"v,w\"\"}\",\"{\"\"x\"\":1}\""
			    ",2.50,1,CNY\n"
			    ",'-x;,,false,-3,'@x,,-2,,\n");
	free(out);
}

/* An answer without a record array is one row of its fields. */
static void test_csv_single_answer(void **state)
{
	(void)state;
	const char *pages[] = {
	    "{\"granting_amount\":100.00,\"granting_amount_used\":-0.12345678,"
	    "\"measure_id\":1,\"currency\":\"USD\"}",
	    NULL,
	};
	int rc;
	struct bss_render_opts o = {.csv_unix = true};
	char *out = render_texts(op_named("ShowCustomerExpenditureQuota"), BSS_RENDER_CSV, &o,
				 pages, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "granting_amount,granting_amount_used,"
				 "percentage_granting_amount_used,measure_id,currency\n"
				 "100.00,-0.12345678,,1,USD\n");
	free(out);
}

/* No money and no currency in the answer: no currency column. A single
 * answer with money but no currency field gets one (filled when the answer
 * carries an undocumented currency, empty otherwise). */
static const struct bss_field single_resp[] = {
    {"amount", BSS_T_DECIMAL, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"note", BSS_T_STRING, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
};
static const struct bss_op single_op = {
    .name = "SyntheticSingle",
    .method = "GET",
    .path = "/y",
    .response = single_resp,
    .n_response = 2,
};

static void test_csv_currency_column_rules(void **state)
{
	(void)state;
	struct bss_render_opts o = {.csv_unix = true};
	int rc;
	const char *p1[] = {"{\"total_count\":1,\"service_types\":[{\"service_type_name\":"
			    "\"ECS\",\"service_type_code\":\"hws.service.type.ec2\"}]}",
			    NULL};
	char *out = render_texts(op_named("ListServiceTypes"), BSS_RENDER_CSV, &o, p1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "service_type_name,service_type_code,abbreviation\n"
				 "ECS,hws.service.type.ec2,\n");
	free(out);

	const char *p2[] = {"{\"amount\":-1.5,\"note\":\"=x\"}", NULL};
	out = render_texts(&single_op, BSS_RENDER_CSV, &o, p2, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "amount,note,currency\n-1.5,'=x,\n");
	free(out);

	const char *p3[] = {"{\"amount\":2,\"currency\":\"USD\"}", NULL};
	out = render_texts(&single_op, BSS_RENDER_CSV, &o, p3, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "amount,note,currency\n2,,USD\n");
	free(out);
}

/* A legacy-unit amount that cannot be converted exactly fails the page. */
static void test_csv_measure_unconvertible(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct bss_renderer *r = bss_render_new(op_named("ListCustomerselfResourceRecordDetails"),
						BSS_RENDER_CSV, NULL, f);
	json_object *p = parse("{\"monthly_records\":[{\"consume_amount\":1E+2,"
			       "\"measure_id\":3}],\"total_count\":1}");
	assert_int_equal(bss_render_page(r, p), -EINVAL);
	assert_int_equal(bss_render_finish(r), -EINVAL); /* stays failed */
	json_object_put(p);
	bss_render_free(r);
	fclose(f);
	free(buf);
	/* In measure 1 the same text is written as the API gave it. */
	const char *pages[] = {"{\"monthly_records\":[{\"consume_amount\":1E+2,"
			       "\"measure_id\":1}],\"total_count\":1}",
			       NULL};
	int rc;
	size_t len;
	char *out = render_texts(op_named("ListCustomerselfResourceRecordDetails"), BSS_RENDER_CSV,
				 NULL, pages, &len, &rc);
	assert_int_equal(rc, 0);
	struct csv_table t;
	assert_int_equal(csv_parse(out, len, "\r\n", &t), 0);
	assert_string_equal(t.rows[1][csv_col(&t, "consume_amount")], "1E+2");
	csv_table_free(&t);
	free(out);
}

static void test_csv_errors(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct bss_renderer *r =
	    bss_render_new(op_named("ShowCustomerMonthlySum"), BSS_RENDER_CSV, NULL, f);
	json_object *p = parse("{\"bill_sums\":[{\"bill_cycle\":\"x\"},7]}");
	assert_int_equal(bss_render_page(r, p), -EINVAL);
	json_object_put(p);
	p = parse("{\"bill_sums\":\"no\"}");
	assert_int_equal(bss_render_page(r, p), -EINVAL);
	json_object_put(p);
	fflush(f);
	assert_int_equal(n, 0); /* rejected pages leave no trace */
	/* ... and the renderer still works. */
	p = parse("{\"bill_sums\":[{\"bill_cycle\":\"x\"}]}");
	assert_int_equal(bss_render_page(r, p), 0);
	json_object_put(p);
	assert_int_equal(bss_render_finish(r), 0);
	assert_int_equal(bss_render_finish(r), -EINVAL); /* once */
	bss_render_free(r);
	fclose(f);
	assert_non_null(strstr(buf, "\r\nx,"));
	free(buf);

	f = fopen("/dev/full", "w");
	if (!f)
		skip();
	r = bss_render_new(op_named("ShowCustomerMonthlySum"), BSS_RENDER_CSV, NULL, f);
	p = parse("{\"bill_sums\":[{\"bill_cycle\":\"2026-10\"}]}");
	int rc = bss_render_page(r, p);
	assert_true(rc == 0 || rc == -EIO); /* buffered: may fail only at flush */
	assert_int_equal(bss_render_finish(r), -EIO);
	json_object_put(p);
	bss_render_free(r);
	fclose(f);
}

/* Round trip: render many records over several pages, read the CSV back
 * with an independent RFC 4180 parser and sum a money column exactly. */
static void test_csv_roundtrip_sum(void **state)
{
	(void)state;
	enum { PAGES = 4, PER = 50 };
	const struct bss_op *op = op_named("ListCustomerselfResourceRecordDetails");
	char *texts[PAGES + 1];
	struct bss_dec want = bss_dec_from_units(0, 0);
	for (int p = 0; p < PAGES; p++) {
		char *t = NULL;
		size_t tl = 0;
		FILE *m = open_memstream(&t, &tl);
		fputs("{\"monthly_records\":[", m);
		for (int i = 0; i < PER; i++) {
			int k = p * PER + i;
			int measure = k % 7 == 0 ? 3 : 1;
			char amount[64];
			snprintf(amount, sizeof(amount), "%s%d.%08d", k % 5 == 0 ? "-" : "", k * 37,
				 (k * 7919) % 100000000);
			struct bss_dec d, base;
			assert_int_equal(bss_dec_parse(amount, (size_t)-1, &d), 0);
			assert_int_equal(bss_dec_shift(&d, -(measure - 1), &base), 0);
			assert_int_equal(bss_dec_add(&want, &base, &want), 0);
			fprintf(m,
				"%s{\"cycle\":\"2026-10\",\"resource_name\":\"res %d, \\\"q\\\"\\n"
				"line\",\"consume_amount\":%s,\"measure_id\":%d,"
				"\"extend_params\":{\"self_resource_id\":\"=id%d\"}}",
				i ? "," : "", k, amount, measure, k);
		}
		fprintf(m, "],\"total_count\":%d,\"currency\":\"USD\"}", PAGES * PER);
		fclose(m);
		texts[p] = t;
	}
	texts[PAGES] = NULL;
	size_t len;
	int rc;
	char *out = render_texts(op, BSS_RENDER_CSV, NULL, (const char *const *)texts, &len, &rc);
	assert_int_equal(rc, 0);
	struct csv_table t;
	assert_int_equal(csv_parse(out, len, "\r\n", &t), 0);
	assert_int_equal(t.nrows, 1 + PAGES * PER);
	int ca = csv_col(&t, "consume_amount"), rn = csv_col(&t, "resource_name");
	int sr = csv_col(&t, "extend_params.self_resource_id");
	assert_true(ca >= 0 && rn >= 0 && sr >= 0);
	struct bss_dec sum = bss_dec_from_units(0, 0);
	for (size_t i = 1; i < t.nrows; i++) {
		assert_int_equal(t.ncols[i], t.ncols[0]);
		struct bss_dec d;
		assert_int_equal(bss_dec_parse(t.rows[i][ca], (size_t)-1, &d), 0);
		assert_int_equal(bss_dec_add(&sum, &d, &sum), 0);
		char name[64], id[32];
		snprintf(name, sizeof(name), "res %zu, \"q\"\nline", i - 1);
		snprintf(id, sizeof(id), "'=id%zu", i - 1);
		assert_string_equal(t.rows[i][rn], name);
		assert_string_equal(t.rows[i][sr], id);
	}
	char a[BSS_DEC_STRLEN], b[BSS_DEC_STRLEN];
	assert_int_equal(bss_dec_cmp(&sum, &want), 0);
	assert_string_equal(bss_dec_format(&sum, a, sizeof(a)),
			    bss_dec_format(&want, b, sizeof(b)));
	csv_table_free(&t);
	free(out);
	for (int p = 0; p < PAGES; p++)
		free(texts[p]);
}

/* Randomised text: whatever a user puts in a name or tag reads back from
 * the CSV exactly (with the guard's quote when it starts like a formula). */
static const struct bss_field rnd_rec[] = {
    {"a", BSS_T_STRING, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
    {"b", BSS_T_STRING, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0},
};
static const struct bss_field rnd_resp[] = {
    {"recs", BSS_T_ARRAY, BSS_T_OBJECT, false, false, 0, 0, 0, 0, rnd_rec, 2},
};
static const struct bss_op rnd_op = {
    .name = "SyntheticText",
    .method = "GET",
    .path = "/z",
    .records_key = "recs",
    .response = rnd_resp,
    .n_response = 1,
};

static void test_csv_random_text_roundtrip(void **state)
{
	(void)state;
	static const char *const atoms[] = {",", "\"", "\r", "\n",	 "\r\n",	"=",
					    "+", "-",  "@",  "\t",	 ";",		"'",
					    " ", "x",  "9",  "\xc3\xa9", "\xe4\xb8\xad"};
	enum { N = 300 };
	char *strs[N][2];
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	json_object *page = json_object_new_object(), *arr = json_object_new_array();
	for (int i = 0; i < N; i++) {
		json_object *rec = json_object_new_object();
		for (int k = 0; k < 2; k++) {
			char buf[128] = "";
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			int len = (int)((seed >> 33) % 9);
			for (int j = 0; j < len; j++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				strcat(buf, atoms[(seed >> 33) % (sizeof(atoms) / sizeof(*atoms))]);
			}
			strs[i][k] = strdup(buf);
			json_object_object_add(rec, k ? "b" : "a", json_object_new_string(buf));
		}
		json_object_array_add(arr, rec);
	}
	json_object_object_add(page, "recs", arr);
	for (int unix_eol = 0; unix_eol < 2; unix_eol++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		struct bss_render_opts o = {.csv_unix = unix_eol};
		struct bss_renderer *r = bss_render_new(&rnd_op, BSS_RENDER_CSV, &o, f);
		assert_int_equal(bss_render_page(r, page), 0);
		assert_int_equal(bss_render_finish(r), 0);
		bss_render_free(r);
		fclose(f);
		struct csv_table t;
		assert_int_equal(csv_parse(out, len, unix_eol ? "\n" : "\r\n", &t), 0);
		assert_int_equal(t.nrows, N + 1);
		for (int i = 0; i < N; i++) {
			assert_int_equal(t.ncols[i + 1], 2);
			for (int k = 0; k < 2; k++) {
				const char *s = strs[i][k];
				bool guard = s[0] && strchr("=+-@\t\r\n", s[0]);
				char want[160];
				snprintf(want, sizeof(want), "%s%s", guard ? "'" : "", s);
				assert_string_equal(t.rows[i + 1][k], want);
			}
		}
		csv_table_free(&t);
		free(out);
	}
	json_object_put(page);
	for (int i = 0; i < N; i++)
		for (int k = 0; k < 2; k++)
			free(strs[i][k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_field_quoting),
	    cmocka_unit_test(test_csv_is_money),
	    cmocka_unit_test(test_csv_monthly_sum),
	    cmocka_unit_test(test_csv_unix),
	    cmocka_unit_test(test_csv_res_record_details),
	    cmocka_unit_test(test_csv_measure_nested),
	    cmocka_unit_test(test_csv_shapes),
	    cmocka_unit_test(test_csv_single_answer),
	    cmocka_unit_test(test_csv_currency_column_rules),
	    cmocka_unit_test(test_csv_measure_unconvertible),
	    cmocka_unit_test(test_csv_errors),
	    cmocka_unit_test(test_csv_roundtrip_sum),
	    cmocka_unit_test(test_csv_random_text_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
