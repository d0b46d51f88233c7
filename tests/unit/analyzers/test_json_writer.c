/* SPDX-License-Identifier: MIT */
/* test_json_writer.c - tracer/util/json_writer.c: commas, nesting,
 * indentation, escaping, UTF-8 repair, misuse detection. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

struct buf {
	char *text;
	size_t len;
	FILE *f;
	struct json_writer w;
};

static void buf_open(struct buf *b)
{
	b->text = NULL;
	b->f = open_memstream(&b->text, &b->len);
	json_writer_init(&b->w, b->f);
}

static int buf_close(struct buf *b)
{
	int rc = json_writer_finish(&b->w);
	fclose(b->f);
	return rc;
}

static void test_compact_document(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	json_writer_begin_object(&b.w);
	json_writer_key_uint(&b.w, "a", 1);
	json_writer_key(&b.w, "list");
	json_writer_begin_array(&b.w);
	json_writer_int(&b.w, -2);
	json_writer_bool(&b.w, 1);
	json_writer_null(&b.w);
	json_writer_string(&b.w, NULL);
	json_writer_hex(&b.w, 0x1f);
	json_writer_begin_object(&b.w);
	json_writer_end_object(&b.w);
	json_writer_end_array(&b.w);
	json_writer_key_string(&b.w, "s", "x");
	json_writer_end_object(&b.w);
	assert_int_equal(buf_close(&b), 0);
	assert_string_equal(b.text, "{\"a\":1,\"list\":[-2,true,null,null,\"0x1f\",{}],\"s\":\"x\"}\n");
	free(b.text);
}

static void test_indent(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	json_writer_set_indent(&b.w, 2);
	json_writer_begin_object(&b.w);
	json_writer_key(&b.w, "a");
	json_writer_begin_array(&b.w);
	json_writer_uint(&b.w, 1);
	json_writer_uint(&b.w, 2);
	json_writer_end_array(&b.w);
	json_writer_key(&b.w, "e");
	json_writer_begin_array(&b.w);
	json_writer_end_array(&b.w);
	json_writer_end_object(&b.w);
	assert_int_equal(buf_close(&b), 0);
	assert_string_equal(b.text, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"e\": []\n}\n");
	free(b.text);
}

static void test_escaping(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	json_writer_string(&b.w, "q\"b\\n\n\t\x01 \xc3\xa9 \xff end");
	assert_int_equal(buf_close(&b), 0);
	assert_string_equal(b.text, "\"q\\\"b\\\\n\\n\\t\\u0001 \xc3\xa9 \xef\xbf\xbd end\"\n");
	free(b.text);
}

static void test_utf8_rejects_overlong_and_surrogates(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	/* overlong '/', a surrogate, a valid 4-byte char, truncated 3-byte */
	json_writer_string(&b.w, "\xc0\xaf|\xed\xa0\x80|\xf0\x9f\x98\x80|\xe2\x82");
	assert_int_equal(buf_close(&b), 0);
	assert_string_equal(b.text, "\"\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
				    "\xf0\x9f\x98\x80|\xef\xbf\xbd\xef\xbf\xbd\"\n");
	free(b.text);
}

static void test_html_safe_and_embedded_nul(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	json_writer_set_flags(&b.w, JSON_WRITER_HTML_SAFE);
	json_writer_begin_array(&b.w);
	json_writer_string(&b.w, "</script>&\xe2\x80\xa8");
	json_writer_string_n(&b.w, "a\0b", 3);
	json_writer_end_array(&b.w);
	assert_int_equal(buf_close(&b), 0);
	assert_string_equal(b.text, "[\"\\u003c/script\\u003e\\u0026\\u2028\",\"a\\u0000b\"]\n");
	free(b.text);
}

static void test_doubles(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	json_writer_begin_array(&b.w);
	json_writer_double(&b.w, 0.5);
	json_writer_double(&b.w, NAN);
	json_writer_end_array(&b.w);
	assert_int_equal(buf_close(&b), 0);
	assert_string_equal(b.text, "[0.5,null]\n");
	free(b.text);
}

static void test_misuse_reported(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	json_writer_begin_object(&b.w);
	json_writer_uint(&b.w, 1);          /* value without a key */
	json_writer_end_object(&b.w);
	assert_int_equal(buf_close(&b), -EINVAL);
	free(b.text);
	buf_open(&b);
	json_writer_begin_array(&b.w);      /* never closed */
	assert_int_equal(buf_close(&b), -EINVAL);
	free(b.text);
	buf_open(&b);
	json_writer_begin_array(&b.w);
	json_writer_key(&b.w, "k");         /* key in an array */
	json_writer_end_array(&b.w);
	assert_int_equal(buf_close(&b), -EINVAL);
	free(b.text);
}

static void test_depth_limit(void **state)
{
	struct buf b;
	(void)state;
	buf_open(&b);
	for (int i = 0; i < JSON_WRITER_MAX_DEPTH + 1; i++)
		json_writer_begin_array(&b.w);
	assert_int_equal(buf_close(&b), -EINVAL);
	free(b.text);
}

static void test_write_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	struct json_writer w;
	json_writer_init(&w, f);
	json_writer_begin_array(&w);
	for (int i = 0; i < 10000; i++)
		json_writer_string(&w, "some text to fill the buffer");
	json_writer_end_array(&w);
	assert_int_equal(json_writer_finish(&w), -EIO);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_document),
		cmocka_unit_test(test_indent),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_utf8_rejects_overlong_and_surrogates),
		cmocka_unit_test(test_html_safe_and_embedded_nul),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_misuse_reported),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
