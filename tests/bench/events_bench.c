/*
 * events_bench.c - the cost of typed event access next to its floor, the
 * raw Jansson parse of the same payload.
 *
 *   events_bench raw|typed|doc sqs|ddb N   parse (and read) one batch N times
 *   events_bench rate sqs|ddb              records per second, the three ways
 *
 * Batches: SQS, 10 messages with attributes; DynamoDB Streams, 100 MODIFY
 * records with keys, a 9-attribute new image and an old image.  "typed"
 * reads every field the accessors model, and unmarshals keys and images;
 * "doc" reads the same from the batch read in place (slsrt_doc_*).
 */
#include <slsrt/slsrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *sqs_batch(void)
{
    static char buf[16384];
    size_t n = (size_t)sprintf(buf, "{\"Records\":[");
    for (int i = 0; i < 10; i++)
        n += (size_t)sprintf(buf + n,
                             "%s{\"messageId\":\"059f36b4-87a3-44ab-83d2-66197%07d\",\"receiptHandle\":\"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a\","
                             "\"body\":\"{\\\"order\\\":%d,\\\"ok\\\":true}\",\"attributes\":{\"ApproximateReceiveCount\":\"1\","
                             "\"SentTimestamp\":\"1545082649183\",\"SenderId\":\"AIDAIENQZJOLO23YVJ4VO\","
                             "\"ApproximateFirstReceiveTimestamp\":\"1545082649185\"},\"messageAttributes\":{\"tenant\":"
                             "{\"stringValue\":\"acme\",\"dataType\":\"String\"}},\"md5OfBody\":\"e4e68fb7bd0e697a0ae8f1bb342846b3\","
                             "\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-2:123456789012:my-queue\","
                             "\"awsRegion\":\"us-east-2\"}",
                             i ? "," : "", i, i);
    sprintf(buf + n, "]}");
    return buf;
}

static char *ddb_batch(void)
{
    static char buf[262144];
    size_t n = (size_t)sprintf(buf, "{\"Records\":[");
    for (int i = 0; i < 100; i++)
        n += (size_t)sprintf(
            buf + n,
            "%s{\"eventID\":\"c4ca4238a0b923820dcc509a6f75%04d\",\"eventName\":\"MODIFY\",\"eventVersion\":\"1.1\","
            "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"us-east-1\",\"dynamodb\":{\"ApproximateCreationDateTime\":1479499740,"
            "\"Keys\":{\"pk\":{\"S\":\"order#%d\"},\"sk\":{\"N\":\"%d\"}},"
            "\"NewImage\":{\"pk\":{\"S\":\"order#%d\"},\"sk\":{\"N\":\"%d\"},\"status\":{\"S\":\"shipped\"},\"total\":{\"N\":\"21.5\"},"
            "\"paid\":{\"BOOL\":true},\"tags\":{\"SS\":[\"a\",\"b\"]},\"address\":{\"M\":{\"city\":{\"S\":\"Lyon\"}}},"
            "\"lines\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]},\"note\":{\"NULL\":true}},"
            "\"OldImage\":{\"pk\":{\"S\":\"order#%d\"},\"sk\":{\"N\":\"%d\"},\"status\":{\"S\":\"paid\"}},"
            "\"SequenceNumber\":\"4421584500000000017450439%03d\",\"SizeBytes\":59,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},"
            "\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2016-11-16T20:42:48.104\"}",
            i ? "," : "", i, i, i, i, i, i, i, i);
    sprintf(buf + n, "]}");
    return buf;
}

static volatile size_t sink;

/* Read what an SQS listener reads. */
static void sqs_record(const json_t *r)
{
    size_t len;
    sink += slsrt_record_check(SLSRT_SOURCE_SQS, r, NULL) == SLSRT_OK;
    sink += strlen(slsrt_sqs_message_id(r)) + strlen(slsrt_sqs_receipt_handle(r));
    sink += (size_t)slsrt_sqs_body(r, &len) + len;
    sink += (size_t)slsrt_sqs_attribute(r, "ApproximateReceiveCount") + (size_t)slsrt_sqs_message_attribute(r, "tenant");
    sink += (size_t)slsrt_sqs_is_fifo(r) + (size_t)slsrt_sqs_group_id(r);
}

/* Read what a DynamoDB Streams listener reads, images as plain JSON. */
static void ddb_record(const json_t *r)
{
    sink += slsrt_record_check(SLSRT_SOURCE_DYNAMODB, r, NULL) == SLSRT_OK;
    sink += strlen(slsrt_ddb_event_name(r)) + strlen(slsrt_ddb_sequence_number(r));
    json_t *keys = slsrt_ddb_keys(r), *img = slsrt_ddb_new_image(r), *old = slsrt_ddb_old_image(r);
    sink += json_object_size(keys) + json_object_size(img) + json_object_size(old);
    json_decref(keys), json_decref(img), json_decref(old);
}

/* The same reads, on the batch read in place (slsrt/doc.h). */
static void sqs_node(const slsrt_doc *d, slsrt_doc_node r)
{
    size_t len;
    sink += slsrt_doc_record_check(d, SLSRT_SOURCE_SQS, r, NULL) == SLSRT_OK;
    sink += strlen(slsrt_doc_sqs_message_id(d, r)) + strlen(slsrt_doc_sqs_receipt_handle(d, r));
    sink += (size_t)slsrt_doc_sqs_body(d, r, &len) + len;
    sink += (size_t)slsrt_doc_sqs_attribute(d, r, "ApproximateReceiveCount");
    sink += (size_t)slsrt_doc_sqs_message_attribute(d, r, "tenant");
    sink += (size_t)slsrt_doc_sqs_is_fifo(d, r) + (size_t)slsrt_doc_sqs_group_id(d, r);
}

static void ddb_node(const slsrt_doc *d, slsrt_doc_node r)
{
    sink += slsrt_doc_record_check(d, SLSRT_SOURCE_DYNAMODB, r, NULL) == SLSRT_OK;
    sink += strlen(slsrt_doc_ddb_event_name(d, r)) + strlen(slsrt_doc_ddb_sequence_number(d, r));
    json_t *keys = slsrt_doc_ddb_keys(d, r), *img = slsrt_doc_ddb_new_image(d, r), *old = slsrt_doc_ddb_old_image(d, r);
    sink += json_object_size(keys) + json_object_size(img) + json_object_size(old);
    json_decref(keys), json_decref(img), json_decref(old);
}

static size_t once_in_place(const char *payload, size_t len)
{
    slsrt_doc *doc = slsrt_doc_parse(payload, len, NULL);
    int sqs = slsrt_doc_event_source(doc) == SLSRT_SOURCE_SQS;
    size_t n = 0;
    for (slsrt_doc_node r = slsrt_doc_record_first(doc); r; r = slsrt_doc_next(doc, r), n++)
        (sqs ? sqs_node : ddb_node)(doc, r);
    slsrt_doc_free(doc);
    return n;
}

static size_t once(const char *payload, size_t len, int typed)
{
    if (typed == 2)
        return once_in_place(payload, len);
    json_t *ev = json_loadb(payload, len, 0, NULL);
    size_t n = slsrt_event_record_count(ev);
    if (typed) {
        slsrt_event_source src = slsrt_event_detect(ev);
        for (size_t i = 0; i < n; i++)
            (src == SLSRT_SOURCE_SQS ? sqs_record : ddb_record)(slsrt_event_record(ev, i));
    }
    json_decref(ev);
    return n;
}

static double rate(const char *payload, size_t len, int typed)
{
    struct timespec a, b;
    size_t records = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        for (int i = 0; i < 50; i++)
            records += once(payload, len, typed);
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9 < 0.3);
    return (double)records / ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *payload = strcmp(argv[2], "sqs") == 0 ? sqs_batch() : ddb_batch();
    size_t len = strlen(payload);
    if (strcmp(argv[1], "rate") == 0) {
        printf("%.0f %.0f %.0f\n", rate(payload, len, 0), rate(payload, len, 1), rate(payload, len, 2));
        return 0;
    }
    int typed = strcmp(argv[1], "typed") == 0 ? 1 : strcmp(argv[1], "doc") == 0 ? 2 : 0;
    int n = argc > 3 ? atoi(argv[3]) : 1;
    for (int i = 0; i < n; i++)
        once(payload, len, typed);
    return 0;
}
