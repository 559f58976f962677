/* test_log.c - the runtime's log lines stay one valid line whatever the message. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

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

static void configure(const char *format, const char *level)
{
    format ? setenv("AWS_LAMBDA_LOG_FORMAT", format, 1) : unsetenv("AWS_LAMBDA_LOG_FORMAT");
    level ? setenv("AWS_LAMBDA_LOG_LEVEL", level, 1) : unsetenv("AWS_LAMBDA_LOG_LEVEL");
    slsrt__log_configure();
}

static void hostile(void)
{
    slsrt__log_set_request_id("req-1");
    slsrt__log(SLSRT__LOG_ERROR, "a \"quoted\" \\ line\nnext\tline \x01 bad utf8 \xff\xfe end \xc3\xa9");
    slsrt__log_set_request_id(NULL);
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

int main(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, json_lines_are_valid_json);
    tcase_add_test(tc, long_messages_are_cut_not_broken);
    tcase_add_test(tc, text_lines_keep_one_line);
    tcase_add_test(tc, level_filter);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
