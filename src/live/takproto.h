/* takproto.h - TAK protocol v1: 0xBF varint framing, TakMessage <-> cot_event (protobuf-c), the
 * t-x-takp-v/q/r negotiation messages (docs/cot-codec.md). No sockets here. */
#ifndef KZ_TAKPROTO_H
#define KZ_TAKPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "live/cot.h"

enum {
    TAKP_MAGIC = 0xBF,
    TAKP_VARINT_MAX = 10, /* bytes of a protobuf varint */
    TAKP_HEADER_MAX = 11, /* 0xBF and the length varint */
    TAKP_VERSION = 1      /* the one version this codec speaks */
};

/* Writes a protobuf unsigned varint of v into buf (TAKP_VARINT_MAX bytes of room); returns
 * its length. */
size_t takp_varint_put(uint64_t v, uint8_t *buf);
/*
 * Reads a varint from buf[0..n): returns its length and sets *v; 0 when buf ends before the
 * varint does (more bytes needed); -1 when it is not a valid varint (over 10 bytes, or over 64
 * bits).
 */
int takp_varint_get(const uint8_t *buf, size_t n, uint64_t *v);

/* The streaming header of a payload of `len` bytes (0xBF, varint) into buf; returns its
 * length (at most TAKP_HEADER_MAX). */
size_t takp_header(size_t len, uint8_t *buf);

/*
 * Encodes *ev as a TakMessage (payload only, no header) into buf[0..cap): the typed fields,
 * contact, group and track in the typed Detail, everything else of <detail> (the kizuna
 * marking, marti, remarks, flow tags, unmodelled children) as xmlDetail (cot_write_xml_detail).
 * *len gets the length. Returns 0, KZ_ELIMIT (does not fit) or KZ_ENOMEM.
 */
int takp_encode(const struct cot_event *ev, uint8_t *buf, size_t cap, size_t *len);
/* The same with its streaming header in front: one frame ready to write to the socket. */
int takp_encode_frame(const struct cot_event *ev, uint8_t *buf, size_t cap, size_t *len);

/*
 * Decodes an untrusted TakMessage payload (as cot_scan returns it in COT_SCAN_PROTO mode) into
 * *ev. The message must carry a cotEvent; a takControl alone gives KZ_ENOTFOUND (with its
 * versions in *ctl_min, *ctl_max when these are not NULL). Every string is checked (UTF-8,
 * no control characters, fits its field), the fields as cot_parse checks them (type, how,
 * lat, lon, finite numbers, times), and xmlDetail is parsed with cot_parse_detail (so the
 * kizuna marking survives protobuf); when both carry contact, group or track, xmlDetail
 * wins. Typed Detail parts this codec does not model (status, takv, precisionLocation) go
 * to ev->extra as their XML elements. Returns 0, KZ_EPARSE (not protobuf), KZ_ECHECK or
 * KZ_ELIMIT with the reason in why[0..whylen), or KZ_ENOTFOUND.
 */
int takp_decode(const uint8_t *payload, size_t len, struct cot_event *ev, uint32_t *ctl_min,
                uint32_t *ctl_max, char *why, size_t whylen);

/*
 * The negotiation messages (XML events), all with point 0,0 and hae/ce/le unknown, times
 * `now_ms` to now_ms + 60 s:
 *   takp_announce: the server's t-x-takp-v, uid "protouid", how m-g, detail
 *                  <TakControl><TakProtocolSupport version="1"/></TakControl>;
 *   takp_request:  the client's t-x-takp-q for `version`, reusing the announcement's uid;
 *   takp_response: the server's t-x-takp-r with <TakResponse status="true|false"/>.
 * Each fills *ev (write it with cot_write). After a true response both sides switch to
 * protobuf (cot_scan_set_mode).
 */
void takp_announce(int64_t now_ms, struct cot_event *ev);
void takp_request(const char *uid, int version, int64_t now_ms, struct cot_event *ev);
void takp_response(bool status, int64_t now_ms, struct cot_event *ev);

/* The server's answer to a client's t-x-takp-q: true when it asks for TAKP_VERSION. */
bool takp_accept(const struct cot_event *request);

#endif
