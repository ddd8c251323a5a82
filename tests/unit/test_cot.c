/* test_cot.c - the CoT codec (src/live/cot.h): the stream scanner on split, merged, oversized and
 * junk streams, every refusal of the parser, writer round trips, the mapping tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/diag.h"
#include "kizuna/error.h"
#include "kizuna/model.h"
#include "live/cot.h"

static const char PLI[] =
    "<event version=\"2.0\" uid=\"HQ-NORTH-UNIT-7\" type=\"a-f-G-U-C\" how=\"m-g\"\n"
    "       time=\"2026-01-01T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" "
    "stale=\"2026-01-01T12:05:00.5Z\">\n"
    "  <point lat=\"59.91\" lon=\"10.75\" hae=\"25.0\" ce=\"10.0\" le=\"15.0\"/>\n"
    "  <detail>\n"
    "    <contact callsign=\"NORTH-7\" endpoint=\"*:-1:stcp\"/>\n"
    "    <__group name=\"Cyan\" role=\"Team Member\"/>\n"
    "    <track speed=\"1.5\" course=\"270\"/>\n"
    "    <takv device=\"Pixel\" platform=\"ATAK-CIV\" os=\"34\" version=\"5.2\"/>\n"
    "  </detail>\n"
    "</event>";

static const char MARKER[] =
    "<event version=\"2.0\" uid=\"m-1\" type=\"a-h-G\" how=\"h-e\" time=\"2026-01-01T12:00:00Z\" "
    "start=\"2026-01-01T12:00:00Z\" stale=\"2026-01-02T12:00:00Z\" access=\"Undefined\">"
    "<point lat=\"-33.5\" lon=\"151.25\" hae=\"9999999\" ce=\"9999999\" le=\"9999999\"/>"
    "<detail><contact callsign=\"Hostile 1\"/><remarks>Seen &amp; reported</remarks>"
    "<marti><dest callsign=\"JP-CELL\"/><dest uid=\"ANDROID-42\"/><dest mission=\"m\"/></marti>"
    "<__kizuna cls=\"S\" releasable=\" USA   JPN \" disclosable=\"\" node=\"jjoc\" track=\"T1\" "
    "kind=\"report\"/>"
    "<_flow-tags_ TAK-Server-abc=\"2026-01-01T12:00:00Z\" kizuna-usfj=\"2026-01-01T12:00:00Z\"/>"
    "</detail></event>";

static const char PING[] =
    "<event version=\"2.0\" uid=\"ANDROID-1-ping\" type=\"t-x-c-t\" how=\"m-g\" "
    "time=\"2026-01-01T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" stale=\"2026-01-01T12:00:10Z\">"
    "<point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999\" le=\"9999999\"/></event>";

static void parses_pli(void **state)
{
    (void)state;
    struct cot_event ev;
    char why[200] = "";
    assert_int_equal(cot_parse(PLI, strlen(PLI), &ev, why, sizeof why), 0);
    assert_string_equal(ev.uid, "HQ-NORTH-UNIT-7");
    assert_string_equal(ev.type, "a-f-G-U-C");
    assert_string_equal(ev.how, "m-g");
    assert_true(ev.time_ms == INT64_C(1767268800000)); /* date -u -d 2026-01-01T12:00:00Z +%s */
    assert_true(ev.stale_ms == INT64_C(1767268800000) + 300500);
    assert_true(ev.lat == 59.91 && ev.lon == 10.75 && ev.hae == 25 && ev.ce == 10 && ev.le == 15);
    assert_string_equal(ev.callsign, "NORTH-7");
    assert_string_equal(ev.endpoint, "*:-1:stcp");
    assert_string_equal(ev.group_name, "Cyan");
    assert_string_equal(ev.group_role, "Team Member");
    assert_true(ev.has_track && ev.speed == 1.5 && ev.course == 270);
    assert_int_equal(ev.ctl, COT_CTL_NONE);
    assert_false(ev.mark.present);
    assert_false(ev.flow_kizuna);
    /* The unmodelled child is kept as XML. */
    assert_string_equal(ev.extra,
                        "<takv device=\"Pixel\" platform=\"ATAK-CIV\" os=\"34\" version=\"5.2\"/>");
}

static void parses_marker(void **state)
{
    (void)state;
    struct cot_event ev;
    char why[200] = "";
    assert_int_equal(cot_parse(MARKER, strlen(MARKER), &ev, why, sizeof why), 0);
    assert_string_equal(ev.access, "Undefined");
    assert_string_equal(ev.remarks, "Seen & reported");
    assert_int_equal(ev.ndest, 2); /* mission= is not modelled */
    assert_string_equal(ev.dest[0].callsign, "JP-CELL");
    assert_string_equal(ev.dest[1].uid, "ANDROID-42");
    assert_true(ev.mark.present);
    assert_int_equal(ev.mark.cls, 2);
    assert_string_equal(ev.mark.releasable, "USA JPN"); /* normalised */
    assert_string_equal(ev.mark.disclosable, "");
    assert_string_equal(ev.mark.node, "jjoc");
    assert_string_equal(ev.mark.track, "T1");
    assert_int_equal(ev.mark.kind, COT_KIND_REPORT);
    assert_true(ev.flow_kizuna);
    assert_string_equal(ev.flow_from, "usfj");
    assert_string_equal(ev.extra, ""); /* the other system's flow tag is not kept */
}

static void control_messages(void **state)
{
    (void)state;
    struct cot_event ev;
    char why[200] = "";
    assert_int_equal(cot_parse(PING, strlen(PING), &ev, why, sizeof why), 0);
    assert_int_equal(ev.ctl, COT_CTL_PING);

    char buf[2048];
    size_t len;
    struct cot_event back;
    cot_pong(INT64_C(1767268800000), &ev);
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &len), 0);
    assert_int_equal(cot_parse(buf, len, &back, why, sizeof why), 0);
    assert_int_equal(back.ctl, COT_CTL_PONG);
    assert_string_equal(back.uid, "takPong");
    assert_true(back.stale_ms - back.time_ms == 60000);

    cot_delete("del-1", "m-1", INT64_C(1767268800000), &ev);
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &len), 0);
    assert_non_null(strstr(buf, "<link uid=\"m-1\""));
    assert_int_equal(cot_parse(buf, len, &back, why, sizeof why), 0);
    assert_int_equal(back.ctl, COT_CTL_DELETE);
    assert_string_equal(back.link_uid, "m-1");

    /* A TAK user's alerts are facts of the type and of <emergency>. */
    const char *alert = "<event version=\"2.0\" uid=\"e\" type=\"b-a-o-tbl\" how=\"h-e\" "
                        "time=\"2026-01-01T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" "
                        "stale=\"2026-01-01T12:00:10Z\"><point lat=\"1\" lon=\"2\" hae=\"0\" "
                        "ce=\"1\" le=\"1\"/><detail><emergency type=\"911 Alert\">X</emergency>"
                        "</detail></event>";
    assert_int_equal(cot_parse(alert, strlen(alert), &back, why, sizeof why), 0);
    assert_true(back.emergency);
    assert_false(back.emergency_cancel);
    assert_string_equal(back.extra, "<emergency type=\"911 Alert\">X</emergency>");
}

/* XML -> event -> XML -> event -> XML: the second and third documents are the same bytes, and
 * the events agree field by field. */
static void round_trip(const char *xml)
{
    struct cot_event a, b;
    char why[200] = "", x1[8192], x2[8192];
    size_t l1, l2;
    assert_int_equal(cot_parse(xml, strlen(xml), &a, why, sizeof why), 0);
    assert_int_equal(cot_write(&a, x1, sizeof x1, &l1), 0);
    assert_int_equal(strlen(x1), l1);
    assert_int_equal(cot_parse(x1, l1, &b, why, sizeof why), 0);
    assert_int_equal(cot_write(&b, x2, sizeof x2, &l2), 0);
    assert_string_equal(x1, x2);
    assert_string_equal(a.uid, b.uid);
    assert_string_equal(a.type, b.type);
    assert_true(a.time_ms == b.time_ms && a.start_ms == b.start_ms && a.stale_ms == b.stale_ms);
    assert_true(a.lat == b.lat && a.lon == b.lon && a.hae == b.hae && a.ce == b.ce && a.le == b.le);
    assert_string_equal(a.callsign, b.callsign);
    assert_string_equal(a.remarks, b.remarks);
    assert_int_equal(a.ndest, b.ndest);
    assert_int_equal(a.mark.present, b.mark.present);
    assert_int_equal(a.mark.cls, b.mark.cls);
    assert_string_equal(a.mark.releasable, b.mark.releasable);
    assert_string_equal(a.extra, b.extra);
}

static void round_trips(void **state)
{
    (void)state;
    round_trip(PLI);
    round_trip(MARKER);
    round_trip(PING);
}

static void escapes_everything(void **state)
{
    (void)state;
    struct cot_event ev, back;
    cot_event_init(&ev);
    strcpy(ev.uid, "a<b>&\"c'\t\n");
    strcpy(ev.type, "a-u-G");
    strcpy(ev.how, "h-e");
    ev.time_ms = ev.start_ms = 1000;
    ev.stale_ms = 2000;
    ev.lat = 0.1 + 0.2; /* needs 17 digits */
    ev.lon = -1e-7;
    strcpy(ev.remarks, "]]> </remarks><x>&amp; line\r\nend");
    strcpy(ev.callsign, "\"quoted\"");
    ev.mark.present = true;
    ev.mark.cls = 3;
    strcpy(ev.mark.releasable, "USA");
    ev.mark.kind = COT_KIND_ALERT;
    strcpy(ev.flow_add, "jjoc main"); /* the space becomes '_' in the attribute name */
    char buf[4096], why[200] = "";
    size_t len;
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &len), 0);
    assert_non_null(strstr(buf, "kizuna-jjoc_main=\"1970-01-01T00:00:01.000Z\""));
    assert_int_equal(cot_parse(buf, len, &back, why, sizeof why), 0);
    assert_string_equal(back.uid, ev.uid);
    assert_string_equal(back.remarks, ev.remarks);
    assert_string_equal(back.callsign, ev.callsign);
    assert_true(back.lat == ev.lat && back.lon == ev.lon);
    assert_int_equal(back.mark.cls, 3);
    assert_int_equal(back.mark.kind, COT_KIND_ALERT);
    assert_true(back.flow_kizuna);
    assert_string_equal(back.flow_from, "jjoc_main");

    /* Bytes XML cannot carry become '?', so the output still parses. */
    strcpy(ev.remarks, "bell\a and \xff\xfe bad");
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &len), 0);
    assert_int_equal(cot_parse(buf, len, &back, why, sizeof why), 0);
    assert_string_equal(back.remarks, "bell? and ?? bad");

    /* A subnormal (which XML readers refuse as out of range) is written as 0. */
    ev.lon = 1e-310;
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &len), 0);
    assert_non_null(strstr(buf, " lon=\"0\""));
    assert_int_equal(cot_parse(buf, len, &back, why, sizeof why), 0);

    /* Too small a buffer is an error, never a cut document. */
    assert_int_equal(cot_write(&ev, buf, 100, &len), KZ_ELIMIT);
    assert_true(strlen(buf) < 100);
}

/* One refusal: the code and a word of the reason. */
static void refused(const char *xml, int code, const char *reason)
{
    struct cot_event ev;
    char why[300] = "";
    int rc = cot_parse(xml, strlen(xml), &ev, why, sizeof why);
    if (rc != code || !strstr(why, reason))
        fail_msg("%s\n -> %d '%s', wanted %d '%s'", xml, rc, why, code, reason);
    assert_string_equal(ev.uid, ""); /* nothing half-filled is left */
}

#define HEAD "<event version=\"2.0\" uid=\"u\" type=\"a-f-G\" how=\"m-g\" "
#define TIMES                                                                                      \
    "time=\"2026-01-01T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" stale=\"2026-01-01T12:05:00Z\""
#define POINT "<point lat=\"1\" lon=\"2\" hae=\"0\" ce=\"1\" le=\"1\"/>"

static void refusals(void **state)
{
    (void)state;
    refused("<!DOCTYPE event [<!ENTITY x \"boom\">]>" HEAD TIMES ">" POINT "</event>", KZ_EPARSE,
            "DOCTYPE refused");
    refused("<!DOCTYPE event SYSTEM \"file:///etc/passwd\">" HEAD TIMES ">" POINT "</event>",
            KZ_EPARSE, "DOCTYPE");
    refused(HEAD TIMES "><detail><remarks>&xxe;</remarks></detail>" POINT "</event>", KZ_EPARSE,
            "undefined entity");
    refused(HEAD "time=\"2026-13-01T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" "
                 "stale=\"2026-01-01T12:05:00Z\">" POINT "</event>",
            KZ_ECHECK, "time");
    refused(HEAD "time=\"2023-02-29T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" "
                 "stale=\"2026-01-01T12:05:00Z\">" POINT "</event>",
            KZ_ECHECK, "time");
    refused(HEAD "time=\"2026-01-01 12:00:00Z\" start=\"2026-01-01T12:00:00Z\" "
                 "stale=\"2026-01-01T12:05:00Z\">" POINT "</event>",
            KZ_ECHECK, "time");
    refused(HEAD "time=\"2026-01-01T12:00:00+09:00\" start=\"2026-01-01T12:00:00Z\" "
                 "stale=\"2026-01-01T12:05:00Z\">" POINT "</event>",
            KZ_ECHECK, "time");
    refused(HEAD TIMES "><point lat=\"91\" lon=\"2\" hae=\"0\" ce=\"1\" le=\"1\"/></event>",
            KZ_ECHECK, "lat");
    refused(HEAD TIMES "><point lat=\"1\" lon=\"-180.5\" hae=\"0\" ce=\"1\" le=\"1\"/></event>",
            KZ_ECHECK, "lon");
    refused(HEAD TIMES "><point lat=\"1\" lon=\"2\" hae=\"nan\" ce=\"1\" le=\"1\"/></event>",
            KZ_ECHECK, "hae");
    refused(HEAD TIMES "><point lat=\"1\" lon=\"2\" hae=\"inf\" ce=\"1\" le=\"1\"/></event>",
            KZ_ECHECK, "hae");
    refused(HEAD TIMES "><point lat=\"1\" lon=\"2\" hae=\"0\" ce=\"1\"/></event>", KZ_ECHECK,
            "no le");
    refused(HEAD TIMES "><detail/></event>", KZ_ECHECK, "no <point>");
    refused(HEAD TIMES ">" POINT POINT "</event>", KZ_ECHECK, "second <point>");
    refused(HEAD TIMES ">" POINT "<detail/><detail/></event>", KZ_ECHECK, "second <detail>");
    refused("<event version=\"1.0\" uid=\"u\" type=\"a-f-G\" how=\"m-g\" " TIMES ">" POINT
            "</event>",
            KZ_ECHECK, "version");
    refused("<event version=\"2.0\" type=\"a-f-G\" how=\"m-g\" " TIMES ">" POINT "</event>",
            KZ_ECHECK, "no uid");
    refused("<event version=\"2.0\" uid=\"u\" type=\"a--G\" how=\"m-g\" " TIMES ">" POINT
            "</event>",
            KZ_ECHECK, "type");
    refused("<event version=\"2.0\" uid=\"u\" type=\"a-f-G\" how=\"mg-x\" " TIMES ">" POINT
            "</event>",
            KZ_ECHECK, "how");
    refused("<evt version=\"2.0\"/>", KZ_ECHECK, "not <event>");
    refused(HEAD TIMES ">" POINT, KZ_EPARSE, "no element found");
    refused(HEAD TIMES ">" POINT "<detail><__kizuna cls=\"X\"/></detail></event>", KZ_ECHECK,
            "cls");
    refused(HEAD TIMES ">" POINT
                       "<detail><__kizuna cls=\"S\"/><__kizuna cls=\"U\"/></detail></event>",
            KZ_ECHECK, "second <__kizuna>");
    refused(HEAD TIMES ">" POINT
                       "<detail><__kizuna cls=\"S\" releasable=\"USA;JPN\"/></detail></event>",
            KZ_ECHECK, "nation id");
    refused(HEAD TIMES ">" POINT "<detail><__kizuna cls=\"S\" kind=\"order\"/></detail></event>",
            KZ_ECHECK, "kind");
    refused("<event version=\"2.0\" uid=\"d\" type=\"t-x-d-d\" how=\"m-g\" " TIMES ">" POINT
            "</event>",
            KZ_ECHECK, "t-x-d-d");

    /* Limits: a huge attribute, deep nesting, a long uid, too many destinations. */
    char *big = malloc(8192);
    char *val = malloc(COT_ATTR_MAX + 2);
    memset(val, 'x', COT_ATTR_MAX + 1);
    val[COT_ATTR_MAX + 1] = '\0';
    snprintf(big, 8192, HEAD TIMES ">" POINT "<detail><x a=\"%s\"/></detail></event>", val);
    refused(big, KZ_ELIMIT, "longer than");
    val[COT_UID_MAX] = '\0';
    snprintf(big, 8192,
             "<event version=\"2.0\" uid=\"%s\" type=\"a-f-G\" how=\"m-g\" " TIMES ">" POINT
             "</event>",
             val);
    refused(big, KZ_ELIMIT, "uid");
    strcpy(big, HEAD TIMES ">" POINT "<detail>");
    for (int i = 0; i < COT_DEPTH_MAX; i++)
        strcat(big, "<a>");
    for (int i = 0; i < COT_DEPTH_MAX; i++)
        strcat(big, "</a>");
    strcat(big, "</detail></event>");
    refused(big, KZ_ELIMIT, "nested deeper");
    strcpy(big, HEAD TIMES ">" POINT "<detail><marti>");
    for (int i = 0; i <= COT_DEST_MAX; i++)
        strcat(big, "<dest callsign=\"c\"/>");
    strcat(big, "</marti></detail></event>");
    refused(big, KZ_ELIMIT, "marti");
    free(val);
    free(big);
}

static void long_free_text(void **state)
{
    (void)state;
    /* Remarks are cut at a UTF-8 boundary; an unmodelled child that does not fit is left out. */
    size_t n = 3 * COT_REMARKS_MAX + COT_EXTRA_MAX + 512;
    char *xml = malloc(n + 512), *p;
    strcpy(xml, HEAD TIMES ">" POINT "<detail><remarks>");
    p = xml + strlen(xml);
    for (int i = 0; i < COT_REMARKS_MAX; i++) { /* U+65E5, three bytes each */
        memcpy(p, "\xe6\x97\xa5", 3);
        p += 3;
    }
    p += sprintf(p, "</remarks><small a=\"1\"/><big>");
    memset(p, 'y', COT_EXTRA_MAX);
    p += COT_EXTRA_MAX;
    strcpy(p, "</big><after/></detail></event>");
    struct cot_event ev;
    char why[200] = "";
    assert_int_equal(cot_parse(xml, strlen(xml), &ev, why, sizeof why), 0);
    assert_true(ev.remarks_cut);
    assert_int_equal(strlen(ev.remarks) % 3, 0);
    assert_true(strlen(ev.remarks) > COT_REMARKS_MAX - 4);
    assert_string_equal(ev.extra, "<small a=\"1\"/><after/>");
    assert_int_equal(ev.extra_dropped, 1);
    free(xml);
}

static void times(void **state)
{
    (void)state;
    int64_t ms;
    char buf[40];
    assert_int_equal(cot_time_parse("2024-02-29T23:59:59Z", &ms), 0);
    assert_true(ms == INT64_C(1709251199000)); /* date -u -d 2024-02-29T23:59:59Z +%s */
    assert_int_equal(cot_time_parse("2026-01-01T12:00:00.1239999Z", &ms), 0);
    assert_true(ms == INT64_C(1767268800123));
    cot_time_format(ms, buf, sizeof buf);
    assert_string_equal(buf, "2026-01-01T12:00:00.123Z");
    assert_int_equal(cot_time_parse("2026-01-01T12:00:00.Z", &ms), KZ_ECHECK);
    assert_int_equal(cot_time_parse("2026-01-01T24:00:00Z", &ms), KZ_ECHECK);
    assert_int_equal(cot_time_parse("1969-12-31T23:59:59Z", &ms), KZ_ECHECK);
    assert_int_equal(cot_time_parse("2026-04-31T00:00:00Z", &ms), KZ_ECHECK);
    assert_int_equal(cot_time_parse("2026-01-01T00:00:00Zjunk", &ms), KZ_ECHECK);
    /* Every day of a leap and a plain year formats and reads back. */
    for (int64_t d = 0; d < 2 * 366; d++) {
        int64_t t = INT64_C(1704067200000) + d * 86400000 + 12345; /* 2024-01-01 */
        cot_time_format(t, buf, sizeof buf);
        assert_int_equal(cot_time_parse(buf, &ms), 0);
        assert_true(ms == t);
    }
}

/* ---- the scanner ------------------------------------------------------------------------ */

struct got {
    int events, too_big, junk;
    char ev[8][4096];
    size_t evlen[8];
    size_t max_held;
};

static void drain(struct cot_scan *s, struct got *g)
{
    const unsigned char *m;
    size_t n;
    enum cot_scan_item it;
    while ((it = cot_scan_next(s, &m, &n)) != COT_SCAN_NEED) {
        if (it == COT_SCAN_EVENT) {
            assert_true(g->events < 8 && n < sizeof g->ev[0]);
            memcpy(g->ev[g->events], m, n);
            g->evlen[g->events++] = n;
        } else if (it == COT_SCAN_TOO_BIG) {
            g->too_big++;
        } else {
            g->junk++;
        }
    }
    if (s->len - s->pos > g->max_held)
        g->max_held = s->len - s->pos;
}

static void feed_in_pieces(const char *stream, size_t len, size_t cap, size_t piece, struct got *g)
{
    struct cot_scan s;
    assert_int_equal(cot_scan_init(&s, cap), 0);
    memset(g, 0, sizeof *g);
    for (size_t i = 0; i < len; i += piece) {
        assert_int_equal(cot_scan_feed(&s, stream + i, len - i < piece ? len - i : piece), 0);
        drain(&s, g);
    }
    assert_true(s.events == (uint64_t)g->events && s.too_big == (uint64_t)g->too_big);
    cot_scan_free(&s);
}

static void scanner_split_and_merged(void **state)
{
    (void)state;
    char stream[8192];
    int n = snprintf(stream, sizeof stream,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n%s\n"
                     "<?xml version=\"1.0\"?>%s  \r\n%s",
                     PLI, MARKER, PING);
    const char *want[] = {PLI, MARKER, PING};
    /* Split once at every byte: two reads, the event boundary anywhere. */
    for (int k = 0; k <= n; k++) {
        struct cot_scan s;
        struct got g = {0};
        assert_int_equal(cot_scan_init(&s, 4096), 0);
        assert_int_equal(cot_scan_feed(&s, stream, (size_t)k), 0);
        drain(&s, &g);
        assert_int_equal(cot_scan_feed(&s, stream + k, (size_t)(n - k)), 0);
        drain(&s, &g);
        assert_int_equal(g.events, 3);
        assert_int_equal(g.junk, 0);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(g.evlen[i], strlen(want[i]));
            assert_memory_equal(g.ev[i], want[i], g.evlen[i]);
        }
        cot_scan_free(&s);
    }
    /* Byte by byte, and TAK Server's 2 KB reads. */
    for (size_t piece = 1; piece <= 2048; piece = piece == 1 ? 7 : piece * 2) {
        struct got g;
        feed_in_pieces(stream, (size_t)n, 4096, piece, &g);
        assert_int_equal(g.events, 3);
        assert_int_equal(g.junk, 0);
        assert_memory_equal(g.ev[2], PING, strlen(PING));
    }
}

static void scanner_oversized(void **state)
{
    (void)state;
    size_t cap = 1024, bign = 20000;
    char *stream = malloc(bign + 4096);
    char *p = stream + sprintf(stream, "%s", PING);
    p += sprintf(p, HEAD TIMES ">" POINT "<detail><remarks>");
    memset(p, 'z', bign);
    p += bign;
    p += sprintf(p, "</remarks></detail></event>%s", PING);
    size_t len = (size_t)(p - stream);
    for (size_t piece = 1; piece <= 8192; piece *= 4) {
        struct got g;
        feed_in_pieces(stream, len, cap, piece, &g);
        assert_int_equal(g.events, 2);
        assert_int_equal(g.too_big, 1);
        assert_int_equal(g.junk, 0);
        assert_memory_equal(g.ev[1], PING, strlen(PING));
        /* Never more held than the cap and one read (and a partial end tag). */
        assert_true(g.max_held <= cap + piece + 8);
    }
    /* A complete oversized event in one read is reported, not returned. */
    struct got g;
    feed_in_pieces(stream, len, cap, len, &g);
    assert_int_equal(g.events, 2);
    assert_int_equal(g.too_big, 1);
    free(stream);
}

static void scanner_junk(void **state)
{
    (void)state;
    char stream[4096];
    int n = snprintf(stream, sizeof stream,
                     "<auth><cot username=\"x\"/></auth>%s garbage <events/> <eve %s \x01\x02",
                     PING, PING);
    struct cot_scan s;
    assert_int_equal(cot_scan_init(&s, 4096), 0);
    assert_int_equal(cot_scan_feed(&s, stream, (size_t)n), 0);
    const unsigned char *m;
    size_t len;
    assert_int_equal(cot_scan_next(&s, &m, &len), COT_SCAN_JUNK);
    assert_int_equal(len, strlen("<auth><cot username=\"x\"/></auth>"));
    assert_int_equal(cot_scan_next(&s, &m, &len), COT_SCAN_EVENT);
    assert_memory_equal(m, PING, len);
    assert_int_equal(cot_scan_next(&s, &m, &len), COT_SCAN_JUNK);
    assert_memory_equal(m, "garbage <events/> <eve", len);
    assert_int_equal(cot_scan_next(&s, &m, &len), COT_SCAN_EVENT);
    assert_int_equal(cot_scan_next(&s, &m, &len), COT_SCAN_JUNK);
    assert_int_equal(len, 2);
    assert_int_equal(cot_scan_next(&s, &m, &len), COT_SCAN_NEED);
    assert_true(s.junk == 3 && s.events == 2);
    assert_true(s.junk_bytes == strlen("<auth><cot username=\"x\"/></auth>") +
                                    strlen("garbage <events/> <eve") + 2);
    cot_scan_free(&s);
    assert_int_equal(cot_scan_init(&s, 10), KZ_EINVAL);
}

/* ---- mapping ------------------------------------------------------------------------------ */

static void mapping_tables(void **state)
{
    (void)state;
    char t[COT_TYPE_MAX];
    cot_type_for(COT_CAT_AIR, COT_AFF_HOSTILE, t, sizeof t);
    assert_string_equal(t, "a-h-A");
    cot_type_for(COT_CAT_MISSILE, COT_AFF_HOSTILE, t, sizeof t);
    assert_string_equal(t, "a-h-A-W-M");
    cot_type_for(COT_CAT_MARITIME, COT_AFF_FRIEND, t, sizeof t);
    assert_string_equal(t, "a-f-S");
    cot_type_for(COT_CAT_SUBSURFACE, COT_AFF_SUSPECT, t, sizeof t);
    assert_string_equal(t, "a-s-U");
    cot_type_for(COT_CAT_GROUND, COT_AFF_NEUTRAL, t, sizeof t);
    assert_string_equal(t, "a-n-G");
    cot_type_for(COT_CAT_UNKNOWN, COT_AFF_UNKNOWN, t, sizeof t);
    assert_string_equal(t, "a-u-X");
    /* Every pair reads back as itself, and every type is valid CoT. */
    for (int c = 0; c < COT_CAT_COUNT; c++)
        for (int a = 0; a < COT_AFF_COUNT; a++) {
            enum cot_category cat;
            enum cot_affil aff;
            cot_type_for((enum cot_category)c, (enum cot_affil)a, t, sizeof t);
            assert_true(cot_type_ok(t));
            assert_true(cot_type_parse(t, &cat, &aff));
            assert_int_equal(cat, c);
            assert_int_equal(aff, a);
        }
    enum cot_category cat;
    enum cot_affil aff;
    assert_true(cot_type_parse("a-f-G-U-C", &cat, &aff)); /* an ATAK user's PLI */
    assert_true(cat == COT_CAT_GROUND && aff == COT_AFF_FRIEND);
    assert_true(cot_type_parse("a-j-A-W-M-S-A", &cat, &aff));
    assert_true(cat == COT_CAT_MISSILE && aff == COT_AFF_HOSTILE);
    assert_true(cot_type_parse("a-h-A-W", &cat, &aff));
    assert_true(cat == COT_CAT_AIR);
    assert_true(cot_type_parse("a-h-A-W-MX", &cat, &aff));
    assert_true(cat == COT_CAT_AIR);
    assert_true(cot_type_parse("a-f-F", &cat, &aff));
    assert_true(cat == COT_CAT_GROUND);
    assert_true(cot_type_parse("a-u", &cat, &aff));
    assert_true(cat == COT_CAT_UNKNOWN && aff == COT_AFF_UNKNOWN);
    assert_false(cot_type_parse("b-m-p-s-m", &cat, &aff));
    assert_false(cot_type_parse("u-d-p", &cat, &aff));
    assert_false(cot_type_parse("ab-f-G", &cat, &aff));

    assert_string_equal(cot_how_for(COT_SRC_DATALINK), "m-r-t-j");
    assert_string_equal(cot_how_for(COT_SRC_FUSED), "m-f");
    assert_string_equal(cot_how_for(COT_SRC_MANUAL), "h-e");
    for (int s = 0; s < COT_SRC_COUNT; s++) {
        assert_true(cot_how_ok(cot_how_for((enum cot_source)s)));
        assert_int_equal(cot_how_parse(cot_how_for((enum cot_source)s)), s);
    }
    assert_int_equal(cot_how_parse("m-g-d"), COT_SRC_GPS);
    assert_int_equal(cot_how_parse("h-g-i-g-o"), COT_SRC_MANUAL);
    assert_int_equal(cot_how_parse("m-r-e"), COT_SRC_MACHINE);
    assert_string_equal(cot_alert_type(), "a-h-A-W-M");
}

static void nation_lists(void **state)
{
    (void)state;
    kz_diags *d;
    kz_model *m;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_model_load_file(KZ_SOURCE_DIR "/tests/data/live/bilateral.yaml", &m, d), 0);
    uint64_t mask = 0;
    char why[100] = "", buf[64];
    assert_int_equal(cot_nations_mask(m, "JPN USA", &mask, why, sizeof why), 0);
    assert_true(mask == 3);
    cot_nations_list(m, mask, buf, sizeof buf);
    assert_string_equal(buf, "USA JPN");
    assert_int_equal(cot_nations_mask(m, "", &mask, why, sizeof why), 0);
    assert_true(mask == 0);
    assert_int_equal(cot_nations_mask(m, "USA KOR", &mask, why, sizeof why), KZ_ENOTFOUND);
    assert_non_null(strstr(why, "KOR"));
    cot_nations_list(m, 3, buf, 6); /* room for one id only */
    assert_string_equal(buf, "USA");
    kz_model_free(m);
    kz_diags_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_pli),
        cmocka_unit_test(parses_marker),
        cmocka_unit_test(control_messages),
        cmocka_unit_test(round_trips),
        cmocka_unit_test(escapes_everything),
        cmocka_unit_test(refusals),
        cmocka_unit_test(long_free_text),
        cmocka_unit_test(times),
        cmocka_unit_test(scanner_split_and_merged),
        cmocka_unit_test(scanner_oversized),
        cmocka_unit_test(scanner_junk),
        cmocka_unit_test(mapping_tables),
        cmocka_unit_test(nation_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
