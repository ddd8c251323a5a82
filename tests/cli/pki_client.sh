#!/bin/sh
# pki_client.sh - kizuna pki client: a TAK client's certificate, .p12 and data package as OpenSSL,
# unzip and xmllint read them; its refusals; and kizuna pki init --san for node certificates.
set -eu
. "$(dirname "$0")/lib.sh"

EX=$D/example.yaml

case_pki_client_files() {
  kz pki init --structure "$EX" --out pki
  expect_rc 0 "pki init"
  kz pki client --structure "$EX" --pki pki --node usfj --name Viper-1 --out c
  expect_rc 0 "pki client"
  expect_in "$T/out" "for node usfj, nation USA, clearance S, connecting to localhost:8089:ssl"
  pw=$(sed -n 's/^p12 password: //p' "$T/out")
  [ ${#pw} -eq 16 ] || fail "no 16-character password printed (got '$pw')"
  for f in Viper-1.pem Viper-1.key Viper-1.p12 Viper-1.zip ca.pem; do
    [ -s "c/$f" ] || fail "no c/$f"
  done
  for f in Viper-1.key Viper-1.p12 Viper-1.zip; do
    [ "$(stat -c %a "c/$f")" = 600 ] || fail "c/$f is not mode 0600"
  done
  cmp -s c/ca.pem pki/identity_ca.pem || fail "ca.pem is not the identity CA"
  # The subject and the marks of a client certificate.
  openssl x509 -in c/Viper-1.pem -noout -subject -nameopt RFC2253 >subj || fail "openssl x509"
  expect_in subj "subject=CN=Viper-1,OU=usfj,O=USA"
  openssl x509 -in c/Viper-1.pem -noout -text >text
  expect_in text "TLS Web Client Authentication"
  expect_not_in text "TLS Web Server Authentication"
  expect_in text "2.25.249958029790308440198229500066314044472"
  # A client, never a server; the node's certificate the other way round.
  openssl verify -CAfile c/ca.pem -purpose sslclient c/Viper-1.pem >v 2>&1 || { cat v; fail "client cert not a TLS client"; }
  ! openssl verify -CAfile c/ca.pem -purpose sslserver c/Viper-1.pem >v 2>&1 || fail "a client cert passes as a TLS server"
  openssl verify -CAfile c/ca.pem -purpose sslserver pki/usfj/cert.pem >v 2>&1 || { cat v; fail "node cert not a TLS server"; }
  ! openssl verify -CAfile c/ca.pem -purpose sslclient pki/usfj/cert.pem >v 2>&1 || fail "a node cert passes as a TLS client"
  # The .p12 opens with the printed password only, and holds the key, the certificate and the CA.
  openssl pkcs12 -in c/Viper-1.p12 -passin "pass:$pw" -nodes -out p12.pem 2>/dev/null || fail "the .p12 does not open"
  [ "$(grep -c 'BEGIN CERTIFICATE' p12.pem)" -eq 2 ] || fail "the .p12 does not hold 2 certificates"
  grep -q 'BEGIN PRIVATE KEY' p12.pem || fail "the .p12 holds no key"
  ! openssl pkcs12 -in c/Viper-1.p12 -passin pass:wrong -nodes -out /dev/null 2>/dev/null || fail "the .p12 opens with a wrong password"
  # The data package: a manifest that lists what the zip holds, the two .p12, the preferences.
  unzip -Z1 c/Viper-1.zip | sort >entries
  printf '%s\n' MANIFEST/manifest.xml certs/Viper-1.p12 certs/Viper-1.pref certs/truststore.p12 | sort >want
  cmp -s entries want || { cat entries >&2; fail "the data package's entries"; }
  unzip -p c/Viper-1.zip MANIFEST/manifest.xml >manifest.xml
  unzip -p c/Viper-1.zip certs/Viper-1.pref >pref.xml
  xmllint --noout manifest.xml pref.xml || fail "the package's XML is not well-formed"
  listed=$(xmllint --xpath '//Content/@zipEntry' manifest.xml | sed 's/ zipEntry="\([^"]*\)"/\1\n/g' | grep . | sort)
  [ "$listed" = "$(grep -v MANIFEST want)" ] || fail "the manifest lists '$listed'"
  [ "$(xmllint --xpath 'string(//entry[@key="connectString0"])' pref.xml)" = "localhost:8089:ssl" ] ||
    fail "the connection in the preferences"
  [ "$(xmllint --xpath 'string(//entry[@key="clientPassword"])' pref.xml)" = "$pw" ] ||
    fail "the password in the preferences"
  unzip -p c/Viper-1.zip certs/truststore.p12 >trust.p12
  openssl pkcs12 -in trust.p12 -passin "pass:$pw" -nokeys -out trust.pem 2>/dev/null || fail "truststore.p12"
  openssl x509 -in trust.pem -noout -subject >tsub
  expect_in tsub "kizuna Identity CA"
  # A second client of the same CA into the same directory keeps ca.pem; a given password is
  # used and not printed; nation and clearance as asked.
  kz pki client --structure "$EX" --pki pki --node usfj --name Hawk-2 --nation JPN --clearance C \
    --p12-password secret-1 --host hq.example --port 18089 --out c
  expect_rc 0 "a second client"
  expect_in "$T/out" "nation JPN, clearance C, connecting to hq.example:18089:ssl"
  expect_not_in "$T/out" "password"
  openssl pkcs12 -in c/Hawk-2.p12 -passin pass:secret-1 -nodes -out /dev/null 2>/dev/null || fail "Hawk-2.p12"
}

case_pki_client_refusals() {
  kz pki init --structure "$EX" --out pki
  kz pki client --structure "$EX" --pki pki --node usfx --name A --out c
  expect_rc 1 "an unknown node"
  expect_in "$T/err" "no node 'usfx' in structure 'example' for --node; did you mean 'usfj'?"
  kz pki client --structure "$EX" --pki pki --node usfj --name A --nation FRA --out c
  expect_rc 1 "a nation not in the structure"
  expect_in "$T/err" "no nation 'FRA'"
  kz pki client --structure "$EX" --pki pki --node usfj --name A --clearance TS --out c
  expect_rc 1 "a clearance above the node's networks"
  expect_in "$T/err" "clearance TS is above what node 'usfj' holds from its networks (S, network 'bilateral')"
  kz pki client --structure "$EX" --pki pki --node usfj --name 'A B' --out c
  expect_rc 1 "a callsign that cannot name a file"
  kz pki client --structure "$EX" --pki nowhere --node usfj --name A --out c
  expect_rc 1 "no CA"
  expect_in "$T/err" "nowhere/identity_ca.pem"
  [ ! -e c/A.pem ] || fail "a refused request left c/A.pem"
  kz pki client --structure "$EX" --pki pki --node usfj --name A --out c
  expect_rc 0 "issue A"
  kz pki client --structure "$EX" --pki pki --node usfj --name A --out c
  expect_rc 1 "A again"
  expect_in "$T/err" "refusing to replace"
  # Another PKI's client into a directory holding this one's ca.pem.
  kz pki init --structure "$EX" --out pki2
  kz pki client --structure "$EX" --pki pki2 --node usfj --name B --out c
  expect_rc 1 "another CA into c"
  expect_in "$T/err" "another CA's certificate"
  kz pki client --structure "$EX" --pki pki --node usfj --name C --host 'a b' --out c
  expect_rc 1 "a host that is no name or address"
  # Usage errors: exit 2, one line.
  kz pki client --structure "$EX" --node usfj --name A --out c
  usage_error "pki client"
  kz pki client --structure "$EX" --pki pki --node usfj --name A --out c --clearance Q
  usage_error "pki client"
  expect_in "$T/err" "one of: U, C, S, TS"
  kz pki client --structure "$EX" --pki pki --node usfj --name A --out c --port 70000
  usage_error "pki client"
  kz pki client --help
  expect_rc 0 "pki client --help"
  expect_in "$T/out" "usage: kizuna pki client"
}

case_pki_init_san() {
  kz pki init --structure "$EX" --out pki --san DNS:hq.example,IP:192.0.2.7 \
    --san usfj=DNS:usfj.example,IP:10.0.0.2,IP:::1
  expect_rc 0 "pki init --san"
  openssl x509 -in pki/usfj/cert.pem -noout -ext subjectAltName >usfj.san
  expect_in usfj.san "DNS:usfj.example, IP Address:10.0.0.2, IP Address:0:0:0:0:0:0:0:1"
  openssl x509 -in pki/jjoc/cert.pem -noout -ext subjectAltName >jjoc.san
  expect_in jjoc.san "DNS:hq.example, IP Address:192.0.2.7"
  # The client's connection defaults to the first name of its node's certificate.
  kz pki client --structure "$EX" --pki pki --node usfj --name A --out c
  expect_in "$T/out" "connecting to usfj.example:8089:ssl"
  # Without --san: localhost and 127.0.0.1.
  kz pki init --structure "$EX" --out pki0
  openssl x509 -in pki0/pm/cert.pem -noout -ext subjectAltName >pm.san
  expect_in pm.san "DNS:localhost, IP Address:127.0.0.1"
  for bad in URI:x IP:10.0.0 'DNS:a b' 'DNS:a,,IP:1.2.3.4' ''; do
    kz pki init --structure "$EX" --out pkib --san "$bad"
    usage_error "pki init"
  done
  kz pki init --structure "$EX" --out pkib --san usfk=DNS:a
  usage_error "pki init"
  expect_in "$T/err" "did you mean 'usfj'?"
  [ ! -e pkib/identity_ca.pem ] || fail "a refused pki init made a CA"
}

run_case "$@"
