/*
 * test_rules.c - feature flag evaluation, as Powertools for AWS Lambda
 * evaluates its documented shapes: defaults, the first matching rule wins,
 * every condition of a rule must hold, a missing context key never holds,
 * each action, MODULO_RANGE rollouts, and non-boolean flags.
 */
#include <check.h>
#include <string.h>

#include "harness.h"
#include <slsrt/flags.h>

static const char *const DOC =
    "{"
    " \"premium_features\": {\"default\": false, \"rules\": {"
    "   \"customer tier equals premium\": {\"when_match\": true,"
    "     \"conditions\": [{\"action\": \"EQUALS\", \"key\": \"tier\", \"value\": \"premium\"}]}}},"
    " \"ten_percent_off_campaign\": {\"default\": false},"
    " \"beta\": {\"default\": false, \"rules\": {"
    "   \"staff in eu\": {\"when_match\": true, \"conditions\": ["
    "     {\"action\": \"ENDSWITH\", \"key\": \"email\", \"value\": \"@example.com\"},"
    "     {\"action\": \"IN\", \"key\": \"region\", \"value\": [\"eu-west-1\", \"eu-central-1\"]}]},"
    "   \"big spenders\": {\"when_match\": true, \"conditions\": ["
    "     {\"action\": \"KEY_GREATER_THAN_OR_EQUAL_VALUE\", \"key\": \"spent\", \"value\": 1000}]}}},"
    " \"rollout\": {\"default\": false, \"rules\": {"
    "   \"a fifth\": {\"when_match\": true, \"conditions\": ["
    "     {\"action\": \"MODULO_RANGE\", \"key\": \"user_id\", \"value\": {\"BASE\": 100, \"START\": 0, \"END\": 19}}]}}},"
    " \"banner\": {\"boolean_type\": false, \"default\": {\"text\": \"Hello\"}, \"rules\": {"
    "   \"germany\": {\"when_match\": {\"text\": \"Hallo\"}, \"conditions\": ["
    "     {\"action\": \"EQUALS\", \"key\": \"country\", \"value\": \"DE\"}]}}}"
    "}";

static json_t *doc;

static int on(const char *flag, const char *context)
{
    json_t *ctx = json_loads(context, 0, NULL);
    ck_assert_ptr_nonnull(ctx);
    json_t *v = slsrt_flags_evaluate(doc, flag, ctx);
    int r = json_is_true(v);
    json_decref(v);
    json_decref(ctx);
    return r;
}

static int action(const char *act, const char *ctx_value, const char *value)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"f\": {\"default\": false, \"rules\": {\"r\": {\"when_match\": true, \"conditions\": "
             "[{\"action\": \"%s\", \"key\": \"k\", \"value\": %s}]}}}}",
             act, value);
    json_t *d = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(d);
    char ctx_text[256];
    snprintf(ctx_text, sizeof ctx_text, "{\"k\": %s}", ctx_value);
    json_t *ctx = json_loads(ctx_text, 0, NULL);
    json_t *v = slsrt_flags_evaluate(d, "f", ctx);
    int r = json_is_true(v);
    json_decref(v), json_decref(ctx), json_decref(d);
    return r;
}

START_TEST(documented_shapes)
{
    doc = json_loads(DOC, 0, NULL);
    ck_assert_ptr_nonnull(doc);
    ck_assert(on("premium_features", "{\"tier\": \"premium\"}"));
    ck_assert(!on("premium_features", "{\"tier\": \"basic\"}"));
    ck_assert(!on("premium_features", "{}")); /* a missing key never holds */
    ck_assert(!on("ten_percent_off_campaign", "{\"tier\": \"premium\"}"));
    ck_assert_ptr_null(slsrt_flags_evaluate(doc, "no_such_flag", NULL));
    /* Every condition of a rule; any rule. */
    ck_assert(on("beta", "{\"email\": \"ada@example.com\", \"region\": \"eu-west-1\"}"));
    ck_assert(!on("beta", "{\"email\": \"ada@example.com\", \"region\": \"us-east-1\"}"));
    ck_assert(on("beta", "{\"email\": \"x@y.z\", \"spent\": 1000}"));
    ck_assert(!on("beta", "{\"email\": \"x@y.z\", \"spent\": 999.5}"));
    /* Non-boolean flags. */
    json_t *ctx = json_pack("{s:s}", "country", "DE"), *v = slsrt_flags_evaluate(doc, "banner", ctx);
    ck_assert_str_eq(json_string_value(json_object_get(v, "text")), "Hallo");
    json_decref(v), json_decref(ctx);
    v = slsrt_flags_evaluate(doc, "banner", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(v, "text")), "Hello");
    json_decref(v);
    json_decref(doc);
}
END_TEST

START_TEST(every_action)
{
    ck_assert(action("EQUALS", "5", "5") && !action("EQUALS", "5", "6"));
    ck_assert(action("NOT_EQUALS", "\"a\"", "\"b\"") && !action("NOT_EQUALS", "\"a\"", "\"a\""));
    ck_assert(action("KEY_GREATER_THAN_VALUE", "3", "2") && !action("KEY_GREATER_THAN_VALUE", "2", "2"));
    ck_assert(action("KEY_GREATER_THAN_OR_EQUAL_VALUE", "2", "2") && !action("KEY_GREATER_THAN_OR_EQUAL_VALUE", "1", "2"));
    ck_assert(action("KEY_LESS_THAN_VALUE", "1.5", "2") && !action("KEY_LESS_THAN_VALUE", "2", "2"));
    ck_assert(action("KEY_LESS_THAN_OR_EQUAL_VALUE", "2", "2") && !action("KEY_LESS_THAN_OR_EQUAL_VALUE", "3", "2"));
    ck_assert(action("KEY_GREATER_THAN_VALUE", "\"b\"", "\"a\"")); /* strings order too */
    ck_assert(!action("KEY_GREATER_THAN_VALUE", "\"b\"", "1"));   /* but not with numbers */
    ck_assert(action("STARTSWITH", "\"prod-eu\"", "\"prod\"") && !action("STARTSWITH", "\"dev\"", "\"prod\""));
    ck_assert(action("ENDSWITH", "\"a@x.com\"", "\"x.com\"") && !action("ENDSWITH", "\"com\"", "\"x.com\""));
    ck_assert(action("IN", "\"b\"", "[\"a\", \"b\"]") && !action("IN", "\"c\"", "[\"a\", \"b\"]"));
    ck_assert(action("NOT_IN", "\"c\"", "[\"a\", \"b\"]") && !action("NOT_IN", "\"a\"", "[\"a\"]"));
    ck_assert(action("KEY_IN_VALUE", "2", "[1, 2]") && action("KEY_NOT_IN_VALUE", "3", "[1, 2]"));
    ck_assert(action("VALUE_IN_KEY", "[\"admin\", \"dev\"]", "\"admin\"") && !action("VALUE_IN_KEY", "[\"dev\"]", "\"admin\""));
    ck_assert(action("VALUE_NOT_IN_KEY", "[\"dev\"]", "\"admin\""));
    ck_assert(action("ALL_IN_VALUE", "[\"a\", \"b\"]", "[\"a\", \"b\", \"c\"]") && !action("ALL_IN_VALUE", "[\"a\", \"z\"]", "[\"a\"]"));
    ck_assert(action("ANY_IN_VALUE", "[\"z\", \"b\"]", "[\"a\", \"b\"]") && !action("ANY_IN_VALUE", "[\"z\"]", "[\"a\"]"));
    ck_assert(action("NONE_IN_VALUE", "[\"z\"]", "[\"a\"]") && !action("NONE_IN_VALUE", "[\"a\"]", "[\"a\"]"));
    ck_assert(!action("SOMETHING_NEW", "1", "1")); /* an unknown action never holds */
}
END_TEST

START_TEST(rollouts_by_modulo)
{
    const char *range = "{\"BASE\": 100, \"START\": 0, \"END\": 19}";
    ck_assert(action("MODULO_RANGE", "119", range) && !action("MODULO_RANGE", "120", range) &&
              !action("MODULO_RANGE", "-1", range));
    /* Strings by hash: about a fifth of 10,000 user names, each always the same way. */
    int in = 0;
    for (int i = 0; i < 10000; i++) {
        char user[32];
        snprintf(user, sizeof user, "\"user-%d\"", i);
        int a = action("MODULO_RANGE", user, range);
        ck_assert_int_eq(a, action("MODULO_RANGE", user, range));
        in += a;
    }
    ck_assert_msg(in > 1800 && in < 2200, "%d of 10000", in);
}
END_TEST

START_TEST(first_matching_rule_wins)
{
    json_t *d = json_loads("{\"f\": {\"boolean_type\": false, \"default\": \"none\", \"rules\": {"
                           "\"one\": {\"when_match\": \"first\", \"conditions\": [{\"action\": \"EQUALS\", \"key\": \"a\", \"value\": 1}]},"
                           "\"two\": {\"when_match\": \"second\", \"conditions\": [{\"action\": \"EQUALS\", \"key\": \"a\", \"value\": 1}]}}}}",
                           0, NULL);
    json_t *ctx = json_pack("{s:i}", "a", 1), *v = slsrt_flags_evaluate(d, "f", ctx);
    ck_assert_str_eq(json_string_value(v), "first");
    json_decref(v), json_decref(ctx), json_decref(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flags_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, documented_shapes);
    tcase_add_test(tc, every_action);
    tcase_add_test(tc, rollouts_by_modulo);
    tcase_add_test(tc, first_matching_rule_wins);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
