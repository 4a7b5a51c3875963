#!/usr/bin/env bash
# Regenerates the test-only key fixtures with the openssl CLI (3.x), in every shape kubeadm, kind, openssl and
# client-go write, plus shapes Kubernetes clients refuse. Each supported key gets a self-signed certificate so the
# tests can check the decoded key against openssl's own view of it.
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.key ./*.crt
cert() { openssl req -x509 -new -key "$1.key" -subj "/CN=$1" -days 36500 -out "$1.crt" 2>/dev/null; }

openssl genrsa -traditional -out rsa-pkcs1.key 2048 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in rsa-pkcs1.key -out rsa-pkcs8.key
cert rsa-pkcs1; cert rsa-pkcs8
openssl genrsa -traditional -out rsa-3072-pkcs1.key 3072 2>/dev/null; cert rsa-3072-pkcs1

for curve in P-256 P-384 P-521; do
  c=$(echo "$curve" | tr 'A-Z' 'a-z' | tr -d -)
  openssl ecparam -name "$curve" -genkey -noout -out "ec-$c-sec1.key"
  openssl pkcs8 -topk8 -nocrypt -in "ec-$c-sec1.key" -out "ec-$c-pkcs8.key"
  cert "ec-$c-sec1"; cert "ec-$c-pkcs8"
done
# openssl ecparam -genkey without -noout: an EC PARAMETERS block before the key
openssl ecparam -name prime256v1 -genkey -out ec-p256-with-parameters.key; cert ec-p256-with-parameters
openssl genpkey -algorithm ed25519 -out ed25519-pkcs8.key; cert ed25519-pkcs8

# refused
openssl ec -in ec-p256-sec1.key -param_enc explicit -out ec-p256-explicit-sec1.key 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in ec-p256-explicit-sec1.key -out ec-p256-explicit-pkcs8.key
openssl ecparam -name secp256k1 -genkey -noout -out ec-secp256k1-sec1.key
openssl genpkey -algorithm ed448 -out ed448-pkcs8.key
openssl genpkey -algorithm rsa-pss -pkeyopt rsa_keygen_bits:2048 -out rsa-pss-pkcs8.key 2>/dev/null
openssl dsaparam -out dsa.params 2048 2>/dev/null
openssl genpkey -paramfile dsa.params -out dsa-pkcs8.key
rm dsa.params
openssl dsa -in dsa-pkcs8.key -out dsa-traditional.key 2>/dev/null  # openssl 3 writes DSA PRIVATE KEY here
openssl rsa -in rsa-pkcs1.key -traditional -aes128 -passout pass:test -out rsa-pkcs1-encrypted.key 2>/dev/null
openssl pkcs8 -topk8 -in rsa-pkcs1.key -passout pass:test -out rsa-pkcs8-encrypted.key
