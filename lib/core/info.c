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

static void terraform(const json_t *info)
{
    const char *name = json_string_value(json_object_get(info, "name"));
    const char *arch = json_string_value(json_object_get(info, "architecture"));
    if (!name)
        name = "function";
    printf("resource \"aws_lambda_function\" \"%s\" {\n", name);
    printf("  function_name = \"%s\"\n  runtime       = \"provided.al2023\"\n  handler       = \"bootstrap\"\n", name);
    printf("  architectures = [\"%s\"]\n", arch ? arch : "arm64");
    printf("  memory_size   = %lld\n", json_integer_value(json_object_get(info, "memory")) ?: 256);
    printf("  timeout       = %lld\n", json_integer_value(json_object_get(info, "timeout")) ?: 10);
    printf("  filename      = \"function.zip\"\n  layers        = [var.slsrt_layer_arn]\n");
    printf("  role          = aws_iam_role.%s.arn\n  tracing_config { mode = \"Active\" }\n", name);
    printf("  logging_config { log_format = \"JSON\" }\n");
    const json_t *env = json_object_get(info, "environment");
    if (json_array_size(env)) {
        printf("  environment {\n    variables = {\n");
        size_t i;
        json_t *v;
        json_array_foreach(env, i, v) printf("      %s = var.%s\n", json_string_value(v), json_string_value(v));
        printf("    }\n  }\n");
    }
    printf("}\n\ndata \"aws_iam_policy_document\" \"%s\" {\n", name);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(info, "permissions"), i, p) {
        printf("  statement {\n    actions   = ");
        hcl_list(json_object_get(p, "actions"));
        printf("\n    resources = ");
        hcl_list(json_object_get(p, "resources"));
        printf("\n  }\n");
    }
    printf("}\n");
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
