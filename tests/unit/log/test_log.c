/* test_log.c - the runtime's log lines stay one valid line whatever the message. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/log.h"

/* Run fn with stderr captured; returns what it wrote (static buffer). */
static const char *captured(void (*fn)(void))
{
    static char out[16384];
    char path[] = "/tmp/slsrt-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    dup2(fd, 2);
    fn();
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, out, sizeof out - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return out;
}

static int count_newlines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void configure(const char *format, const char *level)
{
    format ? setenv("AWS_LAMBDA_LOG_FORMAT", format, 1) : unsetenv("AWS_LAMBDA_LOG_FORMAT");
    level ? setenv("AWS_LAMBDA_LOG_LEVEL", level, 1) : unsetenv("AWS_LAMBDA_LOG_LEVEL");
    slsrt__log_configure();
}

static void hostile(void)
{
    slsrt__log_set_context("req-1", "1-5759e988-bd862e3fe1be46a994272793");
    slsrt__log(SLSRT__LOG_ERROR, "a \"quoted\" \\ line\nnext\tline \x01 bad utf8 \xff\xfe end \xc3\xa9");
    slsrt__log_set_context(NULL, NULL);
}

START_TEST(json_lines_are_valid_json)
{
    configure("JSON", NULL);
    const char *out = captured(hostile);
    ck_assert_int_eq(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    ck_assert_msg(j != NULL, "%s: %s", out, err.text);
    ck_assert_str_eq(json_string_value(json_object_get(j, "level")), "ERROR");
    ck_assert_str_eq(json_string_value(json_object_get(j, "requestId")), "req-1");
    const char *ts = json_string_value(json_object_get(j, "timestamp"));
    ck_assert_int_eq(strlen(ts), 24); /* 2026-11-21T06:07:27.435Z */
    ck_assert_int_eq(ts[23], 'Z');
    const char *msg = json_string_value(json_object_get(j, "message"));
    ck_assert_ptr_nonnull(strstr(msg, "a \"quoted\" \\ line\nnext"));
    ck_assert_ptr_nonnull(strstr(msg, "bad utf8 \xef\xbf\xbd\xef\xbf\xbd end \xc3\xa9"));
    json_decref(j);
}
END_TEST

static void long_message(void)
{
    char big[8000];
    memset(big, '"', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    slsrt__log(SLSRT__LOG_WARN, "%s", big);
}

START_TEST(long_messages_are_cut_not_broken)
{
    configure("JSON", NULL);
    const char *out = captured(long_message);
    ck_assert(strlen(out) <= 4096);
    json_t *j = json_loads(out, 0, NULL);
    ck_assert_ptr_nonnull(j);
    json_decref(j);
}
END_TEST

START_TEST(text_lines_keep_one_line)
{
    configure("Text", NULL);
    const char *out = captured(hostile);
    ck_assert_int_eq(strchr(out, '\n') - out + 1, (long)strlen(out));
    ck_assert_ptr_nonnull(strstr(out, "\treq-1\tERROR\tslsrt: a \"quoted\""));
    ck_assert_ptr_nonnull(strstr(out, "line\rnext"));
}
END_TEST

static void info_and_error(void)
{
    slsrt__log(SLSRT__LOG_INFO, "info line");
    slsrt__log(SLSRT__LOG_ERROR, "error line");
}

START_TEST(level_filter)
{
    configure("JSON", "error");
    const char *out = captured(info_and_error);
    ck_assert_ptr_null(strstr(out, "info line"));
    ck_assert_ptr_nonnull(strstr(out, "error line"));
    configure(NULL, NULL);
    out = captured(info_and_error);
    ck_assert_ptr_nonnull(strstr(out, "info line"));
}
END_TEST

static void public_with_fields(void)
{
    slsrt__log_set_context("req-2", "1-5759e988-bd862e3fe1be46a994272793");
    json_t *fields = json_pack("{s:s, s:i, s:f, s:b, s:[i], s:s, s:s}", "orderId", "o-\"1\"", "items", 3, "ratio",
                               0.1, "ok", 1, "list", 7, "level", "spoofed", "message", "spoofed");
    slsrt_log_fields(SLSRT_LOG_WARN, fields, "order %d", 42);
    json_decref(fields);
    slsrt_log_info("plain %s", "line");
    slsrt_log_debug("not shown");
    slsrt__log_set_context(NULL, NULL);
}

START_TEST(public_api_with_fields_and_trace)
{
    configure("JSON", NULL);
    const char *out = captured(public_with_fields);
    ck_assert_int_eq(count_newlines(out), 2);
    json_t *j = json_loadb(out, strcspn(out, "\n"), 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "level")), "WARN");
    ck_assert_str_eq(json_string_value(json_object_get(j, "message")), "order 42");
    ck_assert_str_eq(json_string_value(json_object_get(j, "requestId")), "req-2");
    ck_assert_str_eq(json_string_value(json_object_get(j, "traceId")), "1-5759e988-bd862e3fe1be46a994272793");
    ck_assert_str_eq(json_string_value(json_object_get(j, "orderId")), "o-\"1\"");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "items")), 3);
    ck_assert(json_real_value(json_object_get(j, "ratio")) == 0.1);
    ck_assert_ptr_nonnull(strstr(out, "\"ratio\":0.1,")); /* the shortest text, not 0.10000000000000001 */
    ck_assert(json_is_true(json_object_get(j, "ok")));
    ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(j, "list"), 0)), 7);
    ck_assert_ptr_null(json_object_get(j, "logger")); /* the function's own line */
    json_decref(j);

    configure("Text", NULL);
    out = captured(public_with_fields);
    ck_assert_ptr_nonnull(strstr(out, "\treq-2\tWARN\torder 42 orderId=o-\"1\" items=3 ratio=0.1 "));
    ck_assert_ptr_nonnull(strstr(out, "traceId=1-5759e988-bd862e3fe1be46a994272793"));
    ck_assert_ptr_nonnull(strstr(out, "\tINFO\tplain line"));
    ck_assert_ptr_null(strstr(out, "not shown"));
    ck_assert(!slsrt_log_enabled(SLSRT_LOG_DEBUG));
    ck_assert(slsrt_log_enabled(SLSRT_LOG_FATAL));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, json_lines_are_valid_json);
    tcase_add_test(tc, long_messages_are_cut_not_broken);
    tcase_add_test(tc, text_lines_keep_one_line);
    tcase_add_test(tc, level_filter);
    tcase_add_test(tc, public_api_with_fields_and_trace);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
