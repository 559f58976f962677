/*
 * info.c - `./bootstrap --info`: what the function declared it needs, as
 * JSON or as a Terraform suggestion, printed without touching the Runtime
 * API (so a build or deploy tool can ask any bootstrap).
 */
#include <slsrt/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hcl_list(const json_t *list)
{
    size_t i;
    json_t *v;
    printf("[");
    json_array_foreach(list, i, v) printf("%s\"%s\"", i ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
    printf("]");
}

/*
 * A complete, self-consistent Terraform suggestion: the variables it reads
 * (the layer's ARN, the declared environment), the function's role and its
 * policy (its own log group, X-Ray, the declared permissions), the log
 * group, and the function.
 */
static void terraform(const json_t *info)
{
    const char *name = json_string_value(json_object_get(info, "name"));
    const char *arch = json_string_value(json_object_get(info, "architecture"));
    if (!name)
        name = "function";
    const json_t *env = json_object_get(info, "environment");
    size_t i;
    json_t *v;
    printf("variable \"slsrt_layer_arn\" {\n  type        = string\n"
           "  description = \"The slsrt layer for %s (as SlsrtLayer publishes it: SSM /slsrt/%d/%s/latest)\"\n}\n\n",
           arch ? arch : "arm64", SLSRT_VERSION_MAJOR, arch ? arch : "arm64");
    json_array_foreach(env, i, v) printf("variable \"%s\" {\n  type = string\n}\n\n", json_string_value(v));

    printf("data \"aws_iam_policy_document\" \"%s_assume\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n"
           "    principals {\n      type        = \"Service\"\n      identifiers = [\"lambda.amazonaws.com\"]\n    }\n"
           "  }\n}\n\n",
           name);
    printf("resource \"aws_iam_role\" \"%s\" {\n  name               = \"%s\"\n"
           "  assume_role_policy = data.aws_iam_policy_document.%s_assume.json\n}\n\n",
           name, name, name);
    printf("resource \"aws_cloudwatch_log_group\" \"%s\" {\n  name              = \"/aws/lambda/%s\"\n"
           "  retention_in_days = 30\n}\n\n",
           name, name);
    /* Its own log group, X-Ray (no resource-level permissions), what it declared. */
    printf("data \"aws_iam_policy_document\" \"%s\" {\n  statement {\n"
           "    actions   = [\"logs:CreateLogStream\", \"logs:PutLogEvents\"]\n"
           "    resources = [\"${aws_cloudwatch_log_group.%s.arn}:*\"]\n  }\n  statement {\n"
           "    actions   = [\"xray:PutTraceSegments\", \"xray:PutTelemetryRecords\"]\n    resources = [\"*\"]\n  }\n",
           name, name);
    json_array_foreach(json_object_get(info, "permissions"), i, v) {
        printf("  statement {\n    actions   = ");
        hcl_list(json_object_get(v, "actions"));
        printf("\n    resources = ");
        hcl_list(json_object_get(v, "resources"));
        printf("\n  }\n");
    }
    printf("}\n\nresource \"aws_iam_role_policy\" \"%s\" {\n  role   = aws_iam_role.%s.id\n"
           "  policy = data.aws_iam_policy_document.%s.json\n}\n\n",
           name, name, name);

    printf("resource \"aws_lambda_function\" \"%s\" {\n", name);
    printf("  function_name = \"%s\"\n  runtime       = \"provided.al2023\"\n  handler       = \"bootstrap\"\n", name);
    printf("  architectures = [\"%s\"]\n", arch ? arch : "arm64");
    printf("  memory_size   = %lld\n", json_integer_value(json_object_get(info, "memory")) ?: 256);
    printf("  timeout       = %lld\n", json_integer_value(json_object_get(info, "timeout")) ?: 10);
    printf("  filename      = \"function.zip\"\n  source_code_hash = filebase64sha256(\"function.zip\")\n");
    printf("  layers        = [var.slsrt_layer_arn]\n  role          = aws_iam_role.%s.arn\n", name);
    printf("  tracing_config {\n    mode = \"Active\"\n  }\n");
    printf("  logging_config {\n    log_format = \"JSON\"\n    log_group  = aws_cloudwatch_log_group.%s.name\n  }\n",
           name);
    if (json_array_size(env)) {
        printf("  environment {\n    variables = {\n");
        json_array_foreach(env, i, v) printf("      %s = var.%s\n", json_string_value(v), json_string_value(v));
        printf("    }\n  }\n");
    }
    printf("  depends_on = [aws_iam_role_policy.%s, aws_cloudwatch_log_group.%s]\n}\n", name, name);
}

/* 0 when handled (printed), 2 when the declaration is bad, -1 when not asked. */
static int answer_info(int argc, char **argv, const char *info_json, const char *built_against)
{
    if (argc < 2 || strcmp(argv[1], "--info") != 0)
        return -1;
    json_error_t err;
    json_t *info = info_json ? json_loads(info_json, 0, &err) : json_object();
    if (!json_is_object(info)) {
        fprintf(stderr, "slsrt: the --info declaration is not a JSON object: %s\n", info ? "not an object" : err.text);
        json_decref(info);
        return 2;
    }
    json_object_set_new(info, "slsrt", json_pack("{s:s?, s:s}", "builtAgainst", built_against, "runtime", slsrt_version()));
    if (argc >= 4 && strcmp(argv[2], "--format") == 0 && strcmp(argv[3], "terraform") == 0) {
        terraform(info);
    } else {
        char *text = json_dumps(info, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(text ? text : "{}");
        free(text);
    }
    json_decref(info);
    return 0;
}

int slsrt_main_info(int argc, char **argv, slsrt_init_fn init, slsrt_handler_fn handler, const char *info_json,
                    const char *built_against)
{
    int rc = answer_info(argc, argv, info_json, built_against);
    if (rc >= 0)
        return rc;
    return slsrt_main(argc, argv, init, handler);
}
