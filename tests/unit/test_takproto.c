/* test_takproto.c - TAK protocol v1 (src/live/takproto.h): varints and frames, event -> protobuf
 * -> event, xmlDetail (the marking survives), refusals, the takp negotiation, protobuf streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "live/cot.h"
#include "live/takproto.h"
#include "takproto.pb-c.h"

typedef Atakmap__Commoncommo__Protobuf__V1__TakMessage TakMessage;
typedef Atakmap__Commoncommo__Protobuf__V1__TakControl TakControl;
typedef Atakmap__Commoncommo__Protobuf__V1__CotEvent CotEvent;
typedef Atakmap__Commoncommo__Protobuf__V1__Detail Detail;
typedef Atakmap__Commoncommo__Protobuf__V1__Contact Contact;
typedef Atakmap__Commoncommo__Protobuf__V1__Status Status;
typedef Atakmap__Commoncommo__Protobuf__V1__Takv Takv;

static void varints(void **state)
{
    (void)state;
    const uint64_t vals[] = {
        0, 1, 127, 128, 300, 16383, 16384, UINT64_C(1) << 35, UINT64_C(1) << 63, UINT64_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        uint8_t b[TAKP_VARINT_MAX];
        uint64_t v = 0;
        size_t n = takp_varint_put(vals[i], b);
        assert_true(n >= 1 && n <= TAKP_VARINT_MAX);
        assert_int_equal(takp_varint_get(b, n, &v), (int)n);
        assert_true(v == vals[i]);
        for (size_t k = 0; k < n; k++) /* cut short: more bytes needed */
            assert_int_equal(takp_varint_get(b, k, &v), 0);
    }
    /* The spec's example: a 300-byte payload is preceded by BF AC 02 (tak-cot.md §2.5). */
    uint8_t h[TAKP_HEADER_MAX];
    assert_int_equal(takp_header(300, h), 3);
    assert_true(h[0] == 0xBF && h[1] == 0xAC && h[2] == 0x02);
    uint64_t v;
    const uint8_t eleven[11] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x01};
    assert_int_equal(takp_varint_get(eleven, 11, &v), -1);
    const uint8_t over64[10] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
    assert_int_equal(takp_varint_get(over64, 10, &v), -1);
}

static void sample(struct cot_event *ev)
{
    cot_event_init(ev);
    strcpy(ev->uid, "kizuna-jjoc-T1");
    strcpy(ev->type, "a-h-A-W-M");
    strcpy(ev->how, "m-r-t-j");
    ev->time_ms = ev->start_ms = INT64_C(1767268800123);
    ev->stale_ms = ev->time_ms + 60000;
    ev->lat = 35.6895;
    ev->lon = 139.6917;
    ev->hae = 12000.5;
    ev->ce = 500;
    strcpy(ev->access, "Undefined");
    strcpy(ev->qos, "9-r-g");
    strcpy(ev->callsign, "TRACK T1");
    strcpy(ev->group_name, "Red");
    strcpy(ev->group_role, "HQ");
    ev->has_track = true;
    ev->speed = 1700;
    ev->course = 95.5;
    strcpy(ev->remarks, "missile warning <test> & more");
    ev->ndest = 1;
    strcpy(ev->dest[0].callsign, "US-CELL");
    ev->mark.present = true;
    ev->mark.cls = 2;
    strcpy(ev->mark.releasable, "USA JPN");
    strcpy(ev->mark.node, "jjoc");
    strcpy(ev->mark.track, "T1");
    strcpy(ev->flow_add, "jjoc");
    strcpy(ev->extra, "<__video url=\"rtsp://x\"/>");
}

/* event -> protobuf -> event: both write the same XML (so every field agrees). */
static void round_trip(void **state)
{
    (void)state;
    struct cot_event ev, back;
    sample(&ev);
    uint8_t pb[8192];
    size_t n;
    char why[200] = "", x1[8192], x2[8192];
    size_t l1, l2;
    assert_int_equal(takp_encode(&ev, pb, sizeof pb, &n), 0);
    assert_int_equal(takp_decode(pb, n, &back, NULL, NULL, why, sizeof why), 0);
    /* The flow tag we add comes back as the fact that a kizuna gateway touched it. */
    assert_true(back.flow_kizuna);
    assert_string_equal(back.flow_from, "jjoc");
    back.flow_kizuna = false;
    back.flow_from[0] = '\0';
    strcpy(back.flow_add, "jjoc");
    assert_int_equal(cot_write(&ev, x1, sizeof x1, &l1), 0);
    assert_int_equal(cot_write(&back, x2, sizeof x2, &l2), 0);
    assert_string_equal(x1, x2);
    assert_true(back.mark.present && back.mark.cls == 2);
    assert_string_equal(back.mark.releasable, "USA JPN");

    /* Contact, group and track are typed, the rest is xmlDetail. */
    TakMessage *tm = atakmap__commoncommo__protobuf__v1__tak_message__unpack(NULL, n, pb);
    assert_non_null(tm);
    assert_non_null(tm->cotevent->detail->contact);
    assert_string_equal(tm->cotevent->detail->contact->callsign, "TRACK T1");
    assert_non_null(tm->cotevent->detail->track);
    assert_true(tm->cotevent->detail->track->speed == 1700);
    assert_null(strstr(tm->cotevent->detail->xmldetail, "<contact"));
    assert_non_null(strstr(tm->cotevent->detail->xmldetail, "<__kizuna cls=\"S\""));
    assert_true(tm->cotevent->sendtime == UINT64_C(1767268800123));
    atakmap__commoncommo__protobuf__v1__tak_message__free_unpacked(tm, NULL);

    /* Frames: header then payload; too small a buffer is an error. */
    uint8_t fr[8192];
    size_t fl;
    assert_int_equal(takp_encode_frame(&ev, fr, sizeof fr, &fl), 0);
    uint64_t plen;
    assert_true(fr[0] == TAKP_MAGIC);
    int hl = takp_varint_get(fr + 1, fl - 1, &plen);
    assert_true(hl > 0 && plen == n && fl == 1 + (size_t)hl + n);
    assert_memory_equal(fr + 1 + hl, pb, n);
    assert_int_equal(takp_encode(&ev, pb, 50, &n), KZ_ELIMIT);
    assert_int_equal(takp_encode_frame(&ev, fr, 5, &fl), KZ_ELIMIT);
}

/* A second contact (or group, or track) among the unmodelled children, and a first one that
 * gives nothing: both read, write, read again and go through protobuf to the same bytes
 * (fuzz_cot's findings crash-duplicate-contact and crash-empty-first-contact). */
static void second_and_empty_contacts(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "<event version=\"2.0\" uid=\"m-7\" type=\"a-h-G\" how=\"h-g-i-g-o\" "
        "time=\"2026-01-01T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" "
        "stale=\"2026-01-02T12:00:00Z\"><point lat=\"1\" lon=\"2\" hae=\"0\" ce=\"9\" "
        "le=\"9\"/><detail><contact callsign=\"H.1\"/><contact callsign=\"H.2\"/>"
        "<track speed=\"1\" course=\"2\"/><track speed=\"3\" course=\"4\"/></detail></event>",
        "<event version=\"2.0\" uid=\"m-8\" type=\"a-h-G\" how=\"h-g-i-g-o\" "
        "time=\"2026-01-01T12:00:00Z\" start=\"2026-01-01T12:00:00Z\" "
        "stale=\"2026-01-02T12:00:00Z\"><point lat=\"1\" lon=\"2\" hae=\"0\" ce=\"9\" "
        "le=\"9\"/><detail><remarks>r</remarks><contact/><contact callsign=\"H.1\"/>"
        "<__group name=\"\" role=\"\"/><__group name=\"Cyan\" role=\"Team Member\"/>"
        "</detail></event>"};
    const char *const own[] = {"H.1", "H.1"};
    for (size_t k = 0; k < 2; k++) {
        struct cot_event ev, again, back;
        char why[200] = "", x1[8192], x2[8192], x3[8192];
        size_t l1, l2, l3, n;
        assert_int_equal(cot_parse(docs[k], strlen(docs[k]), &ev, why, sizeof why), 0);
        assert_string_equal(ev.callsign, own[k]);
        if (k == 1)
            assert_string_equal(ev.group_name, "Cyan");
        assert_int_equal(cot_write(&ev, x1, sizeof x1, &l1), 0);
        assert_int_equal(cot_parse(x1, l1, &again, why, sizeof why), 0);
        assert_int_equal(cot_write(&again, x2, sizeof x2, &l2), 0);
        assert_string_equal(x1, x2); /* XML: a fixed point */
        uint8_t pb[8192];
        assert_int_equal(takp_encode(&ev, pb, sizeof pb, &n), 0);
        assert_int_equal(takp_decode(pb, n, &back, NULL, NULL, why, sizeof why), 0);
        back.flow_kizuna = ev.flow_kizuna;
        memcpy(back.flow_from, ev.flow_from, sizeof back.flow_from);
        assert_int_equal(cot_write(&back, x3, sizeof x3, &l3), 0);
        assert_string_equal(x1, x3); /* protobuf: nothing lost or moved */
    }
}

/* Packs a hand-built message (as another TAK implementation would send it). */
static size_t pack(TakMessage *tm, uint8_t *buf)
{
    size_t n = atakmap__commoncommo__protobuf__v1__tak_message__get_packed_size(tm);
    assert_true(n < 4096);
    return atakmap__commoncommo__protobuf__v1__tak_message__pack(tm, buf);
}

#define INIT_EVENT(ce)                                                                             \
    CotEvent ce = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__COT_EVENT__INIT;                             \
    ce.type = (char *)"a-f-G-U-C";                                                                 \
    ce.uid = (char *)"ANDROID-1";                                                                  \
    ce.how = (char *)"m-g";                                                                        \
    ce.sendtime = ce.starttime = UINT64_C(1767268800000);                                          \
    ce.staletime = UINT64_C(1767268900000);                                                        \
    ce.lat = 35;                                                                                   \
    ce.lon = 139

static void foreign_messages(void **state)
{
    (void)state;
    uint8_t buf[4096];
    char why[200] = "";
    struct cot_event ev;
    INIT_EVENT(ce);
    Detail de = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__DETAIL__INIT;
    Contact co = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__CONTACT__INIT;
    Status st = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__STATUS__INIT;
    Takv tv = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__TAKV__INIT;
    TakMessage tm = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__TAK_MESSAGE__INIT;
    co.callsign = (char *)"TYPED";
    st.battery = 87;
    tv.device = (char *)"Pixel";
    tv.platform = (char *)"ATAK-CIV";
    tv.os = (char *)"34";
    tv.version = (char *)"5.2";
    de.contact = &co;
    de.status = &st;
    de.takv = &tv;
    /* xmlDetail wins over a typed part it repeats (detail.proto). */
    de.xmldetail =
        (char *)"<contact callsign=\"FROM-XML\"/><__kizuna cls=\"C\" releasable=\"JPN\"/>";
    ce.detail = &de;
    tm.cotevent = &ce;
    size_t n = pack(&tm, buf);
    assert_int_equal(takp_decode(buf, n, &ev, NULL, NULL, why, sizeof why), 0);
    assert_string_equal(ev.callsign, "FROM-XML");
    assert_true(ev.mark.present && ev.mark.cls == 1);
    assert_string_equal(ev.mark.releasable, "JPN");
    assert_non_null(strstr(ev.extra, "<status battery=\"87\"/>"));
    assert_non_null(strstr(
        ev.extra, "<takv device=\"Pixel\" platform=\"ATAK-CIV\" os=\"34\" version=\"5.2\"/>"));
    assert_true(ev.hae == 0 && ev.lat == 35);

    /* Without xmlDetail the typed contact stands. */
    de.xmldetail = (char *)"";
    n = pack(&tm, buf);
    assert_int_equal(takp_decode(buf, n, &ev, NULL, NULL, why, sizeof why), 0);
    assert_string_equal(ev.callsign, "TYPED");

    /* A TakControl alone: its versions, no event. */
    TakMessage only = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__TAK_MESSAGE__INIT;
    TakControl tc = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__TAK_CONTROL__INIT;
    tc.maxprotoversion = 3;
    only.takcontrol = &tc;
    n = pack(&only, buf);
    uint32_t lo = 0, hi = 0;
    assert_int_equal(takp_decode(buf, n, &ev, &lo, &hi, why, sizeof why), KZ_ENOTFOUND);
    assert_true(lo == 1 && hi == 3); /* 0 reads as 1 */
}

static void decode_refusals(void **state)
{
    (void)state;
    uint8_t buf[4096];
    char why[200];
    struct cot_event ev;
    const uint8_t garbage[] = {0x12, 0xFF, 0x01, 0x02};
    assert_int_equal(takp_decode(garbage, sizeof garbage, &ev, NULL, NULL, why, sizeof why),
                     KZ_EPARSE);

    struct {
        const char *what;
        void (*spoil)(CotEvent *, Detail *);
        int code;
        const char *reason;
    } cases[] = {
        {"lat 91", NULL, KZ_ECHECK, "lat"},        {"type", NULL, KZ_ECHECK, "type"},
        {"uid utf8", NULL, KZ_ECHECK, "UTF-8"},    {"nan", NULL, KZ_ECHECK, "hae"},
        {"doctype", NULL, KZ_EPARSE, "xmlDetail"}, {"close", NULL, KZ_EPARSE, "xmlDetail"},
        {"time", NULL, KZ_ECHECK, "staleTime"},    {"long uid", NULL, KZ_ELIMIT, "uid"},
        {"no uid", NULL, KZ_ECHECK, "no uid"},     {"ctl", NULL, KZ_ECHECK, "t-x-d-d"},
        {"subnormal", NULL, KZ_ECHECK, "lat"},
    };
    char longuid[300];
    memset(longuid, 'u', sizeof longuid - 1);
    longuid[sizeof longuid - 1] = '\0';
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        INIT_EVENT(ce);
        Detail de = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__DETAIL__INIT;
        TakMessage tm = ATAKMAP__COMMONCOMMO__PROTOBUF__V1__TAK_MESSAGE__INIT;
        const char *w = cases[i].what;
        if (!strcmp(w, "lat 91"))
            ce.lat = 91;
        else if (!strcmp(w, "type"))
            ce.type = (char *)"a f";
        else if (!strcmp(w, "uid utf8"))
            ce.uid = (char *)"bad\xc3\x28";
        else if (!strcmp(w, "nan"))
            ce.hae = NAN;
        else if (!strcmp(w, "doctype"))
            de.xmldetail = (char *)"<!DOCTYPE x><x/>", ce.detail = &de;
        else if (!strcmp(w, "close"))
            de.xmldetail = (char *)"</detail><detail>", ce.detail = &de;
        else if (!strcmp(w, "time"))
            ce.staletime = UINT64_MAX;
        else if (!strcmp(w, "long uid"))
            ce.uid = longuid;
        else if (!strcmp(w, "no uid"))
            ce.uid = (char *)"";
        else if (!strcmp(w, "subnormal")) /* XML refuses it: so does protobuf */
            ce.lat = 1e-310;
        else if (!strcmp(w, "ctl"))
            ce.type = (char *)"t-x-d-d";
        tm.cotevent = &ce;
        size_t n = pack(&tm, buf);
        why[0] = '\0';
        int rc = takp_decode(buf, n, &ev, NULL, NULL, why, sizeof why);
        if (rc != cases[i].code || !strstr(why, cases[i].reason))
            fail_msg("%s: %d '%s'", w, rc, why);
        assert_string_equal(ev.uid, "");
    }
}

static void negotiation(void **state)
{
    (void)state;
    struct cot_event ev, back;
    char buf[4096], why[200] = "";
    size_t n;
    takp_announce(INT64_C(1767268800000), &ev);
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &n), 0);
    assert_non_null(strstr(buf, "type=\"t-x-takp-v\""));
    assert_non_null(
        strstr(buf, "<detail><TakControl><TakProtocolSupport version=\"1\"/></TakControl>"));
    assert_int_equal(cot_parse(buf, n, &back, why, sizeof why), 0);
    assert_int_equal(back.ctl, COT_CTL_TAKP_V);
    assert_int_equal(back.takp_version, 1);

    /* The client reuses the announcement's uid; the server accepts version 1 only. */
    takp_request(back.uid, 1, INT64_C(1767268801000), &ev);
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &n), 0);
    assert_non_null(strstr(buf, "<TakRequest version=\"1\"/>"));
    assert_int_equal(cot_parse(buf, n, &back, why, sizeof why), 0);
    assert_string_equal(back.uid, "protouid");
    assert_true(takp_accept(&back));
    takp_request("protouid", 2, 0, &ev);
    assert_false(takp_accept(&ev));
    struct cot_event pli;
    cot_event_init(&pli);
    pli.takp_version = 1;
    assert_false(takp_accept(&pli)); /* not a t-x-takp-q */

    takp_response(true, INT64_C(1767268802000), &ev);
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &n), 0);
    assert_non_null(strstr(buf, "<TakResponse status=\"true\"/>"));
    assert_int_equal(cot_parse(buf, n, &back, why, sizeof why), 0);
    assert_int_equal(back.ctl, COT_CTL_TAKP_R);
    assert_true(back.takp_status);
    takp_response(false, 0, &ev);
    assert_int_equal(cot_write(&ev, buf, sizeof buf, &n), 0);
    assert_int_equal(cot_parse(buf, n, &back, why, sizeof why), 0);
    assert_false(back.takp_status);
}

/* A stream that starts in XML (the request), switches to protobuf, with junk and an oversized
 * frame, fed in pieces of every size. */
static void protobuf_stream(void **state)
{
    (void)state;
    struct cot_event ev, q;
    sample(&ev);
    takp_request("protouid", 1, INT64_C(1767268800000), &q);
    static uint8_t stream[65536];
    size_t len = 0, n;
    assert_int_equal(cot_write(&q, (char *)stream, sizeof stream, &n), 0);
    len += n;
    assert_int_equal(takp_encode_frame(&ev, stream + len, sizeof stream - len, &n), 0);
    size_t frame = n;
    len += n;
    stream[len++] = 0x00; /* junk between frames */
    stream[len++] = 0x42;
    stream[len++] = TAKP_MAGIC; /* an oversized frame: 5000 bytes of payload */
    len += takp_varint_put(5000, stream + len);
    memset(stream + len, 0xAA, 5000);
    len += 5000;
    assert_int_equal(takp_encode_frame(&ev, stream + len, sizeof stream - len, &n), 0);
    len += n;
    for (size_t piece = 1; piece <= len; piece = piece * 3 + 1) {
        struct cot_scan s;
        assert_int_equal(cot_scan_init(&s, 2048), 0);
        int events = 0, big = 0, junk = 0;
        for (size_t i = 0; i < len; i += piece) {
            assert_int_equal(cot_scan_feed(&s, stream + i, len - i < piece ? len - i : piece), 0);
            const unsigned char *m;
            size_t ml;
            enum cot_scan_item it;
            while ((it = cot_scan_next(&s, &m, &ml)) != COT_SCAN_NEED) {
                char why[200] = "";
                struct cot_event got;
                if (it == COT_SCAN_EVENT && s.mode == COT_SCAN_XML) {
                    assert_int_equal(cot_parse((const char *)m, ml, &got, why, sizeof why), 0);
                    assert_true(takp_accept(&got));
                    cot_scan_set_mode(&s, COT_SCAN_PROTO); /* after our true response */
                } else if (it == COT_SCAN_EVENT) {
                    assert_int_equal(ml + 3, frame); /* a 2-byte varint */
                    assert_int_equal(takp_decode(m, ml, &got, NULL, NULL, why, sizeof why), 0);
                    assert_string_equal(got.uid, ev.uid);
                    assert_true(got.mark.present);
                } else if (it == COT_SCAN_TOO_BIG) {
                    big++;
                    continue;
                } else {
                    junk++;
                    continue;
                }
                events++;
            }
            assert_true(s.len - s.pos <= 2048 + piece + TAKP_HEADER_MAX);
        }
        assert_int_equal(events, 3);
        assert_int_equal(big, 1);
        assert_true(junk >= 1);
        assert_true(s.junk_bytes == 2);
        cot_scan_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(varints),          cmocka_unit_test(round_trip),
        cmocka_unit_test(foreign_messages), cmocka_unit_test(decode_refusals),
        cmocka_unit_test(negotiation),      cmocka_unit_test(protobuf_stream),
        cmocka_unit_test(second_and_empty_contacts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
