/*
 * test_delivery.c - what a function author uses to ship: ./bootstrap --info
 * (JSON and Terraform, without a Runtime API), `slsrt-local new` for each
 * kind (each builds and passes its own test at once), and make function.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness.h"
#include <slsrt/common.h>

static void sh(const char *cmd, struct run *r)
{
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    run_cmd(argv, NULL, 120, r);
}

START_TEST(info_json_and_terraform)
{
    char cmd[1024];
    struct run r;
    snprintf(cmd, sizeof cmd, "unset AWS_LAMBDA_RUNTIME_API; LD_LIBRARY_PATH=%s %s --info", build_path("lib"),
             build_path("examples/posts-api/bootstrap"));
    sh(cmd, &r);
    ck_assert_int_eq(r.status, 0);
    json_t *info = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(info);
    ck_assert_int_eq(json_integer_value(json_object_get(info, "memory")), 256);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(info, "environment"), 0)), "DATABASE_URL");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(info, "slsrt"), "builtAgainst")), SLSRT_VERSION_STRING);
    json_decref(info);
    run_free(&r);

    snprintf(cmd, sizeof cmd, "LD_LIBRARY_PATH=%s %s --info --format terraform", build_path("lib"),
             build_path("examples/posts-api/bootstrap"));
    sh(cmd, &r);
    ck_assert_ptr_nonnull(strstr(r.out, "resource \"aws_lambda_function\" \"posts-api\""));
    ck_assert_ptr_nonnull(strstr(r.out, "runtime       = \"provided.al2023\""));
    ck_assert_ptr_nonnull(strstr(r.out, "memory_size   = 256"));
    ck_assert_ptr_nonnull(strstr(r.out, "DATABASE_URL = var.DATABASE_URL"));
    /* Self-consistent: everything referred to is declared in the same text. */
    const char *refs[][2] = {
        {"aws_iam_role.posts-api.", "resource \"aws_iam_role\" \"posts-api\""},
        {"data.aws_iam_policy_document.posts-api.", "data \"aws_iam_policy_document\" \"posts-api\""},
        {"data.aws_iam_policy_document.posts-api_assume.", "data \"aws_iam_policy_document\" \"posts-api_assume\""},
        {"aws_cloudwatch_log_group.posts-api.", "resource \"aws_cloudwatch_log_group\" \"posts-api\""},
        {"aws_iam_role_policy.posts-api", "resource \"aws_iam_role_policy\" \"posts-api\""},
        {"var.slsrt_layer_arn", "variable \"slsrt_layer_arn\""},
        {"var.DATABASE_URL", "variable \"DATABASE_URL\""},
    };
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        ck_assert_msg(strstr(r.out, refs[i][0]) != NULL, "%s is not used:\n%s", refs[i][0], r.out);
        ck_assert_msg(strstr(r.out, refs[i][1]) != NULL, "%s is not declared:\n%s", refs[i][1], r.out);
    }
    /* The policy is not empty: the log group and X-Ray at least. */
    ck_assert_ptr_nonnull(strstr(r.out, "\"logs:PutLogEvents\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"xray:PutTraceSegments\""));
    int open = 0;
    for (const char *p = r.out; *p; p++)
        open += *p == '{' ? 1 : *p == '}' ? -1 : 0;
    ck_assert_int_eq(open, 0); /* balanced blocks */
    run_free(&r);

    snprintf(cmd, sizeof cmd, "LD_LIBRARY_PATH=%s %s --info", build_path("lib"), build_path("examples/hello/bootstrap"));
    sh(cmd, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"builtAgainst\""));
    run_free(&r);

    snprintf(cmd, sizeof cmd, "LD_LIBRARY_PATH=%s %s --info", build_path("lib"), build_path("tests/functions/badinfo/bootstrap"));
    sh(cmd, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "not a JSON object"));
    run_free(&r);
}
END_TEST

START_TEST(scaffolded_functions_build_and_pass_their_tests)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    /* A scaffold is a plain program: it cannot link a sanitized library. */
    printf("scaffolded_functions_build_and_pass_their_tests: skipped in the sanitized build (the plain one runs it)\n");
    return;
#endif
    char dir[] = "/tmp/slsrt-scaffold-XXXXXX", cmd[2048];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *cwd = getcwd(NULL, 0);
    const char *kinds[] = {"http", "events", "json"};
    for (int i = 0; i < 3; i++) {
        struct run r;
        /* Built for this machine here (ARCH=...); the default, arm64, below. */
        snprintf(cmd, sizeof cmd,
                 "%s/%s/bin/slsrt-local new fn-%s --kind %s --dir %s && "
                 "cd %s/fn-%s && PKG_CONFIG_PATH=%s/%s/lib/pkgconfig SLSRT_LOCAL=%s/%s/bin/slsrt-local make -s test && "
                 "cd %s && make -s function DIR=%s/fn-%s ARCH=$(uname -m | sed s/aarch64/arm64/) && "
                 "unzip -l %s/fn-%s/function.zip",
                 cwd, build_dir(), kinds[i], kinds[i], dir, dir, kinds[i], cwd, build_dir(), cwd, build_dir(), cwd, dir,
                 kinds[i], dir, kinds[i]);
        sh(cmd, &r);
        ck_assert_msg(r.status == 0, "%s: %s %s", kinds[i], r.out, r.err);
        char passed[64];
        snprintf(passed, sizeof passed, "fn-%s: test passed", kinds[i]);
        ck_assert_ptr_nonnull(strstr(r.out, passed));
        ck_assert_ptr_nonnull(strstr(r.out, " bootstrap\n")); /* at the zip's root */
        run_free(&r);
    }
    /* The project's declared architecture (arm64) without ARCH, when the cross
     * toolchain is there (make check installs it); a zip of another one refused. */
    struct run r;
    snprintf(cmd, sizeof cmd,
             "command -v aarch64-linux-gnu-gcc >/dev/null || { echo no-cross; exit 0; }; "
             "make -s function DIR=%s/fn-http && cd %s/fn-http && rm -rf x && mkdir x && cd x && "
             "unzip -q ../function.zip && file bootstrap",
             dir, dir);
    sh(cmd, &r);
    ck_assert_msg(r.status == 0, "arm64: %s %s", r.out, r.err);
    ck_assert_msg(strstr(r.out, "no-cross") || strstr(r.out, "ARM aarch64"), "arm64: %s", r.out);
    run_free(&r);
    snprintf(cmd, sizeof cmd,
             "cd %s/fn-json && make -s clean && PKG_CONFIG_PATH=%s/%s/lib/pkgconfig make -s zip CC=cc ARCH=arm64",
             dir, cwd, build_dir());
    sh(cmd, &r);
    struct utsname host;
    uname(&host);
    if (!strcmp(host.machine, "aarch64")) { /* cc builds arm64 here: the zip is right */
        ck_assert_msg(r.status == 0, "%s", r.err);
    } else { /* an x86-64 bootstrap for an arm64 function: refused */
        ck_assert_int_ne(r.status, 0);
        ck_assert_ptr_nonnull(strstr(r.err, "bootstrap is not an arm64 binary"));
    }
    run_free(&r);
    const char *bad[] = {"'bad name'", "--help-me", "ok --kind nope"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "%s/%s/bin/slsrt-local new %s --dir %s", cwd, build_dir(), bad[i], dir);
        sh(cmd, &r);
        ck_assert_int_eq(r.status, 2);
        run_free(&r);
    }
    snprintf(cmd, sizeof cmd, "%s/%s/bin/slsrt-local new --help", cwd, build_dir());
    sh(cmd, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "--kind json|http|events"));
    run_free(&r);
    /* The installed tools need nothing from the source tree: no templates, no samples. */
    snprintf(cmd, sizeof cmd,
             "make -s install BUILD=%s DESTDIR=%s/root PREFIX=/usr >/dev/null && cd / && "
             "%s/root/usr/bin/slsrt-local new fromroot --dir %s && %s/root/usr/bin/slsrt-local event --list && "
             "test -f %s/root/usr/lib/pkgconfig/slsrt.pc",
             build_dir(), dir, dir, dir, dir, dir);
    sh(cmd, &r);
    ck_assert_msg(r.status == 0, "%s %s", r.out, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "cognito-postconfirmation"));
    run_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    sh(cmd, &r);
    run_free(&r);
    free(cwd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("delivery");
    TCase *tc = tcase_create("delivery");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, info_json_and_terraform);
    tcase_add_test(tc, scaffolded_functions_build_and_pass_their_tests);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
